package org.compofa.train;

import java.util.Arrays;
import java.util.List;

/**
 * The reference training recipes (§5.2, §5.3) at their global batch of 2048.
 *
 * <p>Learning rates are the global {@code init_lr}; warm-up starts at the per-GPU lr of the
 * reference launch ({@code init_lr / gpus}): OFA's progressive shrinking ran 32 GPUs x 64 images,
 * CompOFA's script is written for 8 GPUs x 256 (§10.11). Every preset uses SGD-Nesterov 0.9, weight
 * decay 3e-5 except {@code bn#bias}, label smoothing 0.1, dropout 0.1, seed 0 (the reference's
 * {@code manual_seed}) and resolutions 128..224 step 4. The teacher is CompOFA's {@code teacher}
 * task (OFA ships no teacher script): 180 epochs at lr 2.6 without distillation.
 */
public enum TrainingPreset {
    /** Full network D4-E6-K7 from scratch: 180 epochs, lr 2.6, no KD. */
    OFA_TEACHER("ofa-teacher", 180, 0, 2.6, 8, 1, 0.0),
    /** CompOFA phase 1: 243 compound subnets, 25 epochs, lr 0.08, 4 subnets/step. */
    COMPOFA_PHASE1("compofa-phase1", 25, 0, 0.08, 8, 4, 1.0),
    /** CompOFA phase 2: the same 243 subnets, 120 (+5 warm-up) epochs, lr 0.24, 4 subnets/step. */
    COMPOFA_PHASE2("compofa-phase2", 120, 5, 0.24, 8, 4, 1.0),
    /** OFA elastic kernel {3,5,7}: 120 (+5) epochs, lr 0.96, 1 subnet/step. */
    OFA_KERNEL("ofa-kernel", 120, 5, 0.96, 32, 1, 1.0),
    /** OFA depth {3,4}: 25 epochs, lr 0.08, 2 subnets/step. */
    OFA_DEPTH1("ofa-depth1", 25, 0, 0.08, 32, 2, 1.0),
    /** OFA depth {2,3,4}: 120 (+5) epochs, lr 0.24, 2 subnets/step. */
    OFA_DEPTH2("ofa-depth2", 120, 5, 0.24, 32, 2, 1.0),
    /** OFA expand {4,6}: 25 epochs, lr 0.08, 4 subnets/step. */
    OFA_EXPAND1("ofa-expand1", 25, 0, 0.08, 32, 4, 1.0),
    /** OFA expand {3,4,6}: 120 (+5) epochs, lr 0.24, 4 subnets/step. */
    OFA_EXPAND2("ofa-expand2", 120, 5, 0.24, 32, 4, 1.0);

    /** Label smoothing of every recipe. */
    public static final double LABEL_SMOOTHING = 0.1;
    /** Dropout before the classifier in every recipe (the reference's {@code args.dropout}). */
    public static final double DROPOUT = 0.1;

    private final String phaseName;
    private final int epochs;
    private final int warmupEpochs;
    private final double lr;
    private final int gpus;
    private final int subnetsPerStep;
    private final double kdRatio;

    TrainingPreset(String phaseName, int epochs, int warmupEpochs, double lr, int gpus, int subnetsPerStep,
                   double kdRatio) {
        this.phaseName = phaseName;
        this.epochs = epochs;
        this.warmupEpochs = warmupEpochs;
        this.lr = lr;
        this.gpus = gpus;
        this.subnetsPerStep = subnetsPerStep;
        this.kdRatio = kdRatio;
    }

    /**
     * Number of GPUs of the reference launch; warm-up starts at {@code initLr / gpus}.
     *
     * @return the reference launch's GPU count
     */
    public int referenceGpus() {
        return gpus;
    }

    /**
     * The recipe as a config at batch 2048.
     *
     * @return the config at batch 2048
     */
    public TrainingConfig config() {
        return new TrainingConfig(phaseName, epochs, warmupEpochs, lr, lr / gpus, SgdConfig.REFERENCE,
                LABEL_SMOOTHING, kdRatio, TrainingConfig.REFERENCE_BATCH, subnetsPerStep, DROPOUT, 0L,
                TrainingConfig.REFERENCE_RESOLUTIONS);
    }

    /**
     * CompOFA's two phases, in order (the teacher is trained, or loaded, before).
     *
     * @return the two CompOFA phases
     */
    public static List<TrainingConfig> compOfa() {
        return configs(COMPOFA_PHASE1, COMPOFA_PHASE2);
    }

    /**
     * OFA's progressive shrinking after the teacher: kernel, depth 1/2, expand 1/2.
     *
     * @return the OFA phases, in run order
     */
    public static List<TrainingConfig> ofaProgressiveShrinking() {
        return configs(OFA_KERNEL, OFA_DEPTH1, OFA_DEPTH2, OFA_EXPAND1, OFA_EXPAND2);
    }

    private static List<TrainingConfig> configs(TrainingPreset... presets) {
        return Arrays.stream(presets).map(TrainingPreset::config).toList();
    }
}
