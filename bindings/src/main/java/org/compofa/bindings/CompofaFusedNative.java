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

    /** Writes a {@code compofa_epilogue} into {@code arena}; NULL segments switch a part off. */
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

    /** {@code compofa_conv1x1_stats_forward}: y and the batch statistics of its columns. */
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

    /** {@code compofa_conv1x1_fused_forward}. */
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

    /** {@code compofa_dwconv_fused_forward}. */
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

    /** {@code compofa_dwconv_stats_forward}: y and the batch statistics of its channels. */
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

    /** {@code compofa_se_forward}: squeeze-and-excitation in one op; saved may be NULL (inference). */
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

    /** {@code compofa_se_backward}: dx overwritten, the weight gradients accumulated. */
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
