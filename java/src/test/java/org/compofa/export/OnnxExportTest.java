package org.compofa.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.compofa.nn.Network;
import org.compofa.nn.NetworkSpec;
import org.compofa.nn.Parameter;
import org.compofa.ops.KernelTransform;
import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.space.Activation;
import org.compofa.space.MobileNetV3Geometry;
import org.compofa.space.StageSpec;
import org.compofa.space.StageTable;
import org.compofa.space.Subnet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Exported ONNX models of random subnets give our logits in ONNX Runtime. */
class OnnxExportTest {
    private static final int[] EXPANDS = {3, 4, 6};
    private static final int[] KERNELS = {3, 5, 7};

    /** Three stages covering ReLU/h_swish, SE on/off, stride 1/2, shortcuts; 3 input channels, 7 classes. */
    static MobileNetV3Geometry geometry() {
        return new MobileNetV3Geometry(new StageTable(8, 2, 8, List.of(
                new StageSpec(16, 1, Activation.RELU, false),
                new StageSpec(24, 2, Activation.RELU, true),
                new StageSpec(32, 2, Activation.H_SWISH, true)), 48, 64), 3, 7);
    }

    static Subnet randomSubnet(SplittableRandom rnd, int resolution) {
        int[] depths = new int[3];
        int[] kernels = new int[9];
        int[] expands = new int[9];
        for (int s = 0; s < 3; s++) {
            depths[s] = 1 + rnd.nextInt(3);
            for (int b = 0; b < 3; b++) {
                kernels[s * 3 + b] = KERNELS[rnd.nextInt(3)];
                expands[s * 3 + b] = EXPANDS[rnd.nextInt(3)];
            }
        }
        return new Subnet(depths, kernels, expands, resolution);
    }

    /** Non-trivial BN statistics, affine weights, biases and (OFA) transform matrices. */
    static void randomise(Network net, SplittableRandom rnd) {
        net.parameters().buffers().forEach((name, t) -> {
            float[] v = new float[(int) t.length()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (name.endsWith("running_var") ? 0.5 + rnd.nextDouble() : rnd.nextDouble() - 0.5);
            }
            t.copyFrom(v);
        });
        for (Parameter p : net.parameters().parameters()) {
            String n = p.name();
            boolean matrix = n.endsWith(".t75") || n.endsWith(".t53");
            if (matrix || n.endsWith(".gamma") || n.endsWith(".beta") || n.endsWith("bias")) {
                float[] v = p.value().toArray();
                for (int i = 0; i < v.length; i++) {
                    v[i] += (float) ((rnd.nextDouble() * 2 - 1) * (matrix ? 0.3 : 0.4));
                }
                p.value().copyFrom(v);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(KernelTransform.class)
    void onnxRuntimeReproducesOurLogits(KernelTransform transform) {
        SplittableRandom rnd = new SplittableRandom(transform.ordinal() + 11);
        try (ComputeContext ctx = ComputeContext.open(Backend.CPU);
             Network net = new Network(ctx, NetworkSpec.supernet(geometry(), 3, transform), 5)) {
            randomise(net, rnd);
            for (int trial = 0; trial < 4; trial++) {
                int r = 9 + 2 * rnd.nextInt(4);
                Subnet s = trial == 0 ? net.largestSubnet(r) : randomSubnet(rnd, r);
                byte[] onnx = OnnxExporter.export(net, s);
                OnnxVerifier.Result res = OnnxVerifier.compare(onnx, net, s, 3, trial);
                assertEquals(3, res.batch());
                assertTrue(res.maxAbsLogit() > 1e-3, "logits are not trivially zero");
                assertTrue(res.agrees(), s.id() + ": max |ours - ORT| = " + res.maxAbsDiff() + " at max |logit| "
                        + res.maxAbsLogit());
            }
        }
    }
}
