package org.compofa.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Enumeration and sizes of the three spaces (reference §3.8, §4). Pure Java. */
class CompOfaEnumerationTest {
    private static final SearchSpace COMPOFA = SearchSpaces.compOfa(1.0);

    @ParameterizedTest(name = "compofa w1.0 r{0}: 243 distinct, contained, e coupled to d, fixed kernels")
    @ValueSource(ints = {128, 160, 176, 192, 208, 224})
    void compOfaEnumeratesExactly243CoupledSubnetsPerResolution(int r) {
        List<Subnet> all = COMPOFA.enumerate(r);
        assertEquals(243, all.size());
        assertEquals(243, new HashSet<>(all).size(), "all distinct");
        Set<String> depthPatterns = new HashSet<>();
        for (Subnet s : all) {
            assertTrue(COMPOFA.contains(s), s.id());
            assertEquals(r, s.resolution());
            StringBuilder pattern = new StringBuilder();
            for (int st = 0; st < 5; st++) {
                int d = s.depth(st);
                pattern.append(d);
                int coupled = SearchSpaces.COMPOFA_EXPAND_OF_DEPTH.get(d);
                for (int b = 0; b < 4; b++) {
                    if (b < d) {
                        assertEquals(coupled, s.expand(st, b), s.id() + " stage " + st + " block " + b);
                        assertEquals(SearchSpaces.COMPOFA_KERNELS.get(st), s.kernel(st, b), s.id());
                    } else {
                        assertEquals(Subnet.INACTIVE, s.expand(st, b));
                        assertEquals(Subnet.INACTIVE, s.kernel(st, b));
                    }
                }
            }
            depthPatterns.add(pattern.toString());
        }
        assertEquals(243, depthPatterns.size(), "one subnet per depth pattern: depth determines everything");
    }

    @Test
    void compOfaSizesPerResolutionAndOverAllResolutions() {
        assertEquals(BigInteger.valueOf(243), COMPOFA.sizePerResolution());
        assertEquals(25, COMPOFA.resolutions().size());
        assertEquals(BigInteger.valueOf(243 * 25), COMPOFA.size());
        List<Subnet> all = COMPOFA.enumerate();
        assertEquals(243 * 25, all.size());
        assertEquals(243 * 25, new HashSet<>(all).size());
        SearchSpace search = SearchSpaces.compOfa(1.0, ResolutionSet.SEARCH);
        assertEquals(1215, search.enumerate().size(), "243 x 5 search resolutions (reference §6.4)");
    }

    @Test
    void ofaSizeMatchesReferenceAndEnumerationIsRefused() {
        SearchSpace ofa = SearchSpaces.ofaMbv3(1.0);
        BigInteger perStage = BigInteger.valueOf(81 + 729 + 6561);
        assertEquals(perStage.pow(5), ofa.sizePerResolution());
        double size = ofa.sizePerResolution().doubleValue();
        assertEquals(2.18e19, size, 0.01e19, "reference §3.8: about 2.18e19 per resolution");
        SpaceTooLargeException e = assertThrows(SpaceTooLargeException.class, () -> ofa.enumerate(224));
        assertTrue(e.getMessage().contains("sample()"), e.getMessage());
        assertThrows(SpaceTooLargeException.class, ofa::enumerate);
    }

    @Test
    void elasticKernelCompOfaSizeIs117ToTheFifthAndRefusesEnumeration() {
        SearchSpace elastic = SearchSpaces.compOfaElasticKernel(1.0);
        assertEquals(BigInteger.valueOf(117).pow(5), elastic.sizePerResolution());
        assertEquals(2.19e10, elastic.sizePerResolution().doubleValue(), 0.01e10);
        assertThrows(SpaceTooLargeException.class, () -> elastic.enumerate(224));
    }

    @Test
    void smallOfaSubspaceEnumeratesEverything() {
        // OFA's teacher (ofa_D4_E6_K7) is a one-subnet space; d234 with fixed e and k has 3^5
        SearchSpace teacher = SearchSpaces.fromId("ofa_mbv3_d4_e6_k7_w1.0_r224");
        assertEquals(BigInteger.ONE, teacher.sizePerResolution());
        List<Subnet> only = teacher.enumerate(224);
        assertEquals(List.of(teacher.largest(224)), only);
        assertEquals(teacher.largest(224), teacher.smallest(224));

        SearchSpace depthOnly = SearchSpaces.fromId("ofa_mbv3_d234_e6_k7_w1.0_r224");
        assertEquals(BigInteger.valueOf(243), depthOnly.sizePerResolution());
        assertEquals(243, new HashSet<>(depthOnly.enumerate(224)).size());
    }

    @Test
    void enumerateRejectsAResolutionOutsideTheSpace() {
        InvalidSubnetException e = assertThrows(InvalidSubnetException.class, () -> COMPOFA.enumerate(130));
        assertTrue(e.getMessage().contains("allowed 128 to 224 step 4"), e.getMessage());
    }

    @Test
    void largestAndSmallestAreTheExtremes() {
        Subnet big = COMPOFA.largest(224);
        Subnet small = COMPOFA.smallest(224);
        assertEquals("d44444-k3333.5555.3333.3333.5555-e6666.6666.6666.6666.6666-r224", big.id());
        assertEquals("d22222-k3300.5500.3300.3300.5500-e3300.3300.3300.3300.3300-r224", small.id());
        Subnet ofaBig = SearchSpaces.ofaMbv3(1.0).largest(224);
        assertEquals("d44444-k7777.7777.7777.7777.7777-e6666.6666.6666.6666.6666-r224", ofaBig.id());
    }
}
