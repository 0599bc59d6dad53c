package org.compofa.bindings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input straight at the C ABI (no Java checks in front): every call returns its typed exception
 * with a message that says what is allowed, and the JVM carries on. Runs on a CPU context; the
 * checks live in the ABI layer shared by all backends.
 */
class RawAbiValidationTest {
    private static final MemorySegment NULL = MemorySegment.NULL;

    private Arena arena;
    private ContextHandle ctx;
    private BufferHandle x;
    private BufferHandle w;
    private BufferHandle y;

    @BeforeEach
    void open() {
        arena = Arena.ofConfined();
        ctx = ContextHandle.create(CompofaNative.BACKEND_CPU, 0);
        x = BufferHandle.allocate(ctx, 4L * 2 * 9 * 9 * 16);
        w = BufferHandle.allocate(ctx, 4L * 7 * 7 * 16);
        y = BufferHandle.allocate(ctx, 4L * 2 * 9 * 9 * 16);
    }

    @AfterEach
    void close() {
        x.close();
        w.close();
        y.close();
        ctx.close();
        arena.close();
    }

    private static <E extends CompofaException> E expect(Class<E> type, String fragment, Executable call) {
        E e = assertThrows(type, call);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' should contain '" + fragment + "'");
        assertEquals(type.getSimpleName(), e.getClass().getSimpleName());
        return e;
    }

    private static MemorySegment p(BufferHandle b) {
        return MemorySegment.ofAddress(b.dataAddress());
    }

    /** Forward with a shape built from the given fields and buffers big enough for n 2, 9x9, c 16, k 7. */
    private void forward(int n, int h, int wd, int c, int cMax, int k, int kMax, int stride, int transform) {
        MemorySegment shape = CompofaNative.dwconvShape(arena, n, h, wd, c, cMax, k, kMax, stride, transform);
        MemorySegment t = arena.allocate(4L * 625);
        CompofaNative.dwconvForward(ctx.segment(), NULL, shape, p(x), x.floats(), p(w), w.floats(),
                t, 625, t, 81, p(y), y.floats());
    }

    @Test
    void rawDwconv_validShape_runs() {
        RawOps.fill(ctx, null, x.dataAddress(), x.floats(), 1f);
        RawOps.fill(ctx, null, w.dataAddress(), w.floats(), 1f);
        MemorySegment t = arena.allocate(4L * 625);
        for (int i = 0; i < 25; i++) {
            t.setAtIndex(ValueLayout.JAVA_FLOAT, i * 25 + i, 1f);
        }
        MemorySegment shape = CompofaNative.dwconvShape(arena, 2, 9, 9, 16, 16, 5, 7, 2, CompofaNative.TRANSFORM_OFA);
        CompofaNative.dwconvForward(ctx.segment(), NULL, shape, p(x), x.floats(), p(w), w.floats(),
                t, 625, NULL, 0, p(y), y.floats());
        float[] out = new float[2 * 5 * 5 * 16];
        y.copyTo(0, out, 0, out.length);
        assertEquals(9f, out[0], "corner of a 5x5 all-ones kernel over all-ones input sees 3x3 taps");
        assertEquals(25f, out[(5 + 1) * 16], "interior sees all 25 taps");
        assertArrayEquals(new int[] {5, 5}, RawOps.dwconvOutputSize(new RawDwconvShape(2, 9, 9, 16, 16, 5, 7, 2, 1)));
    }

    @Test
    void contextPrecision_roundTripsAndRefusesUnknownCodes() {
        assertEquals(CompofaSettingsNative.PRECISION_FP32, ctx.precision());
        ctx.setPrecision(CompofaSettingsNative.PRECISION_BF16);
        assertEquals(CompofaSettingsNative.PRECISION_BF16, ctx.precision());
        expect(InvalidArgumentException.class, "precision 3: allowed 0 (fp32), 1 (tf32), 2 (bf16)",
                () -> ctx.setPrecision(3));
        expect(InvalidArgumentException.class, "precision -1: allowed", () -> ctx.setPrecision(-1));
        assertEquals(CompofaSettingsNative.PRECISION_BF16, ctx.precision(), "a refused setting leaves the last one");
        expect(InvalidArgumentException.class, "precision must not be NULL",
                () -> CompofaSettingsNative.contextPrecisionInto(ctx.segment(), NULL));
    }

