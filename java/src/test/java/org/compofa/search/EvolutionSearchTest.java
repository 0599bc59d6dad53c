package org.compofa.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.compofa.space.ResolutionSet;
import org.compofa.space.SearchSpace;
import org.compofa.space.SearchSpaces;
import org.compofa.space.Subnet;
import org.junit.jupiter.api.Test;

/** Evolution against brute force on CompOFA (243 x 5), and its invariants on the OFA space. */
class EvolutionSearchTest {
    private static final SearchSpace COMPOFA = SearchSpaces.compOfa(1.0, new ResolutionSet(160, 224, 16));
    private static final SearchSpace OFA = SearchSpaces.ofaMbv3(List.of(2, 3, 4), List.of(3, 4, 6),
            List.of(3, 5, 7), 1.0, new ResolutionSet(128, 224, 16));
    private static final SyntheticArchitectures TRUTH = new SyntheticArchitectures(5, 5);
    private static final EvolutionConfig QUICK = EvolutionConfig.ofa().withGenerations(60).withSeed(9);

    private static EvolutionSearch search(SearchSpace space, EvolutionConfig config) {
        return new EvolutionSearch("synthetic", space, TRUTH::accuracy, TRUTH::latencyMs, config);
    }

    /** The brute-force answer under the search's own tie order. */
    private static Candidate bruteForce(SearchSpace space, double budget) {
        return space.enumerate().stream().filter(s -> TRUTH.latencyMs(s) <= budget)
                .map(s -> new Candidate(s, TRUTH.accuracy(s), TRUTH.latencyMs(s)))
                .min(EvolutionSearch.BEST_FIRST).orElseThrow();
    }

    private static double[] latencyQuantiles(SearchSpace space, double... q) {
        double[] lat = space.enumerate().stream().mapToDouble(TRUTH::latencyMs).sorted().toArray();
        return Arrays.stream(q).map(x -> lat[(int) Math.min(lat.length - 1, x * lat.length)]).toArray();
    }

    @Test
    void findsTheBruteForceOptimumOnCompOfa() {
        double[] budgets = latencyQuantiles(COMPOFA, 0.03, 0.2, 0.45, 0.7, 0.9, 1.0);
        List<Optional<SearchResult>> results = search(COMPOFA, QUICK).search(budgets);
        for (int i = 0; i < budgets.length; i++) {
            Candidate got = results.get(i).orElseThrow().best();
            Candidate want = bruteForce(COMPOFA, budgets[i]);
            assertTrue(got.latencyMs() <= budgets[i], got + " over budget " + budgets[i]);
            assertEquals(want, got, "budget " + budgets[i] + " ms");
        }
    }

    @Test
    void tightBudgetIsMetThroughTheFallback() {
        Subnet smallest = COMPOFA.smallest(160);
        double budget = TRUTH.latencyMs(smallest);
        EvolutionConfig fewTries = new EvolutionConfig(20, 15, 0.25, 0.5, 0.1, 3, 4);
        SearchResult r = search(COMPOFA, fewTries).search(budget);
        assertTrue(r.fallbacks() > 0, "3 draws should rarely hit a 1-in-1215 budget");
        assertEquals(bruteForce(COMPOFA, budget), r.best());
    }

    @Test
    void everyAnswerOnOfaIsInBudgetAndConsistent() {
        EvolutionConfig cfg = EvolutionConfig.ofa().withGenerations(25).withSeed(3);
        double smallest = TRUTH.latencyMs(OFA.smallest(128));
        double largest = TRUTH.latencyMs(OFA.largest(224));
        for (int i = 0; i <= 6; i++) {
            double budget = smallest * 1.5 + i * (largest - smallest) / 6;
            SearchResult r = search(OFA, cfg).search(budget);
            Candidate c = r.best();
            assertTrue(OFA.contains(c.subnet()), c.toString());
            assertTrue(c.latencyMs() <= budget, c + " over budget " + budget);
            assertEquals(TRUTH.latencyMs(c.subnet()), c.latencyMs());
            assertEquals(TRUTH.accuracy(c.subnet()), c.top1());
            assertTrue(r.accuracyEvaluations() <= r.latencyEvaluations());
            double random = bestOfRandom(budget, r.accuracyEvaluations(), 100 + i);
            assertTrue(c.top1() >= random, "evolution " + c.top1() + " % below random search " + random
                    + " % with as many evaluations at budget " + budget);
        }
    }

