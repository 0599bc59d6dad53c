package org.compofa.bench.torch;

import static org.bytedeco.pytorch.global.torch.batch_norm;
import static org.bytedeco.pytorch.global.torch.conv2d;
import static org.bytedeco.pytorch.global.torch.dropout;
import static org.bytedeco.pytorch.global.torch.hardsigmoid;
import static org.bytedeco.pytorch.global.torch.hardswish;
import static org.bytedeco.pytorch.global.torch.linear;
import static org.bytedeco.pytorch.global.torch.relu;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.compofa.nn.BlockSpec;
import org.compofa.nn.Network;
import org.compofa.nn.NetworkSpec;
import org.compofa.space.Activation;
import org.compofa.space.MobileNetV3Geometry;
import org.compofa.space.Subnet;
import org.compofa.train.NamedArray;

/**
 * The OFA MobileNetV3 supernet written directly in libtorch (through JavaCPP), the way the reference
 * PyTorch code runs it: weights stored at their largest shape in PyTorch layouts (OIHW, NCHW
 * activations), a subnet slices them per call ({@code weight[:out, :in]}, the centre k x k taps of the
 * depthwise kernel) and calls {@code F.conv2d} / {@code F.batch_norm} / {@code F.hardswish} on the
 * slices. Built from a {@link Network}'s values, so both engines start from the same weights; the
 * peer of the compound training step (issue #6) and an independent oracle for our forward, backward
 * and update ({@code TorchCompoundStepTest}).
 *
 * <p>Only centre-crop kernels ({@code KernelTransform.NONE}, the compound space's setting). Not
 * thread-safe.
 */
public final class TorchSupernet {
    private static final double BN_MOMENTUM = 0.1;
    private static final double BN_EPS = 1e-5;
    /** Any valid size: this forward takes the resolution from the images. */
    private static final int LARGEST_RESOLUTION = 32;

    private final NetworkSpec spec;
    private final Subnet largest;
    /** Learnable tensors (leaf, requires grad) by our parameter name. */
    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    /** BN running statistics by our buffer name. */
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();

    /** Copies every parameter and buffer of {@code network} into libtorch tensors (PyTorch layouts). */
    public TorchSupernet(Network network) {
        this.spec = network.spec();
        this.largest = network.largestSubnet(LARGEST_RESOLUTION);
        for (NamedArray a : network.parameters().toArrays()) {
            Tensor t = toTorchLayout(a.name(), a.shape(), a.values());
            if (a.name().endsWith(".running_mean") || a.name().endsWith(".running_var")) {
                buffers.put(a.name(), t);
            } else {
                t.set_requires_grad(true);
                parameters.put(a.name(), t);
            }
        }
    }

    /** Overwrites every parameter and buffer with {@code network}'s current values (same spec). */
    public void copyFrom(Network network) {
        try (NoGradGuard _ = new NoGradGuard()) {
            for (NamedArray a : network.parameters().toArrays()) {
                tensor(a.name()).copy_(toTorchLayout(a.name(), a.shape(), a.values()));
            }
        }
    }

    /** The largest subnet the network stores (every slot, largest expand and kernel): the teacher's. */
    public Subnet largestSubnet() {
        return largest;
    }

    /** Learnable tensors by our parameter names, in our creation order. */
    public Map<String, Tensor> parameters() {
        return parameters;
    }

    /** Our layout's values of parameter or buffer {@code name} (for comparisons with {@link Network}). */
    public float[] valuesInOurLayout(String name) {
        return inOurLayout(name, tensor(name));
    }

