package org.compofa.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.compofa.data.FashionMnist;
import org.compofa.latency.LatencyTable;
import org.compofa.search.AccuracyTable;
import org.compofa.space.ResolutionSet;
import org.compofa.space.SearchSpace;
import org.compofa.space.SearchSpaces;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The post-training commands end to end on a tiny run (w0.25, 28 px only, a few hundred images):
 * each step reads the previous step's saved artifacts, as a user rerunning one step would.
 */
class PipelineCommandsTest {
    @Test
    void trainLatencyEvaluateSearchExportChainThroughSavedArtifacts(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIRECTORY), "Fashion-MNIST not installed");
        String run = dir.resolve("run").toString();
        List<String> common = List.of("--width", "0.25", "--resolutions", "28", "--batch", "32", "--test-limit",
                "100", "--backend", "cpu");
        assertEquals(0, Main.run(args("train", "recipe", "--out", run, "--train-limit", "256", "--teacher-epochs", "1",
                "--compound-epochs", "2", common)));
        assertTrue(Files.exists(Path.of(run, "summary.json")));
        assertEquals(0, Main.run(args("latency", "--run", run, "--batches", "1", "--warmup", "0", "--repeats", "2",
                "--engine", "both", "--lut", "yes", common)));
        assertEquals(243, LatencyTable.read(Path.of(run, "latency/ort-cpu-b1.csv"),
                SearchSpaces.compOfa(0.25, ResolutionSet.of(28))).entries().size());
        assertTrue(Files.readString(Path.of(run, "latency/blocks/cpu-b1-error.txt")).contains("243 subnets"));
        assertTrue(Files.exists(Path.of(run, "latency/blocks/cpu-b1.csv")));
        rerunsResumeAndForceMeasuresAgain(Path.of(run), common);
        assertEquals(0, Main.run(args("evaluate", "--run", run, "--recal-images", "64", "--train-limit", "256",
                common)));
        SearchSpace space = SearchSpaces.compOfa(0.25, ResolutionSet.of(28));
        assertEquals(2, Main.run(args("search", "--run", run, "--backend", "cpu")), "search has no backend");
        assertEquals(243, AccuracyTable.read(Path.of(run, "evaluation/accuracy.csv"), space).top1().size());
        assertEquals(243, LatencyTable.read(Path.of(run, "latency/cpu-b1.csv"), space).entries().size());
        List<String> space28 = List.of("--width", "0.25", "--resolutions", "28");
        assertEquals(0, Main.run(args("search", "--run", run, "--budgets", "3", space28)));
        assertEquals(7, Files.readAllLines(Path.of(run, "search/best.csv")).size(), "header + 3 budgets x 2 platforms");
        assertTrue(Files.size(Path.of(run, "search/pareto.png")) > 1000);
        assertTrue(Files.size(Path.of(run, "evaluation/accuracy-cdf.png")) > 1000);
        assertEquals(0, Main.run(args("export", "--run", run, "--subnet", "smallest", "--out", dir.resolve("m")
                .toString(), common)));
        assertTrue(Files.size(dir.resolve("m.onnx")) > 1000);
        assertTrue(Files.size(dir.resolve("m.cmpf")) > 1000);
        assertEquals(1, Main.run(args("search", "--run", dir.resolve("nothing").toString(), space28)),
                "a run without tables is an error, not a crash");
    }

    /**
     * A rerun keeps the quiet entries of the existing table; {@code --force} measures them again. A planted
     * quiet row (777 ms, spread 0: no real measurement of these nets) tells which happened, with no timing.
     */
    private static void rerunsResumeAndForceMeasuresAgain(Path run, List<String> common) throws Exception {
        Path table = run.resolve("latency/cpu-b1.csv");
        List<String> rows = new java.util.ArrayList<>(Files.readAllLines(table));
        int first = rows.indexOf(rows.stream().filter(l -> l.startsWith("subnet,")).findFirst().orElseThrow()) + 1;
        String[] f = rows.get(first).split(",", -1);
        for (int i = 2; i <= 6; i++) {
            f[i] = "777.0";
        }
        f[9] = "0.00";
        rows.set(first, String.join(",", f));
        Files.write(table, rows);
        SearchSpace space = SearchSpaces.compOfa(0.25, ResolutionSet.of(28));
        String[] latency = args("latency", "--run", run.toString(), "--batches", "1", "--warmup", "0", "--repeats",
                "2", common);
        assertEquals(0, Main.run(latency));
        LatencyTable resumed = LatencyTable.read(run.resolve("latency/cpu-b1.csv"), space);
        assertEquals(1, resumed.entries().values().stream().filter(s -> s.medianMs() == 777.0).count(), "resumed");
        assertEquals(0, Main.run(args(latency, "--force")));
        LatencyTable forced = LatencyTable.read(run.resolve("latency/cpu-b1.csv"), space);
        assertEquals(243, forced.entries().size());
        assertEquals(0, forced.entries().values().stream().filter(s -> s.medianMs() == 777.0).count(), "measured");
    }

    private static String[] args(Object... parts) {
        List<String> out = new java.util.ArrayList<>();
        for (Object p : parts) {
            if (p instanceof List<?> l) {
                l.forEach(x -> out.add((String) x));
            } else if (p instanceof String[] a) {
                out.addAll(List.of(a));
            } else {
                out.add((String) p);
            }
        }
        return out.toArray(String[]::new);
    }
}
