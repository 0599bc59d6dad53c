package org.compofa.io.ofa;

import java.util.ArrayList;
import java.util.List;
import org.compofa.io.ofa.OfaTensor.Reorder;
import org.compofa.nn.BlockSpec;
import org.compofa.nn.NetworkSpec;
import org.compofa.space.MobileNetV3Geometry;

/**
 * Every tensor of an OFA MobileNetV3 state dict and the compofa tensor it is, in OFA's order (the
 * order of {@code model.state_dict()}). Two naming forms: the elastic supernet
 * ({@code OFAMobileNetV3}: dynamic layers wrap their {@code nn.Conv2d} / {@code nn.BatchNorm2d}, hence
 * {@code conv.conv.weight} and {@code bn.bn.weight}) and the static network that OFA's
 * {@code get_active_subnet()} returns ({@code MobileNetV3}: {@code conv.weight}, {@code bn.weight}).
 * The stem, the first block and the head are plain layers in both.
 */
final class OfaTensorMap {
    private final List<OfaTensor> tensors = new ArrayList<>();

    private OfaTensorMap() {
    }

    /**
     * The correspondence for {@code spec}: {@code elastic} selects the supernet naming (blocks at
     * {@code 1 + stage * slots + slot}) or the static one (active blocks numbered in order).
     */
    static List<OfaTensor> of(NetworkSpec spec, boolean elastic, KernelMatrices matrices) {
        OfaTensorMap m = new OfaTensorMap();
        var t = spec.geometry().table();
        int k = MobileNetV3Geometry.FIXED_KERNEL;
        int in = spec.geometry().inputChannels();
        m.add("first_conv.conv.weight", shape(t.stemWidth(), in, k, k), "stem.conv.weight",
                shape(t.stemWidth(), k * k * in), Reorder.STEM);
        m.batchNorm("first_conv.bn", "stem.bn", t.stemWidth());
        m.block("blocks.0.conv", false, spec.firstBlock(), KernelMatrices.NONE);
        int index = 1;
        for (List<BlockSpec> stage : spec.stages()) {
            for (BlockSpec b : stage) {
                m.block("blocks." + index++ + ".conv", elastic, b, elastic ? matrices : KernelMatrices.NONE);
            }
        }
        m.add("final_expand_layer.conv.weight", shape(t.finalExpandWidth(), spec.lastStageWidth(), 1, 1),
                "final_expand.conv.weight", shape(t.finalExpandWidth(), spec.lastStageWidth()), Reorder.SAME);
        m.batchNorm("final_expand_layer.bn", "final_expand.bn", t.finalExpandWidth());
        m.add("feature_mix_layer.conv.weight", shape(t.featureMixWidth(), t.finalExpandWidth(), 1, 1),
                "feature_mix.conv.weight", shape(t.featureMixWidth(), t.finalExpandWidth()), Reorder.SAME);
        int classes = spec.geometry().numClasses();
        m.add("classifier.linear.weight", shape(classes, t.featureMixWidth()), "classifier.weight",
                shape(classes, t.featureMixWidth()), Reorder.SAME);
        m.add("classifier.linear.bias", shape(classes), "classifier.bias", shape(classes), Reorder.SAME);
        return List.copyOf(m.tensors);
    }

