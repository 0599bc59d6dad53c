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
import org.compofa.space.InvalidSubnetException;
import org.compofa.space.SearchSpace;
import org.compofa.space.Subnet;

/**
 * Measured latency of subnets (each at its resolution) on one platform, for one search space.
 *
 * <p>Saved as CSV with the metadata in leading {@code # key=value} lines (the form {@link #read}
 * loads and checks) plus a JSON twin for other tools; both are written to a temporary file and
 * moved into place, so a crash never leaves half a table.
 */
public final class LatencyTable {
    /** First line of the CSV form. */
    public static final String MAGIC = "# compofa latency table v1";
    static final List<String> COLUMNS = List.of("subnet", "resolution", "median_ms", "min_ms", "p10_ms", "p90_ms",
            "max_ms", "samples", "outliers", "spread_pct");

    private final String spaceId;
    private final Platform platform;
    private final Map<Subnet, LatencyStats> entries;

    /** A table of {@code entries} (copied, order kept). */
    public LatencyTable(String spaceId, Platform platform, Map<Subnet, LatencyStats> entries) {
        this.spaceId = Objects.requireNonNull(spaceId, "spaceId");
        this.platform = Objects.requireNonNull(platform, "platform");
        this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    /** The search space's id. */
    public String spaceId() {
        return spaceId;
    }

    /** Where it was measured. */
    public Platform platform() {
        return platform;
    }

    /** Subnet (with resolution) to stats, in measurement order. */
    public Map<Subnet, LatencyStats> entries() {
        return entries;
    }

    /**
     * The median latency of a subnet.
     *
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
     * @throws IllegalArgumentException when the space id differs
     */
    public LatencyTable requireSpace(SearchSpace space) {
        if (!space.id().equals(spaceId)) {
            throw new IllegalArgumentException("latency table of space " + spaceId + " used with space " + space.id());
        }
        return this;
    }

    /** Writes {@code <base>.csv} and {@code <base>.json} atomically. */
    public void write(Path base) throws IOException {
        List<String> rows = entries.entrySet().stream().map(e -> row(e.getKey(), e.getValue())).toList();
        AtomicFiles.write(Path.of(base + ".csv"), TableFile.text(MAGIC, metadata(), COLUMNS, rows));
        StringBuilder json = new StringBuilder("{\n  \"format\": \"compofa-latency-table\", \"version\": 1,\n");
        metadata().forEach((k, v) -> json.append("  \"").append(k).append("\": \"").append(v.replace("\"", "'"))
                .append("\",\n"));
        json.append("  \"entries\": [\n");
        int i = 0;
        for (var e : entries.entrySet()) {
            LatencyStats st = e.getValue();
            json.append(String.format(Locale.ROOT, "    {\"subnet\": \"%s\", \"median_ms\": %s, \"p10_ms\": %s, "
                            + "\"p90_ms\": %s, \"samples\": %d, \"outliers\": %d}%s%n", e.getKey().id(), st.medianMs(),
                    st.p10Ms(), st.p90Ms(), st.samples(), st.outliers(), ++i < entries.size() ? "," : ""));
        }
        json.append("  ]\n}\n");
        AtomicFiles.write(Path.of(base + ".json"), json.toString());
    }

    private Map<String, String> metadata() {
        return TableFile.metadata(spaceId, platform);
    }

    static String row(Subnet s, LatencyStats st) {
        return String.format(Locale.ROOT, "%s,%d,%s,%s,%s,%s,%s,%d,%d,%.2f", s.id(), s.resolution(), st.medianMs(),
                st.minMs(), st.p10Ms(), st.p90Ms(), st.maxMs(), st.samples(), st.outliers(), st.spreadPercent());
    }

    /**
     * Reads a table written by {@link #write} ({@code <base>.csv}) and checks it against {@code space}.
     *
     * @throws IOException naming the file and line for a missing, truncated or corrupt file, a table of
     *                     another space, an unknown or duplicated subnet
     */
    public static LatencyTable read(Path csv, SearchSpace space) throws IOException {
        TableFile file = TableFile.read(csv, MAGIC, "latency table",
                List.of("space", "platform", "device", "software", "batch", "threads"));
        if (!file.meta("space").equals(space.id())) {
            throw new IOException(csv + ": a table of space " + file.meta("space") + ", not of " + space.id());
        }
        List<String> rows = file.rows(COLUMNS);
        Platform platform = file.platform();
        Map<Subnet, LatencyStats> entries = new LinkedHashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            int line = file.lineOf(i);
            var parsed = parseRow(csv, line, rows.get(i), space);
            if (entries.put(parsed.getKey(), parsed.getValue()) != null) {
                throw new IOException(csv + ":" + line + ": subnet " + parsed.getKey().id() + " appears twice");
            }
        }
        if (entries.isEmpty()) {
            throw new IOException(csv + ": the table has no entries");
        }
        return new LatencyTable(file.meta("space"), platform, entries);
    }

    static Map.Entry<Subnet, LatencyStats> parseRow(Path file, int lineNo, String line, SearchSpace space)
            throws IOException {
        String[] f = line.split(",", -1);
        if (f.length != COLUMNS.size()) {
            throw new IOException(file + ":" + lineNo + ": " + f.length + " fields; expected " + COLUMNS.size());
        }
        try {
            Subnet s = space.validate(Subnet.parse(f[0]));
            if (s.resolution() != Integer.parseInt(f[1])) {
                throw new IOException(file + ":" + lineNo + ": resolution column " + f[1] + " differs from " + f[0]);
            }
            LatencyStats st = new LatencyStats(Double.parseDouble(f[2]), Double.parseDouble(f[3]),
                    Double.parseDouble(f[4]), Double.parseDouble(f[5]), Double.parseDouble(f[6]),
                    Integer.parseInt(f[7]), Integer.parseInt(f[8]));
            return Map.entry(s, st);
        } catch (InvalidSubnetException e) {
            throw new IOException(file + ":" + lineNo + ": unknown subnet: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ":" + lineNo + ": bad number: " + e.getMessage(), e);
        }
    }

    /** Subnets of this table in order. */
    public List<Subnet> subnets() {
        return new ArrayList<>(entries.keySet());
    }
}
