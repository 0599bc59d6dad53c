package org.compofa.bindings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input to the network ops straight at the C ABI (no Java checks in front): every call returns
 * its typed exception with a message that says what is allowed, and the JVM carries on. Runs on a CPU
 * context (the checks live in the ABI layer shared by all backends; the label values are checked on
 * the host backends only). Also checks that the downcall tables cover every function of compofa.h.
 */
class RawNnAbiValidationTest {
    private static final MemorySegment NULL = MemorySegment.NULL;
    private static final long N = 256;  // floats in each buffer

    private Arena arena;
    private ContextHandle ctx;
    private BufferHandle a;
    private BufferHandle b;
    private BufferHandle c;
    private BufferHandle d;

    @BeforeEach
    void open() {
        arena = Arena.ofConfined();
        ctx = ContextHandle.create(CompofaNative.BACKEND_CPU, 0);
        a = BufferHandle.allocate(ctx, 4 * N);
        b = BufferHandle.allocate(ctx, 4 * N);
        c = BufferHandle.allocate(ctx, 4 * N);
        d = BufferHandle.allocate(ctx, 4 * N);
    }

    @AfterEach
    void close() {
        // the JVM and the context survived: a valid call still runs and is right
        RawOps.fill(ctx, null, a.dataAddress(), N, -4f);
        RawNnOps.activationForward(ctx, null, CompofaNnNative.ACT_HSWISH, a.dataAddress(), b.dataAddress(), N);
        float[] out = new float[1];
        b.copyTo(N - 1, out, 0, 1);
        assertEquals(-0f, out[0], 0f, "h_swish(-4) = 0");
        a.close();
        b.close();
        c.close();
        d.close();
        ctx.close();
        arena.close();
    }

    private static <E extends CompofaException> void expect(Class<E> type, String fragment, Executable call) {
        E e = assertThrows(type, call);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' should contain '" + fragment + "'");
        assertEquals(type, e.getClass());
    }

    private static MemorySegment p(BufferHandle h) {
        return MemorySegment.ofAddress(h.dataAddress());
    }

    private MemorySegment seg() {
        return ctx.segment();
    }

    private MemorySegment labels(int... values) {
        MemorySegment s = arena.allocate(4L * Math.max(1, values.length), 4);
        for (int i = 0; i < values.length; i++) {
            s.setAtIndex(ValueLayout.JAVA_INT, i, values[i]);
        }
        return s;
    }

    @Test
    void rawConv_badShapesAndBuffers_typedErrors() {
        assertArrayEquals(new int[] {7, 7}, RawNnOps.convOutputSize(new RawConvShape(3, 13, 13, 3, 3, 2, 1)));
        expect(InvalidArgumentException.class, "shape is NULL", () -> CompofaNnNative.convOutputSize(NULL));
        expect(InvalidArgumentException.class, "sizes must be >= 1",
                () -> RawNnOps.convOutputSize(new RawConvShape(0, 5, 5, 3, 3, 1, 1)));
        expect(InvalidArgumentException.class, "allowed 1 .. 11",
                () -> RawNnOps.convOutputSize(new RawConvShape(1, 5, 5, 3, 12, 1, 1)));
        expect(InvalidArgumentException.class, "stride=5: allowed 1 .. 4",
                () -> RawNnOps.convOutputSize(new RawConvShape(1, 5, 5, 3, 3, 5, 1)));
        expect(InvalidArgumentException.class, "pad=3: allowed 0 <= pad < k=3",
                () -> RawNnOps.convOutputSize(new RawConvShape(1, 5, 5, 3, 3, 1, 3)));
        expect(InvalidArgumentException.class, "smaller than the kernel",
                () -> RawNnOps.convOutputSize(new RawConvShape(1, 2, 5, 3, 7, 1, 1)));
        RawConvShape s = new RawConvShape(1, 4, 4, 2, 3, 1, 1);  // x 32 floats, col 16 x 18 = 288
        expect(BufferTooSmallException.class, "col holds 256 floats; this op needs 288",
                () -> RawNnOps.im2col(ctx, null, s, a.dataAddress(), N, b.dataAddress(), N));
        expect(BufferTooSmallException.class, "x holds 31 floats; this op needs 32",
                () -> RawNnOps.im2col(ctx, null, s, a.dataAddress(), 31, b.dataAddress(), N));
        expect(InvalidArgumentException.class, "dcol is NULL",
                () -> RawNnOps.col2imAdd(ctx, null, s, 0, 0, b.dataAddress(), N));
        RawConvShape ok = new RawConvShape(1, 4, 4, 2, 1, 1, 0);
        RawNnOps.im2col(ctx, null, ok, a.dataAddress(), N, b.dataAddress(), N);
        RawNnOps.col2imAdd(ctx, null, ok, b.dataAddress(), N, a.dataAddress(), N);
    }

