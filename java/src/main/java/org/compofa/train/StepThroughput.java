package org.compofa.train;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.compofa.data.Batch;
import org.compofa.nn.Network;
import org.compofa.nn.NetworkSpec;
import org.compofa.nn.Workspace;
import org.compofa.ops.KernelTransform;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Tensor;
import org.compofa.space.MobileNetV3Geometry;
import org.compofa.space.ResolutionSet;
import org.compofa.space.SearchSpace;
import org.compofa.space.SearchSpaces;
import org.compofa.space.Subnet;

/**
 * Training throughput of one CompOFA compound step on a context: the frozen teacher's forward plus
 * forward and backward of {@link #SUBNETS} compound subnets and one SGD step ({@link TrainingStep},
 * the trainer's code), on synthetic data. The subnets are drawn once from fixed seeds (the same as
 * the JMH {@code CompoundStepBenchmark} and the PyTorch peer script {@code
 * ci/device/compound_step_torch.py}), so every step does the same work. Each step ends with the loss
 * read back to the host, so device work is included in the wall time.
 */
public final class StepThroughput {
    /** Subnets per step, as the reference. */
    public static final int SUBNETS = 4;
    /** First seed of the subnet draws ({@code 100 + k} for subnet k). */
    public static final long SUBNET_SEED = 100;

    /** The two networks measured: the Fashion-MNIST default and the ImageNet-size supernet. */
    public enum Net {
        /** Small-input MobileNetV3 w0.5, 1 channel, 10 classes. */
        FASHION(MobileNetV3Geometry.smallInput(0.5, 1, 10), 0.5),
        /** ImageNet MobileNetV3 w1.0, RGB, 1000 classes. */
        IMAGENET(MobileNetV3Geometry.imagenet(1.0), 1.0);

        private final MobileNetV3Geometry geometry;
        private final double width;

        Net(MobileNetV3Geometry geometry, double width) {
            this.geometry = geometry;
            this.width = width;
        }

        /**
         * The supernet's geometry (4 slots per stage).
         *
         * @return the supernet's geometry
         */
        public MobileNetV3Geometry geometry() {
            return geometry;
        }

        /**
         * Parses {@code fashion} or {@code imagenet}.
         *
         * @param s {@code fashion} or {@code imagenet}
         * @return the named network
         */
        public static Net parse(String s) {
            for (Net n : values()) {
                if (n.name().equalsIgnoreCase(s)) {
                    return n;
                }
            }
            throw new IllegalArgumentException("network '" + s + "': allowed fashion, imagenet");
        }
    }

    /**
     * One measured case.
     *
     * @param msPerStep median wall time of a step
     * @param msMin fastest step
     * @param msMax slowest step
     * @param imagesPerSecond batch / median seconds
     * @param activationMib the most activation memory lent out at once ({@link Workspace#peakLentBytes})
     * @param stateMib student weights, gradients and momentum plus the teacher's weights (BN buffers
     *                 not counted)
     * @param subnetIds the subnets of every step
     * @param net the measured network
     * @param resolution image side in pixels
     * @param batch images per step
     * @param steps timed steps
     */
    public record Result(Net net, int resolution, int batch, int steps, double msPerStep, double msMin, double msMax,
                         double imagesPerSecond, double activationMib, double stateMib, List<String> subnetIds) {
    }

    private StepThroughput() {}

    /**
     * The subnets every step trains at {@code resolution} (fixed seeds).
     *
     * @param net the network
     * @param resolution image side in pixels
     * @return the subnets, one per step in turn
     */
    public static List<Subnet> subnets(Net net, int resolution) {
        SearchSpace space = SearchSpaces.compOfa(net.width, ResolutionSet.of(resolution));
        return IntStream.range(0, SUBNETS)
                .mapToObj(k -> space.sample(new SplittableRandom(SUBNET_SEED + k), resolution)).toList();
    }

    /**
     * The networks, optimizer state, workspace, batch and subnets of one case, ready to run steps
     * (what {@link #measure} times and the JMH benchmark runs). Owns everything it allocates.
     */
    public static final class Session implements AutoCloseable {
        private Network student;
        private Network teacher;
        private Workspace ws;
        private Map<String, Tensor> momentum;
        private TrainingStep step;
        private final Batch data;
        private final List<Subnet> subnets;

        /**
         * Allocates the seeded student and teacher supernets of {@code net} on {@code ctx}.
         *
         * @param ctx compute context the nets are allocated on
         * @param net the network to allocate
         * @param resolution image side in pixels
         * @param batch images per step
         */
        public Session(ComputeContext ctx, Net net, int resolution, int batch) {
            this(ctx, net, resolution, batch, true);
        }