    /** Random search: the best accuracy among {@code n} random in-budget OFA subnets. */
    private static double bestOfRandom(double budget, long n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double best = Double.NEGATIVE_INFINITY;
        for (long found = 0, draws = 0; found < n && draws < 100 * n; draws++) {
            Subnet s = OFA.sample(rnd);
            if (TRUTH.latencyMs(s) <= budget) {
                best = Math.max(best, TRUTH.accuracy(s));
                found++;
            }
        }
        return best;
    }

    @Test
    void sameSeedSameResult() {
        double budget = (TRUTH.latencyMs(OFA.smallest(128)) + TRUTH.latencyMs(OFA.largest(224))) / 2;
        EvolutionConfig cfg = QUICK.withGenerations(20);
        SearchResult a = search(OFA, cfg).search(budget);
        SearchResult b = search(OFA, cfg).search(budget);
        assertEquals(a.best(), b.best());
        assertEquals(a.accuracyEvaluations(), b.accuracyEvaluations());
        assertEquals(a.latencyEvaluations(), b.latencyEvaluations());
    }

    @Test
    void impossibleBudgetThrows() {
        double fastest = TRUTH.latencyMs(COMPOFA.smallest(160));
        EvolutionSearch s = search(COMPOFA, QUICK);
        NoSubnetWithinBudgetException e = assertThrows(NoSubnetWithinBudgetException.class,
                () -> s.search(fastest * 0.99));
        assertEquals(fastest, e.fastestMs(), "the smallest subnet is the fastest under this latency");
        assertTrue(e.getMessage().contains("synthetic"), e.getMessage());
        List<Optional<SearchResult>> many = s.search(new double[] {fastest * 0.5, fastest * 3});
        assertTrue(many.get(0).isEmpty() && many.get(1).isPresent());
        assertThrows(IllegalArgumentException.class, () -> s.search(Double.NaN));
    }

    @Test
    void badConfigsAndFunctionsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new EvolutionConfig(1, 500, 0.25, 0.5, 0.1, 500, 0));
        assertThrows(IllegalArgumentException.class, () -> new EvolutionConfig(100, -1, 0.25, 0.5, 0.1, 500, 0));
        assertThrows(IllegalArgumentException.class, () -> new EvolutionConfig(100, 500, 0, 0.5, 0.1, 500, 0));
        assertThrows(IllegalArgumentException.class, () -> new EvolutionConfig(100, 500, 1.5, 0.5, 0.1, 500, 0));
        assertThrows(IllegalArgumentException.class, () -> new EvolutionConfig(4, 500, 0.1, 0.5, 0.1, 500, 0));
        assertThrows(IllegalArgumentException.class, () -> new EvolutionConfig(100, 500, 0.25, Double.NaN, 0.1, 500, 0));
        assertThrows(IllegalArgumentException.class, () -> new EvolutionConfig(100, 500, 0.25, 0.5, 1.1, 500, 0));
        IllegalArgumentException tries = assertThrows(IllegalArgumentException.class,
                () -> new EvolutionConfig(100, 500, 0.25, 0.5, 0.1, 0, 0));
        assertTrue(tries.getMessage().contains("allowed 1 to"), tries.getMessage());
        EvolutionSearch nanAccuracy = new EvolutionSearch("synthetic", COMPOFA, s -> Double.NaN, TRUTH::latencyMs, QUICK);
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class, () -> nanAccuracy.search(100));
        assertTrue(nan.getMessage().contains("accuracy function gave NaN"), nan.getMessage());
        EvolutionSearch negative = new EvolutionSearch("synthetic", COMPOFA, TRUTH::accuracy, s -> -1, QUICK);
        assertThrows(IllegalArgumentException.class, () -> negative.search(100));
    }
}