    @Test
    void contextGemmLibrary_cublasOnTheCpu_unsupported_andUnknownCodesInvalid() {
        assertEquals(CompofaSettingsNative.GEMM_OURS, ctx.gemmLibrary());
        expect(NotSupportedException.class, "cuBLAS runs on CUDA contexts only; this context's backend is CPU",
                () -> ctx.setGemmLibrary(CompofaSettingsNative.GEMM_CUBLAS));
        expect(InvalidArgumentException.class, "gemm library 2: allowed 0 (ours), 1 (cuBLAS)",
                () -> ctx.setGemmLibrary(2));
        assertEquals(CompofaSettingsNative.GEMM_OURS, ctx.gemmLibrary(), "a refused setting leaves the last one");
        ctx.setGemmLibrary(CompofaSettingsNative.GEMM_OURS);
    }

    @Test
    void rawDwconv_zeroAndNegativeSizes_invalidArgument() {
        expect(InvalidArgumentException.class, ">= 1", () -> forward(0, 9, 9, 16, 16, 3, 7, 1, 0));
        expect(InvalidArgumentException.class, ">= 1", () -> forward(1, -9, 9, 16, 16, 3, 7, 1, 0));
        expect(InvalidArgumentException.class, "allowed 1 <= c <= c_max", () -> forward(1, 9, 9, 0, 16, 3, 7, 1, 0));
    }

    @Test
    void rawDwconv_cAboveCMax_invalidArgument() {
        expect(InvalidArgumentException.class, "allowed 1 <= c <= c_max", () -> forward(1, 9, 9, 17, 16, 3, 7, 1, 0));
    }

    @ParameterizedTest(name = "rawDwconv k{0} kmax5 -> invalid argument")
    @ValueSource(ints = {0, 1, 2, 4, 6, 7, 9})
    void rawDwconv_evenOrTooLargeKernel_invalidArgument(int k) {
        expect(InvalidArgumentException.class, "allowed 3, 5, 7 and <= k_max=5", () -> forward(1, 9, 9, 8, 16, k, 5, 1, 0));
    }

    @Test
    void rawDwconv_badKMaxStrideTransform_invalidArgument() {
        expect(InvalidArgumentException.class, "allowed 3, 5, 7", () -> forward(1, 9, 9, 8, 16, 3, 4, 1, 0));
        expect(InvalidArgumentException.class, "stride 3: allowed 1 or 2", () -> forward(1, 9, 9, 8, 16, 3, 7, 3, 0));
        expect(InvalidArgumentException.class, "allowed 0 (none) or 1 (OFA)", () -> forward(1, 9, 9, 8, 16, 3, 7, 1, 2));
    }

    @Test
    void rawDwconv_nullShapeAndNullPointers_invalidArgument() {
        expect(InvalidArgumentException.class, "shape is NULL", () -> CompofaNative.dwconvForward(ctx.segment(), NULL,
                NULL, p(x), x.floats(), p(w), w.floats(), NULL, 0, NULL, 0, p(y), y.floats()));
        MemorySegment shape = CompofaNative.dwconvShape(arena, 1, 9, 9, 16, 16, 7, 7, 1, 0);
        expect(InvalidArgumentException.class, "x is NULL", () -> CompofaNative.dwconvForward(ctx.segment(), NULL,
                shape, NULL, 0, p(w), w.floats(), NULL, 0, NULL, 0, p(y), y.floats()));
        expect(InvalidArgumentException.class, "y is NULL", () -> CompofaNative.dwconvForward(ctx.segment(), NULL,
                shape, p(x), x.floats(), p(w), w.floats(), NULL, 0, NULL, 0, NULL, 0));
        MemorySegment ofa = CompofaNative.dwconvShape(arena, 1, 9, 9, 16, 16, 3, 7, 1, 1);
        expect(InvalidArgumentException.class, "t75", () -> CompofaNative.dwconvForward(ctx.segment(), NULL,
                ofa, p(x), x.floats(), p(w), w.floats(), NULL, 0, NULL, 0, p(y), y.floats()));
        expect(InvalidArgumentException.class, "shape is NULL", () -> CompofaNative.dwconvOutputSize(NULL));
        expect(InvalidArgumentException.class, "allowed 3, 5, 7",
                () -> RawOps.dwconvOutputSize(new RawDwconvShape(1, 9, 9, 16, 16, 9, 7, 1, 0)));
    }

