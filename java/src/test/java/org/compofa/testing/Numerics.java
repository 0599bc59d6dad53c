package org.compofa.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;

/** Seeded random data and the one comparison of every numeric test: |got - ref| <= atol + rtol * |ref|. */
public final class Numerics {
    private Numerics() {}

    /** Uniform floats in [-1, 1). */
    public static float[] uniform(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return a;
    }

    /** A taps x taps matrix near the identity: I + uniform(-spread, spread). */
    public static float[] nearIdentity(SplittableRandom rnd, int taps, double spread) {
        float[] m = new float[taps * taps];
        for (int i = 0; i < m.length; i++) {
            m[i] = (float) ((rnd.nextDouble() * 2 - 1) * spread);
        }
        for (int i = 0; i < taps; i++) {
            m[i * taps + i] += 1f;
        }
        return m;
    }

    /** Largest |x|, at least 1e-30. */
    public static double maxAbs(float[] a) {
        double m = 1e-30;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    /**
     * Fails with the first mismatch (index, both values, the error and its bound) and the number of
     * mismatches; NaN anywhere in {@code got} where {@code ref} is finite is a mismatch.
     */
    public static void assertClose(String what, float[] ref, float[] got, double atol, double rtol) {
        if (ref.length != got.length) {
            fail(what + ": length " + got.length + ", expected " + ref.length);
        }
        int bad = 0;
        int first = -1;
        double worst = 0;
        for (int i = 0; i < ref.length; i++) {
            double err = Math.abs((double) got[i] - ref[i]);
            double bound = atol + rtol * Math.abs(ref[i]);
            if (!(err <= bound)) {
                if (first < 0) {
                    first = i;
                }
                bad++;
            }
            if (Double.isFinite(err)) {
                worst = Math.max(worst, err / bound);
            }
        }
        if (bad > 0) {
            fail(String.format("%s: %d of %d elements differ; first at %d: got %.8g, reference %.8g "
                    + "(|err| %.3g > %.3g = atol %.1g + rtol %.1g * |ref|); worst err/bound %.3g", what, bad, ref.length,
                    first, got[first], ref[first], Math.abs((double) got[first] - ref[first]),
                    atol + rtol * Math.abs(ref[first]), atol, rtol, worst));
        }
    }
}
