package org.compofa.nn;

/**
 * The SE module's weights: reduce MATRIX [seMax][midMax] + bias [seMax], expand MATRIX
 * [midMax][seMax] + bias [midMax].
 */
record SqueezeExciteWeights(Parameter reduceWeight, Parameter reduceBias, Parameter expandWeight,
                            Parameter expandBias) {
}
