package org.compofa.ops;

import org.compofa.bindings.InvalidArgumentException;
import org.compofa.bindings.RawNnOps;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Layout;
import org.compofa.runtime.OpScope;
import org.compofa.runtime.Tensor;

/** Resizing of NHWC images (elastic resolution). */
public final class Resize {
    private Resize() {}

    /**
     * Bilinear resize of x NHWC [n][h][w][c] to y NHWC [n][ho][wo][c] (overwritten), PyTorch's
     * {@code align_corners=False} without antialiasing: src = (dst + 0.5) * in / out - 0.5, clamped at
     * 0, neighbours clamped to the edge. The output size is y's shape.
     *
     * @param ctx the context that owns both tensors
     * @param x input NHWC [n][h][w][c]
     * @param y output NHWC [n][ho][wo][c], overwritten
     */
    public static void bilinear(ComputeContext ctx, Tensor x, Tensor y) {
        Args.context(ctx);
        int[] in = Args.nhwc(ctx, "x", x);
        int[] out = Args.nhwc(ctx, "y", y);
        if (in[0] != out[0] || in[3] != out[3]) {
            throw new InvalidArgumentException("y " + y.describeShape() + " and x " + x.describeShape()
                    + ": allowed the same n and c (only h and w change)");
        }
        Args.distinct("y", y, "x", x);
        try (OpScope op = ctx.op()) {
            RawNnOps.resizeBilinear(op.context(), null, in[0], in[1], in[2], in[3], out[1], out[2], op.address(x),
                    x.length(), op.address(y), y.length());
        }
    }

    /**
     * Allocates y NHWC [n][ho][wo][c] and runs {@link #bilinear(ComputeContext, Tensor, Tensor)}.
     *
     * @param ctx the context that owns both tensors
     * @param x input NHWC [n][h][w][c]
     * @param ho output height, &gt;= 1
     * @param wo output width, &gt;= 1
     * @return a new output tensor; the caller closes it
     */
    public static Tensor bilinear(ComputeContext ctx, Tensor x, int ho, int wo) {
        Args.context(ctx);
        int[] in = Args.nhwc(ctx, "x", x);
        Tensor y = Tensor.zeros(ctx, Layout.NHWC, in[0], ho, wo, in[3]);
        try {
            bilinear(ctx, x, y);
            return y;
        } catch (RuntimeException e) {
            y.close();
            throw e;
        }
    }
}