    @ParameterizedTest(name = "raw batchnorm eps={0} -> invalid argument")
    @ValueSource(floats = {0f, -1f, Float.NaN, Float.POSITIVE_INFINITY})
    void rawBatchnorm_epsNotPositive_invalidArgument(float eps) {
        expect(InvalidArgumentException.class, "allowed finite eps > 0", () -> CompofaNnNative.batchnormForwardTrain(seg(),
                NULL, 8, 4, p(a), N, p(b), p(b), NULL, NULL, N, 0.1f, eps, p(c), N, p(d), p(d), 16));
        expect(InvalidArgumentException.class, "allowed finite eps > 0", () -> CompofaNnNative.batchnormForwardEval(seg(),
                NULL, 8, 4, p(a), N, p(b), p(b), p(b), p(b), N, eps, p(c), N));
        expect(InvalidArgumentException.class, "allowed finite eps > 0", () -> CompofaNnNative.batchnormBackward(seg(),
                NULL, 8, 4, p(a), N, p(b), N, p(b), N, p(d), p(d), N, eps, p(c), N, NULL, NULL));
    }

    @Test
    void rawBatchnorm_badSizesMomentumAndBuffers_typedErrors() {
        expect(InvalidArgumentException.class, "needs rows >= 2", () -> RawNnOps.batchnormForwardTrain(ctx, null, 1, 4,
                a.dataAddress(), N, b.dataAddress(), b.dataAddress(), 0, 0, N, 0.1f, 1e-5f, c.dataAddress(), N,
                d.dataAddress(), d.dataAddress() + 64, 16));
        expect(InvalidArgumentException.class, "c=0: allowed >= 1", () -> RawNnOps.batchnormForwardEval(ctx, null, 8, 0,
                a.dataAddress(), N, b.dataAddress(), b.dataAddress(), b.dataAddress(), b.dataAddress(), N, 1e-5f,
                c.dataAddress(), N));
        expect(InvalidArgumentException.class, "momentum=1.5: allowed 0 <= momentum <= 1",
                () -> RawNnOps.batchnormForwardTrain(ctx, null, 8, 4, a.dataAddress(), N, b.dataAddress(),
                        b.dataAddress(), 0, 0, N, 1.5f, 1e-5f, c.dataAddress(), N, d.dataAddress(),
                        d.dataAddress() + 64, 16));
        expect(InvalidArgumentException.class, "must both be given or both be NULL",
                () -> RawNnOps.batchnormForwardTrain(ctx, null, 8, 4, a.dataAddress(), N, b.dataAddress(),
                        b.dataAddress(), d.dataAddress(), 0, N, 0.1f, 1e-5f, c.dataAddress(), N, d.dataAddress(),
                        d.dataAddress() + 64, 16));
        expect(BufferTooSmallException.class, "gamma holds 3 floats; this op needs 4",
                () -> RawNnOps.batchnormForwardTrain(ctx, null, 8, 4, a.dataAddress(), N, b.dataAddress(),
                        b.dataAddress(), 0, 0, 3, 0.1f, 1e-5f, c.dataAddress(), N, d.dataAddress(),
                        d.dataAddress() + 64, 16));
        expect(BufferTooSmallException.class, "y holds 31 floats; this op needs 32",
                () -> RawNnOps.batchnormForwardTrain(ctx, null, 8, 4, a.dataAddress(), N, b.dataAddress(),
                        b.dataAddress(), 0, 0, N, 0.1f, 1e-5f, c.dataAddress(), 31, d.dataAddress(),
                        d.dataAddress() + 64, 16));
        expect(InvalidArgumentException.class, "batch_var is NULL",
                () -> RawNnOps.batchnormBackward(ctx, null, 8, 4, a.dataAddress(), N, b.dataAddress(), N,
                        b.dataAddress(), N, d.dataAddress(), 0, N, 1e-5f, c.dataAddress(), N, 0, 0));
        // every output NULL: nothing to do, not an error
        RawNnOps.batchnormBackward(ctx, null, 8, 4, a.dataAddress(), N, b.dataAddress(), N, b.dataAddress(), N,
                d.dataAddress(), d.dataAddress(), N, 1e-5f, 0, 0, 0, 0);
    }

