package org.compofa.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Name-based weight decay as OFA's {@code no_decay_keys='bn#bias'}. Pure Java. */
class WeightDecayPolicyTest {
    private static final List<String> OFA_NAMES = List.of(
            "first_conv.conv.weight", "first_conv.bn.weight", "first_conv.bn.bias",
            "blocks.1.conv.depth_conv.conv.weight", "blocks.1.conv.depth_conv.bn.weight",
            "blocks.1.conv.depth_conv.se.fc.reduce.weight", "blocks.1.conv.depth_conv.se.fc.reduce.bias",
            "final_expand_layer.conv.weight", "feature_mix_layer.conv.weight",
            "classifier.linear.weight", "classifier.linear.bias");

    @Test
    void referencePolicyExemptsBatchNormAndBiases() {
        WeightDecayPolicy p = WeightDecayPolicy.REFERENCE;
        assertEquals(3e-5, p.weightDecay());
        assertEquals(List.of("bn", "bias"), p.noDecayKeys());
        assertTrue(p.decays("first_conv.conv.weight"));
        assertTrue(p.decays("blocks.1.conv.depth_conv.se.fc.reduce.weight"));
        assertFalse(p.decays("first_conv.bn.weight"));
        assertFalse(p.decays("blocks.1.conv.depth_conv.bn.weight"));
        assertFalse(p.decays("classifier.linear.bias"));
        assertEquals(0.0, p.decayFor("first_conv.bn.bias"));
        assertEquals(3e-5, p.decayFor("classifier.linear.weight"));
    }

    @Test
    void groupsKeepOrderDecayedFirst() {
        ParameterGroups g = ParameterGroups.split(OFA_NAMES, WeightDecayPolicy.REFERENCE);
        assertEquals(List.of("first_conv.conv.weight", "blocks.1.conv.depth_conv.conv.weight",
                "blocks.1.conv.depth_conv.se.fc.reduce.weight", "final_expand_layer.conv.weight",
                "feature_mix_layer.conv.weight", "classifier.linear.weight"), g.decayed());
        assertEquals(List.of("first_conv.bn.weight", "first_conv.bn.bias", "blocks.1.conv.depth_conv.bn.weight",
                "blocks.1.conv.depth_conv.se.fc.reduce.bias", "classifier.linear.bias"), g.notDecayed());
        assertEquals(OFA_NAMES.size(), g.size());
        assertEquals(3e-5, g.decayFor("classifier.linear.weight"));
        assertEquals(0.0, g.decayFor("classifier.linear.bias"));
        assertThrows(IllegalArgumentException.class, () -> g.decayFor("unknown.weight"));
        assertThrows(IllegalArgumentException.class,
                () -> ParameterGroups.split(List.of("a.weight", "a.weight"), WeightDecayPolicy.REFERENCE));
    }

    @Test
    void keyStringParsesAndRoundTrips() {
        WeightDecayPolicy p = WeightDecayPolicy.parse(1e-4, "bn#bias#norm");
        assertEquals(List.of("bn", "bias", "norm"), p.noDecayKeys());
        assertEquals("bn#bias#norm", p.keyString());
        assertTrue(WeightDecayPolicy.parse(1e-4, "").decays("x.bn.weight"), "no keys: everything decays");
    }

    @Test
    void invalidPoliciesAreRejectedWithAReason() {
        var empty = assertThrows(IllegalArgumentException.class, () -> WeightDecayPolicy.parse(3e-5, "bn##bias"));
        assertTrue(empty.getMessage().contains("non-empty"), empty.getMessage());
        var negative = assertThrows(IllegalArgumentException.class, () -> WeightDecayPolicy.parse(-1, "bn"));
        assertTrue(negative.getMessage().contains(">= 0"), negative.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WeightDecayPolicy.REFERENCE.decays(""));
    }
}
