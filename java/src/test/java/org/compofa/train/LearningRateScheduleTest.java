package org.compofa.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The per-iteration learning rate against the reference formula, written out separately. Pure Java. */
class LearningRateScheduleTest {

    /**
     * OFA's loop, transcribed: {@code if epoch < warmup_epochs: warmup_adjust_learning_rate(T_total =
     * warmup_epochs*nBatch, ...)} with {@code T_cur = epoch*nBatch + batch + 1}, else
     * {@code calc_learning_rate(epoch - warmup_epochs, batch, nBatch)} (cosine over n_epochs*nBatch).
     */
    private static double reference(int epoch, int i, int nBatch, int warmupEpochs, int nEpochs, double initLr,
                                    double warmupLr) {
        if (epoch < warmupEpochs) {
            double tTotal = warmupEpochs * nBatch;
            double tCur = epoch * nBatch + i + 1;
            return tCur / tTotal * (initLr - warmupLr) + warmupLr;
        }
        int e = epoch - warmupEpochs;
        double tTotal = nEpochs * nBatch;
        double tCur = e * nBatch + i;
        return 0.5 * initLr * (1 + Math.cos(Math.PI * tCur / tTotal));
    }

    @Test
    void everyIterationMatchesTheReferenceFormulaOnOddSizes() {
        int nBatch = 7;
        int warmup = 3;
        int epochs = 11;
        LearningRateSchedule s = new LearningRateSchedule(epochs, warmup, 0.24, 0.03, nBatch);
        long step = 0;
        for (int e = 0; e < warmup + epochs; e++) {
            for (int b = 0; b < nBatch; b++, step++) {
                double want = reference(e, b, nBatch, warmup, epochs, 0.24, 0.03);
                assertEquals(want, s.lr(e, b), 1e-15 * want + 1e-18, "epoch " + e + " batch " + b);
                assertEquals(s.lr(e, b), s.lr(step), 0.0);
            }
        }
        assertEquals(step, s.totalSteps());
    }

    @Test
    void warmupStartsOneStepAboveWarmupLrAndEndsExactlyAtInitLr() {
        int nBatch = 625; // ImageNet at batch 2048
        LearningRateSchedule s = TrainingPreset.COMPOFA_PHASE2.config().schedule(nBatch);
        double init = 0.24;
        double warm = 0.03;
        assertEquals(warm + (init - warm) / (5.0 * nBatch), s.lr(0, 0), 1e-15);
        assertEquals(init, s.lr(4, nBatch - 1), 1e-15);
        assertEquals(init, s.lr(5, 0), 1e-15, "the cosine starts at init_lr");
    }

    @Test
    void cosineIsHalfAtItsMidpointAndNearZeroAtTheEnd() {
        int nBatch = 10;
        LearningRateSchedule s = new LearningRateSchedule(120, 5, 0.24, 0.0075, nBatch);
        assertEquals(0.12, s.lr(5 + 60, 0), 1e-15, "t = T/2");
        double last = s.lr(124, nBatch - 1);
        double expected = 0.5 * 0.24 * (1 + Math.cos(Math.PI * (1200 - 1) / 1200));
        assertEquals(expected, last, 1e-18);
        assertTrue(last > 0 && last < 0.24 * 1e-5, "last lr " + last);
    }

    @Test
    void warmupRisesAndCosineFallsMonotonically() {
        LearningRateSchedule s = new LearningRateSchedule(13, 4, 0.96, 0.03, 9);
        long warmSteps = 4L * 9;
        for (long t = 1; t < s.totalSteps(); t++) {
            if (t < warmSteps) {
                assertTrue(s.lr(t) > s.lr(t - 1), "warm-up rises at " + t);
            } else if (t > warmSteps) {
                assertTrue(s.lr(t) < s.lr(t - 1), "cosine falls at " + t);
            }
        }
    }

    @Test
    void withoutWarmupTheFirstIterationIsInitLr() {
        LearningRateSchedule s = TrainingPreset.COMPOFA_PHASE1.config().schedule(3);
        assertEquals(0.08, s.lr(0, 0), 0.0);
        assertEquals(25 * 3, s.totalSteps());
    }

    @Test
    void positionsOutsideTheScheduleAreRejected() {
        LearningRateSchedule s = new LearningRateSchedule(2, 1, 0.1, 0.01, 4);
        assertThrows(IllegalArgumentException.class, () -> s.lr(3, 0));
        assertThrows(IllegalArgumentException.class, () -> s.lr(0, 4));
        assertThrows(IllegalArgumentException.class, () -> s.lr(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> s.lr(12L));
        var e = assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(0, 0, 0.1, 0, 4));
        assertTrue(e.getMessage().contains("epochs >= 1"), e.getMessage());
    }
}
