package org.compofa.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.testing.BackendContexts;
import org.compofa.testing.Numerics;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The conformance suite of the network ops: every production backend (CPU, CUDA) against the
 * REFERENCE oracle, forward and backward, on seeded random data of odd sizes (rows 3*13*13,
 * channels 37, 72, 120, classes 10 and 1000). Accumulating outputs start from random values.
 * CUDA cases are SKIPPED where no CUDA device exists.
 */
@Tag("cuda") // also runs CUDA cases (SKIPPED without a device)
class NnConformanceTest {
    /** Element-wise results and results of short sums. */
    static final double ATOL = 1e-5;
    static final double RTOL = 1e-5;
    /** Reductions over rows (batch stats, dgamma, dbias, GAP, ds): atol grows with the result's scale. */
    static final double RED_ATOL_PER_SCALE = 2e-5;
    static final double RED_RTOL = 1e-4;

    @RegisterExtension
    static final BackendContexts contexts = new BackendContexts();  // closed after the class's tests

    private static Stream<Arguments> withBackends(List<?> cases) {
        return Stream.of(Backend.CPU, Backend.CUDA).flatMap(b -> cases.stream().map(c -> Arguments.of(b, c)));
    }

    private static SplittableRandom rnd(Object name) {
        return new SplittableRandom(name.toString().hashCode() * 0x9E3779B97F4A7C15L);
    }

    private static float[] scaled(SplittableRandom rnd, int n, float scale) {
        float[] a = Numerics.uniform(rnd, n);
        for (int i = 0; i < n; i++) {
            a[i] *= scale;
        }
        return a;
    }

    private static void assertReduction(String what, float[] ref, float[] got) {
        Numerics.assertClose(what, ref, got, 1e-5 + RED_ATOL_PER_SCALE * Numerics.maxAbs(ref), RED_RTOL);
    }

    private static int count(int[] shape) {
        return Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    }

    // ---- im2col / col2im --------------------------------------------------------------------

    static Stream<Arguments> convCases() {
        return withBackends(Stream.of(
                new ConvShape(3, 13, 13, 3, 3, 2, 1),    // the stem: 3x3, stride 2
                new ConvShape(2, 11, 9, 5, 5, 1, 2),
                new ConvShape(1, 7, 7, 37, 1, 1, 0),
                new ConvShape(3, 13, 13, 3, 7, 3, 3),
                new ConvShape(1, 17, 15, 2, 11, 4, 5)).map(s -> Named.of(s.id(), s)).toList());
    }

    @ParameterizedTest(name = "im2col col2im NHWC {0} {1}")
    @MethodSource("convCases")
    void im2colCol2im_matchesReference(Backend backend, ConvShape s) {
        ComputeContext ctx = contexts.get(backend);
        ComputeContext ref = contexts.get(Backend.REFERENCE);
        SplittableRandom rnd = rnd(s.id());
        float[] x = Numerics.uniform(rnd, count(s.inputShape()));
        float[] dcol = Numerics.uniform(rnd, count(s.colShape()));
        float[] dx0 = Numerics.uniform(rnd, x.length);
        Numerics.assertClose(backend + " col " + s.id(), NnRunner.im2col(ref, s, x), NnRunner.im2col(ctx, s, x), 0, 0);
        Numerics.assertClose(backend + " dx " + s.id(), NnRunner.col2imAdd(ref, s, dcol, dx0),
                NnRunner.col2imAdd(ctx, s, dcol, dx0), ATOL, RTOL);
    }

    // ---- batch norm -------------------------------------------------------------------------

    record BnCase(int[] xShape, int cMax) {
        int c() {
            return xShape[xShape.length - 1];
        }

        @Override
        public String toString() {
            return "bn_" + NnRunner.layoutOf(xShape).name().toLowerCase(java.util.Locale.ROOT)
                    + Arrays.toString(xShape).replace(", ", "x") + "_cmax" + cMax;
        }
    }

    static Stream<Arguments> bnCases() {
        return withBackends(Stream.of(
                new BnCase(new int[] {3, 13, 13, 37}, 48),
                new BnCase(new int[] {98, 72}, 72),
                new BnCase(new int[] {1, 5, 5, 120}, 136),
                new BnCase(new int[] {2, 3, 1, 37}, 37)).map(c -> Named.of(c.toString(), c)).toList());
    }

