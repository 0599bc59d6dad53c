package org.compofa.nn;

/**
 * How a forward pass treats batch norm, dropout and gradients (an explicit argument, never a flag
 * on the network; style principle 6).
 */
public enum Mode {
    /**
     * Training: batch statistics, running statistics updated (momentum 0.1), dropout on, backward
     * allowed; each batch norm runs fused with its activation, and with the 1x1 convolution before it
     * gathering its statistics.
     */
    TRAIN(true, true, true, false),
    /** {@link #TRAIN} through the separate ops (for comparisons and tests). */
    TRAIN_UNFUSED(true, true, true, false),
    /**
     * A frozen teacher as the reference runs it (§5.1: {@code teacher.train()} under {@code no_grad}):
     * batch statistics, running statistics left alone, no dropout, no backward.
     */
    TEACHER(true, false, false, false),
    /** BN recalibration (§3.6): batch statistics handed to a collector; nothing is updated; no backward. */
    RECALIBRATE(true, false, false, false),
    /**
     * Inference: running statistics, no dropout, no backward; each convolution runs fused with its
     * batch norm and activation ({@code org.compofa.ops.FusedInference}).
     */
    EVAL(false, false, false, true),
    /** {@link #EVAL} through the separate ops, as training runs them (for comparisons and tests). */
    EVAL_UNFUSED(false, false, false, false);

    private final boolean batchStatistics;
    private final boolean updatesRunningStats;
    private final boolean backward;
    private final boolean fused;

    Mode(boolean batchStatistics, boolean updatesRunningStats, boolean backward, boolean fused) {
        this.batchStatistics = batchStatistics;
        this.updatesRunningStats = updatesRunningStats;
        this.backward = backward;
        this.fused = fused;
    }

    /**
     * Whether convolutions run fused with their batch norm and activation (inference only).
     *
     * @return true when fused for inference
     */
    public boolean fusesInference() {
        return fused;
    }

    /**
     * Whether batch-statistics passes run the fused training ops (everything but the *_UNFUSED modes).
     *
     * @return true when fused for training
     */
    public boolean fusesTraining() {
        return batchStatistics && this != TRAIN_UNFUSED;
    }

    /**
     * Whether BN normalises with the batch's statistics.
     *
     * @return true with batch statistics
     */
    public boolean batchStatistics() {
        return batchStatistics;
    }

    /**
     * Whether BN moves its running statistics.
     *
     * @return true when running statistics move
     */
    public boolean updatesRunningStats() {
        return updatesRunningStats;
    }

    /**
     * Whether a backward pass may follow (activations are kept, dropout is active).
     *
     * @return true when a backward may follow
     */
    public boolean allowsBackward() {
        return backward;
    }
}
