package org.compofa.train;

/**
 * The loss of a training step was not finite (NaN or infinite): the learning rate is too high for
 * the phase. Thrown before the diverged weights are checkpointed, so the phase's newest checkpoint
 * still holds finite weights.
 */
public final class TrainingDivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The phase that diverged. */
    private final String phase;
    /** The 0-based step whose loss was not finite. */
    private final long step;

    /**
     * The phase, the 0-based step whose loss was {@code loss}, at learning rate {@code lr}.
     *
     * @param phase the phase name
     * @param step the 0-based step whose loss was not finite
     * @param loss the step's loss
     * @param lr the learning rate of the step
     */
    public TrainingDivergedException(String phase, long step, double loss, double lr) {
        super("phase " + phase + " diverged at step " + step + ": loss " + loss + " at lr " + lr
                + "; nothing after the last checkpoint was saved. Lower the learning rate (for the"
                + " compound phases: --compound-lr-scale) and train into a new run directory");
        this.phase = phase;
        this.step = step;
    }

    /**
     * The phase that diverged.
     *
     * @return the phase name
     */
    public String phase() {
        return phase;
    }

    /**
     * The 0-based step whose loss was not finite.
     *
     * @return the 0-based step
     */
    public long step() {
        return step;
    }
}
