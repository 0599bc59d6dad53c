package org.compofa.search;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A fully connected ReLU network with one linear output, its parameters in one flat array: per
 * layer the weights (input-major, {@code W[i * out + o]}) then the biases. Inputs and activations
 * are row-major {@code (batch, width)}. The inner loops run over contiguous output units so the JIT
 * can vectorise them, and skip zero inputs (one-hot codes, inactive ReLUs).
 */
final class Mlp {
    private final int[] sizes;
    private final int[] weightAt;
    private final int[] biasAt;
    /** All weights and biases; trained in place. */
    final float[] params;

    /** A network with layer widths {@code sizes} (inputs first, 1 output last) and zero parameters. */
    Mlp(int[] sizes) {
        if (sizes.length < 2 || sizes[sizes.length - 1] != 1 || Arrays.stream(sizes).anyMatch(n -> n < 1)) {
            throw new IllegalArgumentException("layer sizes " + Arrays.toString(sizes)
                    + ": need at least an input and an output layer, all >= 1, exactly 1 output");
        }
        this.sizes = sizes.clone();
        weightAt = new int[sizes.length - 1];
        biasAt = new int[sizes.length - 1];
        long at = 0;
        for (int l = 0; l < sizes.length - 1; l++) {
            weightAt[l] = Math.toIntExact(at);
            at += (long) sizes[l] * sizes[l + 1];
            biasAt[l] = Math.toIntExact(at);
            at += sizes[l + 1];
        }
        params = new float[Math.toIntExact(at)];
    }

    /** PyTorch's {@code nn.Linear} default: weights and biases uniform in +-1/sqrt(fan in). */
    void initialise(SplittableRandom rnd) {
        for (int l = 0; l < sizes.length - 1; l++) {
            double bound = 1 / Math.sqrt(sizes[l]);
            for (int i = weightAt[l]; i < biasAt[l] + sizes[l + 1]; i++) {
                params[i] = (float) rnd.nextDouble(-bound, bound);
            }
        }
    }

    /** Layer widths, inputs first. */
    int[] sizes() {
        return sizes.clone();
    }

    /** Sets the output unit's bias (OFA starts it at the mean target). */
    void setOutputBias(float value) {
        params[biasAt[biasAt.length - 1]] = value;
    }

    /**
     * The forward pass of {@code batch} rows of {@code x}: the activations of every layer, inputs
     * first, the {@code (batch, 1)} outputs last.
     */
    float[][] forward(float[] x, int batch) {
        int layers = sizes.length - 1;
        float[][] acts = new float[layers + 1][];
        acts[0] = x;
        for (int l = 0; l < layers; l++) {
            int n = sizes[l];
            int m = sizes[l + 1];
            float[] in = acts[l];
            float[] out = new float[batch * m];
            for (int b = 0; b < batch; b++) {
                int ob = b * m;
                System.arraycopy(params, biasAt[l], out, ob, m);
                for (int i = 0; i < n; i++) {
                    float a = in[b * n + i];
                    if (a != 0f) {
                        int wi = weightAt[l] + i * m;
                        for (int o = 0; o < m; o++) {
                            out[ob + o] += a * params[wi + o];
                        }
                    }
                }
                if (l < layers - 1) {
                    for (int o = ob; o < ob + m; o++) {
                        out[o] = Math.max(out[o], 0f);
                    }
                }
            }
            acts[l + 1] = out;
        }
        return acts;
    }

    /**
     * Adds to {@code grad} the gradient of the mean squared error of {@code forward}'s outputs
     * against {@code y}; returns that error.
     */
    double backward(float[][] acts, int batch, float[] y, float[] grad) {
        int layers = sizes.length - 1;
        float[] out = acts[layers];
        float[] delta = new float[batch];
        double loss = 0;
        for (int b = 0; b < batch; b++) {
            float d = out[b] - y[b];
            loss += (double) d * d;
            delta[b] = 2 * d / batch;
        }
        for (int l = layers - 1; l >= 0; l--) {
            int n = sizes[l];
            int m = sizes[l + 1];
            float[] in = acts[l];
            float[] prev = l > 0 ? new float[batch * n] : null;
            for (int b = 0; b < batch; b++) {
                int db = b * m;
                for (int o = 0; o < m; o++) {
                    grad[biasAt[l] + o] += delta[db + o];
                }
                for (int i = 0; i < n; i++) {
                    float a = in[b * n + i];
                    if (a == 0f) {
                        continue; // no weight gradient, and a hidden unit at 0 passes no gradient back
                    }
                    int wi = weightAt[l] + i * m;
                    float s = 0f;
                    for (int o = 0; o < m; o++) {
                        grad[wi + o] += a * delta[db + o];
                        s += params[wi + o] * delta[db + o];
                    }
                    if (prev != null) {
                        prev[b * n + i] = s;
                    }
                }
            }
            delta = prev;
        }
        return loss / batch;
    }
}
