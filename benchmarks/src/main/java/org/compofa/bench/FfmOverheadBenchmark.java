package org.compofa.bench;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.compofa.bindings.CompofaNative;
import org.compofa.bindings.ContextHandle;
import org.compofa.bindings.RawDwconvShape;
import org.compofa.bindings.RawOps;
import org.compofa.ops.DepthwiseShape;
import org.compofa.ops.ElasticDepthwiseConv;
import org.compofa.ops.KernelTransform;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a call into libcompofa costs before any work, on the CPU backend:
 * <ul>
 *   <li>{@code baseline}: an empty benchmark (JMH's own cost);</li>
 *   <li>{@code abiVersion}: a trivial downcall through the static-final handle, no status check;</li>
 *   <li>{@code contextBackend}: a checked query (handle lookup, out-parameter in a confined arena,
 *       status check);</li>
 *   <li>{@code fillRaw} / {@code fillApi}: {@code compofa_fill} of 1 float through {@link RawOps} and
 *       through {@link Tensor#fill};</li>
 *   <li>{@code dwconvTinyRaw} / {@code dwconvTinyApi}: a 1x1x1x8 depthwise forward (k 3 of 3) through
 *       RawOps (struct written into an arena per call) and through {@link ElasticDepthwiseConv#forward}
 *       (plus the Java-side argument checks).</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@State(Scope.Thread)
public class FfmOverheadBenchmark {
    private ComputeContext ctx;
    private ContextHandle handle;
    private MemorySegment contextSegment;
    private Tensor one;
    private long oneAddress;
    private DepthwiseShape tinyShape;
    private RawDwconvShape tinyRaw;
    private Tensor x;
    private Tensor weight;
    private Tensor y;
    private int counter;

    @Setup(Level.Trial)
    public void setup() {
        ctx = Inputs.cpu();
        handle = ctx.handle();
        contextSegment = handle.segment();
        one = Tensor.zeros(ctx, Layout.VECTOR, 1);
        oneAddress = one.address();
        tinyShape = new DepthwiseShape(1, 1, 1, 8, 8, 3, 3, 1, KernelTransform.NONE);
        tinyRaw = tinyShape.toRaw();
        SplittableRandom rng = new SplittableRandom(Inputs.SEED);
        x = Inputs.random(ctx, rng, Layout.NHWC, tinyShape.inputShape());
        weight = Inputs.random(ctx, rng, Layout.DW_WEIGHT, tinyShape.weightShape());
        y = Tensor.zeros(ctx, Layout.NHWC, tinyShape.outputShape());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ctx.close();
    }

    @Benchmark
    public int baseline() {
        return counter++;
    }

    @Benchmark
    public int abiVersion() {
        return CompofaNative.abiVersion();
    }

    @Benchmark
    public int contextBackend() {
        return CompofaNative.contextBackend(contextSegment);
    }

    @Benchmark
    public void fillRaw() {
        RawOps.fill(handle, null, oneAddress, 1, 1f);
    }

    @Benchmark
    public void fillApi() {
        one.fill(1f);
    }

    @Benchmark
    public void dwconvTinyRaw() {
        RawOps.dwconvForward(handle, null, tinyRaw, x.address(), x.length(), weight.address(), weight.length(),
                0, 0, 0, 0, y.address(), y.length());
    }

    @Benchmark
    public void dwconvTinyApi() {
        ElasticDepthwiseConv.forward(ctx, tinyShape, x, weight, null, null, y);
    }
}
