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
import java.lang.invoke.VarHandle;
import java.util.List;

/**
 * The downcall table of the "fused inference ops" section of {@code compofa.h}: a 1x1 convolution or
 * an elastic depthwise convolution with a per-channel epilogue (bias, eval batch norm, activation)
 * applied before the output is written, or, for training, with the batch statistics of its output
 * gathered while it is written; and squeeze-and-excitation in one op. Same rules as {@link CompofaNnNative}.
 */
public final class CompofaFusedNative {
    private CompofaFusedNative() {}

    /** {@code compofa_epilogue}: 64 bytes, naturally aligned (no padding). */
    public static final StructLayout EPILOGUE = MemoryLayout.structLayout(
            ADDRESS.withName("bias"), JAVA_LONG.withName("bias_len"),
            ADDRESS.withName("gamma"), ADDRESS.withName("beta"),
            ADDRESS.withName("running_mean"), ADDRESS.withName("running_var"),
            JAVA_LONG.withName("bn_len"), JAVA_FLOAT.withName("eps"), JAVA_INT.withName("activation"))
            .withName("compofa_epilogue");

    /** The symbols of the fused ops; the loader refuses a library that lacks one. */
    static final List<String> SYMBOLS = List.of("compofa_conv1x1_fused_forward", "compofa_dwconv_fused_forward",
            "compofa_conv1x1_stats_forward", "compofa_dwconv_stats_forward", "compofa_se_forward",
            "compofa_se_backward");

    private static final MemoryLayout A = ADDRESS;
    private static final MemoryLayout I = JAVA_INT;
    private static final MemoryLayout L = JAVA_LONG;

    private static final class H {
        static final MethodHandle CONV1X1 = bind("compofa_conv1x1_fused_forward",
                FunctionDescriptor.of(JAVA_INT, A, A, L, I, I, A, L, A, L, I, A, A, L));
        static final MethodHandle CONV1X1_STATS = bind("compofa_conv1x1_stats_forward",
                FunctionDescriptor.of(JAVA_INT, A, A, L, I, I, A, L, A, L, I, A, L, A, A, L));
        static final MethodHandle DWCONV = bind("compofa_dwconv_fused_forward",
                FunctionDescriptor.of(JAVA_INT, A, A, A, A, L, A, L, A, L, A, L, A, A, L));
        static final MethodHandle SE_FORWARD = bind("compofa_se_forward",
                FunctionDescriptor.of(JAVA_INT, A, A, I, I, I, I, A, L, A, L, I, A, L, A, L, I, A, L, A, L, A, L));
        static final MethodHandle SE_BACKWARD = bind("compofa_se_backward",
                FunctionDescriptor.of(JAVA_INT, A, A, I, I, I, I, A, L, A, L, I, A, L, I, A, L, A, L, A, L, A, A, L,
                        A, A, L));
        static final MethodHandle DWCONV_STATS = bind("compofa_dwconv_stats_forward",
                FunctionDescriptor.of(JAVA_INT, A, A, A, A, L, A, L, A, L, A, L, A, L, A, A, L));
    }

    private static VarHandle field(String name) {
        return EPILOGUE.varHandle(MemoryLayout.PathElement.groupElement(name));
    }

    private static final VarHandle BIAS = field("bias");
    private static final VarHandle BIAS_LEN = field("bias_len");
    private static final VarHandle GAMMA = field("gamma");
    private static final VarHandle BETA = field("beta");
    private static final VarHandle MEAN = field("running_mean");
    private static final VarHandle VAR = field("running_var");
    private static final VarHandle BN_LEN = field("bn_len");
    private static final VarHandle EPS = field("eps");
    private static final VarHandle ACTIVATION = field("activation");

    /**
     * Writes a {@code compofa_epilogue} into {@code arena}; NULL segments switch a part off.
     *
     * @param arena the arena that owns the struct
     * @param bias bias [&gt;= c]
     * @param biasLen floats at {@code bias}
     * @param gamma BN scale, [&gt;= c]
     * @param beta BN shift, [&gt;= c]
     * @param runningMean running mean [&gt;= c], updated; NULL for none
     * @param runningVar running variance [&gt;= c], updated; NULL for none
     * @param bnLen floats at {@code bn}
     * @param eps variance epsilon, &gt; 0
     * @param activation an {@code ACT_*} code
     * @return the struct, in arena
     */
    public static MemorySegment epilogue(Arena arena, MemorySegment bias, long biasLen, MemorySegment gamma,
                                         MemorySegment beta, MemorySegment runningMean, MemorySegment runningVar,
                                         long bnLen, float eps, int activation) {
        MemorySegment e = arena.allocate(EPILOGUE);
        BIAS.set(e, 0L, bias);
        BIAS_LEN.set(e, 0L, biasLen);
        GAMMA.set(e, 0L, gamma);
        BETA.set(e, 0L, beta);
        MEAN.set(e, 0L, runningMean);
        VAR.set(e, 0L, runningVar);
        BN_LEN.set(e, 0L, bnLen);
        EPS.set(e, 0L, eps);
        ACTIVATION.set(e, 0L, activation);
        return e;
    }

