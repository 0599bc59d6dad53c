package org.compofa.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntUnaryOperator;

/**
 * The batches of one epoch in order, each next batch built on a background (daemon) thread while
 * the caller works on the current one. Deterministic: batch {@code i} equals
 * {@code loader.batch(epoch, i, resolution(i))} whatever the timing.
 *
 * <p>Close it (try-with-resources) to stop the background thread when leaving an epoch early. An
 * error building a batch is thrown by {@link #next()} for that batch, with its original type.
 */
public final class PrefetchingIterator implements Iterator<Batch>, AutoCloseable {
    private final BatchLoader loader;
    private final int epoch;
    private final IntUnaryOperator resolutionOfBatch;
    private final int batches;
    private final ExecutorService worker;
    private Future<Batch> pending;
    private int nextIndex;

    PrefetchingIterator(BatchLoader loader, int epoch, IntUnaryOperator resolutionOfBatch) {
        this.loader = loader;
        this.epoch = epoch;
        this.resolutionOfBatch = resolutionOfBatch;
        this.batches = loader.batchesPerEpoch();
        this.worker = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "compofa-batch-prefetch-epoch-" + epoch);
            t.setDaemon(true);
            return t;
        });
        submit(0);
    }

    @Override
    public boolean hasNext() {
        return nextIndex < batches;
    }

    @Override
    public Batch next() {
        if (!hasNext()) {
            throw new NoSuchElementException("epoch " + epoch + " has " + batches + " batches");
        }
        Future<Batch> current = pending;
        nextIndex++;
        submit(nextIndex);
        try {
            return current.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for batch " + (nextIndex - 1), e);
        } catch (ExecutionException e) {
            close();
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("batch " + (nextIndex - 1) + " of epoch " + epoch + " failed", e);
        } finally {
            if (!hasNext()) {
                worker.shutdown();
            }
        }
    }

    /** Stops the background thread; batches not yet returned are discarded. */
    @Override
    public void close() {
        if (pending != null) {
            pending.cancel(true);
        }
        worker.shutdownNow();
    }

    private void submit(int index) {
        if (index >= batches) {
            pending = null;
            return;
        }
        int resolution = resolutionOfBatch.applyAsInt(index);
        pending = worker.submit(() -> loader.batch(epoch, index, resolution));
    }
}
