package org.compofa.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.compofa.space.ResolutionSet;
import org.compofa.space.SearchSpace;
import org.compofa.space.SearchSpaces;
import org.compofa.space.Subnet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Exact search and Pareto fronts against brute force on random synthetic tables. */
class ExactSearchTest {
    private static final SearchSpace SPACE = SearchSpaces.compOfa(1.0, new ResolutionSet(160, 224, 16));

    /** The 243 x 5 table with random accuracies and latencies; {@code levels} > 0 forces ties. */
    static List<Candidate> randomTable(long seed, int levels) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Candidate> out = new ArrayList<>();
        for (Subnet s : SPACE.enumerate()) {
            double acc = levels > 0 ? 70 + rnd.nextInt(levels) : 70 + 20 * rnd.nextDouble();
            double lat = levels > 0 ? 1 + rnd.nextInt(levels) : 1 + 30 * rnd.nextDouble();
            out.add(new Candidate(s, acc, lat));
        }
        return out;
    }

    private static Optional<Candidate> bruteForce(List<Candidate> table, double budget) {
        Candidate best = null;
        for (Candidate c : table) {
            if (c.latencyMs() <= budget && (best == null || c.top1() > best.top1()
                    || (c.top1() == best.top1() && c.latencyMs() < best.latencyMs()))) {
                best = c;
            }
        }
        return Optional.ofNullable(best);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 7})
    void bestWithinBudgetEqualsBruteForce(int levels) {
        for (long seed = 1; seed <= 5; seed++) {
            List<Candidate> table = randomTable(seed, levels);
            ExactSearch search = new ExactSearch("synthetic", table);
            SplittableRandom rnd = new SplittableRandom(seed + 100);
            for (int i = 0; i < 300; i++) {
                double budget = rnd.nextDouble() * 35;
                Optional<Candidate> want = bruteForce(table, budget);
                Optional<Candidate> got = search.bestWithin(budget);
                assertEquals(want.isPresent(), got.isPresent(), "budget " + budget);
                if (want.isPresent()) {
                    assertEquals(want.get().top1(), got.get().top1(), "top-1 at budget " + budget);
                    assertEquals(want.get().latencyMs(), got.get().latencyMs(), "latency at budget " + budget);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 5})
    void paretoFrontIsNonDominatedAndComplete(int levels) {
        List<Candidate> table = randomTable(42, levels);
        List<Candidate> front = new ExactSearch("synthetic", table).paretoFront();
        for (Candidate f : front) {
            for (Candidate c : table) {
                assertFalse(c.dominates(f), c + " dominates front member " + f);
            }
        }
        for (Candidate c : table) {
            boolean dominated = table.stream().anyMatch(o -> o.dominates(c));
            boolean twinInFront = front.stream().anyMatch(f -> f.top1() == c.top1() && f.latencyMs() == c.latencyMs());
            if (!dominated) {
                assertTrue(twinInFront, "non-dominated " + c + " missing from the front");
            }
        }
        for (int i = 1; i < front.size(); i++) {
            assertTrue(front.get(i).latencyMs() > front.get(i - 1).latencyMs());
            assertTrue(front.get(i).top1() > front.get(i - 1).top1());
        }
    }

    @Test
    void badInputsGiveClearErrors() {
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> new ExactSearch("cpu", List.of()));
        assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
        List<Candidate> table = randomTable(3, 0);
        ExactSearch search = new ExactSearch("cpu", table);
        double fastest = search.candidates().getFirst().latencyMs();
        NoSubnetWithinBudgetException e = assertThrows(NoSubnetWithinBudgetException.class,
                () -> search.require(fastest / 2));
        assertTrue(e.getMessage().contains("fastest"), e.getMessage());
        assertTrue(search.bestWithin(fastest / 2).isEmpty());
        List<Candidate> twice = new ArrayList<>(table);
        twice.add(table.getFirst());
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
                () -> new ExactSearch("cpu", twice));
        assertTrue(dup.getMessage().contains("twice"), dup.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new Candidate(table.getFirst().subnet(), Double.NaN, 1));
    }
}
