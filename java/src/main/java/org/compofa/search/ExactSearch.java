package org.compofa.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Exact search over a measured table (CompOFA's space is small enough to measure every subnet at
 * every resolution, so no predictor or evolution is needed): the most accurate candidate whose
 * latency is within a budget, and the accuracy-latency Pareto front.
 *
 * <p>Built once in O(n log n): candidates sorted by latency with a running best-accuracy prefix, so
 * each budget is one binary search (O(log n)); 1000 budgets over 243 x 25 entries take microseconds.
 * Ties: the higher top-1 wins; at equal top-1 the lower latency, then the smaller subnet id.
 */
public final class ExactSearch {
    private static final Comparator<Candidate> BY_LATENCY = Comparator.comparingDouble(Candidate::latencyMs)
            .thenComparing(Comparator.comparingDouble(Candidate::top1).reversed())
            .thenComparing(c -> c.subnet().id());

    private final String platform;
    private final Candidate[] byLatency;
    private final double[] latencies;
    private final int[] bestUpTo;

    /**
     * A search over the measured {@code candidates}.
     *
     * @param platform   name used in messages
     * @param candidates the table (not empty)
     * @throws IllegalArgumentException when the table is empty or a subnet appears twice
     */
    public ExactSearch(String platform, List<Candidate> candidates) {
        this.platform = Objects.requireNonNull(platform, "platform");
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("the table for " + platform + " is empty: nothing to search");
        }
        byLatency = candidates.toArray(Candidate[]::new);
        Arrays.sort(byLatency, BY_LATENCY);
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Candidate c : byLatency) {
            if (!seen.add(c.subnet().id())) {
                throw new IllegalArgumentException(c.subnet().id() + " appears twice in the table for " + platform);
            }
        }
        latencies = Arrays.stream(byLatency).mapToDouble(Candidate::latencyMs).toArray();
        bestUpTo = new int[byLatency.length];
        int best = 0;
        for (int i = 0; i < byLatency.length; i++) {
            if (better(byLatency[i], byLatency[best])) {
                best = i;
            }
            bestUpTo[i] = best;
        }
    }

    private static boolean better(Candidate a, Candidate b) {
        if (a.top1() != b.top1()) {
            return a.top1() > b.top1();
        }
        return false; // sorted by latency, so the earlier one is at least as fast
    }

    /**
     * The most accurate candidate with latency &lt;= budget, if any.
     *
     * @param budgetMs latency budget in ms
     * @return the best candidate, or empty when none fits
     */
    public Optional<Candidate> bestWithin(double budgetMs) {
        int i = lastAtMost(budgetMs);
        return i < 0 ? Optional.empty() : Optional.of(byLatency[bestUpTo[i]]);
    }

    /**
     * As {@link #bestWithin} but a budget below every candidate is an error.
     *
     * @param budgetMs latency budget in ms
     * @return the best candidate
     * @throws NoSubnetWithinBudgetException naming the budget and the fastest latency
     */
    public Candidate require(double budgetMs) {
        return bestWithin(budgetMs).orElseThrow(() ->
                new NoSubnetWithinBudgetException(platform, budgetMs, latencies[0]));
    }

    /**
     * {@link #bestWithin} for many budgets (entries empty where nothing fits).
     *
     * @param budgetsMs latency budgets in ms
     * @return one entry per budget, in order
     */
    public List<Optional<Candidate>> bestWithin(double[] budgetsMs) {
        List<Optional<Candidate>> out = new ArrayList<>(budgetsMs.length);
        for (double b : budgetsMs) {
            out.add(bestWithin(b));
        }
        return out;
    }

    /**
     * The Pareto front: ascending latency, strictly ascending top-1; no candidate dominates one of it.
     *
     * @return the front, fastest first
     */
    public List<Candidate> paretoFront() {
        List<Candidate> front = new ArrayList<>();
        for (Candidate c : byLatency) {
            // Equal latencies come most accurate first, so the first of each latency is the one kept.
            if (front.isEmpty() || c.top1() > front.getLast().top1()) {
                front.add(c);
            }
        }
        return List.copyOf(front);
    }

    /**
     * The candidates, fastest first.
     *
     * @return every candidate, by ascending latency
     */
    public List<Candidate> candidates() {
        return List.of(byLatency);
    }

    private int lastAtMost(double budget) {
        if (Double.isNaN(budget)) {
            throw new IllegalArgumentException("budget is NaN");
        }
        int lo = 0;
        int hi = latencies.length - 1;
        int ans = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (latencies[mid] <= budget) {
                ans = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return ans;
    }
}
