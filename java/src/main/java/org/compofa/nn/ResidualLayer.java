package org.compofa.nn;

import org.compofa.ops.Elementwise;
import org.compofa.runtime.Tensor;

/** y = body(x) + x (MBConv's identity shortcut). */
final class ResidualLayer implements Layer {
    private final Layer body;

    ResidualLayer(Layer body) {
        this.body = body;
    }

    @Override
    public Tensor forward(Pass pass, Tensor x) {
        Tensor y = body.forward(pass, x);
        Elementwise.axpby(pass.ctx(), 1f, x, 1f, y);
        return y;
    }

    @Override
    public Tensor backward(Pass pass, Tensor dy) {
        Tensor dx = body.backward(pass, dy);
        Elementwise.axpby(pass.ctx(), 1f, dy, 1f, dx);
        return dx;
    }
}
