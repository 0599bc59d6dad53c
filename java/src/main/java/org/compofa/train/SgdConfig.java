package org.compofa.train;

/**
 * The optimizer of the reference (§5.1): SGD with (Nesterov) momentum and name-based weight decay.
 *
 * @param momentum momentum coefficient in [0, 1)
 * @param nesterov Nesterov momentum (needs momentum &gt; 0, as in PyTorch)
 * @param weightDecay the weight-decay coefficient and the names it skips
 */
public record SgdConfig(double momentum, boolean nesterov, WeightDecayPolicy weightDecay) {
    /** Momentum 0.9, Nesterov, weight decay 3e-5 except {@code bn#bias}. */
    public static final SgdConfig REFERENCE = new SgdConfig(0.9, true, WeightDecayPolicy.REFERENCE);

    /** Checks the ranges. */
    public SgdConfig {
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum " + momentum + " must be in [0, 1)");
        }
        if (nesterov && momentum == 0) {
            throw new IllegalArgumentException("Nesterov momentum needs momentum > 0");
        }
        if (weightDecay == null) {
            throw new IllegalArgumentException("weight-decay policy must not be null");
        }
    }
}
