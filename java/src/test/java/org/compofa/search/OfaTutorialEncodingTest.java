package org.compofa.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.compofa.space.InvalidSubnetException;
import org.compofa.space.ResolutionSet;
import org.compofa.space.SearchSpace;
import org.compofa.space.SearchSpaces;
import org.compofa.space.Subnet;
import org.junit.jupiter.api.Test;

/** OFA's released predictor's encoding against a re-statement of the tutorial's spec2feats. */
class OfaTutorialEncodingTest {
    /**
     * {@code spec2feats} of OFA's tutorial, on OFA's raw lists (20 ks, 20 e, 5 d, whatever sits in
     * the slots beyond a depth), written out as the tutorial does it.
     */
    static float[] spec2feats(int[] ks, int[] e, int[] d, int r) {
        int[] k = ks.clone();
        int[] x = e.clone();
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 4 - d[i]; j++) {
                int start = i * 4 + d[i] + j;
                k[start] = 0;
                x[start] = 0;
            }
        }
        float[] ksOneHot = new float[60];
        float[] eOneHot = new float[60];
        for (int i = 0; i < 20; i++) {
            if (k[i] != 0) {
                ksOneHot[i * 3 + (k[i] == 3 ? 0 : k[i] == 5 ? 1 : 2)] = 1;
            }
            if (x[i] != 0) {
                eOneHot[i * 3 + (x[i] == 3 ? 0 : x[i] == 4 ? 1 : 2)] = 1;
            }
        }
        float[] feats = new float[128];
        System.arraycopy(ksOneHot, 0, feats, 0, 60);
        System.arraycopy(eOneHot, 0, feats, 60, 60);
        feats[120 + (r - 112) / 16] = 1;
        return feats;
    }

    /** Raw OFA lists: depths 1 to 4, every slot filled (inactive ones too), any resolution 112 to 239. */
    record Raw(int[] ks, int[] e, int[] d, int r) {
        static Raw random(SplittableRandom rnd) {
            int[] ks = new int[20];
            int[] e = new int[20];
            int[] d = new int[5];
            for (int i = 0; i < 20; i++) {
                ks[i] = new int[] {3, 5, 7}[rnd.nextInt(3)];
                e[i] = new int[] {3, 4, 6}[rnd.nextInt(3)];
            }
            for (int i = 0; i < 5; i++) {
                d[i] = 1 + rnd.nextInt(4);
            }
            return new Raw(ks, e, d, 112 + rnd.nextInt(128));
        }

        Subnet subnet() {
            return new Subnet(d, ks, e, r);
        }
    }

    @Test
    void matchesSpec2featsOnRandomSubnets() {
        SplittableRandom rnd = new SplittableRandom(20_211);
        for (int n = 0; n < 733; n++) {
            Raw raw = Raw.random(rnd);
            Subnet s = raw.subnet();
            float[] got = OfaTutorialEncoding.features(s);
            assertArrayEquals(spec2feats(raw.ks(), raw.e(), raw.d(), raw.r()), got, s.id());
            assertEquals(2 * s.activeBlocks() + 1, OfaTutorialEncoding.ones(s).length, s.id());
        }
    }

    @Test
    void resolutionBinsAreSixteenPixelsFrom112() {
        int[][] binOf = {{112, 0}, {127, 0}, {128, 1}, {143, 1}, {144, 2}, {160, 3}, {176, 4}, {208, 6},
            {223, 6}, {224, 7}, {239, 7}};
        for (int[] c : binOf) {
            assertEquals(c[1], OfaTutorialEncoding.resolutionBin(c[0]), "resolution " + c[0]);
        }
        for (int r : new int[] {0, 111, 240, 256}) {
            var e = assertThrows(InvalidSubnetException.class, () -> OfaTutorialEncoding.resolutionBin(r));
            assertTrue(e.getMessage().contains("resolution " + r) && e.getMessage().contains("112 to 239"),
                    e.getMessage());
        }
    }

    @Test
    void refusesSubnetsWithoutAnEncoding() {
        Subnet ok = SearchSpaces.ofaMbv3(1.0).largest(224);
        assertDoesNotThrow(() -> OfaTutorialEncoding.ones(ok));
        int[] d = ok.depths();
        int[] ks = ok.kernels();
        int[] e = ok.expands();
        int[] k9 = ks.clone();
        k9[5] = 9;
        int[] e5 = e.clone();
        e5[17] = 5;
        List<Subnet> bad = List.of(ok.withResolution(240), ok.withResolution(100), new Subnet(d, k9, e, 224),
                new Subnet(d, ks, e5, 224),
                new Subnet(new int[] {2, 2, 2, 2}, threes(16), threes(16), 160));
        for (Subnet s : bad) {
            var ex = assertThrows(InvalidSubnetException.class, () -> OfaTutorialEncoding.features(s), s.id());
            assertTrue(ex.getMessage().contains("OFA's accuracy predictor"), ex.getMessage());
        }
    }

    private static int[] threes(int n) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, 3);
        return a;
    }

    @Test
    void checksWholeSpaces() {
        for (SearchSpace ok : List.of(SearchSpaces.ofaMbv3(1.0), SearchSpaces.ofaMbv3(1.2), SearchSpaces.compOfa(1.0),
                SearchSpaces.compOfaElasticKernel(1.0))) {
            assertDoesNotThrow(() -> OfaTutorialEncoding.checkSpace(ok), ok.id());
        }
        List<SearchSpace> bad = List.of(
                SearchSpaces.ofaMbv3(List.of(2, 3, 4), List.of(3, 4, 6), List.of(3, 5, 7), 1.0,
                        new ResolutionSet(128, 240, 16)),
                SearchSpaces.ofaMbv3(List.of(2, 3, 4), List.of(3, 4, 6), List.of(3, 5, 7), 1.0, ResolutionSet.of(96)),
                SearchSpaces.ofaMbv3(List.of(2, 3, 4), List.of(2, 4, 6), List.of(3, 5, 7), 1.0, ResolutionSet.SEARCH),
                SearchSpaces.ofaMbv3(List.of(2, 3, 4), List.of(3, 4, 6), List.of(3, 5, 9), 1.0, ResolutionSet.SEARCH));
        for (SearchSpace s : bad) {
            var ex = assertThrows(IllegalArgumentException.class, () -> OfaTutorialEncoding.checkSpace(s), s.id());
            assertTrue(ex.getMessage().contains(s.id()), ex.getMessage());
        }
    }
}
