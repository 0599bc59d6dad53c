package org.compofa.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.compofa.data.BatchLoader;
import org.compofa.data.Dataset;
import org.compofa.data.LoaderConfig;
import org.compofa.nn.ChannelSorter;
import org.compofa.nn.Network;
import org.compofa.nn.NetworkSpec;
import org.compofa.nn.Workspace;
import org.compofa.ops.KernelTransform;
import org.compofa.runtime.ComputeContext;
import org.compofa.space.MobileNetV3Geometry;
import org.compofa.space.ResolutionSet;
import org.compofa.space.SearchSpace;
import org.compofa.space.SearchSpaces;
import org.compofa.space.Subnet;

/**
 * The small-image recipe (Fashion-MNIST by default): teacher from scratch, then CompOFA compound
 * training with KD from it, then BN-recalibrated accuracy of the largest and smallest compound
 * subnets. Geometry: {@link MobileNetV3Geometry#smallInput} at the settings' width, 4 slots per
 * stage, resolutions 24/28/32.
 *
 * <p>Decisions for a 2-core CPU budget: the reference's epochs are scaled by {@link EpochBudget};
 * the learning rates of the reference (global batch 2048) scale linearly to our batch, except the
 * teacher's, whose reference lr (2.6 at 2048 = 0.1625 at 128) is used as given; the teacher trains
 * without dropout (as OFA's released D4-E6-K7) and with 1 warm-up epoch.
 *
 * <p>Decision: the compound phases run at {@link #DEFAULT_COMPOUND_LR_SCALE} x the linearly
 * scaled reference lr. The reference fine-tunes for 150 epochs; squeezed into 3, its lr (0.005 /
 * 0.015 at batch 128) barely moves the centre-cropped kernels. Measured on a 12k-image proxy
 * (benchmarks/RESULTS.md): x4 lifts the largest and smallest subnet by 0.5-0.7 points over x1, x10
 * diverges (NaN) at the start of phase 2; x3 keeps a margin below that.
 */
public final class FashionRecipe {
    /** Factor on the compound phases' linearly batch-scaled learning rates (see the class notes). */
    public static final double DEFAULT_COMPOUND_LR_SCALE = 3.0;

    /**
     * Default epochs. Decision (benchmarks/RESULTS.md, run 4): with GEMM on both cores the 11 + 3
     * recipe took 37.6 min of the hour and missed 92 % / 91 % by 0.01 each; 14 + 4 spends ~50 min.
     */
    public static final int DEFAULT_TEACHER_EPOCHS = 14;
    /** Default CompOFA epochs over both phases (see {@link #DEFAULT_TEACHER_EPOCHS}). */
    public static final int DEFAULT_COMPOUND_EPOCHS = 4;

    /**
     * Settings of a recipe run: where it writes, the supernet width, batch, epoch budgets and resolutions.
     *
     * @param out            run directory (teacher/ and compound/ inside)
     * @param width          width multiplier of the supernet
     * @param batch          images per step
     * @param teacherEpochs  teacher epochs (warm-up included)
     * @param compoundEpochs CompOFA epochs over both phases
     * @param compoundLrScale factor on the compound phases' linearly batch-scaled learning rates
     * @param resolutions    training and evaluation resolutions
     * @param seed           seed of weights, data order and sampling
     * @param input          what the run reads and how (preset, preprocessing, augmentation)
     */
    public record Settings(Path out, double width, int batch, int teacherEpochs, int compoundEpochs,
                           double compoundLrScale, ResolutionSet resolutions, long seed, RecipeInput input) {
        /**
         * Fashion-MNIST settings ({@link RecipeInput#FASHION}).
         *
         * @param out run directory (teacher/ and compound/ inside)
         * @param width width multiplier of the supernet
         * @param batch images per step
         * @param teacherEpochs teacher epochs (warm-up included)
         * @param compoundEpochs CompOFA epochs over both phases
         * @param compoundLrScale factor on the compound phases' linearly batch-scaled learning rates
         * @param resolutions training and evaluation resolutions
         * @param seed seed of the initial weights, data order and subnet sampling
         */
        public Settings(Path out, double width, int batch, int teacherEpochs, int compoundEpochs,
                        double compoundLrScale, ResolutionSet resolutions, long seed) {
            this(out, width, batch, teacherEpochs, compoundEpochs, compoundLrScale, resolutions, seed,
                    RecipeInput.FASHION);
        }

        /** Checks the numbers. */
        public Settings {
            java.util.Objects.requireNonNull(input, "input");
            if (!(compoundLrScale > 0) || Double.isInfinite(compoundLrScale)) {
                throw new IllegalArgumentException("compound lr scale must be finite and > 0: " + compoundLrScale);
            }
            if (batch < 2 || teacherEpochs < 1 || compoundEpochs < 2 || !(width > 0)) {
                throw new IllegalArgumentException("batch >= 2, teacher epochs >= 1, compound epochs >= 2 (two"
                        + " phases) and width > 0 needed: " + batch + ", " + teacherEpochs + ", " + compoundEpochs
                        + ", " + width);
            }
        }
    }

