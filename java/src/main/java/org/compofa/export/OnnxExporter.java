package org.compofa.export;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.compofa.nn.BlockSpec;
import org.compofa.data.Preprocessing;
import org.compofa.nn.Network;
import org.compofa.nn.NetworkSpec;
import org.compofa.nn.SubnetExtractor;
import org.compofa.space.Activation;
import org.compofa.space.MobileNetV3Geometry;
import org.compofa.space.StageTable;
import org.compofa.space.Subnet;
import org.compofa.train.NamedArray;

/**
 * Exports one subnet as an ONNX model (opset 17, NCHW float input {@code input} [batch, c, r, r],
 * output {@code logits} [batch, classes]) built from the subnet's extracted contiguous weights:
 * Conv (depthwise as group = channels), BatchNormalization (inference, eps 1e-5), Relu, HardSwish,
 * HardSigmoid (alpha 1/6, beta 1/2 = relu6(x + 3) / 6), GlobalAveragePool, Mul (SE), Add
 * (shortcuts), Flatten and Gemm. Our weight layouts become ONNX's: the stem's im2col matrix
 * [cout][(kh, kw, cin)] and the depthwise [k][k][c] are permuted to [cout][cin][kh][kw].
 */
public final class OnnxExporter {
    /** Name of the model's input. */
    public static final String INPUT = "input";
    /** Name of the model's output. */
    public static final String OUTPUT = "logits";

    private OnnxExporter() {
    }

    /**
     * The ONNX bytes of {@code subnet} of {@code net} (a supernet or an extracted network).
     *
     * @param net a supernet or an extracted network
     * @param subnet the subnet to export
     * @return the ONNX model bytes
     */
    public static byte[] export(Network net, Subnet subnet) {
        return export(net, subnet, null);
    }

    /**
     * The ONNX bytes of {@code subnet} with how to feed it in the model's {@code metadata_props}:
     * {@code compofa.preprocessing.*} ({@link Preprocessing#metadata}; none when null), the input's
     * name and layout ({@code compofa.input.name}, {@code compofa.input.layout} = NCHW) and the
     * subnet id ({@code compofa.subnet}).
     *
     * @param net a supernet or an extracted network
     * @param subnet the subnet to export
     * @param preprocessing recorded in the metadata
     * @return the ONNX model bytes
     */
    public static byte[] export(Network net, Subnet subnet, Preprocessing preprocessing) {
        if (preprocessing != null && preprocessing.resolution() != subnet.resolution()) {
            throw new IllegalArgumentException("preprocessing for " + preprocessing.resolution() + " px, the subnet runs "
                    + "at " + subnet.resolution());
        }
        Map<String, String> metadata = new java.util.LinkedHashMap<>();
        metadata.put("compofa.subnet", subnet.id());
        metadata.put("compofa.input.name", INPUT);
        metadata.put("compofa.input.layout", "NCHW (batch, channels, height, width), float32");
        if (preprocessing != null) {
            metadata.putAll(preprocessing.metadata());
        }
        try (Network sub = SubnetExtractor.extract(net, subnet)) {
            return exportStatic(sub, subnet, metadata);
        }
    }

    private static byte[] exportStatic(Network sub, Subnet subnet, Map<String, String> metadata) {
        Map<String, NamedArray> w = new HashMap<>();
        sub.parameters().toArrays().forEach(a -> w.put(a.name(), a));
        NetworkSpec spec = sub.spec();
        MobileNetV3Geometry g = spec.geometry();
        StageTable t = g.table();
        OnnxGraph graph = new OnnxGraph();
        int k0 = MobileNetV3Geometry.FIXED_KERNEL;
        String x = INPUT;
        String stemW = graph.initializer("stem.conv.weight", stemWeight(w.get("stem.conv.weight").values(),
                t.stemWidth(), g.inputChannels(), k0), t.stemWidth(), g.inputChannels(), k0, k0);
        x = graph.node("Conv", List.of(x, stemW), "stem", "kernel_shape", new long[] {k0, k0}, "strides",
                new long[] {t.stemStride(), t.stemStride()}, "pads", new long[] {k0 / 2, k0 / 2, k0 / 2, k0 / 2});
        x = batchNorm(graph, w, "stem.bn", x);
        x = graph.node("HardSwish", List.of(x), "stem_act");
        x = block(graph, w, spec.firstBlock(), x, spec.firstBlock().maxMid(), k0);
        for (int s = 0; s < subnet.stages(); s++) {
            for (int b = 0; b < subnet.depth(s); b++) {
                BlockSpec bs = spec.stages().get(s).get(b);
                x = block(graph, w, bs, x, bs.maxMid(), bs.maxKernel());
            }
        }
        x = conv1x1(graph, w, "final_expand.conv.weight", null, x);
        x = batchNorm(graph, w, "final_expand.bn", x);
        x = graph.node("HardSwish", List.of(x), "final_expand_act");
        x = graph.node("GlobalAveragePool", List.of(x), "pool");
        x = conv1x1(graph, w, "feature_mix.conv.weight", null, x);
        x = graph.node("HardSwish", List.of(x), "feature_mix_act");
        x = graph.node("Flatten", List.of(x), "flat", "axis", 1);
        NamedArray cw = w.get("classifier.weight");
        String cwName = graph.initializer(cw.name(), cw.values(), cw.shape()[0], cw.shape()[1]);
        NamedArray cb = w.get("classifier.bias");
        String cbName = graph.initializer(cb.name(), cb.values(), cb.shape()[0]);
        String logits = graph.node("Gemm", List.of(x, cwName, cbName), "logits", "transB", 1);
        // The public output name through an Identity node.
        String out = graph.nodeNamed("Identity", List.of(logits), OUTPUT);
        return graph.model("compofa_" + subnet.id(), INPUT,
                new long[] {-1, g.inputChannels(), subnet.resolution(), subnet.resolution()}, out, g.numClasses(),
                metadata);
    }

