package org.compofa.nn;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Collects per-batch BN statistics during {@link Mode#RECALIBRATE} passes and averages them over
 * batches weighted by batch size, as the reference's {@code set_running_statistics} does (§3.6):
 * the result replaces {@code running_mean[:c]} and {@code running_var[:c]} (biased batch variance).
 */
public final class BnStatistics {
    private final Map<BatchNormWeights, double[][]> sums = new LinkedHashMap<>();
    private final Map<BatchNormWeights, Double> weights = new LinkedHashMap<>();

    /** An empty collector: pass it to {@link Pass#recalibrate}, run the batches, then {@link #apply}. */
    public BnStatistics() {
        // nothing collected yet
    }

    /** Adds one batch's mean and biased variance of the first {@code mean.length} channels. */
    void add(BatchNormWeights bn, float[] mean, float[] var, int batchSize) {
        double[][] s = sums.computeIfAbsent(bn, k -> new double[][] {new double[mean.length], new double[mean.length]});
        if (s[0].length != mean.length) {
            throw new IllegalStateException(bn.name() + ": recalibration saw " + mean.length + " channels after "
                    + s[0].length + "; recalibrate one subnet at a time");
        }
        for (int j = 0; j < mean.length; j++) {
            s[0][j] += (double) mean[j] * batchSize;
            s[1][j] += (double) var[j] * batchSize;
        }
        weights.merge(bn, (double) batchSize, Double::sum);
    }

    /**
     * Number of BN layers seen.
     *
     * @return the layer count
     */
    public int layers() {
        return sums.size();
    }

    /** Writes the averages into the leading entries of each layer's running statistics. */
    public void apply() {
        sums.forEach((bn, s) -> {
            double w = weights.get(bn);
            float[] rm = bn.runningMean().toArray();
            float[] rv = bn.runningVar().toArray();
            for (int j = 0; j < s[0].length; j++) {
                rm[j] = (float) (s[0][j] / w);
                rv[j] = (float) (s[1][j] / w);
            }
            bn.runningMean().copyFrom(rm);
            bn.runningVar().copyFrom(rv);
        });
    }
}
