package org.compofa.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.compofa.bench.torch.TorchCompoundStep;
import org.compofa.bench.torch.TorchSupernet;
import org.compofa.data.Batch;
import org.compofa.nn.Network;
import org.compofa.nn.NetworkSpec;
import org.compofa.ops.KernelTransform;
import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.space.Subnet;
import org.compofa.train.StepThroughput;
import org.compofa.train.TrainingConfig;
import org.compofa.train.TrainingPreset;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The peer of {@link CompoundStepBenchmark}: the same compound training step (frozen teacher's
 * forward + forward/backward of the same 4 compound subnets, CE + KD, one SGD-Nesterov step) written
 * directly in libtorch on the CPU through JavaCPP ({@link TorchCompoundStep}; equal losses and updates
 * are checked by {@code TorchCompoundStepTest}). Same cases, batch, synthetic data and subnets as ours;
 * libtorch uses {@code threads} intra-op threads (ours: our thread pool on every core). {@code format}: NCHW
 * (PyTorch's default) or channels-last activations ({@code x.contiguous(ChannelsLast)}).
 * Run both in one JMH invocation to compare them side by side: {@code run-jmh.sh 'CompoundStep'}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@State(Scope.Thread)
public class TorchCompoundStepBenchmark {
    @Param({"fashion", "imagenet-r128", "imagenet-r176", "imagenet-r224"})
    public String net;

    @Param({"16"})
    public int imagenetBatch;

    @Param({"2"})
    public int threads;

    @Param({"nchw", "channels-last"})
    public String format;

    private TorchCompoundStep step;
    private Tensor images;
    private Tensor labels;
    private List<Subnet> subnets;

    @Setup(Level.Trial)
    public void setUp() {
        CompoundStepCase c = CompoundStepCase.parse(net, imagenetBatch);
        int r = c.resolution();
        int n = c.batch();
        NetworkSpec spec = NetworkSpec.supernet(c.net().geometry(), 4, KernelTransform.NONE);
        TorchSupernet student;
        TorchSupernet teacher;
        // Same seeds as CompoundStepBenchmark; the weights are copied, then our context is closed.
        try (ComputeContext ctx = ComputeContext.open(Backend.CPU);
             Network s = new Network(ctx, spec, 1);
             Network t = new Network(ctx, spec, 2)) {
            student = new TorchSupernet(s);
            teacher = new TorchSupernet(t);
        }
        // libtorch runs under its OpenMP runtime's defaults (OMP_WAIT_POLICY etc. from the environment);
        // libcompofa uses its own thread pool, which no OpenMP setting changes.
        torch.set_num_threads(threads);
        TrainingConfig config = TrainingPreset.COMPOFA_PHASE2.config().withBatchSize(n).withResolutions(List.of(r));
        step = new TorchCompoundStep(student, teacher, config);
        Batch batch = StepThroughput.syntheticBatch(c.net(), r, n);
        images = TorchCompoundStep.images(batch.images(), n, r, batch.channels());
        if (format.equals("channels-last")) {
            images = images.contiguous(torch.MemoryFormat.ChannelsLast);
        }
        labels = TorchCompoundStep.labels(batch.labels());
        subnets = StepThroughput.subnets(c.net(), r);
    }

    @Benchmark
    public double compoundStep() {
        return step.run(images, labels, subnets, 1e-4);
    }
}