        /**
         * As above; {@code fused} false: the students' passes through the separate ops (a comparison).
         *
         * @param ctx compute context the nets are allocated on
         * @param net the network to allocate
         * @param resolution image side in pixels
         * @param batch images per step
         * @param fused true for the fused student passes, false for the separate ops
         */
        public Session(ComputeContext ctx, Net net, int resolution, int batch, boolean fused) {
            NetworkSpec spec = NetworkSpec.supernet(net.geometry, 4, KernelTransform.NONE);
            try {
                student = new Network(ctx, spec, 1);
                teacher = new Network(ctx, spec, 2);
                ws = new Workspace(ctx);
                momentum = TrainingStep.zeroMomentum(student);
                TrainingConfig config = TrainingPreset.COMPOFA_PHASE2.config().withBatchSize(batch)
                        .withResolutions(List.of(resolution));
                step = new TrainingStep(student, teacher, config, momentum, ws, fused);
            } catch (RuntimeException e) {
                close();
                throw e;
            }
            data = syntheticBatch(net, resolution, batch);
            subnets = subnets(net, resolution);
        }

        /**
         * One compound step; returns its loss (read back to the host, so device work is finished).
         *
         * @return the step's loss
         */
        public double step() {
            return step.run(RunState.start(0), data, subnets, 1e-4).loss();
        }

        @Override
        public void close() {
            if (step != null) {
                step.close();
            }
            if (momentum != null) {
                momentum.values().forEach(Tensor::close);
            }
            if (ws != null) {
                ws.close();
            }
            if (student != null) {
                student.close();
            }
            if (teacher != null) {
                teacher.close();
            }
        }
    }

    /**
     * Runs {@code warmup} untimed and {@code steps} timed compound steps of {@code net} at
     * {@code resolution} and {@code batch} on {@code ctx}.
     *
     * @param ctx compute context to run on
     * @param net the network to train
     * @param resolution image side in pixels
     * @param batch images per step
     * @param warmup untimed steps run first
     * @param steps timed steps
     * @return the timings and memory of the case
     * @throws IllegalArgumentException for a resolution, batch or step count out of range
     */
    public static Result measure(ComputeContext ctx, Net net, int resolution, int batch, int warmup, int steps) {
        checkCase(resolution, batch, warmup, steps);
        try (Session session = new Session(ctx, net, resolution, batch)) {
            for (int i = 0; i < warmup; i++) {
                session.step();
            }
            double[] ms = new double[steps];
            for (int i = 0; i < steps; i++) {
                long t0 = System.nanoTime();
                session.step();
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(ms);
            double median = steps % 2 == 1 ? ms[steps / 2] : (ms[steps / 2 - 1] + ms[steps / 2]) / 2;
            double mib = 1024.0 * 1024.0;
            long floats = 3 * session.student.parameters().parameterCount()
                    + session.teacher.parameters().parameterCount();
            return new Result(net, resolution, batch, steps, median, ms[0], ms[steps - 1], batch / (median / 1e3),
                    session.ws.peakLentBytes() / mib, floats * Float.BYTES / mib,
                    session.subnets.stream().map(Subnet::id).toList());
        }
    }

    /**
     * Checks one case's sizes (what {@link #measure} accepts).
     *
     * @param resolution image side in pixels
     * @param batch images per step
     * @param warmup untimed steps
     * @param steps timed steps
     * @throws IllegalArgumentException naming the value and the allowed range
     */
    public static void checkCase(int resolution, int batch, int warmup, int steps) {
        if (resolution < 16 || resolution > 512) {
            throw new IllegalArgumentException("resolution " + resolution + ": allowed 16..512");
        }
        if (batch < 1 || batch > 4096) {
            throw new IllegalArgumentException("batch " + batch + ": allowed 1..4096");
        }
        if (warmup < 0 || steps < 1) {
            throw new IllegalArgumentException("warm-up " + warmup + " and steps " + steps + ": allowed >= 0 and >= 1");
        }
    }

    /**
     * The synthetic batch every step trains on: seeded Gaussian images and uniform labels.
     *
     * @param net the network (fixes channels and classes)
     * @param r image side in pixels
     * @param n images in the batch
     * @return the seeded synthetic batch
     */
    public static Batch syntheticBatch(Net net, int r, int n) {
        SplittableRandom rnd = new SplittableRandom(3);
        int channels = net.geometry.inputChannels();
        float[] images = new float[n * r * r * channels];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) rnd.nextGaussian();
        }
        int classes = net.geometry.numClasses();
        int[] labels = IntStream.range(0, n).map(i -> rnd.nextInt(classes)).toArray();
        return new Batch(0, 0, n, r, channels, images, labels, IntStream.range(0, n).toArray());
    }
}
