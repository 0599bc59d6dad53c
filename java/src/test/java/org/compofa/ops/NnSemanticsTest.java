package org.compofa.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;

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
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The network ops against independent plain-Java implementations of their documented semantics
 * (PyTorch's), on every backend: batch norm training forward with the running-stat update (unbiased
 * running variance) and eval, softmax cross-entropy with label smoothing and soft cross-entropy,
 * bilinear resize with align_corners=False, three SGD steps with Nesterov momentum and weight decay,
 * and the dropout mask against {@code compofa_dropout_keep} and a Java SplitMix64.
 */
@Tag("cuda") // also runs CUDA cases (SKIPPED without a device)
class NnSemanticsTest {
    @RegisterExtension
    static final BackendContexts contexts = new BackendContexts();  // closed after the class's tests

    private static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }

    // ---- batch norm -------------------------------------------------------------------------

    @ParameterizedTest(name = "batchnorm train running stats eval vs PyTorch formulas {0}")
    @EnumSource(Backend.class)
    void batchNorm_matchesPyTorchFormulas(Backend backend) {
        ComputeContext ctx = contexts.get(backend);
        for (int[] shape : new int[][] {{3, 5, 7, 6}, {1, 2, 2, 6}}) {  // rows 105 and 4: unbiased factor 1.01 / 1.33
            int c = 6;
            int cMax = 9;
            int rows = shape[0] * shape[1] * shape[2];
            SplittableRandom rnd = new SplittableRandom(rows);
            float[] x = Numerics.uniform(rnd, rows * c);
            for (int i = 0; i < x.length; i++) {
                x[i] = 2f * x[i] + (i % c);
            }
            float[] gamma = Numerics.uniform(rnd, cMax);
            float[] beta = Numerics.uniform(rnd, cMax);
            float[] rm = Numerics.uniform(rnd, cMax);
            float[] rv = new float[cMax];
            Arrays.fill(rv, 1.5f);
            BatchNorm.Params p = new BatchNorm.Params(0.1f, 1e-3f);

            double[] mean = new double[cMax];
            double[] var = new double[cMax];
            double[] y = new double[x.length];
            double[] runMean = new double[cMax];
            double[] runVar = new double[cMax];
            for (int j = 0; j < cMax; j++) {
                runMean[j] = rm[j];
                runVar[j] = rv[j];
            }
            for (int j = 0; j < c; j++) {
                for (int r = 0; r < rows; r++) {
                    mean[j] += x[r * c + j] / (double) rows;
                }
                for (int r = 0; r < rows; r++) {
                    double d = x[r * c + j] - mean[j];
                    var[j] += d * d / rows;  // biased, as used for normalising
                }
                for (int r = 0; r < rows; r++) {
                    y[r * c + j] = gamma[j] * (x[r * c + j] - mean[j]) / Math.sqrt(var[j] + 1e-3) + beta[j];
                }
                runMean[j] = 0.9 * rm[j] + 0.1 * mean[j];
                runVar[j] = 0.9 * rv[j] + 0.1 * var[j] * rows / (rows - 1.0);  // unbiased running variance
            }
            String id = backend + " rows " + rows;
            NnRunner.Bn got = NnRunner.bnTrain(ctx, p, shape, x, gamma, beta, rm, rv);
            Numerics.assertClose(id + " y", toFloat(y), got.y(), 1e-4, 1e-4);
            Numerics.assertClose(id + " batch_mean (entries >= c untouched)", toFloat(mean), got.mean(), 1e-5, 1e-5);
            Numerics.assertClose(id + " batch_var (biased)", toFloat(var), got.var(), 1e-5, 1e-5);
            Numerics.assertClose(id + " running_mean", toFloat(runMean), got.runningMean(), 1e-5, 1e-5);
            Numerics.assertClose(id + " running_var (unbiased)", toFloat(runVar), got.runningVar(), 1e-5, 1e-5);

            NnRunner.Bn frozen = NnRunner.bnTrain(ctx, new BatchNorm.Params(0f, 1e-3f), shape, x, gamma, beta, rm, rv);
            assertArrayEquals(rm, frozen.runningMean(), id + " momentum 0 leaves running_mean unchanged");
            assertArrayEquals(rv, frozen.runningVar(), id + " momentum 0 leaves running_var unchanged");
            Numerics.assertClose(id + " momentum 0 still gives batch_var", toFloat(var), frozen.var(), 1e-5, 1e-5);

            double[] ye = new double[x.length];
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < c; j++) {
                    ye[r * c + j] = gamma[j] * (x[r * c + j] - rm[j]) / Math.sqrt(rv[j] + 1e-3) + beta[j];
                }
            }
            Numerics.assertClose(id + " eval y", toFloat(ye), NnRunner.bnEval(ctx, p, shape, x, gamma, beta, rm, rv),
                    1e-5, 1e-5);
        }
    }

    // ---- losses -----------------------------------------------------------------------------

    private static double[] logSoftmax(float[] logits, int b, int classes) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < classes; j++) {
            max = Math.max(max, logits[b * classes + j]);
        }
        double sum = 0;
        for (int j = 0; j < classes; j++) {
            sum += Math.exp(logits[b * classes + j] - max);
        }
        double[] out = new double[classes];
        for (int j = 0; j < classes; j++) {
            out[j] = logits[b * classes + j] - max - Math.log(sum);
        }
        return out;
    }

    @ParameterizedTest(name = "softmax_ce smoothing soft_ce vs plain Java {0}")
    @EnumSource(Backend.class)
    void crossEntropy_matchesPlainJava(Backend backend) {
        ComputeContext ctx = contexts.get(backend);
        int n = 5;
        int classes = 10;
        float smoothing = 0.1f;
        float scale = 0.25f;
        SplittableRandom rnd = new SplittableRandom(5);
        float[] logits = Numerics.uniform(rnd, n * classes);
        float[] teacher = Numerics.uniform(rnd, n * classes);
        for (int i = 0; i < logits.length; i++) {
            logits[i] *= 4f;
            teacher[i] *= 4f;
        }
        int[] labels = {3, 0, 9, 3, 7};
        double[] loss = new double[n];
        double[] grad = new double[n * classes];
        double[] soft = new double[n];
        double[] softGrad = new double[n * classes];
        for (int b = 0; b < n; b++) {
            double[] ls = logSoftmax(logits, b, classes);
            double[] lt = logSoftmax(teacher, b, classes);
            for (int j = 0; j < classes; j++) {
                double target = (j == labels[b] ? 1 - smoothing : 0) + smoothing / classes;
                loss[b] -= target * ls[j];
                grad[b * classes + j] = scale * (Math.exp(ls[j]) - target);
                soft[b] -= Math.exp(lt[j]) * ls[j];
                softGrad[b * classes + j] = scale * (Math.exp(ls[j]) - Math.exp(lt[j]));
            }
        }
        NnRunner.Loss ce = NnRunner.softmaxCe(ctx, n, classes, logits, labels, smoothing, scale);
        Numerics.assertClose(backend + " ce loss", toFloat(loss), ce.loss(), 1e-5, 1e-5);
        Numerics.assertClose(backend + " ce dlogits", toFloat(grad), ce.grad(), 1e-6, 1e-5);
        NnRunner.Loss sce = NnRunner.softCe(ctx, n, classes, logits, teacher, scale);
        Numerics.assertClose(backend + " soft ce loss", toFloat(soft), sce.loss(), 1e-5, 1e-5);
        Numerics.assertClose(backend + " soft ce dstudent", toFloat(softGrad), sce.grad(), 1e-6, 1e-5);

        // all-zero logits: loss = log(classes) whatever the label and smoothing
        float[] expected = new float[n];
        Arrays.fill(expected, (float) Math.log(classes));
        Numerics.assertClose(backend + " zero logits", expected,
                NnRunner.softmaxCe(ctx, n, classes, new float[n * classes], labels, 0.3f, 1f).loss(), 1e-6, 1e-6);
        // shifted by 1000: same loss and gradient, no overflow
        float[] shifted = logits.clone();
        for (int i = 0; i < shifted.length; i++) {
            shifted[i] += 1000f;
        }
        NnRunner.Loss far = NnRunner.softmaxCe(ctx, n, classes, shifted, labels, smoothing, scale);
        Numerics.assertClose(backend + " logits + 1000 loss", toFloat(loss), far.loss(), 2e-4, 1e-4);
        Numerics.assertClose(backend + " logits + 1000 dlogits", toFloat(grad), far.grad(), 2e-5, 1e-4);
    }

    // ---- resize -----------------------------------------------------------------------------

    /** PyTorch's upsample_bilinear2d, align_corners=False, no antialias, in double. */
    private static float[] bilinear(float[] x, int n, int h, int w, int c, int ho, int wo) {
        float[] y = new float[n * ho * wo * c];
        double sh = (double) h / ho;
        double sw = (double) w / wo;
        for (int b = 0; b < n; b++) {
            for (int oh = 0; oh < ho; oh++) {
                double fh = Math.max(0, (oh + 0.5) * sh - 0.5);
                int h0 = (int) fh;
                int h1 = Math.min(h0 + 1, h - 1);
                double lh = fh - h0;
                for (int ow = 0; ow < wo; ow++) {
                    double fw = Math.max(0, (ow + 0.5) * sw - 0.5);
                    int w0 = (int) fw;
                    int w1 = Math.min(w0 + 1, w - 1);
                    double lw = fw - w0;
                    for (int j = 0; j < c; j++) {
                        double v = (1 - lh) * ((1 - lw) * x[((b * h + h0) * w + w0) * c + j] + lw * x[((b * h + h0) * w + w1) * c + j])
                                + lh * ((1 - lw) * x[((b * h + h1) * w + w0) * c + j] + lw * x[((b * h + h1) * w + w1) * c + j]);
                        y[((b * ho + oh) * wo + ow) * c + j] = (float) v;
                    }
                }
            }
        }
        return y;
    }

    @ParameterizedTest(name = "resize_bilinear align_corners=False vs plain Java {0}")
    @EnumSource(Backend.class)
    void resizeBilinear_matchesPyTorchFormula(Backend backend) {
        ComputeContext ctx = contexts.get(backend);
        // torch.nn.functional.interpolate([0, 1], size=4, mode='linear', align_corners=False) = [0, .25, .75, 1]
        assertArrayEquals(new float[] {0f, 0.25f, 0.75f, 1f},
                NnRunner.resize(ctx, new int[] {1, 1, 2, 1}, new float[] {0f, 1f}, 1, 4), 1e-7f, backend + " 1-D");
        float[] x = Numerics.uniform(new SplittableRandom(3), 2 * 5 * 7 * 3);
        int[] s = {2, 5, 7, 3};
        for (int[] out : new int[][] {{3, 4}, {9, 11}, {5, 7}, {1, 1}}) {
            Numerics.assertClose(backend + " 5x7 -> " + out[0] + "x" + out[1], bilinear(x, 2, 5, 7, 3, out[0], out[1]),
                    NnRunner.resize(ctx, s, x, out[0], out[1]), 1e-6, 1e-5);
        }
        assertArrayEquals(x, NnRunner.resize(ctx, s, x, 5, 7), backend + " same size is the identity");
    }

    // ---- SGD --------------------------------------------------------------------------------

    @ParameterizedTest(name = "sgd nesterov and plain momentum, 3 steps vs PyTorch formula {0}")
    @EnumSource(Backend.class)
    void sgd_threeSteps_matchPyTorchFormula(Backend backend) {
        ComputeContext ctx = contexts.get(backend);
        SplittableRandom rnd = new SplittableRandom(17);
        int len = 101;
        float[] param0 = Numerics.uniform(rnd, len);
        float[][] grads = {Numerics.uniform(rnd, len), Numerics.uniform(rnd, len), Numerics.uniform(rnd, len)};
        float lr = 0.1f;
        float momentum = 0.9f;
        float wd = 0.01f;
        for (boolean nesterov : new boolean[] {true, false}) {
            // torch.optim.SGD.step, dampening 0, written out in float
            float[] param = param0.clone();
            float[] buf = null;
            for (float[] grad : grads) {
                float[] d = new float[len];
                for (int i = 0; i < len; i++) {
                    d[i] = grad[i] + wd * param[i];
                }
                if (buf == null) {
                    buf = d.clone();  // first step: buf = d_p
                } else {
                    for (int i = 0; i < len; i++) {
                        buf[i] = momentum * buf[i] + d[i];
                    }
                }
                for (int i = 0; i < len; i++) {
                    float step = nesterov ? d[i] + momentum * buf[i] : buf[i];
                    param[i] -= lr * step;
                }
            }
            NnRunner.SgdState got = NnRunner.sgd(ctx, new Sgd.Params(lr, momentum, wd, nesterov), param0, grads);
            Numerics.assertClose(backend + " nesterov=" + nesterov + " param", param, got.param(), 1e-6, 1e-5);
            Numerics.assertClose(backend + " nesterov=" + nesterov + " buf", buf, got.buf(), 1e-6, 1e-5);
        }
        // momentum 0 needs no buffer: param -= lr (grad + wd param)
        try (Tensor p = Tensor.of(ctx, Layout.VECTOR, param0, len); Tensor g = Tensor.of(ctx, Layout.VECTOR, grads[0], len)) {
            Sgd.step(ctx, new Sgd.Params(lr, 0f, wd, false), p, g, null);
            float[] expected = new float[len];
            for (int i = 0; i < len; i++) {
                expected[i] = param0[i] - lr * (grads[0][i] + wd * param0[i]);
            }
            Numerics.assertClose(backend + " momentum 0", expected, p.toArray(), 1e-6, 1e-5);
        }
    }

    // ---- aliasing and accumulation, as compofa.h documents them ------------------------------

    @ParameterizedTest(name = "in place, beta 0 over NaN, += accumulation and untouched tails {0}")
    @EnumSource(Backend.class)
    void aliasingAndAccumulation_asDocumented(Backend backend) {
        ComputeContext ctx = contexts.get(backend);
        SplittableRandom rnd = new SplittableRandom(31);
        int len = 3 * 13 * 13 * 37;
        float[] x = Numerics.uniform(rnd, len);
        for (int i = 0; i < len; i++) {
            x[i] *= 5f;
        }
        float[] dy = Numerics.uniform(rnd, len);
        try (Tensor t = Tensor.of(ctx, Layout.VECTOR, x, len); Tensor g = Tensor.of(ctx, Layout.VECTOR, dy, len)) {
            Activation.HSWISH.backward(ctx, t, g, g);  // dx == dy
            assertArrayEquals(NnRunner.activationBackward(ctx, Activation.HSWISH, x, dy), g.toArray(),
                    backend + " activation backward in place");
            Activation.HSWISH.forward(ctx, t, t);      // y == x
            assertArrayEquals(NnRunner.activation(ctx, Activation.HSWISH, x), t.toArray(), backend + " activation in place");
            t.copyFrom(x);
            Dropout.forward(ctx, 0.25f, 5, t, t);
            assertArrayEquals(NnRunner.dropout(ctx, 0.25f, 5, x, false), t.toArray(), backend + " dropout in place");
            g.fill(Float.NaN);
            t.copyFrom(x);
            Elementwise.axpby(ctx, 2f, t, 0f, g);
            float[] twice = x.clone();
            for (int i = 0; i < len; i++) {
                twice[i] *= 2f;
            }
            assertArrayEquals(twice, g.toArray(), backend + " axpby beta 0 overwrites NaN");
        }

        ConvShape s = new ConvShape(2, 9, 7, 3, 3, 2, 1);
        float[] dcol = Numerics.uniform(rnd, s.colShape()[0] * s.colShape()[1]);
        float[] dx0 = Numerics.uniform(rnd, 2 * 9 * 7 * 3);
        float[] fresh = NnRunner.col2imAdd(ctx, s, dcol, new float[dx0.length]);
        float[] added = NnRunner.col2imAdd(ctx, s, dcol, dx0);
        for (int i = 0; i < dx0.length; i++) {
            assertEquals(dx0[i] + fresh[i], added[i], 1e-5f, backend + " col2im_add accumulates, element " + i);
        }

        int[] shape = {2, 5, 5, 6};
        int cMax = 9;
        float[] bx = Numerics.uniform(rnd, 300);
        float[] bdy = Numerics.uniform(rnd, 300);
        float[] gamma = Numerics.uniform(rnd, cMax);
        float[] dg0 = Numerics.uniform(rnd, cMax);
        float[] db0 = Numerics.uniform(rnd, cMax);
        BatchNorm.Params p = BatchNorm.Params.PYTORCH;
        NnRunner.Bn f = NnRunner.bnTrain(ctx, p, shape, bx, gamma, gamma, null, null);
        NnRunner.BnGrads zero = NnRunner.bnBackward(ctx, p, shape, bx, bdy, gamma, f.mean(), f.var(), new float[cMax],
                new float[cMax]);
        NnRunner.BnGrads acc = NnRunner.bnBackward(ctx, p, shape, bx, bdy, gamma, f.mean(), f.var(), dg0, db0);
        float[] dbias = NnRunner.biasBackward(ctx, 50, 6, bdy, dg0);
        float[] dbiasZero = NnRunner.biasBackward(ctx, 50, 6, bdy, new float[cMax]);
        for (int j = 0; j < cMax; j++) {
            float zg = j < 6 ? zero.dgamma()[j] : 0f;
            float zb = j < 6 ? zero.dbeta()[j] : 0f;
            float zd = j < 6 ? dbiasZero[j] : 0f;
            assertEquals(dg0[j] + zg, acc.dgamma()[j], 1e-5f, backend + " dgamma += (entries >= c untouched), " + j);
            assertEquals(db0[j] + zb, acc.dbeta()[j], 1e-5f, backend + " dbeta += (entries >= c untouched), " + j);
            assertEquals(dg0[j] + zd, dbias[j], 1e-5f, backend + " dbias += (entries >= c untouched), " + j);
        }
    }

    // ---- dropout ----------------------------------------------------------------------------

    /** The mask bit as compofa.h specifies it, written independently in Java. */
    static boolean splitMixKeep(long seed, long index, float p) {
        long z = seed + (index + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (float) (z >>> 40) * (1.0f / 16777216.0f) >= p;
    }

    @Test
    void dropoutKeep_isTheSpecifiedSplitMix64() {
        SplittableRandom rnd = new SplittableRandom(23);
        for (int i = 0; i < 5000; i++) {
            long seed = rnd.nextLong();
            long index = i < 2500 ? i : rnd.nextLong() >>> 1;
            float p = (float) rnd.nextDouble();
            assertEquals(splitMixKeep(seed, index, p), Dropout.keep(seed, index, p),
                    "seed " + seed + " index " + index + " p " + p);
        }
        assertTrue(Dropout.keep(42, 7, 0f), "p 0 keeps everything");
    }

    @ParameterizedTest(name = "dropout mask = compofa_dropout_keep, keep rate ~ 1-p {0}")
    @EnumSource(Backend.class)
    void dropout_maskAndKeepRate(Backend backend) {
        ComputeContext ctx = contexts.get(backend);
        int len = 20011;
        float p = 0.3f;
        long seed = 0xC0FFEEL;
        float[] ones = new float[len];
        Arrays.fill(ones, 1f);
        float[] y = NnRunner.dropout(ctx, p, seed, ones, false);
        float[] dy = Numerics.uniform(new SplittableRandom(29), len);
        float[] dx = NnRunner.dropout(ctx, p, seed, dy, true);
        float scale = 1f / (1f - p);
        int kept = 0;
        for (int i = 0; i < len; i++) {
            boolean keep = Dropout.keep(seed, i, p);
            kept += keep ? 1 : 0;
            assertEquals(keep ? scale : 0f, y[i], 1e-6f, backend + " forward element " + i);
            assertEquals(keep ? dy[i] * scale : 0f, dx[i], 1e-6f, backend + " backward element " + i);
        }
        double rate = (double) kept / len;
        double sigma = Math.sqrt(p * (1 - p) / len);
        assertTrue(Math.abs(rate - (1 - p)) < 5 * sigma, backend + " keep rate " + rate + ", expected ~" + (1 - p));
        assertArrayEquals(dy, NnRunner.dropout(ctx, 0f, seed, dy, false), backend + " p 0 is the identity");
        assertNotEquals(Arrays.hashCode(y), Arrays.hashCode(NnRunner.dropout(ctx, p, seed + 1, ones, false)),
                backend + " another seed gives another mask");
    }
}
