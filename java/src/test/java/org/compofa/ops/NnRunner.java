package org.compofa.ops;

import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;

/**
 * Runs each network op through the Java API on any context, from host arrays to host arrays, so the
 * tests can compare backends and check values. Overwritten outputs start as NaN, so an op that fails
 * to write an element is caught; accumulated outputs start from the given arrays.
 */
final class NnRunner {
    private NnRunner() {}

    /** NHWC for a 4-D shape, MATRIX for 2-D, VECTOR for 1-D. */
    static Layout layoutOf(int[] shape) {
        return switch (shape.length) {
            case 4 -> Layout.NHWC;
            case 2 -> Layout.MATRIX;
            default -> Layout.VECTOR;
        };
    }

    static Tensor of(ComputeContext ctx, float[] data, int... shape) {
        return Tensor.of(ctx, layoutOf(shape), data, shape);
    }

    static Tensor nan(ComputeContext ctx, int... shape) {
        Tensor t = Tensor.zeros(ctx, layoutOf(shape), shape);
        t.fill(Float.NaN);
        return t;
    }

    static Tensor vec(ComputeContext ctx, float[] data) {
        return data == null ? null : Tensor.of(ctx, Layout.VECTOR, data, data.length);
    }

    static float[] toArray(Tensor t) {
        return t == null ? null : t.toArray();
    }

    // ---- im2col -----------------------------------------------------------------------------

    static float[] im2col(ComputeContext ctx, ConvShape s, float[] x) {
        try (Tensor tx = of(ctx, x, s.inputShape()); Tensor col = nan(ctx, s.colShape())) {
            Im2Col.im2col(ctx, s, tx, col);
            return col.toArray();
        }
    }

    static float[] col2imAdd(ComputeContext ctx, ConvShape s, float[] dcol, float[] dx0) {
        try (Tensor tc = of(ctx, dcol, s.colShape()); Tensor dx = of(ctx, dx0, s.inputShape())) {
            Im2Col.col2imAdd(ctx, s, tc, dx);
            return dx.toArray();
        }
    }

    // ---- batch norm -------------------------------------------------------------------------

    record Bn(float[] y, float[] mean, float[] var, float[] runningMean, float[] runningVar) {}

    /** Training forward; gamma/beta/running stats are supernet vectors (cMax >= c); rm, rv may be null. */
    static Bn bnTrain(ComputeContext ctx, BatchNorm.Params p, int[] xShape, float[] x, float[] gamma, float[] beta,
                      float[] rm, float[] rv) {
        int cMax = gamma.length;
        try (Tensor tx = of(ctx, x, xShape); Tensor g = vec(ctx, gamma); Tensor b = vec(ctx, beta);
             Tensor m = vec(ctx, rm); Tensor v = vec(ctx, rv); Tensor y = nan(ctx, xShape);
             Tensor bm = Tensor.zeros(ctx, Layout.VECTOR, cMax); Tensor bv = Tensor.zeros(ctx, Layout.VECTOR, cMax)) {
            BatchNorm.forwardTrain(ctx, p, tx, g, b, m, v, y, bm, bv);
            return new Bn(y.toArray(), bm.toArray(), bv.toArray(), toArray(m), toArray(v));
        }
    }

    static float[] bnEval(ComputeContext ctx, BatchNorm.Params p, int[] xShape, float[] x, float[] gamma,
                          float[] beta, float[] rm, float[] rv) {
        try (Tensor tx = of(ctx, x, xShape); Tensor g = vec(ctx, gamma); Tensor b = vec(ctx, beta);
             Tensor m = vec(ctx, rm); Tensor v = vec(ctx, rv); Tensor y = nan(ctx, xShape)) {
            BatchNorm.forwardEval(ctx, p, tx, g, b, m, v, y);
            return y.toArray();
        }
    }

    record BnGrads(float[] dx, float[] dgamma, float[] dbeta) {}

