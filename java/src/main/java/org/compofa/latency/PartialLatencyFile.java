package org.compofa.latency;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.compofa.report.AtomicFiles;
import org.compofa.space.SearchSpace;
import org.compofa.space.Subnet;

/**
 * The rows a table build has finished, appended as each entry is decided so a killed build resumes:
 * a {@link LatencyTable} row plus the number of timing runs that entry took ({@code runs}, more than
 * one when it was noisy and re-measured). Rows without that last field (written before it existed)
 * count as one run.
 */
final class PartialLatencyFile implements AutoCloseable {
    /** A finished entry: its kept statistics and the timing runs it took. */
    record Row(LatencyStats stats, int runs) {
    }

    private final Writer writer;

    private PartialLatencyFile(Writer writer) {
        this.writer = writer;
    }

    /** Opens {@code partial} for appending (created with the default mode if absent). */
    static PartialLatencyFile append(Path partial) throws IOException {
        Files.createDirectories(partial.toAbsolutePath().getParent());
        return new PartialLatencyFile(Files.newBufferedWriter(partial, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND));
    }

    /** Appends and flushes one finished entry. */
    void write(Subnet s, Row row) throws IOException {
        writer.write(line(s, row));
        writer.flush();
    }

    private static String line(Subnet s, Row row) {
        return LatencyTable.row(s, row.stats()) + "," + row.runs() + "\n";
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }

    /**
     * The finished rows of {@code partial} (empty when absent). A last row cut by a kill is dropped
     * and the file rewritten without it, so appends start on a fresh line.
     *
     * @throws IOException naming the file and line of a row that is not a valid entry of {@code space}
     */
    static Map<Subnet, Row> read(Path partial, SearchSpace space) throws IOException {
        Map<Subnet, Row> done = new LinkedHashMap<>();
        if (!Files.exists(partial)) {
            return done;
        }
        String text = Files.readString(partial, StandardCharsets.UTF_8);
        List<String> lines = text.lines().toList();
        boolean complete = text.endsWith("\n");
        int tableFields = LatencyTable.COLUMNS.size();
        for (int i = 0; i < lines.size(); i++) {
            if (i == lines.size() - 1 && !complete) {
                break; // a row cut by a kill: measure it again
            }
            String line = lines.get(i);
            int fields = line.split(",", -1).length;
            int runs = 1;
            if (fields == tableFields + 1) {
                int cut = line.lastIndexOf(',');
                runs = runs(partial, i + 1, line.substring(cut + 1));
                line = line.substring(0, cut);
            }
            var e = LatencyTable.parseRow(partial, i + 1, line, space);
            done.put(e.getKey(), new Row(e.getValue(), runs));
        }
        if (!complete) {
            StringBuilder sb = new StringBuilder();
            done.forEach((s, r) -> sb.append(line(s, r)));
            AtomicFiles.write(partial, sb);
        }
        return done;
    }

    private static int runs(Path partial, int line, String field) throws IOException {
        try {
            int n = Integer.parseInt(field);
            if (n >= 1 && n <= LatencyTableBuilder.Settings.MAX_RUNS) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IOException(partial + ":" + line + ": runs '" + field + "' must be a whole number in [1, "
                + LatencyTableBuilder.Settings.MAX_RUNS + "]; delete the file to measure again");
    }
}
