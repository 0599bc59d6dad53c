package org.compofa.bench;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

import org.compofa.bindings.BufferHandle;
import org.compofa.bindings.ContextHandle;
import org.compofa.bindings.RawOps;
import org.compofa.runtime.ComputeContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * This machine's measured memory bandwidth, the yardstick of the memory-bound kernels: streams over
 * two CPU-backend buffers of {@link #mib} MiB each. The reference is the best copy of 256 MiB,
 * GB/s = 2 * size / time (a copy's write also reads its line first, so DRAM moves 1.5x that).
 * Counted bytes per call (see {@link Traffic}): copies 2 * size (read + write), fill 1 * size,
 * axpy 3 * size.
 * <ul>
 *   <li>{@code copyBuffer}: {@code compofa_copy_buffer} through {@link BufferHandle} (one memmove);</li>
 *   <li>{@code segmentCopy}: {@link MemorySegment#copy} between the same buffers (the JVM's copy);</li>
 *   <li>{@code gatherCopy}: {@code compofa_slice_gather} of the buffer seen as 1024 rows: OpenMP
 *       copies the rows on all the backend's threads;</li>
 *   <li>{@code fill}: {@code compofa_fill} (write-only, OpenMP);</li>
 *   <li>{@code axpy}: {@code compofa_slice_scatter_add}, dst += alpha * src over 1024 rows (triad-like:
 *       two reads and a write, OpenMP).</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@State(Scope.Thread)
public class MemoryBandwidthBenchmark {
    private static final int ROWS = 1024;

    /**
     * Size of each buffer in MiB (a multiple of 4): 256 streams from DRAM (the reference; 2 GiB
     * measured the same here), 32 shows what this machine's large shared L3 gives.
     */
    @Param({"32", "256"})
    public int mib;

    private ComputeContext ctx;
    private ContextHandle handle;
    private BufferHandle src;
    private BufferHandle dst;
    private MemorySegment srcSegment;
    private MemorySegment dstSegment;
    private long bytes;
    private long floats;
    private int rowFloats;

    @Setup(Level.Trial)
    public void setup() {
        if (mib < 4 || mib % 4 != 0) {
            throw new IllegalArgumentException("mib " + mib + ": allowed a multiple of 4, >= 4");
        }
        bytes = (long) mib << 20;
        floats = bytes / Float.BYTES;
        rowFloats = (int) (floats / ROWS);
        ctx = Inputs.cpu();
        handle = ctx.handle();
        src = BufferHandle.allocate(handle, bytes);
        dst = BufferHandle.allocate(handle, bytes);
        srcSegment = src.hostSegment();
        dstSegment = dst.hostSegment();
        // Both buffers written once, so every page is backed before timing.
        RawOps.fill(handle, null, src.dataAddress(), floats, 0.5f);
        RawOps.fill(handle, null, dst.dataAddress(), floats, 0.25f);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        src.close();
        dst.close();
        ctx.close();
    }

    @Benchmark
    public void copyBuffer(Traffic traffic) {
        dst.copyFrom(src, 0, 0, bytes, null);
        traffic.add(2 * bytes, 0);
    }

    @Benchmark
    public void segmentCopy(Traffic traffic) {
        MemorySegment.copy(srcSegment, 0, dstSegment, 0, bytes);
        traffic.add(2 * bytes, 0);
    }

    @Benchmark
    public void gatherCopy(Traffic traffic) {
        RawOps.sliceGather(handle, null, src.dataAddress(), floats, 0, 1, ROWS, rowFloats, floats, rowFloats,
                dst.dataAddress(), floats);
        traffic.add(2 * bytes, 0);
    }

    @Benchmark
    public void fill(Traffic traffic) {
        RawOps.fill(handle, null, dst.dataAddress(), floats, 1f);
        traffic.add(bytes, 0);
    }

    @Benchmark
    public void axpy(Traffic traffic) {
        // alpha 0: the values stay put (no growth, no denormals) and the memory traffic is the same.
        RawOps.sliceScatterAdd(handle, null, src.dataAddress(), floats, 0f, dst.dataAddress(), floats, 0,
                1, ROWS, rowFloats, floats, rowFloats);
        traffic.add(3 * bytes, floats * 2);
    }
}
