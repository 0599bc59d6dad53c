package org.compofa.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.compofa.data.Batch;
import org.compofa.data.SeededOrder;
import org.compofa.nn.Network;
import org.compofa.nn.Parameter;
import org.compofa.nn.Pass;
import org.compofa.nn.Workspace;
import org.compofa.ops.CrossEntropy;
import org.compofa.ops.Elementwise;
import org.compofa.ops.Sgd;
import org.compofa.runtime.Communicator;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;
import org.compofa.space.Subnet;

/**
 * One optimizer step of supernet training (reference §5.1): the frozen teacher's logits once
 * (train-mode BN, as the reference runs it), then for each subnet a forward, loss = (CE with label
 * smoothing + kd * soft-CE to the teacher) * 2 / (kd + 1) (plain CE without a teacher), and a
 * backward whose gradients add up in the shared weights; then one SGD step (Nesterov, weight decay
 * except on names containing bn or bias) on every parameter.
 *
 * <p>Data-parallel (a {@link Communicator} of more than one rank): each rank runs the step on its
 * shard of the global batch, then, after every subnet's backward and before SGD, the gradients are
 * averaged across ranks in a few flat buckets ({@link GradientAverager}). Each rank's loss is a mean
 * over its n/N images, so the average of the ranks' gradients is the gradient of the mean over the
 * global batch: the one-process step on the global batch, except that BN batch statistics are per
 * rank (the reference's default under Horovod) unless {@link #synchronizeBatchNorm} is on. The returned loss and top-1 are averaged over the
 * ranks too (they ride in the last gradient bucket), so every rank logs and checks the same numbers.
 * With one rank nothing extra happens.
 */
public final class TrainingStep implements AutoCloseable {
    private static final long DROPOUT_STREAM = 0x44524f50L; // "DROP"

    private final Network student;
    private final Network teacher;
    private final TrainingConfig config;
    private final Map<String, Tensor> momentum;
    private final Workspace ws;
    private final ParameterGroups groups;
    private final boolean fused;
    private final GradientAverager averager; // null with one rank
    private final Communicator comm; // null with one rank
    private boolean synchronizedBatchNorm;
    private Tensor labels;

    /**
     * The loss and training top-1 (%) of a step, averaged over its subnets.
     *
     * @param loss mean training loss over the step's subnets
     * @param top1 mean training top-1 in percent
     */
    public record Stats(double loss, double top1) {
    }

    /**
     * A training step of {@code student}, distilled from {@code teacher} when the config's kd ratio is above 0.
     *
     * @param student  trained network
     * @param teacher  frozen teacher, or null (then the config's kd must be 0)
     * @param config   smoothing, kd ratio, dropout, momentum, weight decay, seed
     * @param momentum one buffer per student parameter name (zeros at a phase start)
     * @param ws       activation memory
     */
    public TrainingStep(Network student, Network teacher, TrainingConfig config, Map<String, Tensor> momentum,
                        Workspace ws) {
        this(student, teacher, config, momentum, ws, true, null);
    }

    /**
     * A data-parallel step: as {@link #TrainingStep(Network, Network, TrainingConfig, Map, Workspace)},
     * with gradients averaged across {@code comm}'s ranks before SGD (see the class comment).
     *
     * @param student  trained network (the same weights on every rank)
     * @param teacher  frozen teacher, or null (then the config's kd must be 0)
     * @param config   smoothing, kd ratio, dropout, momentum, weight decay, seed
     * @param momentum one buffer per student parameter name
     * @param ws       activation memory
     * @param comm     the ranks, of the student's context; null or one rank: a one-process step
     */
    public TrainingStep(Network student, Network teacher, TrainingConfig config, Map<String, Tensor> momentum,
                        Workspace ws, Communicator comm) {
        this(student, teacher, config, momentum, ws, true, comm);
    }

