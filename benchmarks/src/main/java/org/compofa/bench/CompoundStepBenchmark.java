package org.compofa.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.compofa.data.Batch;
import org.compofa.nn.Network;
import org.compofa.nn.NetworkSpec;
import org.compofa.nn.Parameter;
import org.compofa.nn.Workspace;
import org.compofa.ops.KernelTransform;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Tensor;
import org.compofa.space.Subnet;
import org.compofa.train.RunState;
import org.compofa.train.StepThroughput;
import org.compofa.train.TrainingConfig;
import org.compofa.train.TrainingPreset;
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
 * the trainer runs. Synthetic images. The 4 subnets are drawn once per trial from a fixed seed, so
 * every invocation does the same work. Images/s = batch / (seconds per op).
 *
 * <p>Cases ({@code -p net=...}): {@code fashion} = the default small-input w0.5 supernet at 28 px,
 * 1 channel, 10 classes, batch 128; {@code imagenet-rNNN} = the ImageNet-size w1.0 supernet at
 * resolution NNN, 3 channels, 1000 classes, batch {@code imagenetBatch} (default 16 on a 2-core CPU).
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

    private ComputeContext ctx;
    private Network student;
    private Network teacher;
    private Workspace ws;
    private TrainingStep step;
    private Batch batch;
    private List<Subnet> subnets;
    private final Map<String, Tensor> momentum = new HashMap<>();

    @Setup(Level.Trial)
    public void setUp() {
        StepThroughput.Net which = StepThroughput.Net.parse(net.startsWith("imagenet") ? "imagenet" : net);
        int r = which == StepThroughput.Net.FASHION ? 28 : Integer.parseInt(net.substring("imagenet-r".length()));
        int n = which == StepThroughput.Net.FASHION ? 128 : imagenetBatch;
        NetworkSpec spec = NetworkSpec.supernet(which.geometry(), 4, KernelTransform.NONE);
        ctx = ComputeContext.open(org.compofa.runtime.Backend.CPU);
        student = new Network(ctx, spec, 1);
        teacher = new Network(ctx, spec, 2);
        ws = new Workspace(ctx);
        for (Parameter p : student.parameters().parameters()) {
            momentum.put(p.name(), Tensor.zeros(ctx, p.value().layout(), p.value().shape()));
        }
        TrainingConfig config = TrainingPreset.COMPOFA_PHASE2.config().withBatchSize(n)
                .withResolutions(List.of(r));
        step = new TrainingStep(student, teacher, config, momentum, ws);
        batch = StepThroughput.syntheticBatch(which, r, n);
        subnets = StepThroughput.subnets(which, r);
    }

    @Benchmark
    public double compoundStep() {
        return step.run(RunState.start(0), batch, subnets, 1e-4).loss();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        momentum.values().forEach(Tensor::close);
        momentum.clear();
        ws.close();
        student.close();
        teacher.close();
        ctx.close();
    }
}
