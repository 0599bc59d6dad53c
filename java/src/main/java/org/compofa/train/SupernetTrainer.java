package org.compofa.train;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.compofa.data.Batch;
import org.compofa.data.BatchLoader;
import org.compofa.data.SeededOrder;
import org.compofa.nn.Network;
import org.compofa.nn.Workspace;
import org.compofa.runtime.Communicator;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Tensor;

/**
 * The one training engine behind the teacher, CompOFA compound training and OFA progressive
 * shrinking (reference §5.1): per step one batch at one resolution drawn for that batch and one
 * {@link TrainingStep} (teacher logits, the sampled subnets' forward and backward, one SGD step) at
 * the cosine-with-warm-up learning rate of the step.
 *
 * <p>Every random choice is keyed by (seed, position): the batch order and augmentation by the
 * loader, the resolution by (seed, epoch, batch), the subnets by {@link RunState#subnetSeed}, the
 * dropout mask by (seed, step, subnet). Checkpoints (weights, running statistics, momentum, state)
 * go through {@link CheckpointStore} (atomic, checksummed); {@link #run} resumes from the newest
 * valid one, so a killed run continues the same run without loss and ends with the same weights.
 *
 * <p>Resuming recomputes the steps done after that checkpoint, bit-identically: {@code log.csv}
 * rows past the checkpoint's step are dropped before they are written again, and the partial
 * averaging window of the log (loss and top-1 sums since the last row) is saved in the checkpoint,
 * so the resumed log equals an uninterrupted run's in every column but the timing ones
 * ({@code images_per_s}, {@code elapsed_s}).
 *
 * <p>Data-parallel training ({@link #withCommunicator}, a communicator of N > 1 ranks), as the
 * reference's Horovod run: every rank draws the same resolution and subnets at each step (they are
 * keyed by seed and position, not by rank) and trains on its contiguous shard of the unsharded run's
 * global batch ({@link BatchLoader#batch(int, int, int, int, int)}: the global batch size must be a
 * multiple of N), so every image is seen once per epoch across the ranks; gradients are averaged
 * across ranks before SGD ({@link TrainingStep}). The learning rate stays as configured: the
 * reference scales it with the global batch, and the global batch is the configured batch here,
 * whatever N is. Rank 0's weights and momentum are broadcast to every rank before the first step
 * (fresh or resumed), so the ranks start equal and stay bit-identical. BN batch statistics are per
 * rank (the reference's default), and so are the running statistics: the checkpoint holds rank 0's.
 * The loss and top-1 logged are averaged over the ranks. Only rank 0 writes checkpoints, the log,
 * the progress bar and the curves; every rank resumes from the same checkpoint files, so the run
 * directory must be shared by the ranks (one file system).
 */
public final class SupernetTrainer {
    private static final long RESOLUTION_STREAM = 0x5245534fL; // "RESO"
    private static final String MOMENTUM_PREFIX = "optimizer.momentum.";
    private static final List<String> LOG_COLUMNS = List.of("step", "epoch", "batch", "lr", "loss", "top1",
            "images_per_s", "elapsed_s");

    private final Network student;
    private final Network teacher;
    private final BatchLoader loader;
    private final Path runDirectory;
    private final PrintStream out;
    private double checkpointEverySeconds = 300;
    private int logEverySteps = 20;
    private long stopAfterSteps = Long.MAX_VALUE;
    private Map<String, String> extraAttributes = Map.of();
    private Communicator comm; // null: this process alone
    private boolean synchronizedBatchNorm;

