package org.compofa.bindings;

import java.lang.foreign.MemorySegment;

/**
 * A {@code compofa_context}: one backend (and CUDA device) with its default stream. Buffers, streams
 * and events are created from it and must be closed before it; closing a context that still owns
 * some throws {@link InvalidArgumentException} and leaves it open. Its methods hold a use of the
 * handle while they run (see {@link NativeHandle}).
 */
public final class ContextHandle extends NativeHandle {
    private final int backend;
    private final int device;

    private ContextHandle(MemorySegment handle, int backend, int device) {
        super("context", handle);
        this.backend = backend;
        this.device = device;
    }

    /**
     * Creates a context.
     *
     * @param backend {@link CompofaNative#BACKEND_REFERENCE}, {@link CompofaNative#BACKEND_CPU} or
     *                {@link CompofaNative#BACKEND_CUDA}
     * @param device  the CUDA device ordinal; 0 for the host backends
     * @return the context; close it when done
     * @throws BackendUnavailableException when the backend is not built in or has no device
     * @throws InvalidArgumentException    for an unknown backend or device
     */
    public static ContextHandle create(int backend, int device) {
        return new ContextHandle(CompofaNative.contextCreate(backend, device), backend, device);
    }

    /**
     * The backend code this context was created with.
     *
     * @return the backend code
     */
    public int backend() {
        return backend;
    }

    /**
     * The device ordinal (0 on the host backends).
     *
     * @return the device ordinal
     */
    public int device() {
        return device;
    }

    /**
     * Whether the context's memory is host memory (REFERENCE and CPU backends).
     *
     * @return true for REFERENCE and CPU
     */
    public boolean isHost() {
        return backend != CompofaNative.BACKEND_CUDA;
    }

    /** Waits for all work of the context, on every stream. */
    public void synchronize() {
        acquire();
        try {
            CompofaNative.contextSynchronize(segment());
        } finally {
            release();
        }
    }

    /**
     * Threads of the CPU backend's kernels; ignored by the other backends.
     *
     * @param threads 1..1024, or 0 for one per CPU
     */
    public void setThreads(int threads) {
        acquire();
        try {
            CompofaNative.contextSetThreads(segment(), threads);
        } finally {
            release();
        }
    }

    /**
     * The arithmetic of the context's GEMMs, a {@code CompofaSettingsNative.PRECISION_*} code.
     *
     * @param precision a {@code PRECISION_*} code
     */
    public void setPrecision(int precision) {
        acquire();
        try {
            CompofaSettingsNative.contextSetPrecision(segment(), precision);
        } finally {
            release();
        }
    }

    /**
     * Which library runs the plain GEMMs, a {@code CompofaSettingsNative.GEMM_*} code.
     *
     * @param library a {@code GEMM_*} code
     */
    public void setGemmLibrary(int library) {
        acquire();
        try {
            CompofaSettingsNative.contextSetGemmLibrary(segment(), library);
        } finally {
            release();
        }
    }

    /**
     * The current {@code CompofaSettingsNative.GEMM_*} code.
     *
     * @return the code
     */
    public int gemmLibrary() {
        acquire();
        try {
            return CompofaSettingsNative.contextGemmLibrary(segment());
        } finally {
            release();
        }
    }

    /**
     * The current {@code CompofaSettingsNative.PRECISION_*} code.
     *
     * @return the code
     */
    public int precision() {
        acquire();
        try {
            return CompofaSettingsNative.contextPrecision(segment());
        } finally {
            release();
        }
    }

    @Override
    void destroy(MemorySegment handle) {
        CompofaNative.contextDestroy(handle);
    }

    @Override
    public String toString() {
        return super.toString() + "(backend " + backend + ", device " + device + ")";
    }
}
