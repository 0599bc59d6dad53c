package org.compofa.nn;

import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.TreeMap;
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
    /**
     * How much larger than its size class a pooled block may be to serve a request. Measured on the
     * ImageNet r224 batch-16 compound step (benchmarks/RESULTS.md): with exact classes only, the four
     * subnets' block set outgrew the pool and ~75 blocks were freed and re-faulted every step.
     */
    static final long MAX_FIT = 2;

    private final ComputeContext ctx;
    private final long limitBytes;
    /** Pooled blocks by size (floats); no empty queues, so the ceiling entry has a block. */
    private final TreeMap<Long, ArrayDeque<Tensor>> free = new TreeMap<>();
    private final Map<Tensor, Tensor> blockOfView = new IdentityHashMap<>();
    private long pooledBytes;
    private long lentBytes;
    private long peakLentBytes;
    private long blocksAllocated;

    /**
     * A pool on {@code ctx} keeping at most {@link #DEFAULT_LIMIT_BYTES}.
     *
     * @param ctx the context tensors are created on
     */
    public Workspace(ComputeContext ctx) {
        this(ctx, DEFAULT_LIMIT_BYTES);
    }

    /**
     * A pool on {@code ctx} keeping at most {@code limitBytes} of released blocks, or the largest
     * amount lent out at once so far when that is more (so a repeated step reuses its blocks).
     *
     * @param ctx the context tensors are created on
     * @param limitBytes bytes of released blocks kept, &gt;= 0
     */
    public Workspace(ComputeContext ctx, long limitBytes) {
        this.ctx = ctx;
        this.limitBytes = limitBytes;
    }

    /**
     * The context tensors are created on.
     *
     * @return the context
     */
    public ComputeContext context() {
        return ctx;
    }

    /**
     * A tensor of that layout and shape with undefined contents; give it back with {@link #release}.
     * It is a view of the smallest pooled block of its size class or up to {@link #MAX_FIT} times
     * larger, so the differently sized tensors of a step's subnets share blocks instead of each
     * class keeping its own; a new block only when none fits.
     *
     * @param layout the tensor's layout
     * @param shape its shape
     * @return a pooled view; release it
     */
    public Tensor take(Layout layout, int... shape) {
        long need = layout.validate(shape.clone());
        long size = sizeClass(need);
        Map.Entry<Long, ArrayDeque<Tensor>> fit = free.ceilingEntry(size);
        Tensor block;
        if (fit != null && fit.getKey() <= size * MAX_FIT) {
            block = fit.getValue().pop();
            if (fit.getValue().isEmpty()) {
                free.remove(fit.getKey());
            }
            pooledBytes -= block.length() * Float.BYTES;
        } else {
            block = Tensor.zeros(ctx, Layout.VECTOR, Math.toIntExact(size));
            blocksAllocated++;
        }
        Tensor view = block.view(layout, shape);
        blockOfView.put(view, block);
        lentBytes += block.length() * Float.BYTES;
        peakLentBytes = Math.max(peakLentBytes, lentBytes);
        return view;
    }

    /**
     * Blocks allocated so far: a repeated step on a warm pool adds none.
     *
     * @return the block count
     */
    public long blocksAllocated() {
        return blocksAllocated;
    }

    /**
     * Gives a tensor from {@link #take} back for reuse (its block is freed when the pool is full).
     *
     * @param t a tensor from {@link #take}
     */
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
        // The limit grows to the largest working set seen, plus a quarter: a step's blocks are not all
        // lent at once, and a step that needs more than the pool keeps would unmap and re-fault blocks
        // every time (27 % of an ImageNet r224 step in the kernel; 11 blocks a step without the quarter).
        if (pooledBytes + bytes > Math.max(limitBytes, peakLentBytes + peakLentBytes / 4)) {
            block.close();
            return;
        }
        free.computeIfAbsent(block.length(), k -> new ArrayDeque<>()).push(block);
        pooledBytes += bytes;
    }

    /**
     * The most bytes lent out at once so far (the working set a pool limit should cover).
     *
     * @return bytes, &gt;= 0
     */
    public long peakLentBytes() {
        return peakLentBytes;
    }

    /**
     * Bytes currently pooled (released blocks kept for reuse).
     *
     * @return bytes, &gt;= 0
     */
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
