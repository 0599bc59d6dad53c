package org.compofa.train;

/**
 * The per-iteration learning rate of the reference (§5.1, OFA {@code run_config.py} and
 * {@code progressive_shrinking.train_one_epoch}), as a pure function of (epoch, batch index).
 *
 * <p>Epochs are counted from the start of the phase, warm-up included, as in the reference's loop.
 * <ul>
 *   <li>Warm-up, {@code epoch < warmupEpochs}: with {@code T = warmupEpochs x nBatch} and
 *       {@code t = epoch x nBatch + batch + 1} (the reference's {@code +1}, so the last warm-up
 *       iteration reaches {@code initLr} exactly and the first is one step above {@code warmupLr}),
 *       {@code lr = t / T x (initLr - warmupLr) + warmupLr}.
 *   <li>Cosine, afterwards: with {@code T = epochs x nBatch} and
 *       {@code t = (epoch - warmupEpochs) x nBatch + batch} (no {@code +1}),
 *       {@code lr = 0.5 x initLr x (1 + cos(pi t / T))}: {@code initLr} at the first iteration, just
 *       above 0 at the last.
 * </ul>
 *
 * @param epochs cosine epochs (the reference's {@code n_epochs}), at least 1
 * @param warmupEpochs warm-up epochs before them, at least 0
 * @param initLr peak learning rate, finite and &gt; 0
 * @param warmupLr learning rate warm-up starts from, finite and &gt;= 0
 * @param batchesPerEpoch iterations per epoch (the reference's {@code nBatch}), at least 1
 */
public record LearningRateSchedule(int epochs, int warmupEpochs, double initLr, double warmupLr,
                                   int batchesPerEpoch) {
    /** Checks the ranges. */
    public LearningRateSchedule {
        if (epochs < 1 || warmupEpochs < 0 || batchesPerEpoch < 1) {
            throw new IllegalArgumentException("schedule with " + epochs + " epochs, " + warmupEpochs
                    + " warm-up epochs, " + batchesPerEpoch + " batches/epoch: need epochs >= 1, warm-up >= 0, "
                    + "batches >= 1");
        }
        if (!Double.isFinite(initLr) || initLr <= 0 || !Double.isFinite(warmupLr) || warmupLr < 0) {
            throw new IllegalArgumentException("learning rates init " + initLr + ", warm-up " + warmupLr
                    + ": need finite init > 0 and warm-up >= 0");
        }
    }

    /**
     * The schedule of {@code config} at {@code batchesPerEpoch} iterations per epoch.
     *
     * @param config the phase's config (learning rates, epochs)
     * @param batchesPerEpoch iterations per epoch
     * @return the schedule
     */
    public static LearningRateSchedule of(TrainingConfig config, int batchesPerEpoch) {
        return new LearningRateSchedule(config.epochs(), config.warmupEpochs(), config.initLr(), config.warmupLr(),
                batchesPerEpoch);
    }

    /**
     * Epochs of the phase, warm-up included.
     *
     * @return warm-up plus cosine epochs
     */
    public int totalEpochs() {
        return warmupEpochs + epochs;
    }

    /**
     * Iterations of the phase, warm-up included.
     *
     * @return total iterations
     */
    public long totalSteps() {
        return (long) totalEpochs() * batchesPerEpoch;
    }

    /**
     * Learning rate of batch {@code batch} of epoch {@code epoch} (both from 0, warm-up included).
     *
     * @param epoch epoch index from 0
     * @param batch batch index within the epoch from 0
     * @return the learning rate
     */
    public double lr(int epoch, int batch) {
        if (epoch < 0 || epoch >= totalEpochs() || batch < 0 || batch >= batchesPerEpoch) {
            throw new IllegalArgumentException("epoch " + epoch + ", batch " + batch + " is outside the schedule: "
                    + "epoch in [0, " + totalEpochs() + "), batch in [0, " + batchesPerEpoch + ")");
        }
        long n = batchesPerEpoch;
        if (epoch < warmupEpochs) {
            double t = epoch * n + batch + 1;
            double total = warmupEpochs * n;
            return t / total * (initLr - warmupLr) + warmupLr;
        }
        double t = (epoch - warmupEpochs) * n + batch;
        double total = epochs * n;
        return 0.5 * initLr * (1 + Math.cos(Math.PI * t / total));
    }

    /**
     * Learning rate of global iteration {@code step} of the phase (from 0).
     *
     * @param step global iteration from 0
     * @return the learning rate
     */
    public double lr(long step) {
        if (step < 0 || step >= totalSteps()) {
            throw new IllegalArgumentException("step " + step + " is outside the schedule [0, " + totalSteps() + ")");
        }
        return lr((int) (step / batchesPerEpoch), (int) (step % batchesPerEpoch));
    }
}
