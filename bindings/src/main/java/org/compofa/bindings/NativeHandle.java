package org.compofa.bindings;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An owned native handle ({@code compofa_context*}, {@code compofa_buffer*}, ...). Closing is atomic
 * and idempotent: the first {@link #close()} destroys the native object, later ones do nothing. Any
 * use after close throws {@link InvalidHandleException} in Java, before the library is reached.
 * A handle may be used from several threads; it must not be closed while another thread still
 * uses it (the library's handle registry turns most such races into INVALID_HANDLE, not a crash).
 */
public abstract sealed class NativeHandle implements AutoCloseable
        permits ContextHandle, BufferHandle, StreamHandle, EventHandle {

    private final AtomicLong address;
    private final String kind;

    NativeHandle(String kind, MemorySegment handle) {
        if (handle.equals(MemorySegment.NULL)) {
            throw new InternalNativeException(kind + ": the library returned OK and a NULL handle");
        }
        this.kind = kind;
        this.address = new AtomicLong(handle.address());
    }

    /**
     * The native handle's address (the {@code compofa_*} pointer, not the data it describes).
     *
     * @throws InvalidHandleException when this handle is closed
     */
    public final long address() {
        long a = address.get();
        if (a == 0) {
            throw new InvalidHandleException(kind + " is closed; create a new one (closed handles cannot be used)");
        }
        return a;
    }

    /** The native handle as a zero-length segment, for {@link CompofaNative}. */
    public final MemorySegment segment() {
        return MemorySegment.ofAddress(address());
    }

    /** Whether {@link #close()} has run. */
    public final boolean isClosed() {
        return address.get() == 0;
    }

    /** What kind of handle this is, for messages ("context", "buffer", ...). */
    public final String kind() {
        return kind;
    }

    /**
     * Destroys the native object; a second call does nothing. If the library refuses (for example a
     * context that still owns buffers), the handle stays open and the typed exception is thrown.
     */
    @Override
    public final void close() {
        long a = address.getAndSet(0);
        if (a == 0) {
            return;
        }
        try {
            destroy(MemorySegment.ofAddress(a));
        } catch (CompofaException e) {
            if (e.status() != Status.INVALID_HANDLE) {
                address.compareAndSet(0, a);  // still alive natively: keep it usable and closable
            }
            throw e;
        }
    }

    /** Destroys the native object behind {@code handle}. */
    abstract void destroy(MemorySegment handle);

    /** The segment of a nullable handle: {@link MemorySegment#NULL} for null. */
    static MemorySegment segmentOrNull(NativeHandle h) {
        return h == null ? MemorySegment.NULL : h.segment();
    }

    @Override
    public String toString() {
        long a = address.get();
        return kind + (a == 0 ? "[closed]" : "[0x" + Long.toHexString(a) + "]");
    }
}
