package org.compofa.latency;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CSV layout both latency tables share: a magic first line, {@code # key=value} metadata (the
 * space and the {@link Platform}'s fields among them), a column header, then rows. Reading checks
 * the layout and names the file and line of the first thing wrong; each table checks its own rows.
 */
final class TableFile {
    private final Path csv;
    private final List<String> lines;
    private final Map<String, String> meta;
    private final int headerIndex;

    private TableFile(Path csv, List<String> lines, Map<String, String> meta, int headerIndex) {
        this.csv = csv;
        this.lines = lines;
        this.meta = meta;
        this.headerIndex = headerIndex;
    }

    /** The metadata every table writes first: the space id and the platform's fields. */
    static Map<String, String> metadata(String spaceId, Platform platform) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("space", spaceId);
        m.put("platform", platform.name());
        m.put("device", platform.device());
        m.put("software", platform.software());
        m.put("batch", Integer.toString(platform.batch()));
        m.put("threads", Integer.toString(platform.threads()));
        return m;
    }

    /** Magic line, metadata, header and {@code rows} as one text (for an atomic write). */
    static String text(String magic, Map<String, String> metadata, List<String> columns, Iterable<String> rows) {
        StringBuilder sb = new StringBuilder(magic).append('\n');
        metadata.forEach((k, v) -> sb.append("# ").append(k).append('=').append(v).append('\n'));
        sb.append(String.join(",", columns)).append('\n');
        rows.forEach(r -> sb.append(r).append('\n'));
        return sb.toString();
    }

    /**
     * Reads {@code csv} up to its metadata and checks the magic line, the final newline and that
     * every key of {@code required} is present.
     *
     * @param what the table's name in messages ("latency table")
     */
    static TableFile read(Path csv, String magic, String what, List<String> required) throws IOException {
        String text;
        try {
            text = Files.readString(csv, StandardCharsets.UTF_8);
        } catch (IOException | UncheckedIOException e) {
            throw new IOException(csv + ": cannot read the " + what + " (" + e.getMessage() + ")", e);
        }
        List<String> lines = text.lines().toList();
        if (lines.isEmpty() || !lines.get(0).equals(magic)) {
            throw new IOException(csv + ": not a compofa " + what + " (first line must be '" + magic + "')");
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
            if (meta.put(kv.substring(0, eq), kv.substring(eq + 1)) != null) {
                throw new IOException(csv + ":" + (i + 1) + ": metadata '" + kv.substring(0, eq)
                        + "' appears twice (each key once)");
            }
        }
        for (String key : required) {
            if (!meta.containsKey(key)) {
                throw new IOException(csv + ": metadata '" + key + "' is missing");
            }
        }
        return new TableFile(csv, lines, meta, i);
    }

    /** The file read. */
    Path path() {
        return csv;
    }

    /** A metadata value (present when it was required), or null. */
    String meta(String key) {
        return meta.get(key);
    }

    /** Checks the header line against {@code columns}; returns the rows after it. */
    List<String> rows(List<String> columns) throws IOException {
        if (headerIndex >= lines.size() || !lines.get(headerIndex).equals(String.join(",", columns))) {
            throw new IOException(csv + ":" + (headerIndex + 1) + ": header must be " + String.join(",", columns));
        }
        return lines.subList(headerIndex + 1, lines.size());
    }

    /** The 1-based file line of row {@code index} of {@link #rows}. */
    int lineOf(int index) {
        return headerIndex + 2 + index;
    }

    /** The platform the metadata describes. */
    Platform platform() throws IOException {
        try {
            return new Platform(meta.get("platform"), meta.get("device"), meta.get("software"),
                    Integer.parseInt(meta.get("batch")), Integer.parseInt(meta.get("threads")));
        } catch (IllegalArgumentException e) {
            throw new IOException(csv + ": bad platform metadata: " + e.getMessage(), e);
        }
    }
}