    @Test
    void rawBatchnormActivation_badKindAndMissingBeta_typedErrors() {
        expect(InvalidArgumentException.class, "activation kind 9: allowed 0 (identity)",
                () -> RawNnOps.batchnormActForwardTrain(ctx, null, 8, 4, 9, false, a.dataAddress(), N, b.dataAddress(),
                        b.dataAddress(), 0, 0, N, 0.1f, 1e-5f, c.dataAddress(), N, d.dataAddress(),
                        d.dataAddress() + 64, 16));
        expect(InvalidArgumentException.class, "activation kind -1: allowed 0 (identity)",
                () -> RawNnOps.batchnormActBackward(ctx, null, 8, 4, -1, a.dataAddress(), N, b.dataAddress(), N,
                        b.dataAddress(), b.dataAddress(), N, d.dataAddress(), d.dataAddress(), N, 1e-5f,
                        c.dataAddress(), N, 0, 0));
        // h_swish's derivative is taken at bn(x): without beta the backward cannot run
        expect(InvalidArgumentException.class, "beta is NULL",
                () -> RawNnOps.batchnormActBackward(ctx, null, 8, 4, CompofaNnNative.ACT_HSWISH, a.dataAddress(), N,
                        b.dataAddress(), N, b.dataAddress(), 0, N, d.dataAddress(), d.dataAddress(), N, 1e-5f,
                        c.dataAddress(), N, 0, 0));
        expect(BufferTooSmallException.class, "gamma holds 3 floats; this op needs 4",
                () -> CompofaNnNative.batchnormActBackward(seg(), NULL, 8, 4, CompofaNnNative.ACT_RELU, p(a), N, p(b), N,
                        p(b), p(b), 3, p(d), p(d), N, 1e-5f, p(c), N, NULL, NULL));
    }

    @Test
    void rawConv1x1Statistics_badRowsAndSharedOutputs_typedErrors() {
        expect(InvalidArgumentException.class, "rows=1: allowed 2 .. 2^31-1 (batch statistics need two rows)",
                () -> RawFusedOps.conv1x1StatsForward(ctx, null, 1, 4, 3, a.dataAddress(), N, b.dataAddress(), N, 4,
                        c.dataAddress(), N, d.dataAddress(), d.dataAddress() + 64, 16));
        expect(InvalidArgumentException.class, "batch_mean and batch_var are the same buffer",
                () -> RawFusedOps.conv1x1StatsForward(ctx, null, 8, 4, 3, a.dataAddress(), N, b.dataAddress(), N, 4,
                        c.dataAddress(), N, d.dataAddress(), d.dataAddress(), 16));
        expect(InvalidArgumentException.class, "stats_given=2: allowed 0",
                () -> CompofaNnNative.batchnormActForwardTrain(seg(), NULL, 8, 4, CompofaNnNative.ACT_RELU, 2, p(a), N,
                        p(b), p(b), NULL, NULL, N, 0.1f, 1e-5f, p(c), N, p(d), p(d), N));
        // a valid call runs: y and the statistics of 8 rows
        RawFusedOps.conv1x1StatsForward(ctx, null, 8, 4, 3, a.dataAddress(), N, b.dataAddress(), N, 4,
                c.dataAddress(), N, d.dataAddress(), d.dataAddress() + 64, 16);
    }