    /**
     * As above; {@code fused} false runs the students' passes through the separate ops
     * ({@code Mode.TRAIN_UNFUSED}), for the benchmark that measures what the training fusion gains.
     *
     * @param student trained network
     * @param teacher frozen teacher, or null (then the config's kd must be 0)
     * @param config smoothing, kd ratio, dropout, momentum, weight decay, seed
     * @param momentum one buffer per student parameter name (zeros at a phase start)
     * @param ws activation memory
     * @param fused true for the fused training passes, false for the separate ops
     */
    public TrainingStep(Network student, Network teacher, TrainingConfig config, Map<String, Tensor> momentum,
                        Workspace ws, boolean fused) {
        this(student, teacher, config, momentum, ws, fused, null);
    }

    private TrainingStep(Network student, Network teacher, TrainingConfig config, Map<String, Tensor> momentum,
                         Workspace ws, boolean fused, Communicator comm) {
        this.fused = fused;
        this.student = Objects.requireNonNull(student, "student");
        this.teacher = teacher;
        this.config = Objects.requireNonNull(config, "config");
        this.momentum = Objects.requireNonNull(momentum, "momentum");
        this.ws = Objects.requireNonNull(ws, "ws");
        if (config.kdRatio() > 0 && teacher == null) {
            throw new IllegalArgumentException("kd ratio " + config.kdRatio() + " needs a teacher");
        }
        this.groups = ParameterGroups.split(student.parameters().parameters().stream().map(Parameter::name).toList(),
                config.sgd().weightDecay());
        if (comm != null && comm.size() > 1) {
            if (comm.context() != student.context()) {
                throw new IllegalArgumentException("the communicator belongs to another compute context than the"
                        + " student");
            }
            this.averager = new GradientAverager(comm, student.parameters().parameters(),
                    GradientAverager.DEFAULT_BUCKET_FLOATS);
            this.comm = comm;
        } else {
            this.averager = null;
            this.comm = null;
        }
    }

    /**
     * Synchronised BN (data-parallel only): the teacher's and the subnets' batch statistics are those of
     * the global batch ({@link Pass#synchronizeBatchNorm}), so the step equals the one-process step on
     * the global batch. Off by default, as in the reference (per-rank statistics). Costs two small
     * all-reduces per BN layer in the forward and one in the backward.
     *
     * @param on whether to synchronise
     * @return this step
     */
    public TrainingStep synchronizeBatchNorm(boolean on) {
        this.synchronizedBatchNorm = on;
        return this;
    }

    /**
     * Seconds this step has spent averaging gradients across ranks since it was made (0 with one rank).
     *
     * @return wall-clock seconds inside the gradient all-reduces, packing included
     */
    public double communicationSeconds() {
        return averager == null ? 0 : averager.seconds();
    }

    private Communicator bnSync() {
        return synchronizedBatchNorm ? comm : null;
    }

    /**
     * Zeroed momentum buffers, one per parameter of {@code student} by name (a phase's start); the caller
     * closes them.
     *
     * @param student the network whose parameters get buffers
     * @return zeroed buffers keyed by parameter name
     */
    public static Map<String, Tensor> zeroMomentum(Network student) {
        Map<String, Tensor> momentum = new LinkedHashMap<>();
        ComputeContext ctx = student.context();
        try {
            for (Parameter p : student.parameters().parameters()) {
                momentum.put(p.name(), Tensor.zeros(ctx, p.value().layout(), p.value().shape()));
            }
            return momentum;
        } catch (RuntimeException e) {
            momentum.values().forEach(Tensor::close);
            throw e;
        }
    }

