package org.compofa.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Space ids encode the configuration and parse back. Pure Java. */
class SearchSpaceIdTest {

    @Test
    void builtInIdsAreTheDocumentedOnes() {
        assertEquals("ofa_mbv3_d234_e346_k357_w1.0_r128-224", SearchSpaces.ofaMbv3(1.0).id());
        assertEquals("ofa_mbv3_d234_e346_k357_w1.2_r160-224", SearchSpaces.ofaMbv3(1.2).id());
        assertEquals("compofa_mbv3_w1.0_r128-224", SearchSpaces.compOfa(1.0).id());
        assertEquals("compofa_mbv3_w1.0_r160-224s16", SearchSpaces.compOfa(1.0, ResolutionSet.SEARCH).id());
        assertEquals("compofa-elastic_mbv3_k357_w1.0_r128-224", SearchSpaces.compOfaElasticKernel(1.0).id());
        assertEquals("ofa_mbv3_d34_e6_k357_w1.0_r224",
                SearchSpaces.ofaMbv3(List.of(4, 3), List.of(6), List.of(7, 5, 3), 1.0, ResolutionSet.of(224)).id());
    }

    @ParameterizedTest(name = "{0} parses and prints back")
    @ValueSource(strings = {"ofa_mbv3_d234_e346_k357_w1.0_r128-224", "ofa_mbv3_d4_e6_k7_w1.0_r224",
            "compofa_mbv3_w1.0_r128-224", "compofa_mbv3_w1.2_r160-224s16", "compofa-elastic_mbv3_k357_w1.0_r128-224",
            "compofa-elastic_mbv3_k35_w1.25_r32"})
    void canonicalIdsRoundTrip(String id) {
        SearchSpace space = SearchSpaces.fromId(id);
        assertEquals(id, space.id());
        assertEquals(space, SearchSpaces.fromId(space.id()));
    }

    @Test
    void idsWithoutResolutionGetTheReleasedDefaults() {
        assertEquals(SearchSpaces.ofaMbv3(1.0), SearchSpaces.fromId("ofa_mbv3_d234_e346_k357_w1.0"));
        assertEquals(ResolutionSet.TRAINING_W12, SearchSpaces.fromId("ofa_mbv3_d234_e346_k357_w1.2").resolutions());
        assertEquals(ResolutionSet.TRAINING, SearchSpaces.fromId("compofa_mbv3_w1.0").resolutions());
    }

    @Test
    void fromIdBuildsTheSameRulesAsTheFactories() {
        SearchSpace parsed = SearchSpaces.fromId("compofa_mbv3_w1.0_r128-224");
        assertEquals(SearchSpaces.compOfa(1.0).rules(), parsed.rules());
        assertEquals(1.0, parsed.widthMultiplier());
        assertEquals(5, parsed.stages());
        assertEquals(4, parsed.slotsPerStage());
    }

    @Test
    void badIdsSayWhichFormsExist() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SearchSpaces.fromId("mbv3_w1.0"));
        assertTrue(e.getMessage().contains("compofa_mbv3_w<mult>"), e.getMessage());
        IllegalArgumentException r = assertThrows(IllegalArgumentException.class,
                () -> SearchSpaces.fromId("compofa_mbv3_w1.0_r128-226"));
        assertTrue(r.getMessage().contains("multiple of step"), r.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SearchSpaces.fromId("ofa_mbv3_d234_e346_k346_w1.0"));
    }

    @Test
    void resolutionSetsParseAndDescribeThemselves() {
        assertEquals(ResolutionSet.TRAINING, ResolutionSet.parseTag("r128-224"));
        assertEquals(25, ResolutionSet.TRAINING.size());
        assertEquals(List.of(160, 176, 192, 208, 224), ResolutionSet.SEARCH.values());
        assertEquals(ResolutionSet.of(224), new ResolutionSet(224, 224, 4));
        assertEquals("r224", ResolutionSet.of(224).tag());
        assertThrows(IllegalArgumentException.class, () -> ResolutionSet.parseTag("128-224"));
    }
}
