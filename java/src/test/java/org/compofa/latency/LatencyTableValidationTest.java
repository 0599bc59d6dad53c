package org.compofa.latency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.compofa.space.ResolutionSet;
import org.compofa.space.SearchSpace;
import org.compofa.space.SearchSpaces;
import org.compofa.space.Subnet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Latency tables refuse rows that no measurement can give (infinite or negative times, percentiles
 * out of order, no samples, a spread that does not match) and tables with rows missing, naming the
 * file, the line and the rule; {@link LatencyStats#of} never produces stats those rules refuse.
 * Pure Java.
 */
class LatencyTableValidationTest {
    private static final SearchSpace SPACE = SearchSpaces.compOfa(1.0, new ResolutionSet(8, 10, 2));
    private static final Platform PLATFORM = new Platform("cpu-b1", "test cpu", "compofa test", 1, 2);
    /** Columns: subnet, resolution, median, min, p10, p90, max, samples, outliers, spread. */
    private static final int MEDIAN = 2;
    private static final int MIN = 3;
    private static final int P10 = 4;
    private static final int P90 = 5;
    private static final int MAX = 6;
    private static final int SAMPLES = 7;
    private static final int OUTLIERS = 8;
    private static final int SPREAD = 9;

    @TempDir
    Path dir;

    /** Seeded timings of odd counts per subnet, summarised as the measurer does. */
    private static LatencyTable table(SplittableRandom rnd, List<Subnet> subnets) {
        Map<Subnet, LatencyStats> m = new LinkedHashMap<>();
        for (Subnet s : subnets) {
            double[] ms = new double[1 + 2 * rnd.nextInt(6)];
            double base = 0.5 + 3 * rnd.nextDouble();
            for (int i = 0; i < ms.length; i++) {
                ms[i] = base * (1 + 0.1 * rnd.nextDouble());
            }
            m.put(s, LatencyStats.of(ms));
        }
        return new LatencyTable(SPACE.id(), PLATFORM, m);
    }

    private List<String> writtenLines(long seed) throws IOException {
        table(new SplittableRandom(seed), SPACE.enumerate()).write(dir.resolve("t"));
        return new ArrayList<>(Files.readAllLines(dir.resolve("t.csv")));
    }

    private static int firstRow(List<String> lines) {
        return lines.indexOf(String.join(",", LatencyTable.COLUMNS)) + 1;
    }

    private String refused(String name, List<String> lines) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, lines);
        IOException e = assertThrows(IOException.class, () -> LatencyTable.read(f, SPACE));
        assertTrue(e.getMessage().startsWith(f.toString()), "names the file: " + e.getMessage());
        return e.getMessage();
    }

    /** Row {@code at} with column {@code col} set to {@code value}. */
    private static void setField(List<String> lines, int at, int col, String value) {
        String[] f = lines.get(at).split(",", -1);
        f[col] = value;
        lines.set(at, String.join(",", f));
    }

    @Test
    void impossibleRowsNameTheLineAndTheRule() throws IOException {
        SplittableRandom rnd = new SplittableRandom(19);
        Object[][] cases = {
            {P90, "1e309", "p90_ms Infinity: must be finite"},
            {P10, "-1", "p10_ms -1.0 is below min_ms"},
            {MIN, "-0.25", "min_ms -0.25: must be >= 0"},
            {MEDIAN, "NaN", "median_ms NaN: must be finite"},
            {MAX, "Infinity", "max_ms Infinity: must be finite"},
            {MEDIAN, "0.0001", "is below p10_ms"},
            {MAX, "0", "max_ms 0.0 is below p90_ms"},
            {SAMPLES, "0", "samples 0: at least 1 timed run"},
            {SAMPLES, "-3", "samples -3: at least 1 timed run"},
            {OUTLIERS, "-1", "outliers -1: must be >= 0"},
            {SPREAD, "12345.67", "spread_pct 12345.67 differs"},
            {SAMPLES, "2.5", "bad number"},
        };
        for (Object[] c : cases) {
            List<String> lines = writtenLines(3);
            int at = firstRow(lines) + rnd.nextInt(lines.size() - firstRow(lines));
            setField(lines, at, (Integer) c[0], (String) c[1]);
            String e = refused("row.csv", lines);
            assertTrue(e.contains("row.csv:" + (at + 1) + ": ") && e.contains((String) c[2]), c[1] + ": " + e);
        }
    }

    @Test
    void rowsMissingOrRepeatedAreRefused() throws IOException {
        SplittableRandom rnd = new SplittableRandom(29);
        for (int trial = 0; trial < 5; trial++) {
            List<String> lines = writtenLines(trial);
            int first = firstRow(lines);
            int remove = 1 + 2 * trial;
            for (int k = 0; k < remove; k++) {
                lines.remove(first + rnd.nextInt(lines.size() - first));
            }
            String e = refused("count.csv", lines);
            assertTrue(e.contains("'subnets' declares 486 rows, the table has " + (486 - remove)), e);
            lines.set(lines.indexOf("# subnets=486"), "# subnets=" + (486 - remove));
            e = refused("cover.csv", lines);
            assertTrue(e.contains("incomplete table") && e.contains("missing"), e);
        }
        List<String> lines = writtenLines(9);
        int first = firstRow(lines);
        lines.set(first + 250, lines.get(first + 3));
        String e = refused("dup.csv", lines);
        assertTrue(e.contains("dup.csv:" + (first + 251) + ": ") && e.contains("appears twice"), e);

        lines = writtenLines(9);
        lines.removeIf(l -> l.contains("-r10,"));
        lines.set(lines.indexOf("# subnets=486"), "# subnets=243");
        e = refused("r10gone.csv", lines);
        assertTrue(e.contains("243 of the 243 subnets") && e.contains("resolution 10"), e);
        lines.set(lines.indexOf("# resolutions=8,10"), "# resolutions=8");
        assertEquals(243, LatencyTable.read(Files.write(dir.resolve("r8.csv"), lines), SPACE).entries().size());
        int header = firstRow(lines) - 1;
        lines.add(header, "# batch=4");
        e = refused("twice.csv", lines);
        assertTrue(e.contains("twice.csv:" + (header + 1) + ": metadata 'batch' appears twice"), e);
    }

    @Test
    void statsFromAnyTimingsPassTheRules() {
        SplittableRandom rnd = new SplittableRandom(37);
        for (int trial = 0; trial < 2001; trial++) {
            double[] ms = new double[1 + rnd.nextInt(101)];
            double scale = Math.pow(10, rnd.nextInt(12) - 6);
            for (int i = 0; i < ms.length; i++) {
                // Repeats, ties, a far-out value now and then: what a shared machine gives.
                ms[i] = rnd.nextInt(4) == 0 && i > 0 ? ms[rnd.nextInt(i)] : scale * (1 + rnd.nextDouble());
                if (rnd.nextInt(50) == 0) {
                    ms[i] *= 100;
                }
            }
            LatencyStats s = LatencyStats.of(ms);
            double[] sorted = ms.clone();
            Arrays.sort(sorted);
            assertTrue(s.minMs() >= sorted[0] && s.maxMs() <= sorted[sorted.length - 1], "within the timings");
            assertEquals(ms.length, s.samples() + s.outliers());
            assertEquals(null, LatencyStats.violation(s.medianMs(), s.minMs(), s.p10Ms(), s.p90Ms(), s.maxMs(),
                    s.samples(), s.outliers()));
        }
    }

    @Test
    void theConstructorRefusesOutOfOrderPercentiles() {
        assertThrows(IllegalArgumentException.class, () -> new LatencyStats(1, 0.5, 0.4, 1.5, 2, 3, 0));
        assertThrows(IllegalArgumentException.class, () -> new LatencyStats(1, 0.5, 0.6, 2.5, 2, 3, 0));
        assertThrows(IllegalArgumentException.class, () -> new LatencyStats(1, 0.5, 0.6, 1.5, 2, 3, -1));
        assertEquals(3, new LatencyStats(1, 0.5, 0.6, 1.5, 2, 3, 0).samples());
    }
}
