package org.compofa.nn;

import java.util.Objects;

/**
 * One top-level piece of a forward pass, as {@link Network#forwardTimed} reports it and as a
 * per-block latency table keys it: what runs and at which sizes, enough to say what it costs.
 *
 * <p>Every piece is keyed by the side of the feature map it reads, not by the image resolution, so
 * resolutions that give a block the same input (e.g. 125..128 after four stride-2 steps) share one
 * entry. Fields that do not apply to a part are 0.
 *
 * @param part        stem, elastic block or head
 * @param stage       0-based elastic stage of a block (0 for stem and head)
 * @param block       0-based block slot in its stage (0 for stem and head)
 * @param inputSize   side of the piece's input: the image resolution for the stem, the block's input
 *                    feature map, the last stage's output for the head
 * @param kernel      depthwise kernel of a block (0 for stem and head)
 * @param midChannels middle (expanded) width of a block (0 for stem and head)
 */
public record ForwardPiece(Part part, int stage, int block, int inputSize, int kernel, int midChannels) {
    /** What a piece is. */
    public enum Part {
        /** Stem conv + BN + h_swish and the fixed first block. */
        STEM,
        /** One active elastic MBConv block. */
        BLOCK,
        /** Final expand 1x1 + BN + h_swish, pooling, feature mix, (dropout), classifier. */
        HEAD
    }

    /** Checks the fields for the part. */
    public ForwardPiece {
        Objects.requireNonNull(part, "part");
        if (inputSize < 1) {
            throw new IllegalArgumentException(part + " input size " + inputSize + ": must be >= 1");
        }
        if (part == Part.BLOCK) {
            if (stage < 0 || block < 0 || kernel < 1 || midChannels < 1) {
                throw new IllegalArgumentException("block piece stage " + stage + " block " + block + " kernel "
                        + kernel + " middle " + midChannels + ": need stage, block >= 0 and kernel, middle >= 1");
            }
        } else if (stage != 0 || block != 0 || kernel != 0 || midChannels != 0) {
            throw new IllegalArgumentException(part + " piece: stage, block, kernel and middle width must be 0");
        }
    }

    /**
     * The stem (with the first block) on images of side {@code resolution}.
     *
     * @param resolution input side in pixels
     * @return the piece
     */
    public static ForwardPiece stem(int resolution) {
        return new ForwardPiece(Part.STEM, 0, 0, resolution, 0, 0);
    }

    /**
     * Block {@code block} of stage {@code stage} (0-based) at the given sizes.
     *
     * @param stage stage index, 0-based
     * @param block block index, 0-based
     * @param inputSize input side in pixels
     * @param kernel kernel size
     * @param midChannels middle width
     * @return the piece
     */
    public static ForwardPiece block(int stage, int block, int inputSize, int kernel, int midChannels) {
        return new ForwardPiece(Part.BLOCK, stage, block, inputSize, kernel, midChannels);
    }

    /**
     * The head on a last-stage feature map of side {@code inputSize}.
     *
     * @param inputSize input side in pixels
     * @return the piece
     */
    public static ForwardPiece head(int inputSize) {
        return new ForwardPiece(Part.HEAD, 0, 0, inputSize, 0, 0);
    }

    /**
     * {@code stem}, {@code head} or {@code stage<s>.block<b>} with 1-based numbers, the block's
     * parameter-name prefix (e.g. {@code stage2.block1}).
     *
     * @return the label
     */
    public String label() {
        return switch (part) {
            case STEM -> "stem";
            case HEAD -> "head";
            case BLOCK -> "stage" + (stage + 1) + ".block" + (block + 1);
        };
    }

    /**
     * The label with the sizes, for messages: {@code stage2.block1 (input 14, kernel 5, 48 middle channels)}.
     *
     * @return the label and sizes
     */
    public String describe() {
        return part == Part.BLOCK
                ? label() + " (input " + inputSize + ", kernel " + kernel + ", " + midChannels + " middle channels)"
                : label() + " (input " + inputSize + ")";
    }
}
