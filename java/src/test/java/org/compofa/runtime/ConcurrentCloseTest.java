package org.compofa.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.compofa.bindings.HandleBusyException;
import org.compofa.bindings.InvalidHandleException;
import org.compofa.ops.Elementwise;
import org.junit.jupiter.api.Test;

/**
 * Closing a context or a tensor while other threads run ops on it: no crash, every failure of an op
 * an {@link InvalidHandleException}, every op that completed gave the right result, and a close
 * frees nothing while an op still holds the memory. The races are random (seeded delays); the
 * hand-over tests hold an {@link OpScope} explicitly, so their outcome does not depend on timing.
 */
class ConcurrentCloseTest {
    private static final int REPETITIONS = 100;
    private static final int WORKERS = 3;
    private static final int FLOATS = (1 << 18) + 37;  // odd; ~1 MiB, so closes often meet running ops

    private static float[] seeded(SplittableRandom rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rng.nextDouble(-1, 1);
        }
        return a;
    }

    /**
     * Workers run y = alpha x (alpha 1 or 2, exact in float) on their own y and read y back; the main
     * thread closes {@code victim} (x, or the whole context) after a random delay. Returns the number
     * of ops that completed and were checked.
     */
    private static int race(long seed, boolean closeContext) throws InterruptedException {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] xs = seeded(rng, FLOATS);
        ComputeContext ctx = ComputeContext.open(Backend.CPU);
        Tensor x = Tensor.of(ctx, Layout.VECTOR, xs, FLOATS);
        List<Tensor> ys = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            ys.add(Tensor.zeros(ctx, Layout.VECTOR, FLOATS));
        }
        ConcurrentLinkedQueue<Throwable> wrong = new ConcurrentLinkedQueue<>();
        AtomicInteger checked = new AtomicInteger();
        CountDownLatch running = new CountDownLatch(WORKERS);
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            Tensor y = ys.get(w);
            Thread t = new Thread(() -> {
                running.countDown();
                for (int i = 0; ; i++) {
                    float alpha = 1 + (i & 1);
                    try {
                        Elementwise.axpby(ctx, alpha, x, 0f, y);
                        float[] got = y.toArray();
                        for (int k = 0; k < FLOATS; k++) {
                            if (got[k] != alpha * xs[k]) {
                                wrong.add(new AssertionError("y[" + k + "] = " + got[k] + ", expected "
                                        + alpha * xs[k]));
                                return;
                            }
                        }
                        checked.incrementAndGet();
                    } catch (InvalidHandleException e) {
                        return;  // the expected end: x, y or the context is closed
                    } catch (Throwable e) {
                        wrong.add(e);
                        return;
                    }
                }
            });
            workers.add(t);
            t.start();
        }
        running.await();
        LockSupport.parkNanos(rng.nextLong(3_000_000));
        if (closeContext) {
            ctx.close();
            assertTrue(ctx.isClosed());
            assertEquals(0, ctx.liveTensors());
        } else {
            x.close();
            assertTrue(x.isClosed());
        }
        for (Thread t : workers) {
            t.join();
        }
        assertTrue(wrong.isEmpty(), () -> "unexpected failures: " + wrong);
        ctx.close();
        return checked.get();
    }

    @Test
    void closeTensor_whileOpsRun_opsFailTypedAndCompletedOpsAreRight() throws InterruptedException {
        int checked = 0;
        for (int rep = 0; rep < REPETITIONS; rep++) {
            checked += race(1000 + rep, false);
        }
        assertTrue(checked > 0, "some ops completed before the closes");
    }

    @Test
    void closeContext_whileOpsRun_opsFailTypedAndCompletedOpsAreRight() throws InterruptedException {
        int checked = 0;
        for (int rep = 0; rep < REPETITIONS; rep++) {
            checked += race(5000 + rep, true);
        }
        assertTrue(checked > 0, "some ops completed before the closes");
    }

    @Test
    void close_waitsForAHeldOp_andRefusesNewOps() throws InterruptedException {
        try (ComputeContext ctx = ComputeContext.open(Backend.CPU)) {
            Tensor x = Tensor.of(ctx, Layout.VECTOR, new float[] {1, 2, 3}, 3);
            Tensor y = Tensor.zeros(ctx, Layout.VECTOR, 3);
            Thread closer;
            try (OpScope op = ctx.op()) {
                long address = op.address(x);
                closer = new Thread(x::close);
                closer.start();
                while (!x.isClosed()) {
                    Thread.onSpinWait();
                }
                InvalidHandleException refused = assertThrows(InvalidHandleException.class,
                        () -> Elementwise.axpby(ctx, 1f, x, 0f, y));
                assertTrue(refused.getMessage().contains("closed"), refused.getMessage());
                assertTrue(closer.isAlive(), "the close waits while the op holds x");
                // The memory is still mapped: reading it through the held address must not fault.
                assertEquals(2f, java.lang.foreign.MemorySegment.ofAddress(address).reinterpret(12)
                        .getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, 1));
            }
            closer.join();
            assertEquals(1, ctx.liveTensors(), "x is gone, y remains");
            Elementwise.axpby(ctx, 1f, y, 0f, Tensor.zeros(ctx, Layout.VECTOR, 3));
        }
    }

    @Test
    void close_interruptedWhileWaiting_throwsBusyAndStaysOpen() throws InterruptedException {
        try (ComputeContext ctx = ComputeContext.open(Backend.CPU)) {
            float[] data = {4, 5, 6, 7, 8};
            Tensor x = Tensor.of(ctx, Layout.VECTOR, data, 5);
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicReference<Boolean> interruptKept = new AtomicReference<>();
            Thread closer;
            try (OpScope op = ctx.op()) {
                op.address(x);
                closer = new Thread(() -> {
                    try {
                        ctx.close();
                    } catch (Throwable e) {
                        thrown.set(e);
                    }
                    interruptKept.set(Thread.currentThread().isInterrupted());
                });
                closer.start();
                while (!x.isClosed()) {
                    Thread.onSpinWait();
                }
                closer.interrupt();
                closer.join();
            }
            HandleBusyException busy = assertInstanceOf(HandleBusyException.class, thrown.get());
            assertTrue(busy.getMessage().contains("interrupted"), busy.getMessage());
            assertTrue(interruptKept.get(), "the interrupt status is set again");
            assertFalse(ctx.isClosed(), "a failed close leaves the context open");
            assertFalse(x.isClosed(), "and the tensor it could not free");
            assertArrayEquals(data, x.toArray());
        }
    }

    @Test
    void opScope_releasesOnFailure_soCloseDoesNotWait() {
        ComputeContext ctx = ComputeContext.open(Backend.CPU);
        Tensor x = Tensor.zeros(ctx, Layout.VECTOR, 4);
        Tensor closed = Tensor.zeros(ctx, Layout.VECTOR, 4);
        closed.close();
        for (int i = 0; i < 1000; i++) {  // each op holds x, then fails on the closed tensor
            assertThrows(InvalidHandleException.class, () -> Elementwise.axpby(ctx, 1f, x, 0f, closed));
            OpScope op = ctx.op();
            op.address(x);
            assertThrows(InvalidHandleException.class, () -> op.address(closed));
            op.close();
        }
        assertEquals(0, x.buffer().uses());
        assertNotNull(ctx.handle());
        ctx.close();  // would wait 60 s and throw HandleBusyException if a use had leaked
        assertTrue(x.isClosed());
    }
}
