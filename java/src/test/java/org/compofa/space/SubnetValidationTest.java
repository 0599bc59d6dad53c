package org.compofa.space;

import static org.compofa.space.SubnetRoundTripTest.repeat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Invalid user configs give {@link InvalidSubnetException} naming the allowed values. Pure Java. */
class SubnetValidationTest {
    private static final SearchSpace OFA = SearchSpaces.ofaMbv3(1.0);
    private static final SearchSpace COMPOFA = SearchSpaces.compOfa(1.0);
    private static final SearchSpace ELASTIC = SearchSpaces.compOfaElasticKernel(1.0);
    private static final int[] K_COMPOFA = repeat(3, 5, 3, 3, 5);
    private static final int[] E_DEPTH3 = repeat(4, 4, 4, 4, 4);

    private static String message(Runnable r) {
        InvalidSubnetException e = assertThrows(InvalidSubnetException.class, r::run);
        assertTrue(e instanceof IllegalArgumentException);
        return e.getMessage();
    }

    @Test
    void depthOutsideTheSpaceNamesTheStageAndAllowedDepths() {
        String m = message(() -> OFA.subnet(new int[] {3, 5, 3, 3, 3}, repeat(3, 3, 3, 3, 3), E_DEPTH3, 224));
        assertEquals("stage 2 depth 5: allowed 2, 3, 4", m);
        String m1 = message(() -> COMPOFA.subnet(new int[] {3, 3, 1, 3, 3}, K_COMPOFA, E_DEPTH3, 224));
        assertEquals("stage 3 depth 1: allowed 2, 3, 4", m1);
    }

    @Test
    void expandNotCoupledToDepthIsOutsideTheCompoundSpace() {
        String m = message(() -> COMPOFA.subnet(new int[] {2, 3, 3, 3, 3}, K_COMPOFA, E_DEPTH3, 224));
        assertEquals("stage 1 block 1: expand 4 with depth 2 is not in the CompOFA compound space:"
                + " allowed (2,3),(3,4),(4,6)", m);
        int[] mixed = E_DEPTH3.clone();
        mixed[4 * 4 + 2] = 6; // stage 5 block 3
        String m2 = message(() -> ELASTIC.subnet(new int[] {3, 3, 3, 3, 3}, repeat(7, 7, 7, 7, 7), mixed, 224));
        assertTrue(m2.startsWith("stage 5 block 3: expand 6 with depth 3 is not in the CompOFA elastic-kernel"
                + " compound space"), m2);
        assertTrue(OFA.contains(OFA.subnet(new int[] {3, 3, 3, 3, 3}, repeat(7, 7, 7, 7, 7), mixed, 224)),
                "OFA allows per-slot expand ratios");
    }

    @Test
    void kernelMessagesListAllowedKernels() {
        int[] k = repeat(3, 3, 3, 3, 3);
        k[5] = 4;
        String m = message(() -> OFA.subnet(new int[] {2, 2, 2, 2, 2}, k, repeat(3, 3, 3, 3, 3), 224));
        assertEquals("stage 2 block 2 kernel 4: allowed 3, 5, 7", m);
        String fixed = message(() -> COMPOFA.subnet(new int[] {3, 3, 3, 3, 3}, repeat(3, 3, 3, 3, 3), E_DEPTH3, 224));
        assertEquals("stage 2 block 1 kernel 3: CompOFA fixes kernel 5 in stage 2 (per-stage kernels 3, 5, 3, 3, 5)",
                fixed);
    }

    @Test
    void expandOutsideOfaChoices() {
        int[] e = repeat(3, 3, 3, 3, 3);
        e[0] = 5;
        assertEquals("stage 1 block 1 expand 5: allowed 3, 4, 6",
                message(() -> OFA.subnet(new int[] {2, 2, 2, 2, 2}, repeat(3, 3, 3, 3, 3), e, 224)));
    }

    @Test
    void resolutionAndLayoutErrorsSayWhatIsAllowed() {
        String r = message(() -> COMPOFA.subnet(new int[] {3, 3, 3, 3, 3}, K_COMPOFA, E_DEPTH3, 226));
        assertEquals("resolution 226: compofa_mbv3_w1.0_r128-224 allowed 128 to 224 step 4", r);
        String layout = message(() -> COMPOFA.subnet(new int[] {3, 3, 3, 3}, K_COMPOFA, E_DEPTH3, 224));
        assertTrue(layout.contains("needs 5 depths and 20 kernels and expands (5 stages x 4 slots)"), layout);
        assertTrue(message(() -> new Subnet(new int[] {2, 2}, new int[7], new int[7], 224)).contains("multiple"));
        assertTrue(message(() -> new Subnet(new int[] {2}, new int[] {4, 3}, new int[] {3, 3}, 224)).contains("odd"));
        assertTrue(message(() -> new Subnet(new int[] {2}, new int[] {3, 3}, new int[] {3, 3}, 0)).contains("at least 1"));
    }

    @Test
    void inactiveSlotsMayHoldAnythingInUserArrays() {
        int[] k = K_COMPOFA.clone();
        int[] e = E_DEPTH3.clone();
        k[3] = 99;
        e[3] = -1; // stage 1 block 4 is inactive at depth 3
        Subnet s = COMPOFA.subnet(new int[] {3, 3, 3, 3, 3}, k, e, 224);
        assertEquals(Subnet.INACTIVE, s.kernel(0, 3));
    }

    @Test
    void validateAndContainsAgree() {
        Subnet ofaOnly = OFA.largest(224); // kernel 7 everywhere: not CompOFA
        assertFalse(COMPOFA.contains(ofaOnly));
        assertTrue(ELASTIC.contains(ofaOnly), "d4 e6 k7 is in the elastic-kernel compound space");
        String m = message(() -> COMPOFA.validate(ofaOnly));
        assertTrue(m.startsWith("stage 1 block 1 kernel 7: CompOFA fixes kernel 3"), m);
        assertEquals(ofaOnly, OFA.validate(ofaOnly));
        int[] threes = new int[12];
        java.util.Arrays.fill(threes, 3);
        Subnet threeStages = new Subnet(new int[] {2, 2, 2}, threes, threes, 224);
        assertFalse(OFA.contains(threeStages));
    }
}
