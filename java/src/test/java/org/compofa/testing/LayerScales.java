package org.compofa.testing;

import java.util.HashMap;
import java.util.Map;

/**
 * The gradient scale a parameter's gradient is compared against: the larger of its own norm and the norm
 * of all gradients of its layer ({@code a.b.bn.gamma} and {@code a.b.bn.beta} together).
 *
 * <p>Why not the tensor's own norm: some gradients are zero in exact arithmetic (a BN's shift whose
 * consumer is a convolution followed by a train-mode BN, which removes any per-channel shift). Two
 * computations then return rounding noise that depends on summation order and the CPU's BLAS kernels;
 * relative to the layer's gradient that noise is tiny everywhere, relative to itself it is order 1.
 */
public final class LayerScales {
    private LayerScales() {}

    /** {@code a.b.bn.beta} -> {@code a.b.bn}. */
    public static String layerOf(String parameter) {
        return parameter.substring(0, Math.max(0, parameter.lastIndexOf('.')));
    }

    /** Per layer, the norm of all its gradients together. */
    public static Map<String, Double> layerNorms(Map<String, float[]> gradients) {
        Map<String, Double> squares = new HashMap<>();
        gradients.forEach((name, g) -> squares.merge(layerOf(name), sumSquares(g), Double::sum));
        Map<String, Double> norms = new HashMap<>();
        squares.forEach((layer, sq) -> norms.put(layer, Math.sqrt(sq)));
        return norms;
    }

    /** The larger of {@code gradient}'s own norm and its layer's norm in {@code layerNorms}. */
    public static double scale(String parameter, float[] gradient, Map<String, Double> layerNorms) {
        return Math.max(Math.sqrt(sumSquares(gradient)), layerNorms.getOrDefault(layerOf(parameter), 0.0));
    }

    private static double sumSquares(float[] a) {
        double s = 0;
        for (float v : a) {
            s += (double) v * v;
        }
        return s;
    }
}
