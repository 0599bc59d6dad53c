package org.compofa.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.compofa.nn.Network;
import org.compofa.nn.Workspace;
import org.compofa.report.AxisScale;
import org.compofa.report.LineChart;
import org.compofa.runtime.ComputeContext;
import org.compofa.search.AccuracyTable;
import org.compofa.space.SearchSpace;
import org.compofa.space.Subnet;
import org.compofa.train.Evaluator;
import org.compofa.train.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code compofa evaluate}: the BN-recalibrated top-1 of every subnet of the run's space at every
 * given resolution, saved as {@code accuracy.csv} with the design-space plot (CDF of the accuracies,
 * {@code accuracy-cdf.png} and {@code .svg}) in {@code <run>/evaluation/}. A Fashion-trained run
 * evaluates on Fashion-MNIST; an imported one ({@link ImportedRunOpener}) on the image folder {@code --data}.
 */
@Command(name = "evaluate", description = "BN-recalibrated top-1 of every compound subnet (accuracy.csv, CDF plot).")
final class EvaluateCommand implements Callable<Integer> {
    /** {@code --eval-resolutions}: a subset of the run's resolutions (evaluate and latency). */
    static final class EvalResolutions {
        @Option(names = "--eval-resolutions", paramLabel = "L", split = ",", converter = Ranges.Positive.class,
                description = "comma list of resolutions, each one of the run's --resolutions, >= 1 "
                        + "(default: all of them)")
        List<Integer> values;

        /** The resolutions asked, each checked against the run's. */
        List<Integer> resolve(CommandSpec spec, OpenedRun run) {
            var trained = run.resolutions();
            if (values == null) {
                return trained.values();
            }
            for (int r : values) {
                if (!trained.contains(r)) {
                    throw new ParameterException(spec.commandLine(), "--eval-resolutions: " + r
                            + " is not one of the run's resolutions " + trained.values());
                }
            }
            return List.copyOf(values);
        }
    }

    @Spec
    private CommandSpec spec;

    @Option(names = "--run", paramLabel = "DIR", description = "trained or imported run (an imported one needs "
            + "--data DIR: an ImageNet-style folder)")
    private Path runDir = Path.of("runs/fashion");

    @Mixin
    private EvalResolutions evalResolutions;

    @Option(names = "--recal-images", paramLabel = "N", converter = Ranges.Positive.class,
            description = "BN recalibration images per subnet, >= 1")
    private int recalImages = 2000;

    @Mixin
    private SharedOptions.Recipe recipe;

    @Mixin
    private SharedOptions.Engine engine;

    @Override
    public Integer call() throws IOException {
        return OpenedRun.with(spec, runDir, recipe, engine, OpenedRun.DataNeed.REQUIRED, (run, ctx, out) -> {
            AccuracyTable table = evaluate(run, ctx, evalResolutions.resolve(spec, run), recalImages, out);
            Path dir = run.dir().resolve("evaluation");
            write(table, dir);
            out.println("accuracy table: " + dir.resolve("accuracy.csv") + " and " + dir.resolve("accuracy-cdf.png"));
            return 0;
        });
    }

    static AccuracyTable evaluate(OpenedRun run, ComputeContext ctx, List<Integer> resolutions, int recalImages,
                                  PrintStream out) throws IOException {
        SearchSpace space = run.space();
        OpenedRun.EvaluationData data = run.data();
        Map<Subnet, Double> top1 = new LinkedHashMap<>();
        List<Subnet> all;
        try {
            all = resolutions.stream().flatMap(r -> space.enumerate(r).stream()).toList();
        } catch (org.compofa.space.SpaceTooLargeException e) {
            throw new CommandFailedException("evaluate measures every subnet, and " + e.getMessage().split(";")[0]
                    + ": evaluate a smaller space (import with --space), or rank subnets with OFA's accuracy predictor"
                    + " (compofa import acc_predictor.pth --out " + run.dir() + ")");
        }
        try (Network net = run.loadSupernet(ctx); Workspace ws = new Workspace(ctx);
             ProgressBar bar = new ProgressBar("evaluate", all.size(), "subnet", out, ProgressBar.isTerminal(),
                     System::nanoTime, ProgressBar.DEFAULT_PERCENT_STEP)) {
            Evaluator ev = new Evaluator(ws);
            for (Subnet s : all) {
                ev.recalibrate(net, s, data.recalibration().apply(s.resolution()), data.recalibrationLoader(),
                        recalImages);
                double a = ev.top1(net, s, data.test().apply(s.resolution()), data.evalLoader());
                top1.put(s, a);
                bar.metric("top1", a).step();
            }
        }
        return new AccuracyTable(space.id(), data.description(), top1);
    }

    static void write(AccuracyTable table, Path dir) throws IOException {
        table.write(dir.resolve("accuracy.csv"));
        double[] acc = table.top1().values().stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double[] frac = new double[acc.length];
        for (int i = 0; i < acc.length; i++) {
            frac[i] = (i + 1.0) / acc.length;
        }
        new LineChart("Design space: CDF of subnet accuracies (" + acc.length + " subnets)", "top-1 %",
                AxisScale.PERCENT, "fraction of subnets <= x", AxisScale.FRACTION)
                .add(new LineChart.Series(table.spaceId(), acc, frac, LineChart.Style.LINE))
                .write(dir.resolve("accuracy-cdf.png"));
    }
}
