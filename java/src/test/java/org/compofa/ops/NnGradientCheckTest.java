package org.compofa.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import java.util.stream.Stream;

import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.testing.BackendContexts;
import org.compofa.testing.Numerics;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Backward passes of the network ops checked by central finite differences in float on every backend
 * (REFERENCE included): L = sum(dy * y) for the layers, L = gradScale * sum(loss) for the losses, at a
 * handful of random coordinates per input. im2col/col2im are checked by adjointness instead:
 * {@code <col2im(a), b> == <a, im2col(b)>}.
 */
@Tag("cuda") // also runs CUDA cases (SKIPPED without a device)
class NnGradientCheckTest {
    private static final float EPS = 1e-2f;
    private static final double ATOL = 2e-3;
    private static final double RTOL = 1e-2;
    private static final int COORDS = 6;
    /** The losses are O(1) sums of a few rows: float rounding of L gives ~3e-5 in the difference quotient. */
    private static final double LOSS_ATOL = 2e-4;
    /** Ops that are (piecewise) linear or quadratic in each coordinate: only float rounding of y remains. */
    private static final double LINEAR_ATOL = 1e-4;

    @RegisterExtension
    static final BackendContexts contexts = new BackendContexts();  // closed after the class's tests

    private static void check(ComputeContext ctx, String what, float[] v, float[] analytic, DoubleSupplier loss,
                              SplittableRandom rnd) {
        check(ctx, what, v, analytic, loss, rnd, ATOL);
    }

