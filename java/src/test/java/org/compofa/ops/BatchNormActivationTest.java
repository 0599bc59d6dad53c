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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
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
    private static BackendContexts contexts;

    @BeforeAll
    static void open() {
        contexts = new BackendContexts();
    }

    @AfterAll
    static void close() {
        contexts.close();
    }

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
