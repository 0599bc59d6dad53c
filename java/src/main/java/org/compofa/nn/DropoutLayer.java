package org.compofa.nn;

import org.compofa.ops.Dropout;
import org.compofa.runtime.Tensor;

/** Inverted dropout before the classifier, keyed by the pass's seed (identity outside training). */
final class DropoutLayer implements Layer {
    private final float p;

    DropoutLayer(float p) {
        this.p = p;
    }

    @Override
    public Tensor forward(Pass pass, Tensor x) {
        Tensor y = pass.take(x.layout(), x.shape());
        Dropout.forward(pass.ctx(), p, pass.dropoutSeed(), x, y);
        return y;
    }

    @Override
    public Tensor backward(Pass pass, Tensor dy) {
        Tensor dx = pass.take(dy.layout(), dy.shape());
        Dropout.backward(pass.ctx(), p, pass.dropoutSeed(), dy, dx);
        return dx;
    }
}
