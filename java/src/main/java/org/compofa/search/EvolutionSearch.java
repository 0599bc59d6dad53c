package org.compofa.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.compofa.space.SearchSpace;
import org.compofa.space.Subnet;

/**
 * OFA's regularised evolutionary search (reference §6.3, §11) for the most accurate subnet within a
 * latency budget, with the accuracy and latency functions injected (an {@link AccuracyPredictor}, a
 * latency table, a measured model ...).
 *
 * <p>A first population of random in-budget subnets; then each generation keeps the best
 * {@link EvolutionConfig#parents()} and adds mutants of random parents and crossovers of random
 * parent pairs, each redrawn until it meets the budget. Differences from OFA's code, on purpose:
 * every draw loop is bounded ({@link EvolutionConfig#maxSampleTries()}; then a child keeps its
 * first parent and a first-population individual the space's smallest subnet, if that meets the
 * budget); the best is taken over every individual seen, the last generation's children included;
 * both functions are called once per distinct subnet (they must be pure). Same seed, same result.
 */
public final class EvolutionSearch {
    /** Higher top-1 first, then lower latency, then the smaller id, so ties are broken the same way every run. */
    static final Comparator<Candidate> BEST_FIRST = Comparator.comparingDouble(Candidate::top1).reversed()
            .thenComparingDouble(Candidate::latencyMs).thenComparing(c -> c.subnet().id());

    private final String platform;
    private final SearchSpace space;
    private final ToDoubleFunction<Subnet> accuracy;
    private final ToDoubleFunction<Subnet> latencyMs;
    private final EvolutionConfig config;
    private final Variation variation;

    /**
     * A search over {@code space} with the given accuracy and latency functions.
     *
     * @param platform  the latency function's platform, for messages
     * @param space     where subnets come from
     * @param accuracy  top-1 (%) of a subnet of the space (finite)
     * @param latencyMs latency (ms) of a subnet of the space (finite, >= 0)
     * @param config    the search settings
     */
    public EvolutionSearch(String platform, SearchSpace space, ToDoubleFunction<Subnet> accuracy,
                           ToDoubleFunction<Subnet> latencyMs, EvolutionConfig config) {
        this.platform = Objects.requireNonNull(platform, "platform");
        this.space = Objects.requireNonNull(space, "space");
        this.accuracy = Objects.requireNonNull(accuracy, "accuracy");
        this.latencyMs = Objects.requireNonNull(latencyMs, "latencyMs");
        this.config = Objects.requireNonNull(config, "config");
        this.variation = new Variation(space);
    }

    /**
     * The best subnet found within {@code budgetMs}.
     *
     * @param budgetMs latency budget in ms, &gt; 0
     * @return the best subnet found and its predicted top-1 and latency
     * @throws NoSubnetWithinBudgetException if no random draw and not the smallest subnet meets the budget
     * @throws IllegalArgumentException      for a NaN budget, or a function giving a non-finite value
     *                                       (or a negative latency)
     */
    public SearchResult search(double budgetMs) {
        if (Double.isNaN(budgetMs)) {
            throw new IllegalArgumentException("latency budget is NaN: give a number of milliseconds");
        }
        long start = System.nanoTime();
        Run run = new Run(budgetMs);
        List<Candidate> population = new ArrayList<>();
        for (int i = 0; i < config.populationSize(); i++) {
            population.add(run.firstIndividual());
        }
        Candidate best = population.stream().min(BEST_FIRST).orElseThrow();
        for (int g = 0; g < config.generations(); g++) {
            population.sort(BEST_FIRST);
            List<Candidate> parents = List.copyOf(population.subList(0, config.parents()));
            population = new ArrayList<>(parents);
            for (int i = 0; i < config.populationSize(); i++) {
                Candidate p1 = parents.get(run.rnd.nextInt(parents.size()));
                Candidate child;
                if (i < config.mutants()) {
                    child = run.child(() -> variation.mutate(p1.subnet(), config.mutateProbability(), run.rnd), p1);
                } else {
                    Candidate p2 = parents.get(run.rnd.nextInt(parents.size()));
                    child = run.child(() -> variation.crossover(p1.subnet(), p2.subnet(), run.rnd), p1);
                }
                population.add(child);
                best = BEST_FIRST.compare(child, best) < 0 ? child : best;
            }
        }
        double wallMs = (System.nanoTime() - start) / 1e6;
        return new SearchResult(best, budgetMs, run.accuracies.size(), run.latencies.size(), run.fallbacks, wallMs);
    }

    /**
     * {@link #search} for each budget, each from the configured seed; empty where no subnet meets the budget.
     *
     * @param budgetsMs latency budgets in ms
     * @return one result per budget, in order
     */
    public List<Optional<SearchResult>> search(double[] budgetsMs) {
        List<Optional<SearchResult>> out = new ArrayList<>(budgetsMs.length);
        for (double b : budgetsMs) {
            try {
                out.add(Optional.of(search(b)));
            } catch (NoSubnetWithinBudgetException e) {
                out.add(Optional.empty());
            }
        }
        return out;
    }

    /** The state of one search: its generator, the memoised functions and the counters. */
    private final class Run {
        final SplittableRandom rnd = new SplittableRandom(config.seed());
        final Map<Subnet, Double> accuracies = new HashMap<>();
        final Map<Subnet, Double> latencies = new HashMap<>();
        final double budgetMs;
        long fallbacks;

        Run(double budgetMs) {
            this.budgetMs = budgetMs;
        }

        Candidate firstIndividual() {
            double fastest = Double.POSITIVE_INFINITY;
            for (int t = 0; t < config.maxSampleTries(); t++) {
                Subnet s = space.sample(rnd);
                double lat = latency(s);
                if (lat <= budgetMs) {
                    return new Candidate(s, accuracy(s), lat);
                }
                fastest = Math.min(fastest, lat);
            }
            Subnet smallest = space.smallest(space.resolutions().min());
            double lat = latency(smallest);
            if (lat > budgetMs) {
                throw new NoSubnetWithinBudgetException(platform, budgetMs, Math.min(fastest, lat));
            }
            fallbacks++;
            return new Candidate(smallest, accuracy(smallest), lat);
        }

        Candidate child(Supplier<Subnet> draw, Candidate parent) {
            for (int t = 0; t < config.maxSampleTries(); t++) {
                Subnet s = draw.get();
                double lat = latency(s);
                if (lat <= budgetMs) {
                    return new Candidate(s, accuracy(s), lat);
                }
            }
            fallbacks++;
            return parent;
        }

        double latency(Subnet s) {
            return latencies.computeIfAbsent(s, x -> checked(latencyMs.applyAsDouble(x), x, "latency", 0));
        }

        double accuracy(Subnet s) {
            return accuracies.computeIfAbsent(s, x -> checked(accuracy.applyAsDouble(x), x, "accuracy",
                    Double.NEGATIVE_INFINITY));
        }

        private static double checked(double v, Subnet s, String what, double least) {
            if (!Double.isFinite(v) || v < least) {
                throw new IllegalArgumentException("the " + what + " function gave " + v + " for " + s.id()
                        + ": need a finite value" + (least == 0 ? " >= 0" : ""));
            }
            return v;
        }
    }
}
