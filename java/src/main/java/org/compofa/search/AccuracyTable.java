package org.compofa.search;

import java.io.IOException;
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
import java.util.function.ToDoubleFunction;
import org.compofa.space.InvalidSubnetException;
import org.compofa.space.SearchSpace;
import org.compofa.space.Subnet;

/**
 * Top-1 accuracy (%) of subnets, each at its resolution (after BN recalibration), for one space.
 * CSV with a {@code # key=value} metadata header, written atomically; {@link #read} checks the
 * file against the space.
 */
public final class AccuracyTable {
    /** First line of the CSV form. */
    public static final String MAGIC = "# compofa accuracy table v1";

    private final String spaceId;
    private final String dataset;
    private final Map<Subnet, Double> top1;

    /** A table (copied, order kept). */
    public AccuracyTable(String spaceId, String dataset, Map<Subnet, Double> top1) {
        this.spaceId = Objects.requireNonNull(spaceId, "spaceId");
        this.dataset = Objects.requireNonNull(dataset, "dataset");
        this.top1 = Collections.unmodifiableMap(new LinkedHashMap<>(top1));
    }

    /** The space id. */
    public String spaceId() {
        return spaceId;
    }

    /** What the accuracy was measured on, in words. */
    public String dataset() {
        return dataset;
    }

    /** Subnet to top-1 (%). */
    public Map<Subnet, Double> top1() {
        return top1;
    }

    /**
     * Joins with latencies: one {@link Candidate} per subnet of this table.
     *
     * @throws IllegalArgumentException naming a subnet the latency source lacks
     */
    public List<Candidate> candidates(ToDoubleFunction<Subnet> latencyMs) {
        List<Candidate> out = new ArrayList<>();
        top1.forEach((s, a) -> out.add(new Candidate(s, a, latencyMs.applyAsDouble(s))));
        return out;
    }

    /** Writes the CSV atomically. */
    public void write(Path file) throws IOException {
        StringBuilder sb = new StringBuilder(MAGIC).append('\n');
        sb.append("# space=").append(spaceId).append('\n').append("# dataset=").append(dataset).append('\n');
        sb.append("subnet,resolution,top1\n");
        top1.forEach((s, a) -> sb.append(String.format(Locale.ROOT, "%s,%d,%s%n", s.id(), s.resolution(), a)));
        org.compofa.report.AtomicFiles.write(file, sb);
    }

    /**
     * Reads a table written by {@link #write} and checks it belongs to {@code space}.
     *
     * @throws IOException naming the file (and line) for a missing, truncated, corrupt or foreign table
     */
    public static AccuracyTable read(Path file, SearchSpace space) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such accuracy table");
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        List<String> lines = text.lines().toList();
        if (lines.size() < 4 || !lines.get(0).equals(MAGIC) || !lines.get(1).startsWith("# space=")
                || !lines.get(2).startsWith("# dataset=") || !lines.get(3).equals("subnet,resolution,top1")) {
            throw new IOException(file + ": not a compofa accuracy table (expected '" + MAGIC + "', space, dataset,"
                    + " header)");
        }
        if (!text.endsWith("\n")) {
            throw new IOException(file + ": truncated (the last line is incomplete)");
        }
        String sp = lines.get(1).substring("# space=".length());
        if (!sp.equals(space.id())) {
            throw new IOException(file + ": a table of space " + sp + ", not of " + space.id());
        }
        Map<Subnet, Double> m = new LinkedHashMap<>();
        for (int i = 4; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",", -1);
            try {
                if (f.length != 3) {
                    throw new IllegalArgumentException(f.length + " fields; expected 3");
                }
                Subnet s = space.validate(Subnet.parse(f[0]));
                double a = Double.parseDouble(f[2]);
                if (!Double.isFinite(a) || a < 0 || a > 100 || s.resolution() != Integer.parseInt(f[1])) {
                    throw new IllegalArgumentException("top-1 must be in [0, 100] and the resolution match the id");
                }
                if (m.put(s, a) != null) {
                    throw new IllegalArgumentException("subnet appears twice");
                }
            } catch (InvalidSubnetException e) {
                throw new IOException(file + ":" + (i + 1) + ": unknown subnet: " + e.getMessage(), e);
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        if (m.isEmpty()) {
            throw new IOException(file + ": the table has no entries");
        }
        return new AccuracyTable(sp, lines.get(2).substring("# dataset=".length()), m);
    }
}
