package org.compofa.nn;

import java.util.List;
import org.compofa.ops.Activation;
import org.compofa.ops.Epilogue;
import org.compofa.ops.KernelTransform;

/**
 * How the network lays out "convolution, batch norm, activation": a convolution layer and one batch
 * norm + activation layer when a backward may follow or fusion is off ({@link Mode#fusesInference()}),
 * one fused inference layer otherwise.
 */
final class FusedLayers {
    private FusedLayers() {}

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
    static void convBnAct(List<Layer> out, boolean fuse, Parameter weight, int cin, int cout, BatchNormWeights bn,
                          Activation act) {
        if (fuse) {
            out.add(Conv1x1Layer.fused(weight, cin, cout, new Epilogue(null, bn == null ? null : eval(bn), act)));
            return;
        }
        Conv1x1Layer conv = new Conv1x1Layer(weight, null, cin, cout, true);
        if (bn == null) {
            out.add(conv);
            addBnAct(out, null, cout, act);
        } else {
            out.add(new Conv1x1BnLayer(conv, new BatchNormLayer(bn, cout, act)));
        }
    }

    /** {@code act(bn(depthwise(x)))}. */
    static void depthwiseBnAct(List<Layer> out, boolean fuse, BlockWeights w, int mid, int k, int stride,
                               Activation act) {
        KernelTransform tr = w.t75() == null ? KernelTransform.NONE : KernelTransform.OFA;
        Epilogue fused = fuse ? Epilogue.of(eval(w.depthwiseBn()), act) : null;
        out.add(new DepthwiseLayer(w.depthwise(), w.t75(), w.t53(), mid, k, stride, tr, fused));
        if (!fuse) {
            addBnAct(out, w.depthwiseBn(), mid, act);
        }
    }

    /** The stem: {@code act(bn(conv k x k (x)))}. */
    static void stem(List<Layer> out, boolean fuse, Parameter weight, int k, int stride, BatchNormWeights bn, int c,
                     Activation act) {
        out.add(new StemConvLayer(weight, k, stride, fuse ? Epilogue.of(eval(bn), act) : null));
        if (!fuse) {
            addBnAct(out, bn, c, act);
        }
    }

    /** Batch norm and activation as one layer (fused in training), or the activation alone. */
    private static void addBnAct(List<Layer> out, BatchNormWeights bn, int c, Activation act) {
        if (bn != null) {
            out.add(new BatchNormLayer(bn, c, act));
        } else if (act != Activation.IDENTITY) {
            out.add(new ActivationLayer(act));
        }
    }
}
