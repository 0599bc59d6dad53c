package org.compofa.train;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.compofa.report.AtomicFiles;

/**
 * An append-only CSV log (one row per epoch or step) that survives restarts.
 *
 * <p>A new file gets the header first; an existing one must have the same header and is appended to
 * without writing it again. A last row without its newline (a crash mid-write) is cut off, with a
 * warning, before appending. Every row is flushed as it is written. Fields are quoted per RFC 4180
 * when they hold a comma, quote or line break; numbers use {@code String.valueOf} (locale-free,
 * exact for doubles); {@code null} is an empty field; lines end with {@code \n}.
 */
public final class CsvLog implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CsvLog.class.getName());

    private final Path file;
    private final List<String> columns;
    private final Writer writer;

    private CsvLog(Path file, List<String> columns, Writer writer) {
        this.file = file;
        this.columns = columns;
        this.writer = writer;
    }

    /**
     * Opens {@code file} for appending rows of {@code columns}, creating it with the header if it is
     * absent or empty.
     *
     * @param file the CSV file
     * @param columns column names, in order
     * @return the open log
     * @throws IOException if the file exists with another header, or on I/O failure
     */
    public static CsvLog open(Path file, List<String> columns) throws IOException {
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("a CSV log needs at least one column");
        }
        List<String> cols = List.copyOf(columns);
        for (String c : cols) {
            if (c.isEmpty() || c.indexOf('\n') >= 0 || c.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("CSV column name '" + c + "' must be non-empty, on one line");
            }
        }
        String header = line(cols);
        boolean writeHeader = true;
        if (Files.exists(file)) {
            dropPartialLastLine(file);
            if (Files.size(file) > 0) {
                String existing;
                try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    existing = r.readLine();
                }
                if (!header.equals(existing)) {
                    throw new IOException("CSV log " + file + " has header '" + existing + "', expected '" + header
                            + "': use another file or the same columns");
                }
                writeHeader = false;
            }
        } else if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        CsvLog log = new CsvLog(file, cols, w);
        if (writeHeader) {
            log.writeLine(header);
        }
        return log;
    }

    /**
     * Opens the log of a run that resumes after step {@code lastStep}: rows whose {@code stepColumn}
     * is above it were written after the checkpoint the run resumes from and are about to be written
     * again, so they are dropped first (the file is rewritten atomically) and no row appears twice.
     * Otherwise as {@link #open}.
     *
     * @param file the CSV file
     * @param columns column names, in order
     * @param stepColumn name of the column holding the global step
     * @param lastStep global step of the checkpoint the run resumes from
     * @return the open log
     * @throws IOException if the file has another header or a row whose step is not a whole number
     */
    public static CsvLog openResumed(Path file, List<String> columns, String stepColumn, long lastStep)
            throws IOException {
        int key = columns.indexOf(stepColumn);
        if (key < 0) {
            throw new IllegalArgumentException("step column '" + stepColumn + "' is not one of " + columns);
        }
        if (Files.exists(file)) {
            dropPartialLastLine(file);
            dropRowsAfter(file, line(List.copyOf(columns)), key, lastStep);
        }
        return open(file, columns);
    }

    private static void dropRowsAfter(Path file, String header, int key, long lastStep) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        List<CsvRecords.Record> records = CsvRecords.parse(text);
        if (records.isEmpty() || !records.getFirst().raw().equals(header + "\n")) {
            return; // empty, or another header: open() refuses it with the right message
        }
        StringBuilder kept = new StringBuilder(text.length());
        int dropped = 0;
        for (int i = 0; i < records.size(); i++) {
            CsvRecords.Record r = records.get(i);
            if (i > 0) {
                long step;
                try {
                    step = Long.parseLong(r.fields().get(key));
                } catch (NumberFormatException | IndexOutOfBoundsException e) {
                    throw new IOException("CSV log " + file + ": record " + (i + 1) + " '" + r.raw().strip()
                            + "' has no whole-number step in column " + (key + 1) + "; fix or move the file", e);
                }
                if (step > lastStep) {
                    dropped++;
                    continue;
                }
            }
            kept.append(r.raw());
        }
        if (dropped > 0) {
            LOG.log(Level.INFO, "CSV log {0}: dropping {1} rows after step {2}: the resumed run writes them again",
                    file, dropped, lastStep);
            AtomicFiles.write(file, kept);
        }
    }

    /** Cuts the file after its last newline if it does not end with one. */
    private static void dropPartialLastLine(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            ByteBuffer buf = ByteBuffer.allocate(4096);
            long keep = 0;
            for (long end = size; end > 0 && keep == 0; ) {
                long start = Math.max(0, end - buf.capacity());
                buf.clear().limit((int) (end - start));
                while (buf.hasRemaining() && ch.read(buf, start + buf.position()) >= 0) {
                    // fill the window
                }
                for (int i = (int) (end - start) - 1; i >= 0; i--) {
                    if (buf.get(i) == '\n') {
                        keep = start + i + 1;
                        break;
                    }
                }
                end = start;
            }
            if (keep < size) {
                LOG.log(Level.WARNING, "CSV log {0}: dropping {1} bytes of an unfinished last line", file, size - keep);
                ch.truncate(keep);
            }
        }
    }

    /**
     * Appends one row of exactly {@link #columns()}.size() values and flushes it.
     *
     * @param values one value per column, in column order
     * @throws IOException on I/O failure
     */
    public void append(Object... values) throws IOException {
        append(Arrays.asList(values));
    }

    /**
     * Appends one row of exactly {@link #columns()}.size() values and flushes it.
     *
     * @param values one value per column, in column order
     * @throws IOException on I/O failure
     */
    public void append(List<?> values) throws IOException {
        if (values.size() != columns.size()) {
            throw new IllegalArgumentException("CSV row has " + values.size() + " values, the log has "
                    + columns.size() + " columns " + columns);
        }
        writeLine(line(values));
    }

    private void writeLine(String line) throws IOException {
        writer.write(line);
        writer.write('\n');
        writer.flush();
    }

    private static String line(List<?> values) {
        return values.stream().map(v -> escape(v == null ? "" : String.valueOf(v))).collect(Collectors.joining(","));
    }

    /** The field as RFC 4180 writes it: quoted, quotes doubled, when it holds {@code , " \r \n}. */
    static String escape(String field) {
        if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0 && field.indexOf('\r') < 0) {
            return field;
        }
        return '"' + field.replace("\"", "\"\"") + '"';
    }

    /**
     * The log's file.
     *
     * @return the log's file
     */
    public Path file() {
        return file;
    }

    /**
     * The column names.
     *
     * @return the column names, in order
     */
    public List<String> columns() {
        return columns;
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }
}
