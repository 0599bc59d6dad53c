package org.compofa.nn;

import java.util.LinkedHashMap;
import java.util.Map;
import org.compofa.runtime.Communicator;

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

    /**
     * A collector with this one's layers and channel counts and nothing collected: what a rank that
     * drew no recalibration batch contributes to {@link #allReduce}.
     *
     * @return an empty collector of the same layers
     */
    public BnStatistics emptyCopy() {
        BnStatistics e = new BnStatistics();
        sums.forEach((bn, s) -> e.sums.put(bn, new double[][] {new double[s[0].length], new double[s[1].length]}));
        weights.keySet().forEach(bn -> e.weights.put(bn, 0.0));
        return e;
    }

    /**
     * Adds up every rank's sums and weights (float32 all-reduce of the double sums: a relative error of
     * about 1e-7 per value), so that {@link #apply} gives the average over every rank's batches. Every
     * rank must have seen the same layers in the same order (the same subnet).
     *
     * @param comm the ranks
     */
    public void allReduce(Communicator comm) {
        int length = 0;
        for (double[][] s : sums.values()) {
            length += 2 * s[0].length + 1;
        }
        float[] packed = new float[length];
        int at = 0;
        for (var e : sums.entrySet()) {
            for (double[] row : e.getValue()) {
                for (double v : row) {
                    packed[at++] = (float) v;
                }
            }
            packed[at++] = weights.get(e.getKey()).floatValue();
        }
        comm.allReduce(packed, Communicator.Op.SUM);
        at = 0;
        for (var e : sums.entrySet()) {
            for (double[] row : e.getValue()) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = packed[at++];
                }
            }
            weights.put(e.getKey(), (double) packed[at++]);
        }
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
