package org.compofa.bindings;

import static org.compofa.bindings.RawOps.ptr;
import static org.compofa.bindings.RawOps.stream;

import java.lang.foreign.Arena;

/**
 * The network ops of ABI 2 on raw addresses, with the conventions of {@link RawOps}: every tensor is
 * an address plus its length in floats (labels: in int32s), host memory for REFERENCE/CPU contexts and
 * device memory for CUDA; a null {@code stream} is the context's default stream; a 0 address is NULL
 * (allowed only for outputs the ABI documents as optional, with length 0). Java checks only that the
 * handles are open; the library checks everything else and reports typed exceptions.
 */
public final class RawNnOps {
    private RawNnOps() {}

    // ---- dense convolution (im2col) -------------------------------------------------------

    /** {@code compofa_conv_output_size}: {ho, wo} after the library checked the shape. */
    public static int[] convOutputSize(RawConvShape shape) {
        try (Arena arena = Arena.ofConfined()) {
            return CompofaNnNative.convOutputSize(shape.write(arena));
        }
    }

    /** {@code compofa_im2col}: col[n*ho*wo][k*k*c] from x[n][h][w][c] (zero padding). */
    public static void im2col(ContextHandle ctx, StreamHandle stream, RawConvShape shape, long x, long xLen,
                              long col, long colLen) {
        var s = stream(ctx, stream);
        try (Arena arena = Arena.ofConfined()) {
            CompofaNnNative.im2col(ctx.segment(), s, shape.write(arena), ptr(x), xLen, ptr(col), colLen);
        }
    }

    /** {@code compofa_col2im_add}: dx += the adjoint of im2col applied to dcol. */
    public static void col2imAdd(ContextHandle ctx, StreamHandle stream, RawConvShape shape, long dcol, long dcolLen,
                                 long dx, long dxLen) {
        var s = stream(ctx, stream);
        try (Arena arena = Arena.ofConfined()) {
            CompofaNnNative.col2imAdd(ctx.segment(), s, shape.write(arena), ptr(dcol), dcolLen, ptr(dx), dxLen);
        }
    }

    // ---- batch normalisation --------------------------------------------------------------

    /**
     * {@code compofa_batchnorm_forward_train} over (rows, c): y, batchMean[:c], batchVar[:c] (biased)
     * written; runningMean/runningVar updated in place with the unbiased variance (both 0 = no update).
     * gamma, beta and the running stats share {@code paramLen}; batchMean and batchVar {@code batchLen}.
     */
    public static void batchnormForwardTrain(ContextHandle ctx, StreamHandle stream, long rows, int c,
                                             long x, long xLen, long gamma, long beta, long runningMean,
                                             long runningVar, long paramLen, float momentum, float eps,
                                             long y, long yLen, long batchMean, long batchVar, long batchLen) {
        batchnormActForwardTrain(ctx, stream, rows, c, CompofaNnNative.ACT_IDENTITY, false, x, xLen, gamma, beta,
                runningMean, runningVar, paramLen, momentum, eps, y, yLen, batchMean, batchVar, batchLen);
    }

    /**
     * {@code compofa_batchnorm_act_forward_train}: {@link #batchnormForwardTrain} with the activation
     * (a {@code CompofaNnNative.ACT_*} code) applied in the same pass, y = act(bn(x)); statsGiven:
     * batchMean/batchVar already hold x's statistics ({@link RawFusedOps#conv1x1StatsForward}), only normalise.
     */
    public static void batchnormActForwardTrain(ContextHandle ctx, StreamHandle stream, long rows, int c,
                                                int activation, boolean statsGiven, long x, long xLen, long gamma,
                                                long beta, long runningMean, long runningVar, long paramLen,
                                                float momentum, float eps, long y, long yLen, long batchMean,
                                                long batchVar, long batchLen) {
        CompofaNnNative.batchnormActForwardTrain(ctx.segment(), stream(ctx, stream), rows, c, activation,
                statsGiven ? 1 : 0, ptr(x), xLen, ptr(gamma), ptr(beta), ptr(runningMean), ptr(runningVar), paramLen,
                momentum, eps, ptr(y), yLen, ptr(batchMean), ptr(batchVar), batchLen);
    }

    /** {@code compofa_batchnorm_forward_eval}: y = gamma (x - running_mean) / sqrt(running_var + eps) + beta. */
    public static void batchnormForwardEval(ContextHandle ctx, StreamHandle stream, long rows, int c,
                                            long x, long xLen, long gamma, long beta, long runningMean,
                                            long runningVar, long paramLen, float eps, long y, long yLen) {
        CompofaNnNative.batchnormForwardEval(ctx.segment(), stream(ctx, stream), rows, c, ptr(x), xLen, ptr(gamma),
                ptr(beta), ptr(runningMean), ptr(runningVar), paramLen, eps, ptr(y), yLen);
    }

