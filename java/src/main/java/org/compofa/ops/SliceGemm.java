package org.compofa.ops;

import org.compofa.bindings.BufferTooSmallException;
import org.compofa.bindings.InvalidArgumentException;
import org.compofa.bindings.RawFusedOps;
import org.compofa.bindings.RawOps;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Layout;
import org.compofa.runtime.OpScope;
import org.compofa.runtime.Tensor;

/**
 * GEMM on sub-blocks of larger matrices, so a subnet uses the supernet's weights in place:
 * C = alpha * op(A) * op(B) + beta * C (row-major). beta 0 overwrites C (NaN in C is not propagated);
 * beta 1 accumulates, e.g. the weight gradients of several subnets.
 */
public final class SliceGemm {
    private SliceGemm() {}

    /**
     * C = alpha * op(A) * op(B) + beta * C with op(A) m x k and op(B) k x n.
     *
     * @param transA whether op(A) is the transpose of the stored block a
     * @param transB whether op(B) is the transpose of the stored block b
     * @param ctx the context that owns every tensor
     * @param alpha scale of the product
     * @param a matrix A
     * @param b matrix B
     * @param beta scale of the old C; 0 overwrites
     * @param c matrix C, m x n, updated
     * @throws InvalidArgumentException when the dimensions do not chain or C overlaps A or B
     * @throws BufferTooSmallException  when a block reaches past its tensor
     */
    public static void gemm(ComputeContext ctx, float alpha, MatrixSlice a, boolean transA, MatrixSlice b,
                            boolean transB, float beta, MatrixSlice c) {
        Args.context(ctx);
        Args.notNull("a", a);
        Args.notNull("b", b);
        Args.notNull("c", c);
        int m = transA ? a.cols() : a.rows();
        int ka = transA ? a.rows() : a.cols();
        int kb = transB ? b.cols() : b.rows();
        int n = transB ? b.rows() : b.cols();
        if (ka != kb) {
            throw new InvalidArgumentException("op(A) is " + m + " x " + ka + " and op(B) is " + kb + " x " + n
                    + ": allowed only equal inner dimensions");
        }
        if (c.rows() != m || c.cols() != n) {
            throw new InvalidArgumentException("C is " + c.rows() + " x " + c.cols() + "; op(A) op(B) is " + m + " x " + n);
        }
        check(ctx, "a", a);
        check(ctx, "b", b);
        check(ctx, "c", c);
        if (c.overlaps(a) || c.overlaps(b)) {
            throw new InvalidArgumentException("C overlaps A or B in the same tensor; allowed only disjoint blocks");
        }
        try (OpScope op = ctx.op()) {
            RawOps.gemm(op.context(), null, transA, transB, m, n, ka, alpha,
                    ptr(op, a), a.tensor().length() - a.offset(), a.ld(),
                    ptr(op, b), b.tensor().length() - b.offset(), b.ld(),
                    beta, ptr(op, c), c.tensor().length() - c.offset(), c.ld());
        }
    }

    /**
     * 1x1 convolution on the supernet weight in place: {@code y[P][cout] = x[P][cin] * W[:cout, :cin]^T}.
     *
     * @param x activations whose last dimension is cin (NHWC [n][h][w][cin] or MATRIX [P][cin])
     * @param w the supernet weight, MATRIX [coutMax][cinMax]
     * @param y activations whose last dimension is cout and with the same P, overwritten
     * @param ctx the context that owns every tensor
     * @param cin active input channels, 1 to cinMax
     * @param cout active output channels, 1 to coutMax
     */
    public static void conv1x1Forward(ComputeContext ctx, Tensor x, Tensor w, int cin, int cout, Tensor y) {
        Conv1x1 c = Conv1x1.checked(ctx, x, w, cin, cout, y);
        gemm(ctx, 1f, c.x(), false, c.w(), true, 0f, c.y());
    }

    /** The three operands of a 1x1 convolution forward, checked: W[:cout, :cin], x and y with the same positions. */
    private record Conv1x1(MatrixSlice w, MatrixSlice x, MatrixSlice y) {
        static Conv1x1 checked(ComputeContext ctx, Tensor x, Tensor w, int cin, int cout, Tensor y) {
            Args.context(ctx);
            MatrixSlice wSub = weightSlice(ctx, w, cin, cout);
            MatrixSlice xs = activations("x", x, cin);
            MatrixSlice ys = activations("y", y, cout);
            samePositions(xs, ys);
            return new Conv1x1(wSub, xs, ys);
        }
    }

