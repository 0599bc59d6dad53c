package org.compofa.ops;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.compofa.runtime.Backend;
import org.compofa.testing.BackendContexts;
import org.compofa.testing.Numerics;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An independent plain-Java statement of the elastic kernel (centre crop, OFA chain
 * w5 = T75 * centre5(W7), w3 = T53 * centre3(w5)) and of the convolution (cross-correlation,
 * padding k/2, zeros outside), compared with the library's REFERENCE backend (and CPU).
 */
class KernelTransformChainTest {
    @RegisterExtension
    static final BackendContexts contexts = new BackendContexts();  // closed after the class's tests

    static Stream<Arguments> cases() {
        DepthwiseShape[] shapes = {
            new DepthwiseShape(2, 9, 8, 5, 7, 3, 7, 1, KernelTransform.OFA),
            new DepthwiseShape(1, 8, 9, 4, 6, 5, 7, 2, KernelTransform.OFA),
            new DepthwiseShape(1, 7, 7, 3, 3, 3, 5, 1, KernelTransform.OFA),
            new DepthwiseShape(1, 7, 6, 4, 9, 5, 7, 1, KernelTransform.NONE),
            new DepthwiseShape(2, 6, 7, 3, 3, 7, 7, 2, KernelTransform.OFA),
        };
        return Stream.of(Backend.REFERENCE, Backend.CPU)
                .flatMap(b -> Stream.of(shapes).map(s -> Arguments.of(b, Named.of(s.id(), s))));
    }

    /** The effective k x k kernel [k][k][c] of the subnet, computed in double. */
    static double[] effectiveKernel(DepthwiseShape s, float[] w, float[] t75, float[] t53) {
        int cm = s.cMax();
        double[] cur = crop(s.kMax(), s.kMax(), s.c(), cm, toDouble(w));  // [kMax][kMax][c]
        int size = s.kMax();
        if (s.transform() == KernelTransform.OFA) {
            if (s.usesT75()) {
                cur = apply(t75, crop(7, 5, s.c(), s.c(), cur), 25, s.c());
                size = 5;
            }
            if (s.usesT53()) {
                cur = apply(t53, crop(size, 3, s.c(), s.c(), cur), 9, s.c());
                size = 3;
            }
        }
        return crop(size, s.k(), s.c(), s.c(), cur);
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    /** Centre k x k taps and first c channels of [from][from][stride]. */
    private static double[] crop(int from, int k, int c, int stride, double[] src) {
        int m = (from - k) / 2;
        double[] out = new double[k * k * c];
        for (int y = 0; y < k; y++) {
            for (int x = 0; x < k; x++) {
                for (int ch = 0; ch < c; ch++) {
                    out[(y * k + x) * c + ch] = src[((y + m) * from + (x + m)) * stride + ch];
                }
            }
        }
        return out;
    }

    /** out[i][ch] = sum_j m[i][j] * in[j][ch] for taps x taps matrix m. */
    private static double[] apply(float[] m, double[] in, int taps, int c) {
        double[] out = new double[taps * c];
        for (int i = 0; i < taps; i++) {
            for (int j = 0; j < taps; j++) {
                for (int ch = 0; ch < c; ch++) {
                    out[i * c + ch] += m[i * taps + j] * in[j * c + ch];
                }
            }
        }
        return out;
    }

    static float[] conv(DepthwiseShape s, float[] x, double[] kernel) {
        int k = s.k();
        int pad = s.pad();
        int c = s.c();
        float[] y = new float[(int) s.outputLength()];
        for (int n = 0; n < s.n(); n++) {
            for (int oy = 0; oy < s.outH(); oy++) {
                for (int ox = 0; ox < s.outW(); ox++) {
                    for (int ch = 0; ch < c; ch++) {
                        double acc = 0;
                        for (int ky = 0; ky < k; ky++) {
                            int iy = oy * s.stride() + ky - pad;
                            if (iy < 0 || iy >= s.h()) {
                                continue;
                            }
                            for (int kx = 0; kx < k; kx++) {
                                int ix = ox * s.stride() + kx - pad;
                                if (ix < 0 || ix >= s.w()) {
                                    continue;
                                }
                                acc += x[((n * s.h() + iy) * s.w() + ix) * c + ch] * kernel[(ky * k + kx) * c + ch];
                            }
                        }
                        y[((n * s.outH() + oy) * s.outW() + ox) * c + ch] = (float) acc;
                    }
                }
            }
        }
        return y;
    }

    @ParameterizedTest(name = "dwconv transform chain NHWC {0} {1} vs plain Java")
    @MethodSource("cases")
    void dwconvForward_matchesPlainJavaChain(Backend backend, DepthwiseShape s) {
        SplittableRandom rnd = new SplittableRandom(7);
        DwProblem p = new DwProblem(s, 11, true);
        // far from identity, so a transposed or skipped matrix cannot pass
        float[] t75 = Numerics.nearIdentity(rnd, 25, 0.5);
        float[] t53 = Numerics.nearIdentity(rnd, 9, 0.5);
        float[] expected = conv(s, p.x, effectiveKernel(s, p.w, t75, t53));
        float[] got = p.forward(contexts.get(backend), p.x, p.w, t75, t53);
        Numerics.assertClose(backend + " y " + s.id(), expected, got, 1e-4, 1e-4);
    }
}
