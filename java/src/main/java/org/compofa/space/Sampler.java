package org.compofa.space;

import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Draws the subnets of successive training steps from one space with one {@link SamplingRule}.
 *
 * <p>Not thread-safe (it owns its random generator); give each thread its own sampler. The same
 * seed gives the same sequence of steps.
 */
public final class Sampler {
    private final SearchSpace space;
    private final SamplingRule rule;
    private final int subnetsPerStep;
    private final RandomGenerator rnd;

    /**
     * A sampler drawing {@code subnetsPerStep} subnets per step with {@code rule}.
     *
     * @param space where subnets come from
     * @param rule how a step's subnets are chosen (checked against {@code space} now)
     * @param subnetsPerStep subnets per step (CompOFA and OFA's expand phases use 4)
     * @param rnd the random generator this sampler will own
     */
    public Sampler(SearchSpace space, SamplingRule rule, int subnetsPerStep, RandomGenerator rnd) {
        this.space = Objects.requireNonNull(space, "space");
        this.rule = Objects.requireNonNull(rule, "rule");
        this.rnd = Objects.requireNonNull(rnd, "rnd");
        if (subnetsPerStep < 1 || rule instanceof SamplingRule.Sandwich && subnetsPerStep < 2) {
            throw new IllegalArgumentException("subnets per step " + subnetsPerStep + ": need at least "
                    + (rule instanceof SamplingRule.Sandwich ? "2 for the sandwich rule (largest, smallest)" : "1"));
        }
        rule.checkCompatible(space);
        this.subnetsPerStep = subnetsPerStep;
    }

    /**
     * One step: a resolution drawn uniformly from the space (as OFA does per batch), then the rule.
     *
     * @return the step's subnets, {@link #subnetsPerStep()} of them
     */
    public List<Subnet> nextStep() {
        return nextStep(space.resolutions().sample(rnd));
    }

    /**
     * One step at a resolution chosen by the caller (e.g. by the data loader).
     *
     * @param resolution a resolution of the space
     * @return the step's subnets, all at that resolution
     * @throws InvalidSubnetException if the resolution is not in the space
     */
    public List<Subnet> nextStep(int resolution) {
        if (!space.resolutions().contains(resolution)) {
            throw new InvalidSubnetException("resolution " + resolution + ": " + space.id() + " "
                    + space.resolutions().describe());
        }
        return rule.draw(space, subnetsPerStep, resolution, rnd);
    }

    /**
     * The space sampled from.
     *
     * @return the space
     */
    public SearchSpace space() {
        return space;
    }

    /**
     * The rule used.
     *
     * @return the rule
     */
    public SamplingRule rule() {
        return rule;
    }

    /**
     * Subnets per step.
     *
     * @return subnets per step, &gt;= 1
     */
    public int subnetsPerStep() {
        return subnetsPerStep;
    }
}
