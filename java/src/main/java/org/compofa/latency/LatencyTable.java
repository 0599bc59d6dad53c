package org.compofa.latency;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
        StringBuilder csv = new StringBuilder(MAGIC).append('\n');
        metadata().forEach((k, v) -> csv.append("# ").append(k).append('=').append(v).append('\n'));
        csv.append(String.join(",", COLUMNS)).append('\n');
        entries.forEach((s, st) -> csv.append(row(s, st)).append('\n'));
        AtomicFiles.write(Path.of(base + ".csv"), csv.toString());
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
        Map<String, String> m = new LinkedHashMap<>();
        m.put("space", spaceId);
        m.put("platform", platform.name());
        m.put("device", platform.device());
        m.put("software", platform.software());
        m.put("batch", Integer.toString(platform.batch()));
        m.put("threads", Integer.toString(platform.threads()));
        return m;
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
        String text;
        try {
            text = Files.readString(csv, StandardCharsets.UTF_8);
        } catch (IOException | UncheckedIOException e) {
            throw new IOException(csv + ": cannot read the latency table (" + e.getMessage() + ")", e);
        }
        List<String> lines = text.lines().toList();
        if (lines.isEmpty() || !lines.get(0).equals(MAGIC)) {
            throw new IOException(csv + ": not a compofa latency table (first line must be '" + MAGIC + "')");
        }
        if (!text.endsWith("\n")) {
            throw new IOException(csv + ": truncated (the last line is incomplete)");
        }
        Map<String, String> meta = new LinkedHashMap<>();
        int i = 1;
        for (; i < lines.size() && lines.get(i).startsWith("# "); i++) {
            String kv = lines.get(i).substring(2);
            int eq = kv.indexOf('=');
            if (eq < 1) {
                throw new IOException(csv + ":" + (i + 1) + ": metadata line must be '# key=value'");
            }
            meta.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        for (String key : List.of("space", "platform", "device", "software", "batch", "threads")) {
            if (!meta.containsKey(key)) {
                throw new IOException(csv + ": metadata '" + key + "' is missing");
            }
        }
        if (!meta.get("space").equals(space.id())) {
            throw new IOException(csv + ": a table of space " + meta.get("space") + ", not of " + space.id());
        }
        if (i >= lines.size() || !lines.get(i).equals(String.join(",", COLUMNS))) {
            throw new IOException(csv + ":" + (i + 1) + ": header must be " + String.join(",", COLUMNS));
        }
        Platform platform;
        try {
            platform = new Platform(meta.get("platform"), meta.get("device"), meta.get("software"),
                    Integer.parseInt(meta.get("batch")), Integer.parseInt(meta.get("threads")));
        } catch (IllegalArgumentException e) {
            throw new IOException(csv + ": bad platform metadata: " + e.getMessage(), e);
        }
        Map<Subnet, LatencyStats> entries = new LinkedHashMap<>();
        for (i = i + 1; i < lines.size(); i++) {
            var parsed = parseRow(csv, i + 1, lines.get(i), space);
            if (entries.put(parsed.getKey(), parsed.getValue()) != null) {
                throw new IOException(csv + ":" + (i + 1) + ": subnet " + parsed.getKey().id() + " appears twice");
            }
        }
        if (entries.isEmpty()) {
            throw new IOException(csv + ": the table has no entries");
        }
        return new LatencyTable(meta.get("space"), platform, entries);
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