    /**
     * {@code compofa_conv1x1_stats_forward}: y and the batch statistics of its columns.
     *
     * @param ctx the context handle
     * @param stream the stream handle, or {@link MemorySegment#NULL} for the context's default stream
     * @param rows rows of x and y
     * @param cin active input channels
     * @param cout active output channels
     * @param x input tensor
     * @param xLen floats at {@code x}
     * @param w supernet weight [coutMax][cinMax]
     * @param wLen floats at {@code w}
     * @param ldw row stride of w (cinMax)
     * @param y output tensor
     * @param yLen floats at {@code y}
     * @param batchMean batch mean [&gt;= c]
     * @param batchVar biased batch variance [&gt;= c]
     * @param batchLen floats of each of batchMean and batchVar
     */
    public static void conv1x1StatsForward(MemorySegment ctx, MemorySegment stream, long rows, int cin, int cout,
                                           MemorySegment x, long xLen, MemorySegment w, long wLen, int ldw,
                                           MemorySegment y, long yLen, MemorySegment batchMean,
                                           MemorySegment batchVar, long batchLen) {
        try {
            Status.check((int) H.CONV1X1_STATS.invokeExact(ctx, stream, rows, cin, cout, x, xLen, w, wLen, ldw, y,
                    yLen, batchMean, batchVar, batchLen));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_conv1x1_fused_forward}.
     *
     * @param ctx the context handle
     * @param stream the stream handle, or {@link MemorySegment#NULL} for the context's default stream
     * @param rows rows of x and y
     * @param cin active input channels
     * @param cout active output channels
     * @param x input tensor
     * @param xLen floats at {@code x}
     * @param w supernet weight [coutMax][cinMax]
     * @param wLen floats at {@code w}
     * @param ldw row stride of w (cinMax)
     * @param epilogue bias, eval batch norm and activation applied before y is written
     * @param y output tensor
     * @param yLen floats at {@code y}
     */
    public static void conv1x1FusedForward(MemorySegment ctx, MemorySegment stream, long rows, int cin, int cout,
                                           MemorySegment x, long xLen, MemorySegment w, long wLen, int ldw,
                                           MemorySegment epilogue, MemorySegment y, long yLen) {
        try {
            Status.check((int) H.CONV1X1.invokeExact(ctx, stream, rows, cin, cout, x, xLen, w, wLen, ldw, epilogue,
                    y, yLen));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_dwconv_fused_forward}.
     *
     * @param ctx the context handle
     * @param stream the stream handle, or {@link MemorySegment#NULL} for the context's default stream
     * @param shape the problem's shape struct
     * @param x input tensor
     * @param xLen floats at {@code x}
     * @param weight supernet weight [kMax][kMax][cMax]
     * @param weightLen floats at {@code weight}
     * @param t75 7-&gt;5 transform [25][25], or NULL when unused
     * @param t75Len floats at {@code t75}
     * @param t53 5-&gt;3 transform [9][9], or NULL when unused
     * @param t53Len floats at {@code t53}
     * @param epilogue bias, eval batch norm and activation applied before y is written
     * @param y output tensor
     * @param yLen floats at {@code y}
     */
    public static void dwconvFusedForward(MemorySegment ctx, MemorySegment stream, MemorySegment shape,
                                          MemorySegment x, long xLen, MemorySegment weight, long weightLen,
                                          MemorySegment t75, long t75Len, MemorySegment t53, long t53Len,
                                          MemorySegment epilogue, MemorySegment y, long yLen) {
        try {
            Status.check((int) H.DWCONV.invokeExact(ctx, stream, shape, x, xLen, weight, weightLen, t75, t75Len,
                    t53, t53Len, epilogue, y, yLen));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_dwconv_stats_forward}: y and the batch statistics of its channels.
     *
     * @param ctx the context handle
     * @param stream the stream handle, or {@link MemorySegment#NULL} for the context's default stream
     * @param shape the problem's shape struct
     * @param x input tensor
     * @param xLen floats at {@code x}
     * @param weight supernet weight [kMax][kMax][cMax]
     * @param weightLen floats at {@code weight}
     * @param t75 7-&gt;5 transform [25][25], or NULL when unused
     * @param t75Len floats at {@code t75}
     * @param t53 5-&gt;3 transform [9][9], or NULL when unused
     * @param t53Len floats at {@code t53}
     * @param y output tensor
     * @param yLen floats at {@code y}
     * @param batchMean batch mean [&gt;= c]
     * @param batchVar biased batch variance [&gt;= c]
     * @param batchLen floats of each of batchMean and batchVar
     */
    public static void dwconvStatsForward(MemorySegment ctx, MemorySegment stream, MemorySegment shape,
                                          MemorySegment x, long xLen, MemorySegment weight, long weightLen,
                                          MemorySegment t75, long t75Len, MemorySegment t53, long t53Len,
                                          MemorySegment y, long yLen, MemorySegment batchMean,
                                          MemorySegment batchVar, long batchLen) {
        try {
            Status.check((int) H.DWCONV_STATS.invokeExact(ctx, stream, shape, x, xLen, weight, weightLen, t75,
                    t75Len, t53, t53Len, y, yLen, batchMean, batchVar, batchLen));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_se_forward}: squeeze-and-excitation in one op; saved may be NULL (inference).
     *
     * @param ctx the context handle
     * @param stream the stream handle, or {@link MemorySegment#NULL} for the context's default stream
     * @param n batch size
     * @param hw pixels per image, h * w
     * @param c active channels
     * @param se active squeeze channels
     * @param x input tensor
     * @param xLen floats at {@code x}
     * @param w1 reduce weight; W1 = w1[:se, :c]
     * @param w1Len floats at {@code w1}
     * @param ld1 row stride of w1
     * @param b1 reduce bias [&gt;= se]
     * @param b1Len floats at {@code b1}
     * @param w2 expand weight; W2 = w2[:c, :se]
     * @param w2Len floats at {@code w2}
     * @param ld2 row stride of w2
     * @param b2 expand bias [&gt;= c]
     * @param b2Len floats at {@code b2}
     * @param y output tensor
     * @param yLen floats at {@code y}
     * @param saved what the forward saved for the backward, n*(2c+se) floats
     * @param savedLen floats at {@code saved}
     */
    public static void seForward(MemorySegment ctx, MemorySegment stream, int n, int hw, int c, int se,
                                 MemorySegment x, long xLen, MemorySegment w1, long w1Len, int ld1,
                                 MemorySegment b1, long b1Len, MemorySegment w2, long w2Len, int ld2,
                                 MemorySegment b2, long b2Len, MemorySegment y, long yLen, MemorySegment saved,
                                 long savedLen) {
        try {
            Status.check((int) H.SE_FORWARD.invokeExact(ctx, stream, n, hw, c, se, x, xLen, w1, w1Len, ld1, b1, b1Len,
                    w2, w2Len, ld2, b2, b2Len, y, yLen, saved, savedLen));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_se_backward}: dx overwritten, the weight gradients accumulated.
     *
     * @param ctx the context handle
     * @param stream the stream handle, or {@link MemorySegment#NULL} for the context's default stream
     * @param n batch size
     * @param hw pixels per image, h * w
     * @param c active channels
     * @param se active squeeze channels
     * @param x input tensor
     * @param xLen floats at {@code x}
     * @param w1 reduce weight; W1 = w1[:se, :c]
     * @param w1Len floats at {@code w1}
     * @param ld1 row stride of w1
     * @param w2 expand weight; W2 = w2[:c, :se]
     * @param w2Len floats at {@code w2}
     * @param ld2 row stride of w2
     * @param saved what the forward saved for the backward, n*(2c+se) floats
     * @param savedLen floats at {@code saved}
     * @param dy gradient of y
     * @param dyLen floats at {@code dy}
     * @param dx gradient of x
     * @param dxLen floats at {@code dx}
     * @param dw1 gradient of w1, accumulated
     * @param db1 gradient of b1, accumulated
     * @param db1Len floats at {@code db1}
     * @param dw2 gradient of w2, accumulated
     * @param db2 gradient of b2, accumulated
     * @param db2Len floats at {@code db2}
     */
    public static void seBackward(MemorySegment ctx, MemorySegment stream, int n, int hw, int c, int se,
                                  MemorySegment x, long xLen, MemorySegment w1, long w1Len, int ld1,
                                  MemorySegment w2, long w2Len, int ld2, MemorySegment saved, long savedLen,
                                  MemorySegment dy, long dyLen, MemorySegment dx, long dxLen, MemorySegment dw1,
                                  MemorySegment db1, long db1Len, MemorySegment dw2, MemorySegment db2, long db2Len) {
        try {
            Status.check((int) H.SE_BACKWARD.invokeExact(ctx, stream, n, hw, c, se, x, xLen, w1, w1Len, ld1, w2, w2Len,
                    ld2, saved, savedLen, dy, dyLen, dx, dxLen, dw1, db1, db1Len, dw2, db2, db2Len));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
