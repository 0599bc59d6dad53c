package org.compofa.bindings;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An owned native handle ({@code compofa_context*}, {@code compofa_buffer*}, ...): an opaque token of
 * the library, never reissued, so a closed handle stays invalid however many new ones exist.
 *
 * <p>Thread-safe, with a use count: code that passes the handle (or memory it owns) to a downcall
 * brackets the call with {@link #acquire()} and {@link #release()}; the handle's own methods do so.
 * {@link #close()} marks the handle closed, so a use that starts later throws
 * {@link InvalidHandleException}; it then waits for the running uses to end and only then destroys
 * the native object, so no downcall ever runs on freed memory. The wait is bounded
 * ({@value #CLOSE_WAIT_PROPERTY}, default 60 s); when it passes, or the waiting thread is interrupted,
 * close throws {@link HandleBusyException}, frees nothing and leaves the handle open.
 */
public abstract sealed class NativeHandle implements AutoCloseable
        permits ContextHandle, BufferHandle, StreamHandle, EventHandle, CommHandle {

    /** System property: how long {@link #close()} waits for running uses, in milliseconds. */
    public static final String CLOSE_WAIT_PROPERTY = "compofa.closeWaitMillis";

    private static final long CLOSE_WAIT_NANOS =
            TimeUnit.MILLISECONDS.toNanos(Long.getLong(CLOSE_WAIT_PROPERTY, 60_000L));
    private static final long CLOSED = 1L << 62;       // no new uses; destroy pending or done
    private static final long USES = (1L << 32) - 1;   // running uses

    private final long token;
    private final String kind;
    private final AtomicLong state = new AtomicLong();
    /** Monitor of the closer's waits: releases and finished closes notify it. */
    private final Object monitor = new Object();
    private boolean closing;    // a close() is in progress; guarded by monitor
    private boolean destroyed;  // guarded by monitor

    NativeHandle(String kind, MemorySegment handle) {
        if (handle.equals(MemorySegment.NULL)) {
            throw new InternalNativeException(kind + ": the library returned OK and a NULL handle");
        }
        this.kind = kind;
        this.token = handle.address();
    }

    /**
     * The native handle's value (the {@code compofa_*} token, not the data it describes).
     *
     * @return the handle value, non-zero while open
     * @throws InvalidHandleException when this handle is closed
     */
    public final long address() {
        if ((state.get() & CLOSED) != 0) {
            throw closedException();
        }
        return token;
    }

    /**
     * The native handle as a zero-length segment, for {@link CompofaNative}.
     *
     * @return a zero-length segment at {@link #address()}
     */
    public final MemorySegment segment() {
        return MemorySegment.ofAddress(address());
    }

    /**
     * Whether the handle is closed (or being closed): new uses are refused.
     *
     * @return true once closing has started
     */
    public final boolean isClosed() {
        return (state.get() & CLOSED) != 0;
    }

    /**
     * What kind of handle this is, for messages ("context", "buffer", ...).
     *
     * @return the kind, in words
     */
    public final String kind() {
        return kind;
    }

    /**
     * Starts a use: until the matching {@link #release()}, {@link #close()} waits instead of freeing
     * the native object. Pair every successful call with one release, in a {@code finally}.
     *
     * @throws InvalidHandleException when the handle is closed or being closed
     */
    public final void acquire() {
        for (;;) {
            long s = state.get();
            if ((s & CLOSED) != 0) {
                throw closedException();
            }
            if ((s & USES) == USES) {
                throw new InternalNativeException(kind + ": more than 2^32 - 1 simultaneous uses");
            }
            if (state.compareAndSet(s, s + 1)) {
                return;
            }
        }
    }

    /** Ends a use started by {@link #acquire()}; the last one wakes a waiting {@link #close()}. */
    public final void release() {
        for (;;) {
            long s = state.get();
            if ((s & USES) == 0) {
                throw new IllegalStateException(kind + ": release() without a matching acquire()");
            }
            if (state.compareAndSet(s, s - 1)) {
                if ((s & CLOSED) != 0 && (s & USES) == 1) {
                    synchronized (monitor) {
                        monitor.notifyAll();
                    }
                }
                return;
            }
        }
    }

    /**
     * Running uses now (for messages and tests).
     *
     * @return the number of calls using the handle now, &gt;= 0
     */
    public final int uses() {
        return (int) (state.get() & USES);
    }

    /**
     * Closes the handle: refuses new uses, waits for the running ones to end, then destroys the native
     * object. A second call, or one while another thread closes it, returns once that close has ended.
     * If the wait gives up, or the library refuses (for example a context that still owns buffers),
     * nothing is freed, the handle stays open and the typed exception is thrown.
     *
     * @throws HandleBusyException when uses did not end within the bound, or the thread was interrupted
     *                             while waiting (its interrupt status is set again)
     */
    @Override
    public final void close() {
        long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
        synchronized (monitor) {
            while (closing) {  // another thread's close: wait for its outcome
                waitUntil(deadline, "another thread's close of it");
            }
            if (destroyed) {
                return;
            }
            closing = true;
            state.getAndAdd(CLOSED);
        }
        boolean done = false;
        try {
            synchronized (monitor) {
                while ((state.get() & USES) != 0) {
                    waitUntil(deadline, uses() + " running op(s) using it");
                }
            }
            try {
                destroy(MemorySegment.ofAddress(token));
            } catch (CompofaException e) {
                if (e.status() == Status.INVALID_HANDLE) {
                    done = true;  // already gone natively: stays closed
                }
                throw e;
            }
            done = true;
        } finally {
            synchronized (monitor) {
                closing = false;
                if (done) {
                    destroyed = true;
                } else {
                    state.getAndAdd(-CLOSED);  // still alive natively: usable and closable again
                }
                monitor.notifyAll();
            }
        }
    }

    /** One bounded wait on the monitor (held by the caller) for {@code what} to end. */
    private void waitUntil(long deadline, String what) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new HandleBusyException(this + ": close waited " + TimeUnit.NANOSECONDS.toMillis(CLOSE_WAIT_NANOS)
                    + " ms for " + what + " to end; it stays open, close it again when they are done (bound: "
                    + "system property " + CLOSE_WAIT_PROPERTY + ")");
        }
        try {
            TimeUnit.NANOSECONDS.timedWait(monitor, left);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HandleBusyException(this + ": close was interrupted while waiting for " + what
                    + " to end; it stays open, close it again when they are done");
        }
    }

    private InvalidHandleException closedException() {
        return new InvalidHandleException(kind + " is closed; create a new one (closed handles cannot be used)");
    }

    /** Destroys the native object behind {@code handle}. */
    abstract void destroy(MemorySegment handle);

    /** The segment of a nullable handle: {@link MemorySegment#NULL} for null. */
    static MemorySegment segmentOrNull(NativeHandle h) {
        return h == null ? MemorySegment.NULL : h.segment();
    }

    /** Acquires a nullable handle (see {@link #acquire()}); does nothing for null. */
    static void acquireIfPresent(NativeHandle h) {
        if (h != null) {
            h.acquire();
        }
    }

    /** Releases a nullable handle acquired by {@link #acquireIfPresent}. */
    static void releaseIfPresent(NativeHandle h) {
        if (h != null) {
            h.release();
        }
    }

    @Override
    public String toString() {
        return kind + (isClosed() ? "[closed]" : "[0x" + Long.toHexString(token) + "]");
    }
}
