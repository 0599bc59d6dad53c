package org.compofa.compare;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.compofa.report.AxisScale;
import org.compofa.report.BarChart;
import org.compofa.report.LineChart;
import org.compofa.report.LineChart.Style;
import org.compofa.search.Candidate;

/**
 * The report's charts (each a PNG with an SVG beside it): Pareto fronts per platform, accuracy CDFs,
 * training cost and search time bars.
 */
final class ComparisonPlots {
    private ComparisonPlots() {
    }

    static void write(Path dir, ComparisonArtifacts a, ComparisonNumbers n) throws IOException {
        for (ComparisonNumbers.Front f : n.fronts()) {
            List<Candidate> ofa = f.rows().stream().flatMap(r -> r.ofa().stream()).toList();
            List<Candidate> chosen = f.rows().stream().map(ComparisonNumbers.BudgetRow::compofa).toList();
            new LineChart("Pareto fronts on " + f.platform() + ": CompOFA vs OFA (measured)", "latency ms",
                    AxisScale.NON_NEGATIVE, "top-1 %", AxisScale.PERCENT)
                    .add(series("CompOFA: front of all compound subnets", f.compofaFront(),
                            Style.LINE_AND_MARKERS))
                    .add(series("CompOFA: exact search per budget", chosen, Style.MARKERS))
                    .add(series("OFA: evolution's subnet per budget", ofa, Style.MARKERS))
                    .add(series("OFA supernet: front of the compound subnets", f.compoundInOfaFront(),
                            Style.LINE_AND_MARKERS))
                    .write(dir.resolve(ArtifactNames.paretoPng(f.platform())));
        }
        new LineChart("Accuracy CDF of subnet populations", "top-1 %", AxisScale.PERCENT,
                "fraction of subnets <= x", AxisScale.FRACTION)
                .add(cdf("CompOFA supernet: all compound subnets", a.compofa().top1().values()))
                .add(cdf("OFA supernet: the same compound subnets", a.compofaInOfa().top1().values()))
                .add(cdf("OFA supernet: random OFA subnets", a.ofaRandom().top1().values()))
                .write(dir.resolve(ArtifactNames.CDF_PNG));
        ComparisonNumbers.Training t = n.training();
        new BarChart("Training cost (teacher shared, counted apart)", "wall minutes",
                List.of("teacher", "CompOFA", "OFA"), false)
                .add(new BarChart.Series("wall minutes", new double[] {t.teacherSeconds() / 60,
                    t.compofaSeconds() / 60, t.ofaSeconds() / 60}))
                .write(dir.resolve(ArtifactNames.COST_PNG));
        List<String> platforms = n.searchTimes().stream().map(ComparisonNumbers.SearchTimes::platform).toList();
        BarChart times = new BarChart("Search time over all budgets (log scale)", "ms", platforms, true);
        times.add(new BarChart.Series("CompOFA exact (index + lookups)", n.searchTimes().stream()
                .mapToDouble(s -> Math.max(1e-6, s.exactSetupMs() + s.exactMs())).toArray()));
        times.add(new BarChart.Series("CompOFA evolution on tables", n.searchTimes().stream()
                .mapToDouble(s -> Math.max(1e-6, s.compofaEvolutionMs())).toArray()));
        times.add(new BarChart.Series("OFA evolution with predictor", n.searchTimes().stream()
                .mapToDouble(s -> Math.max(1e-6, s.ofaEvolutionMs())).toArray()));
        times.write(dir.resolve(ArtifactNames.SEARCH_TIME_PNG));
    }

    private static LineChart.Series series(String name, List<Candidate> c, LineChart.Style style) {
        return new LineChart.Series(name, c.stream().mapToDouble(Candidate::latencyMs).toArray(),
                c.stream().mapToDouble(Candidate::top1).toArray(), style);
    }

    /** Sorted accuracies against the fraction of the population at or below each. */
    static LineChart.Series cdf(String name, Collection<Double> values) {
        double[] x = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (i + 1.0) / x.length;
        }
        return new LineChart.Series(name + " (" + x.length + ")", x, y, Style.LINE);
    }

    /** The CDF rows for {@code cdf.csv}: population, top1, fraction. */
    static List<String> cdfRows(String population, Collection<Double> values) {
        LineChart.Series s = cdf(population, values);
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < s.x().length; i++) {
            rows.add(population + "," + s.x()[i] + "," + s.y()[i]);
        }
        return rows;
    }
}
