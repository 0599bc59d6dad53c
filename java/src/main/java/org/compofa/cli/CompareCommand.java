package org.compofa.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.compofa.compare.Comparison;
import org.compofa.compare.ComparisonReport;
import org.compofa.compare.ComparisonSettings;
import org.compofa.search.EvolutionConfig;
import org.compofa.search.PredictorConfig;
import org.compofa.space.ResolutionSet;
import org.compofa.train.FashionRecipe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code compofa compare}: OFA progressive shrinking against CompOFA compound training on the same
 * data, engine, teacher and seed ({@link Comparison}), then the report in {@code <run>/compare/}.
 * Resumable: every finished step is skipped on a rerun with the same options. The defaults are a
 * Fashion-MNIST size meant to finish within about 90 minutes on a 2-core CPU.
 */
@Command(name = "compare", defaultValueProvider = CompareCommand.Defaults.class,
        description = {"OFA progressive shrinking vs CompOFA: training cost, Pareto fronts, accuracy CDFs, search "
            + "time; report in <run>/compare/ (resumable).",
            "A run of `compofa train` with the same settings lends its teacher and CompOFA supernet."})
final class CompareCommand implements Callable<Integer> {
    /**
     * The 90-minute defaults of the shared options (the recipe's own defaults elsewhere). Estimated from
     * the measured rates in benchmarks/RESULTS.md (idle 2-core CPU): teacher ~6, CompOFA ~6, OFA ~15 min
     * of training; ~700 recalibrated evaluations of 4000 images ~26 min; latency, block table and
     * searches ~3 min.
     */
    static final class Defaults extends SharedOptions.Defaults {
        /** Picocli's constructor. */
        public Defaults() {
            super(Map.of("--run", "runs/compare", "--train-limit", "20000", "--test-limit", "3000",
                    "--teacher-epochs", "8", "--compound-epochs", "3", "--search-resolutions", "28",
                    "--recal-images", "1000"));
        }
    }

    /** The library's defaults of the comparison-only options (its recipe arguments do not affect them). */
    private static final ComparisonSettings LIBRARY = ComparisonSettings.defaults(new FashionRecipe.Settings(
            Path.of("."), 0.5, 128, FashionRecipe.DEFAULT_TEACHER_EPOCHS, FashionRecipe.DEFAULT_COMPOUND_EPOCHS,
            FashionRecipe.DEFAULT_COMPOUND_LR_SCALE, ResolutionSet.of(28), 0));

    @Spec
    private CommandSpec spec;

    @Option(names = "--run", paramLabel = "DIR", description = "run directory; compare/ inside it")
    private Path runDir;

    @Option(names = "--ofa-epochs", paramLabel = "N", converter = Ranges.AtLeastFive.class,
            description = "OFA's five phases together, >= 5 (default: compound x 425/150, at least 5)")
    private Integer ofaEpochs;

    @Option(names = "--search-resolutions", paramLabel = "A-B:S", converter = Ranges.Resolutions.class,
            description = "resolutions evaluated, timed and searched, each one of --resolutions")
    private ResolutionSet searchResolutions;

    @Option(names = "--random-subnets", paramLabel = "N", converter = Ranges.AtLeastTwo.class,
            description = "random OFA subnets for the CDF and the predictor, >= 2")
    private int randomSubnets = LIBRARY.randomSubnets();

    @Option(names = "--recal-images", paramLabel = "N", converter = Ranges.Positive.class,
            description = "BN recalibration images per subnet, >= 1")
    private int recalImages = LIBRARY.recalImages();

    @Option(names = "--budgets", paramLabel = "N", converter = Ranges.Positive.class,
            description = "latency budgets per platform, >= 1")
    private int budgets = LIBRARY.budgets();

    @Option(names = "--latency-batch", paramLabel = "N", converter = Ranges.Positive.class,
            description = "CPU latency batch, >= 1")
    private int latencyBatch = LIBRARY.latencyBatch();

    @Option(names = "--gpu-latency-batch", paramLabel = "N", converter = Ranges.Positive.class,
            description = "GPU latency batch, >= 1")
    private int gpuLatencyBatch = LIBRARY.gpuLatencyBatch();

    @Option(names = "--warmup", paramLabel = "N", converter = Ranges.NonNegative.class,
            description = "untimed latency runs per entry, >= 0")
    private int warmup = LIBRARY.latencyWarmup();

    @Option(names = "--repeats", paramLabel = "N", converter = Ranges.Positive.class,
            description = "timed latency runs per entry, >= 1")
    private int repeats = LIBRARY.latencyRepeats();

    @Option(names = "--population", paramLabel = "N", converter = Ranges.AtLeastTwo.class,
            description = "evolution's population, >= 2 (OFA's)")
    private int population = LIBRARY.evolution().populationSize();

    @Option(names = "--generations", paramLabel = "N", converter = Ranges.NonNegative.class,
            description = "evolution's generations, >= 0 (OFA's)")
    private int generations = LIBRARY.evolution().generations();

    @Option(names = "--predictor-epochs", paramLabel = "N", converter = Ranges.Positive.class,
            description = "accuracy predictor training epochs, >= 1")
    private int predictorEpochs = LIBRARY.predictor().epochs();

    @Mixin
    private SharedOptions.Recipe recipe;

    @Mixin
    private SharedOptions.Epochs epochs;

    @Mixin
    private SharedOptions.Engine engine;

    @Override
    public Integer call() throws IOException {
        long t0 = System.nanoTime();
        return TrainedRun.forTraining(spec, runDir, recipe, epochs, engine, (run, ctx, out) -> {
            ComparisonSettings s = settings(run);
            ComparisonReport report = new Comparison(s, ctx, run.train(), run.test(), out).run();
            String md = report.markdown();
            int claims = md.indexOf("## The four claims");
            out.println(md.substring(claims, md.indexOf("Verdict rules:", claims)).strip());
            out.printf("%ncompare: report in %s (%.1f min)%n", s.recipe().out().resolve(Comparison.FOLDER)
                    .resolve("report.md"), (System.nanoTime() - t0) / 60e9);
            return 0;
        });
    }

    /** The comparison's settings; a combination the library refuses is a usage error. */
    private ComparisonSettings settings(TrainedRun run) {
        var r = run.settings();
        ComparisonSettings d = ComparisonSettings.defaults(r);
        EvolutionConfig e = d.evolution();
        try {
            EvolutionConfig evolution = new EvolutionConfig(population, generations, e.parentRatio(),
                    e.mutationRatio(), e.mutateProbability(), e.maxSampleTries(), e.seed());
            PredictorConfig predictor = d.predictor().withEpochs(predictorEpochs);
            return new ComparisonSettings(r, ofaEpochs != null ? ofaEpochs : d.ofaEpochs(),
                    searchResolutions != null ? searchResolutions : r.resolutions(), randomSubnets, recalImages,
                    latencyBatch, gpuLatencyBatch, warmup, repeats, budgets, evolution, predictor);
        } catch (IllegalArgumentException x) {
            throw new ParameterException(spec.commandLine(), x.getMessage());
        }
    }
}
