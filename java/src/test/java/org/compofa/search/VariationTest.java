package org.compofa.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.compofa.space.ResolutionSet;
import org.compofa.space.SearchSpace;
import org.compofa.space.SearchSpaces;
import org.compofa.space.Subnet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Mutation and crossover stay in the space, change choices at the configured rate and mix parents. */
class VariationTest {
    static Stream<SearchSpace> spaces() {
        ResolutionSet r = new ResolutionSet(160, 224, 16);
        return Stream.of(SearchSpaces.ofaMbv3(List.of(2, 3, 4), List.of(3, 4, 6), List.of(3, 5, 7), 1.0, r),
                SearchSpaces.compOfa(1.0, r), SearchSpaces.compOfaElasticKernel(List.of(3, 5, 7), 1.0, r));
    }

    @ParameterizedTest
    @MethodSource("spaces")
    void childrenAreInTheSpaceAndComeFromTheirParents(SearchSpace space) {
        Variation v = new Variation(space);
        SplittableRandom rnd = new SplittableRandom(17);
        for (int i = 0; i < 1999; i++) {
            Subnet a = space.sample(rnd);
            Subnet b = space.sample(rnd);
            Subnet m = v.mutate(a, 0.3, rnd);
            Subnet c = v.crossover(a, b, rnd);
            assertTrue(space.contains(m) && space.contains(c), m + " / " + c);
            assertEquals(a, v.mutate(a, 0.0, rnd), "mutate probability 0 keeps the parent");
            assertEquals(a, v.crossover(a, a, rnd), "crossover of a subnet with itself");
            assertTrue(c.resolution() == a.resolution() || c.resolution() == b.resolution());
            for (int s = 0; s < space.stages(); s++) {
                assertTrue(c.depth(s) == a.depth(s) || c.depth(s) == b.depth(s), "depth of stage " + s);
                for (int k = 0; k < c.depth(s); k++) {
                    int ck = c.kernel(s, k);
                    int ce = c.expand(s, k);
                    assertTrue(ck == a.kernel(s, k) || ck == b.kernel(s, k), c + " kernel from " + a + ", " + b);
                    assertTrue(ce == a.expand(s, k) || ce == b.expand(s, k), c + " expand from " + a + ", " + b);
                }
            }
        }
    }

    /** A choice changes when it is redrawn (probability p) to another of its n values: p (n - 1) / n. */
    @ParameterizedTest
    @MethodSource("spaces")
    void mutationChangesDepthAndResolutionAtTheConfiguredRate(SearchSpace space) {
        Variation v = new Variation(space);
        SplittableRandom rnd = new SplittableRandom(23);
        double p = 0.1;
        int trials = 20_011;
        int depthChanges = 0;
        int resolutionChanges = 0;
        for (int i = 0; i < trials; i++) {
            Subnet a = space.sample(rnd);
            Subnet m = v.mutate(a, p, rnd);
            resolutionChanges += m.resolution() != a.resolution() ? 1 : 0;
            for (int s = 0; s < space.stages(); s++) {
                depthChanges += m.depth(s) != a.depth(s) ? 1 : 0;
            }
        }
        double depthRate = depthChanges / (double) (trials * space.stages());
        double resolutionRate = resolutionChanges / (double) trials;
        assertEquals(p * 2 / 3, depthRate, 0.005, "depth change rate");
        int nr = space.resolutions().size();
        assertEquals(p * (nr - 1) / nr, resolutionRate, 0.01, "resolution change rate");
    }
}