    @Test
    void rawDwconv_tooSmallBuffers_bufferTooSmall() {
        MemorySegment shape = CompofaNative.dwconvShape(arena, 2, 9, 9, 16, 16, 7, 7, 1, 0);
        expect(BufferTooSmallException.class, "x holds", () -> CompofaNative.dwconvForward(ctx.segment(), NULL,
                shape, p(x), x.floats() - 1, p(w), w.floats(), NULL, 0, NULL, 0, p(y), y.floats()));
        expect(BufferTooSmallException.class, "weight holds", () -> CompofaNative.dwconvForward(ctx.segment(), NULL,
                shape, p(x), x.floats(), p(w), 7 * 7 * 16 - 1, NULL, 0, NULL, 0, p(y), y.floats()));
        expect(BufferTooSmallException.class, "y holds", () -> CompofaNative.dwconvForward(ctx.segment(), NULL,
                shape, p(x), x.floats(), p(w), w.floats(), NULL, 0, NULL, 0, p(y), 10));
        expect(BufferTooSmallException.class, "dx holds", () -> CompofaNative.dwconvBackward(ctx.segment(), NULL,
                shape, p(x), x.floats(), p(w), w.floats(), NULL, 0, NULL, 0, p(y), y.floats(), p(x), 5,
                NULL, 0, NULL, 0, NULL, 0));
    }

    @Test
    void rawHandles_nullForeignAndDestroyed_invalidHandle() {
        MemorySegment shape = CompofaNative.dwconvShape(arena, 1, 9, 9, 16, 16, 7, 7, 1, 0);
        expect(InvalidHandleException.class, "context is NULL", () -> CompofaNative.dwconvForward(NULL, NULL, shape,
                p(x), x.floats(), p(w), w.floats(), NULL, 0, NULL, 0, p(y), y.floats()));
        MemorySegment foreign = arena.allocate(64);
        expect(InvalidHandleException.class, "not a live handle", () -> CompofaNative.contextSynchronize(foreign));
        expect(InvalidHandleException.class, "another kind", () -> CompofaNative.contextSynchronize(x.segment()));
        BufferHandle gone = BufferHandle.allocate(ctx, 64);
        MemorySegment stale = gone.segment();
        gone.close();
        expect(InvalidHandleException.class, "not a live handle", () -> CompofaNative.bufferFree(stale));
        expect(InvalidHandleException.class, "NULL", () -> CompofaNative.bufferAddress(NULL));
        expect(InvalidHandleException.class, "stream", () -> CompofaNative.fill(ctx.segment(), foreign, p(y), 1, 0f));
    }

    @Test
    void rawContexts_badBackendAndDevice_invalidArgumentOrUnavailable() {
        expect(InvalidArgumentException.class, "allowed 0 (REFERENCE), 1 (CPU), 2 (CUDA)",
                () -> CompofaNative.contextCreate(7, 0));
        expect(InvalidArgumentException.class, "host backends have only device 0",
                () -> CompofaNative.contextCreate(CompofaNative.BACKEND_CPU, 1));
        expect(InvalidArgumentException.class, "allowed 0 (REFERENCE)", () -> CompofaNative.backendAvailable(-1));
        if (!CompofaNative.backendAvailable(CompofaNative.BACKEND_CUDA)) {
            expect(BackendUnavailableException.class, "", () -> CompofaNative.contextCreate(CompofaNative.BACKEND_CUDA, 0));
        } else {
            expect(InvalidArgumentException.class, "CUDA device 99", () -> CompofaNative.contextCreate(CompofaNative.BACKEND_CUDA, 99));
        }
        expect(InvalidArgumentException.class, "capacity", () -> CompofaNative.backendDescribe(1, 0, NULL, 0));
    }

