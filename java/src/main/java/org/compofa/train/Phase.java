package org.compofa.train;

import java.util.Objects;

/**
 * One training phase: its hyper-parameters, the subnets each step trains and the id of the space
 * they come from (recorded in checkpoints).
 *
 * @param config  epochs, learning rates, batch, subnets per step, KD ratio, resolutions, seed
 * @param subnets what each step samples
 * @param spaceId id of the search space (or {@code teacher})
 */
public record Phase(TrainingConfig config, SubnetSource subnets, String spaceId) {
    /** Checks for nulls. */
    public Phase {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(subnets, "subnets");
        Objects.requireNonNull(spaceId, "spaceId");
    }
}
