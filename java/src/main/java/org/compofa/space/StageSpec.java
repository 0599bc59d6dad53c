package org.compofa.space;

import java.util.Objects;

/**
 * One elastic stage of the geometry: output width, stride of its first block, activation and
 * whether its blocks have squeeze-and-excitation. Later blocks of a stage have stride 1.
 *
 * @param width output channels of every block of the stage
 * @param stride stride of the stage's first block (1 or 2)
 * @param activation activation after the expand and depthwise convolutions
 * @param squeezeExcite whether each block has an SE module after the depthwise activation
 */
public record StageSpec(int width, int stride, Activation activation, boolean squeezeExcite) {
    /** Checks the values. */
    public StageSpec {
        Objects.requireNonNull(activation, "activation");
        if (width < 1 || stride < 1 || stride > 2) {
            throw new IllegalArgumentException("stage width " + width + " stride " + stride
                    + ": need width >= 1 and stride 1 or 2");
        }
    }
}
