package org.compofa.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.compofa.bindings.InvalidArgumentException;
import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;
import org.compofa.testing.BackendContexts;
import org.compofa.testing.Numerics;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fused training batch norm + activation ({@code BatchNorm.forwardTrain/backward} with an
 * activation) on every backend (REFERENCE, CPU, CUDA) against the two separate ops run one after
 * the other on the REFERENCE backend: forward {@code act(bn(x))}, statistics and running stats, and
 * the backward through both (activation backward at bn(x), then the batch norm backward). Seeded
 * data of odd sizes whose normalised values cover every piece of h_swish and h_sigmoid.
 */
@Tag("cuda") // also runs CUDA cases (SKIPPED without a device)
class BatchNormActivationTest {
    private static final BatchNorm.Params P = BatchNorm.Params.PYTORCH;
    @RegisterExtension
    static final BackendContexts contexts = new BackendContexts();  // closed after the class's tests

    record Case(int[] xShape, int cMax) {
        int c() {
            return xShape[xShape.length - 1];
        }

        int count() {
            return Arrays.stream(xShape).reduce(1, (a, b) -> a * b);
        }

        @Override
        public String toString() {
            return Arrays.toString(xShape).replace(", ", "x") + "_cmax" + cMax;
        }
    }

    static Stream<Arguments> cases() {
        List<Case> shapes = List.of(new Case(new int[] {3, 7, 5, 29}, 40), new Case(new int[] {37, 19}, 19),
                new Case(new int[] {2, 9, 9, 13}, 13));
        List<Activation> acts = List.of(Activation.RELU, Activation.HSWISH, Activation.HSIGMOID, Activation.IDENTITY);
        return Stream.of(Backend.REFERENCE, Backend.CPU, Backend.CUDA).flatMap(b -> acts.stream()
                .flatMap(a -> shapes.stream().map(s -> Arguments.of(b, a, s))));
    }

    @ParameterizedTest(name = "bn+{1} fused train/backward {0} {2}")
    @MethodSource("cases")
    void fused_matchesTheTwoOpsOnTheReference(Backend backend, Activation act, Case k) {
        ComputeContext ctx = contexts.get(backend);
        ComputeContext ref = contexts.get(Backend.REFERENCE);
        SplittableRandom rnd = new SplittableRandom((backend + " " + act + " " + k).hashCode());
        int n = k.count();
        float[] x = Numerics.uniform(rnd, n);
        for (int i = 0; i < n; i++) {
            x[i] = 2f * x[i] + 1.5f + (i % k.c()) * 0.03f;  // offsets per channel: the mean is not 0
        }
        float[] gamma = Numerics.uniform(rnd, k.cMax());
        float[] beta = Numerics.uniform(rnd, k.cMax());
        for (int j = 0; j < k.cMax(); j++) {
            gamma[j] = 2.5f + gamma[j];  // |bn(x)| reaches past 3: every piece of h_swish is used
        }
        float[] rm = Numerics.uniform(rnd, k.cMax());
        float[] rv = Numerics.uniform(rnd, k.cMax());
        for (int j = 0; j < rv.length; j++) {
            rv[j] = Math.abs(rv[j]) + 0.5f;
        }
        String id = backend + " " + act + " " + k;

        NnRunner.Bn bn = NnRunner.bnTrain(ref, P, k.xShape(), x, gamma, beta, rm, rv);
        float[] want = NnRunner.activation(ref, act, bn.y());
        NnRunner.Bn got = NnRunner.bnActTrain(ctx, P, act, k.xShape(), x, gamma, beta, rm, rv);
        Numerics.assertClose(id + " y", want, got.y(), 1e-4, 1e-4);
        Numerics.assertClose(id + " batch_mean", bn.mean(), got.mean(), 1e-5, 1e-5);
        Numerics.assertClose(id + " batch_var", bn.var(), got.var(), 1e-5, 1e-4);
        Numerics.assertClose(id + " running_mean", bn.runningMean(), got.runningMean(), 1e-5, 1e-5);
        Numerics.assertClose(id + " running_var", bn.runningVar(), got.runningVar(), 1e-5, 1e-4);

        float[] dy = Numerics.uniform(rnd, n);
        float[] dg0 = Numerics.uniform(rnd, k.cMax());
        float[] db0 = Numerics.uniform(rnd, k.cMax());
        float[] dz = NnRunner.activationBackward(ref, act, bn.y(), dy);
        NnRunner.BnGrads w = NnRunner.bnBackward(ref, P, k.xShape(), x, dz, gamma, bn.mean(), bn.var(), dg0, db0);
        NnRunner.BnGrads g = NnRunner.bnActBackward(ctx, P, act, k.xShape(), x, dy, gamma, beta, bn.mean(),
                bn.var(), dg0, db0);
        double sq = Math.sqrt(n / (double) k.c());
        Numerics.assertClose(id + " dx", w.dx(), g.dx(), 2e-4, 2e-4);
        Numerics.assertClose(id + " dgamma", w.dgamma(), g.dgamma(), 2e-5 * sq, 1e-4);
        Numerics.assertClose(id + " dbeta", w.dbeta(), g.dbeta(), 2e-5 * sq, 1e-4);
    }

