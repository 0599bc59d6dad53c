package org.compofa.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;
import org.compofa.testing.BackendContexts;
import org.compofa.testing.Numerics;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Slice GEMM against a naive Java triple loop on random sub-blocks of larger matrices (ld > cols),
 * every trans combination, beta 0 over NaN and beta 1 accumulation; and the 1x1-convolution helpers
 * on W[:cout, :cin] of W[coutMax][cinMax]. Elements outside the written block must keep their value.
 */
@Tag("cuda") // also runs CUDA cases (SKIPPED without a device)
class SliceGemmTest {
    private static final int M = 37;
    private static final int N = 29;
    private static final int K = 53;
    private static final float SENTINEL = 777f;

    @RegisterExtension
    static final BackendContexts contexts = new BackendContexts();  // closed after the class's tests

    static Stream<Arguments> gemmCases() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (Backend backend : Backend.values()) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    for (float beta : new float[] {0f, 1f}) {
                        b.add(Arguments.of(backend, ta ? "T" : "N", tb ? "T" : "N", beta));
                    }
                }
            }
        }
        return b.build();
    }

    /** A block of rows x cols at (row0, col0) inside a MATRIX tensor [rows+extraR][cols+extraC]. */
    private record Block(Tensor tensor, float[] all, MatrixSlice slice) {}

    private static Block block(ComputeContext ctx, SplittableRandom rnd, int rows, int cols, int row0, int col0,
                               int extraR, int extraC, float fill) {
        int tr = rows + extraR;
        int tc = cols + extraC;
        float[] all = Float.isNaN(fill) || fill == SENTINEL ? new float[tr * tc] : Numerics.uniform(rnd, tr * tc);
        if (fill == SENTINEL || Float.isNaN(fill)) {
            java.util.Arrays.fill(all, SENTINEL);
            if (Float.isNaN(fill)) {
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        all[(row0 + i) * tc + col0 + j] = Float.NaN;
                    }
                }
            }
        }
        Tensor t = Tensor.of(ctx, Layout.MATRIX, all, tr, tc);
        return new Block(t, all, MatrixSlice.block(t, row0, col0, rows, cols));
    }

    private static double at(Block b, boolean trans, int i, int j) {
        MatrixSlice s = b.slice();
        int r = trans ? j : i;
        int c = trans ? i : j;
        return b.all()[(int) (s.offset() + (long) r * s.ld() + c)];
    }

    @ParameterizedTest(name = "gemm MATRIX slices {0} op(A)={1} op(B)={2} beta={3}")
    @MethodSource("gemmCases")
    void gemm_matchesJavaTripleLoop(Backend backend, String ta, String tb, float beta) {
        ComputeContext ctx = contexts.get(backend);
        boolean transA = ta.equals("T");
        boolean transB = tb.equals("T");
        SplittableRandom rnd = new SplittableRandom(31 + (transA ? 1 : 0) + (transB ? 2 : 0));
        float alpha = 0.75f;
        Block a = block(ctx, rnd, transA ? K : M, transA ? M : K, 3, 2, 5, 7, 0f);
        Block b = block(ctx, rnd, transB ? N : K, transB ? K : N, 1, 6, 2, 9, 0f);
        Block c = beta == 0f ? block(ctx, rnd, M, N, 2, 4, 4, 9, Float.NaN) : block(ctx, rnd, M, N, 2, 4, 4, 9, 0f);
        try (Tensor ct = c.tensor()) {
            SliceGemm.gemm(ctx, alpha, a.slice(), transA, b.slice(), transB, beta, c.slice());
            float[] got = ct.toArray();
            float[] expected = c.all().clone();
            int ldc = c.slice().ld();
            for (int i = 0; i < M; i++) {
                for (int j = 0; j < N; j++) {
                    double acc = 0;
                    for (int p = 0; p < K; p++) {
                        acc += at(a, transA, i, p) * at(b, transB, p, j);
                    }
                    int idx = (int) (c.slice().offset() + (long) i * ldc + j);
                    expected[idx] = (float) (alpha * acc + (beta == 0f ? 0 : beta * c.all()[idx]));
                }
            }
            Numerics.assertClose(backend + " gemm " + ta + tb + " beta " + beta, expected, got, 1e-4, 1e-4);
        } finally {
            a.tensor().close();
            b.tensor().close();
        }
    }

    static Stream<Backend> backends() {
        return Stream.of(Backend.values());
    }

    @ParameterizedTest(name = "conv1x1 NHWC on W[:cout,:cin] {0}")
    @MethodSource("backends")
    void conv1x1ForwardBackward_matchJavaLoops(Backend backend) {
        ComputeContext ctx = contexts.get(backend);
        int coutMax = 48;
        int cinMax = 40;
        int cin = 37;
        int cout = 29;
        int[] spatial = {2, 5, 3};
        int p = 2 * 5 * 3;
        SplittableRandom rnd = new SplittableRandom(5);
        float[] w = Numerics.uniform(rnd, coutMax * cinMax);
        float[] x = Numerics.uniform(rnd, p * cin);
        float[] dy = Numerics.uniform(rnd, p * cout);
        float[] dw0 = Numerics.uniform(rnd, coutMax * cinMax);
        try (Tensor tw = Tensor.of(ctx, Layout.MATRIX, w, coutMax, cinMax);
             Tensor tx = Tensor.of(ctx, Layout.NHWC, x, spatial[0], spatial[1], spatial[2], cin);
             Tensor ty = Tensor.zeros(ctx, Layout.NHWC, spatial[0], spatial[1], spatial[2], cout);
             Tensor tdy = Tensor.of(ctx, Layout.NHWC, dy, spatial[0], spatial[1], spatial[2], cout);
             Tensor tdx = Tensor.zeros(ctx, Layout.NHWC, spatial[0], spatial[1], spatial[2], cin);
             Tensor tdw = Tensor.of(ctx, Layout.MATRIX, dw0, coutMax, cinMax)) {
            ty.fill(Float.NaN);
            tdx.fill(Float.NaN);
            SliceGemm.conv1x1Forward(ctx, tx, tw, cin, cout, ty);
            SliceGemm.conv1x1Backward(ctx, tx, tw, tdy, cin, cout, tdx, tdw);
            float[] y = new float[p * cout];
            float[] dx = new float[p * cin];
            float[] dw = dw0.clone();
            for (int q = 0; q < p; q++) {
                for (int o = 0; o < cout; o++) {
                    double acc = 0;
                    for (int i = 0; i < cin; i++) {
                        acc += (double) x[q * cin + i] * w[o * cinMax + i];
                    }
                    y[q * cout + o] = (float) acc;
                }
                for (int i = 0; i < cin; i++) {
                    double acc = 0;
                    for (int o = 0; o < cout; o++) {
                        acc += (double) dy[q * cout + o] * w[o * cinMax + i];
                    }
                    dx[q * cin + i] = (float) acc;
                }
            }
            for (int o = 0; o < cout; o++) {
                for (int i = 0; i < cin; i++) {
                    double acc = dw0[o * cinMax + i];
                    for (int q = 0; q < p; q++) {
                        acc += (double) dy[q * cout + o] * x[q * cin + i];
                    }
                    dw[o * cinMax + i] = (float) acc;
                }
            }
            Numerics.assertClose(backend + " conv1x1 y", y, ty.toArray(), 1e-4, 1e-4);
            Numerics.assertClose(backend + " conv1x1 dx", dx, tdx.toArray(), 1e-4, 1e-4);
            float[] gotDw = tdw.toArray();
            Numerics.assertClose(backend + " conv1x1 dW", dw, gotDw, 1e-4, 1e-4);
            assertEquals(dw0[cout * cinMax + 3], gotDw[cout * cinMax + 3], "rows >= cout untouched");
            assertEquals(dw0[2 * cinMax + cin], gotDw[2 * cinMax + cin], "columns >= cin untouched");
        }
    }
}
