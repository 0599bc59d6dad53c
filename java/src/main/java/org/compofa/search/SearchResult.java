package org.compofa.search;

import java.util.Objects;

/**
 * What one {@link EvolutionSearch} run found and what it cost.
 *
 * @param best                the most accurate in-budget candidate seen (by the search's accuracy function)
 * @param budgetMs            the latency budget searched under
 * @param accuracyEvaluations distinct subnets whose accuracy was asked for
 * @param latencyEvaluations  distinct subnets whose latency was asked for (in budget or not)
 * @param fallbacks           individuals that kept a known in-budget subnet because every draw missed the
 *                            budget ({@link EvolutionConfig#maxSampleTries()})
 * @param wallMs              wall-clock time of the search in milliseconds
 */
public record SearchResult(Candidate best, double budgetMs, long accuracyEvaluations, long latencyEvaluations,
                           long fallbacks, double wallMs) {
    /** Checks the counts. */
    public SearchResult {
        Objects.requireNonNull(best, "best");
        if (accuracyEvaluations < 1 || latencyEvaluations < 1 || fallbacks < 0 || !(wallMs >= 0)) {
            throw new IllegalArgumentException("evaluations " + accuracyEvaluations + "/" + latencyEvaluations
                    + ", fallbacks " + fallbacks + ", wall " + wallMs + " ms: need >= 1, >= 1, >= 0, >= 0");
        }
    }
}
