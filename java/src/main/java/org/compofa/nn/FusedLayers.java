package org.compofa.nn;

import java.util.List;
import org.compofa.ops.Activation;
import org.compofa.ops.Epilogue;
import org.compofa.ops.KernelTransform;

/**
 * How the network lays out "convolution, batch norm, activation", per {@link Fusion}: one fused
 * inference layer; in training the batch norm and activation as one layer (and, after a 1x1 or
 * depthwise convolution, that convolution gathering the statistics: {@link ConvBnLayer}); or three layers.
 */
final class FusedLayers {
    private FusedLayers() {}

    /** Which fusion a pass's layers use. */
    enum Fusion {
        /** Separate ops (the *_UNFUSED modes). */
        NONE,
        /** Batch statistics: BN + activation fused, statistics gathered by 1x1 and depthwise convolutions. */
        TRAINING,
        /** Running statistics: BN and activation in the convolutions' epilogues. */
        INFERENCE;

        static Fusion of(Mode mode) {
            return mode.fusesInference() ? INFERENCE : mode.fusesTraining() ? TRAINING : NONE;
        }
    }

    /** Fused layers compute no intermediate activations, so they have no backward. */
    static void refuseBackward(Epilogue epilogue) {
        if (epilogue != null) {
            throw new IllegalStateException("a fused inference layer has no backward; train with Pass.train");
        }
    }

    /** The eval batch norm of {@code bn} with the network's epsilon. */
    static Epilogue.BatchNormEval eval(BatchNormWeights bn) {
        return new Epilogue.BatchNormEval(bn.gamma().value(), bn.beta().value(), bn.runningMean(), bn.runningVar(),
                BatchNormLayer.PARAMS.eps());
    }

    /** {@code act(bn(conv1x1(x)))}; bn may be null (no batch norm). */
    static void convBnAct(List<Layer> out, Fusion fuse, Parameter weight, int cin, int cout, BatchNormWeights bn,
                          Activation act) {
        if (fuse == Fusion.INFERENCE) {
            out.add(Conv1x1Layer.fused(weight, cin, cout, new Epilogue(null, bn == null ? null : eval(bn), act)));
            return;
        }
        Conv1x1Layer conv = new Conv1x1Layer(weight, null, cin, cout, true);
        if (bn == null || fuse == Fusion.NONE) {
            out.add(conv);
            addBnAct(out, fuse, bn, cout, act);
        } else {
            out.add(new ConvBnLayer(conv, new BatchNormLayer(bn, cout, act)));
        }
    }

    /** {@code act(bn(depthwise(x)))}. */
    static void depthwiseBnAct(List<Layer> out, Fusion fuse, BlockWeights w, int mid, int k, int stride,
                               Activation act) {
        KernelTransform tr = w.t75() == null ? KernelTransform.NONE : KernelTransform.OFA;
        Epilogue fused = fuse == Fusion.INFERENCE ? Epilogue.of(eval(w.depthwiseBn()), act) : null;
        DepthwiseLayer conv = new DepthwiseLayer(w.depthwise(), w.t75(), w.t53(), mid, k, stride, tr, fused);
        if (fuse == Fusion.TRAINING) {
            out.add(new ConvBnLayer(conv, new BatchNormLayer(w.depthwiseBn(), mid, act)));
            return;
        }
        out.add(conv);
        if (fuse == Fusion.NONE) {
            addBnAct(out, fuse, w.depthwiseBn(), mid, act);
        }
    }

    /** The stem: {@code act(bn(conv k x k (x)))}. */
    static void stem(List<Layer> out, Fusion fuse, Parameter weight, int k, int stride, BatchNormWeights bn, int c,
                     Activation act) {
        out.add(new StemConvLayer(weight, k, stride, fuse == Fusion.INFERENCE ? Epilogue.of(eval(bn), act) : null));
        if (fuse != Fusion.INFERENCE) {
            addBnAct(out, fuse, bn, c, act);
        }
    }

    /** Batch norm and activation as one layer (fused), or as two. */
    private static void addBnAct(List<Layer> out, Fusion fuse, BatchNormWeights bn, int c, Activation act) {
        boolean together = bn != null && fuse == Fusion.TRAINING;
        if (bn != null) {
            out.add(new BatchNormLayer(bn, c, together ? act : Activation.IDENTITY));
        }
        if (!together && act != Activation.IDENTITY) {
            out.add(new ActivationLayer(act));
        }
    }
}
