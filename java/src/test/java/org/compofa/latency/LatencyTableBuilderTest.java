package org.compofa.latency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
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
 * Noise detection and bounded re-measuring of the table builder, with a scripted timer (no clock):
 * each subnet's timing runs return scripted durations, so which entries are noisy is fixed.
 */
class LatencyTableBuilderTest {
    private static final SearchSpace SPACE = SearchSpaces.compOfa(1.0, new ResolutionSet(8, 10, 2));
    private static final Platform PLATFORM = new Platform("cpu-b16", "test cpu", "compofa test", 16, 2);
    private static final List<Subnet> R8 = SPACE.enumerate(8);
    /** Spread (p90 - p10) / median: 42.9 %, 61.9 % and 33.3 %: all above the default 25 %. */
    private static final double[] NOISY_A = {8, 10, 12, 14, 9, 11};
    private static final double[] NOISY_B = {6, 10, 13, 14, 8, 11};
    private static final double[] NOISY_C = {9, 10, 12, 13, 9, 11};

    /** Scripted durations per subnet: the queued runs first, then a quiet run around its base time. */
    private static final class ScriptedTimer implements SubnetTimer {
        final Map<Subnet, Deque<double[]>> script = new HashMap<>();
        final Map<Subnet, Integer> calls = new HashMap<>();
        final Map<Subnet, Double> base = new HashMap<>();

        ScriptedTimer() {
            SplittableRandom rnd = new SplittableRandom(17);
            for (Subnet s : SPACE.enumerate()) {
                base.put(s, 1 + 40 * rnd.nextDouble());
            }
        }

        ScriptedTimer then(Subnet s, double[]... runs) {
            script.computeIfAbsent(s, k -> new ArrayDeque<>()).addAll(List.of(runs));
            return this;
        }

        @Override
        public LatencyStats measure(Subnet s) {
            calls.merge(s, 1, Integer::sum);
            Deque<double[]> q = script.get(s);
            if (q != null && !q.isEmpty()) {
                return LatencyStats.of(q.poll());
            }
            double b = base.get(s);
            return LatencyStats.of(new double[] {b, b * 1.01, b * 0.99, b * 1.005, b * 0.995});
        }

        int calls(Subnet s) {
            return calls.getOrDefault(s, 0);
        }

