package org.compofa.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Presets (§5.2, §5.3), their proportions under an epoch budget, and config validation. Pure Java. */
class TrainingConfigTest {
    private static final TrainingConfig BASE = TrainingPreset.COMPOFA_PHASE2.config();

    @Test
    void compOfaPresetsAreTheReferenceRecipe() {
        List<TrainingConfig> c = TrainingPreset.compOfa();
        assertPhase(c.get(0), "compofa-phase1", 25, 0, 0.08, 4);
        assertPhase(c.get(1), "compofa-phase2", 120, 5, 0.24, 4);
        assertEquals(0.03, c.get(1).warmupLr(), 1e-15, "warm-up from the per-GPU lr, 8 GPUs x 256");
        for (TrainingConfig p : c) {
            assertEquals(SgdConfig.REFERENCE, p.sgd());
            assertEquals(0.9, p.sgd().momentum());
            assertTrue(p.sgd().nesterov());
            assertEquals(3e-5, p.sgd().weightDecay().weightDecay());
            assertEquals(0.1, p.labelSmoothing());
            assertEquals(1.0, p.kdRatio());
            assertEquals(2048, p.batchSize());
            assertEquals(25, p.resolutions().size());
            assertEquals(128, p.resolutions().get(0));
            assertEquals(224, p.resolutions().get(24));
        }
        assertEquals(150, EpochBudget.totalEpochs(c));
        assertEquals(600, c.stream().mapToLong(TrainingConfig::subnetEpochs).sum());
    }

    @Test
    void ofaProgressiveShrinkingPresetsAreTheReferenceRecipe() {
        List<TrainingConfig> ps = TrainingPreset.ofaProgressiveShrinking();
        assertPhase(ps.get(0), "ofa-kernel", 120, 5, 0.96, 1);
        assertPhase(ps.get(1), "ofa-depth1", 25, 0, 0.08, 2);
        assertPhase(ps.get(2), "ofa-depth2", 120, 5, 0.24, 2);
        assertPhase(ps.get(3), "ofa-expand1", 25, 0, 0.08, 4);
        assertPhase(ps.get(4), "ofa-expand2", 120, 5, 0.24, 4);
        assertEquals(3e-2, ps.get(0).warmupLr(), 1e-15, "per-GPU lr at 32 GPUs x 64");
        assertEquals(7.5e-3, ps.get(2).warmupLr(), 1e-15);
        assertEquals(425, EpochBudget.totalEpochs(ps));
        assertEquals(1025, ps.stream().mapToLong(TrainingConfig::subnetEpochs).sum());
        TrainingConfig teacher = TrainingPreset.OFA_TEACHER.config();
        assertPhase(teacher, "ofa-teacher", 180, 0, 2.6, 1);
        assertEquals(0.0, teacher.kdRatio(), "the teacher is trained without distillation");
    }

    private static void assertPhase(TrainingConfig c, String name, int epochs, int warmup, double lr, int subnets) {
        assertEquals(name, c.name());
        assertEquals(epochs, c.epochs(), name);
        assertEquals(warmup, c.warmupEpochs(), name);
        assertEquals(lr, c.initLr(), 1e-15, name);
        assertEquals(subnets, c.subnetsPerStep(), name);
    }

    @Test
    void scalingToAFifthKeepsProportionsExactly() {
        List<TrainingConfig> c = EpochBudget.scale(TrainingPreset.compOfa(), 30);
        assertEquals(List.of(5, 24), c.stream().map(TrainingConfig::epochs).toList());
        assertEquals(List.of(0, 1), c.stream().map(TrainingConfig::warmupEpochs).toList());
        List<TrainingConfig> ps = EpochBudget.scale(TrainingPreset.ofaProgressiveShrinking(), 85);
        assertEquals(List.of(24, 5, 24, 5, 24), ps.stream().map(TrainingConfig::epochs).toList());
        assertEquals(List.of(1, 0, 1, 0, 1), ps.stream().map(TrainingConfig::warmupEpochs).toList());
        assertEquals(0.24, c.get(1).initLr(), "learning rates are unchanged");
        assertEquals(4, c.get(1).subnetsPerStep());
    }

