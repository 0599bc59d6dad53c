package org.compofa.nn;

import org.compofa.ops.ChannelOps;
import org.compofa.ops.Elementwise;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;

/**
 * Squeeze-and-excitation (reference §2.2): gate = h_sigmoid(W2 relu(W1 mean_hw(x) + b1) + b2),
 * y = x * gate per channel, with W1 = reduce[:se, :c], W2 = expand[:c, :se] read in place.
 */
final class SqueezeExciteLayer implements Layer {
    private final Layer gate;
    private Tensor x;
    private Tensor g;

    SqueezeExciteLayer(SqueezeExciteWeights w, int c, int se) {
        this.gate = new Sequential(java.util.List.of(new PoolLayer(),
                new Conv1x1Layer(w.reduceWeight(), w.reduceBias(), c, se, true),
                new ActivationLayer(org.compofa.ops.Activation.RELU),
                new Conv1x1Layer(w.expandWeight(), w.expandBias(), se, c, true),
                new ActivationLayer(org.compofa.ops.Activation.HSIGMOID)));
    }

    @Override
    public Tensor forward(Pass pass, Tensor x) {
        this.x = x;
        g = gate.forward(pass, x);
        Tensor y = pass.take(Layout.NHWC, x.shape());
        ChannelOps.channelScale(pass.ctx(), x, g, y);
        return y;
    }

    @Override
    public Tensor backward(Pass pass, Tensor dy) {
        Tensor dx = pass.take(Layout.NHWC, x.shape());
        Tensor dg = pass.take(Layout.MATRIX, g.shape());
        ChannelOps.channelScaleBackward(pass.ctx(), x, g, dy, dx, dg);
        Tensor dxGate = gate.backward(pass, dg);
        Elementwise.axpby(pass.ctx(), 1f, dxGate, 1f, dx);
        return dx;
    }

    /** Global average pooling NHWC [n][h][w][c] to MATRIX [n][c]. */
    static final class PoolLayer implements Layer {
        private int[] inShape;

        @Override
        public Tensor forward(Pass pass, Tensor x) {
            inShape = x.shape();
            Tensor y = pass.take(Layout.MATRIX, inShape[0], inShape[3]);
            ChannelOps.globalAvgPool(pass.ctx(), x, y);
            return y;
        }

        @Override
        public Tensor backward(Pass pass, Tensor dy) {
            Tensor dx = pass.take(Layout.NHWC, inShape);
            ChannelOps.globalAvgPoolBackward(pass.ctx(), dy, dx);
            return dx;
        }
    }
}
