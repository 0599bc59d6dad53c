package org.compofa.nn;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;

/**
 * A pool of activation memory: blocks of a few size classes (four per power of two, so at most 25%
 * slack) handed out as {@link Tensor#view views} of the asked layout and shape. Keying by size
 * rather than by shape lets the many subnets, resolutions and batches of a training run share the
 * same blocks, so the pool stays near the largest working set instead of growing with every new
 * shape (measured: the exact-shape pool held 3 GiB in a compound run). Views handed out are not
 * cleared: every layer overwrites its outputs. Not thread-safe.
 */
public final class Workspace implements AutoCloseable {
    /**
     * Pooled bytes beyond which released blocks are freed instead of kept. Measured on a short
     * Fashion recipe (benchmarks/RESULTS.md): peak RSS 3.5 GB at 4 GiB, 2.9 GB at 2 GiB, 2.2 GB at 1 GiB
     * (where blocks start to be freed and re-mapped every step).
     */
    public static final long DEFAULT_LIMIT_BYTES = 2L << 30;

    private final ComputeContext ctx;
    private final long limitBytes;
    private final Map<Long, ArrayDeque<Tensor>> free = new HashMap<>();
    private final Map<Tensor, Tensor> blockOfView = new IdentityHashMap<>();
    private long pooledBytes;
    private long lentBytes;
    private long peakLentBytes;

    /** A pool on {@code ctx} keeping at most {@link #DEFAULT_LIMIT_BYTES}. */
    public Workspace(ComputeContext ctx) {
        this(ctx, DEFAULT_LIMIT_BYTES);
    }

    /**
     * A pool on {@code ctx} keeping at most {@code limitBytes} of released blocks, or the largest
     * amount lent out at once so far when that is more (so a repeated step reuses its blocks).
     */
    public Workspace(ComputeContext ctx, long limitBytes) {
        this.ctx = ctx;
        this.limitBytes = limitBytes;
    }

    /** The context tensors are created on. */
    public ComputeContext context() {
        return ctx;
    }

    /** A tensor of that layout and shape with undefined contents; give it back with {@link #release}. */
    public Tensor take(Layout layout, int... shape) {
        long need = layout.validate(shape.clone());
        long size = sizeClass(need);
        ArrayDeque<Tensor> q = free.get(size);
        Tensor block;
        if (q != null && !q.isEmpty()) {
            block = q.pop();
            pooledBytes -= size * Float.BYTES;
        } else {
            block = Tensor.zeros(ctx, Layout.VECTOR, Math.toIntExact(size));
        }
        Tensor view = block.view(layout, shape);
        blockOfView.put(view, block);
        lentBytes += size * Float.BYTES;
        peakLentBytes = Math.max(peakLentBytes, lentBytes);
        return view;
    }

    /** Gives a tensor from {@link #take} back for reuse (its block is freed when the pool is full). */
    public void release(Tensor t) {
        Tensor block = blockOfView.remove(t);
        if (block == null) {
            throw new IllegalArgumentException(t + " was not taken from this workspace or was released already");
        }
        t.close();
        lentBytes -= block.length() * Float.BYTES;
        if (block.isClosed()) {
            return;
        }
        long bytes = block.length() * Float.BYTES;
        // The limit grows to the largest working set seen: a step that needs more than the limit would
        // otherwise unmap and re-fault its blocks every time (27 % of an ImageNet r224 step in the kernel).
        if (pooledBytes + bytes > Math.max(limitBytes, peakLentBytes)) {
            block.close();
            return;
        }
        free.computeIfAbsent(block.length(), k -> new ArrayDeque<>()).push(block);
        pooledBytes += bytes;
    }

    /** The most bytes lent out at once so far (the working set a pool limit should cover). */
    public long peakLentBytes() {
        return peakLentBytes;
    }

    /** Bytes currently pooled (released blocks kept for reuse). */
    public long pooledBytes() {
        return pooledBytes;
    }

    /**
     * The smallest of {@code 2^k x {1, 1.25, 1.5, 1.75}} that holds {@code n} floats (n itself below
     * 64). Package-visible for the test.
     */
    static long sizeClass(long n) {
        if (n <= 64) {
            return n;
        }
        long top = Long.highestOneBit(n);
        long quarter = top / 4;
        long c = top;
        while (c < n) {
            c += quarter;
        }
        return c;
    }

    /** Frees every block, pooled or still lent out. */
    @Override
    public void close() {
        free.values().forEach(q -> q.forEach(Tensor::close));
        free.clear();
        blockOfView.values().forEach(Tensor::close);
        blockOfView.clear();
        pooledBytes = 0;
        lentBytes = 0;
    }
}
