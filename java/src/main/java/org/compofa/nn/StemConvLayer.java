package org.compofa.nn;

import org.compofa.ops.ConvShape;
import org.compofa.ops.Im2Col;
import org.compofa.ops.SliceGemm;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;

/**
 * The stem's k x k convolution as im2col + GEMM with the weight MATRIX [cout][k*k*cin] (taps
 * row-major, channels innermost, the im2col column order). The images need no gradient.
 */
final class StemConvLayer implements Layer {
    private final Parameter weight;
    private final int k;
    private final int stride;
    private Tensor col;

    StemConvLayer(Parameter weight, int k, int stride) {
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
        SliceGemm.conv1x1Forward(pass.ctx(), col, weight.value(), col.dim(1), cout, y);
        return y;
    }

    @Override
    public Tensor backward(Pass pass, Tensor dy) {
        SliceGemm.conv1x1Backward(pass.ctx(), col, weight.value(), dy, col.dim(1), weight.value().dim(0), null,
                weight.grad());
        return null;
    }
}
