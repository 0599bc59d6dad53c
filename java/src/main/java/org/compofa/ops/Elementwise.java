package org.compofa.ops;

import org.compofa.bindings.RawNnOps;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.OpScope;
import org.compofa.runtime.Tensor;

/** Element-wise arithmetic on float tensors of one layout and shape. */
public final class Elementwise {
    private Elementwise() {}

    /**
     * y = alpha * x + beta * y in place of y (residual add: alpha = beta = 1; beta 0 overwrites y);
     * x and y have the same layout and shape and are distinct tensors.
     *
     * @param ctx the context that owns both tensors
     * @param alpha scale of x
     * @param x input
     * @param beta scale of the old y; 0 overwrites
     * @param y updated in place
     */
    public static void axpby(ComputeContext ctx, float alpha, Tensor x, float beta, Tensor y) {
        Args.context(ctx);
        Args.finite("alpha", alpha);
        Args.finite("beta", beta);
        Args.floats(ctx, "x", x);
        Args.sameAs(ctx, "y", y, "x", x);
        Args.distinct("y", y, "x", x);
        try (OpScope op = ctx.op()) {
            RawNnOps.axpby(op.context(), null, x.length(), alpha, op.address(x), beta, op.address(y));
        }
    }
}
