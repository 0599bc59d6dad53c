package org.compofa.compare;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.compofa.report.AtomicFiles;
import org.compofa.report.JsonText;
import org.compofa.search.Candidate;

/**
 * The comparison's report, made from its artifacts alone ({@link ComparisonArtifacts}): a Markdown
 * page that answers the paper's four claims with our numbers, the paper's and a plain verdict, then
 * the tables behind them and where our setting differs from the paper's; PNG plots; and every
 * number again as {@code summary.csv} / {@code summary.json} (numbers as JSON numbers, NaN as null), with the fronts ({@code fronts.csv})
 * and the CDFs ({@code cdf.csv}). All files are written atomically.
 */
public final class ComparisonReport {
    private final ComparisonArtifacts artifacts;
    private final ComparisonNumbers numbers;

    private ComparisonReport(ComparisonArtifacts artifacts, ComparisonNumbers numbers) {
        this.artifacts = artifacts;
        this.numbers = numbers;
    }

    /**
     * The report of the comparison whose artifacts are in {@code dir}.
     *
     * @param dir the comparison's artifact directory
     * @return the report
     * @throws IOException naming the first artifact that is missing or malformed
     */
    public static ComparisonReport fromArtifacts(Path dir) throws IOException {
        ComparisonArtifacts a = ComparisonArtifacts.read(Objects.requireNonNull(dir, "dir"));
        return new ComparisonReport(a, ComparisonNumbers.of(a));
    }

    /**
     * The numbers behind the report.
     *
     * @return the numbers
     */
    public ComparisonNumbers numbers() {
        return numbers;
    }

    /**
     * Writes {@code report.md}, the plots and the summary files into {@code dir}.
     *
     * @param dir the output directory
     * @throws java.io.IOException if a file cannot be written
     */
    public void write(Path dir) throws IOException {
        ComparisonPlots.write(dir, artifacts, numbers);
        Map<String, String> summary = summary();
        StringBuilder csv = new StringBuilder("key,value\n");
        for (var e : summary.entrySet()) {
            String value = e.getValue().contains(",") ? '"' + e.getValue().replace("\"", "\"\"") + '"' : e.getValue();
            csv.append(e.getKey()).append(',').append(value).append('\n');
        }
        AtomicFiles.write(dir.resolve(ArtifactNames.SUMMARY_CSV), csv);
        AtomicFiles.write(dir.resolve(ArtifactNames.SUMMARY_JSON), summaryJson(summary));
        AtomicFiles.write(dir.resolve("fronts.csv"), frontsCsv());
        StringBuilder cdf = new StringBuilder("population,top1,fraction\n");
        for (String row : cdfRows()) {
            cdf.append(row).append('\n');
        }
        AtomicFiles.write(dir.resolve("cdf.csv"), cdf);
        AtomicFiles.write(dir.resolve(ArtifactNames.REPORT), markdown());
    }

    /** The summary as JSON text, values through {@link #jsonValue}, keys in order. */
    static String summaryJson(Map<String, String> summary) {
        Map<String, Object> json = new LinkedHashMap<>();
        summary.forEach((k, v) -> json.put(k, jsonValue(v)));
        return JsonText.pretty(json);
    }

