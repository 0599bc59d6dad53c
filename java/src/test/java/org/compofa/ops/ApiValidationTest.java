package org.compofa.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad input at the Java API: each case is a typed exception whose message says what is allowed, and
 * the context keeps working afterwards. (The same mistakes straight at the C ABI are covered by the
 * bindings module's RawAbiValidationTest.)
 */
class ApiValidationTest {
    private static final DepthwiseShape OK = new DepthwiseShape(2, 9, 9, 16, 24, 3, 7, 1, KernelTransform.OFA);

    private ComputeContext ctx;
    private Tensor x;
    private Tensor w;
    private Tensor t75;
    private Tensor t53;
    private Tensor y;

    @BeforeEach
    void open() {
        ctx = ComputeContext.open(Backend.CPU);
        x = Tensor.zeros(ctx, Layout.NHWC, OK.inputShape());
        w = Tensor.zeros(ctx, Layout.DW_WEIGHT, OK.weightShape());
        t75 = ElasticDepthwiseConv.identityTransform(ctx, 25);
        t53 = ElasticDepthwiseConv.identityTransform(ctx, 9);
        y = Tensor.zeros(ctx, Layout.NHWC, OK.outputShape());
        x.fill(1f);
        w.fill(1f);
    }

    @AfterEach
    void close() {
        // the JVM and the context survived every bad call: a valid op still runs and is right
        ElasticDepthwiseConv.forward(ctx, OK, x, w, t75, t53, y);
        assertEquals(9f, y.toArray()[(9 + 1) * 16], "interior of a 3x3 all-ones kernel over ones");
        ctx.close();
        assertEquals(0, ctx.liveTensors());
    }

    private static <E extends CompofaException> void expect(Class<E> type, String fragment, Executable call) {
        E e = assertThrows(type, call);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' should contain '" + fragment + "'");
    }

    @ParameterizedTest(name = "DepthwiseShape n={0} h={1} w={2} c={3} cMax={4} k={5} kMax={6} stride={7} -> ''{8}''")
    @CsvSource(delimiter = ';', value = {
        "0;9;9;16;16;3;7;1;allowed >= 1",
        "1;-3;9;16;16;3;7;1;allowed >= 1",
        "1;9;0;16;16;3;7;1;allowed >= 1",
        "1;9;9;0;16;3;7;1;allowed 1 <= c <= cMax",
        "1;9;9;17;16;3;7;1;allowed 1 <= c <= cMax",
        "1;9;9;16;16;4;5;1;kernel 4: allowed 3, 5, 7 and <= kMax 5",
        "1;9;9;16;16;7;5;1;kernel 7: allowed 3, 5, 7 and <= kMax 5",
        "1;9;9;16;16;3;4;1;stored kernel kMax=4: allowed 3, 5, 7",
        "1;9;9;16;16;3;7;3;stride 3: allowed 1 or 2",
        "1;9;9;16;16;3;7;0;stride 0: allowed 1 or 2",
    })
    void dwShape_outsideAllowed_invalidArgument(int n, int h, int wd, int c, int cMax, int k, int kMax, int stride,
                                                String message) {
        expect(InvalidArgumentException.class, message,
                () -> new DepthwiseShape(n, h, wd, c, cMax, k, kMax, stride, KernelTransform.NONE));
    }

    @Test
    void dwShape_nullTransform_invalidArgument() {
        expect(InvalidArgumentException.class, "allowed NONE or OFA",
                () -> new DepthwiseShape(1, 9, 9, 16, 16, 3, 7, 1, null));
    }

    @Test
    void tensor_badShapesAndData_invalidArgument() {
        expect(InvalidArgumentException.class, "every dimension must be >= 1", () -> Tensor.zeros(ctx, Layout.NHWC, 1, 0, 3, 4));
        expect(InvalidArgumentException.class, "every dimension must be >= 1", () -> Tensor.zeros(ctx, Layout.VECTOR, -5));
        expect(InvalidArgumentException.class, "allowed 4 dimensions", () -> Tensor.zeros(ctx, Layout.NHWC, 3, 4));
        expect(InvalidArgumentException.class, "kMax 3, 5 or 7", () -> Tensor.zeros(ctx, Layout.DW_WEIGHT, 4, 4, 8));
        expect(InvalidArgumentException.class, "kMax 3, 5 or 7", () -> Tensor.zeros(ctx, Layout.DW_WEIGHT, 5, 7, 8));
        expect(InvalidArgumentException.class, "needs 6", () -> Tensor.of(ctx, Layout.MATRIX, new float[5], 2, 3));
        expect(InvalidArgumentException.class, "needs exactly 6", () -> {
            try (Tensor t = Tensor.zeros(ctx, Layout.MATRIX, 2, 3)) {
                t.copyFrom(new float[7]);
            }
        });
        expect(InvalidArgumentException.class, "data must not be null", () -> Tensor.of(ctx, Layout.VECTOR, null, 3));
    }

    @Test
    void dwconv_nullTensorsAndMissingMatrix_invalidArgument() {
        expect(InvalidArgumentException.class, "x is null; this op needs NHWC[2, 9, 9, 16]",
                () -> ElasticDepthwiseConv.forward(ctx, OK, null, w, t75, t53, y));
        expect(InvalidArgumentException.class, "t75 (7->5 transform, needed for k <= 5 with kMax 7) is null",
                () -> ElasticDepthwiseConv.forward(ctx, OK, x, w, null, t53, y));
        expect(InvalidArgumentException.class, "t53", () -> ElasticDepthwiseConv.forward(ctx, OK, x, w, t75, null, y));
        expect(InvalidArgumentException.class, "context is null", () -> ElasticDepthwiseConv.forward(null, OK, x, w, t75, t53, y));
        expect(InvalidArgumentException.class, "shape is null", () -> ElasticDepthwiseConv.forward(ctx, null, x, w, t75, t53, y));
        // matrices the chain does not use may be null
        DepthwiseShape k7 = new DepthwiseShape(2, 9, 9, 16, 24, 7, 7, 1, KernelTransform.OFA);
        ElasticDepthwiseConv.forward(ctx, k7, x, w, null, null, y);
    }

    @Test
    void dwconv_tooSmallTensors_bufferTooSmall() {
        try (Tensor small = Tensor.zeros(ctx, Layout.NHWC, 2, 9, 9, 15);
             Tensor smallW = Tensor.zeros(ctx, Layout.DW_WEIGHT, 7, 7, 15);
             Tensor smallY = Tensor.zeros(ctx, Layout.NHWC, 1, 9, 9, 16)) {
            expect(BufferTooSmallException.class, "this op needs 2592",
                    () -> ElasticDepthwiseConv.forward(ctx, OK, small, w, t75, t53, y));
            expect(BufferTooSmallException.class, "weight",
                    () -> ElasticDepthwiseConv.forward(ctx, OK, x, smallW, t75, t53, y));
            expect(BufferTooSmallException.class, "y",
                    () -> ElasticDepthwiseConv.forward(ctx, OK, x, w, t75, t53, smallY));
            expect(BufferTooSmallException.class, "dx",
                    () -> ElasticDepthwiseConv.backward(ctx, OK, x, w, t75, t53, y, small, null, null, null));
        }
    }

    @Test
    void dwconv_wrongLayoutShapeOrAlias_invalidArgument() {
        try (Tensor flat = Tensor.zeros(ctx, Layout.MATRIX, 2 * 9 * 9, 16);
             Tensor bigger = Tensor.zeros(ctx, Layout.NHWC, 2, 9, 9, 17)) {
            expect(InvalidArgumentException.class, "has layout MATRIX; this op needs NHWC",
                    () -> ElasticDepthwiseConv.forward(ctx, OK, flat, w, t75, t53, y));
            expect(InvalidArgumentException.class, "this op needs exactly NHWC[2, 9, 9, 16]",
                    () -> ElasticDepthwiseConv.forward(ctx, OK, bigger, w, t75, t53, y));
            expect(InvalidArgumentException.class, "same tensor",
                    () -> ElasticDepthwiseConv.forward(ctx, OK, x, w, t75, t53, x));
        }
    }

    @Test
    void dwconv_closedTensorOrContext_invalidHandle() {
        Tensor gone = Tensor.zeros(ctx, Layout.NHWC, OK.inputShape());
        gone.close();
        gone.close();
        expect(InvalidHandleException.class, "x (NHWC[2, 9, 9, 16] on CPU#0) is closed",
                () -> ElasticDepthwiseConv.forward(ctx, OK, gone, w, t75, t53, y));
        expect(InvalidHandleException.class, "is closed", gone::toArray);
        ComputeContext other = ComputeContext.open(Backend.CPU);
        Tensor orphan = Tensor.zeros(other, Layout.VECTOR, 3);
        other.close();
        assertTrue(orphan.isClosed(), "closing a context closes its tensors");
        expect(InvalidHandleException.class, "closed", () -> Tensor.zeros(other, Layout.VECTOR, 3));
        expect(InvalidHandleException.class, "closed", () -> ElasticDepthwiseConv.forward(other, OK, x, w, t75, t53, y));
    }

    @Test
    void dwconv_tensorOfAnotherContext_wrongBackend() {
        try (ComputeContext ref = ComputeContext.open(Backend.REFERENCE);
             ComputeContext cpu2 = ComputeContext.open(Backend.CPU)) {
            Tensor foreignX = Tensor.zeros(ref, Layout.NHWC, OK.inputShape());
            Tensor otherCtxW = Tensor.zeros(cpu2, Layout.DW_WEIGHT, OK.weightShape());
            expect(WrongBackendException.class, "x belongs to another context (REFERENCE#0)",
                    () -> ElasticDepthwiseConv.forward(ctx, OK, foreignX, w, t75, t53, y));
            expect(WrongBackendException.class, "weight belongs to another context",
                    () -> ElasticDepthwiseConv.forward(ctx, OK, x, otherCtxW, t75, t53, y));
        }
    }

    @Test
    @Tag("cuda")
    void dwconv_hostTensorsOnCudaContext_wrongBackend() {
        assumeTrue(Backend.CUDA.isAvailable(), () -> "SKIPPED: " + Backend.CUDA.describe());
        try (ComputeContext gpu = ComputeContext.open(Backend.CUDA)) {
            expect(WrongBackendException.class, "x belongs to another context (CPU#0)",
                    () -> ElasticDepthwiseConv.forward(gpu, OK, x, w, t75, t53, y));
        }
    }

    @Test
    void sliceOps_badBlocksAndStrides_typedErrors() {
        try (Tensor a = Tensor.zeros(ctx, Layout.MATRIX, 8, 6);
             Tensor b = Tensor.zeros(ctx, Layout.MATRIX, 6, 5);
             Tensor c = Tensor.zeros(ctx, Layout.MATRIX, 8, 5)) {
            expect(InvalidArgumentException.class, "allowed offset >= 0, rows >= 1, cols >= 1, ld >= cols",
                    () -> new MatrixSlice(a, 0, 3, 6, 5));
            expect(InvalidArgumentException.class, "allowed within the matrix", () -> MatrixSlice.block(a, 4, 0, 5, 6));
            // an end past 2^63-1 would wrap negative and pass the span checks (then the library reads far away)
            expect(InvalidArgumentException.class, "overflows a long", () -> new MatrixSlice(a, Long.MAX_VALUE - 2, 2, 2, 2));
            expect(InvalidArgumentException.class, "allowed only equal inner dimensions",
                    () -> SliceGemm.gemm(ctx, 1f, MatrixSlice.of(a), false, MatrixSlice.of(c), false, 0f, MatrixSlice.of(c)));
            expect(BufferTooSmallException.class, "spans",
                    () -> SliceGemm.gemm(ctx, 1f, new MatrixSlice(a, 10, 8, 6, 6), false, MatrixSlice.of(b), false, 0f,
                            MatrixSlice.of(c)));
            expect(InvalidArgumentException.class, "disjoint",
                    () -> SliceGemm.gemm(ctx, 1f, MatrixSlice.block(a, 0, 0, 2, 2), false, MatrixSlice.block(a, 0, 2, 2, 2),
                            false, 0f, MatrixSlice.block(a, 1, 1, 2, 2)));
            expect(InvalidArgumentException.class, "allowed 1 <= cin <= 6",
                    () -> SliceGemm.conv1x1Forward(ctx, c, a, 7, 5, c));
            expect(InvalidArgumentException.class, "row stride s1=3: allowed >= d2=4",
                    () -> new StridedSlice(0, 1, 2, 4, 100, 3));
            expect(InvalidArgumentException.class, "must not overlap itself", () -> new StridedSlice(0, 2, 2, 4, 5, 4));
            expect(InvalidArgumentException.class, "allowed odd k <= odd kMax", () -> StridedSlice.depthwiseCrop(4, 3, 7, 8));
            expect(BufferTooSmallException.class, "the slice reaches",
                    () -> SliceCopy.gather(ctx, c, new StridedSlice(35, 1, 2, 4, 100, 5), a));
            expect(BufferTooSmallException.class, "the slice has",
                    () -> SliceCopy.scatterAdd(ctx, c, 1f, a, new StridedSlice(0, 1, 7, 6, 100, 6)));
        }
    }
}
