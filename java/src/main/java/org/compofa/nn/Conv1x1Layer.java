package org.compofa.nn;

import org.compofa.ops.ChannelOps;
import org.compofa.ops.SliceGemm;
import org.compofa.runtime.Tensor;

/**
 * A 1x1 convolution (or linear layer on MATRIX [n][cin]) reading {@code W[:cout, :cin]} of the
 * supernet weight MATRIX [coutMax][cinMax] in place, with an optional bias {@code b[:cout]}.
 */
final class Conv1x1Layer implements Layer {
    private final Parameter weight;
    private final Parameter bias;
    private final int cin;
    private final int cout;
    private final boolean inputGrad;
    private Tensor x;

    Conv1x1Layer(Parameter weight, Parameter bias, int cin, int cout, boolean inputGrad) {
        this.weight = weight;
        this.bias = bias;
        this.cin = cin;
        this.cout = cout;
        this.inputGrad = inputGrad;
    }

    @Override
    public Tensor forward(Pass pass, Tensor x) {
        this.x = x;
        Tensor y = pass.takeLike(x, cout);
        SliceGemm.conv1x1Forward(pass.ctx(), x, weight.value(), cin, cout, y);
        if (bias != null) {
            ChannelOps.biasAdd(pass.ctx(), y, bias.value());
        }
        return y;
    }

    @Override
    public Tensor backward(Pass pass, Tensor dy) {
        Tensor dx = inputGrad ? pass.takeLike(x, cin) : null;
        SliceGemm.conv1x1Backward(pass.ctx(), x, weight.value(), dy, cin, cout, dx, weight.grad());
        if (bias != null) {
            ChannelOps.biasBackward(pass.ctx(), dy, bias.grad());
        }
        return dx;
    }
}
