package org.compofa.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.compofa.bindings.BufferTooSmallException;
import org.compofa.bindings.CompofaException;
import org.compofa.bindings.InvalidArgumentException;
import org.compofa.bindings.InvalidHandleException;
import org.compofa.bindings.WrongBackendException;
import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input to the network ops at the Java API: each case is a typed exception whose message says
 * what is allowed, thrown before the library is reached, and the context keeps working afterwards.
 * (The same mistakes straight at the C ABI are in the bindings module's RawNnAbiValidationTest.)
 */
class NnApiValidationTest {
    private ComputeContext ctx;
    private Tensor x;      // NHWC [2][3][3][5]: rows 18, c 5
    private Tensor y;
    private Tensor vec;    // VECTOR [7]
    private Tensor vec2;
    private Tensor logits; // MATRIX [4][10]

    @BeforeEach
    void open() {
        ctx = ComputeContext.open(Backend.CPU);
        x = Tensor.zeros(ctx, Layout.NHWC, 2, 3, 3, 5);
        y = Tensor.zeros(ctx, Layout.NHWC, 2, 3, 3, 5);
        vec = Tensor.zeros(ctx, Layout.VECTOR, 7);
        vec2 = Tensor.zeros(ctx, Layout.VECTOR, 7);
        logits = Tensor.zeros(ctx, Layout.MATRIX, 4, 10);
        x.fill(-2f);
    }

    @AfterEach
    void close() {
        // the context survived every bad call: a valid op still runs and is right
        x.fill(-2f);
        Activation.RELU.forward(ctx, x, y);
        assertEquals(0f, y.toArray()[7]);
        Activation.HSIGMOID.forward(ctx, x, y);
        assertEquals(1f / 6f, y.toArray()[7], 1e-7f);
        ctx.close();
        assertEquals(0, ctx.liveTensors());
    }

    private static <E extends CompofaException> void expect(Class<E> type, String fragment, Executable call) {
        E e = assertThrows(type, call);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' should contain '" + fragment + "'");
    }

    // ---- shapes and hyper-parameter records ---------------------------------------------------

    @ParameterizedTest(name = "ConvShape n={0} h={1} w={2} c={3} k={4} stride={5} pad={6} -> ''{7}''")
    @CsvSource(delimiter = ';', value = {
        "0;9;9;3;3;1;1;allowed >= 1 each",
        "1;9;0;3;3;1;1;allowed >= 1 each",
        "1;9;9;0;3;1;1;allowed >= 1 each",
        "1;9;9;3;0;1;0;kernel k=0: allowed 1 .. 11",
        "1;9;9;3;12;1;1;kernel k=12: allowed 1 .. 11",
        "1;9;9;3;3;0;1;stride=0: allowed 1 .. 4",
        "1;9;9;3;3;5;1;stride=5: allowed 1 .. 4",
        "1;9;9;3;3;1;3;pad=3: allowed 0 <= pad < k=3",
        "1;9;9;3;3;1;-1;pad=-1: allowed 0 <= pad < k=3",
        "1;2;9;3;5;1;1;allowed h + 2*pad >= k",
    })
    void convShape_outsideAllowed_invalidArgument(int n, int h, int w, int c, int k, int stride, int pad, String msg) {
        expect(InvalidArgumentException.class, msg, () -> new ConvShape(n, h, w, c, k, stride, pad));
    }

    @Test
    void convShape_sizes() {
        ConvShape s = new ConvShape(3, 13, 13, 3, 3, 2, 1);
        assertEquals(7, s.outH());
        assertArrayEquals(new int[] {3 * 7 * 7, 27}, s.colShape());
        assertArrayEquals(new int[] {3, 7, 7, 16}, s.outputShape(16));
        assertEquals("conv_nhwc_k3_s2_p1_c3_13x13_n3", s.id());
    }

    @ParameterizedTest(name = "BatchNorm.Params eps={0} -> invalid argument")
    @ValueSource(floats = {0f, -1e-5f, Float.NaN, Float.POSITIVE_INFINITY})
    void batchNormParams_epsNotPositive_invalidArgument(float eps) {
        expect(InvalidArgumentException.class, "allowed finite eps > 0", () -> new BatchNorm.Params(0.1f, eps));
    }

    @Test
    void hyperParameterRecords_outsideAllowed_invalidArgument() {
        expect(InvalidArgumentException.class, "momentum=1.5: allowed 0.0 <= momentum <= 1.0",
                () -> new BatchNorm.Params(1.5f, 1e-5f));
        expect(InvalidArgumentException.class, "lr=-0.1: allowed finite lr >= 0", () -> new Sgd.Params(-0.1f, 0.9f, 0f, true));
        expect(InvalidArgumentException.class, "allowed finite lr >= 0", () -> new Sgd.Params(Float.NaN, 0.9f, 0f, true));
        expect(InvalidArgumentException.class, "momentum=-0.5", () -> new Sgd.Params(0.1f, -0.5f, 0f, false));
        expect(InvalidArgumentException.class, "allowed finite weightDecay >= 0", () -> new Sgd.Params(0.1f, 0.9f, -1f, false));
        expect(InvalidArgumentException.class, "Nesterov momentum needs momentum > 0", () -> new Sgd.Params(0.1f, 0f, 0f, true));
    }

    // ---- ops ----------------------------------------------------------------------------------

    @Test
    void im2col_wrongTensors_typedErrors() {
        ConvShape s = new ConvShape(2, 3, 3, 5, 3, 1, 1);
        try (Tensor col = Tensor.zeros(ctx, Layout.MATRIX, s.colShape()); Tensor small = Tensor.zeros(ctx, Layout.MATRIX, 2, 45)) {
            Im2Col.im2col(ctx, s, x, col);
            expect(InvalidArgumentException.class, "x is null; this op needs NHWC[2, 3, 3, 5]", () -> Im2Col.im2col(ctx, s, null, col));
            expect(BufferTooSmallException.class, "this op needs 810", () -> Im2Col.im2col(ctx, s, x, small));
            expect(InvalidArgumentException.class, "has layout VECTOR", () -> Im2Col.col2imAdd(ctx, s, vec, x));
            expect(InvalidArgumentException.class, "shape is null", () -> Im2Col.im2col(ctx, null, x, col));
            expect(InvalidArgumentException.class, "context is null", () -> Im2Col.im2col(null, s, x, col));
        }
    }

    @Test
    void batchNorm_badArguments_typedErrors() {
        BatchNorm.Params p = BatchNorm.Params.PYTORCH;
        try (Tensor one = Tensor.zeros(ctx, Layout.MATRIX, 1, 5); Tensor oneY = Tensor.zeros(ctx, Layout.MATRIX, 1, 5);
             Tensor short4 = Tensor.zeros(ctx, Layout.VECTOR, 4); Tensor bm = Tensor.zeros(ctx, Layout.VECTOR, 5);
             Tensor bv = Tensor.zeros(ctx, Layout.VECTOR, 5); Tensor rv = Tensor.zeros(ctx, Layout.VECTOR, 7);
             Tensor reshaped = Tensor.zeros(ctx, Layout.NHWC, 2, 3, 5, 3)) {
            BatchNorm.forwardTrain(ctx, p, x, vec, vec2, null, null, y, bm, bv);
            expect(InvalidArgumentException.class, "training batch norm needs rows = n*h*w >= 2",
                    () -> BatchNorm.forwardTrain(ctx, p, one, vec, vec2, null, null, oneY, bm, bv));
            expect(BufferTooSmallException.class, "gamma VECTOR[4] on CPU#0 holds 4 floats; this op uses its first c=5",
                    () -> BatchNorm.forwardTrain(ctx, p, x, short4, vec2, null, null, y, bm, bv));
            expect(InvalidArgumentException.class, "runningMean and runningVar must both be given or both be null",
                    () -> BatchNorm.forwardTrain(ctx, p, x, vec, vec2, rv, null, y, bm, bv));
            expect(InvalidArgumentException.class, "y and x are the same tensor",
                    () -> BatchNorm.forwardTrain(ctx, p, x, vec, vec2, null, null, x, bm, bv));
            expect(InvalidArgumentException.class, "allowed NHWC [n][h][w][c] or MATRIX [rows][c]",
                    () -> BatchNorm.forwardTrain(ctx, p, vec, vec, vec2, null, null, y, bm, bv));
            expect(InvalidArgumentException.class, "it must have the shape of x NHWC[2, 3, 3, 5]",
                    () -> BatchNorm.forwardEval(ctx, p, x, vec, vec2, vec, rv, reshaped));
            expect(InvalidArgumentException.class, "params is null",
                    () -> BatchNorm.backward(ctx, null, x, y, vec, bm, bv, null, null, null));
            expect(InvalidArgumentException.class, "dgamma and gamma are the same tensor",
                    () -> BatchNorm.backward(ctx, p, x, y, vec, bm, bv, null, vec, null));
        }
    }

    @Test
    void elementwise_badArguments_typedErrors() {
        try (Tensor other = Tensor.zeros(ctx, Layout.NHWC, 2, 3, 3, 4); Tensor labels = Tensor.labels(ctx, new int[] {1, 2})) {
            expect(InvalidArgumentException.class, "has shape [2, 3, 3, 4]; it must have the shape of x",
                    () -> Activation.HSWISH.forward(ctx, x, other));
            expect(InvalidArgumentException.class, "holds int32 labels; this op needs floats",
                    () -> Activation.RELU.forward(ctx, labels, labels));
            expect(InvalidArgumentException.class, "dx and x are the same tensor", () -> Activation.RELU.backward(ctx, x, y, x));
            expect(InvalidArgumentException.class, "y and x are the same tensor", () -> Elementwise.axpby(ctx, 1f, x, 1f, x));
            expect(InvalidArgumentException.class, "alpha=NaN: must be finite", () -> Elementwise.axpby(ctx, Float.NaN, x, 1f, y));
        }
        Activation.RELU.forward(ctx, x, x);  // in place is allowed
        Dropout.forward(ctx, 0.5f, 1, y, y);
    }

    @ParameterizedTest(name = "dropout p={0} -> invalid argument")
    @ValueSource(floats = {1f, 1.5f, -0.1f, Float.NaN})
    void dropout_pOutsideAllowed_invalidArgument(float p) {
        expect(InvalidArgumentException.class, "allowed 0.0 <= p < 1.0", () -> Dropout.forward(ctx, p, 7, x, y));
        expect(InvalidArgumentException.class, "allowed 0.0 <= p < 1.0", () -> Dropout.backward(ctx, p, 7, x, y));
    }

    @Test
    void crossEntropy_badLabelsAndSizes_typedErrors() {
        try (Tensor loss = Tensor.zeros(ctx, Layout.VECTOR, 4); Tensor dl = Tensor.zeros(ctx, Layout.MATRIX, 4, 10);
             Tensor good = Tensor.labels(ctx, new int[] {0, 9, 3, 3});
             Tensor high = Tensor.labels(ctx, new int[] {0, 9, 10, 3});
             Tensor negative = Tensor.labels(ctx, new int[] {-1, 9, 1, 3});
             Tensor three = Tensor.labels(ctx, new int[] {0, 1, 2});
             Tensor floatLabels = Tensor.zeros(ctx, Layout.VECTOR, 4);
             Tensor oneClass = Tensor.zeros(ctx, Layout.MATRIX, 4, 1)) {
            CrossEntropy.softmax(ctx, logits, good, 0.1f, 0.25f, loss, dl);
            expect(InvalidArgumentException.class, "labels[2]=10: allowed 0 .. 9",
                    () -> CrossEntropy.softmax(ctx, logits, high, 0f, 1f, loss, dl));
            expect(InvalidArgumentException.class, "labels[0]=-1: allowed 0 .. 9",
                    () -> CrossEntropy.softmax(ctx, logits, negative, 0f, 1f, loss, null));
            expect(InvalidArgumentException.class, "has layout VECTOR; this op needs LABELS[4]",
                    () -> CrossEntropy.softmax(ctx, logits, floatLabels, 0f, 1f, loss, dl));
            expect(BufferTooSmallException.class, "labels LABELS[3] on CPU#0 holds 3 int32s; this op needs 4",
                    () -> CrossEntropy.softmax(ctx, logits, three, 0f, 1f, loss, dl));
            expect(InvalidArgumentException.class, "smoothing=1.0: allowed 0.0 <= smoothing < 1.0",
                    () -> CrossEntropy.softmax(ctx, logits, good, 1f, 1f, loss, dl));
            expect(InvalidArgumentException.class, "gradScale=Infinity: must be finite",
                    () -> CrossEntropy.softmax(ctx, logits, good, 0f, Float.POSITIVE_INFINITY, loss, dl));
            expect(InvalidArgumentException.class, "has 1 class(es); allowed classes >= 2",
                    () -> CrossEntropy.softmax(ctx, oneClass, good, 0f, 1f, loss, null));
            expect(InvalidArgumentException.class, "teacher has layout VECTOR",
                    () -> CrossEntropy.soft(ctx, logits, loss, 1f, loss, null));
            expect(InvalidArgumentException.class, "dstudent and student are the same tensor",
                    () -> CrossEntropy.soft(ctx, logits, dl, 1f, loss, logits));
        }
    }

    @Test
    void channelOpsResizeSgd_badArguments_typedErrors() {
        try (Tensor pooled = Tensor.zeros(ctx, Layout.MATRIX, 5, 2); Tensor grad = Tensor.zeros(ctx, Layout.VECTOR, 6);
             Tensor other = Tensor.zeros(ctx, Layout.NHWC, 2, 5, 5, 4)) {
            expect(InvalidArgumentException.class, "this op needs exactly MATRIX[2, 5]", () -> ChannelOps.globalAvgPool(ctx, x, pooled));
            expect(InvalidArgumentException.class, "this op needs NHWC [n][h][w][c]", () -> ChannelOps.globalAvgPool(ctx, logits, pooled));
            expect(InvalidArgumentException.class, "scale has shape [5, 2]", () -> ChannelOps.channelScale(ctx, x, pooled, y));
            expect(BufferTooSmallException.class, "this op uses its first c=10",
                    () -> ChannelOps.biasAdd(ctx, logits, vec));
            expect(InvalidArgumentException.class, "allowed the same n and c", () -> Resize.bilinear(ctx, x, other));
            expect(InvalidArgumentException.class, "every dimension must be >= 1", () -> Resize.bilinear(ctx, x, 0, 4));
            Sgd.Params p = new Sgd.Params(0.1f, 0.9f, 0f, true);
            expect(InvalidArgumentException.class, "allowed the same length", () -> Sgd.step(ctx, p, vec, grad, vec2));
            expect(InvalidArgumentException.class, "momentumBuf is null with momentum=0.9",
                    () -> Sgd.step(ctx, p, vec, vec2, null));
            expect(InvalidArgumentException.class, "momentumBuf and grad are the same tensor",
                    () -> Sgd.step(ctx, p, vec, vec2, vec2));
        }
    }

    @Test
    void foreignAndClosedTensors_typedErrors() {
        try (ComputeContext other = ComputeContext.open(Backend.REFERENCE);
             Tensor foreign = Tensor.zeros(other, Layout.NHWC, 2, 3, 3, 5)) {
            expect(WrongBackendException.class, "belongs to another context", () -> Activation.RELU.forward(ctx, foreign, y));
            expect(WrongBackendException.class, "belongs to another context", () -> ChannelOps.biasAdd(ctx, x, Tensor.zeros(other, Layout.VECTOR, 5)));
        }
        Tensor gone = Tensor.zeros(ctx, Layout.NHWC, 2, 3, 3, 5);
        gone.close();
        expect(InvalidHandleException.class, "is closed", () -> Dropout.forward(ctx, 0.1f, 1, gone, y));
    }

    @Test
    void labelsTensor_roundTripAndFloatAccessorsRefused() {
        try (Tensor labels = Tensor.labels(ctx, new int[] {4, 0, 999, 7})) {
            assertEquals(Layout.LABELS, labels.layout());
            assertTrue(Layout.LABELS.isInt32());
            assertArrayEquals(new int[] {4, 0, 999, 7}, labels.toIntArray());
            labels.copyFrom(new int[] {1, 2, 3, 4});
            assertArrayEquals(new int[] {1, 2, 3, 4}, labels.toIntArray());
            expect(InvalidArgumentException.class, "holds int32 labels; use toIntArray()", labels::toArray);
            expect(InvalidArgumentException.class, "holds int32 labels; use copyFrom(int[])", () -> labels.fill(1f));
            expect(InvalidArgumentException.class, "use copyFrom(int[])", () -> labels.copyFrom(new float[4]));
            expect(InvalidArgumentException.class, "needs exactly 4", () -> labels.copyFrom(new int[3]));
            expect(InvalidArgumentException.class, "allowed only for LABELS (int32) tensors", () -> x.toIntArray());
            expect(InvalidArgumentException.class, "allowed only for LABELS (int32) tensors", () -> x.copyFrom(new int[90]));
        }
        expect(InvalidArgumentException.class, "every dimension must be >= 1", () -> Tensor.labels(ctx, new int[0]));
        expect(InvalidArgumentException.class, "labels must not be null", () -> Tensor.labels(ctx, null));
    }
}
