package org.compofa.nn;

import org.compofa.ops.ChannelOps;
import org.compofa.ops.Epilogue;
import org.compofa.ops.FusedInference;
import org.compofa.ops.SliceGemm;
import org.compofa.runtime.Tensor;

/**
 * A 1x1 convolution (or linear layer on MATRIX [n][cin]) reading {@code W[:cout, :cin]} of the
 * supernet weight MATRIX [coutMax][cinMax] in place, with an optional bias {@code b[:cout]}; or, for
 * inference only, fused with the batch norm and activation that follow it ({@link #fused}).
 */
final class Conv1x1Layer implements StatisticsConvLayer {
    private final Parameter weight;
    private final Parameter bias;
    private final int cin;
    private final int cout;
    private final boolean inputGrad;
    private final Epilogue epilogue;
    private Tensor x;

    Conv1x1Layer(Parameter weight, Parameter bias, int cin, int cout, boolean inputGrad) {
        this(weight, bias, cin, cout, inputGrad, null);
    }

    private Conv1x1Layer(Parameter weight, Parameter bias, int cin, int cout, boolean inputGrad, Epilogue epilogue) {
        this.weight = weight;
        this.bias = bias;
        this.cin = cin;
        this.cout = cout;
        this.inputGrad = inputGrad;
        this.epilogue = epilogue;
    }

    /** The convolution with {@code epilogue} applied in the same pass; forward only. */
    static Conv1x1Layer fused(Parameter weight, int cin, int cout, Epilogue epilogue) {
        return new Conv1x1Layer(weight, null, cin, cout, false, epilogue);
    }

    @Override
    public Tensor forward(Pass pass, Tensor x) {
        this.x = x;
        Tensor y = pass.takeLike(x, cout);
        if (epilogue != null) {
            FusedInference.conv1x1(pass.ctx(), x, weight.value(), cin, cout, epilogue, y);
            return y;
        }
        SliceGemm.conv1x1Forward(pass.ctx(), x, weight.value(), cin, cout, y);
        if (bias != null) {
            ChannelOps.biasAdd(pass.ctx(), y, bias.value());
        }
        return y;
    }

    /** The training forward that also writes y's batch statistics (no bias, no epilogue). */
    @Override
    public Tensor forwardWithStatistics(Pass pass, Tensor x, Tensor batchMean, Tensor batchVar) {
        if (epilogue != null || bias != null) {
            throw new IllegalStateException("batch statistics are gathered by a plain 1x1 convolution only");
        }
        this.x = x;
        Tensor y = pass.takeLike(x, cout);
        SliceGemm.conv1x1ForwardWithStatistics(pass.ctx(), x, weight.value(), cin, cout, y, batchMean, batchVar);
        return y;
    }

    @Override
    public Tensor backward(Pass pass, Tensor dy) {
        FusedLayers.refuseBackward(epilogue);
        Tensor dx = inputGrad ? pass.takeLike(x, cin) : null;
        SliceGemm.conv1x1Backward(pass.ctx(), x, weight.value(), dy, cin, cout, dx, weight.grad());
        if (bias != null) {
            ChannelOps.biasBackward(pass.ctx(), dy, bias.grad());
        }
        return dx;
    }
}
