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
    /** Checks the values. */
    public LatencyStats {
        if (samples < 1 || outliers < 0 || !(minMs >= 0) || !(medianMs >= minMs) || !(maxMs >= medianMs)
                || !Double.isFinite(maxMs)) {
            throw new IllegalArgumentException("latency stats need samples >= 1 and 0 <= min <= median <= max, finite: "
                    + medianMs + "/" + minMs + "/" + maxMs + " ms, " + samples + " samples");
        }
    }

    /**
     * Summarises timings in milliseconds.
     *
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

    /** Linear-interpolation quantile of sorted values. */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    /** (p90 - p10) / median in percent: the spread reported with each table entry. */
    public double spreadPercent() {
        return medianMs == 0 ? 0 : 100 * (p90Ms - p10Ms) / medianMs;
    }
}
