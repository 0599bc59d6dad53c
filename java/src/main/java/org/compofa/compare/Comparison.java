package org.compofa.compare;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import org.compofa.data.BatchLoader;
import org.compofa.data.Dataset;
import org.compofa.latency.BlockLatencyTable;
import org.compofa.latency.BlockLatencyTableBuilder;
import org.compofa.latency.LatencyMeasurer;
import org.compofa.latency.LatencyTable;
import org.compofa.latency.LatencyTableBuilder;
import org.compofa.nn.Network;
import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.search.AccuracyTable;
import org.compofa.space.SearchSpace;
import org.compofa.space.SearchSpaces;
import org.compofa.space.Subnet;
import org.compofa.train.FashionRecipe;
import org.compofa.train.PhaseResult;
import org.compofa.train.TrainingConfig;
import org.compofa.train.TrainingPreset;

/**
 * OFA progressive shrinking against CompOFA compound training on the same data, engine, teacher and
 * seed (issue #5), as resumable steps. Each step writes its artifact under {@code <run>/compare/}
 * and is skipped when the artifact exists; training itself resumes from its checkpoints in
 * {@code <run>/teacher}, {@code <run>/compound} (so a run's teacher and compound supernet from
 * {@code compofa train} are reused) and {@code <run>/ofa-ps}. Steps, in order:
 * <ol>
 *   <li>teacher, CompOFA compound training, OFA progressive shrinking: {@code cost-<method>.csv}
 *       ({@link TrainingCost});</li>
 *   <li>BN-recalibrated top-1 of every compound subnet in both supernets and of random OFA subnets:
 *       {@code accuracy-compofa.csv}, {@code accuracy-compofa-in-ofa.csv}, {@code accuracy-ofa-random.csv};</li>
 *   <li>per platform, the latency table of every compound subnet ({@code latency-<platform>.csv}) and
 *       the per-block lookup table over the OFA space that OFA's search predicts latency with
 *       ({@code block-latency-<platform>.csv});</li>
 *   <li>the searches and their times ({@link Searches}): {@code search-<method>-<platform>.csv};</li>
 *   <li>the report ({@link ComparisonReport}), always rewritten from the artifacts.</li>
 * </ol>
 * Step wall times go to {@code step-seconds.csv} ({@link StepTimes}); the settings to
 * {@code settings.csv}, which must match on a rerun.
 */
public final class Comparison {
    /** The folder inside the run directory. */
    public static final String FOLDER = "compare";

    private final ComparisonSettings settings;
    private final ComputeContext ctx;
    private final Dataset train;
    private final Dataset test;
    private final PrintStream out;
    private final FashionRecipe recipe;
    private final Path dir;
    private int stepNumber;