    private final Settings settings;
    private final ComputeContext ctx;
    private final Dataset train;
    private final Dataset test;
    private final PrintStream out;
    private final MobileNetV3Geometry geometry;
    private org.compofa.runtime.Communicator comm; // null: this process alone
    private boolean synchronizedBatchNorm;

    /**
     * A recipe on {@code ctx} over the given data.
     *
     * @param settings run directory, width, batch, epochs, resolutions and seed
     * @param ctx compute context the networks and steps run on
     * @param train training images
     * @param test test images
     * @param out where progress lines are printed
     */
    public FashionRecipe(Settings settings, ComputeContext ctx, Dataset train, Dataset test, PrintStream out) {
        this.settings = settings;
        this.ctx = ctx;
        this.train = train;
        this.test = test;
        this.out = out;
        if (train.channels() != settings.input().preprocessing().color().channels()) {
            throw new IllegalArgumentException("the data set has " + train.channels() + " channel(s), the run reads "
                    + settings.input().preprocessing().color());
        }
        this.geometry = settings.input().geometry(settings.width(), train.numClasses());
    }

    /**
     * Trains every phase data-parallel over {@code communicator}'s ranks
     * ({@link SupernetTrainer#withCommunicator}); every rank must run the same recipe. BN recalibration
     * and evaluation are sharded across the ranks and reduced ({@link Evaluator#Evaluator(Workspace,
     * org.compofa.runtime.Communicator)}): every rank gets the same numbers.
     *
     * @param communicator the ranks, of this recipe's compute context
     * @return this recipe
     */
    public FashionRecipe withCommunicator(org.compofa.runtime.Communicator communicator) {
        this.comm = communicator;
        return this;
    }

    /**
     * Synchronised BN in data-parallel training ({@link SupernetTrainer#withSynchronizedBatchNorm}).
     *
     * @param on whether every rank normalises with the global batch's statistics
     * @return this recipe
     */
    public FashionRecipe withSynchronizedBatchNorm(boolean on) {
        this.synchronizedBatchNorm = on;
        return this;
    }

    private SupernetTrainer distributed(SupernetTrainer trainer) {
        return comm == null ? trainer : trainer.withCommunicator(comm).withSynchronizedBatchNorm(synchronizedBatchNorm);
    }

    /**
     * The compound search space of the recipe.
     *
     * @return the compound (CompOFA) search space
     */
    public SearchSpace space() {
        return SearchSpaces.compOfa(settings.width(), settings.resolutions());
    }

    /**
     * The supernet spec (4 slots, kernel 7 stored, centre crop).
     *
     * @return the supernet spec
     */
    public NetworkSpec spec() {
        return NetworkSpec.supernet(geometry, SearchSpaces.MBV3_SLOTS, KernelTransform.NONE);
    }

