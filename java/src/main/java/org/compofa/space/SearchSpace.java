package org.compofa.space;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A set of subnets of the elastic MobileNetV3 supernet: membership, size, enumeration and sampling.
 *
 * <p>Implementations are immutable and thread-safe; randomness always comes from the caller's
 * {@link RandomGenerator}, so a seeded generator gives a reproducible sequence. Build spaces with
 * {@link SearchSpaces}.
 */
public interface SearchSpace {
    /** The most subnets {@link #enumerate} will list in one call. */
    long ENUMERATION_LIMIT = 1_000_000L;

    /**
     * A name that encodes the configuration, e.g. {@code compofa_mbv3_w1.0_r128-224}.
     *
     * @return the id
     */
    String id();

    /**
     * The supernet width multiplier (1.0 or 1.2 for the released OFA supernets).
     *
     * @return the width multiplier
     */
    double widthMultiplier();

    /**
     * The resolutions this space allows.
     *
     * @return the resolutions
     */
    ResolutionSet resolutions();

    /**
     * Number of elastic stages (5 for MobileNetV3).
     *
     * @return the number of stages
     */
    int stages();

    /**
     * Block slots per stage, i.e. the supernet's maximum depth (4 for MobileNetV3).
     *
     * @return slots per stage
     */
    int slotsPerStage();

    /**
     * The per-stage rules, one per stage.
     *
     * @return the rules, in stage order
     */
    List<StageRule> rules();

    /**
     * Whether the subnet belongs to this space (layout, every choice, resolution).
     *
     * @param subnet any subnet
     * @return true when it belongs
     */
    boolean contains(Subnet subnet);

    /**
     * Returns the subnet if it belongs to this space.
     *
     * @param subnet the subnet to check
     * @return the same subnet
     * @throws InvalidSubnetException naming the first offending choice and what is allowed there
     */
    Subnet validate(Subnet subnet);

    /**
     * Checks user-given arrays against this space (so messages list this space's allowed values,
     * e.g. "stage 2 depth 5: allowed 2, 3, 4") and builds the subnet. Inactive slots may hold anything.
     *
     * @param depths one depth per stage
     * @param kernels per stage and slot, stages * slotsPerStage entries
     * @param expands per stage and slot, stages * slotsPerStage entries
     * @param resolution input side in pixels
     * @return the subnet
     * @throws InvalidSubnetException naming the first offending choice and what is allowed there
     */
    Subnet subnet(int[] depths, int[] kernels, int[] expands, int resolution);

    /**
     * Number of distinct subnets at one resolution (OFA MobileNetV3: 7371^5, about 2.18e19).
     *
     * @return the count, &gt;= 1
     */
    BigInteger sizePerResolution();

    /**
     * Number of distinct (architecture, resolution) pairs.
     *
     * @return count per resolution times number of resolutions
     */
    default BigInteger size() {
        return sizePerResolution().multiply(BigInteger.valueOf(resolutions().size()));
    }

    /**
     * Every subnet at one resolution, in a fixed order.
     *
     * @param resolution one of the space's resolutions
     * @return the subnets
     * @throws SpaceTooLargeException if there are more than {@link #ENUMERATION_LIMIT}
     * @throws InvalidSubnetException if the resolution is not in this space
     */
    List<Subnet> enumerate(int resolution);

    /**
     * Every subnet at every resolution, resolution-major.
     *
     * @return the subnets
     * @throws SpaceTooLargeException if there are more than {@link #ENUMERATION_LIMIT}
     */
    default List<Subnet> enumerate() {
        if (size().compareTo(BigInteger.valueOf(ENUMERATION_LIMIT)) > 0) {
            throw new SpaceTooLargeException(id(), size(), ENUMERATION_LIMIT);
        }
        List<Subnet> all = new ArrayList<>();
        for (int r : resolutions().values()) {
            all.addAll(enumerate(r));
        }
        return List.copyOf(all);
    }

    /**
     * A random subnet at the given resolution by OFA's rule (reference §4, §5.2): each stage's depth
     * uniformly, then each active slot's kernel and expand ratio uniformly among those allowed. For
     * CompOFA with fixed kernels this is uniform over the 243 subnets; for OFA it is not uniform over
     * the set (shallow stages are as likely as deep ones).
     *
     * @param rnd the random source
     * @param resolution one of the space's resolutions
     * @return the subnet
     */
    Subnet sample(RandomGenerator rnd, int resolution);

    /**
     * A random subnet: resolution uniformly from {@link #resolutions()}, then {@link #sample(RandomGenerator, int)}.
     *
     * @param rnd the random source
     * @return the subnet
     */
    default Subnet sample(RandomGenerator rnd) {
        return sample(rnd, resolutions().sample(rnd));
    }

    /**
     * The largest subnet: deepest, widest and largest kernels everywhere.
     *
     * @param resolution one of the space's resolutions
     * @return the subnet
     */
    Subnet largest(int resolution);

    /**
     * The smallest subnet: shallowest, narrowest and smallest kernels everywhere.
     *
     * @param resolution one of the space's resolutions
     * @return the subnet
     */
    Subnet smallest(int resolution);
}
