package org.compofa.space;

/**
 * One convolution (or the linear classifier, as a 1x1 conv on a 1x1 map) of a static subnet, with
 * OFA's cost rules (reference §6.1, {@code ofa/utils/flops_counter.py}): multiply-adds
 * {@code C_in/groups * C_out * k * k * H_out * W_out} (bias, BN, activations, pooling and the SE
 * scaling are not counted), parameters = weights + bias + BN gamma and beta (running statistics are
 * buffers, not parameters). Padding is {@code k / 2}, so {@code H_out = ceil(H_in / stride)}.
 *
 * @param name where the layer sits, e.g. {@code stage2.block1.depthwise}
 * @param inChannels input channels
 * @param outChannels output channels
 * @param kernel square kernel side
 * @param stride stride
 * @param groups groups (1 = dense, {@code inChannels} = depthwise)
 * @param inputSize input height = width
 * @param bias whether the conv has a bias
 * @param batchNorm whether a BatchNorm follows
 */
public record ConvShape(String name, int inChannels, int outChannels, int kernel, int stride, int groups,
        int inputSize, boolean bias, boolean batchNorm) {
    /** Checks the values. */
    public ConvShape {
        if (inChannels < 1 || outChannels < 1 || kernel < 1 || stride < 1 || groups < 1 || inputSize < 1
                || inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException("conv " + name + ": " + inChannels + "->" + outChannels + " k" + kernel
                    + " s" + stride + " g" + groups + " at " + inputSize + ": need positive values, groups dividing both widths");
        }
    }

    /**
     * Output height = width.
     *
     * @return output side in pixels
     */
    public int outputSize() {
        return ceilDiv(inputSize, stride);
    }

    /**
     * Multiply-adds, OFA's count.
     *
     * @return multiply-adds at batch 1
     */
    public long macs() {
        long out = outputSize();
        return (long) (inChannels / groups) * outChannels * kernel * kernel * out * out;
    }

    /**
     * Learnable parameters: weights, bias, BN gamma and beta.
     *
     * @return parameter count
     */
    public long params() {
        long weights = (long) (inChannels / groups) * outChannels * kernel * kernel;
        return weights + (bias ? outChannels : 0) + (batchNorm ? 2L * outChannels : 0);
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
