package org.compofa.nn;

/**
 * The stored weights of one MBConv block slot (names as in {@link Network}). {@code expand},
 * {@code expandBn}, {@code t75}, {@code t53} and {@code se} are null where the block has none.
 */
record BlockWeights(BlockSpec spec, Parameter expand, BatchNormWeights expandBn, Parameter depthwise,
                    Parameter t75, Parameter t53, BatchNormWeights depthwiseBn, SqueezeExciteWeights se,
                    Parameter project, BatchNormWeights projectBn) {
}
