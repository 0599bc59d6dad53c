package org.compofa.ops;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.Stream;

import org.compofa.bindings.BufferTooSmallException;
import org.compofa.bindings.InvalidArgumentException;
import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;
import org.compofa.testing.BackendContexts;
import org.compofa.testing.Numerics;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The training depthwise convolution that gathers its output's batch statistics
 * ({@link ElasticDepthwiseConv#forwardWithStatistics}) on every backend: y against the plain forward
 * on the REFERENCE backend, the mean and biased variance against a two-pass computation in double
 * here over that y. Seeded inputs of odd sizes with a large common offset, so a one-pass variance
 * that lost its precision would show.
 */
@Tag("cuda") // also runs CUDA cases (SKIPPED without a device)
class DepthwiseStatisticsTest {
    @RegisterExtension
    static final BackendContexts contexts = new BackendContexts();  // closed after the class's tests

    static Stream<Arguments> cases() {
        Stream<DepthwiseShape> shapes = Stream.of(
                new DepthwiseShape(3, 13, 13, 37, 48, 5, 7, 1, KernelTransform.OFA),   // transform chain, odd c
                new DepthwiseShape(2, 15, 11, 72, 72, 3, 7, 2, KernelTransform.NONE),  // centre crop, stride 2
                new DepthwiseShape(5, 29, 31, 24, 24, 7, 7, 1, KernelTransform.NONE),  // 145 rows: many parts
                new DepthwiseShape(2, 1, 1, 9, 9, 3, 3, 1, KernelTransform.NONE));     // the minimum, 2 positions
        return shapes.flatMap(s -> Stream.of(Backend.REFERENCE, Backend.CPU, Backend.CUDA)
                .map(b -> Arguments.of(b, Named.of(describe(s), s))));
    }

    private static String describe(DepthwiseShape s) {
        return s.n() + "x" + s.h() + "x" + s.w() + "_c" + s.c() + "of" + s.cMax() + "_k" + s.k() + "of" + s.kMax()
                + "_s" + s.stride() + "_" + s.transform();
    }

    @ParameterizedTest(name = "depthwise + statistics {0} {1}")
    @MethodSource("cases")
    void statistics_matchTwoPassesOverTheReferenceOutput(Backend backend, DepthwiseShape s) {
        ComputeContext ctx = contexts.get(backend);
        DwProblem p = new DwProblem(s, describe(s).hashCode(), true);
        for (int i = 0; i < p.x.length; i++) {
            p.x[i] += 30f;  // every output channel's mean is about 30 x its tap sum
        }
        float[] yRef = p.forward(contexts.get(Backend.REFERENCE));
        int c = s.c();
        int positions = yRef.length / c;
        double[] mean = new double[c];
        double[] var = new double[c];
        for (int j = 0; j < c; j++) {
            for (int r = 0; r < positions; r++) {
                mean[j] += yRef[r * c + j];
            }
            mean[j] /= positions;
            for (int r = 0; r < positions; r++) {
                double d = yRef[r * c + j] - mean[j];
                var[j] += d * d;
            }
            var[j] /= positions;
        }
        try (Tensor tx = Tensor.of(ctx, Layout.NHWC, p.x, s.inputShape());
             Tensor tw = Tensor.of(ctx, Layout.DW_WEIGHT, p.w, s.weightShape());
             Tensor a = Tensor.of(ctx, Layout.MATRIX, p.t75, 25, 25);
             Tensor b = Tensor.of(ctx, Layout.MATRIX, p.t53, 9, 9);
             Tensor y = NnRunner.nan(ctx, s.outputShape());
             Tensor m = Tensor.zeros(ctx, Layout.VECTOR, s.cMax());
             Tensor v = Tensor.zeros(ctx, Layout.VECTOR, s.cMax())) {
            m.fill(Float.NaN);
            v.fill(Float.NaN);
            ElasticDepthwiseConv.forwardWithStatistics(ctx, s, tx, tw, a, b, y, m, v);
            String id = backend + " " + describe(s);
            double scale = 1 + Arrays.stream(mean).map(Math::abs).max().orElse(0);
            Numerics.assertClose(id + " y", yRef, y.toArray(), 1e-4 * scale, 1e-5);
            Numerics.assertClose(id + " batch_mean", toFloat(mean), Arrays.copyOf(m.toArray(), c), 1e-5 * scale, 1e-5);
            Numerics.assertClose(id + " batch_var", toFloat(var), Arrays.copyOf(v.toArray(), c), 1e-5 * scale, 1e-4);
        }
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    @Test
    void onePosition_isRefused() {
        ComputeContext ctx = contexts.get(Backend.CPU);
        DepthwiseShape s = new DepthwiseShape(1, 1, 1, 4, 4, 3, 3, 1, KernelTransform.NONE);
        try (Tensor x = Tensor.zeros(ctx, Layout.NHWC, s.inputShape());
             Tensor w = Tensor.zeros(ctx, Layout.DW_WEIGHT, s.weightShape());
             Tensor y = Tensor.zeros(ctx, Layout.NHWC, s.outputShape()); Tensor m = Tensor.zeros(ctx, Layout.VECTOR, 4);
             Tensor v = Tensor.zeros(ctx, Layout.VECTOR, 4); Tensor shortVec = Tensor.zeros(ctx, Layout.VECTOR, 3)) {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                    () -> ElasticDepthwiseConv.forwardWithStatistics(ctx, s, x, w, null, null, y, m, v));
            assertTrue(e.getMessage().contains("at least 2"), e.getMessage());
            DepthwiseShape two = new DepthwiseShape(2, 1, 1, 4, 4, 3, 3, 1, KernelTransform.NONE);
            try (Tensor x2 = Tensor.zeros(ctx, Layout.NHWC, two.inputShape());
                 Tensor y2 = Tensor.zeros(ctx, Layout.NHWC, two.outputShape())) {
                assertThrows(BufferTooSmallException.class,
                        () -> ElasticDepthwiseConv.forwardWithStatistics(ctx, two, x2, w, null, null, y2, shortVec, v));
                assertThrows(InvalidArgumentException.class,
                        () -> ElasticDepthwiseConv.forwardWithStatistics(ctx, two, x2, w, null, null, y2, m, m));
            }
        }
    }
}
