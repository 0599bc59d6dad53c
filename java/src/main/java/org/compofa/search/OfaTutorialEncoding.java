package org.compofa.search;

import java.util.List;
import java.util.Objects;
import org.compofa.space.InvalidSubnetException;
import org.compofa.space.SearchSpace;
import org.compofa.space.StageRule;
import org.compofa.space.Subnet;

/**
 * The input of OFA's released accuracy predictor: {@code spec2feats} of OFA's tutorial
 * ({@code ofa/tutorial/accuracy_predictor.py}), fixed whatever the search space.
 *
 * <p>128 inputs: for each of the 20 block slots (5 stages x 4, stage-major) a one-hot of the
 * kernel over (3, 5, 7) at {@code 3 * slot}; then for each slot a one-hot of the expand ratio over
 * (3, 4, 6) at {@code 60 + 3 * slot}; then a one-hot of the resolution <em>bin</em> at
 * {@code 120 + (r - 112) / 16}. Slots beyond a stage's depth are all zeros. The resolution part is
 * 8 bins 16 px wide (128 to 143 share bin 1, 224 is bin 7), not a one-hot among a space's
 * resolutions as {@link ArchitectureEncoding} makes, so resolutions outside 112 to 239 have no
 * encoding and are refused.
 */
public final class OfaTutorialEncoding {
    /** Stages the encoding has. */
    public static final int STAGES = 5;
    /** Block slots per stage. */
    public static final int SLOTS = 4;
    /** Encoded kernel sizes, in one-hot order. */
    public static final List<Integer> KERNELS = List.of(3, 5, 7);
    /** Encoded expand ratios, in one-hot order. */
    public static final List<Integer> EXPANDS = List.of(3, 4, 6);
    /** Smallest encodable resolution (the start of bin 0). */
    public static final int MIN_RESOLUTION = 112;
    /** Width of a resolution bin in pixels. */
    public static final int RESOLUTION_BIN = 16;
    /** Number of resolution bins. */
    public static final int RESOLUTION_BINS = 8;
    /** Largest encodable resolution (the end of bin 7). */
    public static final int MAX_RESOLUTION = MIN_RESOLUTION + RESOLUTION_BIN * RESOLUTION_BINS - 1;
    /** Offset of the expand one-hots. */
    static final int EXPAND_OFFSET = 3 * STAGES * SLOTS;
    /** Offset of the resolution one-hot. */
    static final int RESOLUTION_OFFSET = 2 * EXPAND_OFFSET;
    /** Number of inputs (128). */
    public static final int DIMENSION = RESOLUTION_OFFSET + RESOLUTION_BINS;

    private OfaTutorialEncoding() {
    }

    /**
     * The indices of the ones of {@code subnet}'s encoding, increasing (every other input is 0).
     *
     * @param subnet a subnet with an OFA encoding
     * @return input indices that are one
     * @throws InvalidSubnetException for a subnet that is not 5 stages x 4 slots, a kernel outside
     *                                (3, 5, 7), an expand ratio outside (3, 4, 6) or a resolution
     *                                outside 112 to 239, naming it
     */
    public static int[] ones(Subnet subnet) {
        Objects.requireNonNull(subnet, "subnet");
        if (subnet.stages() != STAGES || subnet.slotsPerStage() != SLOTS) {
            throw new InvalidSubnetException("subnet " + subnet.id() + " has " + subnet.stages() + " stages x "
                    + subnet.slotsPerStage() + " slots; OFA's accuracy predictor encodes " + STAGES + " x " + SLOTS);
        }
        int bin = resolutionBin(subnet.resolution());
        int active = subnet.activeBlocks();
        int[] out = new int[2 * active + 1];
        int n = 0;
        for (int s = 0; s < STAGES; s++) {
            for (int b = 0; b < subnet.depth(s); b++) {
                int k = KERNELS.indexOf(subnet.kernel(s, b));
                int e = EXPANDS.indexOf(subnet.expand(s, b));
                if (k < 0 || e < 0) {
                    throw new InvalidSubnetException("stage " + (s + 1) + " block " + (b + 1) + " of " + subnet.id()
                            + " has kernel " + subnet.kernel(s, b) + " and expand " + subnet.expand(s, b)
                            + "; OFA's accuracy predictor encodes kernels " + KERNELS + " and expands " + EXPANDS);
                }
                int slot = s * SLOTS + b;
                out[n] = 3 * slot + k;
                out[active + n] = EXPAND_OFFSET + 3 * slot + e;
                n++;
            }
        }
        out[2 * active] = RESOLUTION_OFFSET + bin;
        return out;
    }

    /**
     * The dense encoding of {@code subnet} ({@link #DIMENSION} zeros and ones; see {@link #ones}).
     *
     * @param subnet a subnet with an OFA encoding
     * @return {@link #DIMENSION} zeros and ones
     */
    public static float[] features(Subnet subnet) {
        float[] x = new float[DIMENSION];
        for (int i : ones(subnet)) {
            x[i] = 1f;
        }
        return x;
    }

    /**
     * OFA's resolution bin {@code (r - 112) / 16}, 0 to 7.
     *
     * @param resolution 112 to 239
     * @return the bin, 0 to 7
     * @throws InvalidSubnetException for a resolution outside 112 to 239
     */
    public static int resolutionBin(int resolution) {
        if (resolution < MIN_RESOLUTION || resolution > MAX_RESOLUTION) {
            throw new InvalidSubnetException("resolution " + resolution + ": OFA's accuracy predictor encodes "
                    + MIN_RESOLUTION + " to " + MAX_RESOLUTION + " px (" + RESOLUTION_BINS + " bins of "
                    + RESOLUTION_BIN + " px)");
        }
        return (resolution - MIN_RESOLUTION) / RESOLUTION_BIN;
    }

    /**
     * Checks that every subnet of {@code space} has an encoding: 5 stages x 4 slots, kernels and
     * expand ratios among the encoded ones, resolutions within 112 to 239. The OFA w1.0 space and the
     * CompOFA spaces at their default resolutions pass.
     *
     * @param space the space to check
     * @throws IllegalArgumentException naming the first choice without an encoding
     */
    public static void checkSpace(SearchSpace space) {
        Objects.requireNonNull(space, "space");
        String why = null;
        if (space.stages() != STAGES || space.slotsPerStage() != SLOTS) {
            why = space.stages() + " stages x " + space.slotsPerStage() + " slots, not " + STAGES + " x " + SLOTS;
        } else if (space.resolutions().min() < MIN_RESOLUTION || space.resolutions().max() > MAX_RESOLUTION) {
            why = "resolutions " + space.resolutions().tag() + " reach outside " + MIN_RESOLUTION + " to "
                    + MAX_RESOLUTION;
        }
        for (int s = 0; why == null && s < space.stages(); s++) {
            StageRule rule = space.rules().get(s);
            if (!KERNELS.containsAll(rule.kernels())) {
                why = "stage " + (s + 1) + " allows kernels " + rule.kernels() + ", not all among " + KERNELS;
            }
            for (int d : rule.depths()) {
                if (why == null && !EXPANDS.containsAll(rule.expands(d))) {
                    why = "stage " + (s + 1) + " at depth " + d + " allows expands " + rule.expands(d)
                            + ", not all among " + EXPANDS;
                }
            }
        }
        if (why != null) {
            throw new IllegalArgumentException("OFA's accuracy predictor cannot encode the subnets of " + space.id()
                    + ": " + why);
        }
    }
}