    /** The parameter or buffer of that name. */
    private Tensor tensor(String name) {
        Tensor t = parameters.containsKey(name) ? parameters.get(name) : buffers.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no tensor named '" + name + "'");
        }
        return t;
    }

    /** Our layout's values of the gradient of parameter {@code name} (zeros when it has none yet). */
    public float[] gradientInOurLayout(String name) {
        Tensor p = p(name);
        Tensor g = p.grad();
        return g.defined() ? inOurLayout(name, g) : new float[(int) p.numel()];
    }

    private static float[] inOurLayout(String name, Tensor t) {
        Tensor ours = t.dim() == 4 && isDepthwise(name) ? t.squeeze(1).permute(1, 2, 0)
                : t.dim() == 4 ? t.permute(0, 2, 3, 1) : t;
        return toArray(ours);
    }

    /** How batch norm runs in a forward. */
    public enum BnMode {
        /** Batch statistics, running ones updated (a student; dropout applies). */
        TRAIN,
        /** Batch statistics, nothing updated (the frozen teacher, our {@code Pass.teacher}). */
        BATCH_ONLY,
        /** Running statistics (inference). */
        EVAL
    }

    /** The logits [n][classes] of {@code subnet} on NCHW {@code images}; dropout only in {@link BnMode#TRAIN}. */
    public Tensor forward(Subnet subnet, Tensor images, BnMode bn, double dropoutRate) {
        var t = spec.geometry().table();
        Tensor x = conv(images, p("stem.conv.weight"), null, t.stemStride(), 1, 1);
        x = hardswish(batchNorm(x, "stem.bn", t.stemWidth(), bn));
        x = block(x, spec.firstBlock(), spec.firstBlock().maxMid(), MobileNetV3Geometry.FIXED_KERNEL, bn);
        for (int s = 0; s < subnet.stages(); s++) {
            for (int b = 0; b < subnet.depth(s); b++) {
                BlockSpec blk = spec.stages().get(s).get(b);
                int mid = MobileNetV3Geometry.middleWidth(blk.inChannels(), subnet.expand(s, b));
                x = block(x, blk, mid, subnet.kernel(s, b), bn);
            }
        }
        x = conv(x, p("final_expand.conv.weight").narrow(1, 0, spec.lastStageWidth()), null, 1, 0, 1);
        x = hardswish(batchNorm(x, "final_expand.bn", t.finalExpandWidth(), bn));
        x = x.mean(2, 3);
        x = hardswish(linear(x, p("feature_mix.conv.weight").flatten(1, 3)));
        if (bn == BnMode.TRAIN && dropoutRate > 0) {
            x = dropout(x, dropoutRate, true);
        }
        return linear(x, p("classifier.weight"), new TensorOptional(p("classifier.bias")));
    }

    private Tensor block(Tensor x, BlockSpec b, int mid, int k, BnMode bn) {
        String n = b.name();
        Tensor in = x;
        if (b.expandConv()) {
            x = conv(x, p(n + ".expand.conv.weight").narrow(0, 0, mid), null, 1, 0, 1);
            x = act(batchNorm(x, n + ".expand.bn", mid, bn), b.activation());
        }
        int off = (b.maxKernel() - k) / 2;
        Tensor dw = p(n + ".depthwise.conv.weight").narrow(0, 0, mid).narrow(2, off, k).narrow(3, off, k);
        x = conv(x, dw, null, b.stride(), k / 2, mid);
        x = act(batchNorm(x, n + ".depthwise.bn", mid, bn), b.activation());
        if (b.squeezeExcite()) {
            int se = MobileNetV3Geometry.seWidth(mid);
            Tensor pooled = x.mean(new long[] {2, 3}, true, new org.bytedeco.pytorch.ScalarTypeOptional());
            Tensor g = relu(conv(pooled, p(n + ".se.reduce.weight").narrow(0, 0, se).narrow(1, 0, mid),
                    p(n + ".se.reduce.bias").narrow(0, 0, se), 1, 0, 1));
            g = hardsigmoid(conv(g, p(n + ".se.expand.weight").narrow(0, 0, mid).narrow(1, 0, se),
                    p(n + ".se.expand.bias").narrow(0, 0, mid), 1, 0, 1));
            x = x.mul(g);
        }
        x = conv(x, p(n + ".project.conv.weight").narrow(1, 0, mid), null, 1, 0, 1);
        x = batchNorm(x, n + ".project.bn", b.outChannels(), bn);
        return b.residual() ? x.add(in) : x;
    }

    private Tensor batchNorm(Tensor x, String name, int c, BnMode mode) {
        TensorOptional mean = new TensorOptional();
        TensorOptional var = new TensorOptional();
        if (mode != BnMode.BATCH_ONLY) {
            mean = new TensorOptional(buffers.get(name + ".running_mean").narrow(0, 0, c));
            var = new TensorOptional(buffers.get(name + ".running_var").narrow(0, 0, c));
        }
        return batch_norm(x, new TensorOptional(p(name + ".gamma").narrow(0, 0, c)),
                new TensorOptional(p(name + ".beta").narrow(0, 0, c)), mean, var, mode != BnMode.EVAL, BN_MOMENTUM,
                BN_EPS, true);
    }

    private static Tensor act(Tensor x, Activation a) {
        return a == Activation.RELU ? relu(x) : hardswish(x);
    }

    private static Tensor conv(Tensor x, Tensor w, Tensor bias, int stride, int pad, int groups) {
        TensorOptional b = bias == null ? new TensorOptional() : new TensorOptional(bias);
        return conv2d(x, w, b, new long[] {stride, stride}, new long[] {pad, pad}, new long[] {1, 1}, groups);
    }

    private Tensor p(String name) {
        Tensor t = parameters.get(name);
        if (t == null) {
            throw new IllegalStateException("no parameter '" + name + "' (the network has " + parameters.size()
                    + ")");
        }
        return t;
    }

    private static boolean isDepthwise(String name) {
        return name.endsWith(".depthwise.conv.weight");
    }

    /** Our layouts to PyTorch's: 1x1 MATRIX [out][in] -> [out][in][1][1], the stem's (kh, kw, ci) -> OIHW,
     * the depthwise [k][k][c] -> [c][1][k][k]; vectors and the classifier as they are. */
    private Tensor toTorchLayout(String name, int[] shape, float[] values) {
        long[] dims = java.util.Arrays.stream(shape).asLongStream().toArray();
        Tensor t = fromArray(values, dims);
        if (isDepthwise(name)) {
            return t.permute(2, 0, 1).unsqueeze(1).contiguous();
        }
        if (name.equals("stem.conv.weight")) {
            int k = MobileNetV3Geometry.FIXED_KERNEL;
            return t.reshape(shape[0], k, k, shape[1] / (k * k)).permute(0, 3, 1, 2).contiguous();
        }
        if (name.endsWith(".weight") && !name.equals("classifier.weight")) {
            return t.reshape(shape[0], shape[1], 1, 1);
        }
        return t;
    }

    /** A new float tensor holding a copy of {@code values}. */
    public static Tensor fromArray(float[] values, long... dims) {
        Tensor t = org.bytedeco.pytorch.global.torch.empty(dims);
        try (FloatPointer fp = new FloatPointer(t.data_ptr())) {
            fp.put(values);
        }
        return t;
    }

    /** The values of a float tensor, row-major. */
    public static float[] toArray(Tensor t) {
        Tensor c = t.detach().contiguous();
        float[] out = new float[(int) c.numel()];
        try (FloatPointer fp = new FloatPointer(c.data_ptr())) {
            fp.get(out);
        }
        return out;
    }
}
