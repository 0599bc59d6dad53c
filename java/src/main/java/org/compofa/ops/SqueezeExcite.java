package org.compofa.ops;

import org.compofa.bindings.BufferTooSmallException;
import org.compofa.bindings.InvalidArgumentException;
import org.compofa.bindings.RawFusedOps;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Layout;
import org.compofa.runtime.OpScope;
import org.compofa.runtime.Tensor;

/**
 * Squeeze-and-excitation in one op (reference §2.2), reading the supernet's SE weights in place:
 * {@code gate = h_sigmoid(W2 relu(W1 mean_hw(x) + b1) + b2)}, {@code y = x * gate} per image and
 * channel, with W1 = reduce[:se, :c] and W2 = expand[:c, :se]. Equal up to float rounding to the
 * separate ops (pooling, two 1x1 convolutions with bias, relu, h_sigmoid, channel scale), in three
 * launches on CUDA instead of eight, with pooled/hidden/gate kept in one small buffer.
 */
public final class SqueezeExcite {
    private SqueezeExcite() {}

    /**
     * SE weights (or their gradients): reduce MATRIX [seMax][cMax], reduceBias VECTOR [seMax],
     * expand MATRIX [cMax][seMax], expandBias VECTOR [cMax].
     *
     * @param reduce MATRIX [seMax][cMax]
     * @param reduceBias VECTOR [seMax]
     * @param expand MATRIX [cMax][seMax]
     * @param expandBias VECTOR [cMax]
     */
    public record Weights(Tensor reduce, Tensor reduceBias, Tensor expand, Tensor expandBias) {}

    /**
     * Floats of the saved buffer a training forward fills for the backward: n * (2c + se).
     *
     * @param n batch size
     * @param c active channels
     * @param se active squeeze channels
     * @return n * (2c + se)
     */
    public static long savedLength(int n, int c, int se) {
        return (long) n * (2L * c + se);
    }

    /**
     * y = SE(x) for x, y NHWC [n][h][w][c] (distinct); {@code saved} (VECTOR of at least
     * {@link #savedLength} floats) receives what {@link #backward} needs, or is null for inference.
     *
     * @param ctx the context that owns every tensor
     * @param x input NHWC [n][h][w][c]
     * @param w the supernet's SE weights; their top-left slices are used
     * @param se active squeeze channels, 1 to seMax
     * @param y output, same shape as x
     * @param saved buffer for the backward, or null for inference
     */
    public static void forward(ComputeContext ctx, Tensor x, Weights w, int se, Tensor y, Tensor saved) {
        Checked k = Checked.of(ctx, x, w, se);
        Args.sameAs(ctx, "y", y, "x", x);
        Args.allDistinct(new Tensor[] {y}, new String[] {"y"}, new Tensor[] {x, w.reduce(), w.expand()},
                new String[] {"x", "reduce", "expand"});
        if (saved != null) {
            checkSaved(ctx, saved, k);
            Args.allDistinct(new Tensor[] {saved}, new String[] {"saved"}, new Tensor[] {x, y},
                    new String[] {"x", "y"});
        }
        try (OpScope op = ctx.op()) {
            RawFusedOps.seForward(op.context(), null, k.n, k.hw, k.c, se, op.address(x), x.length(), op.address(w.reduce()),
                    w.reduce().length(), k.ld1, op.address(w.reduceBias()), w.reduceBias().length(), op.address(w.expand()),
                    w.expand().length(), k.ld2, op.address(w.expandBias()), w.expandBias().length(), op.address(y), y.length(),
                    op.addressOrZero(saved), Args.length(saved));
        }
    }

    /**
     * Backward of {@link #forward} from its x, weights and saved buffer: dx overwritten; the gradients
     * in {@code grads} (shaped like the weights) accumulated, only their slices touched.
     *
     * @param ctx the context that owns every tensor
     * @param x the forward's input
     * @param w the forward's weights
     * @param se the forward's squeeze channels
     * @param saved the buffer the forward filled
     * @param dy gradient of y
     * @param dx gradient of x, overwritten
     * @param grads weight gradients, accumulated
     */
    public static void backward(ComputeContext ctx, Tensor x, Weights w, int se, Tensor saved, Tensor dy, Tensor dx,
                                Weights grads) {
        Checked k = Checked.of(ctx, x, w, se);
        checkSaved(ctx, saved, k);
        Args.sameAs(ctx, "dy", dy, "x", x);
        Args.sameAs(ctx, "dx", dx, "x", x);
        Args.notNull("grads", grads);
        Args.sameAs(ctx, "reduce gradient", grads.reduce(), "reduce", w.reduce());
        Args.sameAs(ctx, "expand gradient", grads.expand(), "expand", w.expand());
        Args.vectorAtLeast(ctx, "reduceBias gradient", grads.reduceBias(), se);
        Args.vectorAtLeast(ctx, "expandBias gradient", grads.expandBias(), k.c);
        Args.allDistinct(new Tensor[] {dx}, new String[] {"dx"}, new Tensor[] {x, dy, saved},
                new String[] {"x", "dy", "saved"});
        try (OpScope op = ctx.op()) {
            RawFusedOps.seBackward(op.context(), null, k.n, k.hw, k.c, se, op.address(x), x.length(), op.address(w.reduce()),
                    w.reduce().length(), k.ld1, op.address(w.expand()), w.expand().length(), k.ld2, op.address(saved),
                    saved.length(), op.address(dy), dy.length(), op.address(dx), dx.length(), op.address(grads.reduce()),
                    op.address(grads.reduceBias()), grads.reduceBias().length(), op.address(grads.expand()),
                    op.address(grads.expandBias()), grads.expandBias().length());
        }
    }

    private static void checkSaved(ComputeContext ctx, Tensor saved, Checked k) {
        Args.notNull("saved", saved);
        ctx.checkOwns("saved", saved);
        long need = savedLength(k.n, k.c, k.se);
        if (saved.length() < need) {
            throw new BufferTooSmallException("saved " + saved.describeShape() + " holds " + saved.length()
                    + " floats; SE of n=" + k.n + " c=" + k.c + " se=" + k.se + " saves n*(2c+se)=" + need);
        }
    }

    /** The checked sizes of one SE problem: x NHWC, W1 = reduce[:se, :c], W2 = expand[:c, :se]. */
    private record Checked(int n, int hw, int c, int se, int ld1, int ld2) {
        static Checked of(ComputeContext ctx, Tensor x, Weights w, int se) {
            Args.context(ctx);
            Args.notNull("weights", w);
            int[] s = Args.nhwc(ctx, "x", x);
            if (se < 1) {
                throw new InvalidArgumentException("se=" + se + ": allowed >= 1");
            }
            SliceGemm.weightSlice(ctx, w.reduce(), s[3], se);
            SliceGemm.weightSlice(ctx, w.expand(), se, s[3]);
            Args.vectorAtLeast(ctx, "reduceBias", w.reduceBias(), se);
            Args.vectorAtLeast(ctx, "expandBias", w.expandBias(), s[3]);
            return new Checked(s[0], s[1] * s[2], s[3], se, w.reduce().dim(1), w.expand().dim(1));
        }
    }
}
