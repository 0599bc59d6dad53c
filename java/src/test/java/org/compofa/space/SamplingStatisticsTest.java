package org.compofa.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Frequencies of seeded samples against the intended distributions with a chi-square test at
 * p = 0.001 (seeded, so the outcome is fixed; the bound only says the rule is right), and the order
 * of the sandwich rule. Pure Java.
 */
class SamplingStatisticsTest {
    private static final int N = 20_000;

    /** Upper 0.1% point of chi-square with {@code df} degrees of freedom (Wilson-Hilferty; exact for df 1). */
    static double chiSquareCritical999(int df) {
        if (df == 1) {
            return 10.828;
        }
        double z = 3.0902;
        double a = 2.0 / (9.0 * df);
        return df * Math.pow(1 - a + z * Math.sqrt(a), 3);
    }

    static double chiSquareUniform(long[] counts) {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        double expected = (double) total / counts.length;
        double chi = 0;
        for (long c : counts) {
            chi += (c - expected) * (c - expected) / expected;
        }
        return chi;
    }

    static void assertUniform(long[] counts, String what) {
        double chi = chiSquareUniform(counts);
        double bound = chiSquareCritical999(counts.length - 1);
        assertTrue(chi < bound, what + ": chi-square " + chi + " >= " + bound + " for " + java.util.Arrays.toString(counts));
    }

    @Test
    void ofaDepthIsUniformPerStageAndKernelAndExpandUniformPerActiveSlot() {
        SearchSpace ofa = SearchSpaces.ofaMbv3(1.0);
        SplittableRandom rnd = new SplittableRandom(42);
        long[][] depth = new long[5][3];
        long[][] kernel = new long[20][3];
        long[][] expand = new long[20][3];
        long[] resolution = new long[25];
        for (int i = 0; i < N; i++) {
            Subnet s = ofa.sample(rnd);
            resolution[(s.resolution() - 128) / 4]++;
            for (int st = 0; st < 5; st++) {
                depth[st][s.depth(st) - 2]++;
                for (int b = 0; b < s.depth(st); b++) {
                    kernel[st * 4 + b][(s.kernel(st, b) - 3) / 2]++;
                    expand[st * 4 + b][List.of(3, 4, 6).indexOf(s.expand(st, b))]++;
                }
            }
        }
        for (int st = 0; st < 5; st++) {
            assertUniform(depth[st], "depth of stage " + (st + 1));
            assertEquals(1.0 / 3, depth[st][0] / (double) N, 0.015, "depth 2 frequency, stage " + (st + 1));
        }
        for (int slot = 0; slot < 20; slot++) {
            assertUniform(kernel[slot], "kernel of slot " + slot);
            assertUniform(expand[slot], "expand of slot " + slot);
        }
        // slot b is active iff depth > b: slots 0,1 always, slot 2 two thirds, slot 3 one third of the time
        assertEquals(N, kernel[0][0] + kernel[0][1] + kernel[0][2]);
        assertEquals(N / 3.0, kernel[3][0] + kernel[3][1] + kernel[3][2], 0.03 * N);
        assertUniform(resolution, "resolution");
    }

    @Test
    void compOfaSamplingIsUniformOverThe243Subnets() {
        SearchSpace compofa = SearchSpaces.compOfa(1.0);
        List<Subnet> all = compofa.enumerate(224);
        Map<Subnet, Integer> index = new HashMap<>();
        for (int i = 0; i < all.size(); i++) {
            index.put(all.get(i), i);
        }
        long[] counts = new long[243];
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < N; i++) {
            counts[index.get(compofa.sample(rnd, 224))]++;
        }
        assertUniform(counts, "CompOFA subnet frequencies");
    }

    @Test
    void sandwichRuleGivesLargestThenSmallestThenRandom() {
        SearchSpace ofa = SearchSpaces.ofaMbv3(1.0);
        Sampler sampler = new Sampler(ofa, SamplingRule.sandwich(), 4, new SplittableRandom(3));
        MobileNetV3Geometry geometry = MobileNetV3Geometry.forSpace(ofa);
        for (int step = 0; step < 200; step++) {
            List<Subnet> subnets = sampler.nextStep();
            assertEquals(4, subnets.size());
            int r = subnets.getFirst().resolution();
            assertEquals(ofa.largest(r), subnets.get(0));
            assertEquals(ofa.smallest(r), subnets.get(1));
            long max = geometry.macs(subnets.get(0));
            long min = geometry.macs(subnets.get(1));
            for (Subnet s : subnets) {
                assertEquals(r, s.resolution(), "one resolution per step");
                assertTrue(ofa.contains(s));
                long macs = geometry.macs(s);
                assertTrue(min <= macs && macs <= max, s.id());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new Sampler(ofa, SamplingRule.sandwich(), 1, new SplittableRandom()));
    }

    @Test
    void largestAndSmallestBoundEveryCompOfaSubnetsMacs() {
        SearchSpace compofa = SearchSpaces.compOfa(1.0);
        MobileNetV3Geometry g = MobileNetV3Geometry.imagenet(1.0);
        long max = g.macs(compofa.largest(224));
        long min = g.macs(compofa.smallest(224));
        for (Subnet s : compofa.enumerate(224)) {
            assertTrue(min <= g.macs(s) && g.macs(s) <= max, s.id());
        }
    }

    @Test
    void samplerIsReproducibleForASeedAndUsesTheGivenResolution() {
        SearchSpace space = SearchSpaces.compOfaElasticKernel(1.0);
        Sampler a = new Sampler(space, SamplingRule.uniform(), 4, new SplittableRandom(11));
        Sampler b = new Sampler(space, SamplingRule.uniform(), 4, new SplittableRandom(11));
        for (int i = 0; i < 50; i++) {
            assertEquals(a.nextStep(), b.nextStep());
        }
        List<Subnet> step = a.nextStep(160);
        assertTrue(step.stream().allMatch(s -> s.resolution() == 160));
        assertNotEquals(step.get(0), a.nextStep(160).get(0), "fresh draws differ (with overwhelming probability)");
        assertThrows(InvalidSubnetException.class, () -> a.nextStep(161));
    }

    @Test
    void fromListDrawsOnlyListedArchitecturesUniformly() {
        SearchSpace compofa = SearchSpaces.compOfa(1.0);
        List<Subnet> list = List.of(compofa.largest(224), compofa.smallest(160), compofa.sample(new SplittableRandom(5), 192));
        Sampler sampler = new Sampler(compofa, SamplingRule.fromList(list), 2, new SplittableRandom(9));
        long[] counts = new long[3];
        for (int i = 0; i < N / 2; i++) {
            for (Subnet s : sampler.nextStep(208)) {
                assertEquals(208, s.resolution());
                int found = -1;
                for (int j = 0; j < 3; j++) {
                    if (list.get(j).withResolution(208).equals(s)) {
                        found = j;
                    }
                }
                assertTrue(found >= 0, s.id());
                counts[found]++;
            }
        }
        assertUniform(counts, "list entries");
    }

    @Test
    void fromListRejectsEntriesOutsideTheSpace() {
        SearchSpace compofa = SearchSpaces.compOfa(1.0);
        Subnet ofaOnly = SearchSpaces.ofaMbv3(1.0).largest(224);
        InvalidSubnetException e = assertThrows(InvalidSubnetException.class,
                () -> new Sampler(compofa, SamplingRule.fromList(List.of(compofa.largest(224), ofaOnly)), 1,
                        new SplittableRandom()));
        assertTrue(e.getMessage().startsWith("subnet list entry 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SamplingRule.fromList(List.of()));
    }
}
