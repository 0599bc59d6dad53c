package org.compofa.ops;

import org.compofa.bindings.RawFusedOps;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.OpScope;
import org.compofa.runtime.Tensor;

/**
 * Inference ops fused with their {@link Epilogue}: a 1x1 convolution or an elastic depthwise
 * convolution whose output gets bias, eval batch norm and activation before it is written, so the
 * three passes of conv, batch norm and activation over memory become one. Same weights, read in place,
 * as the unfused ops; results equal theirs up to float rounding. No backward: training keeps the
 * separate ops (it needs the intermediate activations).
 */
public final class FusedInference {
    private FusedInference() {}

    /**
     * {@code y[P][j] = epilogue(x[P][:cin] * W[:cout, :cin]^T)} on the supernet weight in place.
     *
     * @param x activations whose last dimension is cin (NHWC [n][h][w][cin] or MATRIX [P][cin])
     * @param w the supernet weight, MATRIX [coutMax][cinMax]
     * @param y activations whose last dimension is cout and with the same P, overwritten
     * @param ctx the context that owns every tensor
     * @param cin active input channels
     * @param cout active output channels
     * @param epilogue applied to each output before it is written
     * @throws org.compofa.bindings.InvalidArgumentException for mismatched shapes, a vector shorter than cout, or y that is an input
     */
    public static void conv1x1(ComputeContext ctx, Tensor x, Tensor w, int cin, int cout, Epilogue epilogue, Tensor y) {
        Args.context(ctx);
        Args.notNull("epilogue", epilogue);
        MatrixSlice wSub = SliceGemm.weightSlice(ctx, w, cin, cout);
        MatrixSlice xs = SliceGemm.activations("x", x, cin);
        MatrixSlice ys = SliceGemm.activations("y", y, cout);
        SliceGemm.samePositions(xs, ys);
        ctx.checkOwns("x", x);
        ctx.checkOwns("y", y);
        try (OpScope op = ctx.op()) {
            var raw = epilogue.toRaw(ctx, op, cout);
            distinctFromInputs(y, x, w, epilogue);
            RawFusedOps.conv1x1FusedForward(op.context(), null, xs.rows(), cin, cout, op.address(x), x.length(),
                    op.address(w), w.length(), wSub.ld(), raw, op.address(y), y.length());
        }
    }

    /**
     * {@link ElasticDepthwiseConv#forward} with the epilogue over its c output channels.
     *
     * @param ctx the context that owns every tensor
     * @param shape the problem
     * @param x input NHWC [n][h][w][c]
     * @param weight supernet weight DW_WEIGHT [kMax][kMax][cMax]
     * @param t75 7-&gt;5 transform, or null when unused
     * @param t53 5-&gt;3 transform, or null when unused
     * @param epilogue applied to each output before it is written
     * @param y output, overwritten
     */
    public static void depthwise(ComputeContext ctx, DepthwiseShape shape, Tensor x, Tensor weight, Tensor t75,
                                 Tensor t53, Epilogue epilogue, Tensor y) {
        ElasticDepthwiseConv.checkForward(ctx, shape, x, weight, t75, t53, y);
        Args.notNull("epilogue", epilogue);
        Tensor m75 = shape.usesT75() ? t75 : null;
        Tensor m53 = shape.usesT53() ? t53 : null;
        try (OpScope op = ctx.op()) {
            var raw = epilogue.toRaw(ctx, op, shape.c());
            distinctFromInputs(y, x, weight, epilogue);
            RawFusedOps.dwconvFusedForward(op.context(), null, shape.toRaw(), op.address(x), x.length(),
                    op.address(weight), weight.length(), op.addressOrZero(m75), Args.length(m75),
                    op.addressOrZero(m53), Args.length(m53), raw, op.address(y), y.length());
        }
    }

    private static void distinctFromInputs(Tensor y, Tensor x, Tensor w, Epilogue epilogue) {
        Args.distinct("y", y, "x", x);
        Args.distinct("y", y, "weight", w);
        for (Tensor t : epilogue.inputs()) {
            Args.distinct("y", y, "an epilogue vector", t);
        }
    }
}
