package org.compofa.space;

import java.util.ArrayList;
import java.util.List;

/**
 * One active MBConv block of a static subnet (reference §2.2): [1x1 expand + BN + act] (absent for
 * the expand-1 first block), k x k depthwise + BN + act, [SE: pool, 1x1 with bias, ReLU, 1x1 with
 * bias, h_sigmoid, scale], 1x1 projection + BN; identity shortcut when stride 1 and widths match.
 * The fields are what a latency table keys on.
 *
 * @param name e.g. {@code first_block} or {@code stage2.block1} (stages and blocks from 1)
 * @param inChannels block input channels
 * @param midChannels middle (expanded) channels: {@code make_divisible(in * e, 8)}
 * @param outChannels block output channels
 * @param kernel depthwise kernel side
 * @param stride depthwise stride
 * @param inputSize input height = width
 * @param activation activation after expand and depthwise
 * @param seChannels SE hidden channels {@code make_divisible(mid / 4, 8)}, 0 if the block has no SE
 * @param expandConv whether there is a 1x1 expand conv (false only for the expand-1 first block)
 */
public record BlockShape(String name, int inChannels, int midChannels, int outChannels, int kernel, int stride,
        int inputSize, Activation activation, int seChannels, boolean expandConv) {

    /**
     * Output height = width.
     *
     * @return output side in pixels
     */
    public int outputSize() {
        return ConvShape.ceilDiv(inputSize, stride);
    }

    /**
     * Whether the block adds its input to its output.
     *
     * @return true for a residual block
     */
    public boolean residual() {
        return stride == 1 && inChannels == outChannels;
    }

    /**
     * Whether the block has a squeeze-and-excitation module.
     *
     * @return true when SE is present
     */
    public boolean squeezeExcite() {
        return seChannels > 0;
    }

    /**
     * The block's convolutions in execution order.
     *
     * @return the convolutions, first to last
     */
    public List<ConvShape> layers() {
        List<ConvShape> layers = new ArrayList<>(5);
        if (expandConv) {
            layers.add(new ConvShape(name + ".expand", inChannels, midChannels, 1, 1, 1, inputSize, false, true));
        }
        layers.add(new ConvShape(name + ".depthwise", midChannels, midChannels, kernel, stride, midChannels,
                inputSize, false, true));
        if (squeezeExcite()) {
            layers.add(new ConvShape(name + ".se_reduce", midChannels, seChannels, 1, 1, 1, 1, true, false));
            layers.add(new ConvShape(name + ".se_expand", seChannels, midChannels, 1, 1, 1, 1, true, false));
        }
        layers.add(new ConvShape(name + ".project", midChannels, outChannels, 1, 1, 1, outputSize(), false, true));
        return List.copyOf(layers);
    }

    /**
     * Multiply-adds of the block.
     *
     * @return multiply-adds at batch 1
     */
    public long macs() {
        return layers().stream().mapToLong(ConvShape::macs).sum();
    }

    /**
     * Learnable parameters of the block.
     *
     * @return parameter count
     */
    public long params() {
        return layers().stream().mapToLong(ConvShape::params).sum();
    }
}