    /**
     * A trainer running the phases of one supernet, with checkpoints, resume and a CSV log per phase.
     *
     * @param student      the network being trained (weights updated in place)
     * @param teacher      the frozen teacher, or null (no distillation; phases then need kd 0)
     * @param loader       training batches (batch size must equal every phase's)
     * @param runDirectory where checkpoints and the CSV log of each phase go (one sub-folder per phase)
     * @param out          where the progress bar goes
     */
    public SupernetTrainer(Network student, Network teacher, BatchLoader loader, Path runDirectory, PrintStream out) {
        this.student = Objects.requireNonNull(student, "student");
        this.teacher = teacher;
        this.loader = Objects.requireNonNull(loader, "loader");
        this.runDirectory = Objects.requireNonNull(runDirectory, "runDirectory");
        this.out = Objects.requireNonNull(out, "out");
        if (teacher != null && teacher.context() != student.context()) {
            throw new IllegalArgumentException("teacher and student must live on one compute context");
        }
    }

    /**
     * Attributes written into every checkpoint of this trainer (e.g. the run's input, {@link RecipeInput}).
     *
     * @param extra attribute keys and values
     * @return this trainer
     */
    public SupernetTrainer withAttributes(Map<String, String> extra) {
        this.extraAttributes = Map.copyOf(extra);
        return this;
    }

    /**
     * Trains data-parallel over {@code communicator}'s ranks (see the class comment); every rank must
     * run the same phases with the same configuration and data set. A one-rank communicator trains
     * exactly as without one.
     *
     * @param communicator the ranks, of the student's compute context
     * @return this trainer
     * @throws IllegalArgumentException for a communicator of another context
     */
    public SupernetTrainer withCommunicator(Communicator communicator) {
        if (communicator.context() != student.context()) {
            throw new IllegalArgumentException("the communicator belongs to another compute context than the student");
        }
        this.comm = communicator;
        return this;
    }

    /**
     * Synchronised BN across the ranks ({@link TrainingStep#synchronizeBatchNorm}); off by default, as
     * the reference trains. Ignored without a communicator of more than one rank.
     *
     * @param on whether every rank normalises with the global batch's statistics
     * @return this trainer
     */
    public SupernetTrainer withSynchronizedBatchNorm(boolean on) {
        this.synchronizedBatchNorm = on;
        return this;
    }

    private int rank() {
        return comm == null ? 0 : comm.rank();
    }

    private int ranks() {
        return comm == null ? 1 : comm.size();
    }

    /**
     * Seconds between periodic checkpoints (one is also written at every epoch end).
     *
     * @param seconds wall-clock seconds between checkpoints
     * @return this trainer
     */
    public SupernetTrainer checkpointEvery(double seconds) {
        this.checkpointEverySeconds = seconds;
        return this;
    }

    /**
     * Steps between CSV log rows.
     *
     * @param steps steps between rows
     * @return this trainer
     */
    public SupernetTrainer logEvery(int steps) {
        this.logEverySteps = Math.max(1, steps);
        return this;
    }

    /**
     * Stops (after checkpointing) once the phase's global step reaches this: simulates a kill in tests.
     *
     * @param step global step to stop at
     * @return this trainer
     */
    public SupernetTrainer stopAfterStep(long step) {
        this.stopAfterSteps = step;
        return this;
    }

    /** The resolution of batch {@code batch} of {@code epoch}: uniform over the phase's list. */
    static int resolutionOf(TrainingConfig config, int epoch, int batch) {
        List<Integer> rs = config.resolutions();
        return rs.get(SeededOrder.random(config.seed(), RESOLUTION_STREAM, epoch, batch).nextInt(rs.size()));
    }

