package org.compofa.ops;

import org.compofa.bindings.InvalidArgumentException;
import org.compofa.bindings.RawNnOps;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.OpScope;
import org.compofa.runtime.Tensor;

/**
 * The SGD update in place, PyTorch semantics (dampening 0): g = grad + weightDecay * param;
 * buf = momentum * buf + g (buf starts at zero); g = nesterov ? g + momentum * buf : buf;
 * param -= lr * g.
 */
public final class Sgd {
    private Sgd() {}

    /**
     * The hyper-parameters of one step, checked at construction.
     *
     * @param lr          learning rate, finite >= 0
     * @param momentum    0..1
     * @param weightDecay finite >= 0
     * @param nesterov    Nesterov momentum (needs momentum > 0, as in PyTorch)
     */
    public record Params(float lr, float momentum, float weightDecay, boolean nesterov) {
        /**
         * Checks the components.
         *
         * @throws InvalidArgumentException naming the field and what is allowed
         */
        public Params {
            if (!(lr >= 0f) || !Float.isFinite(lr)) {
                throw new InvalidArgumentException("lr=" + lr + ": allowed finite lr >= 0");
            }
            Args.range("momentum", momentum, 0f, 1f, true);
            if (!(weightDecay >= 0f) || !Float.isFinite(weightDecay)) {
                throw new InvalidArgumentException("weightDecay=" + weightDecay + ": allowed finite weightDecay >= 0");
            }
            if (nesterov && momentum == 0f) {
                throw new InvalidArgumentException("nesterov with momentum 0: Nesterov momentum needs momentum > 0");
            }
        }
    }

    /**
     * One step on param (float tensor of any layout) with grad and the momentum buffer of the same
     * length; momentumBuf may be null only when momentum is 0.
     *
     * @param ctx the context that owns every tensor
     * @param params learning rate, momentum, weight decay, Nesterov
     * @param param updated in place
     * @param grad its gradient, same length
     * @param momentumBuf momentum state, same length, updated; null only when momentum is 0
     */
    public static void step(ComputeContext ctx, Params params, Tensor param, Tensor grad, Tensor momentumBuf) {
        Args.context(ctx);
        Args.notNull("params", params);
        Args.floats(ctx, "param", param);
        Args.floats(ctx, "grad", grad);
        sameLength("grad", grad, param);
        if (momentumBuf == null && params.momentum() != 0f) {
            throw new InvalidArgumentException("momentumBuf is null with momentum=" + params.momentum()
                    + ": a buffer of param's length is needed unless momentum is 0");
        }
        if (momentumBuf != null) {
            Args.floats(ctx, "momentumBuf", momentumBuf);
            sameLength("momentumBuf", momentumBuf, param);
        }
        Args.allDistinct(new Tensor[] {param, momentumBuf}, new String[] {"param", "momentumBuf"},
                new Tensor[] {grad}, new String[] {"grad"});
        try (OpScope op = ctx.op()) {
            RawNnOps.sgdStep(op.context(), null, param.length(), op.address(param), op.address(grad),
                    op.addressOrZero(momentumBuf), params.lr(), params.momentum(), params.weightDecay(), params.nesterov());
        }
    }

    private static void sameLength(String name, Tensor t, Tensor param) {
        if (t.length() != param.length()) {
            throw new InvalidArgumentException(name + " " + t.describeShape() + " holds " + t.length()
                    + " floats; param " + param.describeShape() + " holds " + param.length() + ": allowed the same length");
        }
    }
}
