package org.compofa.bindings;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.compofa.bindings.CompofaNative.bind;
import static org.compofa.bindings.CompofaNative.rethrow;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;

/**
 * The hand-written downcall table of the "network ops" section of {@code compofa.h} (ABI 2): im2col,
 * batch norm, activations, per-channel ops, pooling, dropout, losses, resize and SGD. Same rules as
 * {@link CompofaNative}: pointers are {@link MemorySegment}s ({@link MemorySegment#NULL} for NULL),
 * {@code uint64_t} is {@code long}, lengths are in floats (labels: in int32s), nothing is checked
 * here, a non-zero status becomes the typed exception of {@link Status#check(int)}, and the handles
 * are bound on first use (a missing library throws {@link NativeLibraryException}).
 */
public final class CompofaNnNative {
    private CompofaNnNative() {}

    /** {@code compofa_activation_kind}: identity. */
    public static final int ACT_IDENTITY = 0;
    /** {@code compofa_activation_kind}: relu. */
    public static final int ACT_RELU = 1;
    /** {@code compofa_activation_kind}: h_swish. */
    public static final int ACT_HSWISH = 2;
    /** {@code compofa_activation_kind}: h_sigmoid. */
    public static final int ACT_HSIGMOID = 3;

    /** {@code compofa_conv_shape}: seven int32 fields n, h, w, c, k, stride, pad. */
    public static final StructLayout CONV_SHAPE = MemoryLayout.structLayout(
            JAVA_INT.withName("n"), JAVA_INT.withName("h"), JAVA_INT.withName("w"), JAVA_INT.withName("c"),
            JAVA_INT.withName("k"), JAVA_INT.withName("stride"), JAVA_INT.withName("pad"))
            .withName("compofa_conv_shape");

    /** The symbols of the network ops; the loader refuses a library that lacks one. */
    static final List<String> SYMBOLS = List.of(
            "compofa_conv_output_size", "compofa_im2col", "compofa_col2im_add",
            "compofa_batchnorm_forward_train", "compofa_batchnorm_forward_eval", "compofa_batchnorm_backward",
            "compofa_batchnorm_act_forward_train", "compofa_batchnorm_act_backward",
            "compofa_activation_forward", "compofa_activation_backward",
            "compofa_bias_add", "compofa_bias_backward",
            "compofa_global_avg_pool_forward", "compofa_global_avg_pool_backward",
            "compofa_channel_scale_forward", "compofa_channel_scale_backward",
            "compofa_axpby", "compofa_dropout_forward", "compofa_dropout_backward", "compofa_dropout_keep",
            "compofa_softmax_cross_entropy", "compofa_soft_cross_entropy",
            "compofa_resize_bilinear", "compofa_sgd_step");

    private static final MemoryLayout A = ADDRESS;
    private static final MemoryLayout I = JAVA_INT;
    private static final MemoryLayout L = JAVA_LONG;
    private static final MemoryLayout F = JAVA_FLOAT;

    private static FunctionDescriptor st(MemoryLayout... args) {
        return FunctionDescriptor.of(JAVA_INT, args);
    }

