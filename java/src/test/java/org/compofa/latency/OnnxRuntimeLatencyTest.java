package org.compofa.latency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.compofa.nn.Network;
import org.compofa.nn.NetworkSpec;
import org.compofa.ops.KernelTransform;
import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.space.ResolutionSet;
import org.compofa.space.SearchSpace;
import org.compofa.space.SearchSpaces;
import org.compofa.space.Subnet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ONNX Runtime as a latency platform: stats of exported subnets, argument checks, tables, the comparison. */
class OnnxRuntimeLatencyTest {
    private static final SearchSpace COMPOFA = SearchSpaces.compOfa(1.0, ResolutionSet.of(9));

    private static Network tinyNet(ComputeContext ctx) {
        return new Network(ctx, NetworkSpec.supernet(LatencyTableTest.tiny(), 4, KernelTransform.NONE), 3);
    }

    @Test
    void ortStatsOfRandomSubnetsCountEveryRepeatAndArePositive() {
        SplittableRandom rnd = new SplittableRandom(17);
        try (ComputeContext ctx = ComputeContext.open(Backend.CPU); Network net = tinyNet(ctx);
             OnnxRuntimeLatency ort = new OnnxRuntimeLatency(net, 3, 1, 7, 1)) {
            for (int trial = 0; trial < 3; trial++) {
                Subnet s = COMPOFA.sample(rnd, 9);
                LatencyStats st = ort.measure(s);
                assertEquals(7, st.samples() + st.outliers(), s.id() + ": every timed run is summarised");
                assertTrue(st.minMs() > 0 && st.medianMs() >= st.minMs() && st.maxMs() >= st.medianMs(), st.toString());
                // Measuring the same subnet again reuses the session and still times every run.
                LatencyStats again = ort.measure(s);
                assertEquals(7, again.samples() + again.outliers());
            }
        }
    }

    @Test
    void badArgumentsAreRefusedWithWhatIsAllowed() {
        try (ComputeContext ctx = ComputeContext.open(Backend.CPU); Network net = tinyNet(ctx)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new OnnxRuntimeLatency(net, 0, 1, 3, 0));
            assertTrue(e.getMessage().contains("batch 0 >= 1"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> new OnnxRuntimeLatency(net, 1, 1, 0, 0));
            assertTrue(e.getMessage().contains("repeats 0 >= 1"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> new OnnxRuntimeLatency(net, 1, -1, 3, 0));
            assertThrows(IllegalArgumentException.class, () -> new OnnxRuntimeLatency(net, 1, 1, 3, -2));
            assertThrows(NullPointerException.class, () -> new OnnxRuntimeLatency(null, 1, 1, 3, 0));
            OnnxRuntimeLatency closed = new OnnxRuntimeLatency(net, 1, 0, 1, 0);
            closed.close();
            assertThrows(IllegalStateException.class, () -> closed.measure(COMPOFA.smallest(9)));
        }
    }

    @Test
    void platformNamesTheBatchRuntimeVersionAndThreads() {
        Platform p = OnnxRuntimeLatency.platform(64, 2);
        assertEquals("ort-cpu-b64", p.name());
        assertEquals(64, p.batch());
        assertEquals(2, p.threads());
        assertTrue(p.software().startsWith("ONNX Runtime " + OnnxRuntimeLatency.version() + " CPU EP"), p.software());
        assertTrue(p.software().endsWith("threads 2"), p.software());
        assertTrue(OnnxRuntimeLatency.platform(1, 0).software().endsWith("threads default"));
    }

    @Test
    void tableBuiltWithTheOrtTimerRoundTrips(@TempDir Path dir) throws IOException {
        // 32 subnets (depth 2 or 3 per stage, one expand and kernel) keep the export count small.
        SearchSpace space = SearchSpaces.ofaMbv3(List.of(2, 3), List.of(4), List.of(5), 1.0, ResolutionSet.of(11));
        Platform platform = OnnxRuntimeLatency.platform(2, 1);
        try (ComputeContext ctx = ComputeContext.open(Backend.CPU); Network net = tinyNet(ctx);
             OnnxRuntimeLatency ort = new OnnxRuntimeLatency(net, 2, 0, 2, 1)) {
            LatencyTable t = LatencyTableBuilder.build(ort, space, List.of(11), platform, dir.resolve("p.csv"),
                    new PrintStream(new ByteArrayOutputStream()));
            assertEquals(space.enumerate(11), t.subnets());
            t.entries().values().forEach(st -> assertEquals(2, st.samples() + st.outliers()));
            t.write(dir.resolve(platform.name()));
            LatencyTable back = LatencyTable.read(dir.resolve(platform.name() + ".csv"), space);
            assertEquals(t.entries(), back.entries());
            assertEquals(platform, back.platform());
            assertEquals(32, Files.readAllLines(dir.resolve("p.csv")).size(), "every entry was appended once");
        }
    }

    @Test
    void comparisonTimesBothEnginesForEverySubnetAndBatch(@TempDir Path dir) {
        try (ComputeContext ctx = ComputeContext.open(Backend.CPU); Network net = tinyNet(ctx)) {
            List<Subnet> subnets = OrtComparison.subnets(COMPOFA, 9, 1, 5);
            assertEquals(List.of(COMPOFA.largest(9), COMPOFA.smallest(9)), subnets.subList(0, 2));
            assertTrue(COMPOFA.contains(subnets.get(2)));
            List<OrtComparison.Row> rows = OrtComparison.compare(net, subnets, List.of(1, 3),
                    new OrtComparison.Settings(0, 2, 3, 1));
            assertEquals(6, rows.size());
            for (OrtComparison.Row r : rows) {
                assertEquals(3, r.ours().size());
                assertEquals(3, r.ort().size());
                double[] ours = r.ours().stream().mapToDouble(LatencyStats::medianMs).sorted().toArray();
                assertEquals(ours[1], r.oursMs(), 0, "median of three round medians");
                assertEquals(r.oursMs() / r.ortMs(), r.ratio(), 1e-12);
            }
            String csv = OrtComparison.csv(rows, java.util.Map.of("cpu", "test"));
            assertEquals(2 + 1 + 6, csv.lines().count(), "magic, one meta line, header, six rows");
            assertTrue(csv.contains("\n" + subnets.get(1).id() + ",9,3,"), csv);
        }
    }

    @Test
    void comparisonRefusesBadArgumentsWithExitCodeTwo() {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        assertEquals(2, OrtComparison.run(quiet));
        assertEquals(2, OrtComparison.run(quiet, "out.csv", "--repeats"));
        assertEquals(2, OrtComparison.run(quiet, "out.csv", "--repeats", "0"));
        assertEquals(2, OrtComparison.run(quiet, "out.csv", "--batches", "1,x"));
        assertThrows(IllegalArgumentException.class, () -> new OrtComparison.Settings(0, 1, 0, 1));
    }
}
