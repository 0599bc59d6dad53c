package org.compofa.runtime;

import java.util.Arrays;

import org.compofa.bindings.InvalidArgumentException;

/**
 * How a tensor's elements are arranged; every layout is dense and row-major over its shape. Elements
 * are float32, except {@link #LABELS} (int32).
 */
public enum Layout {
    /** Activations {@code [n][h][w][c]}, channels innermost. */
    NHWC(4, "[n][h][w][c]"),
    /** Depthwise supernet weight {@code [kMax][kMax][cMax]}, tap-major, channels innermost; kMax in {3, 5, 7}. */
    DW_WEIGHT(3, "[kMax][kMax][cMax]"),
    /** A row-major matrix {@code [rows][cols]}. */
    MATRIX(2, "[rows][cols]"),
    /** A vector {@code [n]}. */
    VECTOR(1, "[n]"),
    /** Class labels {@code [n]}, int32 (not float), e.g. the targets of the cross-entropy. */
    LABELS(1, "[n] int32");

    /** The most elements a shape may have: every element is 4 bytes and the byte size must fit a long. */
    public static final long MAX_ELEMENTS = Long.MAX_VALUE / Float.BYTES;

    private final int rank;
    private final String dims;

    Layout(int rank, String dims) {
        this.rank = rank;
        this.dims = dims;
    }

    /**
     * Number of dimensions of a shape of this layout.
     *
     * @return the rank, &gt;= 1
     */
    public int rank() {
        return rank;
    }

    /**
     * Whether the elements are int32 ({@link #LABELS}) rather than float32.
     *
     * @return true for {@link #LABELS}
     */
    public boolean isInt32() {
        return this == LABELS;
    }

    /**
     * The dimensions in words, e.g. {@code [n][h][w][c]}.
     *
     * @return the dimension names in order
     */
    public String dims() {
        return dims;
    }

    /**
     * Checks a shape and returns its element count.
     *
     * @param shape one size per dimension
     * @return the element count, &gt;= 1
     * @throws InvalidArgumentException when the rank differs, a dimension is below 1, the element count
     *                                  exceeds {@link #MAX_ELEMENTS} (or overflows a long), or (DW_WEIGHT)
     *                                  the two kernel dimensions differ or are not 3, 5 or 7
     */
    public long validate(int... shape) {
        if (shape == null || shape.length != rank) {
            throw new InvalidArgumentException(this + " shape " + (shape == null ? "null" : Arrays.toString(shape))
                    + ": allowed " + rank + " dimensions " + dims);
        }
        long count = 1;
        for (int d : shape) {
            if (d < 1) {
                throw new InvalidArgumentException(this + " shape " + Arrays.toString(shape)
                        + ": every dimension must be >= 1");
            }
            try {
                count = Math.multiplyExact(count, d);
            } catch (ArithmeticException e) {
                count = Long.MAX_VALUE;  // past MAX_ELEMENTS: refused below with the shape named
            }
        }
        if (count > MAX_ELEMENTS) {
            throw new InvalidArgumentException(this + " shape " + Arrays.toString(shape) + ": "
                    + (count == Long.MAX_VALUE ? "the element count overflows a long" : count + " elements")
                    + "; allowed at most " + MAX_ELEMENTS + " elements, so the size in bytes fits a long");
        }
        if (this == DW_WEIGHT && (shape[0] != shape[1] || (shape[0] != 3 && shape[0] != 5 && shape[0] != 7))) {
            throw new InvalidArgumentException("DW_WEIGHT shape " + Arrays.toString(shape)
                    + ": allowed [kMax][kMax][cMax] with kMax 3, 5 or 7");
        }
        return count;
    }
}
