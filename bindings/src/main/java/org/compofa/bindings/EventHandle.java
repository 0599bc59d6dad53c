package org.compofa.bindings;

import java.lang.foreign.MemorySegment;

/** A {@code compofa_event}: a CUDA event on CUDA, a steady host clock reading on the host backends. */
public final class EventHandle extends NativeHandle {
    private final ContextHandle context;

    private EventHandle(MemorySegment handle, ContextHandle context) {
        super("event", handle);
        this.context = context;
    }

    /** Creates an event of the context. */
    public static EventHandle create(ContextHandle context) {
        return new EventHandle(CompofaNative.eventCreate(context.segment()), context);
    }

    /** The context the event belongs to. */
    public ContextHandle context() {
        return context;
    }

    /** Records the event on a stream (null = the context's default stream). */
    public void record(StreamHandle stream) {
        CompofaNative.eventRecord(segment(), segmentOrNull(stream));
    }

    /** Waits until the recorded event has completed. */
    public void synchronize() {
        CompofaNative.eventSynchronize(segment());
    }

    /** Milliseconds from {@code start} to this event; both must be recorded. */
    public float elapsedMsSince(EventHandle start) {
        return CompofaNative.eventElapsedMs(start.segment(), segment());
    }

    @Override
    void destroy(MemorySegment handle) {
        CompofaNative.eventDestroy(handle);
    }
}
