package org.compofa.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
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
import org.compofa.testing.Numerics;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Whole random subnets on CUDA against CPU: the same seeded weights on both contexts, the same
 * images and upstream gradient; logits, every parameter gradient and the updated running statistics
 * agree within float tolerance, then eval-mode logits too. Draws whose gradients hinge on an
 * activation at a kink are skipped (see {@link #wellConditioned}). SKIPPED without a CUDA device.
 */
@Tag("cuda")
class CudaSubnetConformanceTest {
    /** Different summation orders (GEMM, reductions, batch statistics over few rows) in float. */
    private static final double ATOL = 2e-3;
    private static final double RTOL = 2e-3;
    /** Rounding noise of gradients that vanish in exact arithmetic, relative to the largest gradient. */
    private static final double NOISE = 1e-5;
    /** Image nudge of the conditioning check: several times the ~1e-6 rounding differences of two devices. */
    private static final float NUDGE = 1e-5f;
    private static final int SUBNETS = 4;
    private static final int MAX_DRAWS = 16;

    @RegisterExtension
    static final BackendContexts contexts = new BackendContexts();  // closed after the class's tests

    @ParameterizedTest(name = "CUDA == CPU, transform {0}")
    @EnumSource(KernelTransform.class)
    void randomSubnets_matchCpu(KernelTransform transform) {
        ComputeContext cuda = contexts.get(Backend.CUDA);  // first: skips the test without a device
        ComputeContext cpu = contexts.get(Backend.CPU);
        MobileNetV3Geometry g = NetFixtures.threeStages();
        NetworkSpec spec = NetworkSpec.supernet(g, 3, transform);
        try (Network ref = network(cpu, spec); Network dev = network(cuda, spec); Network probe = network(cpu, spec);
             Workspace refWs = new Workspace(cpu); Workspace devWs = new Workspace(cuda)) {
            SplittableRandom rnd = new SplittableRandom(53);
            int compared = 0;
            for (int draw = 0; draw < MAX_DRAWS && compared < SUBNETS; draw++) {
                Subnet n = draw == 0 ? ref.largestSubnet(13) : NetFixtures.randomSubnet(rnd, 3, 3, 9 + 2 * (draw % 3));
                float[] images = Numerics.uniform(rnd, NetFixtures.BATCH * n.resolution() * n.resolution() * 3);
                float[] dlogits = Numerics.uniform(rnd, NetFixtures.BATCH * g.numClasses());
                if (!wellConditioned(probe, refWs, n, images, dlogits, rnd)) {
                    continue;
                }
                compared++;
                String what = transform + " " + n.id();
                float[] want = trainStep(ref, refWs, n, images, dlogits);
                float[] got = trainStep(dev, devWs, n, images, dlogits);
                assertClose(what + " train logits", want, got);
                Map<String, Parameter> devParams = byName(dev);
                List<float[]> refGrads = grads(ref);
                double scale = scale(refGrads);
                List<Parameter> params = ref.parameters().parameters();
                for (int i = 0; i < params.size(); i++) {
                    String name = params.get(i).name();
                    assertGradClose(what + " " + name + ".grad", refGrads.get(i),
                            devParams.get(name).grad().toArray(), scale);
                }
                Map<String, Tensor> devBuffers = dev.parameters().buffers();
                ref.parameters().buffers().forEach((name, t) ->
                        assertClose(what + " " + name, t.toArray(), devBuffers.get(name).toArray()));
                assertClose(what + " eval logits", evalLogits(ref, refWs, n, images),
                        evalLogits(dev, devWs, n, images));
            }
            assertTrue(compared >= SUBNETS, "only " + compared + " of " + MAX_DRAWS + " draws were well conditioned");
        }
    }

    /** The seeded weights plus the same draws of transform matrices, BN affine weights and running statistics. */
    private static Network network(ComputeContext ctx, NetworkSpec spec) {
        Network net = new Network(ctx, spec, 51);
        SplittableRandom same = new SplittableRandom(52);
        NetFixtures.perturb(net, same);
        NetFixtures.randomRunningStats(net, same);
        return net;
    }

    /**
     * Whether no activation sits so close to a ReLU/h_swish kink that float rounding on another
     * device could put it on the other side (which changes the gradients upstream of it by percents,
     * a difference of inputs rather than of kernels): nudging the images both ways by far more than
     * the devices' rounding must leave the gradients within the comparison's tolerance.
     */
    private static boolean wellConditioned(Network probe, Workspace ws, Subnet n, float[] images, float[] dlogits,
                                           SplittableRandom rnd) {
        trainStep(probe, ws, n, images, dlogits);
        List<float[]> base = grads(probe);
        double scale = scale(base);
        float[] noise = Numerics.uniform(rnd, images.length);
        for (float sign : new float[] {1f, -1f}) {
            float[] nudged = images.clone();
            for (int i = 0; i < nudged.length; i++) {
                nudged[i] += sign * NUDGE * noise[i];
            }
            trainStep(probe, ws, n, nudged, dlogits);
            List<float[]> g = grads(probe);
            for (int i = 0; i < base.size(); i++) {
                float[] b = base.get(i);
                float[] x = g.get(i);
                for (int j = 0; j < b.length; j++) {
                    if (Math.abs(x[j] - b[j]) > gradAtol(b, scale) + RTOL * Math.abs(b[j])) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    private static List<float[]> grads(Network net) {
        return net.parameters().parameters().stream().map(p -> p.grad().toArray()).toList();
    }

    private static double scale(List<float[]> grads) {
        return grads.stream().mapToDouble(Numerics::maxAbs).max().orElseThrow();
    }

    /**
     * Relative to the tensor's largest entry, with a floor at the network's gradient scale: gradients
     * that are 0 in exact arithmetic (a BN beta followed by another BN) are rounding noise on both sides.
     */
    private static double gradAtol(float[] ref, double scale) {
        return ATOL * Numerics.maxAbs(ref) + NOISE * scale;
    }

    private static void assertGradClose(String what, float[] ref, float[] got, double scale) {
        Numerics.assertClose(what, ref, got, gradAtol(ref, scale), RTOL);
    }

    /** Forward in training mode and backward of dlogits from zero gradients; returns the logits. */
    private static float[] trainStep(Network net, Workspace ws, Subnet n, float[] images, float[] dlogits) {
        ComputeContext ctx = net.context();
        net.parameters().zeroGrad();
        int r = n.resolution();
        try (Tensor x = Tensor.of(ctx, Layout.NHWC, images, NetFixtures.BATCH, r, r, 3);
             Tensor dy = Tensor.of(ctx, Layout.MATRIX, dlogits, NetFixtures.BATCH, dlogits.length / NetFixtures.BATCH);
             Pass pass = Pass.train(ws, 0f, 1)) {
            float[] logits = net.forward(pass, n, x).toArray();
            pass.backward(dy);
            return logits;
        }
    }

    private static float[] evalLogits(Network net, Workspace ws, Subnet n, float[] images) {
        int r = n.resolution();
        try (Tensor x = Tensor.of(net.context(), Layout.NHWC, images, NetFixtures.BATCH, r, r, 3)) {
            return NetFixtures.evalLogits(net, ws, n, x);
        }
    }

    private static Map<String, Parameter> byName(Network net) {
        Map<String, Parameter> m = new HashMap<>();
        net.parameters().parameters().forEach(p -> m.put(p.name(), p));
        return m;
    }

    /** Tolerances relative to the largest reference value, so small and large tensors compare alike. */
    private static void assertClose(String what, float[] ref, float[] got) {
        Numerics.assertClose(what, ref, got, ATOL * Numerics.maxAbs(ref), RTOL);
    }
}
