package org.compofa.nn;

import org.compofa.ops.ConvShape;
import org.compofa.ops.Epilogue;
import org.compofa.ops.FusedInference;
import org.compofa.ops.Im2Col;
import org.compofa.ops.SliceGemm;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;

/**
 * The stem's k x k convolution as im2col + GEMM with the weight MATRIX [cout][k*k*cin] (taps
 * row-major, channels innermost, the im2col column order). The images need no gradient. With an
 * epilogue (inference only) the stem's batch norm and activation run in the GEMM's pass.
 */
final class StemConvLayer implements Layer {
    private final Parameter weight;
    private final int k;
    private final int stride;
    private final Epilogue epilogue;
    private Tensor col;

    /** {@code epilogue}: null for the plain convolution (training), else the fused inference op. */
    StemConvLayer(Parameter weight, int k, int stride, Epilogue epilogue) {
        this.epilogue = epilogue;
        this.weight = weight;
        this.k = k;
        this.stride = stride;
    }

    @Override
    public Tensor forward(Pass pass, Tensor x) {
        ConvShape shape = new ConvShape(x.dim(0), x.dim(1), x.dim(2), x.dim(3), k, stride, k / 2);
        col = pass.take(Layout.MATRIX, shape.colShape());
        Im2Col.im2col(pass.ctx(), shape, x, col);
        int cout = weight.value().dim(0);
        Tensor y = pass.take(Layout.NHWC, shape.outputShape(cout));
        if (epilogue != null) {
            FusedInference.conv1x1(pass.ctx(), col, weight.value(), col.dim(1), cout, epilogue, y);
            return y;
        }
        SliceGemm.conv1x1Forward(pass.ctx(), col, weight.value(), col.dim(1), cout, y);
        return y;
    }

    @Override
    public Tensor backward(Pass pass, Tensor dy) {
        FusedLayers.refuseBackward(epilogue);
        SliceGemm.conv1x1Backward(pass.ctx(), col, weight.value(), dy, col.dim(1), weight.value().dim(0), null,
                weight.grad());
        return null;
    }
}
