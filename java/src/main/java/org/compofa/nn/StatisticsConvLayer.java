package org.compofa.nn;

import org.compofa.runtime.Tensor;

/**
 * A training convolution that can gather the batch statistics of its output while writing it, for
 * the batch norm after it ({@link ConvBnLayer}): the 1x1 and the elastic depthwise convolution.
 */
interface StatisticsConvLayer extends Layer {
    /** The forward, with the mean and biased variance of the output's channels written to the two vectors. */
    Tensor forwardWithStatistics(Pass pass, Tensor x, Tensor batchMean, Tensor batchVar);
}
