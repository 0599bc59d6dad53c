package org.compofa.compare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.compofa.report.AtomicFiles;
import org.compofa.search.Candidate;
import org.compofa.space.SearchSpace;
import org.compofa.space.Subnet;

/**
 * What one search method found on one platform, one row per latency budget: the subnet with its
 * exactly measured top-1 and latency, what the search itself believed (predictor, latency model or
 * table) and how long the search took. CSV with {@code # key=value} metadata, written atomically.
 *
 * @param method   e.g. {@code compofa-exact}, {@code compofa-evolution}, {@code ofa-evolution}
 * @param platform latency platform name
 * @param spaceId  the searched space
 * @param setupMs  one-off cost before the budgets (building the exact index; 0 when none)
 * @param rows     one per budget, ascending budgets
 */
public record SearchOutcome(String method, String platform, String spaceId, double setupMs, List<Row> rows) {
    /** First line of the CSV form. */
    public static final String MAGIC = "# compofa search outcome v1";
    private static final String HEADER = "budget_ms,subnet,top1,latency_ms,search_top1,search_latency_ms,search_ms";

    /**
     * One budget's result.
     *
     * @param budgetMs        the latency budget
     * @param found           the subnet found, with its measured top-1 and latency; empty when nothing fit
     * @param searchTop1      the top-1 the search ranked it by (NaN when none)
     * @param searchLatencyMs the latency the search checked against the budget (NaN when none)
     * @param searchMs        wall time of this budget's search
     */
    public record Row(double budgetMs, Optional<Candidate> found, double searchTop1, double searchLatencyMs,
                      double searchMs) {
        /** Checks the numbers. */
        public Row {
            Objects.requireNonNull(found, "found");
            if (!Double.isFinite(budgetMs) || !(searchMs >= 0)) {
                throw new IllegalArgumentException("budget " + budgetMs + " must be finite, search time " + searchMs
                        + " ms >= 0");
            }
        }
    }

    /** Checks and copies. */
    public SearchOutcome {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(spaceId, "spaceId");
        rows = List.copyOf(rows);
        if (rows.isEmpty() || !(setupMs >= 0)) {
            throw new IllegalArgumentException(method + " on " + platform + ": need at least one budget and setup "
                    + setupMs + " ms >= 0");
        }
    }

    /**
     * Search time over all budgets, setup excluded.
     *
     * @return time in ms
     */
    public double searchMs() {
        return rows.stream().mapToDouble(Row::searchMs).sum();
    }

    /**
     * The found candidates (measured), in budget order, budgets with none left out.
     *
     * @return the candidates
     */
    public List<Candidate> found() {
        return rows.stream().flatMap(r -> r.found().stream()).toList();
    }

    /**
     * Writes the CSV atomically.
     *
     * @param file the file to write
     * @throws java.io.IOException if it cannot be written
     */
    public void write(Path file) throws IOException {
        StringBuilder sb = new StringBuilder(MAGIC).append('\n');
        metadata().forEach((k, v) -> sb.append("# ").append(k).append('=').append(v).append('\n'));
        sb.append(HEADER).append('\n');
        for (Row r : rows) {
            String id = r.found().map(c -> c.subnet().id()).orElse("none");
            double top1 = r.found().map(Candidate::top1).orElse(Double.NaN);
            double lat = r.found().map(Candidate::latencyMs).orElse(Double.NaN);
            sb.append(String.format(Locale.ROOT, "%s,%s,%s,%s,%s,%s,%s%n", r.budgetMs(), id, top1, lat,
                    r.searchTop1(), r.searchLatencyMs(), r.searchMs()));
        }
        AtomicFiles.write(file, sb);
    }

    private Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("method", method);
        m.put("platform", platform);
        m.put("space", spaceId);
        m.put("setup_ms", Double.toString(setupMs));
        return m;
    }

    /**
     * Reads a file written by {@link #write}; found subnets are checked against {@code space}.
     *
     * @param file a file written by {@link #write}
     * @param space the space found subnets must belong to
     * @return the outcome
     * @throws IOException naming the file (and line) when it is missing, foreign or malformed
     */
    public static SearchOutcome read(Path file, SearchSpace space) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such search outcome");
        }
        List<String> lines = Files.readString(file, StandardCharsets.UTF_8).lines().toList();
        if (lines.size() < 6 || !lines.get(0).equals(MAGIC) || !lines.get(5).equals(HEADER)) {
            throw new IOException(file + ": not a compofa search outcome (expected '" + MAGIC
                    + "', 4 metadata lines, header)");
        }
        Map<String, String> meta = new LinkedHashMap<>();
        for (int i = 1; i <= 4; i++) {
            String kv = lines.get(i).substring(2);
            int eq = kv.indexOf('=');
            meta.put(eq < 0 ? kv : kv.substring(0, eq), eq < 0 ? "" : kv.substring(eq + 1));
        }
        if (!space.id().equals(meta.get("space"))) {
            throw new IOException(file + ": a search of space " + meta.get("space") + ", not of " + space.id());
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 6; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",", -1);
            try {
                if (f.length != 7) {
                    throw new IllegalArgumentException(f.length + " fields; expected 7");
                }
                Optional<Candidate> found = f[1].equals("none") ? Optional.empty()
                        : Optional.of(new Candidate(space.validate(Subnet.parse(f[1])), Double.parseDouble(f[2]),
                                Double.parseDouble(f[3])));
                rows.add(new Row(Double.parseDouble(f[0]), found, Double.parseDouble(f[4]), Double.parseDouble(f[5]),
                        Double.parseDouble(f[6])));
            } catch (RuntimeException e) {
                throw new IOException(file + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        try {
            return new SearchOutcome(meta.get("method"), meta.get("platform"), meta.get("space"),
                    Double.parseDouble(meta.get("setup_ms")), rows);
        } catch (RuntimeException e) {
            throw new IOException(file + ": bad metadata: " + e.getMessage(), e);
        }
    }
}