    /**
     * Runs (or resumes, or confirms finished) one phase.
     *
     * @param phase the phase's config and subnet source
     * @return the phase's result
     * @throws IOException when checkpoints or the log cannot be written or a checkpoint is unusable
     */
    public PhaseResult run(Phase phase) throws IOException {
        TrainingConfig config = phase.config();
        if (config.batchSize() != loader.config().batchSize()) {
            throw new IllegalArgumentException("phase " + config.name() + " has batch " + config.batchSize()
                    + " but the loader makes batches of " + loader.config().batchSize());
        }
        checkShardable(config.batchSize());
        if (config.kdRatio() > 0 && teacher == null) {
            throw new IllegalArgumentException("phase " + config.name() + " distils (kd " + config.kdRatio()
                    + ") but no teacher was given");
        }
        Path dir = runDirectory.resolve(config.name());
        // Rank 0 opens the store first (it removes stale temporaries and moves corrupt files aside);
        // the others read it after, and no rank writes before every rank has read (the broadcast below).
        if (rank() != 0) {
            comm.barrier();
        }
        CheckpointStore store = new CheckpointStore(dir, config.name(), 2);
        Optional<LoadedCheckpoint> latest = store.latest();
        if (rank() == 0 && ranks() > 1) {
            comm.barrier();
        }
        ComputeContext ctx = student.context();
        Map<String, Tensor> momentum = new LinkedHashMap<>();
        try (Workspace ws = new Workspace(ctx)) {
            momentum.putAll(TrainingStep.zeroMomentum(student));
            RunState state = RunState.start(config.seed());
            double elapsed = 0;
            LogWindow window = LogWindow.EMPTY;
            if (latest.isPresent()) {
                Checkpoint c = latest.get().checkpoint();
                if (!c.config().equals(config)) {
                    throw new CheckpointException(latest.get().file(), CheckpointException.Reason.INCOMPATIBLE,
                            "it was written by phase config " + c.config().toProperties() + ", not "
                                    + config.toProperties() + "; use another run directory");
                }
                student.parameters().load(c.arrays());
                for (var e : momentum.entrySet()) {
                    e.getValue().copyFrom(latest.get().require(MOMENTUM_PREFIX + e.getKey(),
                            e.getValue().shape()).values());
                }
                state = c.state();
                elapsed = Double.parseDouble(c.attributes().getOrDefault("elapsed_seconds", "0"));
                window = LogWindow.of(c.attributes());
                if (rank() == 0) {
                    out.println("compofa: resuming " + config.name() + " at epoch " + state.epoch() + " batch "
                        + state.batchIndex() + " (step " + state.globalStep() + ") from " + latest.get().file());
                }
            }
            broadcastFromRankZero(momentum);
            PhaseResult result = loop(phase, store, momentum, ws, state, elapsed, window, dir);
            if (ranks() > 1) {
                comm.barrier(); // rank 0's last checkpoint is on disk before any rank reads it
            }
            return result;
        } finally {
            momentum.values().forEach(Tensor::close);
        }
    }

    /** Every batch of an epoch must split into equal shards, else the averaged gradient is not the global mean. */
    private void checkShardable(int batch) {
        int n = ranks();
        if (n == 1) {
            return;
        }
        int last = loader.config().dropLast() ? 0 : loader.dataset().size() % batch;
        if (batch % n != 0 || last % n != 0) {
            throw new IllegalArgumentException("data-parallel training on " + n + " ranks needs every batch to split"
                    + " evenly: batch " + batch + (last == 0 ? "" : " and the epoch's last batch of " + last)
                    + " must be multiples of " + n + "; use a batch size divisible by the number of ranks"
                    + (last == 0 ? "" : " and by which the data set size leaves a divisible remainder (or drop the"
                    + " last batch)"));
        }
    }

    /**
     * Rank 0's parameters, running statistics and momentum into every rank (one broadcast per tensor:
     * this happens once per phase). Every rank then starts the phase from the same state, whatever its
     * own initialisation or the checkpoint it read.
     */
    private void broadcastFromRankZero(Map<String, Tensor> momentum) {
        if (ranks() == 1) {
            return;
        }
        student.parameters().parameters().forEach(p -> comm.broadcast(p.value(), 0));
        student.parameters().buffers().values().forEach(t -> comm.broadcast(t, 0));
        momentum.values().forEach(t -> comm.broadcast(t, 0));
    }

