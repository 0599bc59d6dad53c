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

    /**
     * {@code compofa_conv_output_size}: {ho, wo} after the library checked the shape.
     *
     * @param shape the problem's shape struct
     * @return {ho, wo}
     */
    public static int[] convOutputSize(RawConvShape shape) {
        try (Arena arena = Arena.ofConfined()) {
            return CompofaNnNative.convOutputSize(shape.write(arena));
        }
    }

    /**
     * {@code compofa_im2col}: col[n*ho*wo][k*k*c] from x[n][h][w][c] (zero padding).
     *
     * @param ctx the context; open
     * @param stream a stream of ctx, or null for the context's default stream
     * @param shape the problem's shape struct
     * @param x input tensor
     * @param xLen floats at {@code x}
     * @param col im2col matrix [n*ho*wo][k*k*c]
     * @param colLen floats at {@code col}
     */
    public static void im2col(ContextHandle ctx, StreamHandle stream, RawConvShape shape, long x, long xLen,
                              long col, long colLen) {
        var s = stream(ctx, stream);
        try (Arena arena = Arena.ofConfined()) {
            CompofaNnNative.im2col(ctx.segment(), s, shape.write(arena), ptr(x), xLen, ptr(col), colLen);
        }
    }

    /**
     * {@code compofa_col2im_add}: dx += the adjoint of im2col applied to dcol.
     *
     * @param ctx the context; open
     * @param stream a stream of ctx, or null for the context's default stream
     * @param shape the problem's shape struct
     * @param dcol gradient of col
     * @param dcolLen floats at {@code dcol}
     * @param dx gradient of x
     * @param dxLen floats at {@code dx}
     */
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
     *
     * @param ctx the context; open
     * @param stream a stream of ctx, or null for the context's default stream
     * @param rows rows: the product of all dimensions but the last
     * @param c channels (the last dimension)
     * @param x input tensor
     * @param xLen floats at {@code x}
     * @param gamma BN scale, [&gt;= c]
     * @param beta BN shift, [&gt;= c]
     * @param runningMean running mean [&gt;= c], updated; 0 for none
     * @param runningVar running variance [&gt;= c], updated; 0 for none
     * @param paramLen floats of each of gamma, beta and the running stats
     * @param momentum running-stats momentum, in [0, 1]
     * @param eps variance epsilon, &gt; 0
     * @param y output tensor
     * @param yLen floats at {@code y}
     * @param batchMean batch mean [&gt;= c]
     * @param batchVar biased batch variance [&gt;= c]
     * @param batchLen floats of each of batchMean and batchVar
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
     *
     * @param ctx the context; open
     * @param stream a stream of ctx, or null for the context's default stream
     * @param rows rows: the product of all dimensions but the last
     * @param c channels (the last dimension)
     * @param activation an {@code ACT_*} code
     * @param statsGiven whether batchMean/batchVar already hold x's statistics
     * @param x input tensor
     * @param xLen floats at {@code x}
     * @param gamma BN scale, [&gt;= c]
     * @param beta BN shift, [&gt;= c]
     * @param runningMean running mean [&gt;= c], updated; 0 for none
     * @param runningVar running variance [&gt;= c], updated; 0 for none
     * @param paramLen floats of each of gamma, beta and the running stats
     * @param momentum running-stats momentum, in [0, 1]
     * @param eps variance epsilon, &gt; 0
     * @param y output tensor
     * @param yLen floats at {@code y}
     * @param batchMean batch mean [&gt;= c]
     * @param batchVar biased batch variance [&gt;= c]
     * @param batchLen floats of each of batchMean and batchVar
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

    /**
     * {@code compofa_batchnorm_forward_eval}: y = gamma (x - running_mean) / sqrt(running_var + eps) + beta.
     *
     * @param ctx the context; open
     * @param stream a stream of ctx, or null for the context's default stream
     * @param rows rows: the product of all dimensions but the last
     * @param c channels (the last dimension)
     * @param x input tensor
     * @param xLen floats at {@code x}
     * @param gamma BN scale, [&gt;= c]
     * @param beta BN shift, [&gt;= c]
     * @param runningMean running mean [&gt;= c], updated; 0 for none
     * @param runningVar running variance [&gt;= c], updated; 0 for none
     * @param paramLen floats of each of gamma, beta and the running stats
     * @param eps variance epsilon, &gt; 0
     * @param y output tensor
     * @param yLen floats at {@code y}
     */
    public static void batchnormForwardEval(ContextHandle ctx, StreamHandle stream, long rows, int c,
                                            long x, long xLen, long gamma, long beta, long runningMean,
                                            long runningVar, long paramLen, float eps, long y, long yLen) {
        CompofaNnNative.batchnormForwardEval(ctx.segment(), stream(ctx, stream), rows, c, ptr(x), xLen, ptr(gamma),
                ptr(beta), ptr(runningMean), ptr(runningVar), paramLen, eps, ptr(y), yLen);
    }

    /**
     * {@code compofa_batchnorm_backward} of the training forward: dx overwritten, dgamma and dbeta
     * accumulated (+=); each may be 0 to skip it (dx with length 0).
     *
     * @param ctx the context; open
     * @param stream a stream of ctx, or null for the context's default stream
     * @param rows rows: the product of all dimensions but the last
     * @param c channels (the last dimension)
     * @param x input tensor
     * @param xLen floats at {@code x}
     * @param dy gradient of y
     * @param dyLen floats at {@code dy}
     * @param gamma BN scale, [&gt;= c]
     * @param paramLen floats of each of gamma, beta and the running stats
     * @param batchMean batch mean [&gt;= c]
     * @param batchVar biased batch variance [&gt;= c]
     * @param batchLen floats of each of batchMean and batchVar
     * @param eps variance epsilon, &gt; 0
     * @param dx gradient of x
     * @param dxLen floats at {@code dx}
     * @param dgamma gradient of gamma, accumulated
     * @param dbeta gradient of beta, accumulated
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
     *
     * @param ctx the context; open
     * @param stream a stream of ctx, or null for the context's default stream
     * @param rows rows: the product of all dimensions but the last
     * @param c channels (the last dimension)
     * @param activation an {@code ACT_*} code
     * @param x input tensor
     * @param xLen floats at {@code x}
     * @param dy gradient of y
     * @param dyLen floats at {@code dy}
     * @param gamma BN scale, [&gt;= c]
     * @param beta BN shift, [&gt;= c]
     * @param paramLen floats of each of gamma, beta and the running stats
     * @param batchMean batch mean [&gt;= c]
     * @param batchVar biased batch variance [&gt;= c]
     * @param batchLen floats of each of batchMean and batchVar
     * @param eps variance epsilon, &gt; 0
     * @param dx gradient of x
     * @param dxLen floats at {@code dx}
     * @param dgamma gradient of gamma, accumulated
     * @param dbeta gradient of beta, accumulated
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

    /**
     * {@code compofa_activation_forward}; kind is a {@code CompofaNnNative.ACT_*} code; y may equal x.
     *
     * @param ctx the context; open
     * @param stream a stream of ctx, or null for the context's default stream
     * @param kind an {@code ACT_*} code
     * @param x input tensor
     * @param y output tensor
     * @param len elements
     */
    public static void activationForward(ContextHandle ctx, StreamHandle stream, int kind, long x, long y, long len) {
        CompofaNnNative.activationForward(ctx.segment(), stream(ctx, stream), kind, ptr(x), ptr(y), len);
    }

    /**
     * {@code compofa_activation_backward} from the forward's input x; dx may equal dy.
     *
     * @param ctx the context; open
     * @param stream a stream of ctx, or null for the context's default stream
     * @param kind an {@code ACT_*} code
     * @param x input tensor
     * @param dy gradient of y
     * @param dx gradient of x
     * @param len elements
     */
    public static void activationBackward(ContextHandle ctx, StreamHandle stream, int kind, long x, long dy, long dx,
                                          long len) {
        CompofaNnNative.activationBackward(ctx.segment(), stream(ctx, stream), kind, ptr(x), ptr(dy), ptr(dx), len);
    }

    /**
     * {@code compofa_axpby}: y = alpha x + beta y (beta 0 overwrites y).
     *
     * @param ctx the context; open
     * @param stream a stream of ctx, or null for the context's default stream
     * @param len elements
     * @param alpha scale of x
     * @param x input
     * @param beta scale of the old y; 0 overwrites
     * @param y updated in place
     */
    public static void axpby(ContextHandle ctx, StreamHandle stream, long len, float alpha, long x, float beta,
                             long y) {
        CompofaNnNative.axpby(ctx.segment(), stream(ctx, stream), len, alpha, ptr(x), beta, ptr(y));
    }

    /**
     * {@code compofa_dropout_forward}: keep iff {@link #dropoutKeep}, kept elements scaled by 1/(1-p).
     *
     * @param ctx the context; open
     * @param stream a stream of ctx, or null for the context's default stream
     * @param len elements
     * @param p drop probability, in [0, 1)
     * @param seed dropout mask seed
     * @param x input tensor
     * @param y output tensor
     */
    public static void dropoutForward(ContextHandle ctx, StreamHandle stream, long len, float p, long seed, long x,
                                      long y) {
        CompofaNnNative.dropoutForward(ctx.segment(), stream(ctx, stream), len, p, seed, ptr(x), ptr(y));
    }

    /**
     * {@code compofa_dropout_backward}: the forward's mask and scale applied to dy.
     *
     * @param ctx the context; open
     * @param stream a stream of ctx, or null for the context's default stream
     * @param len elements
     * @param p drop probability, in [0, 1)
     * @param seed dropout mask seed
     * @param dy gradient of y
     * @param dx gradient of x
     */
    public static void dropoutBackward(ContextHandle ctx, StreamHandle stream, long len, float p, long seed, long dy,
                                       long dx) {
        CompofaNnNative.dropoutBackward(ctx.segment(), stream(ctx, stream), len, p, seed, ptr(dy), ptr(dx));
    }

    /**
     * {@code compofa_dropout_keep}: whether element {@code index} survives dropout with this seed and p.
     *
     * @param seed dropout mask seed
     * @param index element index, &gt;= 0
     * @param p drop probability, in [0, 1)
     * @return true when the element is kept
     */
    public static boolean dropoutKeep(long seed, long index, float p) {
        return CompofaNnNative.dropoutKeep(seed, index, p);
    }

    /**
     * {@code compofa_sgd_step} in place, PyTorch semantics (g = grad + wd param; buf = m buf + g;
     * g = nesterov ? g + m buf : buf; param -= lr g); momentumBuf may be 0 when momentum is 0.
     *
     * @param ctx the context; open
     * @param stream a stream of ctx, or null for the context's default stream
     * @param len elements
     * @param param parameter, updated in place
     * @param grad its gradient
     * @param momentumBuf momentum buffer, updated; 0 when momentum is 0
     * @param lr learning rate
     * @param momentum running-stats momentum, in [0, 1]
     * @param weightDecay L2 weight decay
     * @param nesterov whether Nesterov momentum is used
     */
    public static void sgdStep(ContextHandle ctx, StreamHandle stream, long len, long param, long grad,
                               long momentumBuf, float lr, float momentum, float weightDecay, boolean nesterov) {
        CompofaNnNative.sgdStep(ctx.segment(), stream(ctx, stream), len, ptr(param), ptr(grad), ptr(momentumBuf), lr,
                momentum, weightDecay, nesterov ? 1 : 0);
    }

    // ---- per-channel ops, pooling ---------------------------------------------------------

    /**
     * {@code compofa_bias_add}: y[r][j] += bias[j] over (rows, c).
     *
     * @param ctx the context; open
     * @param stream a stream of ctx, or null for the context's default stream
     * @param rows rows: the product of all dimensions but the last
     * @param c channels (the last dimension)
     * @param y tensor updated in place
     * @param yLen floats at {@code y}
     * @param bias bias [&gt;= c]
     * @param biasLen floats at {@code bias}
     */
    public static void biasAdd(ContextHandle ctx, StreamHandle stream, long rows, int c, long y, long yLen,
                               long bias, long biasLen) {
        CompofaNnNative.biasAdd(ctx.segment(), stream(ctx, stream), rows, c, ptr(y), yLen, ptr(bias), biasLen);
    }

    /**
     * {@code compofa_bias_backward}: dbias[j] += sum_r dy[r][j].
     *
     * @param ctx the context; open
     * @param stream a stream of ctx, or null for the context's default stream
     * @param rows rows: the product of all dimensions but the last
     * @param c channels (the last dimension)
     * @param dy gradient of y
     * @param dyLen floats at {@code dy}
     * @param dbias gradient of bias [&gt;= c], accumulated
     * @param dbiasLen floats at {@code dbias}
     */
    public static void biasBackward(ContextHandle ctx, StreamHandle stream, long rows, int c, long dy, long dyLen,
                                    long dbias, long dbiasLen) {
        CompofaNnNative.biasBackward(ctx.segment(), stream(ctx, stream), rows, c, ptr(dy), dyLen, ptr(dbias), dbiasLen);
    }

    /**
     * {@code compofa_global_avg_pool_forward}: y[n][c] = mean over hw of x[n][hw][c].
     *
     * @param ctx the context; open
     * @param stream a stream of ctx, or null for the context's default stream
     * @param n batch size
     * @param hw pixels per image, h * w
     * @param c channels (the last dimension)
     * @param x input tensor
     * @param xLen floats at {@code x}
     * @param y output tensor
     * @param yLen floats at {@code y}
     */
    public static void globalAvgPoolForward(ContextHandle ctx, StreamHandle stream, int n, int hw, int c, long x,
                                            long xLen, long y, long yLen) {
        CompofaNnNative.globalAvgPoolForward(ctx.segment(), stream(ctx, stream), n, hw, c, ptr(x), xLen, ptr(y), yLen);
    }

    /**
     * {@code compofa_global_avg_pool_backward}: dx[n][p][c] = dy[n][c] / hw (overwritten).
     *
     * @param ctx the context; open
     * @param stream a stream of ctx, or null for the context's default stream
     * @param n batch size
     * @param hw pixels per image, h * w
     * @param c channels (the last dimension)
     * @param dy gradient of y
     * @param dyLen floats at {@code dy}
     * @param dx gradient of x
     * @param dxLen floats at {@code dx}
     */
    public static void globalAvgPoolBackward(ContextHandle ctx, StreamHandle stream, int n, int hw, int c, long dy,
                                             long dyLen, long dx, long dxLen) {
        CompofaNnNative.globalAvgPoolBackward(ctx.segment(), stream(ctx, stream), n, hw, c, ptr(dy), dyLen, ptr(dx),
                dxLen);
    }

    /**
     * {@code compofa_channel_scale_forward}: y[b][p][j] = x[b][p][j] * s[b][j].
     *
     * @param ctx the context; open
     * @param stream a stream of ctx, or null for the context's default stream
     * @param n batch size
     * @param hw pixels per image, h * w
     * @param c channels (the last dimension)
     * @param x input tensor
     * @param xLen floats at {@code x}
     * @param s per-image channel scale [n][c]
     * @param sLen floats at {@code s}
     * @param y output tensor
     * @param yLen floats at {@code y}
     */
    public static void channelScaleForward(ContextHandle ctx, StreamHandle stream, int n, int hw, int c, long x,
                                           long xLen, long s, long sLen, long y, long yLen) {
        CompofaNnNative.channelScaleForward(ctx.segment(), stream(ctx, stream), n, hw, c, ptr(x), xLen, ptr(s), sLen,
                ptr(y), yLen);
    }

    /**
     * {@code compofa_channel_scale_backward}: dx = dy s and ds = sum_p dy x, overwritten; either may be 0.
     *
     * @param ctx the context; open
     * @param stream a stream of ctx, or null for the context's default stream
     * @param n batch size
     * @param hw pixels per image, h * w
     * @param c channels (the last dimension)
     * @param x input tensor
     * @param xLen floats at {@code x}
     * @param s per-image channel scale [n][c]
     * @param sLen floats at {@code s}
     * @param dy gradient of y
     * @param dyLen floats at {@code dy}
     * @param dx gradient of x
     * @param dxLen floats at {@code dx}
     * @param ds gradient of s
     * @param dsLen floats at {@code ds}
     */
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
     *
     * @param ctx the context; open
     * @param stream a stream of ctx, or null for the context's default stream
     * @param n batch size
     * @param classes number of classes
     * @param logits logits [n][classes]
     * @param logitsLen floats at {@code logits}
     * @param labels int32 labels [n], in [0, classes)
     * @param labelsLen int32s at {@code labels}
     * @param smoothing label smoothing, in [0, 1)
     * @param gradScale factor of the gradient, e.g. 1/n
     * @param loss per-row loss [n]
     * @param lossLen floats at {@code loss}
     * @param dlogits gradient of logits, or 0
     * @param dlogitsLen floats at {@code dlogits}
     */
    public static void softmaxCrossEntropy(ContextHandle ctx, StreamHandle stream, int n, int classes, long logits,
                                           long logitsLen, long labels, long labelsLen, float smoothing,
                                           float gradScale, long loss, long lossLen, long dlogits, long dlogitsLen) {
        CompofaNnNative.softmaxCrossEntropy(ctx.segment(), stream(ctx, stream), n, classes, ptr(logits), logitsLen,
                ptr(labels), labelsLen, smoothing, gradScale, ptr(loss), lossLen, ptr(dlogits), dlogitsLen);
    }

    /**
     * {@code compofa_soft_cross_entropy}: distillation (T = 1); dstudent overwritten (0 = skip).
     *
     * @param ctx the context; open
     * @param stream a stream of ctx, or null for the context's default stream
     * @param n batch size
     * @param classes number of classes
     * @param student student logits [n][classes]
     * @param teacher teacher logits [n][classes]
     * @param logitsLen floats at {@code logits}
     * @param gradScale factor of the gradient, e.g. 1/n
     * @param loss per-row loss [n]
     * @param lossLen floats at {@code loss}
     * @param dstudent gradient of student, or 0
     * @param dstudentLen floats at {@code dstudent}
     */
    public static void softCrossEntropy(ContextHandle ctx, StreamHandle stream, int n, int classes, long student,
                                        long teacher, long logitsLen, float gradScale, long loss, long lossLen,
                                        long dstudent, long dstudentLen) {
        CompofaNnNative.softCrossEntropy(ctx.segment(), stream(ctx, stream), n, classes, ptr(student), ptr(teacher),
                logitsLen, gradScale, ptr(loss), lossLen, ptr(dstudent), dstudentLen);
    }

    /**
     * {@code compofa_resize_bilinear}: (n, h, w, c) to (n, ho, wo, c), PyTorch align_corners=False.
     *
     * @param ctx the context; open
     * @param stream a stream of ctx, or null for the context's default stream
     * @param n batch size
     * @param h input height
     * @param w input width
     * @param c channels
     * @param ho output height
     * @param wo output width
     * @param x input tensor
     * @param xLen floats at {@code x}
     * @param y output tensor
     * @param yLen floats at {@code y}
     */
    public static void resizeBilinear(ContextHandle ctx, StreamHandle stream, int n, int h, int w, int c, int ho,
                                      int wo, long x, long xLen, long y, long yLen) {
        CompofaNnNative.resizeBilinear(ctx.segment(), stream(ctx, stream), n, h, w, c, ho, wo, ptr(x), xLen, ptr(y),
                yLen);
    }
}
