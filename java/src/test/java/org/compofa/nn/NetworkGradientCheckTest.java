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
import org.compofa.testing.Numerics;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole network's backward checked by central finite differences in float: L = sum(logits * R)
 * for a random R, training mode (batch statistics), no dropout, at a few random coordinates of every
 * parameter kind inside the subnet's slice; every gradient entry outside the slice must stay 0.
 *
 * <p>ReLU, h_swish and h_sigmoid have kinks, and batch norm spreads thousands of activations around
 * them, so some coordinates (mostly of the stem and first block, upstream of everything) lie within
 * EPS of a kink, where no difference quotient is the derivative. Such a coordinate shows itself in
 * the forward alone (quotients of two step sizes, or the one-sided ones, disagree) and is redrawn
 * instead of compared; that test never looks at the backward, so it cannot hide a backward bug.
 */
class NetworkGradientCheckTest {
    /** Small enough that few activations cross a kink (1e-2 crosses many), large enough for float L (~1e-4 noise). */
    private static final float EPS = 1e-3f;
    private static final double ATOL = 5e-4;
    private static final double RTOL = 2e-2;
    private static final int COORDS = 3;
    /** Draws per parameter kind before giving up on finding COORDS smooth coordinates. */
    private static final int DRAWS = 4 * COORDS;

    @RegisterExtension
    static final BackendContexts contexts = new BackendContexts();  // closed after the class's tests

    @ParameterizedTest(name = "single block gradcheck {0}")
    @EnumSource(value = Backend.class, names = {"REFERENCE", "CPU"})
    void singleBlock_matchesFiniteDifferences(Backend backend) {
        ComputeContext ctx = contexts.get(backend);
        MobileNetV3Geometry g = NetFixtures.oneStage();
        SplittableRandom rnd = new SplittableRandom(21);
        try (Network net = new Network(ctx, NetworkSpec.supernet(g, 1, KernelTransform.OFA), 5);
             Workspace ws = new Workspace(ctx)) {
            NetFixtures.perturb(net, rnd);
            Subnet largest = net.largestSubnet(11);
            assertEquals(1, largest.activeBlocks());
            for (Subnet n : List.of(largest, NetFixtures.withKernel(largest, 0, 0, 3))) {
                check(net, ws, n, rnd);
            }
        }
    }

    @ParameterizedTest(name = "random subnets gradcheck {0}")
    @EnumSource(value = Backend.class, names = {"REFERENCE", "CPU"})
    void randomSubnets_matchFiniteDifferences(Backend backend) {
        ComputeContext ctx = contexts.get(backend);
        MobileNetV3Geometry g = NetFixtures.threeStages();
        SplittableRandom rnd = new SplittableRandom(22);
        for (KernelTransform tr : KernelTransform.values()) {
            try (Network net = new Network(ctx, NetworkSpec.supernet(g, 2, tr), 6);
                 Workspace ws = new Workspace(ctx)) {
                NetFixtures.perturb(net, rnd);
                int runs = tr == KernelTransform.OFA ? 2 : 1;
                for (int i = 0; i < runs; i++) {
                    Subnet n = NetFixtures.randomSubnet(rnd, 3, 2, 9 + 2 * i);
                    // Every kernel of the chain at least once: k 5 (t75 only) and k 3 (t75 and t53).
                    n = NetFixtures.withKernel(NetFixtures.withKernel(n, 1, 0, 5), 2, 0, 3 + 4 * i);
                    check(net, ws, n, rnd);
                }
            }
        }
    }

