package org.compofa.bindings;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.compofa.bindings.CompofaNative.bind;
import static org.compofa.bindings.CompofaNative.rethrow;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;

/**
 * The downcalls of a context's arithmetic settings ({@code compofa.h}, "contexts"): the GEMM precision
 * and the GEMM library. Same rules as {@link CompofaNative}.
 */
public final class CompofaSettingsNative {
    private CompofaSettingsNative() {}

    /** {@code compofa_precision}: fp32 GEMMs (the default). */
    public static final int PRECISION_FP32 = 0;
    /** {@code compofa_precision}: tensor-core GEMMs with TF32 operands (CUDA; host backends compute fp32). */
    public static final int PRECISION_TF32 = 1;
    /** {@code compofa_precision}: tensor-core GEMMs with BF16 operands (CUDA; host backends compute fp32). */
    public static final int PRECISION_BF16 = 2;
    /** {@code compofa_gemm_library}: our GEMM kernels (the default). */
    public static final int GEMM_OURS = 0;
    /** {@code compofa_gemm_library}: cuBLAS, loaded at run time (CUDA contexts). */
    public static final int GEMM_CUBLAS = 1;

    /** The symbols of the settings; the loader refuses a library that lacks one. */
    static final List<String> SYMBOLS = List.of("compofa_context_set_precision", "compofa_context_precision",
            "compofa_context_set_gemm_library", "compofa_context_gemm_library");

    private static final FunctionDescriptor SET = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT);
    private static final FunctionDescriptor GET = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);

    private static final class H {
        static final MethodHandle SET_PRECISION = bind("compofa_context_set_precision", SET);
        static final MethodHandle PRECISION = bind("compofa_context_precision", GET);
        static final MethodHandle SET_GEMM_LIBRARY = bind("compofa_context_set_gemm_library", SET);
        static final MethodHandle GEMM_LIBRARY = bind("compofa_context_gemm_library", GET);
    }

    /**
     * {@code compofa_context_set_precision}: a {@code PRECISION_*} code.
     *
     * @param ctx the context handle
     * @param precision a {@code PRECISION_*} code
     */
    public static void contextSetPrecision(MemorySegment ctx, int precision) {
        set(H.SET_PRECISION, ctx, precision);
    }

    /**
     * {@code compofa_context_precision}.
     *
     * @param ctx the context handle
     * @return a {@code PRECISION_*} code
     */
    public static int contextPrecision(MemorySegment ctx) {
        return get(H.PRECISION, ctx);
    }

    /**
     * {@code compofa_context_precision} writing to {@code out} (an int32).
     *
     * @param ctx the context handle
     * @param out receives the code
     */
    public static void contextPrecisionInto(MemorySegment ctx, MemorySegment out) {
        getInto(H.PRECISION, ctx, out);
    }

    /**
     * {@code compofa_context_set_gemm_library}: a {@code GEMM_*} code.
     *
     * @param ctx the context handle
     * @param library a {@code GEMM_*} code
     */
    public static void contextSetGemmLibrary(MemorySegment ctx, int library) {
        set(H.SET_GEMM_LIBRARY, ctx, library);
    }

    /**
     * {@code compofa_context_gemm_library}.
     *
     * @param ctx the context handle
     * @return a {@code GEMM_*} code
     */
    public static int contextGemmLibrary(MemorySegment ctx) {
        return get(H.GEMM_LIBRARY, ctx);
    }

    private static void set(MethodHandle h, MemorySegment ctx, int value) {
        try {
            Status.check((int) h.invokeExact(ctx, value));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static int get(MethodHandle h, MemorySegment ctx) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            getInto(h, ctx, out);
            return out.get(JAVA_INT, 0);
        }
    }

    private static void getInto(MethodHandle h, MemorySegment ctx, MemorySegment out) {
        try {
            Status.check((int) h.invokeExact(ctx, out));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
