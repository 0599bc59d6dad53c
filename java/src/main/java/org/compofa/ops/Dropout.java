package org.compofa.ops;

import org.compofa.bindings.RawNnOps;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.OpScope;
import org.compofa.runtime.Tensor;

/**
 * Inverted dropout with a counter-based mask that is identical on every backend: element i is kept
 * iff {@link #keep}(seed, i, p), and kept elements are scaled by 1 / (1 - p). The same seed and p in
 * the backward give the forward's mask, so no mask is stored. Tensors are float tensors of one layout
 * and shape; y may be x and dx may be dy (in place).
 */
public final class Dropout {
    private Dropout() {}

    /**
     * y = mask(seed, p) * x / (1 - p).
     *
     * @param p drop probability, allowed 0 &lt;= p &lt; 1
     * @param ctx the context that owns both tensors
     * @param seed mask seed; the backward must use the same
     * @param x input
     * @param y output, same layout and shape
     */
    public static void forward(ComputeContext ctx, float p, long seed, Tensor x, Tensor y) {
        Args.context(ctx);
        Args.range("p", p, 0f, 1f, false);
        Args.floats(ctx, "x", x);
        Args.sameAs(ctx, "y", y, "x", x);
        try (OpScope op = ctx.op()) {
            RawNnOps.dropoutForward(op.context(), null, x.length(), p, seed, op.address(x), op.address(y));
        }
    }

    /**
     * dx = mask(seed, p) * dy / (1 - p), with the forward's seed and p.
     *
     * @param ctx the context that owns both tensors
     * @param p the forward's drop probability
     * @param seed the forward's seed
     * @param dy gradient of y
     * @param dx gradient of x, overwritten
     */
    public static void backward(ComputeContext ctx, float p, long seed, Tensor dy, Tensor dx) {
        Args.context(ctx);
        Args.range("p", p, 0f, 1f, false);
        Args.floats(ctx, "dy", dy);
        Args.sameAs(ctx, "dx", dx, "dy", dy);
        try (OpScope op = ctx.op()) {
            RawNnOps.dropoutBackward(op.context(), null, dy.length(), p, seed, op.address(dy), op.address(dx));
        }
    }

    /**
     * Whether element {@code index} is kept: the SplitMix64 finaliser of seed + (index + 1) *
     * 0x9E3779B97F4A7C15, top 24 bits / 2^24 >= p (the library's {@code compofa_dropout_keep}).
     *
     * @param seed the forward's seed
     * @param index element index, &gt;= 0
     * @param p drop probability, in [0, 1)
     * @return true when the element is kept
     */
    public static boolean keep(long seed, long index, float p) {
        return RawNnOps.dropoutKeep(seed, index, p);
    }
}
