package org.compofa.nn;

import java.util.List;
import org.compofa.runtime.Tensor;

/** Layers run one after the other. */
final class Sequential implements Layer {
    private final List<Layer> layers;

    Sequential(List<Layer> layers) {
        this.layers = List.copyOf(layers);
    }

    @Override
    public Tensor forward(Pass pass, Tensor x) {
        Tensor y = x;
        for (Layer l : layers) {
            y = l.forward(pass, y);
        }
        return y;
    }

    @Override
    public Tensor backward(Pass pass, Tensor dy) {
        Tensor d = dy;
        for (int i = layers.size() - 1; i >= 0 && d != null; i--) {
            d = layers.get(i).backward(pass, d);
        }
        return d;
    }
}
