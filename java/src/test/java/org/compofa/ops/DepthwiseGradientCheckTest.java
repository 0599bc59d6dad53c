package org.compofa.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.testing.BackendContexts;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Backward checked by central finite differences of L = sum(dy * y) with respect to x, the supernet
 * weight and both transform matrices, on small problems, on every backend (REFERENCE included).
 * L is linear in each single coordinate, so a large step (0.1) gives the derivative up to float
 * rounding of y only.
 */
@Tag("cuda") // also runs CUDA cases (SKIPPED without a device)
class DepthwiseGradientCheckTest {
    private static final float EPS = 0.1f;
    private static final double ATOL = 2e-3;
    private static final double RTOL = 2e-3;
    private static final int COORDS = 6;

    @RegisterExtension
    static final BackendContexts contexts = new BackendContexts();  // closed after the class's tests

    static Stream<Arguments> cases() {
        DepthwiseShape[] shapes = {
            new DepthwiseShape(1, 6, 5, 3, 5, 3, 7, 1, KernelTransform.OFA),
            new DepthwiseShape(2, 5, 5, 3, 3, 5, 7, 2, KernelTransform.OFA),
            new DepthwiseShape(1, 5, 6, 2, 4, 3, 5, 2, KernelTransform.OFA),
            new DepthwiseShape(1, 5, 5, 3, 3, 7, 7, 1, KernelTransform.NONE),
            new DepthwiseShape(2, 6, 6, 2, 5, 3, 7, 2, KernelTransform.NONE),
        };
        return Stream.of(Backend.values())
                .flatMap(b -> Stream.of(shapes).map(s -> Arguments.of(b, Named.of(s.id(), s))));
    }

    private interface Param {
        float[] values(DwProblem p);
    }

    @ParameterizedTest(name = "dwconv gradcheck NHWC {0} {1}")
    @MethodSource("cases")
    void dwconvBackward_matchesFiniteDifferences(Backend backend, DepthwiseShape s) {
        ComputeContext ctx = contexts.get(backend);
        DwProblem p = new DwProblem(s, s.id().hashCode(), true);
        DwProblem.Grads g = p.backward(ctx);
        SplittableRandom rnd = new SplittableRandom(42);
        check(ctx, p, "x", q -> q.x, g.dx(), rnd);
        check(ctx, p, "weight", q -> q.w, g.dw(), rnd);
        if (s.usesT75()) {
            check(ctx, p, "t75", q -> q.t75, g.dt75(), rnd);
        }
        if (s.usesT53()) {
            check(ctx, p, "t53", q -> q.t53, g.dt53(), rnd);
        }
    }

    private static void check(ComputeContext ctx, DwProblem p, String name, Param param, float[] analytic,
                              SplittableRandom rnd) {
        float[] v = param.values(p);
        for (int n = 0; n < COORDS; n++) {
            int i = rnd.nextInt(v.length);
            if (name.equals("weight") && n < COORDS / 2) {
                // make sure half the weight coordinates lie in the part the subnet reads
                for (int tries = 0; tries < 1000 && !p.touched(i); tries++) {
                    i = rnd.nextInt(v.length);
                }
            }
            float saved = v[i];
            v[i] = saved + EPS;
            double plus = p.loss(p.forward(ctx));
            v[i] = saved - EPS;
            double minus = p.loss(p.forward(ctx));
            v[i] = saved;
            double fd = (plus - minus) / (2 * EPS);
            double err = Math.abs(fd - analytic[i]);
            assertTrue(err <= ATOL + RTOL * Math.abs(fd), String.format(
                    "%s %s d%s[%d]: backward %.6g, finite difference %.6g (|err| %.3g)", ctx.backend(), p.s.id(),
                    name, i, analytic[i], fd, err));
        }
    }
}