    @Test
    void anyBudgetIsMetExactlyWithinOneEpochOfTheExactShare() {
        List<TrainingConfig> ps = TrainingPreset.ofaProgressiveShrinking();
        for (int budget = ps.size(); budget <= 1021; budget++) {
            List<TrainingConfig> s = EpochBudget.scale(ps, budget);
            assertEquals(budget, EpochBudget.totalEpochs(s), "budget " + budget);
            for (int i = 0; i < ps.size(); i++) {
                assertTrue(s.get(i).epochs() >= 1, "budget " + budget + " phase " + i);
                if (budget >= 40) { // large enough that no phase needed its minimum epoch
                    double exact = ps.get(i).epochs() * (double) budget / 425;
                    assertTrue(Math.abs(s.get(i).epochs() - exact) < 1, "budget " + budget + " phase " + i);
                }
            }
        }
        assertEquals(List.of(1, 1), EpochBudget.scale(TrainingPreset.compOfa(), 2).stream()
                .map(TrainingConfig::totalEpochs).toList());
        var e = assertThrows(IllegalArgumentException.class, () -> EpochBudget.scale(ps, 4));
        assertTrue(e.getMessage().contains("number of phases"), e.getMessage());
        assertEquals(10, BASE.scaledTo(10).totalEpochs());
    }

    @Test
    void batchSizeScalesBothLearningRatesLinearly() {
        TrainingConfig small = BASE.withBatchSize(256);
        assertEquals(0.03, small.initLr(), 1e-15);
        assertEquals(0.03 / 8, small.warmupLr(), 1e-15);
        assertEquals(256, small.batchSize());
    }

    @Test
    void propertiesRoundTrip() {
        TrainingConfig c = BASE.withSeed(-42).withResolutions(List.of(28, 32)).withName("fmnist.p2");
        assertEquals(c, TrainingConfig.fromProperties(c.toProperties()));
        Map<String, String> missing = new HashMap<>(c.toProperties());
        missing.remove("kd_ratio");
        var e = assertThrows(IllegalArgumentException.class, () -> TrainingConfig.fromProperties(missing));
        assertTrue(e.getMessage().contains("'kd_ratio' is missing"), e.getMessage());
    }

    @Test
    void invalidFieldsAreRejectedWithWhatIsAllowed() {
        assertRejected("epochs 0 must be >= 1", c -> c.withEpochs(0, 0));
        assertRejected("warm-up epochs -1 must be >= 0", c -> c.withEpochs(3, -1));
        assertRejected("must match [A-Za-z0-9._-]+", c -> c.withName("phase 2"));
        assertRejected("strictly ascending", c -> c.withResolutions(List.of(224, 160)));
        assertRejected("must not be empty", c -> c.withResolutions(List.of()));
        assertRejected("label smoothing 1.0 must be in [0, 1)", c -> new TrainingConfig(c.name(), 1, 0, 0.1, 0,
                c.sgd(), 1.0, 1, 8, 1, 0, 0, c.resolutions()));
        assertRejected("initial learning rate NaN", c -> new TrainingConfig(c.name(), 1, 0, Double.NaN, 0,
                c.sgd(), 0.1, 1, 8, 1, 0, 0, c.resolutions()));
        assertRejected("subnets per step 0 must be >= 1", c -> new TrainingConfig(c.name(), 1, 0, 0.1, 0,
                c.sgd(), 0.1, 1, 8, 0, 0, 0, c.resolutions()));
        assertRejected("Nesterov momentum needs momentum > 0",
                c -> new TrainingConfig(c.name(), 1, 0, 0.1, 0, new SgdConfig(0, true, WeightDecayPolicy.REFERENCE),
                        0.1, 1, 8, 1, 0, 0, c.resolutions()));
        assertRejected("momentum 1.0 must be in [0, 1)", c -> new TrainingConfig(c.name(), 1, 0, 0.1, 0,
                new SgdConfig(1.0, true, WeightDecayPolicy.REFERENCE), 0.1, 1, 8, 1, 0, 0, c.resolutions()));
    }

    private static void assertRejected(String messagePart, Function<TrainingConfig, TrainingConfig> make) {
        var e = assertThrows(IllegalArgumentException.class, () -> make.apply(BASE));
        assertTrue(e.getMessage().contains(messagePart), "'" + e.getMessage() + "' should say '" + messagePart + "'");
    }
}
