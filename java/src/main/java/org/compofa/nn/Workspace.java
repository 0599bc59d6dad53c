package org.compofa.nn;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;

/**
 * A pool of activation tensors keyed by layout and shape, so repeated passes over the same
 * (subnet, resolution, batch) shapes reuse memory instead of allocating and page-faulting it each
 * step. Tensors handed out are not cleared: every layer overwrites its outputs. Not thread-safe.
 */
public final class Workspace implements AutoCloseable {
    /** Pooled bytes beyond which released tensors are freed instead of kept. */
    public static final long DEFAULT_LIMIT_BYTES = 3L << 30;

    private final ComputeContext ctx;
    private final long limitBytes;
    private final Map<String, ArrayDeque<Tensor>> free = new HashMap<>();
    private long pooledBytes;

    /** A pool on {@code ctx} keeping at most {@link #DEFAULT_LIMIT_BYTES}. */
    public Workspace(ComputeContext ctx) {
        this(ctx, DEFAULT_LIMIT_BYTES);
    }

    /** A pool on {@code ctx} keeping at most {@code limitBytes} of released tensors. */
    public Workspace(ComputeContext ctx, long limitBytes) {
        this.ctx = ctx;
        this.limitBytes = limitBytes;
    }

    /** The context tensors are created on. */
    public ComputeContext context() {
        return ctx;
    }

    /** A tensor of that layout and shape with undefined contents. */
    public Tensor take(Layout layout, int... shape) {
        ArrayDeque<Tensor> q = free.get(key(layout, shape));
        if (q != null && !q.isEmpty()) {
            Tensor t = q.pop();
            pooledBytes -= t.length() * Float.BYTES;
            return t;
        }
        return Tensor.zeros(ctx, layout, shape);
    }

    /** Gives a tensor back for reuse (or frees it when the pool is full). */
    public void release(Tensor t) {
        if (t.isClosed()) {
            return;
        }
        long bytes = t.length() * Float.BYTES;
        if (pooledBytes + bytes > limitBytes) {
            t.close();
            return;
        }
        free.computeIfAbsent(key(t.layout(), t.shape()), k -> new ArrayDeque<>()).push(t);
        pooledBytes += bytes;
    }

    /** Bytes currently pooled. */
    public long pooledBytes() {
        return pooledBytes;
    }

    private static String key(Layout layout, int[] shape) {
        return layout + java.util.Arrays.toString(shape);
    }

    /** Frees every pooled tensor. */
    @Override
    public void close() {
        free.values().forEach(q -> q.forEach(Tensor::close));
        free.clear();
        pooledBytes = 0;
    }
}