    static Stream<Arguments> statisticsCases() {
        return Stream.of(Backend.REFERENCE, Backend.CPU, Backend.CUDA).flatMap(b -> Stream.of(
                Arguments.of(b, new int[] {3, 7, 5, 37}, 29, 40, 48),     // W[:29, :37] of a 48 x 40 weight
                Arguments.of(b, new int[] {2, 23, 19, 24}, 96, 24, 144),  // 874 rows: several blocks
                Arguments.of(b, new int[] {2, 1, 1, 9}, 5, 9, 5)));       // the minimum, 2 rows
    }

    @ParameterizedTest(name = "conv1x1 + statistics, then bn+hswish {0} x{1} cout{2}")
    @MethodSource("statisticsCases")
    void conv1x1Statistics_thenBatchNorm_matchTheSeparateOpsOnTheReference(Backend backend, int[] xShape, int cout,
                                                                           int cinMax, int coutMax) {
        ComputeContext ctx = contexts.get(backend);
        ComputeContext ref = contexts.get(Backend.REFERENCE);
        SplittableRandom rnd = new SplittableRandom((backend + " " + cout).hashCode());
        int cin = xShape[3];
        int rows = xShape[0] * xShape[1] * xShape[2];
        float[] x = Numerics.uniform(rnd, rows * cin);
        for (int r = 0; r < rows; r++) {
            x[r * cin] = 20f + 0.1f * x[r * cin];  // a large common offset in every output channel
        }
        float[] w = Numerics.uniform(rnd, coutMax * cinMax);
        float[] gamma = Numerics.uniform(rnd, coutMax);
        float[] beta = Numerics.uniform(rnd, coutMax);
        float[] rm = Numerics.uniform(rnd, coutMax);
        float[] rv = Numerics.uniform(rnd, coutMax);
        for (int j = 0; j < coutMax; j++) {
            rv[j] = Math.abs(rv[j]) + 0.5f;
            gamma[j] += 2.5f;
        }
        int[] yShape = {xShape[0], xShape[1], xShape[2], cout};
        float[] yRef;
        try (Tensor tx = Tensor.of(ref, Layout.NHWC, x, xShape); Tensor tw = Tensor.of(ref, Layout.MATRIX, w, coutMax,
                cinMax); Tensor ty = Tensor.zeros(ref, Layout.NHWC, yShape)) {
            SliceGemm.conv1x1Forward(ref, tx, tw, cin, cout, ty);
            yRef = ty.toArray();
        }
        NnRunner.Bn want = NnRunner.bnActTrain(ref, P, Activation.HSWISH, yShape, yRef, gamma, beta, rm, rv);
        String id = backend + " " + java.util.Arrays.toString(xShape) + " cout" + cout;
        try (Tensor tx = Tensor.of(ctx, Layout.NHWC, x, xShape);
             Tensor tw = Tensor.of(ctx, Layout.MATRIX, w, coutMax, cinMax);
             Tensor ty = Tensor.zeros(ctx, Layout.NHWC, yShape); Tensor tz = Tensor.zeros(ctx, Layout.NHWC, yShape);
             Tensor mean = Tensor.zeros(ctx, Layout.VECTOR, coutMax);
             Tensor var = Tensor.zeros(ctx, Layout.VECTOR, coutMax);
             Tensor g = Tensor.of(ctx, Layout.VECTOR, gamma, coutMax);
             Tensor b = Tensor.of(ctx, Layout.VECTOR, beta, coutMax);
             Tensor m = Tensor.of(ctx, Layout.VECTOR, rm, coutMax);
             Tensor v = Tensor.of(ctx, Layout.VECTOR, rv, coutMax)) {
            SliceGemm.conv1x1ForwardWithStatistics(ctx, tx, tw, cin, cout, ty, mean, var);
            Numerics.assertClose(id + " y", yRef, ty.toArray(), 1e-4, 1e-5);
            float[] gotMean = java.util.Arrays.copyOf(mean.toArray(), cout);
            float[] gotVar = java.util.Arrays.copyOf(var.toArray(), cout);
            Numerics.assertClose(id + " batch_mean", java.util.Arrays.copyOf(want.mean(), cout), gotMean, 1e-4, 1e-5);
            Numerics.assertClose(id + " batch_var", java.util.Arrays.copyOf(want.var(), cout), gotVar, 1e-4, 1e-4);
            BatchNorm.forwardTrainWithStatistics(ctx, P, Activation.HSWISH, ty, g, b, m, v, tz, mean, var);
            Numerics.assertClose(id + " act(bn(y))", want.y(), tz.toArray(), 2e-4, 2e-4);
            Numerics.assertClose(id + " running_mean", want.runningMean(), m.toArray(), 1e-5, 1e-5);
            Numerics.assertClose(id + " running_var", want.runningVar(), v.toArray(), 1e-5, 1e-4);
        }
    }