    @Test
    void rawSqueezeExcite_badSizesStridesAndBuffers_typedErrors() {
        long pa = a.dataAddress();
        long pb = b.dataAddress();
        long pc = c.dataAddress();
        long pd = d.dataAddress();
        // x (2, 9, 8): W1 = w1[:2, :8] (ld1 8), W2 = w2[:8, :2] (ld2 2); saved 2*(16+2) = 36 floats
        expect(InvalidArgumentException.class, "n=2 hw=9 c=8 se=0: allowed >= 1 each",
                () -> RawFusedOps.seForward(ctx, null, 2, 9, 8, 0, pa, N, pb, N, 8, pb, N, pb, N, 2, pb, N, pc, N, 0, 0));
        expect(InvalidArgumentException.class, "ld1=7: allowed >= c=8",
                () -> RawFusedOps.seForward(ctx, null, 2, 9, 8, 2, pa, N, pb, N, 7, pb, N, pb, N, 2, pb, N, pc, N, 0, 0));
        expect(BufferTooSmallException.class, "w2 holds 15 floats; this op needs 16",
                () -> RawFusedOps.seForward(ctx, null, 2, 9, 8, 2, pa, N, pb, N, 8, pb, N, pb, 15, 2, pb, N, pc, N, 0, 0));
        expect(BufferTooSmallException.class, "saved holds 35 floats; this op needs 36",
                () -> RawFusedOps.seForward(ctx, null, 2, 9, 8, 2, pa, N, pb, N, 8, pb, N, pb, N, 2, pb, N, pc, N, pd, 35));
        expect(InvalidArgumentException.class, "y overlaps x",
                () -> RawFusedOps.seForward(ctx, null, 2, 9, 8, 2, pa, N, pb, N, 8, pb, N, pb, N, 2, pb, N, pa + 4, N - 1,
                        0, 0));
        expect(InvalidArgumentException.class, "dx overlaps dy",
                () -> RawFusedOps.seBackward(ctx, null, 2, 9, 8, 2, pa, N, pb, N, 8, pb, N, 2, pd, N, pc, N, pc, N, pb,
                        pb, N, pb, pb, N));
        expect(InvalidArgumentException.class, "saved is NULL",
                () -> RawFusedOps.seBackward(ctx, null, 2, 9, 8, 2, pa, N, pb, N, 8, pb, N, 2, 0, N, pc, N, pd, N, pb,
                        pb, N, pb, pb, N));
        // a valid forward: zero weights and biases give gate h_sigmoid(0) = 1/2, so y = x / 2
        RawOps.fill(ctx, null, pa, N, 3f);
        RawOps.fill(ctx, null, pb, N, 0f);
        RawFusedOps.seForward(ctx, null, 2, 9, 8, 2, pa, N, pb, N, 8, pb, N, pb, N, 2, pb, N, pc, N, pd, N);
        float[] y = new float[144];
        c.copyTo(0, y, 0, 144);
        for (float v : y) {
            assertEquals(1.5f, v, 0f);
        }
    }