    @Test
    void rawGemm_badSizesAndLeadingDims_typedErrors() {
        MemorySegment a = p(x);
        expect(InvalidArgumentException.class, "allowed 0 or 1", () -> CompofaNative.gemm(ctx.segment(), NULL, 2, 0,
                4, 4, 4, 1f, a, 64, 4, a, 64, 4, 0f, p(y), 64, 4));
        expect(InvalidArgumentException.class, "must be >= 1", () -> CompofaNative.gemm(ctx.segment(), NULL, 0, 0,
                0, 4, 4, 1f, a, 64, 4, a, 64, 4, 0f, p(y), 64, 4));
        expect(InvalidArgumentException.class, "lda=3 must be >= 4", () -> CompofaNative.gemm(ctx.segment(), NULL, 0, 0,
                4, 4, 4, 1f, a, 64, 3, a, 64, 4, 0f, p(y), 64, 4));
        expect(InvalidArgumentException.class, "ldc=3 must be >= n=4", () -> CompofaNative.gemm(ctx.segment(), NULL, 0, 0,
                4, 4, 4, 1f, a, 64, 4, a, 64, 4, 0f, p(y), 64, 3));
        expect(BufferTooSmallException.class, "c holds", () -> CompofaNative.gemm(ctx.segment(), NULL, 0, 0,
                4, 4, 4, 1f, a, 64, 4, a, 64, 4, 0f, p(y), 15, 4));
        expect(InvalidArgumentException.class, "a is NULL", () -> CompofaNative.gemm(ctx.segment(), NULL, 0, 0,
                4, 4, 4, 1f, NULL, 64, 4, a, 64, 4, 0f, p(y), 64, 4));
    }

    @Test
    void rawSlices_badExtentsStridesLengths_typedErrors() {
        expect(InvalidArgumentException.class, "s1=3 must be >= d2=4", () -> CompofaNative.sliceGather(ctx.segment(),
                NULL, p(x), 100, 0, 1, 2, 4, 100, 3, p(y), 100));
        expect(InvalidArgumentException.class, "must be >= (d1-1)*s1+d2", () -> CompofaNative.sliceGather(ctx.segment(),
                NULL, p(x), 100, 0, 2, 2, 4, 5, 4, p(y), 100));
        expect(InvalidArgumentException.class, "extents must be >= 1", () -> CompofaNative.sliceScatterAdd(ctx.segment(),
                NULL, p(x), 100, 1f, p(y), 100, 0, 1, 0, 4, 4, 4));
        expect(BufferTooSmallException.class, "src holds", () -> CompofaNative.sliceGather(ctx.segment(),
                NULL, p(x), 10, 0, 1, 3, 4, 12, 4, p(y), 100));
        expect(BufferTooSmallException.class, "dst holds", () -> CompofaNative.sliceScatterAdd(ctx.segment(),
                NULL, p(x), 100, 1f, p(y), 100, 95, 1, 2, 4, 8, 4));
        expect(InvalidArgumentException.class, "len=0", () -> CompofaNative.fill(ctx.segment(), NULL, p(y), 0, 1f));
        expect(InvalidArgumentException.class, "dst is NULL", () -> CompofaNative.fill(ctx.segment(), NULL, NULL, 4, 1f));
    }

    @Test
    void rawMemory_badSizesAndRanges_typedErrors() {
        expect(InvalidArgumentException.class, "allowed 1 .. 2^46", () -> CompofaNative.bufferAlloc(ctx.segment(), 0));
        MemorySegment host = arena.allocate(64);
        expect(BufferTooSmallException.class, "outside its", () -> CompofaNative.copyToBuffer(w.segment(), w.bytes() - 8,
                host, 64, NULL));
        expect(InvalidArgumentException.class, "src must not be NULL", () -> CompofaNative.copyToBuffer(w.segment(), 0,
                NULL, 64, NULL));
        expect(InvalidArgumentException.class, "bytes must be >= 1", () -> CompofaNative.copyFromBuffer(w.segment(), 0,
                host, 0, NULL));
    }

