package org.compofa.nn;

import org.compofa.ops.DepthwiseShape;
import org.compofa.ops.ElasticDepthwiseConv;
import org.compofa.ops.Epilogue;
import org.compofa.ops.FusedInference;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;

/**
 * The elastic depthwise convolution: first c channels and centre k x k taps (or OFA's transform
 * chain) of the stored [kMax][kMax][cMax] kernel, read in place; padding k/2. With an epilogue
 * (inference only) the batch norm and activation that follow it run in the same pass; in training it
 * can gather the batch statistics of its output instead ({@link ConvBnLayer}).
 */
final class DepthwiseLayer implements StatisticsConvLayer {
    private final Parameter weight;
    private final Parameter t75;
    private final Parameter t53;
    private final int c;
    private final int k;
    private final int stride;
    private final org.compofa.ops.KernelTransform transform;
    private final Epilogue epilogue;
    private DepthwiseShape shape;
    private Tensor x;

    /** {@code epilogue}: null for the plain convolution (training), else the fused inference op. */
    DepthwiseLayer(Parameter weight, Parameter t75, Parameter t53, int c, int k, int stride,
                   org.compofa.ops.KernelTransform transform, Epilogue epilogue) {
        this.epilogue = epilogue;
        this.weight = weight;
        this.t75 = t75;
        this.t53 = t53;
        this.c = c;
        this.k = k;
        this.stride = stride;
        this.transform = transform;
    }

    @Override
    public Tensor forward(Pass pass, Tensor x) {
        Tensor y = takeOutput(pass, x);
        if (epilogue != null) {
            FusedInference.depthwise(pass.ctx(), shape, x, weight.value(), value(t75), value(t53), epilogue, y);
            return y;
        }
        ElasticDepthwiseConv.forward(pass.ctx(), shape, x, weight.value(), value(t75), value(t53), y);
        return y;
    }

    /** The training forward that also writes y's batch statistics (no epilogue). */
    @Override
    public Tensor forwardWithStatistics(Pass pass, Tensor x, Tensor batchMean, Tensor batchVar) {
        if (epilogue != null) {
            throw new IllegalStateException("batch statistics are gathered by the plain depthwise convolution only");
        }
        Tensor y = takeOutput(pass, x);
        ElasticDepthwiseConv.forwardWithStatistics(pass.ctx(), shape, x, weight.value(), value(t75), value(t53), y,
                batchMean, batchVar);
        return y;
    }

    @Override
    public Tensor backward(Pass pass, Tensor dy) {
        FusedLayers.refuseBackward(epilogue);
        Tensor dx = pass.take(Layout.NHWC, shape.inputShape());
        ElasticDepthwiseConv.backward(pass.ctx(), shape, x, weight.value(), value(t75), value(t53), dy, dx,
                weight.grad(), grad(t75), grad(t53));
        return dx;
    }

    /** Records x and its shape for the backward; the output tensor. */
    private Tensor takeOutput(Pass pass, Tensor x) {
        this.x = x;
        int kMax = weight.value().dim(0);
        shape = new DepthwiseShape(x.dim(0), x.dim(1), x.dim(2), c, weight.value().dim(2), k, kMax, stride,
                transform);
        return pass.take(Layout.NHWC, shape.outputShape());
    }

    private static Tensor value(Parameter p) {
        return p == null ? null : p.value();
    }

    private static Tensor grad(Parameter p) {
        return p == null ? null : p.grad();
    }
}
