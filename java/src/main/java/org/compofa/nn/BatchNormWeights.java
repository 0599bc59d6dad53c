package org.compofa.nn;

/**
 * The state of one batch-norm layer of the supernet: learnable {@code gamma}, {@code beta} and the
 * running statistics, all VECTOR [cMax]; a subnet with c channels uses the first c entries of each
 * (reference §3.5), so small subnets update the leading entries of the shared statistics.
 *
 * @param name        layer name, e.g. {@code stem.bn}
 * @param gamma       scale
 * @param beta        shift
 * @param runningMean buffer (not learnable)
 * @param runningVar  buffer (not learnable)
 */
public record BatchNormWeights(String name, Parameter gamma, Parameter beta,
                               org.compofa.runtime.Tensor runningMean, org.compofa.runtime.Tensor runningVar) {
}
