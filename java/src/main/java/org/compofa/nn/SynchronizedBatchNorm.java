package org.compofa.nn;

import org.compofa.ops.Activation;
import org.compofa.ops.BatchNorm;
import org.compofa.ops.Elementwise;
import org.compofa.runtime.Communicator;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;

/**
 * Synchronised batch norm, the option of data-parallel training where every rank normalises with the
 * statistics of the global batch (all ranks' shards together) instead of its own shard's, as
 * PyTorch's {@code SyncBatchNorm} does. Shards are equal in size (the trainer checks it), so the
 * global mean is the ranks' mean of means and the global biased variance is the ranks' mean of
 * {@code var_r + (mean_r - mean)^2} (Chan's combination: no E[x^2] - mean^2 cancellation).
 *
 * <p>The backward needs the global sums {@code sum(dy)} and {@code sum(dy * xhat)} per channel. The
 * native backward computes dx with this rank's sums; the difference to the global ones is affine in
 * xhat per channel, {@code gamma / (sqrt(var + eps) n) * ((sdy_r - Sdy/N) + xhat (sdyx_r - Sdyx/N))},
 * and is added through {@link BatchNorm#forwardEval} (which computes exactly {@code a xhat + b} with
 * the same mean, variance and eps) and one {@link Elementwise#axpby}. dx then carries the gradient
 * of the global-batch loss scaled by N, which the gradient average divides out; gamma's and beta's
 * gradients stay this rank's sums (averaged later with every other gradient). The price of doing this
 * with the existing kernels: the native dx and the correction can each be tens of times larger than
 * their sum, so dx carries a relative rounding of a few 1e-6 where one process has about 1e-7
 * (measured; a native backward taking the global sums would remove it).
 *
 * <p>Running statistics are updated here, not by the native op, so that the unbiased variance uses
 * the global count (N n / (N n - 1)), as {@code SyncBatchNorm} does.
 */
final class SynchronizedBatchNorm {
    private SynchronizedBatchNorm() {}

    /** Replaces this rank's batch mean and biased variance (of equal-sized shards) by the global batch's. */
    static void reduceStatistics(Communicator comm, Tensor mean, Tensor var) {
        float[] m = mean.toArray();
        float[] v = var.toArray();
        float[] globalMean = m.clone();
        comm.allReduce(globalMean, Communicator.Op.AVG);
        float[] spread = new float[v.length];
        for (int j = 0; j < v.length; j++) {
            double d = (double) m[j] - globalMean[j];
            spread[j] = (float) (v[j] + d * d);
        }
        comm.allReduce(spread, Communicator.Op.AVG);
        mean.copyFrom(globalMean);
        var.copyFrom(spread);
    }

    /**
     * running = (1 - momentum) running + momentum batch on the first c entries, with the unbiased
     * variance over the global count of values per channel.
     */
    static void updateRunning(BatchNormWeights bn, BatchNorm.Params params, Tensor mean, Tensor var, long globalCount) {
        float[] m = mean.toArray();
        float[] v = var.toArray();
        int c = m.length;
        float[] rm = new float[c];
        float[] rv = new float[c];
        bn.runningMean().buffer().copyTo(0, rm, 0, c);
        bn.runningVar().buffer().copyTo(0, rv, 0, c);
        float mom = params.momentum();
        double bessel = globalCount > 1 ? (double) globalCount / (globalCount - 1) : 1.0;
        for (int j = 0; j < c; j++) {
            rm[j] = (1f - mom) * rm[j] + mom * m[j];
            rv[j] = (1f - mom) * rv[j] + mom * (float) (v[j] * bessel);
        }
        bn.runningMean().buffer().copyFrom(rm, 0, 0, c);
        bn.runningVar().buffer().copyFrom(rv, 0, 0, c);
    }

    /**
     * The backward with global sums: dx overwritten, gamma's and beta's gradients accumulated with
     * this rank's sums.
     */
    static void backward(Pass pass, Communicator comm, BatchNorm.Params params, Activation act, BatchNormWeights bn,
                         Tensor x, Tensor dy, Tensor mean, Tensor var, Tensor dx) {
        int c = (int) mean.length();
        Tensor localGamma = pass.take(Layout.VECTOR, c);
        Tensor localBeta = pass.take(Layout.VECTOR, c);
        localGamma.fill(0f);
        localBeta.fill(0f);
        BatchNorm.backward(pass.ctx(), params, act, x, dy, bn.gamma().value(), bn.beta().value(), mean, var, dx,
                localGamma, localBeta);
        float[] sdyx = localGamma.toArray();
        float[] sdy = localBeta.toArray();
        accumulate(bn.gamma().grad(), sdyx);
        accumulate(bn.beta().grad(), sdy);
        float[] sums = new float[2 * c];
        System.arraycopy(sdyx, 0, sums, 0, c);
        System.arraycopy(sdy, 0, sums, c, c);
        comm.allReduce(sums, Communicator.Op.AVG);
        float[] gamma = new float[c];
        bn.gamma().value().buffer().copyTo(0, gamma, 0, c);
        float[] m = mean.toArray();
        float[] v = var.toArray();
        double n = (double) x.length() / c;
        float[] slope = new float[c];
        float[] offset = new float[c];
        for (int j = 0; j < c; j++) {
            double k = gamma[j] / (Math.sqrt((double) v[j] + params.eps()) * n);
            slope[j] = (float) (k * ((double) sdyx[j] - sums[j]));
            offset[j] = (float) (k * ((double) sdy[j] - sums[c + j]));
        }
        localGamma.copyFrom(slope);
        localBeta.copyFrom(offset);
        Tensor correction = pass.take(x.layout(), x.shape());
        BatchNorm.forwardEval(pass.ctx(), params, x, localGamma, localBeta, mean, var, correction);
        Elementwise.axpby(pass.ctx(), 1f, correction, 1f, dx);
    }

    /** grad[:c] += values (host round trip of c floats: BN vectors are small). */
    private static void accumulate(Tensor grad, float[] values) {
        int c = values.length;
        float[] g = new float[c];
        grad.buffer().copyTo(0, g, 0, c);
        for (int j = 0; j < c; j++) {
            g[j] += values[j];
        }
        grad.buffer().copyFrom(g, 0, 0, c);
    }
}