    /** Analytic gradients of one pass against finite differences, and zeros outside the slice. */
    private static void check(Network net, Workspace ws, Subnet subnet, SplittableRandom rnd) {
        ComputeContext ctx = net.context();
        MobileNetV3Geometry g = net.spec().geometry();
        float[] r = Numerics.uniform(rnd, NetFixtures.BATCH * g.numClasses());
        try (Tensor images = NetFixtures.images(ctx, rnd, g, subnet.resolution());
             Tensor dlogits = Tensor.of(ctx, Layout.MATRIX, r, NetFixtures.BATCH, g.numClasses())) {
            net.parameters().zeroGrad();
            try (Pass pass = Pass.train(ws, 0f, 1)) {
                net.forward(pass, subnet, images);
                pass.backward(dlogits);
            }
            Map<Parameter, boolean[]> masks = ActiveSlices.of(net, subnet);
            Map<String, List<Parameter>> byKind = new LinkedHashMap<>();
            for (Parameter p : net.parameters().parameters()) {
                assertZeroOutside(ctx.backend() + " " + subnet.id() + ": " + p.name(), p.grad().toArray(), masks.get(p));
                byKind.computeIfAbsent(ActiveSlices.kind(p), k -> new ArrayList<>()).add(p);
            }
            double base = loss(net, ws, subnet, images, r);
            List<String> failures = new ArrayList<>();
            for (var e : byKind.entrySet()) {
                List<int[]> candidates = activeEntries(e.getValue(), masks);
                int checked = 0;
                for (int d = 0; d < DRAWS && checked < COORDS && !candidates.isEmpty(); d++) {
                    int[] pick = candidates.get(rnd.nextInt(candidates.size()));
                    if (checkCoordinate(net, ws, subnet, images, r, base, e.getValue().get(pick[0]), pick[1],
                            failures)) {
                        checked++;
                    }
                }
                if (!candidates.isEmpty() && checked == 0) {
                    failures.add(subnet.id() + " " + e.getKey() + ": every drawn coordinate sits at a kink");
                }
            }
            if (!failures.isEmpty()) {
                throw new AssertionError(ctx.backend() + ": " + failures.size() + " coordinates differ:\n"
                        + String.join("\n", failures));
            }
        }
    }

    private static void assertZeroOutside(String what, float[] grad, boolean[] active) {
        for (int i = 0; i < grad.length; i++) {
            if (!active[i] && grad[i] != 0f) {
                throw new AssertionError(what + ".grad[" + i + "] = " + grad[i] + " outside the subnet's slice");
            }
        }
    }

    /** {parameter index, entry index} of every entry of the kind's parameters that the subnet reads. */
    private static List<int[]> activeEntries(List<Parameter> params, Map<Parameter, boolean[]> masks) {
        List<int[]> out = new ArrayList<>();
        for (int pi = 0; pi < params.size(); pi++) {
            boolean[] active = masks.get(params.get(pi));
            for (int i = 0; i < active.length; i++) {
                if (active[i]) {
                    out.add(new int[] {pi, i});
                }
            }
        }
        return out;
    }

    /**
     * Compares one coordinate; false (nothing compared) when L is not smooth within EPS of it: the
     * central quotients of two step sizes disagree, or the one-sided ones of the smaller step do.
     */
    private static boolean checkCoordinate(Network net, Workspace ws, Subnet subnet, Tensor images, float[] r,
                                           double base, Parameter p, int i, List<String> failures) {
        float analytic = p.grad().toArray()[i];
        double[] big = differences(net, ws, subnet, images, r, base, p, i, EPS);
        if (Math.abs(big[0] - analytic) <= tolerance(big[0], analytic)) {
            return true;
        }
        double[] small = differences(net, ws, subnet, images, r, base, p, i, EPS / 4);
        if (Math.abs(small[0] - analytic) <= tolerance(small[0], analytic)) {
            return true;
        }
        double tol = tolerance(big[0], small[0]);
        if (Math.abs(big[0] - small[0]) > tol / 4 || Math.abs(small[1] - small[2]) > tol / 2) {
            return false;  // a kink within EPS: the quotients are no derivative here
        }
        failures.add(String.format("%s %s[%d]: backward %.6g, finite differences %.6g (step %.1g) and %.6g "
                + "(step %.1g)", subnet.id(), p.name(), i, analytic, big[0], EPS, small[0], EPS / 4));
        return true;
    }

    private static double tolerance(double a, double b) {
        return ATOL + RTOL * Math.max(Math.abs(a), Math.abs(b));
    }

    /**
     * Central, right and left difference quotients of L at coordinate i of p with step h (L(v) =
     * base), leaving v as it was.
     */
    private static double[] differences(Network net, Workspace ws, Subnet subnet, Tensor images, float[] r,
                                        double base, Parameter p, int i, float h) {
        float[] v = p.value().toArray();
        float saved = v[i];
        v[i] = saved + h;
        p.value().copyFrom(v);
        double plus = loss(net, ws, subnet, images, r);
        v[i] = saved - h;
        p.value().copyFrom(v);
        double minus = loss(net, ws, subnet, images, r);
        v[i] = saved;
        p.value().copyFrom(v);
        return new double[] {(plus - minus) / (2 * h), (plus - base) / h, (base - minus) / h};
    }

    private static double loss(Network net, Workspace ws, Subnet subnet, Tensor images, float[] r) {
        float[] logits = NetFixtures.logits(net, Pass.train(ws, 0f, 1), subnet, images);
        double l = 0;
        for (int i = 0; i < logits.length; i++) {
            l += (double) logits[i] * r[i];
        }
        return l;
    }
}