    /** The handles; initialising this class never throws (see {@link CompofaNative#bind}). */
    private static final class H {
        static final MethodHandle CONV_OUTPUT_SIZE = bind("compofa_conv_output_size", st(A, A, A));
        static final MethodHandle IM2COL = bind("compofa_im2col", st(A, A, A, A, L, A, L));
        static final MethodHandle COL2IM_ADD = bind("compofa_col2im_add", st(A, A, A, A, L, A, L));
        static final MethodHandle BN_TRAIN = bind("compofa_batchnorm_forward_train",
                st(A, A, L, I, A, L, A, A, A, A, L, F, F, A, L, A, A, L));
        static final MethodHandle BN_EVAL = bind("compofa_batchnorm_forward_eval",
                st(A, A, L, I, A, L, A, A, A, A, L, F, A, L));
        static final MethodHandle BN_BACKWARD = bind("compofa_batchnorm_backward",
                st(A, A, L, I, A, L, A, L, A, L, A, A, L, F, A, L, A, A));
        static final MethodHandle BN_ACT_TRAIN = bind("compofa_batchnorm_act_forward_train",
                st(A, A, L, I, I, I, A, L, A, A, A, A, L, F, F, A, L, A, A, L));
        static final MethodHandle BN_ACT_BACKWARD = bind("compofa_batchnorm_act_backward",
                st(A, A, L, I, I, A, L, A, L, A, A, L, A, A, L, F, A, L, A, A));
        static final MethodHandle ACT_FORWARD = bind("compofa_activation_forward", st(A, A, I, A, A, L));
        static final MethodHandle ACT_BACKWARD = bind("compofa_activation_backward", st(A, A, I, A, A, A, L));
        static final MethodHandle BIAS_ADD = bind("compofa_bias_add", st(A, A, L, I, A, L, A, L));
        static final MethodHandle BIAS_BACKWARD = bind("compofa_bias_backward", st(A, A, L, I, A, L, A, L));
        static final MethodHandle GAP_FORWARD = bind("compofa_global_avg_pool_forward", st(A, A, I, I, I, A, L, A, L));
        static final MethodHandle GAP_BACKWARD = bind("compofa_global_avg_pool_backward", st(A, A, I, I, I, A, L, A, L));
        static final MethodHandle SCALE_FORWARD = bind("compofa_channel_scale_forward",
                st(A, A, I, I, I, A, L, A, L, A, L));
        static final MethodHandle SCALE_BACKWARD = bind("compofa_channel_scale_backward",
                st(A, A, I, I, I, A, L, A, L, A, L, A, L, A, L));
        static final MethodHandle AXPBY = bind("compofa_axpby", st(A, A, L, F, A, F, A));
        static final MethodHandle DROPOUT_FORWARD = bind("compofa_dropout_forward", st(A, A, L, F, L, A, A));
        static final MethodHandle DROPOUT_BACKWARD = bind("compofa_dropout_backward", st(A, A, L, F, L, A, A));
        static final MethodHandle DROPOUT_KEEP = bind("compofa_dropout_keep", st(L, L, F));
        static final MethodHandle SOFTMAX_CE = bind("compofa_softmax_cross_entropy",
                st(A, A, I, I, A, L, A, L, F, F, A, L, A, L));
        static final MethodHandle SOFT_CE = bind("compofa_soft_cross_entropy", st(A, A, I, I, A, A, L, F, A, L, A, L));
        static final MethodHandle RESIZE = bind("compofa_resize_bilinear", st(A, A, I, I, I, I, I, I, A, L, A, L));
        static final MethodHandle SGD_STEP = bind("compofa_sgd_step", st(A, A, L, A, A, A, F, F, F, I));
    }

    // ---- dense convolution (im2col) -------------------------------------------------------

    /**
     * Writes a {@code compofa_conv_shape} into {@code arena}.
     *
     * @param arena the arena that owns the struct
     * @param n batch size
     * @param h input height
     * @param w input width
     * @param c input channels
     * @param k kernel size (k x k), 1 to 11
     * @param stride stride, 1 to 4
     * @param pad zero padding on each side, 0 to k - 1
     * @return the struct, in arena
     */
    public static MemorySegment convShape(Arena arena, int n, int h, int w, int c, int k, int stride, int pad) {
        MemorySegment s = arena.allocate(CONV_SHAPE);
        int[] fields = {n, h, w, c, k, stride, pad};
        for (int i = 0; i < fields.length; i++) {
            s.setAtIndex(JAVA_INT, i, fields[i]);
        }
        return s;
    }

