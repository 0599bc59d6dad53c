package org.compofa.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.compofa.ops.Activation;
import org.compofa.ops.KernelTransform;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;
import org.compofa.space.InvalidSubnetException;
import org.compofa.space.MobileNetV3Geometry;
import org.compofa.space.Subnet;

/**
 * An OFA MobileNetV3 network on one compute context: the elastic supernet ({@link
 * NetworkSpec#supernet}) or a static extracted subnet ({@link NetworkSpec#of}). Any {@link Subnet}
 * that fits the stored sizes runs forward and backward through native ops, reading the stored
 * weights in place (first channels, first blocks, centre taps); nothing is copied per subnet.
 *
 * <p>Layer order (reference §2.2): stem k3 conv + BN + h_swish; the fixed first block (depthwise 3x3 +
 * BN + ReLU, 1x1 projection + BN, identity shortcut); per stage the first d blocks of [1x1 expand +
 * BN + act, depthwise k x k + BN + act, SE, 1x1 project + BN, shortcut when stride 1 and widths
 * match]; head 1x1 + BN + h_swish, global pooling, 1x1 (no BN, no bias) + h_swish, dropout, linear.
 *
 * <p>Parameter names follow the layer names ({@code stem.conv.weight}, {@code
 * stage2.block1.depthwise.bn.gamma}, {@code classifier.bias}, ...), so the reference's weight-decay
 * rule ("no decay for names containing bn or bias") applies to them unchanged. Initialisation is
 * OFA's 'he_fout' (§2.2) from a seed.
 */
public final class Network implements AutoCloseable {
    /** Layers {@link #layers} puts before the first elastic block: stem conv, BN, h_swish, first block. */
    private static final int STEM_LAYERS = 1;  // stem conv, its BN and h_swish, and the first block

    private final NetworkSpec spec;
    private final ParameterStore store;
    private final Parameter stem;
    private final BatchNormWeights stemBn;
    private final BlockWeights firstBlock;
    private final List<List<BlockWeights>> stages = new ArrayList<>();
    private final Parameter finalExpand;
    private final BatchNormWeights finalExpandBn;
    private final Parameter featureMix;
    private final Parameter classifier;
    private final Parameter classifierBias;