    /** Backward; dx starts as NaN, dgamma/dbeta from dgamma0/dbeta0 (accumulated). */
    static BnGrads bnBackward(ComputeContext ctx, BatchNorm.Params p, int[] xShape, float[] x, float[] dy,
                              float[] gamma, float[] mean, float[] var, float[] dgamma0, float[] dbeta0) {
        try (Tensor tx = of(ctx, x, xShape); Tensor tdy = of(ctx, dy, xShape); Tensor g = vec(ctx, gamma);
             Tensor bm = vec(ctx, mean); Tensor bv = vec(ctx, var); Tensor dx = nan(ctx, xShape);
             Tensor dg = vec(ctx, dgamma0); Tensor db = vec(ctx, dbeta0)) {
            BatchNorm.backward(ctx, p, tx, tdy, g, bm, bv, dx, dg, db);
            return new BnGrads(dx.toArray(), dg.toArray(), db.toArray());
        }
    }

    /** The fused training forward y = act(bn(x)); as {@link #bnTrain}. */
    static Bn bnActTrain(ComputeContext ctx, BatchNorm.Params p, Activation act, int[] xShape, float[] x,
                         float[] gamma, float[] beta, float[] rm, float[] rv) {
        int cMax = gamma.length;
        try (Tensor tx = of(ctx, x, xShape); Tensor g = vec(ctx, gamma); Tensor b = vec(ctx, beta);
             Tensor m = vec(ctx, rm); Tensor v = vec(ctx, rv); Tensor y = nan(ctx, xShape);
             Tensor bm = Tensor.zeros(ctx, Layout.VECTOR, cMax); Tensor bv = Tensor.zeros(ctx, Layout.VECTOR, cMax)) {
            BatchNorm.forwardTrain(ctx, p, act, tx, g, b, m, v, y, bm, bv);
            return new Bn(y.toArray(), bm.toArray(), bv.toArray(), toArray(m), toArray(v));
        }
    }

    /** The fused backward; dy is the gradient of act(bn(x)); as {@link #bnBackward}. */
    static BnGrads bnActBackward(ComputeContext ctx, BatchNorm.Params p, Activation act, int[] xShape, float[] x,
                                 float[] dy, float[] gamma, float[] beta, float[] mean, float[] var,
                                 float[] dgamma0, float[] dbeta0) {
        try (Tensor tx = of(ctx, x, xShape); Tensor tdy = of(ctx, dy, xShape); Tensor g = vec(ctx, gamma);
             Tensor b = vec(ctx, beta); Tensor bm = vec(ctx, mean); Tensor bv = vec(ctx, var);
             Tensor dx = nan(ctx, xShape); Tensor dg = vec(ctx, dgamma0); Tensor db = vec(ctx, dbeta0)) {
            BatchNorm.backward(ctx, p, act, tx, tdy, g, b, bm, bv, dx, dg, db);
            return new BnGrads(dx.toArray(), dg.toArray(), db.toArray());
        }
    }

    // ---- element-wise -----------------------------------------------------------------------

    static float[] activation(ComputeContext ctx, Activation a, float[] x) {
        try (Tensor tx = of(ctx, x, x.length); Tensor y = nan(ctx, x.length)) {
            a.forward(ctx, tx, y);
            return y.toArray();
        }
    }

    static float[] activationBackward(ComputeContext ctx, Activation a, float[] x, float[] dy) {
        try (Tensor tx = of(ctx, x, x.length); Tensor tdy = of(ctx, dy, x.length); Tensor dx = nan(ctx, x.length)) {
            a.backward(ctx, tx, tdy, dx);
            return dx.toArray();
        }
    }

    static float[] axpby(ComputeContext ctx, float alpha, float[] x, float beta, float[] y0) {
        try (Tensor tx = of(ctx, x, x.length); Tensor y = of(ctx, y0, x.length)) {
            Elementwise.axpby(ctx, alpha, tx, beta, y);
            return y.toArray();
        }
    }

    static float[] dropout(ComputeContext ctx, float p, long seed, float[] x, boolean backward) {
        try (Tensor tx = of(ctx, x, x.length); Tensor y = nan(ctx, x.length)) {
            if (backward) {
                Dropout.backward(ctx, p, seed, tx, y);
            } else {
                Dropout.forward(ctx, p, seed, tx, y);
            }
            return y.toArray();
        }
    }

    record SgdState(float[] param, float[] buf) {}