    @Test
    void rawStreamsEvents_misuse_typedErrors() {
        expect(WrongBackendException.class, "only CUDA contexts", () -> StreamHandle.wrap(ctx, 0x1000));
        try (ContextHandle other = ContextHandle.create(CompofaNative.BACKEND_REFERENCE, 0);
             StreamHandle foreign = StreamHandle.create(other);
             EventHandle e1 = EventHandle.create(ctx);
             EventHandle e2 = EventHandle.create(ctx)) {
            expect(InvalidArgumentException.class, "another context", () -> RawOps.fill(ctx, foreign, y.dataAddress(), 4, 1f));
            expect(InvalidArgumentException.class, "never recorded", e1::synchronize);
            expect(InvalidArgumentException.class, "recorded first", () -> e2.elapsedMsSince(e1));
            e1.record(null);
            e2.record(null);
            e2.synchronize();
            assertTrue(e2.elapsedMsSince(e1) >= 0f);
            assertEquals(0L, foreign.nativeStream(), "host streams have no native stream");
            foreign.synchronize();
        }
    }

    @Test
    @Tag("cuda")
    void rawCuda_hostAndDevicePointersCrossed_wrongBackend() {
        assumeTrue(CompofaNative.backendAvailable(CompofaNative.BACKEND_CUDA), () -> "SKIPPED: "
                + CompofaNative.backendDescribe(CompofaNative.BACKEND_CUDA, 0));
        try (ContextHandle gpu = ContextHandle.create(CompofaNative.BACKEND_CUDA, 0);
             BufferHandle dev = BufferHandle.allocate(gpu, 4L * 64);
             StreamHandle stream = StreamHandle.create(gpu)) {
            expect(WrongBackendException.class, "CUDA contexts take device pointers",
                    () -> RawOps.fill(gpu, null, y.dataAddress(), 64, 1f));
            expect(WrongBackendException.class, "host backends take host pointers",
                    () -> RawOps.fill(ctx, null, dev.dataAddress(), 64, 1f));
            expect(WrongBackendException.class, "different backends",
                    () -> y.copyFrom(dev, 0, 0, 64, null));
            RawOps.fill(gpu, stream, dev.dataAddress(), 64, 3f);
            stream.synchronize();
            assertTrue(stream.nativeStream() != 0, "an owned CUDA stream has a cudaStream_t");
            try (StreamHandle wrapped = StreamHandle.wrap(gpu, stream.nativeStream())) {
                RawOps.fill(gpu, wrapped, dev.dataAddress(), 32, 5f);
                wrapped.synchronize();
            }
            float[] back = new float[64];
            dev.copyTo(0, back, 0, 64);
            assertEquals(5f, back[31]);
            assertEquals(3f, back[32]);
        }
    }

    @Test
    void rawContext_destroyWithLiveBuffers_refusedAndStaysUsable() {
        expect(InvalidArgumentException.class, "destroy them first", ctx::close);
        assertFalse(ctx.isClosed());
        ctx.synchronize();
        try (BufferHandle b = BufferHandle.allocate(ctx, 16)) {
            assertEquals(16, b.bytes());
        }
    }

    @Test
    void rawErrors_statusNamesMatchAndLastErrorIsPerThread() throws Exception {
        for (Status s : Status.values()) {
            assertEquals(s.abiName(), CompofaNative.statusName(s.code()));
            assertEquals(s, Status.of(s.code()));
        }
        assertEquals("COMPOFA_ERR_UNKNOWN_STATUS", CompofaNative.statusName(42));
        assertThrows(InternalNativeException.class, () -> Status.of(42));
        assertThrows(InvalidArgumentException.class, () -> CompofaNative.contextCreate(9, 0));
        assertFalse(CompofaNative.lastError().isEmpty());
        String[] other = new String[1];
        Thread t = new Thread(() -> other[0] = CompofaNative.lastError());
        t.start();
        t.join();
        assertEquals("", other[0], "another thread does not see this thread's error");
        CompofaNative.clearError();
        assertEquals("", CompofaNative.lastError());
    }

