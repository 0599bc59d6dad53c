package org.compofa.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.compofa.space.ResolutionSet;
import org.compofa.space.SearchSpace;
import org.compofa.space.SearchSpaces;
import org.compofa.space.Subnet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Accuracy tables checked against the space they claim: complete at every declared resolution, the
 * declared row count, no duplicate or unknown subnet, finite top-1 in [0, 100]; each error names the
 * file, the line where there is one, and the rule. Pure Java.
 */
class AccuracyTableTest {
    private static final SearchSpace SPACE = SearchSpaces.compOfa(1.0, new ResolutionSet(8, 10, 2));

    @TempDir
    Path dir;

    private static AccuracyTable table(SplittableRandom rnd, SearchSpace space, List<Subnet> subnets) {
        Map<Subnet, Double> m = new LinkedHashMap<>();
        subnets.forEach(s -> m.put(s, 100 * rnd.nextDouble()));
        return new AccuracyTable(space.id(), "synthetic", m);
    }

    /** The written lines of a complete two-resolution table, and the index of its first row. */
    private List<String> writtenLines(long seed) throws IOException {
        Path f = dir.resolve("full.csv");
        table(new SplittableRandom(seed), SPACE, SPACE.enumerate()).write(f);
        return new ArrayList<>(Files.readAllLines(f));
    }

    private static int firstRow(List<String> lines) {
        return lines.indexOf("subnet,resolution,top1") + 1;
    }