    @ParameterizedTest(name = "batchnorm train eval backward {0} {1}")
    @MethodSource("bnCases")
    void batchNorm_trainEvalBackward_matchesReference(Backend backend, BnCase k) {
        ComputeContext ctx = contexts.get(backend);
        ComputeContext ref = contexts.get(Backend.REFERENCE);
        SplittableRandom rnd = rnd(k);
        int n = count(k.xShape());
        float[] x = Numerics.uniform(rnd, n);
        for (int i = 0; i < n; i++) {
            x[i] = 3f * x[i] + 0.5f + (i % k.c()) * 0.01f;  // per-channel offsets: mean far from 0
        }
        float[] gamma = Numerics.uniform(rnd, k.cMax());
        float[] beta = Numerics.uniform(rnd, k.cMax());
        float[] rm = Numerics.uniform(rnd, k.cMax());
        float[] rv = Numerics.uniform(rnd, k.cMax());
        for (int j = 0; j < rv.length; j++) {
            rv[j] = Math.abs(rv[j]) + 0.5f;
        }
        BatchNorm.Params p = BatchNorm.Params.PYTORCH;
        String id = backend + " " + k;
        NnRunner.Bn r = NnRunner.bnTrain(ref, p, k.xShape(), x, gamma, beta, rm, rv);
        NnRunner.Bn g = NnRunner.bnTrain(ctx, p, k.xShape(), x, gamma, beta, rm, rv);
        Numerics.assertClose(id + " y", r.y(), g.y(), 1e-4, 1e-4);
        assertReduction(id + " batch_mean", r.mean(), g.mean());
        assertReduction(id + " batch_var", r.var(), g.var());
        assertReduction(id + " running_mean", r.runningMean(), g.runningMean());
        assertReduction(id + " running_var", r.runningVar(), g.runningVar());

        Numerics.assertClose(id + " eval y", NnRunner.bnEval(ref, p, k.xShape(), x, gamma, beta, rm, rv),
                NnRunner.bnEval(ctx, p, k.xShape(), x, gamma, beta, rm, rv), 1e-4, 1e-4);

        float[] dy = Numerics.uniform(rnd, n);
        float[] dg0 = Numerics.uniform(rnd, k.cMax());
        float[] db0 = Numerics.uniform(rnd, k.cMax());
        NnRunner.BnGrads rb = NnRunner.bnBackward(ref, p, k.xShape(), x, dy, gamma, r.mean(), r.var(), dg0, db0);
        NnRunner.BnGrads gb = NnRunner.bnBackward(ctx, p, k.xShape(), x, dy, gamma, r.mean(), r.var(), dg0, db0);
        Numerics.assertClose(id + " dx", rb.dx(), gb.dx(), 2e-4, 2e-4);
        assertReduction(id + " dgamma", rb.dgamma(), gb.dgamma());
        assertReduction(id + " dbeta", rb.dbeta(), gb.dbeta());
    }

    // ---- element-wise -----------------------------------------------------------------------

    static Stream<Arguments> activationCases() {
        return withBackends(List.of(Activation.values()));
    }

    @ParameterizedTest(name = "activation {1} forward backward {0}")
    @MethodSource("activationCases")
    void activation_forwardBackward_matchesReference(Backend backend, Activation a) {
        ComputeContext ctx = contexts.get(backend);
        ComputeContext ref = contexts.get(Backend.REFERENCE);
        SplittableRandom rnd = rnd(a);
        int n = 3 * 13 * 13 * 37;
        float[] x = scaled(rnd, n, 5f);  // covers both sides of every kink (0, -3, 3)
        float[] dy = Numerics.uniform(rnd, n);
        Numerics.assertClose(backend + " " + a + " y", NnRunner.activation(ref, a, x), NnRunner.activation(ctx, a, x),
                ATOL, RTOL);
        Numerics.assertClose(backend + " " + a + " dx", NnRunner.activationBackward(ref, a, x, dy),
                NnRunner.activationBackward(ctx, a, x, dy), ATOL, RTOL);
    }

    static Stream<Arguments> elementwiseCases() {
        return withBackends(List.of(0.2f, 0.5f, 0f));
    }

