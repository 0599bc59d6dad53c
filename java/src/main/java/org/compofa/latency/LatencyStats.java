package org.compofa.latency;

import java.util.Arrays;

/**
 * Summary of repeated timings of one subnet: Tukey's far-out values (beyond the quartiles by 3 IQR,
 * e.g. a preempted run on a shared VM) are dropped, then median, min, 10th/90th percentiles and max
 * of the rest.
 *
 * @param medianMs  median latency
 * @param minMs     fastest kept run
 * @param p10Ms     10th percentile
 * @param p90Ms     90th percentile
 * @param maxMs     slowest kept run
 * @param samples   runs kept
 * @param outliers  runs dropped
 */
public record LatencyStats(double medianMs, double minMs, double p10Ms, double p90Ms, double maxMs, int samples,
                           int outliers) {
    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException naming the first rule broken (see {@link #violation})
     */
    public LatencyStats {
        String broken = violation(medianMs, minMs, p10Ms, p90Ms, maxMs, samples, outliers);
        if (broken != null) {
            throw new IllegalArgumentException("latency stats: " + broken);
        }
    }

    /**
     * The first rule these values break, or null: at least one kept run, no negative outlier count,
     * every time finite, and {@code 0 <= min <= p10 <= median <= p90 <= max}.
     */
    static String violation(double medianMs, double minMs, double p10Ms, double p90Ms, double maxMs, int samples,
                            int outliers) {
        if (samples < 1) {
            return "samples " + samples + ": at least 1 timed run is needed";
        }
        if (outliers < 0) {
            return "outliers " + outliers + ": must be >= 0";
        }
        String[] names = {"min_ms", "p10_ms", "median_ms", "p90_ms", "max_ms"};
        double[] v = {minMs, p10Ms, medianMs, p90Ms, maxMs};
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                return names[i] + " " + v[i] + ": must be finite";
            }
        }
        if (minMs < 0) {
            return "min_ms " + minMs + ": must be >= 0";
        }
        for (int i = 1; i < v.length; i++) {
            if (v[i] < v[i - 1]) {
                return names[i] + " " + v[i] + " is below " + names[i - 1] + " " + v[i - 1]
                        + ": need min <= p10 <= median <= p90 <= max";
            }
        }
        return null;
    }

    /**
     * Summarises timings in milliseconds.
     *
     * @param ms timings in ms, at least one
     * @return the summary
     * @throws IllegalArgumentException when empty or a value is negative or not finite
     */
    public static LatencyStats of(double[] ms) {
        if (ms == null || ms.length == 0) {
            throw new IllegalArgumentException("no timings to summarise");
        }
        double[] s = ms.clone();
        for (double v : s) {
            if (!Double.isFinite(v) || v < 0) {
                throw new IllegalArgumentException("timing " + v + " ms: must be finite and >= 0");
            }
        }
        Arrays.sort(s);
        double q1 = quantile(s, 0.25);
        double q3 = quantile(s, 0.75);
        double iqr = q3 - q1;
        double[] kept = Arrays.stream(s).filter(v -> v >= q1 - 3 * iqr && v <= q3 + 3 * iqr).toArray();
        return new LatencyStats(quantile(kept, 0.5), kept[0], quantile(kept, 0.1), quantile(kept, 0.9),
                kept[kept.length - 1], kept.length, s.length - kept.length);
    }

    /**
     * Linear-interpolation quantile of sorted values, kept within its two neighbours (rounding of
     * {@code a + t (b - a)} could step past {@code b} and break the p10 <= median <= p90 order).
     */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return Math.min(sorted[hi], sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]));
    }

    /**
     * (p90 - p10) / median in percent: the spread reported with each table entry.
     *
     * @return spread in percent, &gt;= 0
     */
    public double spreadPercent() {
        return medianMs == 0 ? 0 : 100 * (p90Ms - p10Ms) / medianMs;
    }
}
