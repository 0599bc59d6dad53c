package org.compofa.bindings;

import java.lang.foreign.MemorySegment;

/** A {@code compofa_event}: a CUDA event on CUDA, a steady host clock reading on the host backends. */
public final class EventHandle extends NativeHandle {
    private final ContextHandle context;

    private EventHandle(MemorySegment handle, ContextHandle context) {
        super("event", handle);
        this.context = context;
    }

    /**
     * Creates an event of the context.
     *
     * @param context the owning context
     * @return the event; close it when done
     */
    public static EventHandle create(ContextHandle context) {
        context.acquire();
        try {
            return new EventHandle(CompofaNative.eventCreate(context.segment()), context);
        } finally {
            context.release();
        }
    }

    /**
     * The context the event belongs to.
     *
     * @return the context
     */
    public ContextHandle context() {
        return context;
    }

    /**
     * Records the event on a stream (null = the context's default stream).
     *
     * @param stream the stream, or null for the default stream
     */
    public void record(StreamHandle stream) {
        acquire();
        try {
            acquireIfPresent(stream);
            try {
                CompofaNative.eventRecord(segment(), segmentOrNull(stream));
            } finally {
                releaseIfPresent(stream);
            }
        } finally {
            release();
        }
    }

    /** Waits until the recorded event has completed. */
    public void synchronize() {
        acquire();
        try {
            CompofaNative.eventSynchronize(segment());
        } finally {
            release();
        }
    }

    /**
     * Milliseconds from {@code start} to this event; both must be recorded.
     *
     * @param start an event recorded before this one
     * @return elapsed milliseconds, &gt;= 0
     */
    public float elapsedMsSince(EventHandle start) {
        start.acquire();
        try {
            acquire();
            try {
                return CompofaNative.eventElapsedMs(start.segment(), segment());
            } finally {
                release();
            }
        } finally {
            start.release();
        }
    }

    @Override
    void destroy(MemorySegment handle) {
        CompofaNative.eventDestroy(handle);
    }
}
