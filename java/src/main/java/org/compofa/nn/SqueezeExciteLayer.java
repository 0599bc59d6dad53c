package org.compofa.nn;

import org.compofa.ops.ChannelOps;
import org.compofa.ops.Elementwise;
import org.compofa.ops.SqueezeExcite;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;

/**
 * Squeeze-and-excitation (reference §2.2): gate = h_sigmoid(W2 relu(W1 mean_hw(x) + b1) + b2),
 * y = x * gate per channel, with W1 = reduce[:se, :c], W2 = expand[:c, :se] read in place. Fused
 * passes run it as one op ({@link SqueezeExcite}, which keeps pooled/hidden/gate in one small
 * buffer for the backward); the *_UNFUSED modes as the separate ops.
 */
final class SqueezeExciteLayer implements Layer {
    private final SqueezeExciteWeights w;
    private final int se;
    private final Layer gate;  // the separate ops; null when fused
    private Tensor x;
    private Tensor g;
    private Tensor saved;

    SqueezeExciteLayer(SqueezeExciteWeights w, int c, int se, boolean fused) {
        this.w = w;
        this.se = se;
        this.gate = fused ? null : new Sequential(java.util.List.of(new PoolLayer(),
                new Conv1x1Layer(w.reduceWeight(), w.reduceBias(), c, se, true),
                new ActivationLayer(org.compofa.ops.Activation.RELU),
                new Conv1x1Layer(w.expandWeight(), w.expandBias(), se, c, true),
                new ActivationLayer(org.compofa.ops.Activation.HSIGMOID)));
    }

    @Override
    public Tensor forward(Pass pass, Tensor x) {
        this.x = x;
        Tensor y = pass.take(Layout.NHWC, x.shape());
        if (gate == null) {
            int n = x.dim(0);
            int c = x.dim(3);
            saved = pass.mode().allowsBackward()
                    ? pass.take(Layout.VECTOR, Math.toIntExact(SqueezeExcite.savedLength(n, c, se))) : null;
            SqueezeExcite.forward(pass.ctx(), x, values(), se, y, saved);
            return y;
        }
        g = gate.forward(pass, x);
        ChannelOps.channelScale(pass.ctx(), x, g, y);
        return y;
    }

    @Override
    public Tensor backward(Pass pass, Tensor dy) {
        Tensor dx = pass.take(Layout.NHWC, x.shape());
        if (gate == null) {
            SqueezeExcite.backward(pass.ctx(), x, values(), se, saved, dy, dx, grads());
            return dx;
        }
        Tensor dg = pass.take(Layout.MATRIX, g.shape());
        ChannelOps.channelScaleBackward(pass.ctx(), x, g, dy, dx, dg);
        Tensor dxGate = gate.backward(pass, dg);
        Elementwise.axpby(pass.ctx(), 1f, dxGate, 1f, dx);
        return dx;
    }

    private SqueezeExcite.Weights values() {
        return new SqueezeExcite.Weights(w.reduceWeight().value(), w.reduceBias().value(), w.expandWeight().value(),
                w.expandBias().value());
    }

    private SqueezeExcite.Weights grads() {
        return new SqueezeExcite.Weights(w.reduceWeight().grad(), w.reduceBias().grad(), w.expandWeight().grad(),
                w.expandBias().grad());
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
