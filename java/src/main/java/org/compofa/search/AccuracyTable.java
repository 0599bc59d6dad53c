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
import org.compofa.space.SpaceCoverage;
import org.compofa.space.Subnet;
import org.compofa.space.TableLayout;

/**
 * Top-1 accuracy (%) of subnets, each at its resolution (after BN recalibration), for one space.
 * CSV with a {@code # key=value} metadata header (space, dataset, the resolutions covered and the
 * row count), written atomically; {@link #read} checks the file against the space, completeness
 * included.
 */
public final class AccuracyTable {
    /** First line of the CSV form. */
    public static final String MAGIC = "# compofa accuracy table v1";
    private static final String HEADER = "subnet,resolution,top1";
    private static final List<String> COLUMNS = List.of(HEADER.split(","));
    /** Metadata key of the declared resolutions (a comma list). */
    private static final String RESOLUTIONS = "resolutions";
    /** Metadata key of the declared row count. */
    private static final String SUBNETS = "subnets";

    private final String spaceId;
    private final String dataset;
    private final Map<Subnet, Double> top1;

    /**
     * A table (copied, order kept).
     *
     * @param spaceId id of the space the subnets belong to
     * @param dataset what the accuracy was measured on
     * @param top1 subnet to top-1 in percent
     * @throws IllegalArgumentException when a top-1 is not a finite percentage in [0, 100], or the
     *                                  space id or dataset holds a line break
     */
    public AccuracyTable(String spaceId, String dataset, Map<Subnet, Double> top1) {
        this.spaceId = Objects.requireNonNull(spaceId, "spaceId");
        this.dataset = Objects.requireNonNull(dataset, "dataset");
        if (spaceId.contains("\n") || dataset.contains("\n")) {
            throw new IllegalArgumentException("space id and dataset must be one line each: " + spaceId + " / "
                    + dataset);
        }
        top1.forEach((s, a) -> {
            Objects.requireNonNull(s, "subnet");
            String broken = topOneViolation(a);
            if (broken != null) {
                throw new IllegalArgumentException("subnet " + s.id() + ": " + broken);
            }
        });
        this.top1 = Collections.unmodifiableMap(new LinkedHashMap<>(top1));
    }

    /**
     * The space id.
     *
     * @return the space id
     */
    public String spaceId() {
        return spaceId;
    }

    /**
     * What the accuracy was measured on, in words.
     *
     * @return the dataset description
     */
    public String dataset() {
        return dataset;
    }

    /**
     * Subnet to top-1 (%).
     *
     * @return subnet to top-1 in percent, in table order
     */
    public Map<Subnet, Double> top1() {
        return top1;
    }

    /**
     * Joins with latencies: one {@link Candidate} per subnet of this table.
     *
     * @param latencyMs latency in ms of each subnet
     * @return the candidates, in table order
     * @throws IllegalArgumentException naming a subnet the latency source lacks
     */
    public List<Candidate> candidates(ToDoubleFunction<Subnet> latencyMs) {
        List<Candidate> out = new ArrayList<>();
        top1.forEach((s, a) -> out.add(new Candidate(s, a, latencyMs.applyAsDouble(s))));
        return out;
    }

    /**
     * Writes the CSV atomically.
     *
     * @param file where to write; replaced atomically
     * @throws java.io.IOException if the file cannot be written
     */
    public void write(Path file) throws IOException {
        StringBuilder sb = new StringBuilder(MAGIC).append('\n');
        sb.append("# space=").append(spaceId).append('\n').append("# dataset=").append(dataset).append('\n');
        sb.append("# " + RESOLUTIONS + "=").append(SpaceCoverage.resolutionsOf(top1.keySet())).append('\n');
        sb.append("# " + SUBNETS + "=").append(top1.size()).append('\n');
        sb.append(HEADER).append('\n');
        top1.forEach((s, a) -> sb.append(String.format(Locale.ROOT, "%s,%d,%s%n", s.id(), s.resolution(), a)));
        org.compofa.report.AtomicFiles.write(file, sb);
    }

    /**
     * Reads a table written by {@link #write} and checks it against {@code space}: the space id;
     * every row a subnet of the space at a declared resolution ({@code # resolutions=}; the space's
     * resolutions for a table that predates that line), with its resolution column and a finite top-1
     * in [0, 100]; no subnet twice; the declared row count ({@code # subnets=}, when present) matched;
     * and, where the space can be enumerated, every subnet at each declared resolution present (in a
     * larger space the table is a sample).
     *
     * @param file a file written by {@link #write}
     * @param space the space the table must match
     * @return the table
     * @throws IOException naming the file, the line where there is one, and the rule broken
     */
    public static AccuracyTable read(Path file, SearchSpace space) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such accuracy table");
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {  // its own message ("Input length = 1") names nothing
            throw new IOException(file + ": not a text table (not UTF-8)", e);
        } catch (IOException e) {
            throw new IOException(file + ": cannot read the accuracy table (" + e + ")", e);
        }
        TableLayout layout = TableLayout.parse(file, text, MAGIC, "accuracy table", List.of("space", "dataset"));
        List<String> rows = layout.rows(COLUMNS);
        layout.checkSpace(space);
        List<Integer> resolutions = layout.declaredResolutions(RESOLUTIONS, space);
        Map<Subnet, Double> m = new LinkedHashMap<>();
        for (int row = 0; row < rows.size(); row++) {
            String at = file + ":" + layout.lineOf(row) + ": ";
            String[] f = rows.get(row).split(",", -1);
            if (f.length != 3) {
                throw new IOException(at + f.length + " fields; expected 3 (" + HEADER + ")");
            }
            Subnet s;
            try {
                s = space.validate(Subnet.parse(f[0]));
            } catch (InvalidSubnetException e) {
                throw new IOException(at + "unknown subnet: " + e.getMessage(), e);
            }
            double a;
            try {
                if (s.resolution() != Integer.parseInt(f[1])) {
                    throw new IOException(at + "resolution column " + f[1] + " differs from " + f[0]);
                }
                a = Double.parseDouble(f[2]);
            } catch (NumberFormatException e) {
                throw new IOException(at + "bad number: " + e.getMessage(), e);
            }
            String broken = topOneViolation(a);
            if (broken != null) {
                throw new IOException(at + broken);
            }
            if (!resolutions.contains(s.resolution())) {
                throw new IOException(at + "subnet " + s.id() + " is at resolution " + s.resolution()
                        + ", not one of the table's declared resolutions " + resolutions);
            }
            if (m.put(s, a) != null) {
                throw new IOException(at + "subnet " + s.id() + " appears twice (each subnet once)");
            }
        }
        layout.checkCoverage(SUBNETS, space, resolutions, m.keySet());
        return new AccuracyTable(layout.meta("space"), layout.meta("dataset"), m);
    }

    /** The rule a top-1 breaks, or null: a percentage, finite, in [0, 100]. */
    static String topOneViolation(Double top1) {
        if (top1 == null || !Double.isFinite(top1) || top1 < 0 || top1 > 100) {
            return "top-1 " + top1 + " %: must be finite and in [0, 100]";
        }
        return null;
    }
}