    /**
     * Checks the {@code forced} coordinates and COORDS random ones of v:
     * (L(v + eps e_i) - L(v - eps e_i)) / 2 eps against analytic[i], within atol + RTOL |fd|.
     */
    private static void check(ComputeContext ctx, String what, float[] v, float[] analytic, DoubleSupplier loss,
                              SplittableRandom rnd, double atol, int... forced) {
        for (int n = 0; n < COORDS + forced.length; n++) {
            int i = n < forced.length ? forced[n] : rnd.nextInt(v.length);
            float saved = v[i];
            v[i] = saved + EPS;
            double plus = loss.getAsDouble();
            v[i] = saved - EPS;
            double minus = loss.getAsDouble();
            v[i] = saved;
            double fd = (plus - minus) / (2 * EPS);
            double err = Math.abs(fd - analytic[i]);
            assertTrue(err <= atol + RTOL * Math.abs(fd), String.format(
                    "%s %s[%d]: backward %.6g, finite difference %.6g (|err| %.3g)", ctx.backend(), what, i,
                    analytic[i], fd, err));
        }
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    private static double sum(float[] a) {
        double s = 0;
        for (float v : a) {
            s += v;
        }
        return s;
    }

    @ParameterizedTest(name = "im2col col2im adjointness {0}")
    @EnumSource(Backend.class)
    void im2colCol2im_areAdjoint(Backend backend) {
        ComputeContext ctx = contexts.get(backend);
        ConvShape[] shapes = {new ConvShape(2, 7, 6, 3, 3, 2, 1), new ConvShape(1, 9, 11, 2, 5, 1, 2),
            new ConvShape(1, 8, 8, 4, 3, 3, 0), new ConvShape(2, 5, 5, 1, 1, 1, 0)};
        for (ConvShape s : shapes) {
            SplittableRandom rnd = new SplittableRandom(s.id().hashCode());
            float[] a = Numerics.uniform(rnd, s.colShape()[0] * s.colShape()[1]);
            float[] b = Numerics.uniform(rnd, s.n() * s.h() * s.w() * s.c());
            double lhs = dot(NnRunner.col2imAdd(ctx, s, a, new float[b.length]), b);
            double rhs = dot(a, NnRunner.im2col(ctx, s, b));
            assertTrue(Math.abs(lhs - rhs) <= 1e-5 * (1 + Math.abs(rhs)), backend + " " + s.id()
                    + ": <col2im(a), b> = " + lhs + " but <a, im2col(b)> = " + rhs);
        }
    }

    @ParameterizedTest(name = "batchnorm train backward gradcheck {0}")
    @EnumSource(Backend.class)
    void batchNormBackward_matchesFiniteDifferences(Backend backend) {
        ComputeContext ctx = contexts.get(backend);
        int[] shape = {2, 3, 3, 5};
        int cMax = 7;
        SplittableRandom rnd = new SplittableRandom(7);
        float[] x = Numerics.uniform(rnd, 90);
        float[] gamma = Numerics.uniform(rnd, cMax);
        float[] beta = Numerics.uniform(rnd, cMax);
        float[] dy = Numerics.uniform(rnd, 90);
        BatchNorm.Params p = BatchNorm.Params.PYTORCH;
        NnRunner.Bn f = NnRunner.bnTrain(ctx, p, shape, x, gamma, beta, null, null);
        NnRunner.BnGrads g = NnRunner.bnBackward(ctx, p, shape, x, dy, gamma, f.mean(), f.var(), new float[cMax],
                new float[cMax]);
        DoubleSupplier loss = () -> dot(dy, NnRunner.bnTrain(ctx, p, shape, x, gamma, beta, null, null).y());
        check(ctx, "bn dx", x, g.dx(), loss, rnd);
        check(ctx, "bn dgamma", gamma, g.dgamma(), loss, rnd);
        check(ctx, "bn dbeta", beta, g.dbeta(), loss, rnd);
    }

    @ParameterizedTest(name = "activations gradcheck away from kinks {0}")
    @EnumSource(Backend.class)
    void activationBackward_matchesFiniteDifferences(Backend backend) {
        ComputeContext ctx = contexts.get(backend);
        SplittableRandom rnd = new SplittableRandom(11);
        float[] x = Numerics.uniform(rnd, 301);
        for (int i = 0; i < x.length; i++) {
            x[i] *= 5f;
            for (float kink : new float[] {-3f, 0f, 3f}) {
                if (Math.abs(x[i] - kink) < 0.05f) {
                    x[i] = kink + (x[i] < kink ? -0.1f : 0.1f);  // at least 0.05 > EPS from every kink
                }
            }
        }
        float[] dy = Numerics.uniform(rnd, x.length);
        for (Activation a : Activation.values()) {
            float[] dx = NnRunner.activationBackward(ctx, a, x, dy);
            check(ctx, a + " dx", x, dx, () -> dot(dy, NnRunner.activation(ctx, a, x)), rnd, LINEAR_ATOL);
        }
    }

    @ParameterizedTest(name = "channel_scale gap gradcheck {0}")
    @EnumSource(Backend.class)
    void channelScaleAndPool_matchFiniteDifferences(Backend backend) {
        ComputeContext ctx = contexts.get(backend);
        int[] s = {2, 3, 4, 5};
        SplittableRandom rnd = new SplittableRandom(13);
        float[] x = Numerics.uniform(rnd, 120);
        float[] scale = Numerics.uniform(rnd, 10);
        float[] dy = Numerics.uniform(rnd, 120);
        NnRunner.ScaleGrads g = NnRunner.channelScaleBackward(ctx, s, x, scale, dy);
        DoubleSupplier scaled = () -> dot(dy, NnRunner.channelScale(ctx, s, x, scale));
        check(ctx, "channel_scale dx", x, g.dx(), scaled, rnd, LINEAR_ATOL);
        check(ctx, "channel_scale ds", scale, g.ds(), scaled, rnd, LINEAR_ATOL);

        float[] dyPooled = Numerics.uniform(rnd, 10);
        float[] dx = NnRunner.gapBackward(ctx, s, dyPooled);
        check(ctx, "gap dx", x, dx, () -> dot(dyPooled, NnRunner.gap(ctx, s, x)), rnd, LINEAR_ATOL);
    }

    @ParameterizedTest(name = "softmax_ce smoothing soft_ce gradcheck {0}")
    @EnumSource(Backend.class)
    void crossEntropies_matchFiniteDifferences(Backend backend) {
        ComputeContext ctx = contexts.get(backend);
        for (int classes : new int[] {10, 1000}) {
            int n = 3;
            SplittableRandom rnd = new SplittableRandom(classes);
            float[] logits = Numerics.uniform(rnd, n * classes);
            float[] teacher = Numerics.uniform(rnd, n * classes);
            for (int i = 0; i < logits.length; i++) {
                logits[i] *= 3f;
                teacher[i] *= 3f;
            }
            int[] labels = rnd.ints(n, 0, classes).toArray();
            float scale = 1f / n;
            NnRunner.Loss ce = NnRunner.softmaxCe(ctx, n, classes, logits, labels, 0.1f, scale);
            // the label coordinates carry the large gradients; the others are softmax-sized (tiny at 1000 classes)
            int[] atLabels = {labels[0], classes + labels[1], 2 * classes + labels[2]};
            check(ctx, "ce(smoothing 0.1, classes " + classes + ") dlogits", logits, ce.grad(),
                    () -> scale * sum(NnRunner.softmaxCe(ctx, n, classes, logits, labels, 0.1f, scale).loss()), rnd,
                    LOSS_ATOL, atLabels);
            NnRunner.Loss soft = NnRunner.softCe(ctx, n, classes, logits, teacher, scale);
            check(ctx, "soft ce(classes " + classes + ") dstudent", logits, soft.grad(),
                    () -> scale * sum(NnRunner.softCe(ctx, n, classes, logits, teacher, scale).loss()), rnd,
                    LOSS_ATOL, atLabels);
        }
    }
}
