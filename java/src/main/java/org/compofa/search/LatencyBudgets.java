package org.compofa.search;

import java.util.List;

/**
 * Default latency budgets for a search over a measured table, robust to a few entries measured
 * while the machine was busy (a slow outlier must not stretch the budgets).
 *
 * <p>The budgets are spread evenly, both ends included, from the fastest candidate's latency to
 * {@code hi}: the latency of the most accurate candidate of the Pareto front (past it every budget
 * has the same answer), but at most Tukey's upper fence of all the table's latencies, {@code q3 +
 * 1.5 (q3 - q1)} (quartiles interpolated linearly). A noisy entry far above the rest of the table
 * therefore cannot become the top budget, while a table without outliers gets the plain front range.
 */
public final class LatencyBudgets {
    /** Tukey's multiple of the interquartile range for the outlier fence. */
    public static final double FENCE_IQR = 1.5;

    private LatencyBudgets() {
    }

    /**
     * {@code n} budgets for {@code candidates} (a platform's whole table), ascending; {@code n = 1}
     * gives the top one.
     *
     * @param candidates the platform's candidates
     * @param n number of budgets, &gt;= 1
     * @return n budgets in ms, ascending
     * @throws IllegalArgumentException when {@code n < 1} or the table is empty
     */
    public static double[] spread(List<Candidate> candidates, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("budgets per platform " + n + ": must be >= 1");
        }
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("no candidates: budgets need a non-empty latency table");
        }
        List<Candidate> front = new ExactSearch("budgets", candidates).paretoFront();
        double lo = front.getFirst().latencyMs();
        double hi = Math.max(lo, Math.min(front.getLast().latencyMs(), upperFence(candidates)));
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            b[i] = n == 1 ? hi : lo + (hi - lo) * i / (n - 1);
        }
        return b;
    }

    /**
     * {@code q3 + 1.5 IQR} of the candidates' latencies.
     *
     * @param candidates the candidates
     * @return the fence in ms
     */
    public static double upperFence(List<Candidate> candidates) {
        double[] ms = candidates.stream().mapToDouble(Candidate::latencyMs).sorted().toArray();
        double q1 = quantile(ms, 0.25);
        double q3 = quantile(ms, 0.75);
        return q3 + FENCE_IQR * (q3 - q1);
    }

    private static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