    /**
     * {@code compofa_batchnorm_backward} of the training forward: dx overwritten, dgamma and dbeta
     * accumulated (+=); each may be 0 to skip it (dx with length 0).
     */
    public static void batchnormBackward(ContextHandle ctx, StreamHandle stream, long rows, int c,
                                         long x, long xLen, long dy, long dyLen, long gamma, long paramLen,
                                         long batchMean, long batchVar, long batchLen, float eps,
                                         long dx, long dxLen, long dgamma, long dbeta) {
        batchnormActBackward(ctx, stream, rows, c, CompofaNnNative.ACT_IDENTITY, x, xLen, dy, dyLen, gamma, 0, paramLen,
                batchMean, batchVar, batchLen, eps, dx, dxLen, dgamma, dbeta);
    }

    /**
     * {@code compofa_batchnorm_act_backward} of {@link #batchnormActForwardTrain}: dy is the gradient of
     * act(bn(x)); beta (0 only for the identity) gives the activation's input back.
     */
    public static void batchnormActBackward(ContextHandle ctx, StreamHandle stream, long rows, int c, int activation,
                                            long x, long xLen, long dy, long dyLen, long gamma, long beta,
                                            long paramLen, long batchMean, long batchVar, long batchLen, float eps,
                                            long dx, long dxLen, long dgamma, long dbeta) {
        CompofaNnNative.batchnormActBackward(ctx.segment(), stream(ctx, stream), rows, c, activation, ptr(x), xLen,
                ptr(dy), dyLen, ptr(gamma), ptr(beta), paramLen, ptr(batchMean), ptr(batchVar), batchLen, eps, ptr(dx),
                dxLen, ptr(dgamma), ptr(dbeta));
    }

    // ---- element-wise ---------------------------------------------------------------------

    /** {@code compofa_activation_forward}; kind is a {@code CompofaNnNative.ACT_*} code; y may equal x. */
    public static void activationForward(ContextHandle ctx, StreamHandle stream, int kind, long x, long y, long len) {
        CompofaNnNative.activationForward(ctx.segment(), stream(ctx, stream), kind, ptr(x), ptr(y), len);
    }

    /** {@code compofa_activation_backward} from the forward's input x; dx may equal dy. */
    public static void activationBackward(ContextHandle ctx, StreamHandle stream, int kind, long x, long dy, long dx,
                                          long len) {
        CompofaNnNative.activationBackward(ctx.segment(), stream(ctx, stream), kind, ptr(x), ptr(dy), ptr(dx), len);
    }

    /** {@code compofa_axpby}: y = alpha x + beta y (beta 0 overwrites y). */
    public static void axpby(ContextHandle ctx, StreamHandle stream, long len, float alpha, long x, float beta,
                             long y) {
        CompofaNnNative.axpby(ctx.segment(), stream(ctx, stream), len, alpha, ptr(x), beta, ptr(y));
    }

    /** {@code compofa_dropout_forward}: keep iff {@link #dropoutKeep}, kept elements scaled by 1/(1-p). */
    public static void dropoutForward(ContextHandle ctx, StreamHandle stream, long len, float p, long seed, long x,
                                      long y) {
        CompofaNnNative.dropoutForward(ctx.segment(), stream(ctx, stream), len, p, seed, ptr(x), ptr(y));
    }

    /** {@code compofa_dropout_backward}: the forward's mask and scale applied to dy. */
    public static void dropoutBackward(ContextHandle ctx, StreamHandle stream, long len, float p, long seed, long dy,
                                       long dx) {
        CompofaNnNative.dropoutBackward(ctx.segment(), stream(ctx, stream), len, p, seed, ptr(dy), ptr(dx));
    }

    /** {@code compofa_dropout_keep}: whether element {@code index} survives dropout with this seed and p. */
    public static boolean dropoutKeep(long seed, long index, float p) {
        return CompofaNnNative.dropoutKeep(seed, index, p);
    }

    /**
     * {@code compofa_sgd_step} in place, PyTorch semantics (g = grad + wd param; buf = m buf + g;
     * g = nesterov ? g + m buf : buf; param -= lr g); momentumBuf may be 0 when momentum is 0.
     */
    public static void sgdStep(ContextHandle ctx, StreamHandle stream, long len, long param, long grad,
                               long momentumBuf, float lr, float momentum, float weightDecay, boolean nesterov) {
        CompofaNnNative.sgdStep(ctx.segment(), stream(ctx, stream), len, ptr(param), ptr(grad), ptr(momentumBuf), lr,
                momentum, weightDecay, nesterov ? 1 : 0);
    }

    // ---- per-channel ops, pooling ---------------------------------------------------------

