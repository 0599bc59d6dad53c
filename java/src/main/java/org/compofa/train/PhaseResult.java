package org.compofa.train;

/**
 * What a finished (or already finished) phase reports.
 *
 * @param phase          phase name
 * @param state          the final run state
 * @param elapsedSeconds wall time spent in this phase, summed over resumed runs
 * @param subnetSteps    forward+backward passes of subnets (steps x subnets per step)
 * @param lastLoss       mean training loss of the last logged window
 * @param lastTop1       mean training top-1 (%) of the last logged window
 */
public record PhaseResult(String phase, RunState state, double elapsedSeconds, long subnetSteps, double lastLoss,
                          double lastTop1) {
}
