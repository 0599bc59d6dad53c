package org.compofa.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.compofa.latency.LatencyTable;
import org.compofa.report.LineChart;
import org.compofa.search.AccuracyTable;
import org.compofa.search.Candidate;
import org.compofa.search.ExactSearch;
import org.compofa.space.SearchSpace;

/**
 * {@code compofa search}: exact search over the run's accuracy table and every latency table: the
 * best subnet per latency budget per platform ({@code search/best.csv}), the Pareto fronts
 * ({@code search/pareto.csv}, {@code search/pareto.png}, one curve per platform) and the search time.
 */
final class SearchCommand {
    private SearchCommand() {}

    static String usage() {
        return """
                usage: compofa search [options]
                  --run DIR        run with evaluation/accuracy.csv and latency/*.csv (default runs/fashion)
                  --budgets N      budgets per platform, spread over its latency range (default 5)
                  --width/--resolutions   as for train (they name the space)""";
    }

    /** One platform's result. */
    record PlatformResult(String platform, List<Candidate> front, double[] budgets, List<Optional<Candidate>> best,
                          double searchMs) {
    }

    static int run(PrintStream out, String... args) {
        Options o;
        try {
            o = Options.parse(List.of(args));
        } catch (IllegalArgumentException e) {
            System.err.println("compofa search: " + e.getMessage() + "\n" + usage());
            return 2;
        }
        try {
            Path runDir = Path.of(o.get("run", "runs/fashion"));
            SearchSpace space = org.compofa.space.SearchSpaces.compOfa(o.decimal("width", 0.5),
                    TrainedRun.resolutions(o));
            List<PlatformResult> results = search(runDir, space, o.integer("budgets", 5));
            print(out, results);
            return 0;
        } catch (IOException | RuntimeException e) {
            System.err.println("compofa search: " + e.getMessage());
            return 1;
        }
    }

    static List<PlatformResult> search(Path runDir, SearchSpace space, int budgetsPerPlatform) throws IOException {
        AccuracyTable acc = AccuracyTable.read(runDir.resolve("evaluation/accuracy.csv"), space);
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
                "top-1 %");
        for (Path t : tables) {
            LatencyTable lat = LatencyTable.read(t, space);
            long t0 = System.nanoTime();
            ExactSearch search = new ExactSearch(lat.platform().name(), acc.candidates(lat::medianMs));
            List<Candidate> front = search.paretoFront();
            double lo = search.candidates().getFirst().latencyMs();
            double hi = search.candidates().getLast().latencyMs();
            double[] budgets = new double[budgetsPerPlatform];
            for (int i = 0; i < budgets.length; i++) {
                budgets[i] = lo + (hi - lo) * (i + 1) / budgets.length;
            }
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
                    front.stream().mapToDouble(Candidate::top1).toArray(), false));
        }
        Files.writeString(dir.resolve("best.csv"), best);
        Files.writeString(dir.resolve("pareto.csv"), pareto);
        chart.writePng(dir.resolve("pareto.png"));
        return results;
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
        out.println("files: search/best.csv, search/pareto.csv, search/pareto.png");
    }
}