    private static String block(OnnxGraph graph, Map<String, NamedArray> w, BlockSpec b, String in, int mid, int k) {
        String n = b.name();
        String x = in;
        String act = b.activation() == Activation.RELU ? "Relu" : "HardSwish";
        if (b.expandConv()) {
            x = conv1x1(graph, w, n + ".expand.conv.weight", null, x);
            x = batchNorm(graph, w, n + ".expand.bn", x);
            x = graph.node(act, List.of(x), n + "_expand_act");
        }
        NamedArray dw = w.get(n + ".depthwise.conv.weight");
        String dwName = graph.initializer(dw.name(), depthwiseWeight(dw.values(), k, mid), mid, 1, k, k);
        x = graph.node("Conv", List.of(x, dwName), n + "_dw", "group", mid, "kernel_shape", new long[] {k, k},
                "strides", new long[] {b.stride(), b.stride()}, "pads", new long[] {k / 2, k / 2, k / 2, k / 2});
        x = batchNorm(graph, w, n + ".depthwise.bn", x);
        x = graph.node(act, List.of(x), n + "_dw_act");
        if (b.squeezeExcite()) {
            String p = graph.node("GlobalAveragePool", List.of(x), n + "_se_pool");
            p = conv1x1(graph, w, n + ".se.reduce.weight", n + ".se.reduce.bias", p);
            p = graph.node("Relu", List.of(p), n + "_se_relu");
            p = conv1x1(graph, w, n + ".se.expand.weight", n + ".se.expand.bias", p);
            p = graph.node("HardSigmoid", List.of(p), n + "_se_gate", "alpha", 1f / 6f, "beta", 0.5f);
            x = graph.node("Mul", List.of(x, p), n + "_se");
        }
        x = conv1x1(graph, w, n + ".project.conv.weight", null, x);
        x = batchNorm(graph, w, n + ".project.bn", x);
        return b.residual() ? graph.node("Add", List.of(x, in), n + "_add") : x;
    }

    private static String conv1x1(OnnxGraph graph, Map<String, NamedArray> w, String weight, String bias, String x) {
        NamedArray a = w.get(weight);
        String wn = graph.initializer(weight, a.values(), a.shape()[0], a.shape()[1], 1, 1);
        if (bias == null) {
            return graph.node("Conv", List.of(x, wn), weight.replace('.', '_'));
        }
        NamedArray bb = w.get(bias);
        String bn = graph.initializer(bias, bb.values(), bb.shape()[0]);
        return graph.node("Conv", List.of(x, wn, bn), weight.replace('.', '_'));
    }

    private static String batchNorm(OnnxGraph graph, Map<String, NamedArray> w, String name, String x) {
        List<String> inputs = new java.util.ArrayList<>(List.of(x));
        for (String part : List.of("gamma", "beta", "running_mean", "running_var")) {
            NamedArray a = w.get(name + "." + part);
            inputs.add(graph.initializer(a.name(), a.values(), a.shape()[0]));
        }
        return graph.node("BatchNormalization", inputs, name.replace('.', '_'), "epsilon", 1e-5f);
    }

    /** [cout][(kh*k + kw)*cin + ci] to ONNX [cout][cin][kh][kw]. */
    static float[] stemWeight(float[] m, int cout, int cin, int k) {
        float[] o = new float[m.length];
        for (int co = 0; co < cout; co++) {
            for (int ci = 0; ci < cin; ci++) {
                for (int tap = 0; tap < k * k; tap++) {
                    o[((co * cin) + ci) * k * k + tap] = m[co * k * k * cin + tap * cin + ci];
                }
            }
        }
        return o;
    }

    /** [kh][kw][c] to ONNX [c][1][kh][kw]. */
    static float[] depthwiseWeight(float[] d, int k, int c) {
        float[] o = new float[k * k * c];
        for (int ch = 0; ch < c; ch++) {
            for (int tap = 0; tap < k * k; tap++) {
                o[ch * k * k + tap] = d[tap * c + ch];
            }
        }
        return o;
    }
}