    /**
     * A comparison ready to run; nothing is trained until it runs.
     *
     * @param settings what to run
     * @param ctx      the engine both methods train and are evaluated on
     * @param train    training images (also the BN-recalibration images)
     * @param test     the images top-1 is measured on
     * @param out      progress lines
     */
    public Comparison(ComparisonSettings settings, ComputeContext ctx, Dataset train, Dataset test, PrintStream out) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.ctx = Objects.requireNonNull(ctx, "ctx");
        this.train = Objects.requireNonNull(train, "train");
        this.test = Objects.requireNonNull(test, "test");
        this.out = Objects.requireNonNull(out, "out");
        this.recipe = new FashionRecipe(settings.recipe(), ctx, train, test, out);
        this.dir = settings.recipe().out().resolve(FOLDER);
    }

    /**
     * Where the artifacts go.
     *
     * @return the directory
     */
    public Path directory() {
        return dir;
    }

    /**
     * The CompOFA space at the search resolutions.
     *
     * @param width width multiplier
     * @param resolutions search resolutions
     * @return the space
     */
    public static SearchSpace compOfaSpace(double width, org.compofa.space.ResolutionSet resolutions) {
        return SearchSpaces.compOfa(width, resolutions);
    }

    /**
     * The OFA space ({@code d234 e346 k357}) at the search resolutions.
     *
     * @param width width multiplier
     * @param resolutions search resolutions
     * @return the space
     */
    public static SearchSpace ofaSpace(double width, org.compofa.space.ResolutionSet resolutions) {
        return SearchSpaces.ofaMbv3(List.of(2, 3, 4), List.of(3, 4, 6), List.of(3, 5, 7), width, resolutions);
    }

    /**
     * Runs every step whose artifact is missing, then writes the report.
     *
     * @return the report written to {@code <run>/compare/report.md}
     * @throws IOException when an artifact cannot be read or written, or {@code settings.csv} differs
     */
    public ComparisonReport run() throws IOException {
        RunDescription.of(settings, ctx, train, test).writeOrCheck(dir.resolve(ArtifactNames.SETTINGS));
        StepTimes times = StepTimes.open(dir.resolve(ArtifactNames.STEP_SECONDS));
        SearchSpace compofa = compOfaSpace(settings.recipe().width(), settings.searchResolutions());
        SearchSpace ofa = ofaSpace(settings.recipe().width(), settings.searchResolutions());
        stepNumber = 0;
        try (Network compofaNet = new Network(ctx, recipe.spec(), settings.recipe().seed() + 1);
             Network ofaNet = new Network(ctx, recipe.ofaSpec(), settings.recipe().seed() + 1)) {
            train(compofaNet, ofaNet);
            SubnetEvaluations eval = new SubnetEvaluations(compofaNet, train, recipe.trainLoader(), test,
                    recipe::testAt, recipe.evalLoader(), settings.recalImages(), out);
            SubnetEvaluations evalOfa = new SubnetEvaluations(ofaNet, train, recipe.trainLoader(), test,
                    recipe::testAt, recipe.evalLoader(), settings.recalImages(), out);
            List<Subnet> compound = compofa.enumerate();
            evaluate(times, ArtifactNames.ACCURACY_COMPOFA, eval, compofa, compound);
            evaluate(times, ArtifactNames.ACCURACY_COMPOFA_IN_OFA, evalOfa, compofa, compound);
            evaluate(times, ArtifactNames.ACCURACY_OFA_RANDOM, evalOfa, ofa, randomSubnets(ofa));
            try (Platforms platforms = Platforms.open(ctx, compofaNet, settings)) {
                for (Platforms.Entry p : platforms.entries()) {
                    latency(times, p, compofa);
                    blockLatency(times, p, ofa);
                }
                Searches searches = new Searches(settings, dir, times, evalOfa, out, this::progress);
                searches.run(compofa, ofa, platforms.entries(), compofaNet.spec().geometry());
            }
        }
        progress("report", "writing " + dir.resolve(ArtifactNames.REPORT));
        ComparisonReport report = ComparisonReport.fromArtifacts(dir);
        report.write(dir);
        return report;
    }

    /** Teacher, CompOFA and OFA training, each skipped (weights loaded) when its cost file exists. */
    private void train(Network compofaNet, Network ofaNet) throws IOException {
        Path run = settings.recipe().out();
        int batches = new BatchLoader(train, recipe.trainLoader()).batchesPerEpoch();
        String lastCompound = TrainingPreset.COMPOFA_PHASE2.config().name();
        String lastOfa = TrainingPreset.OFA_EXPAND2.config().name();
        boolean needTeacher = !Files.exists(dir.resolve(ArtifactNames.cost("compofa")))
                || !Files.exists(dir.resolve(ArtifactNames.cost("ofa")));
        try (Network teacher = new Network(ctx, recipe.spec(), settings.recipe().seed())) {
            if (!skip(ArtifactNames.cost("teacher"), "teacher")) {
                PhaseResult r = recipe.trainTeacher(teacher);
                TrainingCost.of("teacher", List.of(recipe.teacherConfig()), List.of(r), batches)
                        .write(dir.resolve(ArtifactNames.cost("teacher")));
                done("teacher", r.elapsedSeconds());
            } else if (needTeacher) {
                requireLoaded(FashionRecipe.loadLatest(run.resolve("teacher").resolve("teacher"), "teacher", teacher),
                        run.resolve("teacher"));
            }
            if (!skip(ArtifactNames.cost("compofa"), "CompOFA compound training")) {
                List<PhaseResult> r = recipe.trainCompound(compofaNet, teacher);
                TrainingCost c = TrainingCost.of("compofa", recipe.compoundConfigs(), r, batches);
                c.write(dir.resolve(ArtifactNames.cost("compofa")));
                done("CompOFA compound training", c.wallSeconds());
            } else {
                requireLoaded(FashionRecipe.loadLatest(run.resolve("compound").resolve(lastCompound), lastCompound,
                        compofaNet), run.resolve("compound"));
            }
            if (!skip(ArtifactNames.cost("ofa"), "OFA progressive shrinking")) {
                double lrScale = settings.recipe().compoundLrScale();
                List<PhaseResult> r = recipe.trainOfaProgressiveShrinking(ofaNet, teacher, settings.ofaEpochs(),
                        lrScale);
                List<TrainingConfig> configs = recipe.ofaConfigs(settings.ofaEpochs(), lrScale);
                TrainingCost c = TrainingCost.of("ofa", configs, r, batches);
                c.write(dir.resolve(ArtifactNames.cost("ofa")));
                done("OFA progressive shrinking", c.wallSeconds());
            } else {
                requireLoaded(FashionRecipe.loadLatest(run.resolve("ofa-ps").resolve(lastOfa), lastOfa, ofaNet),
                        run.resolve("ofa-ps"));
            }
        }
    }

    private static void requireLoaded(java.util.Optional<?> loaded, Path where) throws IOException {
        if (loaded.isEmpty()) {
            throw new IOException("the comparison's cost file says training finished, but there is no checkpoint"
                    + " under " + where + "; delete " + FOLDER + "/cost-*.csv to train again");
        }
    }

    private void evaluate(StepTimes times, String artifact, SubnetEvaluations eval, SearchSpace space,
                          List<Subnet> subnets) throws IOException {
        String step = ArtifactNames.stem(artifact);
        if (skip(artifact, step)) {
            return;
        }
        long t0 = System.nanoTime();
        AccuracyTable t = eval.evaluate(step, space, subnets, dir.resolve(ArtifactNames.partial(artifact)));
        double s = (System.nanoTime() - t0) / 1e9;
        times.record(step, s);
        t.write(dir.resolve(artifact));
        Files.deleteIfExists(dir.resolve(ArtifactNames.partial(artifact)));
        done(step + " (" + subnets.size() + " subnets)", s);
    }

    /** {@code randomSubnets} distinct subnets of {@code space} by OFA's sampling rule, seeded. */
    private List<Subnet> randomSubnets(SearchSpace space) {
        SplittableRandom rnd = new SplittableRandom(settings.recipe().seed() ^ 0x52414e44L); // "RAND"
        Set<Subnet> picked = new LinkedHashSet<>();
        long tries = 0;
        long maxTries = 100L * settings.randomSubnets();
        while (picked.size() < settings.randomSubnets() && tries++ < maxTries) {
            picked.add(space.sample(rnd));
        }
        if (picked.size() < settings.randomSubnets()) {
            throw new IllegalArgumentException(space.id() + " gave " + picked.size() + " distinct subnets in "
                    + maxTries + " draws; ask for at most that many random subnets");
        }
        return new ArrayList<>(picked);
    }

    private void latency(StepTimes times, Platforms.Entry p, SearchSpace compofa) throws IOException {
        String artifact = ArtifactNames.latency(p.platform().name());
        String step = ArtifactNames.stem(artifact);
        if (skip(artifact, step)) {
            return;
        }
        long t0 = System.nanoTime();
        LatencyTable t;
        try (LatencyMeasurer m = new LatencyMeasurer(p.net(), p.platform().batch(), settings.latencyWarmup(),
                settings.latencyRepeats())) {
            t = LatencyTableBuilder.build(m, compofa, settings.searchResolutions().values(), p.platform(),
                    dir.resolve(ArtifactNames.partial(artifact)), out);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        times.record(step, s);
        t.write(dir.resolve(ArtifactNames.stem(artifact)));
        Files.deleteIfExists(dir.resolve(ArtifactNames.partial(artifact)));
        done(step, s);
    }

    /** OFA's latency model on one platform: the per-block lookup table over the OFA space. */
    private void blockLatency(StepTimes times, Platforms.Entry p, SearchSpace ofa) throws IOException {
        String artifact = ArtifactNames.blockLatency(p.platform().name());
        String step = ArtifactNames.stem(artifact);
        if (skip(artifact, step)) {
            return;
        }
        long t0 = System.nanoTime();
        BlockLatencyTable t = BlockLatencyTableBuilder.build(p.net(), ofa, settings.searchResolutions().values(),
                p.platform(), settings.latencyWarmup(), settings.latencyRepeats());
        double s = (System.nanoTime() - t0) / 1e9;
        times.record(step, s);
        t.write(dir.resolve(artifact));
        done(step + " (" + t.entries().size() + " pieces)", s);
    }

    /** Prints the step's line and says whether its artifact is already there. */
    private boolean skip(String artifact, String what) {
        boolean exists = Files.exists(dir.resolve(artifact));
        progress(what, exists ? "done before (" + FOLDER + "/" + artifact + ")" : "running");
        return exists;
    }

    private void done(String what, double seconds) {
        out.printf(java.util.Locale.ROOT, "compare: %s finished in %.1f s%n", what, seconds);
    }

    /** One progress line: {@code compare [n] step: status}. */
    void progress(String step, String status) {
        out.printf("compare [%d] %s: %s%n", ++stepNumber, step, status);
    }

    /** Whether a backend is the GPU one (its latency platform uses the GPU batch). */
    static boolean isGpu(ComputeContext c) {
        return c.backend() == Backend.CUDA;
    }
}