    /**
     * Training batches: random crop from the image padded by 2 (not 4) and horizontal flip.
     * Decision: on 28 px images a 4 px shift is strong for a few epochs; the measured pad-4 run
     * underfit (teacher train top-1 ~ test top-1 ~ 90%, benchmarks/RESULTS.md).
     *
     * @return the training loader configuration
     */
    public LoaderConfig trainLoader() {
        return LoaderConfig.training(settings.batch(), settings.seed()).withAugmentation(settings.input().augmentation())
                .withNormalization(settings.input().preprocessing().normalization());
    }

    /**
     * Evaluation batches: index order, no augmentation, the run's normalisation.
     *
     * @return the evaluation loader configuration
     */
    public LoaderConfig evalLoader() {
        return LoaderConfig.evaluation(settings.input().evaluationBatch())
                .withNormalization(settings.input().preprocessing().normalization());
    }

    /**
     * The test images at {@code resolution} (the eval crop applied for ImageNet-style input).
     *
     * @param resolution image side in pixels
     * @return the test set at that resolution
     */
    public Dataset testAt(int resolution) {
        return settings.input().evaluationImages(test, resolution);
    }

    /** The recipe's augmentation. */
    public static final org.compofa.data.Augmentation AUGMENTATION = new org.compofa.data.Augmentation(2, true);

    /**
     * The teacher phase config.
     *
     * @return the teacher phase's training configuration
     */
    public TrainingConfig teacherConfig() {
        int warmup = settings.teacherEpochs() > 2 ? 1 : 0;
        double lr = TrainingPreset.OFA_TEACHER.config().withBatchSize(settings.batch()).initLr();
        return new TrainingConfig("teacher", settings.teacherEpochs() - warmup, warmup, lr,
                lr / TrainingPreset.OFA_TEACHER.referenceGpus(), SgdConfig.REFERENCE, TrainingPreset.LABEL_SMOOTHING,
                0.0, settings.batch(), 1, 0.0, settings.seed(), settings.resolutions().values());
    }

    /**
     * CompOFA's two phases scaled to the budget and the batch.
     *
     * @return the two compound phases' configurations, in run order
     */
    public List<TrainingConfig> compoundConfigs() {
        return EpochBudget.scale(TrainingPreset.compOfa(), settings.compoundEpochs()).stream()
                .map(c -> c.withBatchSize(settings.batch()).withLrScale(settings.compoundLrScale())
                        .withSeed(settings.seed()).withResolutions(settings.resolutions().values()))
                .toList();
    }

    /**
     * Trains (or resumes, or finds finished) the teacher; returns it with its result.
     *
     * @param teacher the full network to train, in place
     * @return the teacher phase's result
     * @throws IOException if a checkpoint or log cannot be read or written
     */
    public PhaseResult trainTeacher(Network teacher) throws IOException {
        BatchLoader loader = new BatchLoader(train, trainLoader());
        SupernetTrainer trainer = new SupernetTrainer(teacher, null, loader, settings.out().resolve("teacher"), out)
                .withAttributes(inputAttributes());
        distributed(trainer);
        Subnet full = teacher.largestSubnet(settings.resolutions().min());
        return trainer.run(new Phase(teacherConfig(), SubnetSource.fixed(full), "teacher"));
    }

    /**
     * CompOFA compound training of {@code student} from the teacher's weights (copied in and channel
     * sorted at the start of each phase, as {@code supporting_compound} does; §3.3, §10.3 kept).
     *
     * @param student the supernet to train, in place
     * @param teacher the trained teacher (weight source and distillation target)
     * @return one result per compound phase, in run order
     * @throws IOException if a checkpoint or log cannot be read or written
     */
    public List<PhaseResult> trainCompound(Network student, Network teacher) throws IOException {
        List<PlannedPhase> plan = compoundConfigs().stream()
                .map(c -> new PlannedPhase(c, space(), List.of(6, 4, 3), 0)).toList();
        return trainChain(student, teacher, "compound", plan);
    }

    /**
     * The OFA space of the recipe (elastic kernel, depth and expand; transform matrices).
     *
     * @return the OFA search space
     */
    public SearchSpace ofaSpace() {
        return ofaSpace(List.of(2, 3, 4), List.of(3, 4, 6), List.of(3, 5, 7));
    }

