package org.compofa.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Precision;
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
 * The GEMM precision setting ({@link ComputeContext#setPrecision}). On CUDA, TF32 and BF16 run the
 * tensor-core kernel: the 1x1 convolution forward and both backward products must match a naive
 * product of the operands rounded to the format (rounded here in Java, independently of the
 * kernel), on a supernet weight read in place. The host backends compute fp32 whatever is set.
 */
@Tag("cuda") // the tensor-core cases are SKIPPED without a device
class GemmPrecisionTest {
    @RegisterExtension
    static final BackendContexts contexts = new BackendContexts();  // closed after the class's tests

    /** Rounds to {@code bits} significant bits: TF32 11 with ties away from zero, BF16 8 with ties to even. */
    static float round(float v, Precision p) {
        if (p == Precision.FP32 || v == 0f || !Float.isFinite(v)) {
            return v;
        }
        int bits = p == Precision.TF32 ? 11 : 8;
        int e = Math.getExponent(v) + 1;  // v = m * 2^e with |m| in [0.5, 1)
        double scaled = Math.scalb((double) v, bits - e);
        double r = p == Precision.TF32 ? Math.signum(scaled) * Math.floor(Math.abs(scaled) + 0.5) : Math.rint(scaled);
        return (float) Math.scalb(r, e - bits);
    }

    static float[] rounded(float[] a, Precision p) {
        float[] r = a.clone();
        for (int i = 0; i < r.length; i++) {
            r[i] = round(r[i], p);
        }
        return r;
    }

    /** y[r][j] = sum_i x[r][i] w[j][i] over W[:cout, :cin] of a [coutMax][cinMax] weight, in double. */
    static float[] naiveConv1x1(float[] x, float[] w, int rows, int cin, int cout, int cinMax) {
        float[] y = new float[rows * cout];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cout; j++) {
                double s = 0;
                for (int i = 0; i < cin; i++) {
                    s += (double) x[r * cin + i] * w[j * cinMax + i];
                }
                y[r * cout + j] = (float) s;
            }
        }
        return y;
    }

    /** The [cols][rows] transpose of a [rows][cols] matrix. */
    static float[] transposed(float[] a, int rows, int cols) {
        float[] t = new float[rows * cols];
        for (int j = 0; j < rows; j++) {
            for (int i = 0; i < cols; i++) {
                t[i * rows + j] = a[j * cols + i];
            }
        }
        return t;
    }

    static Stream<Arguments> tensorCoreCases() {
        return Stream.of(Precision.TF32, Precision.BF16).flatMap(p -> Stream.of(
                Arguments.of(p, 3, 7, 9, 37, 29, 40, 48),    // tails in every dimension, W[:29, :37] of 48 x 40
                Arguments.of(p, 2, 14, 14, 96, 24, 96, 40))); // an expand-size problem
    }

    @ParameterizedTest(name = "cuda {0} conv1x1 n{1} {2}x{3} cin{4} cout{5} of {6}x{7}")
    @MethodSource("tensorCoreCases")
    void cudaTensorCores_matchTheRoundedProduct(Precision p, int n, int h, int w, int cin, int cout, int cinMax,
                                                int coutMax) {
        ComputeContext ctx = contexts.get(Backend.CUDA);
        SplittableRandom rnd = new SplittableRandom(p.ordinal() * 31L + cin);
        int rows = n * h * w;
        float[] x = Numerics.uniform(rnd, rows * cin);
        float[] wt = Numerics.uniform(rnd, coutMax * cinMax);
        float[] dy = Numerics.uniform(rnd, rows * cout);
        ctx.setPrecision(p);
        try (Tensor tx = Tensor.of(ctx, Layout.NHWC, x, n, h, w, cin);
             Tensor tw = Tensor.of(ctx, Layout.MATRIX, wt, coutMax, cinMax);
             Tensor ty = Tensor.zeros(ctx, Layout.NHWC, n, h, w, cout);
             Tensor tdy = Tensor.of(ctx, Layout.NHWC, dy, n, h, w, cout);
             Tensor tdx = Tensor.zeros(ctx, Layout.NHWC, n, h, w, cin);
             Tensor tdw = Tensor.zeros(ctx, Layout.MATRIX, coutMax, cinMax)) {
            SliceGemm.conv1x1Forward(ctx, tx, tw, cin, cout, ty);
            SliceGemm.conv1x1Backward(ctx, tx, tw, tdy, cin, cout, tdx, tdw);
            float[] xr = rounded(x, p);
            float[] wr = rounded(wt, p);
            double tol = 2e-5 * Math.sqrt(cin);
            Numerics.assertClose(p + " y", naiveConv1x1(xr, wr, rows, cin, cout, cinMax), ty.toArray(), tol, 1e-4);
            // dx = dy W[:cout, :cin]: the same naive product with W transposed
            float[] wT = transposed(wr, coutMax, cinMax);
            Numerics.assertClose(p + " dx", naiveConv1x1(rounded(dy, p), wT, rows, cout, cin, coutMax), tdx.toArray(),
                    2e-5 * Math.sqrt(cout), 1e-4);
            float[] dw = tdw.toArray();
            float[] dyr = rounded(dy, p);
            for (int j = 0; j < cout; j++) {
                for (int i = 0; i < cin; i++) {
                    double s = 0;
                    for (int r = 0; r < rows; r++) {
                        s += (double) dyr[r * cout + j] * xr[r * cin + i];
                    }
                    assertEquals(s, dw[j * cinMax + i], 2e-5 * Math.sqrt(rows) + 1e-4 * Math.abs(s),
                            p + " dW[" + j + "][" + i + "]");
                }
            }
            for (int j = cout; j < coutMax; j++) {
                assertEquals(0f, dw[j * cinMax], "dW outside the slice stays untouched");
            }
        } finally {
            ctx.setPrecision(Precision.FP32);
        }
    }

    @ParameterizedTest(name = "cuda cuBLAS {0} conv1x1 forward and backward")
    @org.junit.jupiter.params.provider.EnumSource(Precision.class)
    void cudaCublas_matchesTheProduct(Precision p) {
        ComputeContext ctx = contexts.get(Backend.CUDA);
        try {
            ctx.setGemmLibrary(org.compofa.runtime.GemmLibrary.CUBLAS);
        } catch (org.compofa.bindings.NotSupportedException e) {
            org.junit.jupiter.api.Assumptions.abort("SKIPPED: " + e.getMessage());
        }
        // cuBLAS may round the operands its own way: fp32 products, with the format's unit roundoff as tolerance.
        double unit = p == Precision.FP32 ? 1e-6 : p == Precision.TF32 ? 1e-3 : 8e-3;
        int n = 2, h = 9, w = 7, cin = 37, cout = 29, cinMax = 40, coutMax = 48, rows = n * h * w;
        SplittableRandom rnd = new SplittableRandom(p.ordinal() + 77L);
        float[] x = Numerics.uniform(rnd, rows * cin);
        float[] wt = Numerics.uniform(rnd, coutMax * cinMax);
        float[] dy = Numerics.uniform(rnd, rows * cout);
        ctx.setPrecision(p);
        try (Tensor tx = Tensor.of(ctx, Layout.NHWC, x, n, h, w, cin);
             Tensor tw = Tensor.of(ctx, Layout.MATRIX, wt, coutMax, cinMax);
             Tensor ty = Tensor.zeros(ctx, Layout.NHWC, n, h, w, cout);
             Tensor tdy = Tensor.of(ctx, Layout.NHWC, dy, n, h, w, cout);
             Tensor tdx = Tensor.zeros(ctx, Layout.NHWC, n, h, w, cin)) {
            SliceGemm.conv1x1Forward(ctx, tx, tw, cin, cout, ty);
            SliceGemm.conv1x1Backward(ctx, tx, tw, tdy, cin, cout, tdx, null);
            Numerics.assertClose("cuBLAS " + p + " y", naiveConv1x1(x, wt, rows, cin, cout, cinMax), ty.toArray(),
                    4 * unit * Math.sqrt(cin), 4 * unit);
            float[] wT = transposed(wt, coutMax, cinMax);
            Numerics.assertClose("cuBLAS " + p + " dx", naiveConv1x1(dy, wT, rows, cout, cin, coutMax), tdx.toArray(),
                    4 * unit * Math.sqrt(cout), 4 * unit);
        } finally {
            ctx.setPrecision(Precision.FP32);
            ctx.setGemmLibrary(org.compofa.runtime.GemmLibrary.OURS);
        }
    }

    @Test
    void hostBackends_acceptEverySetting_andComputeFp32() {
        for (Backend b : new Backend[] {Backend.REFERENCE, Backend.CPU}) {
            ComputeContext ctx = contexts.get(b);
            SplittableRandom rnd = new SplittableRandom(7);
            float[] x = Numerics.uniform(rnd, 5 * 3 * 19);
            float[] wt = Numerics.uniform(rnd, 23 * 21);
            float[][] out = new float[3][];
            for (Precision p : Precision.values()) {
                ctx.setPrecision(p);
                assertEquals(p, ctx.precision());
                try (Tensor tx = Tensor.of(ctx, Layout.NHWC, x, 1, 5, 3, 19);
                     Tensor tw = Tensor.of(ctx, Layout.MATRIX, wt, 23, 21);
                     Tensor ty = Tensor.zeros(ctx, Layout.NHWC, 1, 5, 3, 17)) {
                    SliceGemm.conv1x1Forward(ctx, tx, tw, 19, 17, ty);
                    out[p.ordinal()] = ty.toArray();
                }
            }
            ctx.setPrecision(Precision.FP32);
            assertArrayEquals(out[0], out[1], b + ": tf32 setting changed a host result");
            assertArrayEquals(out[0], out[2], b + ": bf16 setting changed a host result");
        }
    }

    @Test
    void rounding_matchesTheFormats() {
        // 1 + 2^-11 is a TF32 tie: away from zero; 1 + 2^-8 is a BF16 tie: to even (1.0)
        assertEquals(1f + 0x1p-10f, round(1f + 0x1p-11f, Precision.TF32));
        assertEquals(1f, round(1f + 0x1p-8f, Precision.BF16));
        assertEquals(1f + 0x1p-6f, round(1f + 0x1p-7f + 0x1p-8f, Precision.BF16));
        assertEquals(-3f, round(-3f, Precision.BF16));
        assertThrows(IllegalArgumentException.class, () -> Precision.parse("fp16"));
        assertTrue(Precision.parse(" TF32 ") == Precision.TF32);
    }
}
