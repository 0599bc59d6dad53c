package org.compofa.ops;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;
import org.compofa.testing.Numerics;

/**
 * Seeded host data of one depthwise problem (inputs, upstream gradient, existing gradients) and
 * runners that execute forward/backward on any context and return host arrays.
 */
final class DwProblem {
    final DepthwiseShape s;
    final float[] x;
    final float[] w;
    final float[] t75;
    final float[] t53;
    final float[] dy;
    final float[] dw0;   // existing supernet weight gradient (backward adds to it)
    final float[] dt750; // existing transform gradients
    final float[] dt530;

    DwProblem(DepthwiseShape s, long seed, boolean zeroGradients) {
        this.s = s;
        SplittableRandom rnd = new SplittableRandom(seed);
        x = Numerics.uniform(rnd, (int) s.inputLength());
        w = Numerics.uniform(rnd, (int) s.weightLength());
        t75 = Numerics.nearIdentity(rnd, 25, 0.1);
        t53 = Numerics.nearIdentity(rnd, 9, 0.1);
        dy = Numerics.uniform(rnd, (int) s.outputLength());
        dw0 = zeroGradients ? new float[w.length] : Numerics.uniform(rnd, w.length);
        dt750 = zeroGradients ? new float[625] : Numerics.uniform(rnd, 625);
        dt530 = zeroGradients ? new float[81] : Numerics.uniform(rnd, 81);
    }

    /** Gradients as host arrays. */
    record Grads(float[] dx, float[] dw, float[] dt75, float[] dt53) {}

    /** y on ctx; y starts as NaN so an op that fails to overwrite it is caught. */
    float[] forward(ComputeContext ctx) {
        return forward(ctx, x, w, t75, t53);
    }

    float[] forward(ComputeContext ctx, float[] xv, float[] wv, float[] m75, float[] m53) {
        try (Tensor tx = Tensor.of(ctx, Layout.NHWC, xv, s.inputShape());
             Tensor tw = Tensor.of(ctx, Layout.DW_WEIGHT, wv, s.weightShape());
             Tensor a = Tensor.of(ctx, Layout.MATRIX, m75, 25, 25);
             Tensor b = Tensor.of(ctx, Layout.MATRIX, m53, 9, 9);
             Tensor y = Tensor.zeros(ctx, Layout.NHWC, s.outputShape())) {
            y.fill(Float.NaN);
            ElasticDepthwiseConv.forward(ctx, s, tx, tw, a, b, y);
            return y.toArray();
        }
    }

    /** dx (starting as NaN), dw, dt75, dt53 (starting from the existing gradients) on ctx. */
    Grads backward(ComputeContext ctx) {
        try (Tensor tx = Tensor.of(ctx, Layout.NHWC, x, s.inputShape());
             Tensor tw = Tensor.of(ctx, Layout.DW_WEIGHT, w, s.weightShape());
             Tensor a = Tensor.of(ctx, Layout.MATRIX, t75, 25, 25);
             Tensor b = Tensor.of(ctx, Layout.MATRIX, t53, 9, 9);
             Tensor tdy = Tensor.of(ctx, Layout.NHWC, dy, s.outputShape());
             Tensor dx = Tensor.zeros(ctx, Layout.NHWC, s.inputShape());
             Tensor dw = Tensor.of(ctx, Layout.DW_WEIGHT, dw0, s.weightShape());
             Tensor da = Tensor.of(ctx, Layout.MATRIX, dt750, 25, 25);
             Tensor db = Tensor.of(ctx, Layout.MATRIX, dt530, 9, 9)) {
            dx.fill(Float.NaN);
            ElasticDepthwiseConv.backward(ctx, s, tx, tw, a, b, tdy, dx, dw, da, db);
            return new Grads(dx.toArray(), dw.toArray(), da.toArray(), db.toArray());
        }
    }

    /** L = sum(dy * y) in double. */
    double loss(float[] y) {
        double l = 0;
        for (int i = 0; i < y.length; i++) {
            l += (double) dy[i] * y[i];
        }
        return l;
    }

    /** Side of the centre block of the stored kernel that the subnet reads (and its gradient touches). */
    int touchedKernel() {
        return s.transform() == KernelTransform.OFA && s.k() < s.kMax() ? 5 : s.k();
    }

    /** Whether weight index i ([kMax][kMax][cMax]) lies in what the subnet reads. */
    boolean touched(int i) {
        int ch = i % s.cMax();
        int tap = i / s.cMax();
        int ky = tap / s.kMax();
        int kx = tap % s.kMax();
        int m = (s.kMax() - touchedKernel()) / 2;
        return ch < s.c() && ky >= m && ky < s.kMax() - m && kx >= m && kx < s.kMax() - m;
    }

    @Override
    public String toString() {
        return s.id() + " " + Arrays.toString(s.inputShape());
    }
}
