package org.compofa.nn;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;
import org.compofa.space.InvalidSubnetException;
import org.compofa.space.Subnet;

/**
 * Copies one subnet out of a supernet into a static {@link Network} of exactly the subnet's sizes
 * ({@link NetworkSpec#of}), e.g. for export or fine-tuning. The copy computes what the supernet
 * computes when it runs the subnet: 1x1 weights {@code W[:cout, :cin]}, BN vectors and running
 * statistics {@code [:c]}, SE weights {@code [:se, :mid]} / {@code [:mid, :se]}, and depthwise
 * kernels as the effective kernel the supernet's op uses (centre crop, or OFA's transform chain
 * evaluated on the host, reference §3.4), so the copy needs no transform matrices.
 */
public final class SubnetExtractor {
    private SubnetExtractor() {}

    /**
     * A new network on the supernet's context holding the subnet's weights (the caller closes it).
     * Stem, first block and head are copied whole; parameters match by name.
     *
     * @param supernet the supernet holding the weights
     * @param subnet a subnet that fits it
     * @return the static network; the caller closes it
     * @throws InvalidSubnetException when the subnet does not fit the supernet (names the block)
     */
    public static Network extract(Network supernet, Subnet subnet) {
        Objects.requireNonNull(supernet, "supernet");
        Objects.requireNonNull(subnet, "subnet");
        supernet.checkFits(subnet);
        var geometry = supernet.spec().geometry();
        Network out = new Network(supernet.context(), NetworkSpec.of(geometry, subnet), 0);
        try {
            Map<String, Parameter> source = new HashMap<>();
            supernet.parameters().parameters().forEach(p -> source.put(p.name(), p));
            for (Parameter p : out.parameters().parameters()) {
                Parameter from = source.get(p.name());
                if (from == null) {
                    throw new IllegalStateException("supernet has no parameter '" + p.name() + "'");
                }
                Tensor v = p.value();
                if (v.layout() == Layout.DW_WEIGHT) {
                    // "<block>.depthwise.conv.weight": the block's matrices are "<block>.depthwise.t75"/".t53"
                    String prefix = p.name().substring(0, p.name().length() - ".conv.weight".length());
                    v.copyFrom(effectiveKernel(from.value(), source.get(prefix + ".t75"),
                            source.get(prefix + ".t53"), v.dim(0), v.dim(2)));
                } else {
                    v.copyFrom(slice(from.value(), v));
                }
            }
            Map<String, Tensor> buffers = supernet.parameters().buffers();
            out.parameters().buffers().forEach((name, t) -> t.copyFrom(slice(buffers.get(name), t)));
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    /** The leading block of a row-major tensor: {@code [:rows, :cols]} for MATRIX, {@code [:n]} for VECTOR. */
    private static float[] slice(Tensor from, Tensor to) {
        float[] src = from.toArray();
        if (to.layout() == Layout.VECTOR) {
            return Arrays.copyOf(src, to.dim(0));
        }
        int rows = to.dim(0);
        int cols = to.dim(1);
        int ld = from.dim(1);
        float[] dst = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(src, r * ld, dst, r * cols, cols);
        }
        return dst;
    }

    /**
     * The k x k kernel of the first {@code c} channels as the native op derives it from the stored
     * {@code [kMax][kMax][cMax]} weight: the centre crop, or with transform matrices (kMax 7, k < 7)
     * {@code w5 = T75 centre5(W7)}, then for k 3 {@code w3 = T53 centre3(w5)}, each matrix acting on
     * the flat row-major taps as {@code out[i] = sum_j T[i][j] in[j]} (native/src/ref/transform_ref.cpp;
     * OFA's {@code F.linear(x, M) = x M^T}).
     */
    static float[] effectiveKernel(Tensor weight, Parameter t75, Parameter t53, int k, int c) {
        int kMax = weight.dim(0);
        int cMax = weight.dim(2);
        float[] w = weight.toArray();
        boolean chain = t75 != null && kMax == 7 && k < kMax;
        double[] taps = centre(w, kMax, cMax, chain ? 5 : k, c);
        if (chain) {
            taps = apply(t75.value().toArray(), taps, 25, c);
            if (k == 3) {
                taps = apply(t53.value().toArray(), centre(taps, 5, c, 3, c), 9, c);
            }
        }
        float[] out = new float[taps.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) taps[i];
        }
        return out;
    }

    private static double[] centre(float[] w, int size, int stride, int k, int c) {
        double[] d = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            d[i] = w[i];
        }
        return centre(d, size, stride, k, c);
    }

    /** Centre k x k taps of [size][size][stride], first c channels, as [k][k][c]. */
    private static double[] centre(double[] w, int size, int stride, int k, int c) {
        int m = (size - k) / 2;
        double[] out = new double[k * k * c];
        for (int kh = 0; kh < k; kh++) {
            for (int kw = 0; kw < k; kw++) {
                for (int ch = 0; ch < c; ch++) {
                    out[(kh * k + kw) * c + ch] = w[((kh + m) * size + kw + m) * stride + ch];
                }
            }
        }
        return out;
    }

    /** out[i][ch] = sum_j mat[i][j] in[j][ch] for a taps x taps matrix. */
    private static double[] apply(float[] mat, double[] in, int taps, int c) {
        double[] out = new double[taps * c];
        for (int i = 0; i < taps; i++) {
            for (int j = 0; j < taps; j++) {
                double m = mat[i * taps + j];
                for (int ch = 0; ch < c; ch++) {
                    out[i * c + ch] += m * in[j * c + ch];
                }
            }
        }
        return out;
    }
}
