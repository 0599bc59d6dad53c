package org.compofa.runtime;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.compofa.bindings.InvalidArgumentException;
import org.compofa.bindings.InvalidHandleException;
import org.compofa.testing.BackendContexts;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * DeviceTimer on every backend (CUDA events on CUDA, a steady host clock elsewhere). No durations are
 * asserted: nested intervals on one stream must be ordered, whatever the machine's speed.
 */
@Tag("cuda") // also runs CUDA cases (SKIPPED without a device)
class DeviceTimerTest {
    /** Floats filled per unit of work: odd, and large enough that a fill takes well over a clock tick. */
    private static final int ROWS = 1021;
    private static final int COLS = 1023;

    @RegisterExtension
    static final BackendContexts contexts = new BackendContexts();  // closed after the class's tests

    private static void work(Tensor t, int fills) {
        for (int i = 0; i < fills; i++) {
            t.fill(i);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void elapsed_nestedIntervals_outerWithMoreWorkIsLonger(Backend backend) {
        ComputeContext ctx = contexts.get(backend);
        try (Tensor t = Tensor.zeros(ctx, Layout.MATRIX, ROWS, COLS);
             DeviceTimer outer = DeviceTimer.open(ctx);
             DeviceTimer inner = DeviceTimer.open(ctx)) {
            outer.start();
            inner.start();
            work(t, 1);
            inner.stop();
            work(t, 20);
            outer.stop();
            double in = inner.elapsedMillis();
            double out = outer.elapsedMillis();
            assertTrue(in >= 0, backend + ": inner " + in + " ms");
            assertTrue(out > in, backend + ": outer (21 fills) " + out + " ms vs inner (1 fill) " + in + " ms");

            inner.start();  // a stopped timer starts a new interval
            inner.stop();
            double empty = inner.elapsedMillis();
            assertTrue(empty >= 0, backend + ": empty interval " + empty + " ms");
            assertTrue(Double.isFinite(empty));
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void misuse_wrongOrderAndClosedTimer_clearExceptions(Backend backend) {
        ComputeContext ctx = contexts.get(backend);
        DeviceTimer timer = DeviceTimer.open(ctx);
        expect(IllegalStateException.class, "call start() first", timer::stop);
        expect(IllegalStateException.class, "not started", timer::elapsedMillis);
        timer.start();
        expect(IllegalStateException.class, "still running", timer::elapsedMillis);
        timer.stop();
        expect(IllegalStateException.class, "already stopped", timer::stop);
        assertTrue(timer.elapsedMillis() >= 0);

        timer.close();
        assertTrue(timer.isClosed());
        assertDoesNotThrow(timer::close, "a second close does nothing");
        expect(InvalidHandleException.class, "is closed", timer::start);
        expect(InvalidHandleException.class, "is closed", timer::stop);
        expect(InvalidHandleException.class, "is closed", timer::elapsedMillis);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void closingContext_closesItsTimers(Backend backend) {
        contexts.get(backend);  // skips CUDA without a device
        ComputeContext ctx = ComputeContext.open(backend);
        DeviceTimer timer = DeviceTimer.open(ctx);
        timer.start();
        ctx.close();  // would fail natively if the timer's events were still alive
        assertTrue(ctx.isClosed());
        assertTrue(timer.isClosed());
        expect(InvalidHandleException.class, "is closed", timer::stop);
        expect(InvalidHandleException.class, "context is closed", () -> DeviceTimer.open(ctx));
    }

    @Test
    void open_nullContext_invalidArgument() {
        expect(InvalidArgumentException.class, "context must not be null", () -> DeviceTimer.open(null));
    }

    private static void expect(Class<? extends Throwable> type, String fragment, Executable call) {
        Throwable e = assertThrows(type, call);
        assertTrue(e.getMessage().contains(fragment), () -> "message '" + e.getMessage() + "' lacks '" + fragment + "'");
    }
}
