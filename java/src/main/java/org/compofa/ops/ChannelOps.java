package org.compofa.ops;

import org.compofa.bindings.InvalidArgumentException;
import org.compofa.bindings.RawNnOps;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Layout;
import org.compofa.runtime.OpScope;
import org.compofa.runtime.Tensor;

/**
 * Per-channel ops over NHWC activations: bias (first c entries of a supernet VECTOR [cMax]), global
 * average pooling {@code [n][h][w][c] -> MATRIX [n][c]} and squeeze-excitation's channel scaling by a
 * MATRIX [n][c].
 */
public final class ChannelOps {
    private ChannelOps() {}

    /**
     * y[r][j] += bias[j] in place, for y NHWC [n][h][w][c] or MATRIX [rows][c] and bias VECTOR [cMax >= c].
     *
     * @param ctx the context that owns both tensors
     * @param y updated in place
     * @param bias VECTOR [cMax &gt;= c]
     */
    public static void biasAdd(ComputeContext ctx, Tensor y, Tensor bias) {
        Args.context(ctx);
        int c = Args.channelsLast(ctx, "y", y);
        Args.vectorAtLeast(ctx, "bias", bias, c);
        Args.distinct("y", y, "bias", bias);
        try (OpScope op = ctx.op()) {
            RawNnOps.biasAdd(op.context(), null, y.length() / c, c, op.address(y), y.length(), op.address(bias), bias.length());
        }
    }

    /**
     * dbias[j] += sum over rows of dy[r][j] (accumulated into the first c entries).
     *
     * @param ctx the context that owns both tensors
     * @param dy gradient of y, NHWC or MATRIX with c last
     * @param dbias VECTOR [&gt;= c], accumulated
     */
    public static void biasBackward(ComputeContext ctx, Tensor dy, Tensor dbias) {
        Args.context(ctx);
        int c = Args.channelsLast(ctx, "dy", dy);
        Args.vectorAtLeast(ctx, "dbias", dbias, c);
        Args.distinct("dbias", dbias, "dy", dy);
        try (OpScope op = ctx.op()) {
            RawNnOps.biasBackward(op.context(), null, dy.length() / c, c, op.address(dy), dy.length(), op.address(dbias),
                    dbias.length());
        }
    }

    /**
     * y[b][j] = mean over h, w of x[b][h][w][j]: x NHWC [n][h][w][c], y MATRIX [n][c] (overwritten).
     *
     * @param ctx the context that owns both tensors
     * @param x NHWC [n][h][w][c]
     * @param y MATRIX [n][c], overwritten
     */
    public static void globalAvgPool(ComputeContext ctx, Tensor x, Tensor y) {
        Args.context(ctx);
        int[] s = Args.nhwc(ctx, "x", x);
        Args.tensor(ctx, "y", y, Layout.MATRIX, new int[] {s[0], s[3]});
        try (OpScope op = ctx.op()) {
            RawNnOps.globalAvgPoolForward(op.context(), null, s[0], hw(s), s[3], op.address(x), x.length(), op.address(y),
                    y.length());
        }
    }

    /**
     * dx[b][h][w][j] = dy[b][j] / (h w) (overwritten): dy MATRIX [n][c], dx NHWC [n][h][w][c].
     *
     * @param ctx the context that owns both tensors
     * @param dy MATRIX [n][c]
     * @param dx NHWC [n][h][w][c], overwritten
     */
    public static void globalAvgPoolBackward(ComputeContext ctx, Tensor dy, Tensor dx) {
        Args.context(ctx);
        int[] s = Args.nhwc(ctx, "dx", dx);
        Args.tensor(ctx, "dy", dy, Layout.MATRIX, new int[] {s[0], s[3]});
        try (OpScope op = ctx.op()) {
            RawNnOps.globalAvgPoolBackward(op.context(), null, s[0], hw(s), s[3], op.address(dy), dy.length(), op.address(dx),
                    dx.length());
        }
    }

    /**
     * y[b][h][w][j] = x[b][h][w][j] * scale[b][j]: x, y NHWC [n][h][w][c] (distinct), scale MATRIX [n][c].
     *
     * @param ctx the context that owns every tensor
     * @param x NHWC [n][h][w][c]
     * @param scale MATRIX [n][c]
     * @param y NHWC [n][h][w][c], distinct from x
     */
    public static void channelScale(ComputeContext ctx, Tensor x, Tensor scale, Tensor y) {
        Args.context(ctx);
        int[] s = Args.nhwc(ctx, "x", x);
        Args.tensor(ctx, "scale", scale, Layout.MATRIX, new int[] {s[0], s[3]});
        Args.sameAs(ctx, "y", y, "x", x);
        Args.allDistinct(new Tensor[] {y}, new String[] {"y"}, new Tensor[] {x, scale}, new String[] {"x", "scale"});
        try (OpScope op = ctx.op()) {
            RawNnOps.channelScaleForward(op.context(), null, s[0], hw(s), s[3], op.address(x), x.length(), op.address(scale),
                    scale.length(), op.address(y), y.length());
        }
    }

    /**
     * Backward of {@link #channelScale}: dx = dy * scale and dscale[b][j] = sum over h, w of dy * x,
     * both overwritten; either may be null to skip it.
     *
     * @param ctx the context that owns every tensor
     * @param x the forward's input
     * @param scale the forward's scale
     * @param dy gradient of y
     * @param dx gradient of x, overwritten, or null
     * @param dscale gradient of scale, overwritten, or null
     */
    public static void channelScaleBackward(ComputeContext ctx, Tensor x, Tensor scale, Tensor dy, Tensor dx,
                                            Tensor dscale) {
        Args.context(ctx);
        int[] s = Args.nhwc(ctx, "x", x);
        int[] nc = {s[0], s[3]};
        Args.tensor(ctx, "scale", scale, Layout.MATRIX, nc);
        Args.sameAs(ctx, "dy", dy, "x", x);
        if (dx != null) {
            Args.sameAs(ctx, "dx", dx, "x", x);
        }
        Args.optional(ctx, "dscale", dscale, Layout.MATRIX, nc);
        Args.allDistinct(new Tensor[] {dx, dscale}, new String[] {"dx", "dscale"}, new Tensor[] {x, scale, dy},
                new String[] {"x", "scale", "dy"});
        try (OpScope op = ctx.op()) {
            RawNnOps.channelScaleBackward(op.context(), null, s[0], hw(s), s[3], op.address(x), x.length(), op.address(scale),
                    scale.length(), op.address(dy), dy.length(), op.addressOrZero(dx), Args.length(dx), op.addressOrZero(dscale),
                    Args.length(dscale));
        }
    }

    private static int hw(int[] s) {
        long hw = (long) s[1] * s[2];
        if (hw > Integer.MAX_VALUE) {
            throw new InvalidArgumentException("h*w = " + hw + ": allowed at most 2^31 - 1 positions per image");
        }
        return (int) hw;
    }
}