    @ParameterizedTest(name = "axpby dropout p{1} len 3x13x13x37 {0}")
    @MethodSource("elementwiseCases")
    void axpbyDropout_matchReference(Backend backend, float p) {
        ComputeContext ctx = contexts.get(backend);
        ComputeContext ref = contexts.get(Backend.REFERENCE);
        SplittableRandom rnd = rnd("elementwise" + p);
        int n = 3 * 13 * 13 * 37;
        float[] x = Numerics.uniform(rnd, n);
        float[] y0 = Numerics.uniform(rnd, n);
        float[][] ab = {{1f, 1f}, {0.5f, 0f}, {-2f, 0.25f}};
        for (float[] c : ab) {
            Numerics.assertClose(backend + " axpby " + Arrays.toString(c), NnRunner.axpby(ref, c[0], x, c[1], y0),
                    NnRunner.axpby(ctx, c[0], x, c[1], y0), ATOL, RTOL);
        }
        long seed = 0x1234_5678_9ABCL + (long) (p * 100);
        float[] yr = NnRunner.dropout(ref, p, seed, x, false);
        assertArrayEquals(yr, NnRunner.dropout(ctx, p, seed, x, false), 1e-6f, backend + " dropout forward");
        assertArrayEquals(NnRunner.dropout(ref, p, seed, y0, true), NnRunner.dropout(ctx, p, seed, y0, true), 1e-6f,
                backend + " dropout backward");
    }

    static Stream<Arguments> sgdCases() {
        return withBackends(List.of(true, false));
    }

    @ParameterizedTest(name = "sgd nesterov={1} len 1021 x 3 steps {0}")
    @MethodSource("sgdCases")
    void sgd_threeSteps_matchReference(Backend backend, boolean nesterov) {
        ComputeContext ctx = contexts.get(backend);
        ComputeContext ref = contexts.get(Backend.REFERENCE);
        SplittableRandom rnd = rnd("sgd" + nesterov);
        float[] param = Numerics.uniform(rnd, 1021);
        float[][] grads = {Numerics.uniform(rnd, 1021), Numerics.uniform(rnd, 1021), Numerics.uniform(rnd, 1021)};
        Sgd.Params p = new Sgd.Params(0.05f, 0.9f, 3e-5f, nesterov);
        NnRunner.SgdState r = NnRunner.sgd(ref, p, param, grads);
        NnRunner.SgdState g = NnRunner.sgd(ctx, p, param, grads);
        Numerics.assertClose(backend + " param", r.param(), g.param(), ATOL, RTOL);
        Numerics.assertClose(backend + " momentum_buf", r.buf(), g.buf(), ATOL, RTOL);
    }

    // ---- per-channel ops --------------------------------------------------------------------

    static Stream<Arguments> channelCases() {
        return withBackends(Stream.of(new int[] {3, 13, 13, 37}, new int[] {2, 7, 7, 120}, new int[] {1, 9, 11, 72})
                .map(s -> Named.of("nhwc" + Arrays.toString(s).replace(", ", "x"), s)).toList());
    }

    @ParameterizedTest(name = "bias gap channel_scale forward backward {0} {1}")
    @MethodSource("channelCases")
    void channelOps_forwardBackward_matchReference(Backend backend, int[] s) {
        ComputeContext ctx = contexts.get(backend);
        ComputeContext ref = contexts.get(Backend.REFERENCE);
        SplittableRandom rnd = rnd(Arrays.toString(s));
        int n = count(s);
        int c = s[3];
        int rows = n / c;
        String id = backend + " " + Arrays.toString(s);
        float[] x = Numerics.uniform(rnd, n);
        float[] bias = Numerics.uniform(rnd, c + 5);
        float[] dbias0 = Numerics.uniform(rnd, c + 5);
        Numerics.assertClose(id + " bias_add", NnRunner.biasAdd(ref, rows, c, x, bias),
                NnRunner.biasAdd(ctx, rows, c, x, bias), ATOL, RTOL);
        assertReduction(id + " dbias", NnRunner.biasBackward(ref, rows, c, x, dbias0),
                NnRunner.biasBackward(ctx, rows, c, x, dbias0));

        assertReduction(id + " gap", NnRunner.gap(ref, s, x), NnRunner.gap(ctx, s, x));
        float[] dyPooled = Numerics.uniform(rnd, s[0] * c);
        Numerics.assertClose(id + " gap dx", NnRunner.gapBackward(ref, s, dyPooled),
                NnRunner.gapBackward(ctx, s, dyPooled), ATOL, RTOL);

        float[] scale = Numerics.uniform(rnd, s[0] * c);
        float[] dy = Numerics.uniform(rnd, n);
        Numerics.assertClose(id + " channel_scale", NnRunner.channelScale(ref, s, x, scale),
                NnRunner.channelScale(ctx, s, x, scale), ATOL, RTOL);
        NnRunner.ScaleGrads r = NnRunner.channelScaleBackward(ref, s, x, scale, dy);
        NnRunner.ScaleGrads g = NnRunner.channelScaleBackward(ctx, s, x, scale, dy);
        Numerics.assertClose(id + " channel_scale dx", r.dx(), g.dx(), ATOL, RTOL);
        assertReduction(id + " channel_scale ds", r.ds(), g.ds());
    }

