package org.compofa.nn;

import org.compofa.ops.Activation;
import org.compofa.runtime.Tensor;

/** An element-wise activation. */
final class ActivationLayer implements Layer {
    private final Activation act;
    private Tensor x;

    ActivationLayer(Activation act) {
        this.act = act;
    }

    static Activation of(org.compofa.space.Activation a) {
        return switch (a) {
            case RELU -> Activation.RELU;
            case H_SWISH -> Activation.HSWISH;
        };
    }

    @Override
    public Tensor forward(Pass pass, Tensor x) {
        this.x = x;
        Tensor y = pass.take(x.layout(), x.shape());
        act.forward(pass.ctx(), x, y);
        return y;
    }

    @Override
    public Tensor backward(Pass pass, Tensor dy) {
        Tensor dx = pass.take(x.layout(), x.shape());
        act.backward(pass.ctx(), x, dy, dx);
        return dx;
    }
}