    private SearchSpace ofaSpace(List<Integer> depths, List<Integer> expands, List<Integer> kernels) {
        return SearchSpaces.ofaMbv3(depths, expands, kernels, settings.width(), settings.resolutions());
    }

    /**
     * The OFA student's spec: as {@link #spec()} plus the 7->5->3 kernel-transform matrices.
     *
     * @return the OFA student's spec
     */
    public NetworkSpec ofaSpec() {
        return NetworkSpec.supernet(geometry, SearchSpaces.MBV3_SLOTS, KernelTransform.OFA);
    }

    /**
     * OFA progressive shrinking (§5.2) on the same engine: kernel {3,5,7}, depth {3,4} then {2,3,4},
     * expand {4,6} (full channel sort first) then {3,4,6} (sort protecting the top 4x channels),
     * with the reference's subnets per step, epochs scaled to {@code epochs} in total (at least 5).
     *
     * @param student the supernet to train, in place
     * @param teacher the trained teacher (weight source and distillation target)
     * @param epochs total epochs over the five phases
     * @return one result per phase, in run order
     * @throws IOException if a checkpoint or log cannot be read or written
     */
    public List<PhaseResult> trainOfaProgressiveShrinking(Network student, Network teacher, int epochs)
            throws IOException {
        return trainOfaProgressiveShrinking(student, teacher, epochs, 1.0);
    }

    /**
     * OFA's five phases scaled to {@code epochs} and the batch, both learning rates of each phase
     * multiplied by {@code lrScale} (1 in {@code compofa train ofa-ps}; a comparison with CompOFA
     * passes the compound scale so the two schedules keep the reference's lr proportions).
     *
     * @param epochs total epochs over the five phases
     * @param lrScale factor on both learning rates of every phase (positive)
     * @return the five phases' configurations, in run order
     */
    public List<TrainingConfig> ofaConfigs(int epochs, double lrScale) {
        return EpochBudget.scale(TrainingPreset.ofaProgressiveShrinking(), epochs).stream()
                .map(x -> x.withBatchSize(settings.batch()).withLrScale(lrScale).withSeed(settings.seed())
                        .withResolutions(settings.resolutions().values()))
                .toList();
    }

    /**
     * {@link #trainOfaProgressiveShrinking(Network, Network, int)} with the phases of {@link #ofaConfigs}.
     *
     * @param student the supernet to train, in place
     * @param teacher the trained teacher (weight source and distillation target)
     * @param epochs total epochs over the five phases
     * @param lrScale factor on both learning rates of every phase
     * @return one result per phase, in run order
     * @throws IOException if a checkpoint or log cannot be read or written
     */
    public List<PhaseResult> trainOfaProgressiveShrinking(Network student, Network teacher, int epochs,
                                                         double lrScale) throws IOException {
        List<TrainingConfig> c = ofaConfigs(epochs, lrScale);
        List<Integer> k357 = List.of(3, 5, 7);
        List<PlannedPhase> plan = List.of(
                new PlannedPhase(c.get(0), ofaSpace(List.of(4), List.of(6), k357), null, 0),
                new PlannedPhase(c.get(1), ofaSpace(List.of(3, 4), List.of(6), k357), null, 0),
                new PlannedPhase(c.get(2), ofaSpace(List.of(2, 3, 4), List.of(6), k357), null, 0),
                new PlannedPhase(c.get(3), ofaSpace(List.of(2, 3, 4), List.of(4, 6), k357), List.of(6, 4), 0),
                new PlannedPhase(c.get(4), ofaSpace(), List.of(6, 4, 3), 1));
        return trainChain(student, teacher, "ofa-ps", plan);
    }

    /** One phase of a chain: its config, the space it samples and the channel sort at its start (null: none). */
    private record PlannedPhase(TrainingConfig config, SearchSpace space, List<Integer> sortExpands, int protect) {
    }