    @Test
    void handles_closeTwiceIsNoOp_useAfterCloseThrowsInJava() {
        BufferHandle b = BufferHandle.allocate(ctx, 64);
        b.close();
        b.close();
        assertTrue(b.isClosed());
        InvalidHandleException e = assertThrows(InvalidHandleException.class, b::dataAddress);
        assertTrue(e.getMessage().contains("buffer is closed"), e.getMessage());
        assertThrows(InvalidHandleException.class, () -> b.copyFrom(new float[4], 0, 0, 4));
        StreamHandle s = StreamHandle.create(ctx);
        s.close();
        assertThrows(InvalidHandleException.class, () -> RawOps.fill(ctx, s, y.dataAddress(), 4, 0f));
    }

    @Test
    void handles_concurrentClose_destroysExactlyOnce() throws Exception {
        for (int round = 0; round < 20; round++) {
            BufferHandle b = BufferHandle.allocate(ctx, 256);
            Thread[] threads = new Thread[4];
            Throwable[] failures = new Throwable[threads.length];
            for (int i = 0; i < threads.length; i++) {
                int id = i;
                threads[i] = new Thread(() -> {
                    try {
                        b.close();
                    } catch (Throwable t) {
                        failures[id] = t;
                    }
                });
                threads[i].start();
            }
            for (Thread t : threads) {
                t.join();
            }
            for (Throwable f : failures) {
                assertEquals(null, f);
            }
            assertTrue(b.isClosed());
        }
        ctx.synchronize();  // context now owns only x, w, y again: close in @AfterEach succeeds
    }

    @Test
    void buffers_roundTripFloatsAndSegments_onHostBackends() {
        float[] data = new float[37];
        for (int i = 0; i < data.length; i++) {
            data[i] = i * 0.5f - 3f;
        }
        try (BufferHandle b = BufferHandle.allocate(ctx, 4L * 40)) {
            b.copyFrom(data, 0, 3, data.length);
            float[] back = new float[data.length];
            b.copyTo(3, back, 0, back.length);
            assertArrayEquals(data, back);
            MemorySegment heap = MemorySegment.ofArray(new float[40]);
            b.copyTo(0, heap, null);
            assertEquals(data[0], heap.getAtIndex(ValueLayout.JAVA_FLOAT, 3));
            MemorySegment nat = arena.allocate(4L * 40);
            b.copyTo(0, nat, null);
            assertEquals(data[36], nat.getAtIndex(ValueLayout.JAVA_FLOAT, 39));
            try (BufferHandle c = BufferHandle.allocate(ctx, 4L * 40)) {
                c.copyFrom(b, 0, 0, 4L * 40, null);
                c.copyFrom(heap, 0, null);
                float[] viaCopy = new float[40];
                c.copyTo(0, viaCopy, 0, 40);
                assertEquals(data[5], viaCopy[8]);
            }
            expect(BufferTooSmallException.class, "outside the buffer", () -> b.copyFrom(data, 0, 4, data.length));
            expect(InvalidArgumentException.class, "outside the array", () -> b.copyFrom(data, 1, 0, data.length));
            RawOps.fill(ctx, null, b.dataAddress(), 40, 2.5f);
            b.copyTo(0, back, 0, back.length);
            assertEquals(2.5f, back[36]);
        }
    }

    @Test
    void info_describeAndDeviceCount() {
        assertTrue(CompofaNative.backendDescribe(CompofaNative.BACKEND_CPU, 0).startsWith("CPU"));
        assertTrue(CompofaNative.backendDescribe(CompofaNative.BACKEND_REFERENCE, 0).startsWith("REFERENCE"));
        String cuda = CompofaNative.backendDescribe(CompofaNative.BACKEND_CUDA, 0);
        assertTrue(cuda.startsWith("CUDA"), cuda);
        int count = CompofaNative.cudaDeviceCount();
        assertEquals(count > 0, CompofaNative.backendAvailable(CompofaNative.BACKEND_CUDA));
        MemorySegment tiny = arena.allocate(4);
        CompofaNative.backendDescribe(CompofaNative.BACKEND_CPU, 0, tiny, 4);
        assertEquals("CPU", tiny.getString(0), "truncated to capacity - 1 bytes");
        if (count == 0) {
            assertTrue(cuda.contains("unavailable"), cuda);
        }
    }
}
