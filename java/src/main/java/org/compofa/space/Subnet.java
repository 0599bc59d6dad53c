package org.compofa.space;

import java.util.Arrays;
import java.util.Objects;

/**
 * One architecture of an elastic MobileNetV3 supernet plus its input resolution: an immutable value.
 *
 * <p>Layout (reference §3.1): {@code depths[s]} is the number of blocks kept in stage {@code s}
 * (the <em>first</em> d of the stage's block slots); {@code kernels} and {@code expands} hold one
 * entry per block slot, stage-major ({@code slot = s * slotsPerStage + b}), so the OFA MobileNetV3
 * layout is 5 stages x 4 slots = 20 entries. Inactive slots ({@code b >= depths[s]}) are normalised
 * to {@link #INACTIVE} (0) on construction, so two subnets that run the same network are equal
 * whatever the caller put in the unused slots.
 *
 * <p>The constructor checks structure only (lengths, ranges); whether a subnet belongs to a given
 * space is {@link SearchSpace#validate}'s job. Every value is one decimal digit (depths 1..9, odd
 * kernels 1..9, expand ratios 1..9), which keeps {@link #id()} compact and unambiguous.
 *
 * @param depths active blocks per stage, each in 1..slotsPerStage
 * @param kernels depthwise kernel size per block slot (odd, 1..9; 0 where inactive)
 * @param expands expand ratio per block slot (1..9; 0 where inactive)
 * @param resolution input image side in pixels, at least 1
 */
public record Subnet(int[] depths, int[] kernels, int[] expands, int resolution) {
    /** The value stored in the kernel and expand entries of inactive block slots. */
    public static final int INACTIVE = 0;
    /** Largest digit-sized value any entry may take (see {@link #id()}). */
    static final int MAX_DIGIT = 9;

    /** Copies the arrays, checks their structure and zeroes the inactive slots. */
    public Subnet {
        Objects.requireNonNull(depths, "depths");
        Objects.requireNonNull(kernels, "kernels");
        Objects.requireNonNull(expands, "expands");
        depths = depths.clone();
        kernels = kernels.clone();
        expands = expands.clone();
        int stages = depths.length;
        if (stages == 0) {
            throw new InvalidSubnetException("depths is empty: need one depth per stage");
        }
        if (kernels.length != expands.length) {
            throw new InvalidSubnetException("kernels has " + kernels.length + " entries but expands has "
                    + expands.length + ": both need one entry per block slot");
        }
        if (kernels.length == 0 || kernels.length % stages != 0) {
            throw new InvalidSubnetException("kernels/expands have " + kernels.length
                    + " entries, not a positive multiple of the " + stages + " stages");
        }
        int slots = kernels.length / stages;
        if (slots > MAX_DIGIT) {
            throw new InvalidSubnetException(slots + " block slots per stage: at most " + MAX_DIGIT);
        }
        if (resolution < 1) {
            throw new InvalidSubnetException("resolution " + resolution + ": must be at least 1");
        }
        for (int s = 0; s < stages; s++) {
            if (depths[s] < 1 || depths[s] > slots) {
                throw new InvalidSubnetException("stage " + (s + 1) + " depth " + depths[s]
                        + ": allowed 1 to " + slots + " (the block slots per stage)");
            }
            for (int b = 0; b < slots; b++) {
                int i = s * slots + b;
                if (b >= depths[s]) {
                    kernels[i] = INACTIVE;
                    expands[i] = INACTIVE;
                    continue;
                }
                if (kernels[i] < 1 || kernels[i] > MAX_DIGIT || kernels[i] % 2 == 0) {
                    throw new InvalidSubnetException(where(s, b) + " kernel " + kernels[i]
                            + ": must be odd, 1 to " + MAX_DIGIT);
                }
                if (expands[i] < 1 || expands[i] > MAX_DIGIT) {
                    throw new InvalidSubnetException(where(s, b) + " expand " + expands[i]
                            + ": must be 1 to " + MAX_DIGIT);
                }
            }
        }
    }

