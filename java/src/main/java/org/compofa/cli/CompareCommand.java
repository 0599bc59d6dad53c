package org.compofa.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.compofa.compare.Comparison;
import org.compofa.compare.ComparisonReport;
import org.compofa.compare.ComparisonSettings;
import org.compofa.runtime.ComputeContext;
import org.compofa.search.EvolutionConfig;
import org.compofa.search.PredictorConfig;

/**
 * {@code compofa compare}: OFA progressive shrinking against CompOFA compound training on the same
 * data, engine, teacher and seed ({@link Comparison}), then the report in {@code <run>/compare/}.
 * Resumable: every finished step is skipped on a rerun with the same options. The defaults are a
 * Fashion-MNIST size meant to finish within about 90 minutes on a 2-core CPU.
 */
final class CompareCommand {
    /**
     * The 90-minute defaults, overridden by anything on the command line. Estimated from the measured
     * rates in benchmarks/RESULTS.md (idle 2-core CPU): teacher ~6, CompOFA ~6, OFA ~15 min of training;
     * ~700 recalibrated evaluations of 4000 images ~26 min; latency, block table and searches ~3 min.
     */
    static final List<String> DEFAULTS = List.of("--run", "runs/compare", "--train-limit", "20000",
            "--test-limit", "3000", "--teacher-epochs", "8", "--compound-epochs", "3", "--search-resolutions", "28",
            "--recal-images", "1000");

    private CompareCommand() {}

    static String usage() {
        return """
                usage: compofa compare [options]
                  --run DIR               run directory; compare/ inside it (default runs/compare). A run of
                                          `compofa train` with the same settings lends its teacher and CompOFA
                  --train-limit N         training images (default 20000)   --test-limit N  (default 3000)
                  --teacher-epochs N      (default 8)   --compound-epochs N  (default 3)
                  --ofa-epochs N          OFA's five phases together (default: compound x 425/150, at least 5)
                  --search-resolutions L  resolutions evaluated, timed and searched, A or A-B:S (default 28)
                  --random-subnets N      random OFA subnets for the CDF and the predictor (default 200)
                  --recal-images N        BN recalibration images per subnet (default 1000)
                  --budgets N             latency budgets per platform (default 5)
                  --latency-batch N       CPU batch (default 1)   --gpu-latency-batch N  (default 64)
                  --warmup N --repeats N  latency runs per entry (default 3, 10)
                  --population N --generations N   evolution (default OFA's 100, 500)
                  --predictor-epochs N    (default 50)
                  --width/--batch/--compound-lr-scale/--resolutions/--seed/--data/--threads/--backend
                                          as for train (defaults 0.5, 128, 3, 24-32:4, 0, ...)""";
    }

    static int run(PrintStream out, String... args) {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            out.println(usage());
            return 0;
        }
        List<String> all = new ArrayList<>(DEFAULTS);
        all.addAll(List.of(args));
        Options o;
        try {
            o = Options.parse(all);
        } catch (IllegalArgumentException e) {
            System.err.println("compofa compare: " + e.getMessage() + "\n" + usage());
            return 2;
        }
        long t0 = System.nanoTime();
        try (ComputeContext ctx = ComputeContext.select(o.get("backend", "auto"))) {
            if (o.has("threads")) {
                ctx.setThreads(o.integer("threads", 0));
            }
            TrainedRun run = TrainedRun.open(o, ctx, out);
            ComparisonSettings s = settings(o, run);
            ComparisonReport report = new Comparison(s, ctx, run.train(), run.test(), out).run();
            String md = report.markdown();
            int claims = md.indexOf("## The four claims");
            out.println(md.substring(claims, md.indexOf("Verdict rules:", claims)).strip());
            out.printf("%ncompare: report in %s (%.1f min)%n", s.recipe().out().resolve(Comparison.FOLDER)
                    .resolve("report.md"), (System.nanoTime() - t0) / 60e9);
            return 0;
        } catch (IOException | RuntimeException e) {
            System.err.println("compofa compare: " + e.getMessage());
            return 1;
        }
    }

    static ComparisonSettings settings(Options o, TrainedRun run) {
        var recipe = run.settings();
        ComparisonSettings d = ComparisonSettings.defaults(recipe);
        EvolutionConfig e = d.evolution();
        EvolutionConfig evolution = new EvolutionConfig(o.integer("population", e.populationSize()),
                o.integer("generations", e.generations()), e.parentRatio(), e.mutationRatio(), e.mutateProbability(),
                e.maxSampleTries(), e.seed());
        PredictorConfig predictor = d.predictor().withEpochs(o.integer("predictor-epochs", d.predictor().epochs()));
        var searchResolutions = org.compofa.space.ResolutionSet.parseTag("r"
                + o.get("search-resolutions", recipe.resolutions().tag().substring(1)).replace(':', 's'));
        return new ComparisonSettings(recipe, o.integer("ofa-epochs", d.ofaEpochs()), searchResolutions,
                o.integer("random-subnets", d.randomSubnets()), o.integer("recal-images", d.recalImages()),
                o.integer("latency-batch", d.latencyBatch()), o.integer("gpu-latency-batch", d.gpuLatencyBatch()),
                o.integer("warmup", d.latencyWarmup()), o.integer("repeats", d.latencyRepeats()),
                o.integer("budgets", d.budgets()), evolution, predictor);
    }
}
