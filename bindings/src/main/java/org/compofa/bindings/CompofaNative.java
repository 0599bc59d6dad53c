package org.compofa.bindings;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;

/**
 * The hand-written downcall table of {@code compofa.h}: one {@code static final} method handle per
 * ABI function and a thin static method per function that calls it and turns a non-zero status into
 * the typed exception of {@link Status#check(int)}.
 *
 * <p>Pointers are {@link MemorySegment}s ({@link MemorySegment#NULL} for NULL), {@code uint64_t} is
 * {@code long}. Nothing here checks arguments: these methods are the raw ABI, whose own checks run.
 * The handles are created on first use; when the library cannot be loaded every method throws
 * {@link NativeLibraryException} (never {@link ExceptionInInitializerError}).
 */
public final class CompofaNative {
    private CompofaNative() {}

    /** {@code compofa_backend_kind}: REFERENCE. */
    public static final int BACKEND_REFERENCE = 0;
    /** {@code compofa_backend_kind}: CPU. */
    public static final int BACKEND_CPU = 1;
    /** {@code compofa_backend_kind}: CUDA. */
    public static final int BACKEND_CUDA = 2;
    /** {@code compofa_kernel_transform}: centre crop only. */
    public static final int TRANSFORM_NONE = 0;
    /** {@code compofa_kernel_transform}: OFA 7->5->3 matrix chain. */
    public static final int TRANSFORM_OFA = 1;

    /** {@code compofa_dwconv_shape}: nine int32 fields n, h, w, c, c_max, k, k_max, stride, transform. */
    public static final StructLayout DWCONV_SHAPE = MemoryLayout.structLayout(
            JAVA_INT.withName("n"), JAVA_INT.withName("h"), JAVA_INT.withName("w"),
            JAVA_INT.withName("c"), JAVA_INT.withName("c_max"),
            JAVA_INT.withName("k"), JAVA_INT.withName("k_max"),
            JAVA_INT.withName("stride"), JAVA_INT.withName("transform")).withName("compofa_dwconv_shape");

    /**
     * Every symbol of the ABI's core (library, contexts, memory, streams, depthwise convolution, GEMM,
     * slices); the network ops, fused ops and context settings have their own tables
     * ({@link NativeLibrary#allSymbols()}). The loader refuses a library that lacks one.
     */
    static final List<String> SYMBOLS = List.of(
            "compofa_abi_version", "compofa_status_name", "compofa_last_error", "compofa_clear_error",
            "compofa_backend_available", "compofa_cuda_device_count", "compofa_backend_describe",
            "compofa_context_create", "compofa_context_destroy", "compofa_context_backend",
            "compofa_context_synchronize", "compofa_context_set_threads",
            "compofa_buffer_alloc", "compofa_buffer_free", "compofa_buffer_address",
            "compofa_copy_to_buffer", "compofa_copy_from_buffer", "compofa_copy_buffer",
            "compofa_stream_create", "compofa_stream_wrap", "compofa_stream_destroy",
            "compofa_stream_synchronize", "compofa_stream_native",
            "compofa_event_create", "compofa_event_destroy", "compofa_event_record",
            "compofa_event_synchronize", "compofa_event_elapsed_ms",
            "compofa_dwconv_output_size", "compofa_dwconv_forward", "compofa_dwconv_backward",
            "compofa_gemm", "compofa_slice_gather", "compofa_slice_scatter_add", "compofa_fill");

    /**
     * Address and size in bytes of a buffer's memory (host or device).
     *
     * @param address start address
     * @param bytes size in bytes
     */
    public record Region(long address, long bytes) {}

