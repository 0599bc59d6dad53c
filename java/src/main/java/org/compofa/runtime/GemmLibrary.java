package org.compofa.runtime;

import org.compofa.bindings.CompofaSettingsNative;

/**
 * Which library runs a CUDA context's plain GEMMs ({@code compofa_context_set_gemm_library}): the
 * backward products of the 1x1 convolutions, the stem's im2col GEMM and the classifier. cuBLAS is
 * loaded at run time where a machine has it ({@code COMPOFA_CUBLAS_LIBRARY}, else libcublas.so.13 or
 * .12 on the library path, e.g. from a PyTorch install), as an alternative path and as a benchmark
 * peer; it follows the {@link Precision} setting. The fused and statistics 1x1 convolutions always run ours.
 */
public enum GemmLibrary {
    /** compofa's own kernels (the default; every backend). */
    OURS(CompofaSettingsNative.GEMM_OURS),
    /** NVIDIA cuBLAS through cublasGemmEx (CUDA contexts where it is found). */
    CUBLAS(CompofaSettingsNative.GEMM_CUBLAS);

    private final int code;

    GemmLibrary(int code) {
        this.code = code;
    }

    /**
     * The ABI's {@code compofa_gemm_library} value.
     *
     * @return the code passed to the C ABI
     */
    public int code() {
        return code;
    }

    static GemmLibrary of(int code) {
        for (GemmLibrary l : values()) {
            if (l.code == code) {
                return l;
            }
        }
        throw new IllegalStateException("the library reported gemm library " + code + ", unknown to this version");
    }

    /**
     * Parses ours or cublas (any case).
     *
     * @param s {@code ours} or {@code cublas}, any case
     * @return the library named
     * @throws IllegalArgumentException for another name
     */
    public static GemmLibrary parse(String s) {
        for (GemmLibrary l : values()) {
            if (l.name().equalsIgnoreCase(s.trim())) {
                return l;
            }
        }
        throw new IllegalArgumentException("gemm library '" + s + "': allowed ours, cublas");
    }
}