        int totalCalls() {
            return calls.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    @Test
    void scriptedRunsAreNoisyAsClaimed() {
        LatencyTableBuilder.Settings d = LatencyTableBuilder.Settings.DEFAULT;
        for (double[] runs : List.of(NOISY_A, NOISY_B, NOISY_C)) {
            assertTrue(d.noisy(LatencyStats.of(runs)), "spread " + LatencyStats.of(runs).spreadPercent());
        }
        assertFalse(d.noisy(new ScriptedTimer().measure(R8.get(0))));
        assertTrue(LatencyStats.of(NOISY_C).spreadPercent() < LatencyStats.of(NOISY_A).spreadPercent());
        assertThrows(IllegalArgumentException.class, () -> new LatencyTableBuilder.Settings(false, 0, 3));
        assertThrows(IllegalArgumentException.class, () -> new LatencyTableBuilder.Settings(false, 25, 0));
        assertThrows(IllegalArgumentException.class, () -> new LatencyTableBuilder.Settings(false, 25, 11));
    }

    @Test
    void noisyEntriesAreMeasuredAgainAtMostMaxRunsTimesKeepingTheLeastSpread(@TempDir Path dir) throws IOException {
        Subnet settles = R8.get(5);
        Subnet staysNoisy = R8.get(200);
        ScriptedTimer timer = new ScriptedTimer().then(settles, NOISY_A)
                .then(staysNoisy, NOISY_A, NOISY_C, NOISY_B, NOISY_B); // a 4th run would be quiet
        LatencyTableBuilder.Result r = LatencyTableBuilder.build(timer, SPACE, List.of(8), PLATFORM,
                dir.resolve("t.partial.csv"), LatencyTableBuilder.Settings.DEFAULT, out);

        assertEquals(243, r.table().entries().size());
        assertEquals(2, timer.calls(settles), "noisy once, quiet the second time");
        assertEquals(3, timer.calls(staysNoisy), "bounded by maxRuns = 3");
        assertEquals(243 + 1 + 2, timer.totalCalls(), "every other entry timed once");
        assertEquals(LatencyStats.of(NOISY_C), r.table().entries().get(staysNoisy), "least spread of the 3 kept");
        assertFalse(LatencyTableBuilder.Settings.DEFAULT.noisy(r.table().entries().get(settles)));

        NoiseReport n = r.noise();
        assertEquals(List.of(settles, staysNoisy), n.noisy().stream().map(NoiseReport.NoisyEntry::subnet).toList());
        assertEquals(List.of(staysNoisy), n.stillNoisy().stream().map(NoiseReport.NoisyEntry::subnet).toList());
        NoiseReport.NoisyEntry worst = n.stillNoisy().getFirst();
        assertEquals(3, worst.runs());
        assertEquals(List.of(LatencyStats.of(NOISY_A).spreadPercent(), LatencyStats.of(NOISY_C).spreadPercent(),
                LatencyStats.of(NOISY_B).spreadPercent()), worst.spreadsPercent());
        String warning = printed.toString(StandardCharsets.UTF_8);
        assertTrue(warning.contains("warning: latency cpu-b16: 2 of 243 entries were noisy (spread > 25 %)"),
                warning);
        assertTrue(warning.contains("1 still are (worst " + staysNoisy.id() + ": 33 %"), warning);
        assertTrue(n.text().contains("\n" + staysNoisy.id() + ",8,3,42.86;33.33;61.90,33.33,"), n.text());

        LatencyTableBuilder.Settings once = new LatencyTableBuilder.Settings(false, 25, 1);
        ScriptedTimer t1 = new ScriptedTimer().then(settles, NOISY_A);
        LatencyTableBuilder.build(t1, SPACE, List.of(8), PLATFORM, dir.resolve("u.partial.csv"), once, out);
        assertEquals(1, t1.calls(settles), "maxRuns 1: no re-measuring");
    }

    @Test
    void aResumedBuildKeepsDecidedRowsAndFinishesUndecidedNoisyOnes(@TempDir Path dir) throws IOException {
        Path partial = dir.resolve("t.partial.csv");
        Subnet decided = R8.get(1);
        Subnet oldRow = R8.get(2);
        // A killed build: one noisy entry already at maxRuns (runs field 3), one noisy row of the
        // format without the runs field (counts as 1 run), a quiet row, and a row cut by the kill.
        Files.writeString(partial, LatencyTable.row(decided, LatencyStats.of(NOISY_B)) + ",3\n"
                + LatencyTable.row(oldRow, LatencyStats.of(NOISY_A)) + "\n"
                + LatencyTable.row(R8.get(3), LatencyStats.of(new double[] {5})) + ",1\n"
                + R8.get(4).id() + ",8,4.");
        ScriptedTimer timer = new ScriptedTimer().then(oldRow, NOISY_B, NOISY_B);
        LatencyTableBuilder.Result r = LatencyTableBuilder.build(timer, SPACE, List.of(8), PLATFORM, partial,
                LatencyTableBuilder.Settings.DEFAULT, out);
        assertEquals(0, timer.calls(decided), "decided by the killed build");
        assertEquals(LatencyStats.of(NOISY_B), r.table().entries().get(decided));
        assertEquals(2, timer.calls(oldRow), "1 run before the kill + 2 = maxRuns");
        assertEquals(LatencyStats.of(NOISY_A), r.table().entries().get(oldRow), "its first run had the least spread");
        assertEquals(0, timer.calls(R8.get(3)));
        assertEquals(1, timer.calls(R8.get(4)), "the cut row is measured again");
        assertEquals(2, r.reused(), "the decided and the quiet row");
        assertEquals(List.of(decided, oldRow), r.noise().noisy().stream().map(NoiseReport.NoisyEntry::subnet).toList());
        // 3 rows kept + 241 decided here; the old row's newer row comes later and wins on reading.
        assertEquals(244, Files.readAllLines(partial).size());
        ScriptedTimer again = new ScriptedTimer();
        LatencyTableBuilder.Result r2 = LatencyTableBuilder.build(again, SPACE, List.of(8), PLATFORM, partial,
                LatencyTableBuilder.Settings.DEFAULT, out);
        assertEquals(0, again.totalCalls(), "everything decided, the old row's 3 runs included");
        assertEquals(r.table().entries(), r2.table().entries());

        Files.writeString(dir.resolve("bad.partial.csv"), LatencyTable.row(decided, LatencyStats.of(NOISY_B)) + ",0\n");
        IOException e = assertThrows(IOException.class, () -> LatencyTableBuilder.build(timer, SPACE, List.of(8),
                PLATFORM, dir.resolve("bad.partial.csv"), out));
        assertTrue(e.getMessage().contains("bad.partial.csv:1: runs '0' must be a whole number in [1, 10]"),
                e.getMessage());

        ScriptedTimer forced = new ScriptedTimer();
        LatencyTableBuilder.build(forced, SPACE, List.of(8), PLATFORM, partial,
                LatencyTableBuilder.Settings.DEFAULT.withForce(true), out);
        assertEquals(243, forced.totalCalls(), "force: the partial file is ignored");
    }

    @Test
    void aRerunKeepsTheQuietEntriesOfTheTableAndMeasuresTheNoisyOnesAgain(@TempDir Path dir) throws IOException {
        Path base = dir.resolve("latency/cpu-b16");
        Subnet noisy = R8.get(7);
        ScriptedTimer first = new ScriptedTimer().then(noisy, NOISY_B, NOISY_B, NOISY_A);
        LatencyTableBuilder.Result r1 = LatencyTableBuilder.buildFiles(first, SPACE, List.of(8), PLATFORM, base,
                LatencyTableBuilder.Settings.DEFAULT, out);
        assertFalse(Files.exists(LatencyTableBuilder.partialOf(base)), "the partial file is removed");
        assertEquals(r1.table().entries(), LatencyTable.read(Path.of(base + ".csv"), SPACE).entries());
        assertTrue(Files.exists(Path.of(base + ".json")));
        assertTrue(Files.readString(Path.of(base + ".noise.txt")).contains("# still_noisy=1\n"));

        // A leftover partial file of an older version next to the table: read and then removed.
        Files.writeString(LatencyTableBuilder.partialOf(base), LatencyTable.row(R8.get(9), LatencyStats.of(
                new double[] {2.5})) + "\n");
        ScriptedTimer rerun = new ScriptedTimer();
        LatencyTableBuilder.Result r2 = LatencyTableBuilder.buildFiles(rerun, SPACE, List.of(8), PLATFORM, base,
                LatencyTableBuilder.Settings.DEFAULT, out);
        assertEquals(1, rerun.totalCalls(), "only the noisy entry is measured again: " + rerun.calls);
        assertEquals(1, rerun.calls(noisy));
        assertFalse(LatencyTableBuilder.Settings.DEFAULT.noisy(r2.table().entries().get(noisy)));
        assertEquals(2.5, r2.table().medianMs(R8.get(9)), "the partial row is newer than the table");
        assertFalse(Files.exists(LatencyTableBuilder.partialOf(base)));
        assertTrue(Files.readString(Path.of(base + ".noise.txt")).contains("# still_noisy=0\n"));

        ScriptedTimer forced = new ScriptedTimer();
        LatencyTableBuilder.buildFiles(forced, SPACE, List.of(8), PLATFORM, base,
                LatencyTableBuilder.Settings.DEFAULT.withForce(true), out);
        assertEquals(243, forced.totalCalls(), "force measures every entry");

        ScriptedTimer otherMachine = new ScriptedTimer();
        Platform other = new Platform("cpu-b16", "another cpu", "compofa test", 16, 2);
        LatencyTableBuilder.Result r3 = LatencyTableBuilder.buildFiles(otherMachine, SPACE, List.of(8), other, base,
                LatencyTableBuilder.Settings.DEFAULT, out);
        assertEquals(243, otherMachine.totalCalls(), "a table of another platform is not reused");
        assertSame(other, r3.table().platform());
    }

    @Test
    void partialFilesLeftNextToANewerTableAreRemoved(@TempDir Path dir) throws IOException {
        FileTime old = FileTime.fromMillis(1_000_000_000_000L);
        FileTime newer = FileTime.fromMillis(1_000_000_100_000L);
        Path stale = dir.resolve("cpu-b64.partial.csv");
        Path killedRebuild = dir.resolve("cpu-b1.partial.csv");
        Path orphan = dir.resolve("ort-cpu-b1.partial.csv");
        for (Path p : List.of(stale, killedRebuild, orphan, dir.resolve("cpu-b64.csv"), dir.resolve("cpu-b1.csv"))) {
            Files.writeString(p, "x\n");
        }
        Files.setLastModifiedTime(stale, old);
        Files.setLastModifiedTime(dir.resolve("cpu-b64.csv"), newer);
        Files.setLastModifiedTime(dir.resolve("cpu-b1.csv"), old);
        Files.setLastModifiedTime(killedRebuild, newer);
        assertEquals(List.of(stale), LatencyTableBuilder.removeStalePartials(dir));
        assertFalse(Files.exists(stale));
        assertTrue(Files.exists(killedRebuild), "newer than its table: a killed rebuild, kept to resume");
        assertTrue(Files.exists(orphan), "no table yet: a killed first build, kept to resume");
        assertEquals(List.of(), LatencyTableBuilder.removeStalePartials(dir.resolve("absent")));
    }
}