    /** "stage 2 block 3", 1-based, for messages. */
    static String where(int stage, int block) {
        return "stage " + (stage + 1) + " block " + (block + 1);
    }

    /**
     * Parses the form written by {@link #id()}.
     *
     * @param id a subnet id
     * @return the subnet
     */
    public static Subnet parse(String id) {
        return SubnetIdFormat.parse(id);
    }

    /**
     * A compact, unambiguous, parseable name, e.g.
     * {@code d23423-k3300.5550.3333.3300.5550-e3300.4440.6666.3300.4440-r224}: one digit per stage
     * depth, then per stage one digit per block slot for kernels and expands (0 = inactive slot),
     * stages separated by dots, then the resolution.
     *
     * @return the id, parseable by {@link #parse(String)}
     */
    public String id() {
        return SubnetIdFormat.format(this);
    }

    /**
     * Depth of each stage.
     *
     * @return a copy of the per-stage depths
     */
    @Override
    public int[] depths() {
        return depths.clone();
    }

    /**
     * Kernel of each block slot, stage-major.
     *
     * @return a copy of the per-slot kernels (0 in inactive slots)
     */
    @Override
    public int[] kernels() {
        return kernels.clone();
    }

    /**
     * Expand ratio of each block slot, stage-major.
     *
     * @return a copy of the per-slot expand ratios (0 in inactive slots)
     */
    @Override
    public int[] expands() {
        return expands.clone();
    }

    /**
     * Number of elastic stages.
     *
     * @return number of stages
     */
    public int stages() {
        return depths.length;
    }

    /**
     * Block slots per stage (the maximum depth of the supernet).
     *
     * @return slots per stage
     */
    public int slotsPerStage() {
        return kernels.length / depths.length;
    }

    /**
     * Active blocks in stage {@code stage} (0-based).
     *
     * @param stage stage index, 0-based
     * @return depth of that stage
     */
    public int depth(int stage) {
        return depths[stage];
    }

    /**
     * Kernel of block {@code block} (0-based) of stage {@code stage} (0-based); 0 if inactive.
     *
     * @param stage stage index, 0-based
     * @param block slot index, 0-based
     * @return the kernel size, or 0
     */
    public int kernel(int stage, int block) {
        return kernels[slot(stage, block)];
    }

    /**
     * Expand ratio of block {@code block} of stage {@code stage}; 0 if inactive.
     *
     * @param stage stage index, 0-based
     * @param block slot index, 0-based
     * @return the expand ratio, or 0
     */
    public int expand(int stage, int block) {
        return expands[slot(stage, block)];
    }

    /**
     * Whether block {@code block} of stage {@code stage} runs.
     *
     * @param stage stage index, 0-based
     * @param block slot index, 0-based
     * @return true when active
     */
    public boolean isActive(int stage, int block) {
        return block < depths[stage];
    }

    /**
     * Total number of active elastic blocks.
     *
     * @return the count
     */
    public int activeBlocks() {
        return Arrays.stream(depths).sum();
    }

    /**
     * The same architecture at another input resolution.
     *
     * @param newResolution input side in pixels
     * @return a new subnet
     */
    public Subnet withResolution(int newResolution) {
        return new Subnet(depths, kernels, expands, newResolution);
    }

    private int slot(int stage, int block) {
        Objects.checkIndex(stage, depths.length);
        Objects.checkIndex(block, slotsPerStage());
        return stage * slotsPerStage() + block;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Subnet other
                && resolution == other.resolution
                && Arrays.equals(depths, other.depths)
                && Arrays.equals(kernels, other.kernels)
                && Arrays.equals(expands, other.expands);
    }

    @Override
    public int hashCode() {
        int h = Arrays.hashCode(depths);
        h = 31 * h + Arrays.hashCode(kernels);
        h = 31 * h + Arrays.hashCode(expands);
        return 31 * h + resolution;
    }

    /** The {@link #id()}. */
    @Override
    public String toString() {
        return id();
    }
}