    // ---- losses, resize ---------------------------------------------------------------------

    static Stream<Arguments> lossCases() {
        return withBackends(Stream.of(new int[] {37, 10}, new int[] {13, 1000}, new int[] {1, 2})
                .map(s -> Named.of("n" + s[0] + "_classes" + s[1], s)).toList());
    }

    @ParameterizedTest(name = "softmax_ce soft_ce {0} {1}")
    @MethodSource("lossCases")
    void losses_matchReference(Backend backend, int[] s) {
        ComputeContext ctx = contexts.get(backend);
        ComputeContext ref = contexts.get(Backend.REFERENCE);
        SplittableRandom rnd = rnd(Arrays.toString(s));
        int n = s[0];
        int classes = s[1];
        float[] logits = scaled(rnd, n * classes, 6f);
        float[] teacher = scaled(rnd, n * classes, 4f);
        int[] labels = rnd.ints(n, 0, classes).toArray();
        String id = backend + " n" + n + " classes" + classes;
        for (float smoothing : new float[] {0f, 0.1f}) {
            NnRunner.Loss r = NnRunner.softmaxCe(ref, n, classes, logits, labels, smoothing, 1f / n);
            NnRunner.Loss g = NnRunner.softmaxCe(ctx, n, classes, logits, labels, smoothing, 1f / n);
            Numerics.assertClose(id + " ce loss smoothing " + smoothing, r.loss(), g.loss(), 1e-4, 1e-5);
            Numerics.assertClose(id + " ce dlogits smoothing " + smoothing, r.grad(), g.grad(), 1e-6, 1e-4);
        }
        NnRunner.Loss r = NnRunner.softCe(ref, n, classes, logits, teacher, 0.5f);
        NnRunner.Loss g = NnRunner.softCe(ctx, n, classes, logits, teacher, 0.5f);
        Numerics.assertClose(id + " soft ce loss", r.loss(), g.loss(), 1e-4, 1e-5);
        Numerics.assertClose(id + " soft ce dstudent", r.grad(), g.grad(), 1e-6, 1e-4);
    }

    static Stream<Arguments> resizeCases() {
        return withBackends(Stream.of(new int[] {3, 13, 13, 37, 7, 9}, new int[] {2, 31, 29, 3, 17, 23},
                        new int[] {1, 5, 7, 72, 13, 11}, new int[] {1, 9, 9, 3, 9, 9})
                .map(s -> Named.of("nhwc" + s[0] + "x" + s[1] + "x" + s[2] + "x" + s[3] + "_to_" + s[4] + "x" + s[5], s))
                .toList());
    }

    @ParameterizedTest(name = "resize_bilinear {0} {1}")
    @MethodSource("resizeCases")
    void resizeBilinear_matchesReference(Backend backend, int[] s) {
        ComputeContext ctx = contexts.get(backend);
        ComputeContext ref = contexts.get(Backend.REFERENCE);
        int[] in = Arrays.copyOf(s, 4);
        float[] x = Numerics.uniform(rnd(Arrays.toString(s)), count(in));
        Numerics.assertClose(backend + " resize " + Arrays.toString(s), NnRunner.resize(ref, in, x, s[4], s[5]),
                NnRunner.resize(ctx, in, x, s[4], s[5]), ATOL, RTOL);
    }
}
