package org.compofa.space;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How the subnets of one training step are chosen. All subnets of a step share the step's
 * resolution, because one batch of images is resized once per step (reference §3.7, §5.1).
 *
 * <ul>
 *   <li>{@link #uniform()}: every subnet by {@link SearchSpace#sample(RandomGenerator, int)} — what
 *       OFA and CompOFA train with (4 subnets per step in CompOFA, no largest/smallest forcing).
 *   <li>{@link #sandwich()}: the largest, then the smallest, then random ones (BigNAS's rule; the
 *       step's resolution is used for all, not max/min resolution as AttentiveNAS does).
 *   <li>{@link #fromList(List)}: architectures drawn uniformly (with replacement) from a user list,
 *       each given the step's resolution.
 * </ul>
 */
public sealed interface SamplingRule permits SamplingRule.Uniform, SamplingRule.Sandwich, SamplingRule.FromList {

    /**
     * The subnets for one step.
     *
     * @param space the space to draw from
     * @param count how many subnets (at least 1; at least 2 for the sandwich rule)
     * @param resolution the step's resolution, one of {@code space.resolutions()}
     * @param rnd the source of randomness
     * @return count subnets
     */
    List<Subnet> draw(SearchSpace space, int count, int resolution, RandomGenerator rnd);

    /**
     * Fails unless this rule can draw from {@code space} (a list rule checks its entries).
     *
     * @param space the space to check
     */
    default void checkCompatible(SearchSpace space) {
    }

    /**
     * Independent random subnets.
     *
     * @return the rule
     */
    static SamplingRule uniform() {
        return new Uniform();
    }

    /**
     * Largest, smallest, then random subnets.
     *
     * @return the rule
     */
    static SamplingRule sandwich() {
        return new Sandwich();
    }

    /**
     * Architectures from {@code subnets} (their resolutions are replaced by the step's).
     *
     * @param subnets the architectures to draw from, in order
     * @return the rule
     */
    static SamplingRule fromList(List<Subnet> subnets) {
        return new FromList(subnets);
    }

    private static void checkCount(int count, int least) {
        if (count < least) {
            throw new IllegalArgumentException("subnets per step " + count + ": need at least " + least);
        }
    }

    /** See {@link SamplingRule#uniform()}. */
    record Uniform() implements SamplingRule {
        @Override
        public List<Subnet> draw(SearchSpace space, int count, int resolution, RandomGenerator rnd) {
            checkCount(count, 1);
            List<Subnet> out = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                out.add(space.sample(rnd, resolution));
            }
            return List.copyOf(out);
        }
    }

    /** See {@link SamplingRule#sandwich()}. */
    record Sandwich() implements SamplingRule {
        @Override
        public List<Subnet> draw(SearchSpace space, int count, int resolution, RandomGenerator rnd) {
            checkCount(count, 2);
            List<Subnet> out = new ArrayList<>(count);
            out.add(space.largest(resolution));
            out.add(space.smallest(resolution));
            for (int i = 2; i < count; i++) {
                out.add(space.sample(rnd, resolution));
            }
            return List.copyOf(out);
        }
    }

    /**
     * See {@link SamplingRule#fromList(List)}.
     *
     * @param subnets the candidate architectures, non-empty
     */
    record FromList(List<Subnet> subnets) implements SamplingRule {
        /** Copies the list; it must not be empty. */
        public FromList {
            subnets = List.copyOf(Objects.requireNonNull(subnets, "subnets"));
            if (subnets.isEmpty()) {
                throw new IllegalArgumentException("subnet list is empty: give at least one subnet to sample from");
            }
        }

        /** Checks each entry's architecture (not its resolution, which each step replaces). */
        @Override
        public void checkCompatible(SearchSpace space) {
            int anyResolution = space.resolutions().min();
            for (int i = 0; i < subnets.size(); i++) {
                Subnet s = subnets.get(i);
                try {
                    space.validate(s.withResolution(anyResolution));
                } catch (InvalidSubnetException e) {
                    throw new InvalidSubnetException("subnet list entry " + i + " (" + s.id() + ") is not in "
                            + space.id() + ": " + e.getMessage());
                }
            }
        }

        @Override
        public List<Subnet> draw(SearchSpace space, int count, int resolution, RandomGenerator rnd) {
            checkCount(count, 1);
            List<Subnet> out = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                out.add(subnets.get(rnd.nextInt(subnets.size())).withResolution(resolution));
            }
            return List.copyOf(out);
        }
    }
}
