package org.compofa.ops;

import org.compofa.bindings.RawFusedOps;
import org.compofa.bindings.RawOps;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Layout;
import org.compofa.runtime.OpScope;
import org.compofa.runtime.Tensor;

/**
 * The elastic depthwise convolution of an OFA/CompOFA supernet: a subnet reads the first c channels
 * and the centre k x k taps of the supernet's {@code [kMax][kMax][cMax]} weight in place, optionally
 * through OFA's kernel-transform chain (see {@link KernelTransform}).
 *
 * <p>Every op checks its arguments in Java first (context, null, closed, owning context, layout,
 * size, shape), then the library checks them again. Tensors: {@code x}, {@code dx} NHWC
 * {@link DepthwiseShape#inputShape()}; {@code y}, {@code dy} NHWC {@link DepthwiseShape#outputShape()};
 * {@code weight}, {@code dweight} DW_WEIGHT {@link DepthwiseShape#weightShape()}; {@code t75},
 * {@code dt75} MATRIX [25][25]; {@code t53}, {@code dt53} MATRIX [9][9]. Matrices the chain does not
 * use ({@link DepthwiseShape#usesT75()}, {@link DepthwiseShape#usesT53()}) are ignored and may be null.
 */
public final class ElasticDepthwiseConv {
    private ElasticDepthwiseConv() {}

    private static final int[] T75_SHAPE = {25, 25};
    private static final int[] T53_SHAPE = {9, 9};

    /**
     * y = depthwise_conv(x, effective kernel of weight); runs on the context's default stream.
     *
     * @param ctx the context that owns every tensor
     * @param shape the problem: sizes, k of kMax, stride, transform
     * @param x input NHWC [n][h][w][c]
     * @param weight supernet weight DW_WEIGHT [kMax][kMax][cMax]
     * @param t75 7-&gt;5 transform MATRIX [25][25], or null when unused
     * @param t53 5-&gt;3 transform MATRIX [9][9], or null when unused
     * @param y output NHWC [n][outH][outW][c], overwritten
     */
    public static void forward(ComputeContext ctx, DepthwiseShape shape, Tensor x, Tensor weight,
                               Tensor t75, Tensor t53, Tensor y) {
        checkForward(ctx, shape, x, weight, t75, t53, y);
        Tensor m75 = shape.usesT75() ? t75 : null;
        Tensor m53 = shape.usesT53() ? t53 : null;
        try (OpScope op = ctx.op()) {
            RawOps.dwconvForward(op.context(), null, shape.toRaw(), op.address(x), x.length(),
                    op.address(weight), weight.length(), op.addressOrZero(m75), Args.length(m75),
                    op.addressOrZero(m53), Args.length(m53), op.address(y), y.length());
        }
    }

    /**
     * {@link #forward} for training, with the mean and biased variance of y's channels written to
     * {@code batchMean[:c]}/{@code batchVar[:c]} in the same pass, for the batch norm after it
     * ({@link BatchNorm#forwardTrainWithStatistics}); y needs at least 2 positions (n*ho*wo).
     *
     * @param ctx the context that owns every tensor
     * @param shape the problem
     * @param x input NHWC [n][h][w][c]
     * @param weight supernet weight DW_WEIGHT [kMax][kMax][cMax]
     * @param t75 7-&gt;5 transform, or null when unused
     * @param t53 5-&gt;3 transform, or null when unused
     * @param y output, overwritten
     * @param batchMean receives the channel means, VECTOR [&gt;= c]
     * @param batchVar receives the biased channel variances, VECTOR [&gt;= c]
     */
    public static void forwardWithStatistics(ComputeContext ctx, DepthwiseShape shape, Tensor x, Tensor weight,
                                             Tensor t75, Tensor t53, Tensor y, Tensor batchMean, Tensor batchVar) {
        checkForward(ctx, shape, x, weight, t75, t53, y);
        int[] out = shape.outputShape();
        Args.batchStatistics(ctx, "y", y, (long) out[0] * out[1] * out[2], batchMean, batchVar, shape.c());
        Args.allDistinct(new Tensor[] {y, batchMean, batchVar}, new String[] {"y", "batchMean", "batchVar"},
                new Tensor[] {x, weight}, new String[] {"x", "weight"});
        Tensor m75 = shape.usesT75() ? t75 : null;
        Tensor m53 = shape.usesT53() ? t53 : null;
        try (OpScope op = ctx.op()) {
            RawFusedOps.dwconvStatsForward(op.context(), null, shape.toRaw(), op.address(x), x.length(),
                    op.address(weight), weight.length(), op.addressOrZero(m75), Args.length(m75),
                    op.addressOrZero(m53), Args.length(m53), op.address(y), y.length(), op.address(batchMean),
                    op.address(batchVar), Args.minLength(batchMean, batchVar));
        }
    }

    /** The forward's checks (shared with {@link FusedInference#depthwise}); y distinct from x and weight. */
    static void checkForward(ComputeContext ctx, DepthwiseShape shape, Tensor x, Tensor weight, Tensor t75,
                             Tensor t53, Tensor y) {
        Args.context(ctx);
        Args.notNull("shape", shape);
        Args.tensor(ctx, "x", x, Layout.NHWC, shape.inputShape());
        Args.tensor(ctx, "weight", weight, Layout.DW_WEIGHT, shape.weightShape());
        if (shape.usesT75()) {
            Args.tensor(ctx, "t75 (7->5 transform, needed for k <= 5 with kMax 7)", t75, Layout.MATRIX, T75_SHAPE);
        }
        if (shape.usesT53()) {
            Args.tensor(ctx, "t53 (5->3 transform, needed for k 3)", t53, Layout.MATRIX, T53_SHAPE);
        }
        Args.tensor(ctx, "y", y, Layout.NHWC, shape.outputShape());
        Args.distinct("y", y, "x", x);
        Args.distinct("y", y, "weight", weight);
    }

