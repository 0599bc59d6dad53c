package org.compofa.ops;

import org.compofa.bindings.RawNnOps;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Layout;
import org.compofa.runtime.OpScope;
import org.compofa.runtime.Tensor;

/**
 * The column transform of a dense k x k convolution (see {@link ConvShape}): {@code x} NHWC
 * {@link ConvShape#inputShape()} and {@code col} MATRIX {@link ConvShape#colShape()}. A convolution
 * is {@code im2col} then {@link SliceGemm#gemm} with the weight {@code W[cout][k*k*c]} transposed;
 * its input gradient is a GEMM into {@code dcol} then {@link #col2imAdd}.
 */
public final class Im2Col {
    private Im2Col() {}

    /**
     * col = im2col(x) (overwritten; zeros where a tap reads the padding).
     *
     * @param ctx the context that owns every tensor
     * @param shape the convolution
     * @param x input NHWC [n][h][w][c]
     * @param col MATRIX of {@link ConvShape#colShape()}, overwritten
     */
    public static void im2col(ComputeContext ctx, ConvShape shape, Tensor x, Tensor col) {
        Args.context(ctx);
        Args.notNull("shape", shape);
        Args.tensor(ctx, "x", x, Layout.NHWC, shape.inputShape());
        Args.tensor(ctx, "col", col, Layout.MATRIX, shape.colShape());
        try (OpScope op = ctx.op()) {
            RawNnOps.im2col(op.context(), null, shape.toRaw(), op.address(x), x.length(), op.address(col), col.length());
        }
    }

    /**
     * Allocates col of {@link ConvShape#colShape()} and runs {@link #im2col}.
     *
     * @param ctx the context that owns both tensors
     * @param shape the convolution
     * @param x input NHWC [n][h][w][c]
     * @return a new col tensor; the caller closes it
     */
    public static Tensor im2col(ComputeContext ctx, ConvShape shape, Tensor x) {
        Args.context(ctx);
        Args.notNull("shape", shape);
        Tensor col = Tensor.zeros(ctx, Layout.MATRIX, shape.colShape());
        try {
            im2col(ctx, shape, x, col);
            return col;
        } catch (RuntimeException e) {
            col.close();
            throw e;
        }
    }

    /**
     * The adjoint of {@link #im2col}, accumulating: {@code dx += col2im(dcol)}, every (patch, tap)
     * adding into the input element it read. Zero dx first for a plain gradient.
     *
     * @param ctx the context that owns both tensors
     * @param shape the convolution
     * @param dcol gradient of col
     * @param dx gradient of x, accumulated
     */
    public static void col2imAdd(ComputeContext ctx, ConvShape shape, Tensor dcol, Tensor dx) {
        Args.context(ctx);
        Args.notNull("shape", shape);
        Args.tensor(ctx, "dcol", dcol, Layout.MATRIX, shape.colShape());
        Args.tensor(ctx, "dx", dx, Layout.NHWC, shape.inputShape());
        try (OpScope op = ctx.op()) {
            RawNnOps.col2imAdd(op.context(), null, shape.toRaw(), op.address(dcol), dcol.length(), op.address(dx),
                    dx.length());
        }
    }
}
