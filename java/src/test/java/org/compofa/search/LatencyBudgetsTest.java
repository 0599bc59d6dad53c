package org.compofa.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.compofa.space.ResolutionSet;
import org.compofa.space.SearchSpace;
import org.compofa.space.SearchSpaces;
import org.compofa.space.Subnet;
import org.junit.jupiter.api.Test;

/** Default budgets: the front's range on a clean table; noisy slow outliers cannot stretch them. */
class LatencyBudgetsTest {
    private static final SearchSpace SPACE = SearchSpaces.compOfa(1.0, new ResolutionSet(160, 224, 16));

    /** 1215 entries, latency uniform in [10, 30] ms, accuracy rising with latency plus noise. */
    private static List<Candidate> table(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Candidate> out = new ArrayList<>();
        for (Subnet s : SPACE.enumerate()) {
            double lat = 10 + 20 * rnd.nextDouble();
            out.add(new Candidate(s, 50 + lat + 3 * rnd.nextDouble(), lat));
        }
        return out;
    }

    @Test
    void aCleanTableGetsTheParetoFrontsRangeEvenly() {
        List<Candidate> t = table(3);
        List<Candidate> front = new ExactSearch("p", t).paretoFront();
        double[] b = LatencyBudgets.spread(t, 5);
        double lo = t.stream().mapToDouble(Candidate::latencyMs).min().orElseThrow();
        double hi = front.getLast().latencyMs();
        assertTrue(hi <= LatencyBudgets.upperFence(t), "uniform latencies have no outlier");
        assertEquals(lo, b[0], 0);
        assertEquals(hi, b[4], 0);
        for (int i = 1; i < 5; i++) {
            assertEquals((hi - lo) / 4, b[i] - b[i - 1], 1e-12 * hi);
        }
        assertArrayEquals(new double[] {hi}, LatencyBudgets.spread(t, 1));
    }

    @Test
    void slowOutliersFromANoisyMachineDoNotStretchTheBudgets() {
        List<Candidate> t = new ArrayList<>(table(5));
        // The tester's case: two entries measured at 562 and 588 ms on a busy machine, here the two
        // most accurate subnets (so they lead the front, and a min-max or front range reaches 588).
        t.sort(Comparator.comparingDouble(Candidate::top1));
        Candidate a = t.removeLast();
        Candidate b = t.removeLast();
        t.add(new Candidate(a.subnet(), a.top1(), 588));
        t.add(new Candidate(b.subnet(), b.top1(), 562));
        assertEquals(588, new ExactSearch("p", t).paretoFront().getLast().latencyMs(), "the outlier tops the front");

        double[] budgets = LatencyBudgets.spread(t, 5);
        double top = budgets[4];
        double cleanMax = t.stream().mapToDouble(Candidate::latencyMs).filter(v -> v < 100).max().orElseThrow();
        assertTrue(top >= cleanMax, "every clean entry is within the top budget: " + top + " vs " + cleanMax);
        assertTrue(top < 2 * cleanMax, "the top budget stays near the clean range, not at 588: " + top);
        ExactSearch search = new ExactSearch("p", t);
        for (double v : budgets) {
            assertTrue(search.bestWithin(v).isPresent(), "budget " + v + " has an answer");
        }
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> LatencyBudgets.spread(table(1), 0));
        assertThrows(IllegalArgumentException.class, () -> LatencyBudgets.spread(List.of(), 3));
    }
}
