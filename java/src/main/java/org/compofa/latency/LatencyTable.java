package org.compofa.latency;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.compofa.report.AtomicFiles;
import org.compofa.report.JsonText;
import org.compofa.space.InvalidSubnetException;
import org.compofa.space.SearchSpace;
import org.compofa.space.SpaceCoverage;
import org.compofa.space.Subnet;
import org.compofa.space.TableLayout;

/**
 * Measured latency of subnets (each at its resolution) on one platform, for one search space.
 *
 * <p>Saved as CSV with the metadata in leading {@code # key=value} lines (the form {@link #read}
 * loads and checks) plus a JSON twin for other tools (written by {@link JsonText}: counts and
 * times as JSON numbers, text escaped); both are written to a temporary file and moved into place, so
 * a crash never leaves half a table.
 */
public final class LatencyTable {
    /** First line of the CSV form. */
    public static final String MAGIC = "# compofa latency table v1";
    /** Metadata key of the declared resolutions (a comma list). */
    static final String RESOLUTIONS = "resolutions";
    /** Metadata key of the declared row count. */
    static final String SUBNETS = "subnets";
    static final List<String> COLUMNS = List.of("subnet", "resolution", "median_ms", "min_ms", "p10_ms", "p90_ms",
            "max_ms", "samples", "outliers", "spread_pct");

    private final String spaceId;
    private final Platform platform;
    private final Map<Subnet, LatencyStats> entries;

    /**
     * A table of {@code entries} (copied, order kept).
     *
     * @param spaceId id of the space timed
     * @param platform where it was measured
     * @param entries subnet to stats
     */
    public LatencyTable(String spaceId, Platform platform, Map<Subnet, LatencyStats> entries) {
        this.spaceId = Objects.requireNonNull(spaceId, "spaceId");
        this.platform = Objects.requireNonNull(platform, "platform");
        this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    /**
     * The search space's id.
     *
     * @return the space id
     */
    public String spaceId() {
        return spaceId;
    }

    /**
     * Where it was measured.
     *
     * @return the platform
     */
    public Platform platform() {
        return platform;
    }

    /**
     * Subnet (with resolution) to stats, in measurement order.
     *
     * @return the entries
     */
    public Map<Subnet, LatencyStats> entries() {
        return entries;
    }

    /**
     * The median latency of a subnet.
     *
     * @param s a subnet of the table
     * @return median in ms
     * @throws IllegalArgumentException naming the subnet when the table lacks it
     */
    public double medianMs(Subnet s) {
        LatencyStats st = entries.get(s);
        if (st == null) {
            throw new IllegalArgumentException("subnet " + s.id() + " is not in the " + platform.name()
                    + " latency table of " + spaceId + " (" + entries.size() + " entries)");
        }
        return st.medianMs();
    }

    /**
     * Checks that this table belongs to {@code space}.
     *
     * @param space the expected space
     * @return this table
     * @throws IllegalArgumentException when the space id differs
     */
    public LatencyTable requireSpace(SearchSpace space) {
        if (!space.id().equals(spaceId)) {
            throw new IllegalArgumentException("latency table of space " + spaceId + " used with space " + space.id());
        }
        return this;
    }

    /**
     * Writes {@code <base>.csv} and {@code <base>.json} atomically.
     *
     * @param base path without extension
     * @throws java.io.IOException if a file cannot be written
     */
    public void write(Path base) throws IOException {
        List<String> rows = entries.entrySet().stream().map(e -> row(e.getKey(), e.getValue())).toList();
        AtomicFiles.write(Path.of(base + ".csv"), TableFile.text(MAGIC, metadata(), COLUMNS, rows));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("format", "compofa-latency-table");
        json.put("version", 1);
        metadata().forEach(json::put);
        json.put("batch", platform.batch());
        json.put("threads", platform.threads());
        json.put(SUBNETS, entries.size());
        List<Map<String, Object>> rowsJson = new ArrayList<>();
        for (var e : entries.entrySet()) {
            LatencyStats st = e.getValue();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("subnet", e.getKey().id());
            r.put("median_ms", st.medianMs());
            r.put("p10_ms", st.p10Ms());
            r.put("p90_ms", st.p90Ms());
            r.put("samples", st.samples());
            r.put("outliers", st.outliers());
            rowsJson.add(r);
        }
        json.put("entries", rowsJson);
        AtomicFiles.write(Path.of(base + ".json"), JsonText.pretty(json));
    }

    /** The shared metadata plus what the table covers: its resolutions and its row count. */
    private Map<String, String> metadata() {
        Map<String, String> m = TableFile.metadata(spaceId, platform);
        m.put(RESOLUTIONS, SpaceCoverage.resolutionsOf(entries.keySet()));
        m.put(SUBNETS, Integer.toString(entries.size()));
        return m;
    }

    static String row(Subnet s, LatencyStats st) {
        return String.format(Locale.ROOT, "%s,%d,%s,%s,%s,%s,%s,%d,%d,%.2f", s.id(), s.resolution(), st.medianMs(),
                st.minMs(), st.p10Ms(), st.p90Ms(), st.maxMs(), st.samples(), st.outliers(), st.spreadPercent());
    }

    /**
     * Reads a table written by {@link #write} ({@code <base>.csv}) and checks it against {@code space}:
     * every row valid (see {@link #parseRow}), no subnet twice, each row at a declared resolution
     * ({@code # resolutions=}; the space's resolutions for a table that predates that line), the
     * declared row count ({@code # subnets=}, when present) matched, and, where the space can be
     * enumerated, every subnet at each declared resolution present.
     *
     * @param csv a file written by {@link #write}
     * @param space the space it must belong to
     * @return the table
     * @throws IOException naming the file, the line where there is one, and the rule broken
     */
    public static LatencyTable read(Path csv, SearchSpace space) throws IOException {
        TableLayout file = TableFile.read(csv, MAGIC, "latency table",
                List.of("space", "platform", "device", "software", "batch", "threads"));
        file.checkSpace(space);
        List<String> rows = file.rows(COLUMNS);
        Platform platform = TableFile.platform(file);
        List<Integer> resolutions = file.declaredResolutions(RESOLUTIONS, space);
        Map<Subnet, LatencyStats> entries = new LinkedHashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            int line = file.lineOf(i);
            var parsed = parseRow(csv, line, rows.get(i), space);
            Subnet s = parsed.getKey();
            if (!resolutions.contains(s.resolution())) {
                throw new IOException(csv + ":" + line + ": subnet " + s.id() + " is at resolution " + s.resolution()
                        + ", not one of the table's declared resolutions " + resolutions);
            }
            if (entries.put(s, parsed.getValue()) != null) {
                throw new IOException(csv + ":" + line + ": subnet " + s.id() + " appears twice (each subnet once)");
            }
        }
        file.checkCoverage(SUBNETS, space, resolutions, entries.keySet());
        return new LatencyTable(file.meta("space"), platform, entries);
    }

