package org.compofa.ops;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.compofa.bindings.BufferTooSmallException;
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
 * Squeeze-and-excitation in one op ({@link SqueezeExcite}) on every backend against a naive double
 * implementation written here from the formulas (reference §2.2, PyTorch's relu/hardsigmoid
 * derivatives): y, the saved pooled/hidden/gate, dx and the accumulated weight gradients, on slices
 * of larger supernet weights, seeded data of odd sizes whose gates fall on both flat parts of
 * h_sigmoid and whose hidden units are partly cut by the relu.
 */
@Tag("cuda") // also runs CUDA cases (SKIPPED without a device)
class SqueezeExciteTest {
    @RegisterExtension
    static final BackendContexts contexts = new BackendContexts();  // closed after the class's tests

    record Case(int n, int h, int w, int c, int se, int cMax, int seMax) {
        int hw() {
            return h * w;
        }
    }

    static Stream<Arguments> cases() {
        Stream<Case> shapes = Stream.of(new Case(3, 7, 5, 37, 9, 48, 12), new Case(2, 1, 1, 70, 17, 72, 18),
                new Case(1, 9, 9, 120, 30, 120, 30), new Case(4, 3, 2, 5, 1, 8, 2));
        return shapes.flatMap(k -> Stream.of(Backend.REFERENCE, Backend.CPU, Backend.CUDA).map(b -> Arguments.of(b, k)));
    }

    /** Host data of one problem: x, dy, weights [seMax][cMax] / [cMax][seMax] and existing gradients. */
    record Data(float[] x, float[] dy, float[] w1, float[] b1, float[] w2, float[] b2, float[] g1, float[] gb1,
                float[] g2, float[] gb2) {
        static Data random(Case k, long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            int len = k.n() * k.hw() * k.c();
            float[] x = scaled(Numerics.uniform(r, len), 2f);
            float[] w2 = scaled(Numerics.uniform(r, k.cMax() * k.seMax()), 3f);  // gates reach both flat parts
            return new Data(x, Numerics.uniform(r, len), Numerics.uniform(r, k.seMax() * k.cMax()),
                    Numerics.uniform(r, k.seMax()), w2, Numerics.uniform(r, k.cMax()),
                    Numerics.uniform(r, k.seMax() * k.cMax()), Numerics.uniform(r, k.seMax()),
                    Numerics.uniform(r, k.cMax() * k.seMax()), Numerics.uniform(r, k.cMax()));
        }

        private static float[] scaled(float[] a, float s) {
            for (int i = 0; i < a.length; i++) {
                a[i] *= s;
            }
            return a;
        }
    }

    /** The naive forward and backward in double: y, saved (pooled, hidden, gate), dx, grads (+= existing). */
    record Expected(float[] y, float[] saved, float[] dx, float[] g1, float[] gb1, float[] g2, float[] gb2) {
        static Expected of(Case k, Data d) {
            int n = k.n(), hw = k.hw(), c = k.c(), se = k.se();
            double[][] pooled = new double[n][c];
            double[][] hidden = new double[n][se];
            double[][] gate = new double[n][c];
            float[] y = new float[d.x().length];
            float[] dx = new float[y.length];
            double[] g1 = toDouble(d.g1()), gb1 = toDouble(d.gb1()), g2 = toDouble(d.g2()), gb2 = toDouble(d.gb2());
            for (int b = 0; b < n; b++) {
                for (int j = 0; j < c; j++) {
                    for (int p = 0; p < hw; p++) {
                        pooled[b][j] += d.x()[(b * hw + p) * c + j];
                    }
                    pooled[b][j] /= hw;
                }
                for (int i = 0; i < se; i++) {
                    double z = d.b1()[i];
                    for (int j = 0; j < c; j++) {
                        z += pooled[b][j] * d.w1()[i * k.cMax() + j];
                    }
                    hidden[b][i] = Math.max(z, 0);
                }
                double[] dz2 = new double[c];
                for (int j = 0; j < c; j++) {
                    double z = d.b2()[j];
                    for (int i = 0; i < se; i++) {
                        z += hidden[b][i] * d.w2()[j * k.seMax() + i];
                    }
                    gate[b][j] = Math.min(Math.max(z + 3, 0), 6) / 6;
                    double dg = 0;
                    for (int p = 0; p < hw; p++) {
                        int e = (b * hw + p) * c + j;
                        y[e] = (float) (d.x()[e] * gate[b][j]);
                        dg += (double) d.dy()[e] * d.x()[e];
                    }
                    dz2[j] = z > -3 && z < 3 ? dg / 6 : 0;
                    gb2[j] += dz2[j];
                    for (int i = 0; i < se; i++) {
                        g2[j * k.seMax() + i] += dz2[j] * hidden[b][i];
                    }
                }
                double[] dz1 = new double[se];
                for (int i = 0; i < se; i++) {
                    for (int j = 0; j < c; j++) {
                        dz1[i] += dz2[j] * d.w2()[j * k.seMax() + i];
                    }
                    dz1[i] = hidden[b][i] > 0 ? dz1[i] : 0;
                    gb1[i] += dz1[i];
                    for (int j = 0; j < c; j++) {
                        g1[i * k.cMax() + j] += dz1[i] * pooled[b][j];
                    }
                }
                for (int j = 0; j < c; j++) {
                    double dp = 0;
                    for (int i = 0; i < se; i++) {
                        dp += dz1[i] * d.w1()[i * k.cMax() + j];
                    }
                    for (int p = 0; p < hw; p++) {
                        int e = (b * hw + p) * c + j;
                        dx[e] = (float) (d.dy()[e] * gate[b][j] + dp / hw);
                    }
                }
            }
            float[] saved = new float[n * (2 * c + se)];
            for (int b = 0; b < n; b++) {
                for (int j = 0; j < c; j++) {
                    saved[b * c + j] = (float) pooled[b][j];
                    saved[n * c + n * se + b * c + j] = (float) gate[b][j];
                }
                for (int i = 0; i < se; i++) {
                    saved[n * c + b * se + i] = (float) hidden[b][i];
                }
            }
            return new Expected(y, saved, dx, toFloat(g1), toFloat(gb1), toFloat(g2), toFloat(gb2));
        }
    }