    /**
     * Allocates y of {@link DepthwiseShape#outputShape()} and runs {@link #forward}.
     *
     * @param ctx the context that owns every tensor
     * @param shape the problem
     * @param x input NHWC [n][h][w][c]
     * @param weight supernet weight DW_WEIGHT [kMax][kMax][cMax]
     * @param t75 7-&gt;5 transform, or null when unused
     * @param t53 5-&gt;3 transform, or null when unused
     * @return a new output tensor; the caller closes it
     */
    public static Tensor forward(ComputeContext ctx, DepthwiseShape shape, Tensor x, Tensor weight,
                                 Tensor t75, Tensor t53) {
        Args.context(ctx);
        Args.notNull("shape", shape);
        Tensor y = Tensor.zeros(ctx, Layout.NHWC, shape.outputShape());
        try {
            forward(ctx, shape, x, weight, t75, t53, y);
            return y;
        } catch (RuntimeException e) {
            y.close();
            throw e;
        }
    }

    /**
     * Gradients for upstream {@code dy}: {@code dx} is overwritten; {@code dweight}, {@code dt75} and
     * {@code dt53} are accumulated (+=), and only the subnet's slice of {@code dweight} is touched, so
     * several subnets add into one supernet gradient. Any output may be null to skip it.
     *
     * @param ctx the context that owns every tensor
     * @param shape the forward's problem
     * @param x the forward's input
     * @param weight the supernet weight
     * @param t75 the forward's 7-&gt;5 transform, or null
     * @param t53 the forward's 5-&gt;3 transform, or null
     * @param dy gradient of y
     * @param dx gradient of x, overwritten, or null
     * @param dweight gradient of weight, accumulated, or null
     * @param dt75 gradient of t75, accumulated, or null
     * @param dt53 gradient of t53, accumulated, or null
     */
    public static void backward(ComputeContext ctx, DepthwiseShape shape, Tensor x, Tensor weight,
                                Tensor t75, Tensor t53, Tensor dy,
                                Tensor dx, Tensor dweight, Tensor dt75, Tensor dt53) {
        Args.context(ctx);
        Args.notNull("shape", shape);
        Args.tensor(ctx, "x", x, Layout.NHWC, shape.inputShape());
        Args.tensor(ctx, "weight", weight, Layout.DW_WEIGHT, shape.weightShape());
        if (shape.usesT75()) {
            Args.tensor(ctx, "t75 (7->5 transform, needed for k <= 5 with kMax 7)", t75, Layout.MATRIX, T75_SHAPE);
        }
        if (shape.usesT53()) {
            Args.tensor(ctx, "t53 (5->3 transform, needed for k 3)", t53, Layout.MATRIX, T53_SHAPE);
        }
        Args.tensor(ctx, "dy", dy, Layout.NHWC, shape.outputShape());
        Args.optional(ctx, "dx", dx, Layout.NHWC, shape.inputShape());
        Args.optional(ctx, "dweight", dweight, Layout.DW_WEIGHT, shape.weightShape());
        Tensor g75 = shape.usesT75() && Args.optional(ctx, "dt75", dt75, Layout.MATRIX, T75_SHAPE) ? dt75 : null;
        Tensor g53 = shape.usesT53() && Args.optional(ctx, "dt53", dt53, Layout.MATRIX, T53_SHAPE) ? dt53 : null;
        Tensor m75 = shape.usesT75() ? t75 : null;
        Tensor m53 = shape.usesT53() ? t53 : null;
        Tensor[] inputs = {x, weight, m75, m53, dy};
        String[] inNames = {"x", "weight", "t75", "t53", "dy"};
        Tensor[] outputs = {dx, dweight, g75, g53};
        String[] outNames = {"dx", "dweight", "dt75", "dt53"};
        for (int o = 0; o < outputs.length; o++) {
            for (int i = 0; i < inputs.length; i++) {
                Args.distinct(outNames[o], outputs[o], inNames[i], inputs[i]);
            }
            for (int p = o + 1; p < outputs.length; p++) {
                Args.distinct(outNames[o], outputs[o], outNames[p], outputs[p]);
            }
        }
        try (OpScope op = ctx.op()) {
            RawOps.dwconvBackward(op.context(), null, shape.toRaw(), op.address(x), x.length(),
                    op.address(weight), weight.length(), op.addressOrZero(m75), Args.length(m75),
                    op.addressOrZero(m53), Args.length(m53), op.address(dy), dy.length(),
                    op.addressOrZero(dx), Args.length(dx), op.addressOrZero(dweight), Args.length(dweight),
                    op.addressOrZero(g75), Args.length(g75), op.addressOrZero(g53), Args.length(g53));
        }
    }

    /**
     * A new identity matrix of {@code taps} x {@code taps} (25 for t75, 9 for t53): OFA's initial transform.
     *
     * @param ctx the context that allocates it
     * @param taps 25 or 9
     * @return a new MATRIX [taps][taps]; the caller closes it
     */
    public static Tensor identityTransform(ComputeContext ctx, int taps) {
        if (taps != 25 && taps != 9) {
            throw new org.compofa.bindings.InvalidArgumentException("transform of " + taps
                    + " taps: allowed 25 (7->5) or 9 (5->3)");
        }
        float[] eye = new float[taps * taps];
        for (int i = 0; i < taps; i++) {
            eye[i * taps + i] = 1f;
        }
        return Tensor.of(ctx, Layout.MATRIX, eye, taps, taps);
    }
}