    @Test
    void conv1x1Statistics_needTwoPositions() {
        ComputeContext ctx = contexts.get(Backend.CPU);
        try (Tensor x = Tensor.zeros(ctx, Layout.NHWC, 1, 1, 1, 4); Tensor w = Tensor.zeros(ctx, Layout.MATRIX, 3, 4);
             Tensor y = Tensor.zeros(ctx, Layout.NHWC, 1, 1, 1, 3); Tensor m = Tensor.zeros(ctx, Layout.VECTOR, 3);
             Tensor v = Tensor.zeros(ctx, Layout.VECTOR, 3)) {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                    () -> SliceGemm.conv1x1ForwardWithStatistics(ctx, x, w, 4, 3, y, m, v));
            assertEquals(true, e.getMessage().contains("at least 2"), e.getMessage());
        }
    }

    @Test
    void backwardWithAnActivation_needsBeta() {
        ComputeContext ctx = contexts.get(Backend.CPU);
        try (Tensor x = Tensor.zeros(ctx, Layout.MATRIX, 4, 3); Tensor dy = Tensor.zeros(ctx, Layout.MATRIX, 4, 3);
             Tensor dx = Tensor.zeros(ctx, Layout.MATRIX, 4, 3); Tensor gamma = Tensor.zeros(ctx, Layout.VECTOR, 3);
             Tensor mean = Tensor.zeros(ctx, Layout.VECTOR, 3); Tensor var = Tensor.zeros(ctx, Layout.VECTOR, 3)) {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> BatchNorm.backward(ctx, P,
                    Activation.HSWISH, x, dy, gamma, null, mean, var, dx, null, null));
            assertEquals(true, e.getMessage().contains("beta"), e.getMessage());
        }
    }
}