    @ParameterizedTest(name = "SE in one op {0} {1}")
    @MethodSource("cases")
    void forwardAndBackward_matchTheNaiveFormulas(Backend backend, Case k) {
        ComputeContext ctx = contexts.get(backend);
        Data d = Data.random(k, k.hashCode());
        Expected want = Expected.of(k, d);
        int[] shape = {k.n(), k.h(), k.w(), k.c()};
        String id = backend + " " + k;
        try (Tensor x = Tensor.of(ctx, Layout.NHWC, d.x(), shape); Tensor dy = Tensor.of(ctx, Layout.NHWC, d.dy(), shape);
             Tensor w1 = Tensor.of(ctx, Layout.MATRIX, d.w1(), k.seMax(), k.cMax());
             Tensor b1 = Tensor.of(ctx, Layout.VECTOR, d.b1(), k.seMax());
             Tensor w2 = Tensor.of(ctx, Layout.MATRIX, d.w2(), k.cMax(), k.seMax());
             Tensor b2 = Tensor.of(ctx, Layout.VECTOR, d.b2(), k.cMax());
             Tensor g1 = Tensor.of(ctx, Layout.MATRIX, d.g1(), k.seMax(), k.cMax());
             Tensor gb1 = Tensor.of(ctx, Layout.VECTOR, d.gb1(), k.seMax());
             Tensor g2 = Tensor.of(ctx, Layout.MATRIX, d.g2(), k.cMax(), k.seMax());
             Tensor gb2 = Tensor.of(ctx, Layout.VECTOR, d.gb2(), k.cMax());
             Tensor y = NnRunner.nan(ctx, shape); Tensor yInference = NnRunner.nan(ctx, shape);
             Tensor dx = NnRunner.nan(ctx, shape);
             Tensor saved = Tensor.zeros(ctx, Layout.VECTOR, (int) SqueezeExcite.savedLength(k.n(), k.c(), k.se()))) {
            SqueezeExcite.Weights w = new SqueezeExcite.Weights(w1, b1, w2, b2);
            SqueezeExcite.forward(ctx, x, w, k.se(), yInference, null);
            SqueezeExcite.forward(ctx, x, w, k.se(), y, saved);
            Numerics.assertClose(id + " y", want.y(), y.toArray(), 1e-5, 1e-4);
            Numerics.assertClose(id + " y (inference)", want.y(), yInference.toArray(), 1e-5, 1e-4);
            Numerics.assertClose(id + " saved", want.saved(), saved.toArray(), 1e-5, 1e-4);
            SqueezeExcite.backward(ctx, x, w, k.se(), saved, dy, dx, new SqueezeExcite.Weights(g1, gb1, g2, gb2));
            double sq = Math.sqrt(k.n() * k.hw());
            Numerics.assertClose(id + " dx", want.dx(), dx.toArray(), 1e-5, 1e-4);
            Numerics.assertClose(id + " d reduce", want.g1(), g1.toArray(), 1e-5 * sq, 1e-4);
            Numerics.assertClose(id + " d reduceBias", want.gb1(), gb1.toArray(), 1e-5 * sq, 1e-4);
            Numerics.assertClose(id + " d expand", want.g2(), g2.toArray(), 1e-5 * sq, 1e-4);
            Numerics.assertClose(id + " d expandBias", want.gb2(), gb2.toArray(), 1e-5 * sq, 1e-4);
        }
    }

    @Test
    void badArguments_areRefusedWithTypedExceptions() {
        ComputeContext ctx = contexts.get(Backend.CPU);
        try (Tensor x = Tensor.zeros(ctx, Layout.NHWC, 2, 3, 3, 8); Tensor y = Tensor.zeros(ctx, Layout.NHWC, 2, 3, 3, 8);
             Tensor w1 = Tensor.zeros(ctx, Layout.MATRIX, 2, 8); Tensor b1 = Tensor.zeros(ctx, Layout.VECTOR, 2);
             Tensor w2 = Tensor.zeros(ctx, Layout.MATRIX, 8, 2); Tensor b2 = Tensor.zeros(ctx, Layout.VECTOR, 8);
             Tensor small = Tensor.zeros(ctx, Layout.VECTOR, 35)) {
            SqueezeExcite.Weights w = new SqueezeExcite.Weights(w1, b1, w2, b2);
            assertThrows(InvalidArgumentException.class, () -> SqueezeExcite.forward(ctx, x, w, 3, y, null));  // se > seMax
            assertThrows(InvalidArgumentException.class, () -> SqueezeExcite.forward(ctx, x, w, 0, y, null));
            assertThrows(InvalidArgumentException.class, () -> SqueezeExcite.forward(ctx, x, w, 2, x, null));  // in place
            assertThrows(BufferTooSmallException.class, () -> SqueezeExcite.forward(ctx, x, w, 2, y, small));  // needs 36
            assertThrows(InvalidArgumentException.class,
                    () -> SqueezeExcite.forward(ctx, x, new SqueezeExcite.Weights(w2, b1, w1, b2), 2, y, null));
        }
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    private static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }
}
