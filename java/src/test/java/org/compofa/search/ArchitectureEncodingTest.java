package org.compofa.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.compofa.space.InvalidSubnetException;
import org.compofa.space.ResolutionSet;
import org.compofa.space.SearchSpace;
import org.compofa.space.SearchSpaces;
import org.compofa.space.Subnet;
import org.junit.jupiter.api.Test;

/** The one-hot encoding against OFA's tutorial formula, and for the CompOFA spaces. */
class ArchitectureEncodingTest {
    /** OFA's tutorial predictor input: 8 resolutions 112..224, 60 kernel + 60 expand + 8 = 128. */
    static final SearchSpace OFA_8R = SearchSpaces.ofaMbv3(List.of(2, 3, 4), List.of(3, 4, 6), List.of(3, 5, 7),
            1.0, new ResolutionSet(112, 224, 16));

    /** {@code ofa/tutorial/accuracy_predictor.py}'s spec2feats, written out independently. */
    private static float[] tutorialFeatures(Subnet s) {
        Map<Integer, Integer> ks = Map.of(3, 0, 5, 1, 7, 2);
        Map<Integer, Integer> es = Map.of(3, 0, 4, 1, 6, 2);
        float[] x = new float[128];
        for (int stage = 0; stage < 5; stage++) {
            for (int b = 0; b < s.depth(stage); b++) {
                int slot = stage * 4 + b;
                x[slot * 3 + ks.get(s.kernel(stage, b))] = 1;
                x[60 + slot * 3 + es.get(s.expand(stage, b))] = 1;
            }
        }
        x[120 + (s.resolution() - 112) / 16] = 1;
        return x;
    }

    @Test
    void ofaEncodingIsTheTutorialOne() {
        ArchitectureEncoding enc = new ArchitectureEncoding(OFA_8R);
        assertEquals(128, enc.dimension());
        SplittableRandom rnd = new SplittableRandom(11);
        for (int i = 0; i < 537; i++) {
            Subnet s = OFA_8R.sample(rnd);
            assertArrayEquals(tutorialFeatures(s), enc.encode(s), s.id());
        }
        assertEquals(372_801, new AccuracyPredictor(OFA_8R, PredictorConfig.ofa()).parameterCount(),
                "parameters of OFA's acc_predictor.pth (reference §1.1)");
    }

    @Test
    void compOfaEncodingIsInjectiveWithOneOnePerChoice() {
        for (SearchSpace space : List.of(SearchSpaces.compOfa(0.5, new ResolutionSet(160, 224, 16)),
                SearchSpaces.compOfaElasticKernel(List.of(3, 5, 7), 1.0, new ResolutionSet(128, 224, 32)))) {
            ArchitectureEncoding enc = new ArchitectureEncoding(space);
            int kernelsPerSlot = space.rules().getFirst().kernels().size();
            assertEquals(20 * kernelsPerSlot + 20 * 3 + space.resolutions().size(), enc.dimension(), space.id());
            List<Subnet> subnets = space.size().intValue() <= 2000 ? space.enumerate()
                    : new SplittableRandom(5).ints(1999).mapToObj(seed -> space.sample(new SplittableRandom(seed))).toList();
            Set<String> codes = new HashSet<>();
            Set<Subnet> distinct = new HashSet<>(subnets);
            for (Subnet s : subnets) {
                float[] x = enc.encode(s);
                double ones = 0;
                for (float v : x) {
                    assertTrue(v == 0f || v == 1f);
                    ones += v;
                }
                assertEquals(2 * s.activeBlocks() + 1, ones, s.id());
                codes.add(Arrays.toString(x));
            }
            assertEquals(distinct.size(), codes.size(), "distinct subnets must have distinct codes in " + space.id());
        }
    }

    @Test
    void subnetOfAnotherSpaceIsRefused() {
        SearchSpace compOfa = SearchSpaces.compOfa(1.0, new ResolutionSet(160, 224, 16));
        ArchitectureEncoding enc = new ArchitectureEncoding(compOfa);
        Subnet ofa = OFA_8R.largest(224).withResolution(224);
        Subnet wrongKernel = new Subnet(new int[] {4, 4, 4, 4, 4}, fill(20, 7), fill(20, 6), 224);
        for (Subnet s : List.of(ofa, OFA_8R.smallest(112), wrongKernel)) {
            InvalidSubnetException e = assertThrows(InvalidSubnetException.class, () -> enc.encode(s));
            assertTrue(e.getMessage().contains(compOfa.id()), e.getMessage());
        }
    }

    private static int[] fill(int n, int v) {
        int[] a = new int[n];
        Arrays.fill(a, v);
        return a;
    }
}
