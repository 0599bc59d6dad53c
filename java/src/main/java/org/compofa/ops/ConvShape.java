package org.compofa.ops;

import org.compofa.bindings.InvalidArgumentException;
import org.compofa.bindings.RawConvShape;

/**
 * The problem of a dense k x k convolution by im2col (the stem), checked at construction: input
 * {@code x[n][h][w][c]} (NHWC) with zero padding {@code pad}, output {@code [n][outH][outW][cout]},
 * and the column matrix {@code col[n*outH*outW][k*k*c]} with
 * {@code col[(b*outH + oh)*outW + ow][(kh*k + kw)*c + ci] = x[b][oh*stride-pad+kh][ow*stride-pad+kw][ci]}.
 * The convolution is then {@code gemm(col, W[cout][k*k*c]^T)}.
 *
 * @param n      batch, >= 1
 * @param h      input height, >= 1
 * @param w      input width, >= 1
 * @param c      input channels, >= 1
 * @param k      kernel size, 1..11
 * @param stride 1..4
 * @param pad    zero padding on each side, {@code 0 <= pad < k}; {@code h + 2 pad >= k} and {@code w + 2 pad >= k}
 */
public record ConvShape(int n, int h, int w, int c, int k, int stride, int pad) {
    private static final long MAX_ELEMENTS = 1L << 40;

    /**
     * Checks the components.
     *
     * @throws InvalidArgumentException naming the field and what is allowed
     */
    public ConvShape {
        if (n < 1 || h < 1 || w < 1 || c < 1) {
            throw new InvalidArgumentException("sizes n=" + n + " h=" + h + " w=" + w + " c=" + c + ": allowed >= 1 each");
        }
        if (k < 1 || k > 11) {
            throw new InvalidArgumentException("kernel k=" + k + ": allowed 1 .. 11");
        }
        if (stride < 1 || stride > 4) {
            throw new InvalidArgumentException("stride=" + stride + ": allowed 1 .. 4");
        }
        if (pad < 0 || pad >= k) {
            throw new InvalidArgumentException("pad=" + pad + ": allowed 0 <= pad < k=" + k);
        }
        if (h + 2L * pad < k || w + 2L * pad < k) {
            throw new InvalidArgumentException("padded input " + (h + 2L * pad) + " x " + (w + 2L * pad)
                    + " is smaller than the kernel k=" + k + ": allowed h + 2*pad >= k and w + 2*pad >= k");
        }
        long rows = (long) n * ((h + 2L * pad - k) / stride + 1) * ((w + 2L * pad - k) / stride + 1);
        if (rows > Integer.MAX_VALUE || (long) k * k * c > Integer.MAX_VALUE || (double) n * h * w * c > MAX_ELEMENTS
                || (double) rows * k * k * c > MAX_ELEMENTS) {
            throw new InvalidArgumentException("convolution " + n + "x" + h + "x" + w + "x" + c + " k" + k
                    + ": allowed at most 2^31 - 1 output positions and k*k*c, and 2^40 elements in x and col");
        }
    }

    /**
     * Output height: (h + 2 pad - k) / stride + 1.
     *
     * @return output height, &gt;= 1
     */
    public int outH() {
        return (h + 2 * pad - k) / stride + 1;
    }

    /**
     * Output width: (w + 2 pad - k) / stride + 1.
     *
     * @return output width, &gt;= 1
     */
    public int outW() {
        return (w + 2 * pad - k) / stride + 1;
    }

    /**
     * {n, h, w, c}.
     *
     * @return the input shape
     */
    public int[] inputShape() {
        return new int[] {n, h, w, c};
    }

    /**
     * {n * outH * outW, k * k * c}: the MATRIX shape of col.
     *
     * @return the col matrix shape
     */
    public int[] colShape() {
        return new int[] {n * outH() * outW(), k * k * c};
    }

    /**
     * {n, outH, outW, cout}: the output of the convolution with cout filters.
     *
     * @param cout number of filters, &gt;= 1
     * @return the output shape
     */
    public int[] outputShape(int cout) {
        return new int[] {n, outH(), outW(), cout};
    }

    /**
     * The ABI struct's fields.
     *
     * @return the fields as the ABI takes them
     */
    public RawConvShape toRaw() {
        return new RawConvShape(n, h, w, c, k, stride, pad);
    }

    /**
     * A name that encodes the configuration, e.g. {@code conv_nhwc_k3_s2_p1_c3_13x13_n3}.
     *
     * @return the configuration's name
     */
    public String id() {
        return "conv_nhwc_k" + k + "_s" + stride + "_p" + pad + "_c" + c + "_" + h + "x" + w + "_n" + n;
    }
}
