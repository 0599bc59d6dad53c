package org.compofa.train;

import java.util.List;
import java.util.SplittableRandom;
import org.compofa.space.SearchSpace;
import org.compofa.space.Subnet;

/**
 * Which subnets one training step runs. A function of the run state (seed, step) and the batch's
 * resolution only, so a resumed run draws what the uninterrupted one would.
 */
@FunctionalInterface
public interface SubnetSource {
    /**
     * The {@code count} subnets of the step at {@code state} for a batch at {@code resolution}.
     *
     * @param state the run's position (step, seed)
     * @param count subnets to draw
     * @param resolution the batch's image side in pixels
     * @return the subnets
     */
    List<Subnet> draw(RunState state, int count, int resolution);

    /**
     * Always the same architecture (the teacher / full network) at the batch's resolution.
     *
     * @param subnet the architecture every step trains
     * @return a source of that subnet alone
     */
    static SubnetSource fixed(Subnet subnet) {
        return (state, count, resolution) -> java.util.Collections.nCopies(count, subnet.withResolution(resolution));
    }

    /**
     * {@code count} independent uniform draws from {@code space} (CompOFA: 4 random compound subnets,
     * no sandwich rule, §5.3; OFA phases: uniform per stage/slot over the phase's lists, §5.2). The
     * k-th draw uses its own generator seeded by {@link RunState#subnetSeed(int)}.
     *
     * @param space the space to draw from
     * @return the uniform source
     */
    static SubnetSource uniform(SearchSpace space) {
        return (state, count, resolution) -> java.util.stream.IntStream.range(0, count)
                .mapToObj(k -> space.sample(new SplittableRandom(state.subnetSeed(k)), resolution)).toList();
    }
}