    private IOException refused(String name, List<String> lines, SearchSpace space) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, lines);
        IOException e = assertThrows(IOException.class, () -> AccuracyTable.read(f, space));
        assertTrue(e.getMessage().startsWith(f.toString()), "names the file: " + e.getMessage());
        return e;
    }

    private static void setMeta(List<String> lines, String key, String value) {
        int i = lines.indexOf(lines.stream().filter(l -> l.startsWith("# " + key + "=")).findFirst().orElseThrow());
        if (value == null) {
            lines.remove(i);
        } else {
            lines.set(i, "# " + key + "=" + value);
        }
    }

    @Test
    void completeTableRoundTrips() throws IOException {
        AccuracyTable t = table(new SplittableRandom(5), SPACE, SPACE.enumerate());
        t.write(dir.resolve("a.csv"));
        AccuracyTable back = AccuracyTable.read(dir.resolve("a.csv"), SPACE);
        assertEquals(List.copyOf(t.top1().entrySet()), List.copyOf(back.top1().entrySet()));
        assertEquals("synthetic", back.dataset());
        assertTrue(Files.readString(dir.resolve("a.csv")).contains("# resolutions=8,10\n# subnets=486\n"));
    }

    @Test
    void rowsMissingAreRefusedByCountAndByCoverage() throws IOException {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int trial = 0; trial < 7; trial++) {
            List<String> lines = writtenLines(trial);
            int first = firstRow(lines);
            int remove = 1 + 2 * trial; // 1, 3, ..., 13 rows
            for (int k = 0; k < remove; k++) {
                lines.remove(first + rnd.nextInt(lines.size() - first));
            }
            String e = refused("count.csv", lines, SPACE).getMessage();
            assertTrue(e.contains("'subnets' declares 486 rows, the table has " + (486 - remove)), e);
            setMeta(lines, "subnets", Integer.toString(486 - remove));
            e = refused("fixed.csv", lines, SPACE).getMessage();
            assertTrue(e.contains("incomplete table") && e.contains("missing"), e);
            setMeta(lines, "subnets", null);
            e = refused("nocount.csv", lines, SPACE).getMessage();
            assertTrue(e.contains("incomplete table"), e);
        }
    }

    @Test
    void aWholeDeclaredResolutionMissingIsRefused() throws IOException {
        List<String> lines = writtenLines(3);
        lines.removeIf(l -> l.contains("-r10,"));
        setMeta(lines, "subnets", "243");
        String e = refused("r8only.csv", lines, SPACE).getMessage();
        assertTrue(e.contains("243 of the 243 subnets") && e.contains("at resolution 10"), e);
        // A table that predates the resolutions line claims every resolution of its space.
        setMeta(lines, "resolutions", null);
        e = refused("old.csv", lines, SPACE).getMessage();
        assertTrue(e.contains("at resolution 10"), e);
        // Declaring only r8 makes the same rows a complete table of r8.
        lines.add(1, "# resolutions=8");
        AccuracyTable back = AccuracyTable.read(write("r8.csv", lines), SPACE);
        assertEquals(243, back.top1().size());
        assertTrue(back.top1().keySet().stream().allMatch(s -> s.resolution() == 8));
    }

    @Test
    void aTableOfOneResolutionDeclaresIt() throws IOException {
        table(new SplittableRandom(2), SPACE, SPACE.enumerate(10)).write(dir.resolve("r10.csv"));
        assertTrue(Files.readString(dir.resolve("r10.csv")).contains("# resolutions=10\n"));
        assertEquals(243, AccuracyTable.read(dir.resolve("r10.csv"), SPACE).top1().size());
    }

    @Test
    void badRowsNameTheLineAndTheRule() throws IOException {
        SplittableRandom rnd = new SplittableRandom(23);
        String[][] cases = {
            {"NaN", "must be finite and in [0, 100]"},
            {"Infinity", "must be finite and in [0, 100]"},
            {"1e309", "must be finite and in [0, 100]"},
            {"-0.5", "must be finite and in [0, 100]"},
            {"100.25", "must be finite and in [0, 100]"},
            {"abc", "bad number"},
        };
        for (String[] c : cases) {
            List<String> lines = writtenLines(7);
            int at = firstRow(lines) + rnd.nextInt(lines.size() - firstRow(lines));
            String row = lines.get(at);
            lines.set(at, row.substring(0, row.lastIndexOf(',') + 1) + c[0]);
            String e = refused("bad.csv", lines, SPACE).getMessage();
            assertTrue(e.contains("bad.csv:" + (at + 1) + ": ") && e.contains(c[1]), c[0] + ": " + e);
        }
        List<String> lines = writtenLines(7);
        int first = firstRow(lines);
        int a = first + 17;
        int b = first + 301;
        lines.set(b, lines.get(a)); // a duplicate, the row count unchanged
        String e = refused("dup.csv", lines, SPACE).getMessage();
        assertTrue(e.contains("dup.csv:" + (b + 1) + ": ") && e.contains("appears twice"), e);

        lines = writtenLines(7);
        String row = lines.get(first + 5);
        lines.set(first + 5, "d99999-k0-e0-r8" + row.substring(row.indexOf(',')));
        e = refused("unknown.csv", lines, SPACE).getMessage();
        assertTrue(e.contains("unknown.csv:" + (first + 6) + ": unknown subnet"), e);

        lines = writtenLines(7);
        row = lines.get(first + 9);
        String[] f = row.split(",");
        lines.set(first + 9, f[0] + "," + (Integer.parseInt(f[1]) == 8 ? 10 : 8) + "," + f[2]);
        e = refused("res.csv", lines, SPACE).getMessage();
        assertTrue(e.contains("res.csv:" + (first + 10) + ": resolution column"), e);

        lines = writtenLines(7);
        setMeta(lines, "resolutions", "8,12");
        e = refused("meta.csv", lines, SPACE).getMessage();
        assertTrue(e.contains("'resolutions'") && e.contains("12 is not one of"), e);
    }

    @Test
    void aSampleOfASpaceTooLargeToListIsCheckedByItsCount() throws IOException {
        SearchSpace ofa = SearchSpaces.ofaMbv3(1.0);
        SplittableRandom rnd = new SplittableRandom(31);
        Set<Subnet> picked = new LinkedHashSet<>();
        while (picked.size() < 37) {
            picked.add(ofa.sample(rnd));
        }
        Path f = dir.resolve("sample.csv");
        table(rnd, ofa, List.copyOf(picked)).write(f);
        assertEquals(37, AccuracyTable.read(f, ofa).top1().size());
        List<String> lines = new ArrayList<>(Files.readAllLines(f));
        lines.remove(firstRow(lines) + 20);
        String e = refused("lost.csv", lines, ofa).getMessage();
        assertTrue(e.contains("declares 37 rows, the table has 36"), e);
    }

    @Test
    void theConstructorRefusesWhatReadWouldRefuse() {
        Subnet s = SPACE.largest(8);
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, -1e-9, 100.0001}) {
            assertThrows(IllegalArgumentException.class, () -> new AccuracyTable(SPACE.id(), "d", Map.of(s, bad)));
        }
        assertEquals(1, new AccuracyTable(SPACE.id(), "d", Map.of(s, 100.0)).top1().size());
    }

    private Path write(String name, List<String> lines) throws IOException {
        return Files.write(dir.resolve(name), lines);
    }
}