    @Test
    void rawDepthwiseStatistics_onePositionSharedOrShortOutputs_typedErrors() {
        RawDwconvShape one = new RawDwconvShape(1, 1, 1, 8, 8, 3, 3, 1, CompofaNative.TRANSFORM_NONE);
        RawDwconvShape shape = new RawDwconvShape(1, 5, 5, 8, 8, 3, 3, 1, CompofaNative.TRANSFORM_NONE);
        long pa = a.dataAddress();
        long pb = b.dataAddress();
        long pc = c.dataAddress();
        long pd = d.dataAddress();
        expect(InvalidArgumentException.class, "the output has 1 position (n*ho*wo); batch statistics need at least 2",
                () -> RawFusedOps.dwconvStatsForward(ctx, null, one, pa, N, pb, N, 0, 0, 0, 0, pc, N, pd, pd + 64, 16));
        expect(InvalidArgumentException.class, "batch_mean and batch_var are the same buffer",
                () -> RawFusedOps.dwconvStatsForward(ctx, null, shape, pa, N, pb, N, 0, 0, 0, 0, pc, N, pd, pd, 16));
        expect(BufferTooSmallException.class, "batch_mean holds 7 floats; this op needs 8",
                () -> RawFusedOps.dwconvStatsForward(ctx, null, shape, pa, N, pb, N, 0, 0, 0, 0, pc, N, pd, pd + 64, 7));
        expect(InvalidArgumentException.class, "batch_mean is NULL",
                () -> RawFusedOps.dwconvStatsForward(ctx, null, shape, pa, N, pb, N, 0, 0, 0, 0, pc, N, 0, pd, 16));
        expect(InvalidArgumentException.class, "overlaps",
                () -> RawFusedOps.dwconvStatsForward(ctx, null, shape, pa, N, pb, N, 0, 0, 0, 0, pa, N, pd, pd + 64, 16));
        // a valid call: x and w all ones, so every output is its in-bounds tap count (4, 6 or 9)
        RawOps.fill(ctx, null, pa, N, 1f);
        RawOps.fill(ctx, null, pb, N, 1f);
        RawFusedOps.dwconvStatsForward(ctx, null, shape, pa, N, pb, N, 0, 0, 0, 0, pc, N, pd, pd + 64, 16);
        float[] stats = new float[24];
        d.copyTo(0, stats, 0, 24);
        double mean = (4 * 4 + 12 * 6 + 9 * 9) / 25.0;  // 4 corners, 12 edge pixels, 9 interior ones
        double var = (4 * 16 + 12 * 36 + 9 * 81) / 25.0 - mean * mean;
        for (int j = 0; j < 8; j++) {
            assertEquals(mean, stats[j], 1e-5, "batch_mean[" + j + "]");
            assertEquals(var, stats[16 + j], 1e-4, "batch_var[" + j + "]");
        }
    }

    @Test
    void rawElementwise_badKindLenAndPointers_typedErrors() {
        expect(InvalidArgumentException.class, "activation kind 4: allowed 0 (identity), 1 (relu), 2 (h_swish), 3 (h_sigmoid)",
                () -> RawNnOps.activationForward(ctx, null, 4, a.dataAddress(), b.dataAddress(), N));
        expect(InvalidArgumentException.class, "len=0: allowed 1 .. 2^40",
                () -> RawNnOps.activationBackward(ctx, null, 1, a.dataAddress(), b.dataAddress(), c.dataAddress(), 0));
        expect(InvalidArgumentException.class, "x is NULL", () -> RawNnOps.axpby(ctx, null, N, 1f, 0, 1f, b.dataAddress()));
        expect(InvalidArgumentException.class, "len=0", () -> RawNnOps.axpby(ctx, null, 0, 1f, a.dataAddress(), 1f,
                b.dataAddress()));
    }

    @ParameterizedTest(name = "raw dropout p={0} -> invalid argument")
    @ValueSource(floats = {1f, 2f, -0.25f, Float.NaN})
    void rawDropout_pOutsideAllowed_invalidArgument(float p) {
        expect(InvalidArgumentException.class, "allowed 0 <= p < 1",
                () -> RawNnOps.dropoutForward(ctx, null, N, p, 1, a.dataAddress(), b.dataAddress()));
        expect(InvalidArgumentException.class, "allowed 0 <= p < 1",
                () -> RawNnOps.dropoutBackward(ctx, null, N, p, 1, a.dataAddress(), b.dataAddress()));
    }

    @Test
    void rawDropoutKeep_pureFunction() {
        assertTrue(RawNnOps.dropoutKeep(1, 2, 0f), "p 0 keeps");
        assertFalse(RawNnOps.dropoutKeep(1, 2, 1f), "p 1 drops (the ops refuse p 1; the function answers)");
        assertEquals(RawNnOps.dropoutKeep(99, 12345, 0.5f), RawNnOps.dropoutKeep(99, 12345, 0.5f));
    }

