package org.compofa.ops;

import org.compofa.bindings.InvalidArgumentException;
import org.compofa.bindings.RawDwconvShape;

/**
 * The problem of one elastic depthwise convolution, checked at construction: input
 * {@code x[n][h][w][c]} (NHWC), supernet weight {@code [kMax][kMax][cMax]} of which the first c
 * channels and the centre k x k taps are active, output {@code y[n][outH][outW][c]} with padding k/2.
 *
 * @param n         batch, >= 1
 * @param h         input height, >= 1
 * @param w         input width, >= 1
 * @param c         active channels, {@code 1 <= c <= cMax}
 * @param cMax      channels of the supernet weight
 * @param k         active kernel: 3, 5 or 7 and {@code <= kMax}
 * @param kMax      stored kernel: 3, 5 or 7
 * @param stride    1 or 2
 * @param transform NONE (centre crop) or OFA (matrix chain)
 */
public record DepthwiseShape(int n, int h, int w, int c, int cMax, int k, int kMax, int stride,
                             KernelTransform transform) {

    /** Floats of the 7->5 transform matrix. */
    public static final int T75_LENGTH = 25 * 25;
    /** Floats of the 5->3 transform matrix. */
    public static final int T53_LENGTH = 9 * 9;
    private static final long MAX_ELEMENTS = 1L << 40;

    /**
     * Checks the components.
     *
     * @throws InvalidArgumentException naming the field and what is allowed
     */
    public DepthwiseShape {
        if (n < 1 || h < 1 || w < 1) {
            throw new InvalidArgumentException("batch and spatial sizes n=" + n + " h=" + h + " w=" + w
                    + ": allowed >= 1 each");
        }
        if (cMax < 1 || c < 1 || c > cMax) {
            throw new InvalidArgumentException("active channels c=" + c + " with cMax=" + cMax
                    + ": allowed 1 <= c <= cMax");
        }
        if (!isKernel(kMax)) {
            throw new InvalidArgumentException("stored kernel kMax=" + kMax + ": allowed 3, 5, 7");
        }
        if (!isKernel(k) || k > kMax) {
            throw new InvalidArgumentException("kernel " + k + ": allowed 3, 5, 7 and <= kMax " + kMax);
        }
        if (stride != 1 && stride != 2) {
            throw new InvalidArgumentException("stride " + stride + ": allowed 1 or 2");
        }
        if (transform == null) {
            throw new InvalidArgumentException("transform is null: allowed NONE or OFA");
        }
        if ((double) n * h * w * c > MAX_ELEMENTS) {
            throw new InvalidArgumentException("input of " + ((double) n * h * w * c)
                    + " elements: allowed at most 2^40");
        }
    }

    private static boolean isKernel(int k) {
        return k == 3 || k == 5 || k == 7;
    }

    /**
     * Output height: (h - 1) / stride + 1.
     *
     * @return output height, &gt;= 1
     */
    public int outH() {
        return (h - 1) / stride + 1;
    }

    /**
     * Output width: (w - 1) / stride + 1.
     *
     * @return output width, &gt;= 1
     */
    public int outW() {
        return (w - 1) / stride + 1;
    }

    /**
     * Padding on each side: k / 2.
     *
     * @return k / 2
     */
    public int pad() {
        return k / 2;
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
     * {n, outH, outW, c}.
     *
     * @return the output shape
     */
    public int[] outputShape() {
        return new int[] {n, outH(), outW(), c};
    }

    /**
     * {kMax, kMax, cMax}.
     *
     * @return the supernet weight shape
     */
    public int[] weightShape() {
        return new int[] {kMax, kMax, cMax};
    }

    /**
     * Floats of x (and dx).
     *
     * @return n * h * w * c
     */
    public long inputLength() {
        return (long) n * h * w * c;
    }

    /**
     * Floats of y (and dy).
     *
     * @return n * outH * outW * c
     */
    public long outputLength() {
        return (long) n * outH() * outW() * c;
    }

    /**
     * Floats of the supernet weight (and its gradient).
     *
     * @return kMax * kMax * cMax
     */
    public long weightLength() {
        return (long) kMax * kMax * cMax;
    }

    /**
     * Whether the chain uses the 7->5 matrix (OFA, kMax 7, {@code k <= 5}).
     *
     * @return true when t75 is read
     */
    public boolean usesT75() {
        return transform == KernelTransform.OFA && kMax == 7 && k <= 5;
    }

    /**
     * Whether the chain uses the 5->3 matrix (OFA, k 3, kMax >= 5).
     *
     * @return true when t53 is read
     */
    public boolean usesT53() {
        return transform == KernelTransform.OFA && k == 3 && kMax >= 5;
    }

    /**
     * The ABI struct's fields.
     *
     * @return the fields as the ABI takes them
     */
    public RawDwconvShape toRaw() {
        return new RawDwconvShape(n, h, w, c, cMax, k, kMax, stride, transform.code());
    }

    /**
     * A name that encodes the configuration, e.g. {@code dw_nhwc_k3of7_s2_ofa_c37of72_13x13_n3}.
     *
     * @return the configuration's name
     */
    public String id() {
        return "dw_nhwc_k" + k + "of" + kMax + "_s" + stride + "_" + transform.name().toLowerCase(java.util.Locale.ROOT)
                + "_c" + c + "of" + cMax + "_" + h + "x" + w + "_n" + n;
    }
}