    /**
     * Runs the step on {@code batch} for {@code subnets} at learning rate {@code lr}.
     *
     * @param state the phase's progress (global step, epoch)
     * @param batch the training images and labels
     * @param subnets the subnets trained on this batch, their gradients summed
     * @param lr learning rate of the update
     * @return the step's mean loss and top-1
     */
    public Stats run(RunState state, Batch batch, List<Subnet> subnets, double lr) {
        ComputeContext ctx = student.context();
        int n = batch.size();
        int r = batch.resolution();
        int classes = student.spec().geometry().numClasses();
        double kd = config.kdRatio();
        float scale = kd > 0 ? (float) (2.0 / (kd + 1.0)) : 1f;
        // Every buffer comes from the workspace (and the labels from one kept tensor), so a repeated
        // (subnets, resolution, batch) step allocates nothing.
        List<Tensor> taken = new ArrayList<>();
        try {
            Tensor images = take(taken, Layout.NHWC, n, r, r, batch.channels());
            images.copyFrom(batch.images());
            Tensor targets = labels(batch.labels());
            Tensor teacherLogits = kd > 0 ? take(taken, Layout.MATRIX, n, classes) : null;
            Tensor loss = take(taken, Layout.VECTOR, n);
            Tensor kdLoss = take(taken, Layout.VECTOR, n);
            Tensor dlogits = take(taken, Layout.MATRIX, n, classes);
            Tensor dkd = take(taken, Layout.MATRIX, n, classes);
            if (teacherLogits != null) {
                try (Pass p = Pass.teacher(ws).synchronizeBatchNorm(bnSync())) {
                    Tensor t = teacher.forward(p, teacher.largestSubnet(r), images);
                    Elementwise.axpby(ctx, 1f, t, 0f, teacherLogits);
                }
            }
            student.parameters().zeroGrad();
            double lossSum = 0;
            double top1Sum = 0;
            for (int k = 0; k < subnets.size(); k++) {
                long dropoutSeed = SeededOrder.key(config.seed(), DROPOUT_STREAM, state.globalStep(), k);
                try (Pass p = fused ? Pass.train(ws, (float) config.dropout(), dropoutSeed)
                        : Pass.trainUnfused(ws, (float) config.dropout(), dropoutSeed)) {
                    p.synchronizeBatchNorm(bnSync());
                    Tensor logits = student.forward(p, subnets.get(k), images);
                    CrossEntropy.softmax(ctx, logits, targets, (float) config.labelSmoothing(), scale / n, loss,
                            dlogits);
                    double l = mean(loss.toArray());
                    if (teacherLogits != null) {
                        CrossEntropy.soft(ctx, logits, teacherLogits, (float) kd * scale / n, kdLoss, dkd);
                        Elementwise.axpby(ctx, 1f, dkd, 1f, dlogits);
                        l += kd * mean(kdLoss.toArray());
                    }
                    lossSum += l * scale;
                    top1Sum += SupernetTrainer.top1(logits.toArray(), batch.labels(), classes);
                    p.backward(dlogits);
                }
            }
            double stepLoss = lossSum / subnets.size();
            double stepTop1 = top1Sum / subnets.size();
            if (averager != null) {
                float[] stats = {(float) stepLoss, (float) stepTop1};
                averager.average(stats);
                stepLoss = stats[0];
                stepTop1 = stats[1];
            }
            for (Parameter prm : student.parameters().parameters()) {
                Sgd.Params sp = new Sgd.Params((float) lr, (float) config.sgd().momentum(),
                        (float) groups.decayFor(prm.name()), config.sgd().nesterov());
                Sgd.step(ctx, sp, prm.value(), prm.grad(), momentum.get(prm.name()));
            }
            return new Stats(stepLoss, stepTop1);
        } finally {
            taken.forEach(ws::release);
        }
    }

    private Tensor take(List<Tensor> taken, Layout layout, int... shape) {
        Tensor t = ws.take(layout, shape);
        taken.add(t);
        return t;
    }

    /** The labels on the device, in the tensor kept from the last step when the batch size is the same. */
    private Tensor labels(int[] values) {
        if (labels == null || labels.length() != values.length) {
            closeLabels();
            labels = Tensor.labels(student.context(), values);
        } else {
            labels.copyFrom(values);
        }
        return labels;
    }

    /** Frees the kept labels tensor and gradient bucket (the workspace and networks belong to the caller). */
    @Override
    public void close() {
        if (averager != null) {
            averager.close();
        }
        closeLabels();
    }

    private void closeLabels() {
        if (labels != null) {
            labels.close();
            labels = null;
        }
    }

    private static double mean(float[] v) {
        double s = 0;
        for (float f : v) {
            s += f;
        }
        return s / v.length;
    }
}