    @Test
    void rawSoftmaxCrossEntropy_badLabelsAndSizes_typedErrors() {
        // n 3, classes 10: logits a, loss b, dlogits c
        MemorySegment good = labels(0, 9, 4);
        CompofaNnNative.softmaxCrossEntropy(seg(), NULL, 3, 10, p(a), N, good, 3, 0.1f, 1f, p(b), N, p(c), N);
        expect(InvalidArgumentException.class, "labels[1]=10: allowed 0 .. 9 (classes - 1)", () ->
                CompofaNnNative.softmaxCrossEntropy(seg(), NULL, 3, 10, p(a), N, labels(0, 10, 4), 3, 0f, 1f, p(b), N,
                        p(c), N));
        expect(InvalidArgumentException.class, "labels[2]=-3: allowed 0 .. 9", () ->
                CompofaNnNative.softmaxCrossEntropy(seg(), NULL, 3, 10, p(a), N, labels(0, 1, -3), 3, 0f, 1f, p(b), N,
                        NULL, 0));
        expect(InvalidArgumentException.class, "labels is NULL", () ->
                CompofaNnNative.softmaxCrossEntropy(seg(), NULL, 3, 10, p(a), N, NULL, 3, 0f, 1f, p(b), N, NULL, 0));
        expect(BufferTooSmallException.class, "labels holds 2 int32s; this op needs n=3", () ->
                CompofaNnNative.softmaxCrossEntropy(seg(), NULL, 3, 10, p(a), N, good, 2, 0f, 1f, p(b), N, NULL, 0));
        expect(InvalidArgumentException.class, "classes=1: allowed >= 2", () ->
                CompofaNnNative.softmaxCrossEntropy(seg(), NULL, 3, 1, p(a), N, labels(0, 0, 0), 3, 0f, 1f, p(b), N,
                        NULL, 0));
        expect(InvalidArgumentException.class, "n=0: allowed >= 1", () ->
                CompofaNnNative.softmaxCrossEntropy(seg(), NULL, 0, 10, p(a), N, good, 3, 0f, 1f, p(b), N, NULL, 0));
        expect(InvalidArgumentException.class, "smoothing=1: allowed 0 <= smoothing < 1", () ->
                CompofaNnNative.softmaxCrossEntropy(seg(), NULL, 3, 10, p(a), N, good, 3, 1f, 1f, p(b), N, NULL, 0));
        expect(InvalidArgumentException.class, "grad_scale=nan: must be finite", () ->
                CompofaNnNative.softmaxCrossEntropy(seg(), NULL, 3, 10, p(a), N, good, 3, 0f, Float.NaN, p(b), N,
                        NULL, 0));
        expect(BufferTooSmallException.class, "logits holds 29 floats; this op needs 30", () ->
                CompofaNnNative.softmaxCrossEntropy(seg(), NULL, 3, 10, p(a), 29, good, 3, 0f, 1f, p(b), N, NULL, 0));
        expect(BufferTooSmallException.class, "loss holds 2 floats; this op needs 3", () ->
                CompofaNnNative.softCrossEntropy(seg(), NULL, 3, 10, p(a), p(d), N, 1f, p(b), 2, NULL, 0));
        expect(InvalidArgumentException.class, "teacher is NULL", () ->
                CompofaNnNative.softCrossEntropy(seg(), NULL, 3, 10, p(a), NULL, N, 1f, p(b), N, NULL, 0));
    }