    /**
     * A summary value as JSON: a decimal number (as {@code Long.toString} or {@code Double.toString}
     * write them) becomes a JSON number, NaN and infinities null (JSON has neither), anything else
     * stays a string.
     */
    static Object jsonValue(String text) {
        if (text.matches("-?[0-9]+")) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException tooLong) {
                return text;
            }
        }
        if (text.matches("-?[0-9]+\\.[0-9]+(E-?[0-9]+)?")) {
            return Double.parseDouble(text);
        }
        return text.matches("-?Infinity|NaN") ? null : text;
    }

    private List<String> cdfRows() {
        List<String> rows = new ArrayList<>(ComparisonPlots.cdfRows("compofa", artifacts.compofa().top1().values()));
        rows.addAll(ComparisonPlots.cdfRows("compound-in-ofa", artifacts.compofaInOfa().top1().values()));
        rows.addAll(ComparisonPlots.cdfRows("ofa-random", artifacts.ofaRandom().top1().values()));
        return rows;
    }

    private String frontsCsv() {
        StringBuilder sb = new StringBuilder("platform,front,subnet,top1,latency_ms\n");
        for (ComparisonNumbers.Front f : numbers.fronts()) {
            appendFront(sb, f.platform(), "compofa", f.compofaFront());
            appendFront(sb, f.platform(), "compound-in-ofa", f.compoundInOfaFront());
            appendFront(sb, f.platform(), "ofa-found", f.rows().stream().flatMap(r -> r.ofa().stream()).toList());
        }
        return sb.toString();
    }

    private static void appendFront(StringBuilder sb, String platform, String front, List<Candidate> cs) {
        cs.forEach(c -> sb.append(platform).append(',').append(front).append(',').append(c.subnet().id()).append(',')
                .append(c.top1()).append(',').append(c.latencyMs()).append('\n'));
    }

    /**
     * Every number of the report, by a stable key.
     *
     * @return key to value
     */
    public Map<String, String> summary() {
        Map<String, String> m = new LinkedHashMap<>();
        artifacts.settings().values().forEach((k, v) -> m.put("setting." + k, v));
        ComparisonNumbers.Training t = numbers.training();
        m.put("training.teacher_seconds", Double.toString(t.teacherSeconds()));
        m.put("training.compofa_seconds", Double.toString(t.compofaSeconds()));
        m.put("training.ofa_seconds", Double.toString(t.ofaSeconds()));
        m.put("training.compofa_subnet_steps", Long.toString(t.compofaSubnetSteps()));
        m.put("training.ofa_subnet_steps", Long.toString(t.ofaSubnetSteps()));
        m.put("training.time_ratio", Double.toString(t.timeRatio()));
        m.put("training.step_ratio", Double.toString(t.stepRatio()));
        for (ComparisonNumbers.Front f : numbers.fronts()) {
            String k = "front." + f.platform() + ".";
            m.put(k + "mean_difference", Double.toString(f.meanDifference()));
            m.put(k + "noise", Double.toString(f.noise()));
            m.put(k + "ofa_over_budget", Long.toString(f.ofaOverBudget()));
        }
        ComparisonNumbers.Population p = numbers.population();
        for (var e : Map.of("compofa", p.compofa(), "compound_in_ofa", p.compoundInOfa(), "ofa_random",
                p.ofaRandom()).entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
            String k = "population." + e.getKey() + ".";
            m.put(k + "n", Integer.toString(e.getValue().n()));
            m.put(k + "mean", Double.toString(e.getValue().mean()));
            m.put(k + "median", Double.toString(e.getValue().median()));
        }
        m.put("population.mean_difference", Double.toString(p.meanDifference()));
        m.put("population.noise", Double.toString(p.noise()));
        m.put("population.paired_difference", Double.toString(p.pairedDifference()));
        for (ComparisonNumbers.SearchTimes s : numbers.searchTimes()) {
            String k = "search." + s.platform() + ".";
            m.put(k + "exact_ms", Double.toString(s.exactSetupMs() + s.exactMs()));
            m.put(k + "compofa_evolution_ms", Double.toString(s.compofaEvolutionMs()));
            m.put(k + "ofa_evolution_ms", Double.toString(s.ofaEvolutionMs()));
            m.put(k + "speedup_exact", Double.toString(s.speedupExact()));
            m.put(k + "speedup_evolution", Double.toString(s.speedupEvolution()));
        }
        m.put("predictor.train_rmse", Double.toString(numbers.models().predictorTrainRmse()));
        m.put("predictor.held_out_rmse", Double.toString(numbers.models().predictorHeldOutRmse()));
        numbers.models().latencyModelErrorPct().forEach((pl, e) -> m.put("block_table." + pl
                + ".found_error_pct", Double.toString(e)));
        numbers.models().blockTableError().forEach((pl, e) -> {
            m.put("block_table." + pl + ".compound_error_pct", Double.toString(e.meanAbsPercent()));
            m.put("block_table." + pl + ".compound_spearman", Double.toString(e.spearman()));
        });
        m.put("verdict.1", Verdicts.training(t));
        m.put("verdict.2", Verdicts.front(numbers.fronts()));
        m.put("verdict.3", Verdicts.population(p));
        m.put("verdict.4", Verdicts.search(numbers.searchTimes()));
        return m;
    }

    /**
     * The Markdown page.
     *
     * @return the page
     */
    public String markdown() {
        return new ReportWriter(artifacts, numbers).markdown();
    }
}