    /**
     * {@link #conv1x1Forward} for training, with the mean and biased variance of y's columns written to
     * {@code batchMean[:cout]}/{@code batchVar[:cout]} in the same pass, for the batch norm after it
     * ({@link BatchNorm#forwardTrainWithStatistics}); x needs at least 2 positions.
     *
     * @param ctx the context that owns every tensor
     * @param x input [P][cin]
     * @param w supernet weight MATRIX [coutMax][cinMax]
     * @param cin active input channels
     * @param cout active output channels
     * @param y output [P][cout], overwritten
     * @param batchMean receives the column means, VECTOR [&gt;= cout]
     * @param batchVar receives the biased column variances, VECTOR [&gt;= cout]
     */
    public static void conv1x1ForwardWithStatistics(ComputeContext ctx, Tensor x, Tensor w, int cin, int cout,
                                                    Tensor y, Tensor batchMean, Tensor batchVar) {
        Conv1x1 c = Conv1x1.checked(ctx, x, w, cin, cout, y);
        ctx.checkOwns("x", x);  // the native call below takes raw addresses (gemm checks this itself)
        ctx.checkOwns("y", y);
        Args.batchStatistics(ctx, "x", x, c.x().rows(), batchMean, batchVar, cout);
        Args.allDistinct(new Tensor[] {y, batchMean, batchVar}, new String[] {"y", "batchMean", "batchVar"},
                new Tensor[] {x, w}, new String[] {"x", "w"});
        try (OpScope op = ctx.op()) {
            RawFusedOps.conv1x1StatsForward(op.context(), null, c.x().rows(), cin, cout, op.address(x), x.length(),
                    op.address(w), w.length(), c.w().ld(), op.address(y), y.length(), op.address(batchMean), op.address(batchVar),
                    Args.minLength(batchMean, batchVar));
        }
    }

    /**
     * Backward of {@link #conv1x1Forward}: {@code dx = dy * W[:cout, :cin]} (overwritten) and
     * {@code dW[:cout, :cin] += dy^T * x} (accumulated; the rest of dW is untouched). Either output may
     * be null to skip it.
     *
     * @param dw gradient of the supernet weight, MATRIX [coutMax][cinMax] like w
     * @param ctx the context that owns every tensor
     * @param x the forward's input
     * @param w supernet weight MATRIX [coutMax][cinMax]
     * @param dy gradient of y [P][cout]
     * @param cin active input channels
     * @param cout active output channels
     * @param dx gradient of x, overwritten, or null
     */
    public static void conv1x1Backward(ComputeContext ctx, Tensor x, Tensor w, Tensor dy, int cin, int cout,
                                       Tensor dx, Tensor dw) {
        Args.context(ctx);
        MatrixSlice wSub = weightSlice(ctx, w, cin, cout);
        MatrixSlice dys = activations("dy", dy, cout);
        if (dx != null) {
            MatrixSlice dxs = activations("dx", dx, cin);
            samePositions(dxs, dys);
            gemm(ctx, 1f, dys, false, wSub, false, 0f, dxs);
        }
        if (dw != null) {
            MatrixSlice dwSub = weightSlice(ctx, dw, cin, cout);
            if (w != null && (dw.dim(0) != w.dim(0) || dw.dim(1) != w.dim(1))) {
                throw new InvalidArgumentException("dw " + dw.describeShape() + " must have the shape of w "
                        + w.describeShape());
            }
            MatrixSlice xs = activations("x", x, cin);
            samePositions(xs, dys);
            gemm(ctx, 1f, dys, true, xs, false, 1f, dwSub);
        }
    }

    static MatrixSlice weightSlice(ComputeContext ctx, Tensor w, int cin, int cout) {
        Args.notNull("w", w);
        ctx.checkOwns("w", w);
        if (w.layout() != Layout.MATRIX) {
            throw new InvalidArgumentException("w has layout " + w.layout() + "; allowed MATRIX [coutMax][cinMax]");
        }
        if (cin < 1 || cin > w.dim(1) || cout < 1 || cout > w.dim(0)) {
            throw new InvalidArgumentException("cin=" + cin + " cout=" + cout + " of " + w.describeShape()
                    + ": allowed 1 <= cin <= " + w.dim(1) + ", 1 <= cout <= " + w.dim(0));
        }
        return MatrixSlice.topLeft(w, cout, cin);
    }

    static MatrixSlice activations(String name, Tensor t, int channels) {
        Args.notNull(name, t);
        if (t.rank() < 2 || t.dim(t.rank() - 1) != channels) {
            throw new InvalidArgumentException(name + " " + t.describeShape() + ": allowed NHWC or MATRIX with last "
                    + "dimension " + channels);
        }
        return MatrixSlice.of(t);
    }

    static void samePositions(MatrixSlice p, MatrixSlice q) {
        if (p.rows() != q.rows()) {
            throw new InvalidArgumentException("positions differ: " + p.tensor().describeShape() + " has " + p.rows()
                    + ", " + q.tensor().describeShape() + " has " + q.rows() + "; allowed the same n*h*w");
        }
    }

    private static void check(ComputeContext ctx, String name, MatrixSlice s) {
        ctx.checkOwns(name, s.tensor());
        if (s.offset() + s.span() > s.tensor().length()) {
            throw new BufferTooSmallException(name + " block (offset " + s.offset() + ", " + s.rows() + " x " + s.cols()
                    + ", ld " + s.ld() + ") spans " + (s.offset() + s.span()) + " floats; "
                    + s.tensor().describeShape() + " holds " + s.tensor().length());
        }
    }

    private static long ptr(OpScope op, MatrixSlice s) {
        return op.address(s.tensor()) + s.offset() * Float.BYTES;
    }
}
