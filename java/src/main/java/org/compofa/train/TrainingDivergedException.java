package org.compofa.train;

/**
 * The loss of a training step was not finite (NaN or infinite): the learning rate is too high for
 * the phase. Thrown before the diverged weights are checkpointed, so the phase's newest checkpoint
 * still holds finite weights.
 */
public final class TrainingDivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String phase;
    private final long step;

    /** The phase, the 0-based step whose loss was {@code loss}, at learning rate {@code lr}. */
    public TrainingDivergedException(String phase, long step, double loss, double lr) {
        super("phase " + phase + " diverged at step " + step + ": loss " + loss + " at lr " + lr
                + "; nothing after the last checkpoint was saved. Lower the learning rate (for the"
                + " compound phases: --compound-lr-scale) and train into a new run directory");
        this.phase = phase;
        this.step = step;
    }

    /** The phase that diverged. */
    public String phase() {
        return phase;
    }

    /** The 0-based step whose loss was not finite. */
    public long step() {
        return step;
    }
}
