package org.compofa.ops;

import org.compofa.bindings.InvalidArgumentException;
import org.compofa.runtime.Tensor;

/**
 * A row-major rows x cols block of a tensor's floats: element (i, j) is at
 * {@code offset + i * ld + j}. The tensor's own shape is not consulted, so any tensor (a MATRIX
 * weight, NHWC activations seen as [n*h*w][c]) can be sliced.
 *
 * @param tensor the tensor holding the block
 * @param offset float index of element (0, 0), >= 0
 * @param rows   >= 1
 * @param cols   >= 1
 * @param ld     leading dimension (floats between rows), >= cols
 */
public record MatrixSlice(Tensor tensor, long offset, int rows, int cols, int ld) {

    /**
     * Checks the components.
     *
     * @throws InvalidArgumentException for a null tensor or sizes outside what is allowed
     */
    public MatrixSlice {
        if (tensor == null) {
            throw new InvalidArgumentException("slice tensor is null");
        }
        if (offset < 0 || rows < 1 || cols < 1 || ld < cols) {
            throw new InvalidArgumentException("slice offset=" + offset + " rows=" + rows + " cols=" + cols
                    + " ld=" + ld + ": allowed offset >= 0, rows >= 1, cols >= 1, ld >= cols");
        }
        // offset + span must not wrap: a wrapped end would pass every later bounds check
        if (offset > Long.MAX_VALUE - ((long) (rows - 1) * ld + cols)) {
            throw new InvalidArgumentException("slice offset=" + offset + " rows=" + rows + " ld=" + ld
                    + ": its end overflows a long; allowed offset + (rows-1)*ld + cols <= 2^63-1");
        }
    }

    /**
     * The whole tensor as a matrix: [product of all but the last dim][last dim].
     *
     * @param t any float tensor
     * @return the slice over all of t
     */
    public static MatrixSlice of(Tensor t) {
        int cols = t.dim(t.rank() - 1);
        long rows = t.length() / cols;
        if (rows > Integer.MAX_VALUE) {
            throw new InvalidArgumentException(t.describeShape() + " has " + rows + " rows: allowed < 2^31");
        }
        return new MatrixSlice(t, 0, (int) rows, cols, cols);
    }

    /**
     * The top-left rows x cols block {@code W[:rows, :cols]} of a tensor seen as {@link #of(Tensor)}.
     *
     * @param t any float tensor
     * @param rows rows of the block, &gt;= 1
     * @param cols columns of the block, &gt;= 1
     * @return the block
     */
    public static MatrixSlice topLeft(Tensor t, int rows, int cols) {
        return block(t, 0, 0, rows, cols);
    }

    /**
     * The block {@code W[row0:row0+rows, col0:col0+cols]} of a tensor seen as {@link #of(Tensor)}.
     *
     * @param t any float tensor
     * @param row0 first row, &gt;= 0
     * @param col0 first column, &gt;= 0
     * @param rows rows of the block, &gt;= 1
     * @param cols columns of the block, &gt;= 1
     * @return the block
     */
    public static MatrixSlice block(Tensor t, int row0, int col0, int rows, int cols) {
        MatrixSlice whole = of(t);
        if (row0 < 0 || col0 < 0 || rows < 1 || cols < 1 || row0 + rows > whole.rows || col0 + cols > whole.cols) {
            throw new InvalidArgumentException("block [" + row0 + ":" + (row0 + rows) + ", " + col0 + ":" + (col0 + cols)
                    + "] of " + whole.rows + " x " + whole.cols + ": allowed within the matrix, rows and cols >= 1");
        }
        return new MatrixSlice(t, (long) row0 * whole.ld + col0, rows, cols, whole.ld);
    }

    /**
     * Floats from element (0, 0) to the last element: (rows - 1) * ld + cols.
     *
     * @return floats spanned, &gt;= 1
     */
    public long span() {
        return (long) (rows - 1) * ld + cols;
    }

    /** Whether the float ranges of two slices of the same tensor overlap. */
    boolean overlaps(MatrixSlice o) {
        return tensor == o.tensor && offset < o.offset + o.span() && o.offset < offset + span();
    }
}
