package org.compofa.space;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The text layout every per-subnet table (accuracy, latency) shares, and the rules it must meet
 * against its space: a magic first line, {@code # key=value} metadata, a column header, then rows.
 * Each check names the file and, where there is one, the line of the first thing wrong; each table
 * reads the file itself (its messages for unreadable files differ) and checks its own rows.
 */
public final class TableLayout {
    private final Path file;
    private final List<String> lines;
    private final Map<String, String> meta;
    private final int headerIndex;

    private TableLayout(Path file, List<String> lines, Map<String, String> meta, int headerIndex) {
        this.file = file;
        this.lines = lines;
        this.meta = meta;
        this.headerIndex = headerIndex;
    }

    /**
     * Parses the text of {@code file} up to its metadata and checks the magic line, the final newline,
     * each metadata line once and that every key of {@code required} is present.
     *
     * @param what the table's name in messages ("latency table")
     * @param file the file, for messages
     * @param text its contents
     * @param magic the required first line
     * @param required metadata keys that must be present
     * @return the parsed layout
     * @throws IOException naming the file, the line where there is one, and the rule broken
     */
    public static TableLayout parse(Path file, String text, String magic, String what, List<String> required)
            throws IOException {
        List<String> lines = text.lines().toList();
        if (lines.isEmpty() || !lines.get(0).equals(magic)) {
            throw new IOException(file + ": not a compofa " + what + " (first line must be '" + magic + "')");
        }
        if (!text.endsWith("\n")) {
            throw new IOException(file + ": truncated (the last line is incomplete)");
        }
        Map<String, String> meta = new LinkedHashMap<>();
        int i = 1;
        for (; i < lines.size() && lines.get(i).startsWith("# "); i++) {
            String kv = lines.get(i).substring(2);
            int eq = kv.indexOf('=');
            if (eq < 1) {
                throw new IOException(file + ":" + (i + 1) + ": metadata line must be '# key=value'");
            }
            if (meta.put(kv.substring(0, eq), kv.substring(eq + 1)) != null) {
                throw new IOException(file + ":" + (i + 1) + ": metadata '" + kv.substring(0, eq)
                        + "' appears twice (each key once)");
            }
        }
        for (String key : required) {
            if (!meta.containsKey(key)) {
                throw new IOException(file + ": metadata '" + key + "' is missing");
            }
        }
        return new TableLayout(file, lines, meta, i);
    }

    /**
     * The file parsed.
     *
     * @return the path
     */
    public Path path() {
        return file;
    }

    /**
     * A metadata value (present when it was required), or null.
     *
     * @param key a metadata key
     * @return its value, or null
     */
    public String meta(String key) {
        return meta.get(key);
    }

    /**
     * Checks the header line against {@code columns}; returns the rows after it.
     *
     * @param columns the expected column names
     * @return the data rows
     * @throws java.io.IOException if the header differs, naming the file and line
     */
    public List<String> rows(List<String> columns) throws IOException {
        if (headerIndex >= lines.size() || !lines.get(headerIndex).equals(String.join(",", columns))) {
            throw new IOException(file + ":" + (headerIndex + 1) + ": header must be " + String.join(",", columns));
        }
        return lines.subList(headerIndex + 1, lines.size());
    }

    /**
     * The 1-based file line of row {@code index} of {@link #rows}.
     *
     * @param index row index, 0-based
     * @return the file line, 1-based
     */
    public int lineOf(int index) {
        return headerIndex + 2 + index;
    }

    /**
     * Checks that the required {@code # space=} names {@code space}.
     *
     * @param space the expected space
     * @throws java.io.IOException if the space differs
     */
    public void checkSpace(SearchSpace space) throws IOException {
        if (!meta.get("space").equals(space.id())) {
            throw new IOException(file + ": a table of space " + meta.get("space") + ", not of " + space.id());
        }
    }

    /**
     * The resolutions the metadata under {@code key} declares, checked against {@code space}; the
     * space's resolutions for a table that predates that line.
     *
     * @param key the metadata key
     * @param space the space that must allow each
     * @return the resolutions
     * @throws java.io.IOException if a declared resolution is malformed or outside the space
     */
    public List<Integer> declaredResolutions(String key, SearchSpace space) throws IOException {
        String declared = meta.get(key);
        if (declared == null) {
            return space.resolutions().values();
        }
        try {
            return SpaceCoverage.parseResolutions(declared, space);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": metadata '" + key + "': " + e.getMessage(), e);
        }
    }

    /**
     * Checks the rows read ({@code subnets}): at least one, as many as the metadata under
     * {@code countKey} declares (when present), and none missing at the declared {@code resolutions}
     * ({@link SpaceCoverage#missing}).
     *
     * @param countKey the metadata key holding the row count
     * @param space the table's space
     * @param resolutions the declared resolutions
     * @param subnets the subnets read
     * @throws java.io.IOException if there are no rows, the declared count differs, or subnets are missing
     */
    public void checkCoverage(String countKey, SearchSpace space, List<Integer> resolutions,
                              Collection<Subnet> subnets) throws IOException {
        if (subnets.isEmpty()) {
            throw new IOException(file + ": the table has no entries");
        }
        String count = meta.get(countKey);
        if (count != null && !count.equals(Integer.toString(subnets.size()))) {
            throw new IOException(file + ": metadata '" + countKey + "' declares " + count + " rows, the table has "
                    + subnets.size() + " (rows lost or added)");
        }
        Optional<String> missing = SpaceCoverage.missing(space, subnets, resolutions);
        if (missing.isPresent()) {
            throw new IOException(file + ": incomplete table: " + missing.get());
        }
    }
}
