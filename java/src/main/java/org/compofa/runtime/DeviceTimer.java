package org.compofa.runtime;

import org.compofa.bindings.DeviceException;
import org.compofa.bindings.EventHandle;
import org.compofa.bindings.InvalidArgumentException;
import org.compofa.bindings.InvalidHandleException;

/**
 * Times the work queued on a context's default stream with the clock of the device that runs it: a
 * pair of CUDA events on CUDA (GPU time between the two records, however late the host waits for it),
 * a steady host clock on REFERENCE and CPU, whose ops run synchronously (so there it is wall time).
 *
 * <p>One interval at a time: {@link #start()}, queue work, {@link #stop()}, {@link #elapsedMillis()};
 * the timer may be started again for the next interval. Owns two native events: close it, or close its
 * context. Not thread-safe.
 */
public final class DeviceTimer implements AutoCloseable {
    private enum State { IDLE, STARTED, STOPPED }

    private final ComputeContext context;
    private final EventHandle begin;
    private final EventHandle end;
    private State state = State.IDLE;

    private DeviceTimer(ComputeContext context, EventHandle begin, EventHandle end) {
        this.context = context;
        this.begin = begin;
        this.end = end;
    }

    /**
     * A timer of the context's default stream.
     *
     * @param context the context whose default stream is timed
     * @return an idle timer; close it (or its context) when done
     * @throws InvalidArgumentException when the context is null
     * @throws InvalidHandleException   when the context is closed
     * @throws DeviceException          when CUDA cannot create the events
     */
    public static DeviceTimer open(ComputeContext context) {
        if (context == null) {
            throw new InvalidArgumentException("context must not be null");
        }
        EventHandle begin = EventHandle.create(context.handle());
        EventHandle end = null;
        try {
            end = EventHandle.create(context.handle());
            DeviceTimer timer = new DeviceTimer(context, begin, end);
            context.register(timer);
            return timer;
        } catch (RuntimeException e) {
            begin.close();
            if (end != null) {
                end.close();
            }
            throw e;
        }
    }

    /**
     * The context whose default stream is timed.
     *
     * @return the timed context
     */
    public ComputeContext context() {
        return context;
    }

    /**
     * Marks the start of an interval after the work queued so far.
     *
     * @throws InvalidHandleException when the timer (or its context) is closed
     */
    public void start() {
        checkOpen();
        begin.record(null);
        state = State.STARTED;
    }

    /**
     * Marks the end of the interval after the work queued since {@link #start()}; does not wait.
     *
     * @throws IllegalStateException  when the timer was not started
     * @throws InvalidHandleException when the timer (or its context) is closed
     */
    public void stop() {
        checkOpen();
        if (state != State.STARTED) {
            throw new IllegalStateException("stop() needs a running timer; it is "
                    + (state == State.IDLE ? "not started" : "already stopped") + "; call start() first");
        }
        end.record(null);
        state = State.STOPPED;
    }

    /**
     * Milliseconds between {@link #start()} and {@link #stop()}; waits for the work before the stop to
     * finish.
     *
     * @return elapsed milliseconds, &gt;= 0
     * @throws IllegalStateException  when the timer has not been started and stopped
     * @throws InvalidHandleException when the timer (or its context) is closed
     */
    public double elapsedMillis() {
        checkOpen();
        if (state != State.STOPPED) {
            throw new IllegalStateException("elapsedMillis() needs start() then stop(); the timer is "
                    + (state == State.IDLE ? "not started" : "still running"));
        }
        return end.elapsedMsSince(begin);
    }

    /**
     * Whether the timer (or its context) is closed.
     *
     * @return true once the timer or its context is closed
     */
    public boolean isClosed() {
        return begin.isClosed() || end.isClosed();
    }

    private void checkOpen() {
        if (isClosed()) {
            throw new InvalidHandleException("timer on " + context + " is closed; open a new one");
        }
    }

    /** Frees the events; a second call does nothing. */
    @Override
    public void close() {
        try {
            begin.close();
        } finally {
            end.close();
            context.unregister(this);
        }
    }

    @Override
    public String toString() {
        return "DeviceTimer on " + context + (isClosed() ? " (closed)" : "");
    }
}
