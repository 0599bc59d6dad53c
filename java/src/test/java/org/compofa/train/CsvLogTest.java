package org.compofa.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CSV log: header once across reopenings, flushed rows, RFC 4180 quoting, crash repair. Pure Java. */
class CsvLogTest {
    private static final List<String> COLUMNS = List.of("epoch", "step", "lr", "loss", "note");

    @TempDir
    Path dir;

    @Test
    void resumingAppendsWithoutRepeatingTheHeader() throws IOException {
        Path file = dir.resolve("logs/train.csv");
        try (CsvLog log = CsvLog.open(file, COLUMNS)) {
            log.append(0, 625L, 0.24, 2.5f, "warm-up");
            assertEquals(2, Files.readAllLines(file).size(), "each row is flushed as written");
            log.append(1, 1250L, 0.2399, 2.25, null);
        }
        try (CsvLog log = CsvLog.open(file, COLUMNS)) {
            log.append(List.of(2, 1875L, 0.1, 2.0, "resumed"));
        }
        assertEquals(List.of("epoch,step,lr,loss,note", "0,625,0.24,2.5,warm-up", "1,1250,0.2399,2.25,",
                "2,1875,0.1,2.0,resumed"), Files.readAllLines(file));
    }

    @Test
    void resumingDropsTheRowsAfterTheCheckpointStepSoNoneAppearsTwice() throws IOException {
        Path file = dir.resolve("resume/log.csv");
        List<String> cols = List.of("note", "step", "loss");
        try (CsvLog log = CsvLog.openResumed(file, cols, "step", 0)) { // a fresh run: nothing to drop
            log.append("a,\"b\"\nc", 20L, 2.5);
            log.append(null, 40L, 2.25);
            log.append("x", 60L, 2.0); // after the last checkpoint (step 50), then killed
        }
        Files.writeString(file, "y,8", StandardOpenOption.APPEND); // and a row cut by the kill
        try (CsvLog log = CsvLog.openResumed(file, cols, "step", 50)) {
            log.append("x", 60L, 2.0); // recomputed
        }
        assertEquals("note,step,loss\n\"a,\"\"b\"\"\nc\",20,2.5\n,40,2.25\nx,60,2.0\n", Files.readString(file));

        try (CsvLog log = CsvLog.openResumed(file, cols, "step", 0)) { // killed before the first checkpoint
            log.append("z", 20L, 9.0);
        }
        assertEquals(List.of("note,step,loss", "z,20,9.0"), Files.readAllLines(file));

        Files.writeString(file, "note,step,loss\nq,twelve,1\n");
        var e = assertThrows(IOException.class, () -> CsvLog.openResumed(file, cols, "step", 5));
        assertTrue(e.getMessage().contains("no whole-number step in column 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CsvLog.openResumed(file, cols, "epoch", 5));
    }

    @Test
    void fieldsAreQuotedWhenNeeded() throws IOException {
        Path file = dir.resolve("q.csv");
        try (CsvLog log = CsvLog.open(file, List.of("name", "value"))) {
            log.append("a,b", "say \"hi\"");
            log.append("two\nlines", 1e-30);
        }
        assertEquals("name,value\n\"a,b\",\"say \"\"hi\"\"\"\n\"two\nlines\",1.0E-30\n", Files.readString(file));
    }

    @Test
    void aDifferentHeaderIsRefused() throws IOException {
        Path file = dir.resolve("h.csv");
        CsvLog.open(file, COLUMNS).close();
        var e = assertThrows(IOException.class, () -> CsvLog.open(file, List.of("epoch", "top1")));
        assertTrue(e.getMessage().contains("has header 'epoch,step,lr,loss,note', expected 'epoch,top1'"),
                e.getMessage());
    }

    @Test
    void aRowCutByACrashIsDroppedBeforeAppending() throws IOException {
        Path file = dir.resolve("c.csv");
        try (CsvLog log = CsvLog.open(file, List.of("epoch", "loss"))) {
            log.append(0, 2.5);
        }
        Files.writeString(file, "1,2.", StandardOpenOption.APPEND);
        try (CsvLog log = CsvLog.open(file, List.of("epoch", "loss"))) {
            log.append(1, 2.25);
        }
        assertEquals(List.of("epoch,loss", "0,2.5", "1,2.25"), Files.readAllLines(file));

        Path headerOnly = dir.resolve("p.csv");
        Files.writeString(headerOnly, "epo");
        CsvLog.open(headerOnly, List.of("epoch")).close();
        assertEquals(List.of("epoch"), Files.readAllLines(headerOnly), "a cut header is rewritten");
    }

    @Test
    void rowsMustMatchTheColumns() throws IOException {
        try (CsvLog log = CsvLog.open(dir.resolve("n.csv"), COLUMNS)) {
            var e = assertThrows(IllegalArgumentException.class, () -> log.append(1, 2));
            assertTrue(e.getMessage().contains("2 values, the log has 5 columns"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> CsvLog.open(dir.resolve("m.csv"), List.of()));
        assertThrows(IllegalArgumentException.class, () -> CsvLog.open(dir.resolve("m.csv"), List.of("a\nb")));
    }
}
