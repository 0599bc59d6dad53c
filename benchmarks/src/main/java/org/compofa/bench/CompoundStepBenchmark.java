package org.compofa.bench;

import java.util.concurrent.TimeUnit;
import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.train.StepThroughput;
import org.compofa.train.TrainingStep;
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
 * One CompOFA compound training step on the CPU backend: the frozen teacher's forward (D4-E6-K7,
 * train-mode BN) plus forward and backward of 4 compound subnets on the same batch (CE + KD, summed
 * gradients) and one SGD-Nesterov step over every parameter, through {@link TrainingStep}, the code
 * the trainer runs ({@link StepThroughput.Session}, as `compofa step-bench`). Synthetic images. The 4 subnets are drawn once per trial from a fixed seed, so
 * every invocation does the same work. Images/s = batch / (seconds per op).
 *
 * <p>Cases ({@code -p net=...}): see {@link CompoundStepCase}; the ImageNet batch is {@code
 * imagenetBatch} (default 16 on a 2-core CPU).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@State(Scope.Thread)
public class CompoundStepBenchmark {
    @Param({"fashion", "imagenet-r128", "imagenet-r176", "imagenet-r224"})
    public String net;

    @Param({"16"})
    public int imagenetBatch;

    /** The training fusion (BN + activation, statistics in the 1x1 convolutions) on, or the separate ops. */
    @Param({"true"})
    public boolean fused;

    private ComputeContext ctx;
    private StepThroughput.Session session;

    @Setup(Level.Trial)
    public void setUp() {
        CompoundStepCase c = CompoundStepCase.parse(net, imagenetBatch);
        ctx = ComputeContext.open(Backend.CPU);
        session = new StepThroughput.Session(ctx, c.net(), c.resolution(), c.batch(), fused);
    }

    @Benchmark
    public double compoundStep() {
        return session.step();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        session.close();
        ctx.close();
    }
}
