package org.compofa.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.compofa.ops.MatrixSlice;
import org.compofa.ops.SliceCopy;
import org.compofa.ops.SliceGemm;
import org.compofa.ops.StridedSlice;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;
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
 * Weight-slice sharing for 1x1 convolutions, {@code Y[P][cout] = X[P][cin] * W[:cout, :cin]^T}, on the
 * CPU backend (cblas_sgemm behind {@code compofa_gemm}), through {@link SliceGemm#conv1x1Forward}:
 * <ul>
 *   <li>{@code sliceInPlace}: the subnet's block of the supernet weight W[coutMax][cinMax] in place
 *       (zero-copy, ldb = cinMax);</li>
 *   <li>{@code contiguous}: the same GEMM on a contiguous copy of the block made in the setup (ldb = cin):
 *       the bar is sliceInPlace within 10% of it;</li>
 *   <li>{@code gatherThenGemm}: what zero-copy saves: {@link SliceCopy#gather} of the block, then
 *       the contiguous GEMM;</li>
 *   <li>{@code blasPeak}: a square contiguous n x n GEMM, the BLAS peak of this machine.</li>
 * </ul>
 * Shapes are named {@code p<P>_cin<cin>of<cinMax>_cout<cout>of<coutMax>}:
 * <ul>
 *   <li>{@code p50176_cin160of240_cout40of40}: stage 2's projection at e=4 of 6, batch 64 at 28x28;</li>
 *   <li>{@code p3136_cin480of960_cout160of160}: stage 5's projection at e=3 of 6, batch 64 at 7x7;</li>
 *   <li>{@code p12544_cin240of960_cout80of320}: a block of 1/16 of a larger weight (a 4x wider layer in
 *       both dimensions), batch 64 at 14x14: the slice's rows are 4x farther apart than its width.</li>
 * </ul>
 * Counted per call (see {@link Traffic}): bytes = (X + W block + Y) * 4 (gatherThenGemm adds 2 * block),
 * flops = 2 * P * cin * cout.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)  // 5, not 3: the bar compares two rows within 10%
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class SliceGemmBenchmark {
    private static final Pattern SHAPE = Pattern.compile("p(\\d+)_cin(\\d+)of(\\d+)_cout(\\d+)of(\\d+)");

    /** A 1x1 convolution on a block of a supernet weight. */
    @State(Scope.Thread)
    public static class Slice {
        @Param({"p50176_cin160of240_cout40of40", "p3136_cin480of960_cout160of160", "p12544_cin240of960_cout80of320"})
        public String shape;

        ComputeContext ctx;
        Tensor x;
        Tensor wMax;
        Tensor wContiguous;
        Tensor y;
        StridedSlice block;
        int cin;
        int cout;
        long bytes;
        long flops;

        @Setup(Level.Trial)
        public void setup() {
            Matcher m = SHAPE.matcher(shape);
            if (!m.matches()) {
                throw new IllegalArgumentException("shape '" + shape + "': allowed p<P>_cin<cin>of<cinMax>_cout<cout>of<coutMax>");
            }
            int p = Integer.parseInt(m.group(1));
            cin = Integer.parseInt(m.group(2));
            int cinMax = Integer.parseInt(m.group(3));
            cout = Integer.parseInt(m.group(4));
            int coutMax = Integer.parseInt(m.group(5));
            ctx = Inputs.cpu();
            SplittableRandom rng = new SplittableRandom(Inputs.SEED);
            x = Inputs.random(ctx, rng, Layout.MATRIX, p, cin);
            wMax = Inputs.random(ctx, rng, Layout.MATRIX, coutMax, cinMax);
            wContiguous = Tensor.zeros(ctx, Layout.MATRIX, cout, cin);
            y = Tensor.zeros(ctx, Layout.MATRIX, p, cout);
            block = StridedSlice.matrix(cout, cin, cinMax);
            SliceCopy.gather(ctx, wMax, block, wContiguous);
            bytes = ((long) p * cin + (long) cout * cin + (long) p * cout) * Float.BYTES;
            flops = 2L * p * cin * cout;
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            ctx.close();
        }
    }

    /** A square n x n contiguous GEMM. */
    @State(Scope.Thread)
    public static class Square {
        @Param({"1024"})
        public int n;

        ComputeContext ctx;
        MatrixSlice a;
        MatrixSlice b;
        MatrixSlice c;
        long bytes;
        long flops;

        @Setup(Level.Trial)
        public void setup() {
            ctx = Inputs.cpu();
            SplittableRandom rng = new SplittableRandom(Inputs.SEED);
            a = MatrixSlice.of(Inputs.random(ctx, rng, Layout.MATRIX, n, n));
            b = MatrixSlice.of(Inputs.random(ctx, rng, Layout.MATRIX, n, n));
            c = MatrixSlice.of(Tensor.zeros(ctx, Layout.MATRIX, n, n));
            bytes = 3L * n * n * Float.BYTES;
            flops = 2L * n * n * n;
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            ctx.close();
        }
    }

    @Benchmark
    public void sliceInPlace(Slice s, Traffic traffic) {
        SliceGemm.conv1x1Forward(s.ctx, s.x, s.wMax, s.cin, s.cout, s.y);
        traffic.add(s.bytes, s.flops);
    }

    @Benchmark
    public void contiguous(Slice s, Traffic traffic) {
        SliceGemm.conv1x1Forward(s.ctx, s.x, s.wContiguous, s.cin, s.cout, s.y);
        traffic.add(s.bytes, s.flops);
    }

    @Benchmark
    public void gatherThenGemm(Slice s, Traffic traffic) {
        SliceCopy.gather(s.ctx, s.wMax, s.block, s.wContiguous);
        SliceGemm.conv1x1Forward(s.ctx, s.x, s.wContiguous, s.cin, s.cout, s.y);
        traffic.add(s.bytes + 2 * s.block.count() * Float.BYTES, s.flops);
    }

    @Benchmark
    public void blasPeak(Square q, Traffic traffic) {
        SliceGemm.gemm(q.ctx, 1f, q.a, false, q.b, false, 0f, q.c);
        traffic.add(q.bytes, q.flops);
    }
}
