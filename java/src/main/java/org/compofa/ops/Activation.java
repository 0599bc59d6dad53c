package org.compofa.ops;

import org.compofa.bindings.CompofaNnNative;
import org.compofa.bindings.RawNnOps;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.OpScope;
import org.compofa.runtime.Tensor;

/**
 * The element-wise activations of MobileNetV3. Tensors are float tensors of any layout; {@code y}
 * (and {@code dy}, {@code dx}) have exactly the layout and shape of {@code x}. The forward may run in
 * place (y == x), and so may the backward (dx == dy); the backward takes the forward's input x.
 */
public enum Activation {
    /** y = x. */
    IDENTITY(CompofaNnNative.ACT_IDENTITY),
    /** y = max(x, 0); derivative [x > 0]. */
    RELU(CompofaNnNative.ACT_RELU),
    /** y = x relu6(x + 3) / 6; derivative 0 for x &lt;= -3, 1 for x &gt;= 3, (2x + 3) / 6 between. */
    HSWISH(CompofaNnNative.ACT_HSWISH),
    /** y = relu6(x + 3) / 6; derivative 1/6 for -3 &lt; x &lt; 3, else 0. */
    HSIGMOID(CompofaNnNative.ACT_HSIGMOID);

    private final int code;

    Activation(int code) {
        this.code = code;
    }

    /**
     * The ABI's {@code compofa_activation_kind} value.
     *
     * @return the code passed to the C ABI
     */
    public int code() {
        return code;
    }

    /**
     * y = act(x); y may be x (in place).
     *
     * @param ctx the context that owns both tensors
     * @param x input
     * @param y output, same layout and shape as x
     */
    public void forward(ComputeContext ctx, Tensor x, Tensor y) {
        Args.context(ctx);
        Args.floats(ctx, "x", x);
        Args.sameAs(ctx, "y", y, "x", x);
        try (OpScope op = ctx.op()) {
            RawNnOps.activationForward(op.context(), null, code, op.address(x), op.address(y), x.length());
        }
    }

    /**
     * dx = act'(x) * dy (overwritten); dx may be dy, not x.
     *
     * @param ctx the context that owns every tensor
     * @param x the forward's input
     * @param dy gradient of the output
     * @param dx gradient of x, same shape
     */
    public void backward(ComputeContext ctx, Tensor x, Tensor dy, Tensor dx) {
        Args.context(ctx);
        Args.floats(ctx, "x", x);
        Args.sameAs(ctx, "dy", dy, "x", x);
        Args.sameAs(ctx, "dx", dx, "x", x);
        Args.distinct("dx", dx, "x", x);
        try (OpScope op = ctx.op()) {
            RawNnOps.activationBackward(op.context(), null, code, op.address(x), op.address(dy), op.address(dx), x.length());
        }
    }
}
