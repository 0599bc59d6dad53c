package org.compofa.nn;

import org.compofa.runtime.Tensor;

/**
 * A 1x1 convolution and the batch norm (+ activation) after it, fused for batch statistics: the
 * convolution gathers the statistics of its output while writing it
 * ({@code SliceGemm.conv1x1ForwardWithStatistics}) and the batch norm only normalises (one pass
 * over the tensor instead of two). With running statistics (eval) the two layers run as they are.
 */
final class Conv1x1BnLayer implements Layer {
    private final Conv1x1Layer conv;
    private final BatchNormLayer bn;

    Conv1x1BnLayer(Conv1x1Layer conv, BatchNormLayer bn) {
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