    /**
     * One MBConv block. In the elastic form the 1x1 convolutions and batch norms are wrapped once
     * more ({@code inverted_bottleneck.conv.conv.weight}, {@code bn.bn.weight}) and the depthwise
     * {@code nn.Conv2d} sits inside a {@code DynamicSeparableConv2d} that also holds the matrices
     * ({@code depth_conv.conv.7to5_matrix}, {@code depth_conv.conv.conv.weight}); {@code nested}
     * false gives the plain names of the first block and of static subnets.
     */
    private void block(String p, boolean nested, BlockSpec b, KernelMatrices matrices) {
        String c = nested ? ".conv.conv" : ".conv";
        String n = nested ? ".bn.bn" : ".bn";
        String ours = b.name();
        int mid = b.maxMid();
        if (b.expandConv()) {
            add(p + ".inverted_bottleneck" + c + ".weight", shape(mid, b.inChannels(), 1, 1),
                    ours + ".expand.conv.weight", shape(mid, b.inChannels()), Reorder.SAME);
            batchNorm(p + ".inverted_bottleneck" + n, ours + ".expand.bn", mid);
        }
        String dw = p + ".depth_conv" + (nested ? ".conv" : "");
        for (String key : matrixOrder(matrices)) {
            int side = key.startsWith("7to5") ? 25 : 9;
            add(dw + "." + key, shape(side, side), null, null, Reorder.SAME);
        }
        int km = b.maxKernel();
        add(dw + ".conv.weight", shape(mid, 1, km, km), ours + ".depthwise.conv.weight", shape(km, km, mid),
                Reorder.DEPTHWISE);
        batchNorm(p + ".depth_conv" + n, ours + ".depthwise.bn", mid);
        if (b.squeezeExcite()) {
            int se = b.maxSe();
            String fc = p + ".depth_conv.se.fc";
            add(fc + ".reduce.weight", shape(se, mid, 1, 1), ours + ".se.reduce.weight", shape(se, mid), Reorder.SAME);
            add(fc + ".reduce.bias", shape(se), ours + ".se.reduce.bias", shape(se), Reorder.SAME);
            add(fc + ".expand.weight", shape(mid, se, 1, 1), ours + ".se.expand.weight", shape(mid, se), Reorder.SAME);
            add(fc + ".expand.bias", shape(mid), ours + ".se.expand.bias", shape(mid), Reorder.SAME);
        }
        add(p + ".point_linear" + c + ".weight", shape(b.outChannels(), mid, 1, 1), ours + ".project.conv.weight",
                shape(b.outChannels(), mid), Reorder.SAME);
        batchNorm(p + ".point_linear" + n, ours + ".project.bn", b.outChannels());
        if (matrices != KernelMatrices.NONE) {
            transformTarget(dw, ours + ".depthwise.t75", 25, matrices.t75Source());
            transformTarget(dw, ours + ".depthwise.t53", 9, matrices.t53Source());
        }
    }

    /** OFA registers the matrices in its sorted kernel list's order, before {@code conv.weight}. */
    private static List<String> matrixOrder(KernelMatrices m) {
        return switch (m) {
            case NONE -> List.of();
            case K357 -> List.of("5to3_matrix", "7to5_matrix");
            case K57 -> List.of("7to5_matrix");
            case K37 -> List.of("7to3_matrix");
        };
    }

    /**
     * Points the matrix entry added in {@link #block} at compofa's {@code ourName}, or adds an
     * identity-only entry where OFA has no matrix for that step.
     */
    private void transformTarget(String dw, String ourName, int side, String ofaKey) {
        if (ofaKey == null) {
            add(null, null, ourName, shape(side, side), Reorder.IDENTITY);
            return;
        }
        String key = dw + "." + ofaKey;
        for (int i = 0; i < tensors.size(); i++) {
            OfaTensor e = tensors.get(i);
            if (key.equals(e.ofaName())) {
                tensors.set(i, new OfaTensor(e.ofaName(), e.ofaShape(), ourName, shape(side, side), Reorder.SAME));
                return;
            }
        }
        throw new IllegalStateException("no entry " + key);
    }

    private void batchNorm(String ofa, String ours, int c) {
        add(ofa + ".weight", shape(c), ours + ".gamma", shape(c), Reorder.SAME);
        add(ofa + ".bias", shape(c), ours + ".beta", shape(c), Reorder.SAME);
        add(ofa + ".running_mean", shape(c), ours + ".running_mean", shape(c), Reorder.SAME);
        add(ofa + ".running_var", shape(c), ours + ".running_var", shape(c), Reorder.SAME);
        add(ofa + ".num_batches_tracked", shape(), null, null, Reorder.COUNTER);
    }

    private void add(String ofaName, int[] ofaShape, String ourName, int[] ourShape, Reorder r) {
        tensors.add(new OfaTensor(ofaName, ofaShape, ourName, ourShape, r));
    }

    private static int[] shape(int... dims) {
        return dims;
    }
}