    @Test
    void rawChannelOpsResizeSgd_badSizesAndBuffers_typedErrors() {
        expect(BufferTooSmallException.class, "bias holds 3 floats; this op needs 4",
                () -> RawNnOps.biasAdd(ctx, null, 8, 4, a.dataAddress(), N, b.dataAddress(), 3));
        expect(InvalidArgumentException.class, "rows=0: allowed >= 1",
                () -> RawNnOps.biasBackward(ctx, null, 0, 4, a.dataAddress(), N, b.dataAddress(), N));
        expect(InvalidArgumentException.class, "hw=0: allowed >= 1",
                () -> RawNnOps.globalAvgPoolForward(ctx, null, 2, 0, 4, a.dataAddress(), N, b.dataAddress(), N));
        expect(BufferTooSmallException.class, "dx holds 10 floats; this op needs 32",
                () -> RawNnOps.globalAvgPoolBackward(ctx, null, 2, 4, 4, a.dataAddress(), N, b.dataAddress(), 10));
        expect(BufferTooSmallException.class, "ds holds 7 floats; this op needs 8",
                () -> RawNnOps.channelScaleBackward(ctx, null, 2, 4, 4, a.dataAddress(), N, b.dataAddress(), N,
                        c.dataAddress(), N, 0, 0, d.dataAddress(), 7));
        expect(InvalidArgumentException.class, "s is NULL",
                () -> RawNnOps.channelScaleForward(ctx, null, 2, 4, 4, a.dataAddress(), N, 0, 0, c.dataAddress(), N));
        expect(InvalidArgumentException.class, "sizes must be >= 1",
                () -> RawNnOps.resizeBilinear(ctx, null, 1, 4, 4, 2, 0, 4, a.dataAddress(), N, b.dataAddress(), N));
        expect(BufferTooSmallException.class, "y holds 100 floats; this op needs 162",
                () -> RawNnOps.resizeBilinear(ctx, null, 1, 4, 4, 2, 9, 9, a.dataAddress(), N, b.dataAddress(), 100));
        expect(InvalidArgumentException.class, "lr=-1: allowed finite lr >= 0", () -> RawNnOps.sgdStep(ctx, null, N,
                a.dataAddress(), b.dataAddress(), c.dataAddress(), -1f, 0.9f, 0f, true));
        expect(InvalidArgumentException.class, "momentum_buf is NULL with momentum=0.9", () -> RawNnOps.sgdStep(ctx,
                null, N, a.dataAddress(), b.dataAddress(), 0, 0.1f, 0.9f, 0f, false));
        expect(InvalidArgumentException.class, "nesterov=2: allowed 0 or 1", () -> CompofaNnNative.sgdStep(seg(), NULL,
                N, p(a), p(b), p(c), 0.1f, 0.9f, 0f, 2));
        expect(InvalidArgumentException.class, "weight_decay=-0.1", () -> RawNnOps.sgdStep(ctx, null, N,
                a.dataAddress(), b.dataAddress(), c.dataAddress(), 0.1f, 0.9f, -0.1f, false));
        RawNnOps.sgdStep(ctx, null, N, a.dataAddress(), b.dataAddress(), 0, 0.1f, 0f, 0f, false);
    }

    @Test
    void rawHandles_nullAndClosed_invalidHandle() {
        expect(InvalidHandleException.class, "context is NULL",
                () -> CompofaNnNative.activationForward(NULL, NULL, 1, p(a), p(b), N));
        StreamHandle s = StreamHandle.create(ctx);
        s.close();
        expect(InvalidHandleException.class, "stream is closed",
                () -> RawNnOps.dropoutForward(ctx, s, N, 0.1f, 1, a.dataAddress(), b.dataAddress()));
    }