    /** {@code compofa_bias_add}: y[r][j] += bias[j] over (rows, c). */
    public static void biasAdd(ContextHandle ctx, StreamHandle stream, long rows, int c, long y, long yLen,
                               long bias, long biasLen) {
        CompofaNnNative.biasAdd(ctx.segment(), stream(ctx, stream), rows, c, ptr(y), yLen, ptr(bias), biasLen);
    }

    /** {@code compofa_bias_backward}: dbias[j] += sum_r dy[r][j]. */
    public static void biasBackward(ContextHandle ctx, StreamHandle stream, long rows, int c, long dy, long dyLen,
                                    long dbias, long dbiasLen) {
        CompofaNnNative.biasBackward(ctx.segment(), stream(ctx, stream), rows, c, ptr(dy), dyLen, ptr(dbias), dbiasLen);
    }

    /** {@code compofa_global_avg_pool_forward}: y[n][c] = mean over hw of x[n][hw][c]. */
    public static void globalAvgPoolForward(ContextHandle ctx, StreamHandle stream, int n, int hw, int c, long x,
                                            long xLen, long y, long yLen) {
        CompofaNnNative.globalAvgPoolForward(ctx.segment(), stream(ctx, stream), n, hw, c, ptr(x), xLen, ptr(y), yLen);
    }

    /** {@code compofa_global_avg_pool_backward}: dx[n][p][c] = dy[n][c] / hw (overwritten). */
    public static void globalAvgPoolBackward(ContextHandle ctx, StreamHandle stream, int n, int hw, int c, long dy,
                                             long dyLen, long dx, long dxLen) {
        CompofaNnNative.globalAvgPoolBackward(ctx.segment(), stream(ctx, stream), n, hw, c, ptr(dy), dyLen, ptr(dx),
                dxLen);
    }

    /** {@code compofa_channel_scale_forward}: y[b][p][j] = x[b][p][j] * s[b][j]. */
    public static void channelScaleForward(ContextHandle ctx, StreamHandle stream, int n, int hw, int c, long x,
                                           long xLen, long s, long sLen, long y, long yLen) {
        CompofaNnNative.channelScaleForward(ctx.segment(), stream(ctx, stream), n, hw, c, ptr(x), xLen, ptr(s), sLen,
                ptr(y), yLen);
    }

    /** {@code compofa_channel_scale_backward}: dx = dy s and ds = sum_p dy x, overwritten; either may be 0. */
    public static void channelScaleBackward(ContextHandle ctx, StreamHandle stream, int n, int hw, int c, long x,
                                            long xLen, long s, long sLen, long dy, long dyLen, long dx, long dxLen,
                                            long ds, long dsLen) {
        CompofaNnNative.channelScaleBackward(ctx.segment(), stream(ctx, stream), n, hw, c, ptr(x), xLen, ptr(s), sLen,
                ptr(dy), dyLen, ptr(dx), dxLen, ptr(ds), dsLen);
    }

    // ---- losses, resize -------------------------------------------------------------------

    /**
     * {@code compofa_softmax_cross_entropy} with label smoothing: loss[n] written, dlogits overwritten
     * with gradScale (softmax - target) (0 = skip). labels holds int32s in [0, classes).
     */
    public static void softmaxCrossEntropy(ContextHandle ctx, StreamHandle stream, int n, int classes, long logits,
                                           long logitsLen, long labels, long labelsLen, float smoothing,
                                           float gradScale, long loss, long lossLen, long dlogits, long dlogitsLen) {
        CompofaNnNative.softmaxCrossEntropy(ctx.segment(), stream(ctx, stream), n, classes, ptr(logits), logitsLen,
                ptr(labels), labelsLen, smoothing, gradScale, ptr(loss), lossLen, ptr(dlogits), dlogitsLen);
    }

    /** {@code compofa_soft_cross_entropy}: distillation (T = 1); dstudent overwritten (0 = skip). */
    public static void softCrossEntropy(ContextHandle ctx, StreamHandle stream, int n, int classes, long student,
                                        long teacher, long logitsLen, float gradScale, long loss, long lossLen,
                                        long dstudent, long dstudentLen) {
        CompofaNnNative.softCrossEntropy(ctx.segment(), stream(ctx, stream), n, classes, ptr(student), ptr(teacher),
                logitsLen, gradScale, ptr(loss), lossLen, ptr(dstudent), dstudentLen);
    }

    /** {@code compofa_resize_bilinear}: (n, h, w, c) to (n, ho, wo, c), PyTorch align_corners=False. */
    public static void resizeBilinear(ContextHandle ctx, StreamHandle stream, int n, int h, int w, int c, int ho,
                                      int wo, long x, long xLen, long y, long yLen) {
        CompofaNnNative.resizeBilinear(ctx.segment(), stream(ctx, stream), n, h, w, c, ho, wo, ptr(x), xLen, ptr(y),
                yLen);
    }
}