    private static final FunctionDescriptor ST_A = FunctionDescriptor.of(JAVA_INT, ADDRESS);
    private static final FunctionDescriptor ST_AA = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);

    /** The handles; initialising this class never throws (see {@link #bind}). */
    private static final class H {
        static final MethodHandle ABI_VERSION = bind("compofa_abi_version", FunctionDescriptor.of(JAVA_INT));
        static final MethodHandle STATUS_NAME = bind("compofa_status_name", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        static final MethodHandle LAST_ERROR = bind("compofa_last_error", FunctionDescriptor.of(ADDRESS));
        static final MethodHandle CLEAR_ERROR = bind("compofa_clear_error", FunctionDescriptor.ofVoid());
        static final MethodHandle BACKEND_AVAILABLE = bind("compofa_backend_available",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        static final MethodHandle CUDA_DEVICE_COUNT = bind("compofa_cuda_device_count", ST_A);
        static final MethodHandle BACKEND_DESCRIBE = bind("compofa_backend_describe",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG));

        static final MethodHandle CONTEXT_CREATE = bind("compofa_context_create",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
        static final MethodHandle CONTEXT_DESTROY = bind("compofa_context_destroy", ST_A);
        static final MethodHandle CONTEXT_BACKEND = bind("compofa_context_backend", ST_AA);
        static final MethodHandle CONTEXT_SYNCHRONIZE = bind("compofa_context_synchronize", ST_A);
        static final MethodHandle CONTEXT_SET_THREADS = bind("compofa_context_set_threads",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));

        static final MethodHandle BUFFER_ALLOC = bind("compofa_buffer_alloc",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS));
        static final MethodHandle BUFFER_FREE = bind("compofa_buffer_free", ST_A);
        static final MethodHandle BUFFER_ADDRESS = bind("compofa_buffer_address",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle COPY_TO_BUFFER = bind("compofa_copy_to_buffer",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS));
        static final MethodHandle COPY_FROM_BUFFER = bind("compofa_copy_from_buffer",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS));
        static final MethodHandle COPY_BUFFER = bind("compofa_copy_buffer",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS));

        static final MethodHandle STREAM_CREATE = bind("compofa_stream_create", ST_AA);
        static final MethodHandle STREAM_WRAP = bind("compofa_stream_wrap",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle STREAM_DESTROY = bind("compofa_stream_destroy", ST_A);
        static final MethodHandle STREAM_SYNCHRONIZE = bind("compofa_stream_synchronize", ST_A);
        static final MethodHandle STREAM_NATIVE = bind("compofa_stream_native", ST_AA);

        static final MethodHandle EVENT_CREATE = bind("compofa_event_create", ST_AA);
        static final MethodHandle EVENT_DESTROY = bind("compofa_event_destroy", ST_A);
        static final MethodHandle EVENT_RECORD = bind("compofa_event_record", ST_AA);
        static final MethodHandle EVENT_SYNCHRONIZE = bind("compofa_event_synchronize", ST_A);
        static final MethodHandle EVENT_ELAPSED_MS = bind("compofa_event_elapsed_ms",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));

        static final MethodHandle DWCONV_OUTPUT_SIZE = bind("compofa_dwconv_output_size",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle DWCONV_FORWARD = bind("compofa_dwconv_forward", FunctionDescriptor.of(JAVA_INT,
                ADDRESS, ADDRESS, ADDRESS,
                ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG,
                ADDRESS, JAVA_LONG));
        static final MethodHandle DWCONV_BACKWARD = bind("compofa_dwconv_backward", FunctionDescriptor.of(JAVA_INT,
                ADDRESS, ADDRESS, ADDRESS,
                ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG,
                ADDRESS, JAVA_LONG,
                ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG));
        static final MethodHandle GEMM = bind("compofa_gemm", FunctionDescriptor.of(JAVA_INT,
                ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_FLOAT, ADDRESS, JAVA_LONG, JAVA_INT,
                ADDRESS, JAVA_LONG, JAVA_INT,
                JAVA_FLOAT, ADDRESS, JAVA_LONG, JAVA_INT));
        static final MethodHandle SLICE_GATHER = bind("compofa_slice_gather", FunctionDescriptor.of(JAVA_INT,
                ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG));
        static final MethodHandle SLICE_SCATTER_ADD = bind("compofa_slice_scatter_add", FunctionDescriptor.of(JAVA_INT,
                ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_FLOAT, ADDRESS, JAVA_LONG, JAVA_LONG,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
        static final MethodHandle FILL = bind("compofa_fill",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_FLOAT));
    }

    /**
     * The downcall handle of a symbol; when the library is not loaded, a handle of the same type that
     * throws the loader's {@link NativeLibraryException}, so class initialisation never fails.
     */
    static MethodHandle bind(String name, FunctionDescriptor descriptor) {
        NativeLibrary library = NativeLibrary.getOrNull();
        MethodType type = descriptor.toMethodType();
        if (library == null) {
            MethodHandle thrower = MethodHandles.throwException(type.returnType(), NativeLibraryException.class);
            MethodHandle failure = MethodHandles.foldArguments(thrower, LOAD_FAILURE);
            return MethodHandles.dropArguments(failure, 0, type.parameterList());
        }
        // The loader checked that every symbol of SYMBOLS exists.
        return Linker.nativeLinker().downcallHandle(library.lookup().find(name).orElseThrow(), descriptor);
    }

    private static final MethodHandle LOAD_FAILURE;

    static {
        try {
            LOAD_FAILURE = MethodHandles.lookup().findStatic(CompofaNative.class, "loadFailure",
                    MethodType.methodType(NativeLibraryException.class));
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @SuppressWarnings("unused") // called through LOAD_FAILURE
    private static NativeLibraryException loadFailure() {
        try {
            NativeLibrary.get();
            return new NativeLibraryException("libcompofa was loaded after the bindings were first used",
                    List.of(), null);
        } catch (NativeLibraryException e) {
            return e;
        }
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new InternalNativeException("unexpected checked exception from a downcall: " + t);
    }

    private static String cString(MemorySegment p) {
        return p.equals(MemorySegment.NULL) ? "" : p.reinterpret(Long.MAX_VALUE).getString(0);
    }

    // ---- library, errors ------------------------------------------------------------------

    /**
     * {@code compofa_abi_version}.
     *
     * @return the ABI version the library implements
     */
    public static int abiVersion() {
        try {
            return (int) H.ABI_VERSION.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_status_name}, e.g. "COMPOFA_ERR_INVALID_ARGUMENT".
     *
     * @param status a {@code compofa_status} value
     * @return the status's ABI name
     */
    public static String statusName(int status) {
        try {
            return cString((MemorySegment) H.STATUS_NAME.invokeExact(status));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_last_error}: this thread's last failure message, "" if none.
     *
     * @return the calling thread's last error message, or empty
     */
    public static String lastError() {
        try {
            return cString((MemorySegment) H.LAST_ERROR.invokeExact());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code compofa_clear_error}. */
    public static void clearError() {
        try {
            H.CLEAR_ERROR.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_backend_available}: whether contexts of the backend can be created now.
     *
     * @param backend a {@code BACKEND_*} code
     * @return true when a context of that backend can be created
     */
    public static boolean backendAvailable(int backend) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            Status.check((int) H.BACKEND_AVAILABLE.invokeExact(backend, out));
            return out.get(JAVA_INT, 0) != 0;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_cuda_device_count}.
     *
     * @return CUDA devices visible, 0 without CUDA
     */
    public static int cudaDeviceCount() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            Status.check((int) H.CUDA_DEVICE_COUNT.invokeExact(out));
            return out.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_backend_describe}: a one-line description (at most 1023 bytes).
     *
     * @param backend a {@code BACKEND_*} code
     * @param device device ordinal; 0 on the host backends
     * @return a one-line description
     */
    public static String backendDescribe(int backend, int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment text = arena.allocate(1024);
            Status.check((int) H.BACKEND_DESCRIBE.invokeExact(backend, device, text, 1024L));
            return text.getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_backend_describe} with a caller-provided buffer (the raw ABI, for tests).
     *
     * @param backend a {@code BACKEND_*} code
     * @param device device ordinal; 0 on the host backends
     * @param text receives the NUL-terminated text
     * @param capacity bytes available in text
     */
    public static void backendDescribe(int backend, int device, MemorySegment text, long capacity) {
        try {
            Status.check((int) H.BACKEND_DESCRIBE.invokeExact(backend, device, text, capacity));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- contexts -------------------------------------------------------------------------

    /**
     * {@code compofa_context_create}: the new {@code compofa_context*}.
     *
     * @param backend a {@code BACKEND_*} code
     * @param device device ordinal; 0 on the host backends
     * @return the new context handle
     */
    public static MemorySegment contextCreate(int backend, int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            Status.check((int) H.CONTEXT_CREATE.invokeExact(backend, device, out));
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_context_destroy}.
     *
     * @param ctx the context handle
     */
    public static void contextDestroy(MemorySegment ctx) {
        try {
            Status.check((int) H.CONTEXT_DESTROY.invokeExact(ctx));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_context_backend}.
     *
     * @param ctx the context handle
     * @return the backend code
     */
    public static int contextBackend(MemorySegment ctx) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            Status.check((int) H.CONTEXT_BACKEND.invokeExact(ctx, out));
            return out.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_context_synchronize}.
     *
     * @param ctx the context handle
     */
    public static void contextSynchronize(MemorySegment ctx) {
        try {
            Status.check((int) H.CONTEXT_SYNCHRONIZE.invokeExact(ctx));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_context_set_threads}.
     *
     * @param ctx the context handle
     * @param threads CPU kernel threads, 1..1024, or 0 for one per CPU
     */
    public static void contextSetThreads(MemorySegment ctx, int threads) {
        try {
            Status.check((int) H.CONTEXT_SET_THREADS.invokeExact(ctx, threads));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- memory ---------------------------------------------------------------------------

    /**
     * {@code compofa_buffer_alloc}: the new {@code compofa_buffer*}.
     *
     * @param ctx the context handle
     * @param bytes size in bytes, &gt; 0
     * @return the new buffer handle
     */
    public static MemorySegment bufferAlloc(MemorySegment ctx, long bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            Status.check((int) H.BUFFER_ALLOC.invokeExact(ctx, bytes, out));
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_buffer_free}.
     *
     * @param buffer the buffer handle
     */
    public static void bufferFree(MemorySegment buffer) {
        try {
            Status.check((int) H.BUFFER_FREE.invokeExact(buffer));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_buffer_address}: the data address and size of a buffer.
     *
     * @param buffer the buffer handle
     * @return the data address (host or device)
     */
    public static Region bufferAddress(MemorySegment buffer) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment address = arena.allocate(ADDRESS);
            MemorySegment bytes = arena.allocate(JAVA_LONG);
            Status.check((int) H.BUFFER_ADDRESS.invokeExact(buffer, address, bytes));
            return new Region(address.get(ADDRESS, 0).address(), bytes.get(JAVA_LONG, 0));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_copy_to_buffer} (src is host memory).
     *
     * @param dst buffer written
     * @param dstOffset byte offset in dst
     * @param src host memory read
     * @param bytes bytes to copy
     * @param stream the stream handle, or {@link MemorySegment#NULL} for the context's default stream
     */
    public static void copyToBuffer(MemorySegment dst, long dstOffset, MemorySegment src, long bytes,
                                    MemorySegment stream) {
        try {
            Status.check((int) H.COPY_TO_BUFFER.invokeExact(dst, dstOffset, src, bytes, stream));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_copy_from_buffer} (dst is host memory).
     *
     * @param src buffer read
     * @param srcOffset byte offset in src
     * @param dst host memory written
     * @param bytes bytes to copy
     * @param stream the stream handle, or {@link MemorySegment#NULL} for the context's default stream
     */
    public static void copyFromBuffer(MemorySegment src, long srcOffset, MemorySegment dst, long bytes,
                                      MemorySegment stream) {
        try {
            Status.check((int) H.COPY_FROM_BUFFER.invokeExact(src, srcOffset, dst, bytes, stream));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_copy_buffer}.
     *
     * @param dst buffer written
     * @param dstOffset byte offset in dst
     * @param src buffer read
     * @param srcOffset byte offset in src
     * @param bytes bytes to copy
     * @param stream the stream handle, or {@link MemorySegment#NULL} for the context's default stream
     */
    public static void copyBuffer(MemorySegment dst, long dstOffset, MemorySegment src, long srcOffset, long bytes,
                                  MemorySegment stream) {
        try {
            Status.check((int) H.COPY_BUFFER.invokeExact(dst, dstOffset, src, srcOffset, bytes, stream));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- streams and events ---------------------------------------------------------------

    /**
     * {@code compofa_stream_create}.
     *
     * @param ctx the context handle
     * @return the new stream handle
     */
    public static MemorySegment streamCreate(MemorySegment ctx) {
        return create(H.STREAM_CREATE, ctx);
    }

    /**
     * {@code compofa_stream_wrap}: wraps a foreign cudaStream_t (not owned).
     *
     * @param ctx the context handle
     * @param nativeStream the foreign cudaStream_t
     * @return the new stream handle
     */
    public static MemorySegment streamWrap(MemorySegment ctx, MemorySegment nativeStream) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            Status.check((int) H.STREAM_WRAP.invokeExact(ctx, nativeStream, out));
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_stream_destroy}.
     *
     * @param stream the stream handle, or {@link MemorySegment#NULL} for the context's default stream
     */
    public static void streamDestroy(MemorySegment stream) {
        call(H.STREAM_DESTROY, stream);
    }

    /**
     * {@code compofa_stream_synchronize}.
     *
     * @param stream the stream handle, or {@link MemorySegment#NULL} for the context's default stream
     */
    public static void streamSynchronize(MemorySegment stream) {
        call(H.STREAM_SYNCHRONIZE, stream);
    }

    /**
     * {@code compofa_stream_native}: the cudaStream_t (NULL on host backends).
     *
     * @param stream the stream handle, or {@link MemorySegment#NULL} for the context's default stream
     * @return the cudaStream_t address, or 0 on the host backends
     */
    public static MemorySegment streamNative(MemorySegment stream) {
        return create(H.STREAM_NATIVE, stream);
    }

    /**
     * {@code compofa_event_create}.
     *
     * @param ctx the context handle
     * @return the new event handle
     */
    public static MemorySegment eventCreate(MemorySegment ctx) {
        return create(H.EVENT_CREATE, ctx);
    }

    /**
     * {@code compofa_event_destroy}.
     *
     * @param event the event handle
     */
    public static void eventDestroy(MemorySegment event) {
        call(H.EVENT_DESTROY, event);
    }

    /**
     * {@code compofa_event_record} (NULL stream = the context's default stream).
     *
     * @param event the event handle
     * @param stream the stream handle, or {@link MemorySegment#NULL} for the context's default stream
     */
    public static void eventRecord(MemorySegment event, MemorySegment stream) {
        try {
            Status.check((int) H.EVENT_RECORD.invokeExact(event, stream));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_event_synchronize}.
     *
     * @param event the event handle
     */
    public static void eventSynchronize(MemorySegment event) {
        call(H.EVENT_SYNCHRONIZE, event);
    }

    /**
     * {@code compofa_event_elapsed_ms}.
     *
     * @param start an event recorded earlier
     * @param end an event recorded later
     * @return milliseconds from start to end
     */
    public static float eventElapsedMs(MemorySegment start, MemorySegment end) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_FLOAT);
            Status.check((int) H.EVENT_ELAPSED_MS.invokeExact(start, end, out));
            return out.get(JAVA_FLOAT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static void call(MethodHandle h, MemorySegment handle) {
        try {
            Status.check((int) h.invokeExact(handle));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static MemorySegment create(MethodHandle h, MemorySegment in) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            Status.check((int) h.invokeExact(in, out));
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- ops ------------------------------------------------------------------------------

    /**
     * Writes a {@code compofa_dwconv_shape} into {@code arena}.
     *
     * @param arena the arena that owns the struct
     * @param n batch size
     * @param h input height
     * @param w input width
     * @param c active channels
     * @param cMax supernet channels
     * @param k active kernel size
     * @param kMax supernet kernel size
     * @param stride stride, 1 or 2
     * @param transform {@link #TRANSFORM_NONE} or {@link #TRANSFORM_OFA}
     * @return the struct, in arena
     */
    public static MemorySegment dwconvShape(Arena arena, int n, int h, int w, int c, int cMax, int k, int kMax,
                                            int stride, int transform) {
        MemorySegment s = arena.allocate(DWCONV_SHAPE);
        int[] fields = {n, h, w, c, cMax, k, kMax, stride, transform};
        for (int i = 0; i < fields.length; i++) {
            s.setAtIndex(JAVA_INT, i, fields[i]);
        }
        return s;
    }

    /**
     * {@code compofa_dwconv_output_size}: {ho, wo}.
     *
     * @param shape the problem's shape struct
     * @return {ho, wo}
     */
    public static int[] dwconvOutputSize(MemorySegment shape) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ho = arena.allocate(JAVA_INT);
            MemorySegment wo = arena.allocate(JAVA_INT);
            Status.check((int) H.DWCONV_OUTPUT_SIZE.invokeExact(shape, ho, wo));
            return new int[] {ho.get(JAVA_INT, 0), wo.get(JAVA_INT, 0)};
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_dwconv_forward}; lengths are in floats.
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
     */
    public static void dwconvForward(MemorySegment ctx, MemorySegment stream, MemorySegment shape,
                                     MemorySegment x, long xLen, MemorySegment weight, long weightLen,
                                     MemorySegment t75, long t75Len, MemorySegment t53, long t53Len,
                                     MemorySegment y, long yLen) {
        try {
            Status.check((int) H.DWCONV_FORWARD.invokeExact(ctx, stream, shape, x, xLen, weight, weightLen,
                    t75, t75Len, t53, t53Len, y, yLen));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_dwconv_backward}; lengths are in floats; outputs may be NULL with length 0.
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
     * @param dy gradient of y
     * @param dyLen floats at {@code dy}
     * @param dx gradient of x
     * @param dxLen floats at {@code dx}
     * @param dweight gradient of weight, accumulated
     * @param dweightLen floats at {@code dweight}
     * @param dt75 gradient of t75, accumulated, or NULL
     * @param dt75Len floats at {@code dt75}
     * @param dt53 gradient of t53, accumulated, or NULL
     * @param dt53Len floats at {@code dt53}
     */
    public static void dwconvBackward(MemorySegment ctx, MemorySegment stream, MemorySegment shape,
                                      MemorySegment x, long xLen, MemorySegment weight, long weightLen,
                                      MemorySegment t75, long t75Len, MemorySegment t53, long t53Len,
                                      MemorySegment dy, long dyLen, MemorySegment dx, long dxLen,
                                      MemorySegment dweight, long dweightLen, MemorySegment dt75, long dt75Len,
                                      MemorySegment dt53, long dt53Len) {
        try {
            Status.check((int) H.DWCONV_BACKWARD.invokeExact(ctx, stream, shape, x, xLen, weight, weightLen,
                    t75, t75Len, t53, t53Len, dy, dyLen, dx, dxLen, dweight, dweightLen, dt75, dt75Len,
                    dt53, dt53Len));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_gemm}: row-major C = alpha op(A) op(B) + beta C; lengths in floats.
     *
     * @param ctx the context handle
     * @param stream the stream handle, or {@link MemorySegment#NULL} for the context's default stream
     * @param transA 1 to use A transposed, 0 as is
     * @param transB 1 to use B transposed, 0 as is
     * @param m rows of op(A) and C
     * @param n columns of op(B) and C
     * @param k columns of op(A), rows of op(B)
     * @param alpha scale of the product
     * @param a matrix A
     * @param aLen floats at {@code a}
     * @param lda row stride of A
     * @param b matrix B
     * @param bLen floats at {@code b}
     * @param ldb row stride of B
     * @param beta scale of the old C; 0 overwrites
     * @param c matrix C, updated
     * @param cLen floats at {@code c}
     * @param ldc row stride of C
     */
    public static void gemm(MemorySegment ctx, MemorySegment stream, int transA, int transB, int m, int n, int k,
                            float alpha, MemorySegment a, long aLen, int lda, MemorySegment b, long bLen, int ldb,
                            float beta, MemorySegment c, long cLen, int ldc) {
        try {
            Status.check((int) H.GEMM.invokeExact(ctx, stream, transA, transB, m, n, k, alpha, a, aLen, lda,
                    b, bLen, ldb, beta, c, cLen, ldc));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_slice_gather}: dst[i][j][l] = src[offset + i*s0 + j*s1 + l].
     *
     * @param ctx the context handle
     * @param stream the stream handle, or {@link MemorySegment#NULL} for the context's default stream
     * @param src source
     * @param srcLen floats at {@code src}
     * @param srcOffset offset in src, in floats
     * @param d0 extent of dimension 0
     * @param d1 extent of dimension 1
     * @param d2 extent of dimension 2 (contiguous)
     * @param s0 stride of dimension 0, in floats
     * @param s1 stride of dimension 1, in floats
     * @param dst destination
     * @param dstLen floats at {@code dst}
     */
    public static void sliceGather(MemorySegment ctx, MemorySegment stream, MemorySegment src, long srcLen,
                                   long srcOffset, int d0, int d1, int d2, long s0, long s1,
                                   MemorySegment dst, long dstLen) {
        try {
            Status.check((int) H.SLICE_GATHER.invokeExact(ctx, stream, src, srcLen, srcOffset, d0, d1, d2, s0, s1,
                    dst, dstLen));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_slice_scatter_add}: dst[offset + i*s0 + j*s1 + l] += alpha * src[(i*d1+j)*d2+l].
     *
     * @param ctx the context handle
     * @param stream the stream handle, or {@link MemorySegment#NULL} for the context's default stream
     * @param src source
     * @param srcLen floats at {@code src}
     * @param alpha scale of src
     * @param dst destination
     * @param dstLen floats at {@code dst}
     * @param dstOffset offset in dst, in floats
     * @param d0 extent of dimension 0
     * @param d1 extent of dimension 1
     * @param d2 extent of dimension 2 (contiguous)
     * @param s0 stride of dimension 0, in floats
     * @param s1 stride of dimension 1, in floats
     */
    public static void sliceScatterAdd(MemorySegment ctx, MemorySegment stream, MemorySegment src, long srcLen,
                                       float alpha, MemorySegment dst, long dstLen, long dstOffset,
                                       int d0, int d1, int d2, long s0, long s1) {
        try {
            Status.check((int) H.SLICE_SCATTER_ADD.invokeExact(ctx, stream, src, srcLen, alpha, dst, dstLen,
                    dstOffset, d0, d1, d2, s0, s1));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_fill}: dst[0..len) = value.
     *
     * @param ctx the context handle
     * @param stream the stream handle, or {@link MemorySegment#NULL} for the context's default stream
     * @param dst tensor filled
     * @param len elements to set
     * @param value value of every element
     */
    public static void fill(MemorySegment ctx, MemorySegment stream, MemorySegment dst, long len, float value) {
        try {
            Status.check((int) H.FILL.invokeExact(ctx, stream, dst, len, value));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