    /**
     * Runs phases in order in {@code out/<name>/<phase>}; a phase that has no checkpoint yet starts
     * from the previous phase's weights (the first from the teacher's) after its channel sort, a
     * phase with one resumes from it.
     */
    private List<PhaseResult> trainChain(Network student, Network teacher, String name, List<PlannedPhase> plan)
            throws IOException {
        BatchLoader loader = new BatchLoader(train, trainLoader());
        Path dir = settings.out().resolve(name);
        SupernetTrainer trainer = new SupernetTrainer(student, teacher, loader, dir, out)
                .withAttributes(inputAttributes());
        distributed(trainer);
        List<PhaseResult> results = new ArrayList<>();
        for (PlannedPhase p : plan) {
            TrainingConfig c = p.config();
            boolean started = new CheckpointStore(dir.resolve(c.name()), c.name(), 2).latest().isPresent();
            if (!started) {
                if (results.isEmpty()) {
                    student.parameters().copySharedFrom(teacher.parameters());
                }
                if (p.sortExpands() != null) {
                    ChannelSorter.sortMiddleChannels(student, p.protect(), p.sortExpands());
                }
            }
            results.add(trainer.run(new Phase(c, SubnetSource.uniform(p.space()), p.space().id())));
        }
        return results;
    }

    /** The input's checkpoint attributes; none for Fashion-MNIST (its checkpoints stay as they were). */
    private Map<String, String> inputAttributes() {
        return settings.input().equals(RecipeInput.FASHION) ? Map.of() : settings.input().attributes();
    }

    /**
     * BN-recalibrated top-1 of the largest and smallest compound subnet at every resolution.
     *
     * @param student the trained supernet
     * @return top-1 accuracy keyed by subnet id
     */
    public Map<String, Double> evaluateExtremes(Network student) {
        return evaluateExtremes(student, space());
    }

    /**
     * BN-recalibrated top-1 of the largest and smallest subnet of {@code space} at every resolution.
     *
     * @param student the trained supernet
     * @param space the space whose largest and smallest subnets are evaluated
     * @return top-1 accuracy keyed by subnet id
     */
    public Map<String, Double> evaluateExtremes(Network student, SearchSpace space) {
        Map<String, Double> acc = new LinkedHashMap<>();
        try (Workspace ws = new Workspace(ctx)) {
            Evaluator ev = new Evaluator(ws, comm);
            for (int r : settings.resolutions().values()) {
                for (Subnet s : List.of(space.largest(r), space.smallest(r))) {
                    acc.put(s.id(), ev.top1Recalibrated(student, s, train, trainLoader(), testAt(r), evalLoader()));
                }
            }
        }
        return acc;
    }

    /**
     * Top-1 of the teacher (its own running statistics) at every resolution.
     *
     * @param teacher the trained teacher
     * @return top-1 accuracy keyed by resolution in pixels
     */
    public Map<Integer, Double> evaluateTeacher(Network teacher) {
        Map<Integer, Double> acc = new LinkedHashMap<>();
        try (Workspace ws = new Workspace(ctx)) {
            Evaluator ev = new Evaluator(ws, comm);
            for (int r : settings.resolutions().values()) {
                acc.put(r, ev.top1(teacher, teacher.largestSubnet(r), testAt(r), evalLoader()));
            }
        }
        return acc;
    }

    /**
     * Loads the newest checkpoint of a finished phase into {@code net}, if there is one.
     *
     * @param phaseDir directory of the phase's checkpoints
     * @param phase phase name recorded in the checkpoints
     * @param net network the weights are loaded into
     * @return the loaded checkpoint, or empty when the phase has none
     * @throws IOException if a checkpoint cannot be read
     */
    public static Optional<LoadedCheckpoint> loadLatest(Path phaseDir, String phase, Network net) throws IOException {
        if (!Files.isDirectory(phaseDir)) {
            return Optional.empty();
        }
        Optional<LoadedCheckpoint> c = new CheckpointStore(phaseDir, phase, 2).latest();
        c.ifPresent(l -> net.parameters().load(l.checkpoint().arrays()));
        return c;
    }
}
