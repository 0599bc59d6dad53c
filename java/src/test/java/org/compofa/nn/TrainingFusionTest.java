package org.compofa.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.compofa.ops.KernelTransform;
import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;
import org.compofa.space.MobileNetV3Geometry;
import org.compofa.space.Subnet;
import org.compofa.testing.BackendContexts;
import org.compofa.testing.LayerScales;
import org.compofa.testing.Numerics;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The fused training layers ({@link Mode#TRAIN}: batch norm + activation in one op, the statistics
 * gathered by the 1x1 convolutions) against the same network through the separate ops
 * ({@link Mode#TRAIN_UNFUSED}), on every production backend: the same logits, every parameter's
 * gradient within 1e-4 of its layer's gradient scale ({@link LayerScales}: some gradients, a BN shift
 * before another train-mode BN, are zero in exact arithmetic and only rounding noise), and the same
 * running statistics. Three stages with ReLU,
 * h_swish and SE blocks; random subnets; odd batch and resolution.
 */
@Tag("cuda") // the CUDA case is SKIPPED without a device
class TrainingFusionTest {
    @RegisterExtension
    static final BackendContexts contexts = new BackendContexts();  // closed after the class's tests

    record Outcome(float[] logits, Map<String, float[]> gradients, Map<String, float[]> values) {}

    @ParameterizedTest(name = "fused training == separate ops {0}")
    @EnumSource(value = Backend.class, names = {"CPU", "CUDA"})
    void fusedTraining_matchesTheSeparateOps(Backend backend) {
        ComputeContext ctx = contexts.get(backend);
        MobileNetV3Geometry g = NetFixtures.threeStages();
        SplittableRandom rnd = new SplittableRandom(31);
        try (Network net = new Network(ctx, NetworkSpec.supernet(g, 2, KernelTransform.OFA), 6);
             Workspace ws = new Workspace(ctx)) {
            NetFixtures.perturb(net, rnd);
            for (int i = 0; i < 2; i++) {
                Subnet subnet = NetFixtures.randomSubnet(rnd, 3, 2, 9 + 2 * i);
                float[] r = Numerics.uniform(rnd, NetFixtures.BATCH * g.numClasses());
                try (Tensor images = NetFixtures.images(ctx, rnd, g, subnet.resolution());
                     Tensor dlogits = Tensor.of(ctx, Layout.MATRIX, r, NetFixtures.BATCH, g.numClasses())) {
                    List<org.compofa.train.NamedArray> start = net.parameters().toArrays();
                    Outcome separate = run(net, ws, Pass.trainUnfused(ws, 0f, 1), subnet, images, dlogits);
                    net.parameters().load(start);  // the running stats moved: start the fused pass from the same
                    Outcome fused = run(net, ws, Pass.train(ws, 0f, 1), subnet, images, dlogits);
                    String id = backend + " " + subnet.id();
                    Numerics.assertClose(id + " logits", separate.logits(), fused.logits(), 1e-5, 1e-4);
                    List<String> failures = new ArrayList<>();
                    Map<String, Double> layerNorms = LayerScales.layerNorms(separate.gradients());
                    for (var e : separate.gradients().entrySet()) {
                        double diff = distance(e.getValue(), fused.gradients().get(e.getKey()));
                        double scale = LayerScales.scale(e.getKey(), e.getValue(), layerNorms);
                        if (!(diff <= 1e-4 * scale)) {
                            failures.add(e.getKey() + ": |fused - separate| " + diff + ", layer scale " + scale);
                        }
                    }
                    for (var e : separate.values().entrySet()) {
                        if (e.getKey().contains("running_")) {
                            Numerics.assertClose(id + " " + e.getKey(), e.getValue(), fused.values().get(e.getKey()),
                                    1e-6, 1e-5);
                        }
                    }
                    assertEquals(List.of(), failures, id + " gradients");
                }
            }
        }
    }

    private static Outcome run(Network net, Workspace ws, Pass pass, Subnet subnet, Tensor images, Tensor dlogits) {
        net.parameters().zeroGrad();
        float[] logits;
        try (pass) {
            logits = net.forward(pass, subnet, images).toArray();
            pass.backward(dlogits);
        }
        Map<String, float[]> grads = new LinkedHashMap<>();
        for (Parameter p : net.parameters().parameters()) {
            grads.put(p.name(), p.grad().toArray());
        }
        return new Outcome(logits, grads, values(net));
    }

    private static Map<String, float[]> values(Network net) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (var a : net.parameters().toArrays()) {
            out.put(a.name(), a.values());
        }
        return out;
    }

    private static double distance(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            s += d * d;
        }
        return Math.sqrt(s);
    }
}
