package org.compofa.latency;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.compofa.space.TableLayout;

/**
 * What both latency tables add to the shared {@link TableLayout}: the space and the {@link Platform}'s
 * fields in the metadata, writing the text, and reading the file (the layout checks name the file
 * and line of the first thing wrong; each table checks its own rows).
 */
final class TableFile {
    private TableFile() {}

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
    static TableLayout read(Path csv, String magic, String what, List<String> required) throws IOException {
        String text;
        try {
            text = Files.readString(csv, StandardCharsets.UTF_8);
        } catch (IOException | UncheckedIOException e) {
            throw new IOException(csv + ": cannot read the " + what + " (" + e.getMessage() + ")", e);
        }
        return TableLayout.parse(csv, text, magic, what, required);
    }

    /** The platform the metadata of {@code file} describes. */
    static Platform platform(TableLayout file) throws IOException {
        try {
            return new Platform(file.meta("platform"), file.meta("device"), file.meta("software"),
                    Integer.parseInt(file.meta("batch")), Integer.parseInt(file.meta("threads")));
        } catch (IllegalArgumentException e) {
            throw new IOException(file.path() + ": bad platform metadata: " + e.getMessage(), e);
        }
    }
}