    private PhaseResult loop(Phase phase, CheckpointStore store, Map<String, Tensor> momentum, Workspace ws,
                             RunState start, double elapsedBefore, LogWindow resumedWindow, Path dir)
            throws IOException {
        TrainingConfig config = phase.config();
        int perEpoch = loader.batchesPerEpoch();
        LearningRateSchedule schedule = config.schedule(perEpoch);
        long totalSteps = schedule.totalSteps();
        TrainingStep stepper = new TrainingStep(student, teacher, config, momentum, ws, comm)
                .synchronizeBatchNorm(synchronizedBatchNorm);
        boolean writer = rank() == 0;
        RunState state = start;
        double elapsed = elapsedBefore;
        long t0 = System.nanoTime();
        long lastCheckpoint = t0;
        // Sums since the last log row; restored on resume so the next row averages the same steps.
        double windowLoss = resumedWindow.loss();
        double windowTop1 = resumedWindow.top1();
        int windowCount = resumedWindow.count();
        double lastLoss = Double.NaN;
        double lastTop1 = Double.NaN;
        long windowStart = t0;
        long windowImages = 0;
        ExecutorService prefetch = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "compofa-prefetch");
            t.setDaemon(true);
            return t;
        });
        try (CsvLog log = writer ? CsvLog.openResumed(dir.resolve("log.csv"), LOG_COLUMNS, "step", state.globalStep())
                : null;
             ProgressBar bar = progressBar(writer, config.name(), totalSteps)) {
            bar.resumeAt(state.globalStep());
            CompletableFuture<Batch> next = state.globalStep() < totalSteps ? fetch(prefetch, config, state) : null;
            while (state.globalStep() < totalSteps && state.globalStep() < stopAfterSteps) {
                Batch batch = next.join();
                RunState after = state.advance(perEpoch);
                next = after.globalStep() < totalSteps ? fetch(prefetch, config, after) : null;
                double lr = schedule.lr(state.globalStep());
                TrainingStep.Stats s = stepper.run(state, batch, phase.subnets().draw(state, config.subnetsPerStep(),
                        batch.resolution()), lr);
                if (!Double.isFinite(s.loss())) {
                    throw new TrainingDivergedException(config.name(), state.globalStep(), s.loss(), lr);
                }
                state = after;
                windowLoss += s.loss();
                windowTop1 += s.top1();
                windowCount++;
                windowImages += (long) batch.size() * ranks(); // the global batch
                bar.metric("loss", s.loss()).metric("top1", s.top1()).metric("lr", lr);
                long now = System.nanoTime();
                double rate = windowImages / Math.max(1e-9, (now - windowStart) / 1e9);
                bar.metric("img/s", rate);
                bar.update(state.globalStep());
                boolean epochEnd = state.batchIndex() == 0;
                if (windowCount >= logEverySteps || epochEnd || state.globalStep() == totalSteps) {
                    lastLoss = windowLoss / windowCount;
                    lastTop1 = windowTop1 / windowCount;
                    if (log != null) {
                        log.append(state.globalStep(), batch.epoch(), batch.index(), lr, lastLoss, lastTop1, rate,
                            elapsed + (now - t0) / 1e9);
                    }
                    windowLoss = windowTop1 = 0;
                    windowCount = 0;
                    windowStart = now;
                    windowImages = 0;
                }
                if (epochEnd || (now - lastCheckpoint) / 1e9 >= checkpointEverySeconds
                        || state.globalStep() == totalSteps || state.globalStep() >= stopAfterSteps) {
                    if (writer) {
                        save(store, phase, state, momentum, elapsed + (now - t0) / 1e9,
                            new LogWindow(windowLoss, windowTop1, windowCount));
                    }
                    lastCheckpoint = now;
                }
            }
        } finally {
            stepper.close();
            prefetch.shutdownNow();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (writer && ranks() > 1 && seconds > 0) {
            out.printf(java.util.Locale.ROOT, "compofa: %s on %d ranks: %.1f s averaging gradients of %.1f s (%.1f %%)%n",
                    config.name(), ranks(), stepper.communicationSeconds(), seconds,
                    100 * stepper.communicationSeconds() / seconds);
        }
        elapsed += seconds;
        if (state.globalStep() == totalSteps && writer) {
            org.compofa.report.TrainingCurves.plot(dir, config.name());
        }
        return new PhaseResult(config.name(), state, elapsed, state.globalStep() * config.subnetsPerStep(), lastLoss,
                lastTop1);
    }

    /** The progress bar on stdout for the writing rank, a silent one for the others. */
    private static ProgressBar progressBar(boolean writer, String label, long totalSteps) {
        return writer ? ProgressBar.onStdout(label, totalSteps, "step")
                : new ProgressBar(label, totalSteps, "step", new PrintStream(OutputStream.nullOutputStream()), false,
                        System::nanoTime, ProgressBar.DEFAULT_PERCENT_STEP);
    }

    private CompletableFuture<Batch> fetch(ExecutorService pool, TrainingConfig config, RunState at) {
        int r = resolutionOf(config, at.epoch(), at.batchIndex());
        int rank = rank();
        int ranks = ranks();
        return CompletableFuture.supplyAsync(() -> ranks == 1 ? loader.batch(at.epoch(), at.batchIndex(), r)
                : loader.batch(at.epoch(), at.batchIndex(), r, rank, ranks), pool);
    }

    private void save(CheckpointStore store, Phase phase, RunState state, Map<String, Tensor> momentum,
                      double elapsed, LogWindow window) throws IOException {
        List<NamedArray> arrays = new ArrayList<>(student.parameters().toArrays());
        momentum.forEach((name, t) -> arrays.add(new NamedArray(MOMENTUM_PREFIX + name, t.shape(), t.toArray())));
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("elapsed_seconds", Double.toString(elapsed));
        attributes.put("phase", phase.config().name());
        window.putInto(attributes);
        extraAttributes.forEach(attributes::putIfAbsent);
        store.save(new Checkpoint(phase.config().name(), phase.spaceId(), state, phase.config(), attributes, arrays));
    }

    /**
     * The log's averaging window at a checkpoint: loss and top-1 sums over the {@code count} steps
     * since the last row. Stored as checkpoint attributes ({@link Double#toString} round-trips
     * exactly); a checkpoint without them (older, or at a row) gives the empty window.
     */
    record LogWindow(double loss, double top1, int count) {
        static final LogWindow EMPTY = new LogWindow(0, 0, 0);

        static LogWindow of(Map<String, String> attributes) {
            String n = attributes.get("log_window_steps");
            if (n == null) {
                return EMPTY;
            }
            try {
                LogWindow w = new LogWindow(Double.parseDouble(attributes.getOrDefault("log_window_loss_sum", "0")),
                        Double.parseDouble(attributes.getOrDefault("log_window_top1_sum", "0")), Integer.parseInt(n));
                if (w.count < 0) {
                    throw new NumberFormatException("negative step count " + w.count);
                }
                return w;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("checkpoint attributes log_window_*: " + e.getMessage()
                        + "; allowed: a step count >= 0 and two decimal sums", e);
            }
        }

        void putInto(Map<String, String> attributes) {
            attributes.put("log_window_steps", Integer.toString(count));
            attributes.put("log_window_loss_sum", Double.toString(loss));
            attributes.put("log_window_top1_sum", Double.toString(top1));
        }
    }

    /**
     * Top-1 accuracy in percent of logits [n][classes] against labels.
     *
     * @param logits row-major scores, n rows of {@code classes}
     * @param labels the true class of each row
     * @param classes number of classes
     * @return top-1 accuracy in percent
     */
    public static double top1(float[] logits, int[] labels, int classes) {
        int hits = 0;
        for (int b = 0; b < labels.length; b++) {
            int best = 0;
            for (int j = 1; j < classes; j++) {
                if (logits[b * classes + j] > logits[b * classes + best]) {
                    best = j;
                }
            }
            hits += best == labels[b] ? 1 : 0;
        }
        return 100.0 * hits / labels.length;
    }
}
