package org.compofa.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.compofa.ops.DepthwiseShape;
import org.compofa.ops.ElasticDepthwiseConv;
import org.compofa.ops.KernelTransform;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The elastic depthwise convolution through the Java API ({@link ElasticDepthwiseConv}) on the CPU
 * backend, at the shapes of the w1.0 MobileNetV3 supernet's five stages: c = c_max = the middle width
 * at expand ratio 6, k_max 7, CompOFA's fixed active kernels 3,5,3,3,5, centre crop (transform NONE).
 *
 * <pre>
 * stage  first block (a): c, input@224, stride   other blocks (b): c, input@224, stride   k
 *   1      96, 112, 2                               144, 56, 1                            3
 *   2     144,  56, 2                               240, 28, 1                            5
 *   3     240,  28, 2                               480, 14, 1                            3
 *   4     480,  14, 1                               672, 14, 1                            3
 *   5     672,  14, 2                               960,  7, 1                            5
 * </pre>
 * Spatial sizes scale with the resolution: ceil(size * resolution / 224), so 32 gives 8,4,2,2,1 for
 * the other blocks. The default run covers the other blocks only; {@code -p block=a,b} adds the first
 * blocks, {@code -p transform=OFA} OFA's kernel-transform chain (identity matrices).
 *
 * <p>Counted per call (see {@link Traffic}): forward bytes = (x + y + weight slice c*k*k) * 4,
 * flops = 2*n*ho*wo*c*k*k; backward (dx and dweight) bytes = (x + dy + dx + weight slice) * 4,
 * flops twice the forward's. Allocation and the random fill happen in the trial setup.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@State(Scope.Thread)
public class DepthwiseStageBenchmark {
    private static final int K_MAX = 7;
    private static final int[] KERNEL = {3, 5, 3, 3, 5};
    private static final int[] C_FIRST = {96, 144, 240, 480, 672};
    private static final int[] C_OTHER = {144, 240, 480, 672, 960};
    private static final int[] SIZE_FIRST = {112, 56, 28, 14, 14};
    private static final int[] SIZE_OTHER = {56, 28, 14, 14, 7};
    private static final int[] STRIDE_FIRST = {2, 2, 2, 1, 2};

    /** Supernet stage, 1..5. */
    @Param({"1", "2", "3", "4", "5"})
    public int stage;

    /** Input resolution of the network (224 = ImageNet, 32 = the small CI resolution). */
    @Param({"224", "32"})
    public int resolution;

    @Param({"1", "64"})
    public int batch;

    /** a = the stage's first block, b = its other blocks (stride 1). */
    @Param({"b"})
    public String block;

    /** NONE (centre crop) or OFA (transform chain with identity matrices). */
    @Param({"NONE"})
    public String transform;

    private ComputeContext ctx;
    private DepthwiseShape shape;
    private Tensor x;
    private Tensor weight;
    private Tensor t75;
    private Tensor t53;
    private Tensor y;
    private Tensor dy;
    private Tensor dx;
    private Tensor dweight;
    private long forwardBytes;
    private long forwardFlops;
    private long backwardBytes;

    @Setup(Level.Trial)
    public void setup() {
        shape = shape(stage, resolution, batch, block, KernelTransform.valueOf(transform));
        ctx = Inputs.cpu();
        SplittableRandom rng = new SplittableRandom(Inputs.SEED);
        x = Inputs.random(ctx, rng, Layout.NHWC, shape.inputShape());
        weight = Inputs.random(ctx, rng, Layout.DW_WEIGHT, shape.weightShape());
        dy = Inputs.random(ctx, rng, Layout.NHWC, shape.outputShape());
        y = Tensor.zeros(ctx, Layout.NHWC, shape.outputShape());
        dx = Tensor.zeros(ctx, Layout.NHWC, shape.inputShape());
        dweight = Tensor.zeros(ctx, Layout.DW_WEIGHT, shape.weightShape());
        if (shape.transform() == KernelTransform.OFA) {
            t75 = ElasticDepthwiseConv.identityTransform(ctx, 25);
            t53 = ElasticDepthwiseConv.identityTransform(ctx, 9);
        }
        long slice = (long) shape.c() * shape.k() * shape.k();
        forwardBytes = (shape.inputLength() + shape.outputLength() + slice) * Float.BYTES;
        forwardFlops = 2L * shape.outputLength() * shape.k() * shape.k();
        backwardBytes = (2 * shape.inputLength() + shape.outputLength() + slice) * Float.BYTES;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ctx.close();
    }

    /** y = depthwise(x, centre k x k of the first c channels of weight). */
    @Benchmark
    public void forward(Traffic traffic) {
        ElasticDepthwiseConv.forward(ctx, shape, x, weight, t75, t53, y);
        traffic.add(forwardBytes, forwardFlops);
    }

    /** dx (overwritten) and the weight slice's gradient (accumulated) for upstream dy. */
    @Benchmark
    public void backward(Traffic traffic) {
        ElasticDepthwiseConv.backward(ctx, shape, x, weight, t75, t53, dy, dx, dweight, null, null);
        traffic.add(backwardBytes, 2 * forwardFlops);
    }

    /** The depthwise problem of a stage's first (a) or other (b) blocks at a resolution and batch. */
    static DepthwiseShape shape(int stage, int resolution, int batch, String block, KernelTransform transform) {
        if (stage < 1 || stage > 5) {
            throw new IllegalArgumentException("stage " + stage + ": allowed 1..5");
        }
        if (resolution < 1) {
            throw new IllegalArgumentException("resolution " + resolution + ": allowed >= 1");
        }
        int s = stage - 1;
        boolean first = switch (block) {
            case "a" -> true;
            case "b" -> false;
            default -> throw new IllegalArgumentException("block '" + block + "': allowed a (first) or b (others)");
        };
        int c = first ? C_FIRST[s] : C_OTHER[s];
        int size224 = first ? SIZE_FIRST[s] : SIZE_OTHER[s];
        int size = (int) Math.max(1, ((long) size224 * resolution + 223) / 224);
        int stride = first ? STRIDE_FIRST[s] : 1;
        return new DepthwiseShape(batch, size, size, c, c, KERNEL[s], K_MAX, stride, transform);
    }
}
