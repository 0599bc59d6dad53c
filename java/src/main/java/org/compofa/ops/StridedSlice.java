package org.compofa.ops;

import java.util.function.LongSupplier;

import org.compofa.bindings.InvalidArgumentException;

/**
 * A strided 3-D block of a tensor's floats: element (i, j, l) is at {@code offset + i*s0 + j*s1 + l}
 * for {@code i < d0, j < d1, l < d2}. Its contiguous copy is {@code [d0][d1][d2]}.
 *
 * @param offset float index of element (0, 0, 0), >= 0
 * @param d0     >= 1
 * @param d1     >= 1
 * @param d2     >= 1
 * @param s0     >= (d1 - 1) * s1 + d2 (the block never overlaps itself)
 * @param s1     >= d2
 */
public record StridedSlice(long offset, int d0, int d1, int d2, long s0, long s1) {

    /**
     * Checks the components.
     *
     * @throws InvalidArgumentException for extents or strides outside what is allowed, or a slice whose
     *                                  last offset ({@code offset + span()}) does not fit a long
     */
    public StridedSlice {
        if (offset < 0 || d0 < 1 || d1 < 1 || d2 < 1) {
            throw new InvalidArgumentException("slice offset=" + offset + " extents " + d0 + " x " + d1 + " x " + d2
                    + ": allowed offset >= 0 and extents >= 1");
        }
        if (s1 < d2) {
            throw new InvalidArgumentException("row stride s1=" + s1 + ": allowed >= d2=" + d2);
        }
        // Exact arithmetic: (d1-1)*s1 wraps for huge s1, and a wrapped bound let s0 < 0 through.
        long minS0 = exact(d0, d1, d2, s0, s1, () -> Math.addExact(Math.multiplyExact(d1 - 1L, s1), d2));
        if (s0 < minS0) {
            throw new InvalidArgumentException("block stride s0=" + s0 + ": allowed >= (d1-1)*s1+d2=" + minS0
                    + " (the slice must not overlap itself)");
        }
        exact(d0, d1, d2, s0, s1, () -> Math.addExact(offset, spanOf(d0, d1, d2, s0, s1)));
    }

    private static long spanOf(int d0, int d1, int d2, long s0, long s1) {
        return Math.addExact(Math.addExact(Math.multiplyExact(d0 - 1L, s0), Math.multiplyExact(d1 - 1L, s1)), d2);
    }

    /** Runs offset arithmetic, turning a long overflow into the typed exception naming the slice. */
    private static long exact(int d0, int d1, int d2, long s0, long s1, LongSupplier arithmetic) {
        try {
            return arithmetic.getAsLong();
        } catch (ArithmeticException e) {
            throw new InvalidArgumentException("slice extents " + d0 + " x " + d1 + " x " + d2 + " with strides s0=" + s0
                    + " s1=" + s1 + ": its offsets overflow a long; allowed only slices whose last offset fits");
        }
    }

    /**
     * {@code W[:rows, :cols]} of a row-major matrix with {@code ld} columns.
     *
     * @param rows rows, &gt;= 1
     * @param cols columns, 1 to ld
     * @param ld row length of the matrix
     * @return the slice
     */
    public static StridedSlice matrix(int rows, int cols, int ld) {
        return new StridedSlice(0, 1, rows, cols, (long) rows * ld, ld);
    }

    /**
     * The centre k x k taps and first c channels of a depthwise weight {@code [kMax][kMax][cMax]}.
     *
     * @param k active kernel size
     * @param c active channels
     * @param kMax supernet kernel size, &gt;= k
     * @param cMax supernet channels, &gt;= c
     * @return the slice
     * @throws InvalidArgumentException unless {@code k <= kMax}, both odd, and {@code 1 <= c <= cMax}
     */
    public static StridedSlice depthwiseCrop(int k, int c, int kMax, int cMax) {
        if (k < 1 || k > kMax || k % 2 == 0 || kMax % 2 == 0 || c < 1 || c > cMax) {
            throw new InvalidArgumentException("crop k=" + k + " c=" + c + " of [" + kMax + "][" + kMax + "][" + cMax
                    + "]: allowed odd k <= odd kMax and 1 <= c <= cMax");
        }
        int m = (kMax - k) / 2;
        return new StridedSlice(((long) m * kMax + m) * cMax, k, k, c, (long) kMax * cMax, cMax);
    }

    /**
     * Floats from the first to the last element: (d0-1)*s0 + (d1-1)*s1 + d2 (checked to fit, with offset).
     *
     * @return floats spanned
     */
    public long span() {
        return spanOf(d0, d1, d2, s0, s1);
    }

    /**
     * Number of elements: d0*d1*d2 (at most span(), so it fits a long).
     *
     * @return d0 * d1 * d2
     */
    public long count() {
        return (long) d0 * d1 * d2;
    }
}
