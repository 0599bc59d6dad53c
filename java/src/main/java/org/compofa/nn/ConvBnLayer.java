package org.compofa.nn;

import org.compofa.runtime.Tensor;

/**
 * A convolution and the batch norm (+ activation) after it, fused for batch statistics: the
 * convolution (1x1 or depthwise) gathers the statistics of its output while writing it and the batch
 * norm only normalises (one pass over the tensor instead of two). With running statistics (eval) the
 * two layers run as they are.
 */
final class ConvBnLayer implements Layer {
    private final StatisticsConvLayer conv;
    private final BatchNormLayer bn;

    ConvBnLayer(StatisticsConvLayer conv, BatchNormLayer bn) {
        this.conv = conv;
        this.bn = bn;
    }

    @Override
    public Tensor forward(Pass pass, Tensor x) {
        if (!pass.mode().batchStatistics()) {
            return bn.forward(pass, conv.forward(pass, x));
        }
        bn.takeStatistics(pass);
        Tensor y = conv.forwardWithStatistics(pass, x, bn.batchMean(), bn.batchVar());
        return bn.forwardWithStatistics(pass, y);
    }

    @Override
    public Tensor backward(Pass pass, Tensor dy) {
        return conv.backward(pass, bn.backward(pass, dy));
    }
}
