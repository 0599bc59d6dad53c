package org.compofa.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import org.compofa.latency.BlockLatencyTable;
import org.compofa.latency.LatencyTable;
import org.compofa.report.AxisScale;
import org.compofa.report.LineChart;
import org.compofa.search.AccuracyTable;
import org.compofa.search.Candidate;
import org.compofa.search.ExactSearch;
import org.compofa.search.LatencyBudgets;
import org.compofa.space.MobileNetV3Geometry;
import org.compofa.space.SearchSpace;
import org.compofa.space.StageTable;
import org.compofa.space.Subnet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code compofa search}: exact search over the run's accuracy table and every latency table: the
 * best subnet per latency budget per platform ({@code search/best.csv}), the Pareto fronts
 * ({@code search/pareto.csv}, {@code search/pareto.png} and {@code .svg}, one curve per platform) and the search time.
 */
@Command(name = "search", description = "Best subnet per latency budget and Pareto fronts (CSV + PNG).")
final class SearchCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--run", paramLabel = "DIR", description = "run with evaluation/accuracy.csv and latency/*.csv "
            + "(trained, or imported: then its space, and --width / --resolutions need not be given)")
    private Path runDir = Path.of("runs/fashion");

    @Option(names = "--budgets", paramLabel = "N", converter = Ranges.Positive.class,
            description = "budgets per platform, spread over its latency range, >= 1")
    private int budgets = 5;

    @Option(names = "--generations", paramLabel = "N", converter = Ranges.NonNegative.class,
            description = "generations of the evolutionary search on a per-block latency table (an imported run with"
                    + " OFA's accuracy predictor), >= 0 (OFA: 500)")
    private int generations = 500;

    @Mixin
    private SharedOptions.Space space;

    /** One platform's result. */
    record PlatformResult(String platform, String device, List<Candidate> front, double[] budgets,
                          List<Optional<Candidate>> best, double searchMs) {
    }

    @Override
    public Integer call() throws IOException {
        SearchSpace searchSpace;
        Accuracy accuracy;
        if (ImportedRun.isImported(runDir)) {
            ImportedRun imported = ImportedRun.read(runDir);
            ImportedRunOpener.checkSpaceOptions(spec, runDir, imported, space);
            searchSpace = imported.searchSpace();
            accuracy = Accuracy.of(runDir, searchSpace, new MobileNetV3Geometry(
                    StageTable.imagenet(searchSpace.widthMultiplier()), 3, imported.classes()));
        } else {
            searchSpace = org.compofa.space.SearchSpaces.compOfa(space.width, space.resolutions);
            accuracy = Accuracy.of(runDir, searchSpace, null);
        }
        PrintStream out = Main.out(spec);
        out.println("accuracy: " + accuracy.describe());
        print(out, search(runDir, searchSpace, accuracy, budgets, generations));
        return 0;
    }

    /**
     * Where a subnet's accuracy comes from: the run's measured table ({@code evaluation/accuracy.csv},
     * from {@code compofa evaluate}) when there is one, else the OFA accuracy predictor an imported run
     * holds ({@code imported/acc_predictor.pth}), which also lets evolution search spaces too large to
     * tabulate against the per-block latency tables ({@code latency/blocks/}).
     *
     * @param table     the measured table, or null
     * @param predictor the imported predictor (top-1 %), or null
     * @param geometry  the network's geometry, to read block latency tables (null without a predictor)
     */
    record Accuracy(AccuracyTable table, ToDoubleFunction<Subnet> predictor, MobileNetV3Geometry geometry) {
        static Accuracy of(Path runDir, SearchSpace space, MobileNetV3Geometry geometry) throws IOException {
            Path csv = runDir.resolve("evaluation/accuracy.csv");
            if (Files.isRegularFile(csv) || PredictorImport.find(runDir) == null) {
                return new Accuracy(text(csv, () -> AccuracyTable.read(csv, space)), null, null);
            }
            return new Accuracy(null, PredictorImport.load(runDir, space), geometry);
        }

        double top1(Subnet s) {
            return table != null ? table.top1().get(s) : predictor.applyAsDouble(s);
        }

        String describe() {
            return table != null ? "measured (evaluation/accuracy.csv, " + table.dataset() + ")"
                    : "OFA's accuracy predictor (imported/acc_predictor.pth; predicted ImageNet top-1)";
        }
    }

    /** Exact search over a run's measured accuracy table and every latency table (the Fashion pipeline's entry). */
    static List<PlatformResult> search(Path runDir, SearchSpace space, int budgetsPerPlatform) throws IOException {
        return search(runDir, space, Accuracy.of(runDir, space, null), budgetsPerPlatform, 0);
    }

    static List<PlatformResult> search(Path runDir, SearchSpace space, Accuracy acc, int budgetsPerPlatform,
                                       int generations) throws IOException {
        List<Path> tables = csvFiles(runDir.resolve("latency"));
        List<Path> luts = acc.predictor() == null ? List.of() : csvFiles(runDir.resolve("latency").resolve("blocks"));
        if (tables.isEmpty() && luts.isEmpty()) {
            throw new IOException(runDir.resolve("latency") + ": no latency tables (run `compofa latency`"
                    + (acc.predictor() != null ? ", or `compofa latency --lut only` for a space too large to tabulate"
                    : "") + ")");
        }
        List<PlatformResult> results = new ArrayList<>();
        Path dir = runDir.resolve("search");
        Files.createDirectories(dir);
        StringBuilder best = new StringBuilder("platform,budget_ms,subnet,top1,latency_ms\n");
        StringBuilder pareto = new StringBuilder("platform,subnet,top1,latency_ms\n");
        LineChart chart = new LineChart("Pareto fronts: accuracy vs latency (" + space.id() + ")", "latency ms",
                AxisScale.NON_NEGATIVE, "top-1 %", AxisScale.PERCENT);
        List<String> measured = new ArrayList<>();
        for (Path t : tables) {
            LatencyTable lat = text(t, () -> LatencyTable.read(t, space));
            long t0 = System.nanoTime();
            List<Candidate> candidates = acc.table() != null ? acc.table().candidates(lat::medianMs)
                    : lat.subnets().stream().map(s -> new Candidate(s, acc.top1(s), lat.medianMs(s))).toList();
            ExactSearch search = new ExactSearch(lat.platform().name(), candidates);
            double[] budgets = LatencyBudgets.spread(search.candidates(), budgetsPerPlatform);  // outliers capped
            List<Optional<Candidate>> chosen = search.bestWithin(budgets);
            double ms = (System.nanoTime() - t0) / 1e6;
            measured.add(lat.platform().name());
            results.add(new PlatformResult(lat.platform().name(), lat.platform().device(), search.paretoFront(),
                    budgets, chosen, ms));
        }
        for (Path t : luts) {
            BlockLatencyTable lut = text(t, () -> BlockLatencyTable.read(t, acc.geometry()));
            if (!measured.contains(lut.platform().name())) {
                results.add(LutSearch.evolve(space, acc.predictor(), lut, budgetsPerPlatform, generations));
            }
        }
        for (PlatformResult r : results) {
            for (int i = 0; i < r.budgets().length; i++) {
                Candidate c = r.best().get(i).orElseThrow();
                best.append(String.format(Locale.ROOT, "%s,%.4f,%s,%.2f,%.4f%n", r.platform(), r.budgets()[i],
                        c.subnet().id(), c.top1(), c.latencyMs()));
            }
            r.front().forEach(c -> pareto.append(String.format(Locale.ROOT, "%s,%s,%.2f,%.4f%n", r.platform(),
                    c.subnet().id(), c.top1(), c.latencyMs())));
            chart.add(new LineChart.Series(r.platform() + " (" + r.device() + ")",
                    r.front().stream().mapToDouble(Candidate::latencyMs).toArray(),
                    r.front().stream().mapToDouble(Candidate::top1).toArray(), LineChart.Style.LINE_AND_MARKERS));
        }
        Files.writeString(dir.resolve("best.csv"), best);
        Files.writeString(dir.resolve("pareto.csv"), pareto);
        chart.write(dir.resolve("pareto.png"));
        return results;
    }

    /** The CSV tables directly in {@code dir} (not partial files), sorted; none when it is absent. */
    private static List<Path> csvFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".csv") && !p.toString().endsWith(".partial.csv")
                    && Files.isRegularFile(p)).sorted().toList();
        }
    }

    /** A table reader that may meet a file that is not text. */
    interface Reader<T> {
        T read() throws IOException;
    }

    /** Reads a table, naming the file when it is not UTF-8 text (the decoder's message names nothing). */
    static <T> T text(Path file, Reader<T> reader) throws IOException {
        try {
            return reader.read();
        } catch (CharacterCodingException e) {
            throw new IOException(file + ": not a text table (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    static void print(PrintStream out, List<PlatformResult> results) {
        for (PlatformResult r : results) {
            out.printf("%s: Pareto front of %d subnets; search %.3f ms%n", r.platform(), r.front().size(), r.searchMs());
            for (int i = 0; i < r.budgets().length; i++) {
                Candidate c = r.best().get(i).orElseThrow();
                out.printf("  budget %8.3f ms -> %-62s top-1 %6.2f %%  %8.3f ms%n", r.budgets()[i], c.subnet().id(),
                        c.top1(), c.latencyMs());
            }
        }
        out.println("files: search/best.csv, search/pareto.csv, search/pareto.png (and .svg)");
    }
}
