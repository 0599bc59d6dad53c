package org.compofa.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.compofa.data.LoaderConfig;
import org.compofa.nn.Network;
import org.compofa.nn.Workspace;
import org.compofa.report.LineChart;
import org.compofa.runtime.ComputeContext;
import org.compofa.search.AccuracyTable;
import org.compofa.space.SearchSpace;
import org.compofa.space.Subnet;
import org.compofa.train.Evaluator;
import org.compofa.train.ProgressBar;

/**
 * {@code compofa evaluate}: the BN-recalibrated top-1 of every CompOFA subnet at every given
 * resolution, saved as {@code accuracy.csv} with the design-space plot (CDF of the accuracies,
 * {@code accuracy-cdf.png}) in {@code <run>/evaluation/}.
 */
final class EvaluateCommand {
    private EvaluateCommand() {}

    static String usage() {
        return """
                usage: compofa evaluate [options]
                  --run DIR              trained run (default runs/fashion)
                  --eval-resolutions L   comma list (default: the run's resolutions)
                  --recal-images N       BN recalibration images per subnet (default 2000)
                  --test-limit N         evaluate on the first N test images
                  --width/--resolutions/--seed/--data   as for train""";
    }

    static int run(PrintStream out, String... args) {
        Options o;
        try {
            o = Options.parse(List.of(args));
        } catch (IllegalArgumentException e) {
            System.err.println("compofa evaluate: " + e.getMessage() + "\n" + usage());
            return 2;
        }
        try (ComputeContext ctx = ComputeContext.select(o.get("backend", "auto"))) {
            TrainedRun run = TrainedRun.open(o, ctx, out);
            AccuracyTable table = evaluate(run, ctx, resolutions(o, run), o.integer("recal-images", 2000), out);
            Path dir = run.settings().out().resolve("evaluation");
            write(table, dir);
            out.println("accuracy table: " + dir.resolve("accuracy.csv") + " and " + dir.resolve("accuracy-cdf.png"));
            return 0;
        } catch (IOException | RuntimeException e) {
            System.err.println("compofa evaluate: " + e.getMessage());
            return 1;
        }
    }

    static List<Integer> resolutions(Options o, TrainedRun run) {
        return o.has("eval-resolutions") ? Arrays.stream(o.get("eval-resolutions", "").split(","))
                .map(String::trim).map(Integer::valueOf).toList() : run.settings().resolutions().values();
    }

    static AccuracyTable evaluate(TrainedRun run, ComputeContext ctx, List<Integer> resolutions, int recalImages,
                                  PrintStream out) throws IOException {
        SearchSpace space = run.recipe().space();
        Map<Subnet, Double> top1 = new LinkedHashMap<>();
        List<Subnet> all = resolutions.stream().flatMap(r -> space.enumerate(r).stream()).toList();
        try (Network net = run.loadCompound(ctx); Workspace ws = new Workspace(ctx);
             ProgressBar bar = new ProgressBar("evaluate", all.size(), "subnet", out, ProgressBar.isTerminal(),
                     System::nanoTime, ProgressBar.DEFAULT_PERCENT_STEP)) {
            Evaluator ev = new Evaluator(ws);
            for (Subnet s : all) {
                ev.recalibrate(net, s, run.train(), run.recipe().trainLoader(), recalImages);
                double a = ev.top1(net, s, run.test(), LoaderConfig.evaluation(500));
                top1.put(s, a);
                bar.metric("top1", a).step();
            }
        }
        return new AccuracyTable(space.id(), "Fashion-MNIST test (" + run.test().size() + " images)", top1);
    }

    static void write(AccuracyTable table, Path dir) throws IOException {
        table.write(dir.resolve("accuracy.csv"));
        double[] acc = table.top1().values().stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double[] frac = new double[acc.length];
        for (int i = 0; i < acc.length; i++) {
            frac[i] = (i + 1.0) / acc.length;
        }
        new LineChart("Design space: CDF of subnet accuracies (" + acc.length + " subnets)", "top-1 %",
                "fraction of subnets <= x").add(new LineChart.Series(table.spaceId(), acc, frac, false))
                .writePng(dir.resolve("accuracy-cdf.png"));
    }
}
