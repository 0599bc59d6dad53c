package org.compofa.bindings;

import java.lang.foreign.MemorySegment;

/**
 * A {@code compofa_stream}: an owned CUDA stream, a wrapped foreign {@code cudaStream_t} (for example
 * another framework's, not destroyed by close), or a no-op handle on the host backends, whose ops are
 * synchronous.
 */
public final class StreamHandle extends NativeHandle {
    private final ContextHandle context;

    private StreamHandle(MemorySegment handle, ContextHandle context) {
        super("stream", handle);
        this.context = context;
    }

    /**
     * Creates a stream owned by this handle.
     *
     * @param context the owning context
     * @return the stream; close it when done
     */
    public static StreamHandle create(ContextHandle context) {
        context.acquire();
        try {
            return new StreamHandle(CompofaNative.streamCreate(context.segment()), context);
        } finally {
            context.release();
        }
    }

    /**
     * Wraps a foreign {@code cudaStream_t} so compofa's kernels run on it; closing the handle does not
     * destroy the foreign stream.
     *
     * @param context the owning context
     * @param nativeStream the cudaStream_t address; 0 wraps the legacy default stream (CUDA only)
     * @return the handle
     * @throws WrongBackendException for a non-zero stream on a host context
     */
    public static StreamHandle wrap(ContextHandle context, long nativeStream) {
        context.acquire();
        try {
            return new StreamHandle(CompofaNative.streamWrap(context.segment(), MemorySegment.ofAddress(nativeStream)),
                    context);
        } finally {
            context.release();
        }
    }

    /**
     * The context the stream belongs to.
     *
     * @return the context
     */
    public ContextHandle context() {
        return context;
    }

    /** Waits for the stream's work. */
    public void synchronize() {
        acquire();
        try {
            CompofaNative.streamSynchronize(segment());
        } finally {
            release();
        }
    }

    /**
     * The {@code cudaStream_t} address (0 on the host backends), for other CUDA code.
     *
     * @return the stream address, or 0
     */
    public long nativeStream() {
        acquire();
        try {
            return CompofaNative.streamNative(segment()).address();
        } finally {
            release();
        }
    }

    @Override
    void destroy(MemorySegment handle) {
        CompofaNative.streamDestroy(handle);
    }
}
