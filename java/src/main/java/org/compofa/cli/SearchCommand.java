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
import java.util.stream.Stream;
import org.compofa.latency.LatencyTable;
import org.compofa.report.AxisScale;
import org.compofa.report.LineChart;
import org.compofa.search.AccuracyTable;
import org.compofa.search.Candidate;
import org.compofa.search.ExactSearch;
import org.compofa.search.LatencyBudgets;
import org.compofa.space.SearchSpace;
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

    @Option(names = "--run", paramLabel = "DIR", description = "run with evaluation/accuracy.csv and latency/*.csv")
    private Path runDir = Path.of("runs/fashion");

    @Option(names = "--budgets", paramLabel = "N", converter = Ranges.Positive.class,
            description = "budgets per platform, spread over its latency range, >= 1")
    private int budgets = 5;

    @Mixin
    private SharedOptions.Space space;

    /** One platform's result. */
    record PlatformResult(String platform, List<Candidate> front, double[] budgets, List<Optional<Candidate>> best,
                          double searchMs) {
    }

    @Override
    public Integer call() throws IOException {
        SearchSpace searchSpace = org.compofa.space.SearchSpaces.compOfa(space.width, space.resolutions);
        print(Main.out(spec), search(runDir, searchSpace, budgets));
        return 0;
    }

    static List<PlatformResult> search(Path runDir, SearchSpace space, int budgetsPerPlatform) throws IOException {
        Path accuracy = runDir.resolve("evaluation/accuracy.csv");
        AccuracyTable acc = text(accuracy, () -> AccuracyTable.read(accuracy, space));
        List<Path> tables;
        try (Stream<Path> s = Files.list(runDir.resolve("latency"))) {
            tables = s.filter(p -> p.toString().endsWith(".csv") && !p.toString().endsWith(".partial.csv"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new IOException(runDir.resolve("latency") + ": no latency tables (run `compofa latency`)", e);
        }
        if (tables.isEmpty()) {
            throw new IOException(runDir.resolve("latency") + ": no latency tables (run `compofa latency`)");
        }
        List<PlatformResult> results = new ArrayList<>();
        Path dir = runDir.resolve("search");
        Files.createDirectories(dir);
        StringBuilder best = new StringBuilder("platform,budget_ms,subnet,top1,latency_ms\n");
        StringBuilder pareto = new StringBuilder("platform,subnet,top1,latency_ms\n");
        LineChart chart = new LineChart("Pareto fronts: accuracy vs latency (" + space.id() + ")", "latency ms",
                AxisScale.NON_NEGATIVE, "top-1 %", AxisScale.PERCENT);
        for (Path t : tables) {
            LatencyTable lat = text(t, () -> LatencyTable.read(t, space));
            long t0 = System.nanoTime();
            ExactSearch search = new ExactSearch(lat.platform().name(), acc.candidates(lat::medianMs));
            List<Candidate> front = search.paretoFront();
            double[] budgets = LatencyBudgets.spread(search.candidates(), budgetsPerPlatform);  // outliers capped
            List<Optional<Candidate>> chosen = search.bestWithin(budgets);
            double ms = (System.nanoTime() - t0) / 1e6;
            String name = lat.platform().name();
            results.add(new PlatformResult(name, front, budgets, chosen, ms));
            for (int i = 0; i < budgets.length; i++) {
                Candidate c = chosen.get(i).orElseThrow();
                best.append(String.format(Locale.ROOT, "%s,%.4f,%s,%.2f,%.4f%n", name, budgets[i], c.subnet().id(),
                        c.top1(), c.latencyMs()));
            }
            front.forEach(c -> pareto.append(String.format(Locale.ROOT, "%s,%s,%.2f,%.4f%n", name, c.subnet().id(),
                    c.top1(), c.latencyMs())));
            chart.add(new LineChart.Series(name + " (" + lat.platform().device() + ")",
                    front.stream().mapToDouble(Candidate::latencyMs).toArray(),
                    front.stream().mapToDouble(Candidate::top1).toArray(), LineChart.Style.LINE_AND_MARKERS));
        }
        Files.writeString(dir.resolve("best.csv"), best);
        Files.writeString(dir.resolve("pareto.csv"), pareto);
        chart.write(dir.resolve("pareto.png"));
        return results;
    }

    /** A table reader that may meet a file that is not text. */
    private interface Reader<T> {
        T read() throws IOException;
    }

    /** Reads a table, naming the file when it is not UTF-8 text (the decoder's message names nothing). */
    private static <T> T text(Path file, Reader<T> reader) throws IOException {
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