    /** Runs one step per gradient, in order, from param0 and a zero momentum buffer. */
    static SgdState sgd(ComputeContext ctx, Sgd.Params p, float[] param0, float[]... grads) {
        int n = param0.length;
        try (Tensor param = of(ctx, param0, n); Tensor grad = Tensor.zeros(ctx, Layout.VECTOR, n);
             Tensor buf = Tensor.zeros(ctx, Layout.VECTOR, n)) {
            for (float[] g : grads) {
                grad.copyFrom(g);
                Sgd.step(ctx, p, param, grad, buf);
            }
            return new SgdState(param.toArray(), buf.toArray());
        }
    }

    // ---- per-channel ops --------------------------------------------------------------------

    static float[] biasAdd(ComputeContext ctx, int rows, int c, float[] y0, float[] bias) {
        try (Tensor y = of(ctx, y0, rows, c); Tensor b = vec(ctx, bias)) {
            ChannelOps.biasAdd(ctx, y, b);
            return y.toArray();
        }
    }

    static float[] biasBackward(ComputeContext ctx, int rows, int c, float[] dy, float[] dbias0) {
        try (Tensor tdy = of(ctx, dy, rows, c); Tensor db = vec(ctx, dbias0)) {
            ChannelOps.biasBackward(ctx, tdy, db);
            return db.toArray();
        }
    }

    static float[] gap(ComputeContext ctx, int[] nhwc, float[] x) {
        try (Tensor tx = of(ctx, x, nhwc); Tensor y = nan(ctx, nhwc[0], nhwc[3])) {
            ChannelOps.globalAvgPool(ctx, tx, y);
            return y.toArray();
        }
    }

    static float[] gapBackward(ComputeContext ctx, int[] nhwc, float[] dy) {
        try (Tensor tdy = of(ctx, dy, nhwc[0], nhwc[3]); Tensor dx = nan(ctx, nhwc)) {
            ChannelOps.globalAvgPoolBackward(ctx, tdy, dx);
            return dx.toArray();
        }
    }

    static float[] channelScale(ComputeContext ctx, int[] nhwc, float[] x, float[] s) {
        try (Tensor tx = of(ctx, x, nhwc); Tensor ts = of(ctx, s, nhwc[0], nhwc[3]); Tensor y = nan(ctx, nhwc)) {
            ChannelOps.channelScale(ctx, tx, ts, y);
            return y.toArray();
        }
    }

    record ScaleGrads(float[] dx, float[] ds) {}

    static ScaleGrads channelScaleBackward(ComputeContext ctx, int[] nhwc, float[] x, float[] s, float[] dy) {
        try (Tensor tx = of(ctx, x, nhwc); Tensor ts = of(ctx, s, nhwc[0], nhwc[3]); Tensor tdy = of(ctx, dy, nhwc);
             Tensor dx = nan(ctx, nhwc); Tensor ds = nan(ctx, nhwc[0], nhwc[3])) {
            ChannelOps.channelScaleBackward(ctx, tx, ts, tdy, dx, ds);
            return new ScaleGrads(dx.toArray(), ds.toArray());
        }
    }

    // ---- losses, resize ---------------------------------------------------------------------

    record Loss(float[] loss, float[] grad) {}

    static Loss softmaxCe(ComputeContext ctx, int n, int classes, float[] logits, int[] labels, float smoothing,
                          float gradScale) {
        try (Tensor tl = of(ctx, logits, n, classes); Tensor lab = Tensor.labels(ctx, labels);
             Tensor loss = nan(ctx, n); Tensor dl = nan(ctx, n, classes)) {
            CrossEntropy.softmax(ctx, tl, lab, smoothing, gradScale, loss, dl);
            return new Loss(loss.toArray(), dl.toArray());
        }
    }

    static Loss softCe(ComputeContext ctx, int n, int classes, float[] student, float[] teacher, float gradScale) {
        try (Tensor ts = of(ctx, student, n, classes); Tensor tt = of(ctx, teacher, n, classes);
             Tensor loss = nan(ctx, n); Tensor ds = nan(ctx, n, classes)) {
            CrossEntropy.soft(ctx, ts, tt, gradScale, loss, ds);
            return new Loss(loss.toArray(), ds.toArray());
        }
    }

    static float[] resize(ComputeContext ctx, int[] nhwc, float[] x, int ho, int wo) {
        try (Tensor tx = of(ctx, x, nhwc); Tensor y = nan(ctx, nhwc[0], ho, wo, nhwc[3])) {
            Resize.bilinear(ctx, tx, y);
            return y.toArray();
        }
    }
}