    /**
     * Parses and checks one row: the subnet in {@code space} with its resolution column, numbers that
     * parse, {@link LatencyStats}'s rules (finite, {@code 0 <= min <= p10 <= median <= p90 <= max}, at
     * least one sample, no negative outlier count) and {@code spread_pct} matching the times.
     *
     * @throws IOException naming the file, the line and the rule broken
     */
    static Map.Entry<Subnet, LatencyStats> parseRow(Path file, int lineNo, String line, SearchSpace space)
            throws IOException {
        String at = file + ":" + lineNo + ": ";
        String[] f = line.split(",", -1);
        if (f.length != COLUMNS.size()) {
            throw new IOException(at + f.length + " fields; expected " + COLUMNS.size());
        }
        Subnet s;
        try {
            s = space.validate(Subnet.parse(f[0]));
        } catch (InvalidSubnetException e) {
            throw new IOException(at + "unknown subnet: " + e.getMessage(), e);
        }
        double[] ms = new double[5]; // median, min, p10, p90, max: the column order
        int resolution;
        int samples;
        int outliers;
        double spread;
        try {
            for (int i = 0; i < ms.length; i++) {
                ms[i] = Double.parseDouble(f[2 + i]);
            }
            resolution = Integer.parseInt(f[1]);
            samples = Integer.parseInt(f[7]);
            outliers = Integer.parseInt(f[8]);
            spread = Double.parseDouble(f[9]);
        } catch (NumberFormatException e) {
            throw new IOException(at + "bad number: " + e.getMessage(), e);
        }
        if (s.resolution() != resolution) {
            throw new IOException(at + "resolution column " + f[1] + " differs from " + f[0]);
        }
        String broken = LatencyStats.violation(ms[0], ms[1], ms[2], ms[3], ms[4], samples, outliers);
        if (broken != null) {
            throw new IOException(at + broken);
        }
        LatencyStats st = new LatencyStats(ms[0], ms[1], ms[2], ms[3], ms[4], samples, outliers);
        // Written as the times' spread rounded to 2 decimals: at most half a unit there off, plus parsing.
        double want = st.spreadPercent();
        if (!(Math.abs(spread - want) <= 0.005 + 2 * Math.ulp(want) || spread == want)) {
            throw new IOException(at + "spread_pct " + f[9] + " differs from 100 (p90 - p10) / median = "
                    + String.format(Locale.ROOT, "%.2f", want));
        }
        return Map.entry(s, st);
    }

    /**
     * Subnets of this table in order.
     *
     * @return the subnets
     */
    public List<Subnet> subnets() {
        return new ArrayList<>(entries.keySet());
    }
}
