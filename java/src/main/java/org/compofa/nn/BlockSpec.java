package org.compofa.nn;

import org.compofa.space.Activation;

/**
 * The stored (maximum) shape of one MBConv block slot: what its weights are allocated for. A subnet
 * uses the first {@code mid <= maxMid} middle channels and the centre {@code k <= maxKernel} taps.
 *
 * @param name        e.g. {@code stage2.block3} or {@code first_block}
 * @param stage       elastic stage from 0, or -1 for the fixed first block
 * @param slot        block slot within the stage from 0
 * @param inChannels  input channels (never elastic)
 * @param maxMid      stored middle channels
 * @param outChannels output channels (never elastic)
 * @param maxKernel   stored depthwise kernel: 3, 5 or 7
 * @param stride      depthwise stride: 1 or 2
 * @param activation  activation after the expand and depthwise convolutions
 * @param squeezeExcite whether an SE module follows the depthwise activation
 * @param expandConv  whether a 1x1 expand conv comes first (false only for the expand-1 first block)
 */
public record BlockSpec(String name, int stage, int slot, int inChannels, int maxMid, int outChannels,
                        int maxKernel, int stride, Activation activation, boolean squeezeExcite,
                        boolean expandConv) {
    /** Checks the values. */
    public BlockSpec {
        if (inChannels < 1 || maxMid < 1 || outChannels < 1) {
            throw new IllegalArgumentException(name + ": channels must be >= 1");
        }
        if (maxKernel != 3 && maxKernel != 5 && maxKernel != 7) {
            throw new IllegalArgumentException(name + ": stored kernel " + maxKernel + " must be 3, 5 or 7");
        }
        if (stride != 1 && stride != 2) {
            throw new IllegalArgumentException(name + ": stride " + stride + " must be 1 or 2");
        }
        if (!expandConv && maxMid != inChannels) {
            throw new IllegalArgumentException(name + ": a block without expand conv has mid = in channels");
        }
    }

    /**
     * Stored SE hidden channels, {@code make_divisible(maxMid / 4, 8)}; 0 without SE.
     *
     * @return SE hidden channels, or 0
     */
    public int maxSe() {
        return squeezeExcite ? org.compofa.space.MobileNetV3Geometry.seWidth(maxMid) : 0;
    }

    /**
     * Whether the block adds its input to its output (stride 1, same widths).
     *
     * @return true for a residual block
     */
    public boolean residual() {
        return stride == 1 && inChannels == outChannels;
    }
}