    /**
     * Allocates and initialises the weights of {@code spec} on {@code ctx} from {@code seed}.
     *
     * @param ctx where the weights live
     * @param spec what to allocate
     * @param seed the initialisation seed
     */
    public Network(ComputeContext ctx, NetworkSpec spec, long seed) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.store = new ParameterStore(ctx);
        SplittableRandom rnd = new SplittableRandom(seed);
        var g = spec.geometry();
        var t = g.table();
        try {
            int k = MobileNetV3Geometry.FIXED_KERNEL;
            int stemIn = k * k * g.inputChannels();
            stem = conv(rnd, "stem.conv.weight", t.stemWidth(), stemIn, k * k);
            stemBn = store.batchNorm("stem.bn", t.stemWidth());
            firstBlock = block(rnd, spec.firstBlock(), spec.transform());
            for (List<BlockSpec> stage : spec.stages()) {
                List<BlockWeights> ws = new ArrayList<>();
                stage.forEach(b -> ws.add(block(rnd, b, spec.transform())));
                stages.add(ws);
            }
            finalExpand = conv(rnd, "final_expand.conv.weight", t.finalExpandWidth(), spec.lastStageWidth(), 1);
            finalExpandBn = store.batchNorm("final_expand.bn", t.finalExpandWidth());
            featureMix = conv(rnd, "feature_mix.conv.weight", t.featureMixWidth(), t.finalExpandWidth(), 1);
            classifier = store.parameter("classifier.weight", Layout.MATRIX,
                    ParameterStore.uniformFanIn(rnd, g.numClasses() * t.featureMixWidth(), t.featureMixWidth()),
                    g.numClasses(), t.featureMixWidth());
            classifierBias = store.parameter("classifier.bias", Layout.VECTOR, new float[g.numClasses()],
                    g.numClasses());
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private Parameter conv(SplittableRandom rnd, String name, int cout, int cin, int taps) {
        return store.parameter(name, Layout.MATRIX, ParameterStore.heFanOut(rnd, cout * cin, taps, cout), cout, cin);
    }

    private BlockWeights block(SplittableRandom rnd, BlockSpec b, KernelTransform transform) {
        String n = b.name();
        Parameter expand = null;
        BatchNormWeights expandBn = null;
        if (b.expandConv()) {
            expand = conv(rnd, n + ".expand.conv.weight", b.maxMid(), b.inChannels(), 1);
            expandBn = store.batchNorm(n + ".expand.bn", b.maxMid());
        }
        int km = b.maxKernel();
        Parameter dw = store.parameter(n + ".depthwise.conv.weight", Layout.DW_WEIGHT,
                ParameterStore.heFanOut(rnd, km * km * b.maxMid(), km * km, b.maxMid()), km, km, b.maxMid());
        Parameter t75 = null;
        Parameter t53 = null;
        if (transform == KernelTransform.OFA && km == 7) {
            t75 = store.parameter(n + ".depthwise.t75", Layout.MATRIX, identity(25), 25, 25);
            t53 = store.parameter(n + ".depthwise.t53", Layout.MATRIX, identity(9), 9, 9);
        }
        BatchNormWeights dwBn = store.batchNorm(n + ".depthwise.bn", b.maxMid());
        SqueezeExciteWeights se = null;
        if (b.squeezeExcite()) {
            int s = b.maxSe();
            se = new SqueezeExciteWeights(conv(rnd, n + ".se.reduce.weight", s, b.maxMid(), 1),
                    store.parameter(n + ".se.reduce.bias", Layout.VECTOR, new float[s], s),
                    conv(rnd, n + ".se.expand.weight", b.maxMid(), s, 1),
                    store.parameter(n + ".se.expand.bias", Layout.VECTOR, new float[b.maxMid()], b.maxMid()));
        }
        Parameter project = conv(rnd, n + ".project.conv.weight", b.outChannels(), b.maxMid(), 1);
        BatchNormWeights projectBn = store.batchNorm(n + ".project.bn", b.outChannels());
        return new BlockWeights(b, expand, expandBn, dw, t75, t53, dwBn, se, project, projectBn);
    }

    private static float[] identity(int n) {
        float[] m = new float[n * n];
        for (int i = 0; i < n; i++) {
            m[i * n + i] = 1f;
        }
        return m;
    }

    /**
     * What the network stores.
     *
     * @return the spec
     */
    public NetworkSpec spec() {
        return spec;
    }

    /**
     * The parameters and buffers.
     *
     * @return the parameters and buffers
     */
    public ParameterStore parameters() {
        return store;
    }

    /**
     * The context the weights live on.
     *
     * @return the context
     */
    public ComputeContext context() {
        return store.context();
    }

    /**
     * The largest subnet this network runs at {@code resolution}: every slot, the stored kernels
     * and the largest expand ratio whose middle width fits (6 for a supernet).
     *
     * @param resolution input side in pixels
     * @return the largest subnet
     */
    public Subnet largestSubnet(int resolution) {
        int slots = spec.stages().stream().mapToInt(List::size).max().orElseThrow();
        int n = spec.stages().size();
        int[] depths = new int[n];
        int[] kernels = new int[n * slots];
        int[] expands = new int[n * slots];
        for (int s = 0; s < n; s++) {
            List<BlockSpec> st = spec.stages().get(s);
            depths[s] = st.size();
            for (int b = 0; b < st.size(); b++) {
                kernels[s * slots + b] = st.get(b).maxKernel();
                expands[s * slots + b] = largestExpand(st.get(b));
            }
        }
        return new Subnet(depths, kernels, expands, resolution);
    }

    private static int largestExpand(BlockSpec b) {
        for (int e = 9; e >= 1; e--) {
            if (MobileNetV3Geometry.middleWidth(b.inChannels(), e) <= b.maxMid()) {
                return e;
            }
        }
        throw new IllegalStateException(b.name() + ": no expand ratio fits " + b.maxMid() + " channels");
    }

    /**
     * Runs {@code subnet} on {@code images} (NHWC [n][r][r][inputChannels], r = the subnet's
     * resolution) in the pass's mode and returns the logits MATRIX [n][classes] (borrowed from the
     * pass). In {@link Mode#TRAIN} the pass can then run {@link Pass#backward}.
     *
     * @param pass the pass (mode, workspace)
     * @param subnet the architecture to run; must fit this network
     * @param images NHWC [n][r][r][inputChannels]
     * @return logits MATRIX [n][classes], owned by the pass
     * @throws InvalidSubnetException when the subnet does not fit this network (names the block)
     */
    public Tensor forward(Pass pass, Subnet subnet, Tensor images) {
        checkImages(subnet, images);
        List<Layer> layers = layers(subnet, pass);
        Tensor x = images;
        for (Layer l : layers) {
            x = pass.run(l, x);
        }
        return x;
    }

    /**
     * {@link #forward} that also times each top-level piece for a per-block latency table: the
     * context is synchronised before the pass and after each piece, and {@code timer} gets the wall
     * time of the stem (stem conv, BN, h_swish and the first block), of every active block in order
     * and of the head. The logits are exactly those of {@link #forward}; the synchronisations only
     * stop pieces from overlapping. The stem's time also holds the per-pass Java work (checks, layer
     * list), which a whole-subnet timing pays too. Any mode works; latency tables use EVAL.
     *
     * @param pass the pass (mode, workspace)
     * @param subnet the architecture to run
     * @param images NHWC [n][r][r][inputChannels]
     * @param timer receives each piece's wall time
     * @return logits MATRIX [n][classes], owned by the pass
     * @throws InvalidSubnetException when the subnet does not fit this network (before any timing)
     */
    public Tensor forwardTimed(Pass pass, Subnet subnet, Tensor images, LayerTimer timer) {
        Objects.requireNonNull(timer, "timer");
        context().synchronize();
        long t0 = System.nanoTime();
        checkImages(subnet, images);
        List<Layer> layers = layers(subnet, pass);
        Tensor x = images;
        int i = 0;
        for (; i < STEM_LAYERS; i++) {
            x = pass.run(layers.get(i), x);
        }
        t0 = lap(timer, ForwardPiece.stem(subnet.resolution()), t0);
        for (int s = 0; s < subnet.stages(); s++) {
            for (int b = 0; b < subnet.depth(s); b++) {
                int in = stages.get(s).get(b).spec().inChannels();
                int mid = MobileNetV3Geometry.middleWidth(in, subnet.expand(s, b));
                ForwardPiece block = ForwardPiece.block(s, b, x.dim(1), subnet.kernel(s, b), mid);
                x = pass.run(layers.get(i++), x);
                t0 = lap(timer, block, t0);
            }
        }
        ForwardPiece head = ForwardPiece.head(x.dim(1));
        for (; i < layers.size(); i++) {
            x = pass.run(layers.get(i), x);
        }
        lap(timer, head, t0);
        return x;
    }

    /** Ends a piece: waits for its device work, reports it and restarts the clock after the callback. */
    private long lap(LayerTimer timer, ForwardPiece piece, long t0) {
        context().synchronize();
        timer.record(piece, System.nanoTime() - t0);
        return System.nanoTime();
    }

    private void checkImages(Subnet subnet, Tensor images) {
        Objects.requireNonNull(subnet, "subnet");
        int[] s = images.shape();
        int r = subnet.resolution();
        if (images.layout() != Layout.NHWC || s[1] != r || s[2] != r || s[3] != spec.geometry().inputChannels()) {
            throw new IllegalArgumentException("images " + images.describeShape() + ": allowed NHWC [n][" + r + "]["
                    + r + "][" + spec.geometry().inputChannels() + "] for " + subnet.id());
        }
    }

    /**
     * Checks that {@code subnet} fits the stored sizes (stage count, depths, middle widths, kernels).
     *
     * @throws InvalidSubnetException naming the stage or block that does not fit
     */
    void checkFits(Subnet subnet) {
        if (subnet.stages() != spec.stages().size()) {
            throw new InvalidSubnetException("subnet has " + subnet.stages() + " stages; this network has "
                    + spec.stages().size());
        }
        for (int s = 0; s < subnet.stages(); s++) {
            List<BlockWeights> stage = stages.get(s);
            if (subnet.depth(s) > stage.size()) {
                throw new InvalidSubnetException("stage " + (s + 1) + " depth " + subnet.depth(s) + ": this network"
                        + " stores " + stage.size() + " blocks there");
            }
            for (int b = 0; b < subnet.depth(s); b++) {
                BlockSpec block = stage.get(b).spec();
                int mid = MobileNetV3Geometry.middleWidth(block.inChannels(), subnet.expand(s, b));
                int k = subnet.kernel(s, b);
                if (mid > block.maxMid() || k > block.maxKernel() || k < 3) {
                    throw new InvalidSubnetException(block.name() + ": expand " + subnet.expand(s, b) + " (" + mid
                            + " channels) kernel " + k + ": allowed at most " + block.maxMid()
                            + " channels and kernel 3.." + block.maxKernel());
                }
            }
        }
    }

    /**
     * The flat layer list: the stem ({@link #STEM_LAYERS} layer), one layer per active block, the
     * head; convolutions fused with their batch norm and activation when the mode says so.
     */
    private List<Layer> layers(Subnet subnet, Pass pass) {
        checkFits(subnet);
        FusedLayers.Fusion fuse = FusedLayers.Fusion.of(pass.mode());
        float dropout = pass.mode().allowsBackward() ? pass.dropout() : 0f;
        var t = spec.geometry().table();
        List<Layer> stemLayers = new ArrayList<>();
        FusedLayers.stem(stemLayers, fuse, stem, MobileNetV3Geometry.FIXED_KERNEL, t.stemStride(), stemBn,
                t.stemWidth(), Activation.HSWISH);
        stemLayers.add(blockLayer(firstBlock, firstBlock.spec().maxMid(), MobileNetV3Geometry.FIXED_KERNEL, fuse));
        List<Layer> layers = new ArrayList<>();
        layers.add(new Sequential(stemLayers));
        for (int s = 0; s < subnet.stages(); s++) {
            for (int b = 0; b < subnet.depth(s); b++) {
                BlockWeights w = stages.get(s).get(b);
                int mid = MobileNetV3Geometry.middleWidth(w.spec().inChannels(), subnet.expand(s, b));
                layers.add(blockLayer(w, mid, subnet.kernel(s, b), fuse));
            }
        }
        FusedLayers.convBnAct(layers, fuse, finalExpand, spec.lastStageWidth(), t.finalExpandWidth(), finalExpandBn,
                Activation.HSWISH);
        layers.add(new SqueezeExciteLayer.PoolLayer());
        FusedLayers.convBnAct(layers, fuse, featureMix, t.finalExpandWidth(), t.featureMixWidth(), null,
                Activation.HSWISH);
        if (dropout > 0f) {
            layers.add(new DropoutLayer(dropout));
        }
        layers.add(new Conv1x1Layer(classifier, classifierBias, t.featureMixWidth(), spec.geometry().numClasses(),
                true));
        return layers;
    }

    private Layer blockLayer(BlockWeights w, int mid, int k, FusedLayers.Fusion fuse) {
        BlockSpec b = w.spec();
        Activation act = ActivationLayer.of(b.activation());
        List<Layer> body = new ArrayList<>();
        if (b.expandConv()) {
            FusedLayers.convBnAct(body, fuse, w.expand(), b.inChannels(), mid, w.expandBn(), act);
        }
        FusedLayers.depthwiseBnAct(body, fuse, w, mid, k, b.stride(), act);
        if (w.se() != null) {
            body.add(new SqueezeExciteLayer(w.se(), mid, MobileNetV3Geometry.seWidth(mid),
                    fuse != FusedLayers.Fusion.NONE));
        }
        FusedLayers.convBnAct(body, fuse, w.project(), mid, b.outChannels(), w.projectBn(), Activation.IDENTITY);
        Layer seq = new Sequential(body);
        return b.residual() ? new ResidualLayer(seq) : seq;
    }

    /** Block weights of stage {@code s} (package use: sorting, extraction). */
    List<BlockWeights> stageWeights(int s) {
        return stages.get(s);
    }

    /** Frees the weights. */
    @Override
    public void close() {
        store.close();
    }

    @Override
    public String toString() {
        return "Network[" + spec.stages().size() + " stages, " + store.parameterCount() + " parameters, "
                + Arrays.toString(spec.stages().stream().mapToInt(List::size).toArray()) + " blocks, on "
                + store.context() + "]";
    }
}