    /** Function names declared in compofa.h (return type, name, open parenthesis). */
    private static List<String> headerFunctions(Path header) throws IOException {
        Matcher m = Pattern.compile("^\\s*(?:int32_t|void|const char\\*)\\s+(compofa_\\w+)\\s*\\(", Pattern.MULTILINE)
                .matcher(Files.readString(header));
        List<String> names = new ArrayList<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    @Test
    void fusedOps_refuseBadEpiloguesAndShapes() {
        long pa = a.dataAddress(), pb = b.dataAddress(), pc = c.dataAddress();
        RawEpilogue none = RawEpilogue.activation(CompofaNnNative.ACT_IDENTITY);
        // x (8 x 8) in a, w (8 x 8) in b, y (8 x 8) in c; BN vectors in d
        long pd = d.dataAddress();
        expect(InvalidArgumentException.class, "activation 9",
                () -> RawFusedOps.conv1x1FusedForward(ctx, null, 8, 8, 8, pa, N, pb, N, 8, RawEpilogue.activation(9),
                        pc, N));
        expect(InvalidArgumentException.class, "eps",
                () -> RawFusedOps.conv1x1FusedForward(ctx, null, 8, 8, 8, pa, N, pb, N, 8,
                        new RawEpilogue(0, 0, pd, pd, pd, pd, N, 0f, 0), pc, N));
        expect(BufferTooSmallException.class, "epilogue gamma",
                () -> RawFusedOps.conv1x1FusedForward(ctx, null, 8, 8, 8, pa, N, pb, N, 8,
                        new RawEpilogue(0, 0, pd, pd, pd, pd, 4, 1e-5f, 0), pc, N));
        expect(InvalidArgumentException.class, "epilogue beta",
                () -> RawFusedOps.conv1x1FusedForward(ctx, null, 8, 8, 8, pa, N, pb, N, 8,
                        new RawEpilogue(0, 0, pd, 0, pd, pd, N, 1e-5f, 0), pc, N));
        expect(BufferTooSmallException.class, "epilogue bias",
                () -> RawFusedOps.conv1x1FusedForward(ctx, null, 8, 8, 8, pa, N, pb, N, 8,
                        new RawEpilogue(pd, 3, 0, 0, 0, 0, 0, 0f, 0), pc, N));
        expect(InvalidArgumentException.class, "ldw",
                () -> RawFusedOps.conv1x1FusedForward(ctx, null, 8, 8, 8, pa, N, pb, N, 7, none, pc, N));
        expect(InvalidArgumentException.class, "rows=0",
                () -> RawFusedOps.conv1x1FusedForward(ctx, null, 0, 8, 8, pa, N, pb, N, 8, none, pc, N));
        expect(InvalidArgumentException.class, "overlaps",
                () -> RawFusedOps.conv1x1FusedForward(ctx, null, 8, 8, 8, pa, N, pb, N, 8, none, pa + 16, N - 4));
        expect(BufferTooSmallException.class, "y holds 32",
                () -> RawFusedOps.conv1x1FusedForward(ctx, null, 8, 8, 8, pa, N, pb, N, 8, none, pc, 32));
        expect(InvalidArgumentException.class, "epilogue is NULL",
                () -> CompofaFusedNative.conv1x1FusedForward(ctx.segment(), NULL, 8, 8, 8, p(a), N, p(b), N, 8, NULL,
                        p(c), N));
        RawDwconvShape shape = new RawDwconvShape(1, 5, 5, 8, 8, 3, 3, 1, CompofaNative.TRANSFORM_NONE);
        expect(InvalidArgumentException.class, "overlaps",
                () -> RawFusedOps.dwconvFusedForward(ctx, null, shape, pa, N, pb, N, 0, 0, 0, 0, none, pa, N));
        expect(InvalidArgumentException.class, "activation -1",
                () -> RawFusedOps.dwconvFusedForward(ctx, null, shape, pa, N, pb, N, 0, 0, 0, 0,
                        RawEpilogue.activation(-1), pc, N));
        // a valid fused call after all of that: relu(x . w) of ones = 8
        RawOps.fill(ctx, null, pa, N, 1f);
        RawOps.fill(ctx, null, pb, N, 1f);
        RawFusedOps.conv1x1FusedForward(ctx, null, 8, 8, 8, pa, N, pb, N, 8,
                RawEpilogue.activation(CompofaNnNative.ACT_RELU), pc, N);
        float[] out = new float[64];
        c.copyTo(0, out, 0, 64);
        for (float v : out) {
            assertEquals(8f, v, 0f);
        }
    }

    @Test
    void downcallTables_coverEveryHeaderFunctionOnce() throws IOException {
        Path header = Path.of("..", "native", "include", "compofa.h");
        assumeTrue(Files.isRegularFile(header), "compofa.h not found from " + Path.of("").toAbsolutePath());
        List<String> tables = NativeLibrary.allSymbols();
        assertEquals(new TreeSet<>(tables).size(), tables.size(), "a symbol is listed twice");
        assertEquals(new TreeSet<>(headerFunctions(header)), new TreeSet<>(tables),
                "the SYMBOLS of the downcall tables (Compofa*Native) must be exactly the functions of compofa.h");
    }
}
