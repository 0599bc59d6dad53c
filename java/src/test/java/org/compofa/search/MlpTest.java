package org.compofa.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.compofa.testing.Numerics;
import org.junit.jupiter.api.Test;

/** The MLP's backward pass against central finite differences, and Adam against its formula. */
class MlpTest {
    private static double loss(Mlp mlp, float[] x, int batch, float[] y) {
        float[][] acts = mlp.forward(x, batch);
        float[] out = acts[acts.length - 1];
        double sum = 0;
        for (int b = 0; b < batch; b++) {
            double d = (double) out[b] - y[b];
            sum += d * d;
        }
        return sum / batch;
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        SplittableRandom rnd = new SplittableRandom(7);
        int[] sizes = {7, 5, 6, 1};
        int batch = 3;
        Mlp mlp = new Mlp(sizes);
        mlp.initialise(rnd);
        mlp.setOutputBias(0.3f);
        float[] x = Numerics.uniform(rnd, batch * sizes[0]);
        x[4] = 0f; // zero inputs take the skip path
        float[] y = Numerics.uniform(rnd, batch);
        float[] grad = new float[mlp.params.length];
        double l = mlp.backward(mlp.forward(x, batch), batch, y, grad);
        assertEquals(loss(mlp, x, batch, y), l, 1e-6);
        float[] fd = new float[grad.length];
        float eps = 1e-2f;
        for (int i = 0; i < fd.length; i++) {
            float keep = mlp.params[i];
            mlp.params[i] = keep + eps;
            double up = loss(mlp, x, batch, y);
            mlp.params[i] = keep - eps;
            double down = loss(mlp, x, batch, y);
            mlp.params[i] = keep;
            fd[i] = (float) ((up - down) / (2 * eps));
        }
        Numerics.assertClose("dLoss/dparams", fd, grad, 2e-3, 2e-2);
    }

    @Test
    void adamFollowsTorchFormula() {
        SplittableRandom rnd = new SplittableRandom(3);
        int n = 13;
        float[] p = Numerics.uniform(rnd, n);
        double[] ref = new double[n];
        for (int i = 0; i < n; i++) {
            ref[i] = p[i];
        }
        double[] m = new double[n];
        double[] v = new double[n];
        Adam adam = new Adam(n, 0.01, 0.05);
        for (int t = 1; t <= 4; t++) {
            float[] g = Numerics.uniform(rnd, n);
            adam.step(p, g);
            for (int i = 0; i < n; i++) {
                double gi = g[i] + 0.05 * ref[i];
                m[i] = 0.9 * m[i] + 0.1 * gi;
                v[i] = 0.999 * v[i] + 0.001 * gi * gi;
                double mHat = m[i] / (1 - Math.pow(0.9, t));
                double vHat = v[i] / (1 - Math.pow(0.999, t));
                ref[i] -= 0.01 * mHat / (Math.sqrt(vHat) + 1e-8);
            }
        }
        for (int i = 0; i < n; i++) {
            assertEquals(ref[i], p[i], 1e-5, "parameter " + i);
        }
    }

    @Test
    void badLayerSizesRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Mlp(new int[] {4}));
        assertThrows(IllegalArgumentException.class, () -> new Mlp(new int[] {4, 3, 2}));
        assertThrows(IllegalArgumentException.class, () -> new Mlp(new int[] {4, 0, 1}));
    }
}