    /**
     * {@code compofa_conv_output_size}: {ho, wo}.
     *
     * @param shape the problem's shape struct
     * @return {ho, wo}
     */
    public static int[] convOutputSize(MemorySegment shape) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ho = arena.allocate(JAVA_INT);
            MemorySegment wo = arena.allocate(JAVA_INT);
            Status.check((int) H.CONV_OUTPUT_SIZE.invokeExact(shape, ho, wo));
            return new int[] {ho.get(JAVA_INT, 0), wo.get(JAVA_INT, 0)};
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_im2col}: col[(b*ho+oh)*wo+ow][(kh*k+kw)*c+ci] = x[b][oh*s-pad+kh][ow*s-pad+kw][ci].
     *
     * @param ctx the context handle
     * @param stream the stream handle, or {@link MemorySegment#NULL} for the context's default stream
     * @param shape the problem's shape struct
     * @param x input tensor
     * @param xLen floats at {@code x}
     * @param col im2col matrix [n*ho*wo][k*k*c]
     * @param colLen floats at {@code col}
     */
    public static void im2col(MemorySegment ctx, MemorySegment stream, MemorySegment shape,
                              MemorySegment x, long xLen, MemorySegment col, long colLen) {
        try {
            Status.check((int) H.IM2COL.invokeExact(ctx, stream, shape, x, xLen, col, colLen));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_col2im_add}: the adjoint of im2col, accumulating into dx.
     *
     * @param ctx the context handle
     * @param stream the stream handle, or {@link MemorySegment#NULL} for the context's default stream
     * @param shape the problem's shape struct
     * @param dcol gradient of col
     * @param dcolLen floats at {@code dcol}
     * @param dx gradient of x
     * @param dxLen floats at {@code dx}
     */
    public static void col2imAdd(MemorySegment ctx, MemorySegment stream, MemorySegment shape,
                                 MemorySegment dcol, long dcolLen, MemorySegment dx, long dxLen) {
        try {
            Status.check((int) H.COL2IM_ADD.invokeExact(ctx, stream, shape, dcol, dcolLen, dx, dxLen));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- batch normalisation --------------------------------------------------------------

    /**
     * {@code compofa_batchnorm_forward_train}; running_mean/running_var may both be NULL.
     *
     * @param ctx the context handle
     * @param stream the stream handle, or {@link MemorySegment#NULL} for the context's default stream
     * @param rows rows: the product of all dimensions but the last
     * @param c channels (the last dimension)
     * @param x input tensor
     * @param xLen floats at {@code x}
     * @param gamma BN scale, [&gt;= c]
     * @param beta BN shift, [&gt;= c]
     * @param runningMean running mean [&gt;= c], updated; NULL for none
     * @param runningVar running variance [&gt;= c], updated; NULL for none
     * @param paramLen floats of each of gamma, beta and the running stats
     * @param momentum running-stats momentum, in [0, 1]
     * @param eps variance epsilon, &gt; 0
     * @param y output tensor
     * @param yLen floats at {@code y}
     * @param batchMean batch mean [&gt;= c]
     * @param batchVar biased batch variance [&gt;= c]
     * @param batchLen floats of each of batchMean and batchVar
     */
    public static void batchnormForwardTrain(MemorySegment ctx, MemorySegment stream, long rows, int c,
                                             MemorySegment x, long xLen, MemorySegment gamma, MemorySegment beta,
                                             MemorySegment runningMean, MemorySegment runningVar, long paramLen,
                                             float momentum, float eps, MemorySegment y, long yLen,
                                             MemorySegment batchMean, MemorySegment batchVar, long batchLen) {
        try {
            Status.check((int) H.BN_TRAIN.invokeExact(ctx, stream, rows, c, x, xLen, gamma, beta, runningMean,
                    runningVar, paramLen, momentum, eps, y, yLen, batchMean, batchVar, batchLen));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_batchnorm_forward_eval}.
     *
     * @param ctx the context handle
     * @param stream the stream handle, or {@link MemorySegment#NULL} for the context's default stream
     * @param rows rows: the product of all dimensions but the last
     * @param c channels (the last dimension)
     * @param x input tensor
     * @param xLen floats at {@code x}
     * @param gamma BN scale, [&gt;= c]
     * @param beta BN shift, [&gt;= c]
     * @param runningMean running mean [&gt;= c], updated; NULL for none
     * @param runningVar running variance [&gt;= c], updated; NULL for none
     * @param paramLen floats of each of gamma, beta and the running stats
     * @param eps variance epsilon, &gt; 0
     * @param y output tensor
     * @param yLen floats at {@code y}
     */
    public static void batchnormForwardEval(MemorySegment ctx, MemorySegment stream, long rows, int c,
                                            MemorySegment x, long xLen, MemorySegment gamma, MemorySegment beta,
                                            MemorySegment runningMean, MemorySegment runningVar, long paramLen,
                                            float eps, MemorySegment y, long yLen) {
        try {
            Status.check((int) H.BN_EVAL.invokeExact(ctx, stream, rows, c, x, xLen, gamma, beta, runningMean,
                    runningVar, paramLen, eps, y, yLen));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_batchnorm_backward}: dx overwritten, dgamma/dbeta accumulated; each may be NULL.
     *
     * @param ctx the context handle
     * @param stream the stream handle, or {@link MemorySegment#NULL} for the context's default stream
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
    public static void batchnormBackward(MemorySegment ctx, MemorySegment stream, long rows, int c,
                                         MemorySegment x, long xLen, MemorySegment dy, long dyLen,
                                         MemorySegment gamma, long paramLen, MemorySegment batchMean,
                                         MemorySegment batchVar, long batchLen, float eps,
                                         MemorySegment dx, long dxLen, MemorySegment dgamma, MemorySegment dbeta) {
        try {
            Status.check((int) H.BN_BACKWARD.invokeExact(ctx, stream, rows, c, x, xLen, dy, dyLen, gamma, paramLen,
                    batchMean, batchVar, batchLen, eps, dx, dxLen, dgamma, dbeta));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_batchnorm_act_forward_train}: y = act(bn_train(x)), activation an {@code ACT_*} code;
     * statsGiven 1 = batchMean/batchVar already hold x's statistics.
     *
     * @param ctx the context handle
     * @param stream the stream handle, or {@link MemorySegment#NULL} for the context's default stream
     * @param rows rows: the product of all dimensions but the last
     * @param c channels (the last dimension)
     * @param activation an {@code ACT_*} code
     * @param statsGiven 1 when batchMean/batchVar already hold x's statistics
     * @param x input tensor
     * @param xLen floats at {@code x}
     * @param gamma BN scale, [&gt;= c]
     * @param beta BN shift, [&gt;= c]
     * @param runningMean running mean [&gt;= c], updated; NULL for none
     * @param runningVar running variance [&gt;= c], updated; NULL for none
     * @param paramLen floats of each of gamma, beta and the running stats
     * @param momentum running-stats momentum, in [0, 1]
     * @param eps variance epsilon, &gt; 0
     * @param y output tensor
     * @param yLen floats at {@code y}
     * @param batchMean batch mean [&gt;= c]
     * @param batchVar biased batch variance [&gt;= c]
     * @param batchLen floats of each of batchMean and batchVar
     */
    public static void batchnormActForwardTrain(MemorySegment ctx, MemorySegment stream, long rows, int c,
                                                int activation, int statsGiven, MemorySegment x, long xLen,
                                                MemorySegment gamma, MemorySegment beta, MemorySegment runningMean,
                                                MemorySegment runningVar, long paramLen, float momentum, float eps,
                                                MemorySegment y, long yLen, MemorySegment batchMean,
                                                MemorySegment batchVar, long batchLen) {
        try {
            Status.check((int) H.BN_ACT_TRAIN.invokeExact(ctx, stream, rows, c, activation, statsGiven, x, xLen, gamma,
                    beta, runningMean, runningVar, paramLen, momentum, eps, y, yLen, batchMean, batchVar, batchLen));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_batchnorm_act_backward}: dy is the gradient of act(bn(x)); beta is required.
     *
     * @param ctx the context handle
     * @param stream the stream handle, or {@link MemorySegment#NULL} for the context's default stream
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
    public static void batchnormActBackward(MemorySegment ctx, MemorySegment stream, long rows, int c, int activation,
                                            MemorySegment x, long xLen, MemorySegment dy, long dyLen,
                                            MemorySegment gamma, MemorySegment beta, long paramLen,
                                            MemorySegment batchMean, MemorySegment batchVar, long batchLen, float eps,
                                            MemorySegment dx, long dxLen, MemorySegment dgamma, MemorySegment dbeta) {
        try {
            Status.check((int) H.BN_ACT_BACKWARD.invokeExact(ctx, stream, rows, c, activation, x, xLen, dy, dyLen,
                    gamma, beta, paramLen, batchMean, batchVar, batchLen, eps, dx, dxLen, dgamma, dbeta));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- element-wise ---------------------------------------------------------------------

    /**
     * {@code compofa_activation_forward} ({@code ACT_*} kind); y may equal x.
     *
     * @param ctx the context handle
     * @param stream the stream handle, or {@link MemorySegment#NULL} for the context's default stream
     * @param kind an {@code ACT_*} code
     * @param x input tensor
     * @param y output tensor
     * @param len elements
     */
    public static void activationForward(MemorySegment ctx, MemorySegment stream, int kind, MemorySegment x,
                                         MemorySegment y, long len) {
        try {
            Status.check((int) H.ACT_FORWARD.invokeExact(ctx, stream, kind, x, y, len));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_activation_backward}: dx from the forward's input x and dy; dx may equal dy.
     *
     * @param ctx the context handle
     * @param stream the stream handle, or {@link MemorySegment#NULL} for the context's default stream
     * @param kind an {@code ACT_*} code
     * @param x input tensor
     * @param dy gradient of y
     * @param dx gradient of x
     * @param len elements
     */
    public static void activationBackward(MemorySegment ctx, MemorySegment stream, int kind, MemorySegment x,
                                          MemorySegment dy, MemorySegment dx, long len) {
        try {
            Status.check((int) H.ACT_BACKWARD.invokeExact(ctx, stream, kind, x, dy, dx, len));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_axpby}: y = alpha x + beta y.
     *
     * @param ctx the context handle
     * @param stream the stream handle, or {@link MemorySegment#NULL} for the context's default stream
     * @param len elements
     * @param alpha scale of x
     * @param x input
     * @param beta scale of the old y; 0 overwrites
     * @param y updated in place
     */
    public static void axpby(MemorySegment ctx, MemorySegment stream, long len, float alpha, MemorySegment x,
                             float beta, MemorySegment y) {
        try {
            Status.check((int) H.AXPBY.invokeExact(ctx, stream, len, alpha, x, beta, y));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_dropout_forward}: inverted dropout with the counter-based mask.
     *
     * @param ctx the context handle
     * @param stream the stream handle, or {@link MemorySegment#NULL} for the context's default stream
     * @param len elements
     * @param p drop probability, in [0, 1)
     * @param seed dropout mask seed
     * @param x input tensor
     * @param y output tensor
     */
    public static void dropoutForward(MemorySegment ctx, MemorySegment stream, long len, float p, long seed,
                                      MemorySegment x, MemorySegment y) {
        try {
            Status.check((int) H.DROPOUT_FORWARD.invokeExact(ctx, stream, len, p, seed, x, y));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_dropout_backward}: the forward's mask and scale applied to dy.
     *
     * @param ctx the context handle
     * @param stream the stream handle, or {@link MemorySegment#NULL} for the context's default stream
     * @param len elements
     * @param p drop probability, in [0, 1)
     * @param seed dropout mask seed
     * @param dy gradient of y
     * @param dx gradient of x
     */
    public static void dropoutBackward(MemorySegment ctx, MemorySegment stream, long len, float p, long seed,
                                       MemorySegment dy, MemorySegment dx) {
        try {
            Status.check((int) H.DROPOUT_BACKWARD.invokeExact(ctx, stream, len, p, seed, dy, dx));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_dropout_keep}: whether element {@code index} is kept (a pure function, no status).
     *
     * @param seed dropout mask seed
     * @param index element index, &gt;= 0
     * @param p drop probability, in [0, 1)
     * @return true when the element is kept
     */
    public static boolean dropoutKeep(long seed, long index, float p) {
        try {
            return (int) H.DROPOUT_KEEP.invokeExact(seed, index, p) != 0;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_sgd_step}: PyTorch SGD in place; momentumBuf may be NULL when momentum is 0.
     *
     * @param ctx the context handle
     * @param stream the stream handle, or {@link MemorySegment#NULL} for the context's default stream
     * @param len elements
     * @param param parameter, updated in place
     * @param grad its gradient
     * @param momentumBuf momentum buffer, updated; NULL when momentum is 0
     * @param lr learning rate
     * @param momentum running-stats momentum, in [0, 1]
     * @param weightDecay L2 weight decay
     * @param nesterov 1 for Nesterov momentum, 0 for plain
     */
    public static void sgdStep(MemorySegment ctx, MemorySegment stream, long len, MemorySegment param,
                               MemorySegment grad, MemorySegment momentumBuf, float lr, float momentum,
                               float weightDecay, int nesterov) {
        try {
            Status.check((int) H.SGD_STEP.invokeExact(ctx, stream, len, param, grad, momentumBuf, lr, momentum,
                    weightDecay, nesterov));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- per-channel ops, pooling ---------------------------------------------------------

    /**
     * {@code compofa_bias_add}: y[r][j] += bias[j].
     *
     * @param ctx the context handle
     * @param stream the stream handle, or {@link MemorySegment#NULL} for the context's default stream
     * @param rows rows: the product of all dimensions but the last
     * @param c channels (the last dimension)
     * @param y tensor updated in place
     * @param yLen floats at {@code y}
     * @param bias bias [&gt;= c]
     * @param biasLen floats at {@code bias}
     */
    public static void biasAdd(MemorySegment ctx, MemorySegment stream, long rows, int c, MemorySegment y, long yLen,
                               MemorySegment bias, long biasLen) {
        try {
            Status.check((int) H.BIAS_ADD.invokeExact(ctx, stream, rows, c, y, yLen, bias, biasLen));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_bias_backward}: dbias[j] += sum_r dy[r][j].
     *
     * @param ctx the context handle
     * @param stream the stream handle, or {@link MemorySegment#NULL} for the context's default stream
     * @param rows rows: the product of all dimensions but the last
     * @param c channels (the last dimension)
     * @param dy gradient of y
     * @param dyLen floats at {@code dy}
     * @param dbias gradient of bias [&gt;= c], accumulated
     * @param dbiasLen floats at {@code dbias}
     */
    public static void biasBackward(MemorySegment ctx, MemorySegment stream, long rows, int c, MemorySegment dy,
                                    long dyLen, MemorySegment dbias, long dbiasLen) {
        try {
            Status.check((int) H.BIAS_BACKWARD.invokeExact(ctx, stream, rows, c, dy, dyLen, dbias, dbiasLen));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_global_avg_pool_forward}: (n, hw, c) to (n, c).
     *
     * @param ctx the context handle
     * @param stream the stream handle, or {@link MemorySegment#NULL} for the context's default stream
     * @param n batch size
     * @param hw pixels per image, h * w
     * @param c channels (the last dimension)
     * @param x input tensor
     * @param xLen floats at {@code x}
     * @param y output tensor
     * @param yLen floats at {@code y}
     */
    public static void globalAvgPoolForward(MemorySegment ctx, MemorySegment stream, int n, int hw, int c,
                                            MemorySegment x, long xLen, MemorySegment y, long yLen) {
        try {
            Status.check((int) H.GAP_FORWARD.invokeExact(ctx, stream, n, hw, c, x, xLen, y, yLen));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_global_avg_pool_backward}: dx = dy / hw (overwritten).
     *
     * @param ctx the context handle
     * @param stream the stream handle, or {@link MemorySegment#NULL} for the context's default stream
     * @param n batch size
     * @param hw pixels per image, h * w
     * @param c channels (the last dimension)
     * @param dy gradient of y
     * @param dyLen floats at {@code dy}
     * @param dx gradient of x
     * @param dxLen floats at {@code dx}
     */
    public static void globalAvgPoolBackward(MemorySegment ctx, MemorySegment stream, int n, int hw, int c,
                                             MemorySegment dy, long dyLen, MemorySegment dx, long dxLen) {
        try {
            Status.check((int) H.GAP_BACKWARD.invokeExact(ctx, stream, n, hw, c, dy, dyLen, dx, dxLen));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_channel_scale_forward}: y[b][p][j] = x[b][p][j] * s[b][j].
     *
     * @param ctx the context handle
     * @param stream the stream handle, or {@link MemorySegment#NULL} for the context's default stream
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
    public static void channelScaleForward(MemorySegment ctx, MemorySegment stream, int n, int hw, int c,
                                           MemorySegment x, long xLen, MemorySegment s, long sLen,
                                           MemorySegment y, long yLen) {
        try {
            Status.check((int) H.SCALE_FORWARD.invokeExact(ctx, stream, n, hw, c, x, xLen, s, sLen, y, yLen));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_channel_scale_backward}: dx = dy * s, ds = sum_p dy * x (both overwritten, NULL = skip).
     *
     * @param ctx the context handle
     * @param stream the stream handle, or {@link MemorySegment#NULL} for the context's default stream
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
    public static void channelScaleBackward(MemorySegment ctx, MemorySegment stream, int n, int hw, int c,
                                            MemorySegment x, long xLen, MemorySegment s, long sLen,
                                            MemorySegment dy, long dyLen, MemorySegment dx, long dxLen,
                                            MemorySegment ds, long dsLen) {
        try {
            Status.check((int) H.SCALE_BACKWARD.invokeExact(ctx, stream, n, hw, c, x, xLen, s, sLen, dy, dyLen,
                    dx, dxLen, ds, dsLen));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- losses, resize -------------------------------------------------------------------

    /**
     * {@code compofa_softmax_cross_entropy}: labels are int32, labelsLen counts int32s.
     *
     * @param ctx the context handle
     * @param stream the stream handle, or {@link MemorySegment#NULL} for the context's default stream
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
     * @param dlogits gradient of logits, or NULL
     * @param dlogitsLen floats at {@code dlogits}
     */
    public static void softmaxCrossEntropy(MemorySegment ctx, MemorySegment stream, int n, int classes,
                                           MemorySegment logits, long logitsLen, MemorySegment labels,
                                           long labelsLen, float smoothing, float gradScale,
                                           MemorySegment loss, long lossLen, MemorySegment dlogits, long dlogitsLen) {
        try {
            Status.check((int) H.SOFTMAX_CE.invokeExact(ctx, stream, n, classes, logits, logitsLen, labels, labelsLen,
                    smoothing, gradScale, loss, lossLen, dlogits, dlogitsLen));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_soft_cross_entropy}: distillation loss against the teacher's softmax (T = 1).
     *
     * @param ctx the context handle
     * @param stream the stream handle, or {@link MemorySegment#NULL} for the context's default stream
     * @param n batch size
     * @param classes number of classes
     * @param student student logits [n][classes]
     * @param teacher teacher logits [n][classes]
     * @param logitsLen floats at {@code logits}
     * @param gradScale factor of the gradient, e.g. 1/n
     * @param loss per-row loss [n]
     * @param lossLen floats at {@code loss}
     * @param dstudent gradient of student, or NULL
     * @param dstudentLen floats at {@code dstudent}
     */
    public static void softCrossEntropy(MemorySegment ctx, MemorySegment stream, int n, int classes,
                                        MemorySegment student, MemorySegment teacher, long logitsLen, float gradScale,
                                        MemorySegment loss, long lossLen, MemorySegment dstudent, long dstudentLen) {
        try {
            Status.check((int) H.SOFT_CE.invokeExact(ctx, stream, n, classes, student, teacher, logitsLen, gradScale,
                    loss, lossLen, dstudent, dstudentLen));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_resize_bilinear}: (n, h, w, c) to (n, ho, wo, c), align_corners=False.
     *
     * @param ctx the context handle
     * @param stream the stream handle, or {@link MemorySegment#NULL} for the context's default stream
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
    public static void resizeBilinear(MemorySegment ctx, MemorySegment stream, int n, int h, int w, int c, int ho,
                                      int wo, MemorySegment x, long xLen, MemorySegment y, long yLen) {
        try {
            Status.check((int) H.RESIZE.invokeExact(ctx, stream, n, h, w, c, ho, wo, x, xLen, y, yLen));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
