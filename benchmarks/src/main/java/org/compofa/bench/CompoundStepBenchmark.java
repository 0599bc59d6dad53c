package org.compofa.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.compofa.data.Batch;
import org.compofa.nn.Network;
import org.compofa.nn.NetworkSpec;
import org.compofa.nn.Parameter;
import org.compofa.nn.Workspace;
import org.compofa.ops.KernelTransform;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Tensor;
import org.compofa.space.MobileNetV3Geometry;
import org.compofa.space.ResolutionSet;
import org.compofa.space.SearchSpace;
import org.compofa.space.SearchSpaces;
import org.compofa.space.Subnet;
import org.compofa.train.RunState;
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
        boolean fashion = net.equals("fashion");
        int r = fashion ? 28 : Integer.parseInt(net.substring("imagenet-r".length()));
        int n = fashion ? 128 : imagenetBatch;
        int channels = fashion ? 1 : 3;
        MobileNetV3Geometry g = fashion ? MobileNetV3Geometry.smallInput(0.5, 1, 10)
                : MobileNetV3Geometry.imagenet(1.0);
        NetworkSpec spec = NetworkSpec.supernet(g, 4, KernelTransform.NONE);
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
        SplittableRandom rnd = new SplittableRandom(3);
        float[] images = new float[n * r * r * channels];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) rnd.nextGaussian();
        }
        int classes = g.numClasses();
        int[] labels = IntStream.range(0, n).map(i -> rnd.nextInt(classes)).toArray();
        batch = new Batch(0, 0, n, r, channels, images, labels, IntStream.range(0, n).toArray());
        SearchSpace space = SearchSpaces.compOfa(fashion ? 0.5 : 1.0, ResolutionSet.of(r));
        subnets = IntStream.range(0, 4).mapToObj(k -> space.sample(new SplittableRandom(100 + k), r)).toList();
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
