package org.compofa.latency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.compofa.nn.Network;
import org.compofa.nn.NetworkSpec;
import org.compofa.ops.KernelTransform;
import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.space.Activation;
import org.compofa.space.MobileNetV3Geometry;
import org.compofa.space.ResolutionSet;
import org.compofa.space.SearchSpace;
import org.compofa.space.SearchSpaces;
import org.compofa.space.StageSpec;
import org.compofa.space.StageTable;
import org.compofa.space.Subnet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Latency statistics, tables (round trip, bad files) and the resumable table builder. */
class LatencyTableTest {
    private static final SearchSpace SPACE = SearchSpaces.compOfa(1.0, new ResolutionSet(8, 10, 2));
    private static final Platform PLATFORM = new Platform("cpu-b1", "test cpu", "compofa test", 1, 2);

    static MobileNetV3Geometry tiny() {
        List<StageSpec> st = List.of(new StageSpec(8, 1, Activation.RELU, false),
                new StageSpec(8, 2, Activation.RELU, true), new StageSpec(8, 1, Activation.H_SWISH, false),
                new StageSpec(8, 1, Activation.H_SWISH, true), new StageSpec(8, 1, Activation.H_SWISH, true));
        return new MobileNetV3Geometry(new StageTable(8, 1, 8, st, 16, 16), 1, 3);
    }

    @Test
    void statsDropFarOutliersAndReportSpread() {
        double[] ms = {10, 10.5, 9.8, 10.2, 10.1, 9.9, 10.3, 250};
        LatencyStats s = LatencyStats.of(ms);
        assertEquals(1, s.outliers(), "the preempted 250 ms run is dropped");
        assertEquals(7, s.samples());
        assertEquals(10.1, s.medianMs(), 1e-9);
        assertEquals(9.8, s.minMs(), 1e-12);
        assertTrue(s.spreadPercent() > 0 && s.spreadPercent() < 10, "spread " + s.spreadPercent());
        assertThrows(IllegalArgumentException.class, () -> LatencyStats.of(new double[0]));
        assertThrows(IllegalArgumentException.class, () -> LatencyStats.of(new double[] {1, Double.NaN}));
    }

    private static LatencyTable syntheticTable() {
        Map<Subnet, LatencyStats> m = new LinkedHashMap<>();
        int i = 0;
        for (Subnet s : SPACE.enumerate()) {
            double v = 1 + (i++ % 17) * 0.25;
            m.put(s, LatencyStats.of(new double[] {v, v * 1.01, v * 0.99}));
        }
        return new LatencyTable(SPACE.id(), PLATFORM, m);
    }

    @Test
    void tablesRoundTripThroughCsvAndWriteJson(@TempDir Path dir) throws IOException {
        LatencyTable t = syntheticTable();
        t.write(dir.resolve("cpu"));
        LatencyTable back = LatencyTable.read(dir.resolve("cpu.csv"), SPACE);
        assertEquals(t.entries(), back.entries());
        assertEquals(PLATFORM, back.platform());
        assertTrue(Files.readString(dir.resolve("cpu.json")).contains("\"median_ms\""));
        Subnet first = t.subnets().getFirst();
        assertEquals(t.entries().get(first).medianMs(), back.medianMs(first));
    }

    @Test
    void jsonTwinKeepsQuotesBackslashesAndUnicodeAndWritesNumbersAsNumbers(@TempDir Path dir) throws IOException {
        String device = "CPU \"Xeon\" C:\\path \u00e9\u4e2d\u0001";
        Platform p = new Platform("cpu-q", device, "soft 'x' \\ \"y\"", 2, 3);
        LatencyTable t = new LatencyTable(SPACE.id(), p, syntheticTable().entries());
        t.write(dir.resolve("q"));
        Map<String, Object> json = JSON.std.mapFrom(Files.readString(dir.resolve("q.json")));
        assertEquals(device, json.get("device"));
        assertEquals(p.software(), json.get("software"));
        assertEquals(2, json.get("batch"));
        assertEquals(3, json.get("threads"));
        assertEquals(t.entries().size(), json.get("subnets"));
        List<?> rows = (List<?>) json.get("entries");
        assertEquals(t.entries().size(), rows.size());
        Subnet first = t.subnets().getFirst();
        Map<?, ?> row = (Map<?, ?>) rows.getFirst();
        assertEquals(first.id(), row.get("subnet"));
        assertEquals(t.entries().get(first).medianMs(), ((Number) row.get("median_ms")).doubleValue());
        assertEquals(t.entries().get(first).samples(), row.get("samples"));
    }

    @Test
    void badTablesAreRefusedWithTheFileAndReason(@TempDir Path dir) throws IOException {
        syntheticTable().write(dir.resolve("t"));
        Path csv = dir.resolve("t.csv");
        String good = Files.readString(csv);
        Files.writeString(dir.resolve("cut.csv"), good.substring(0, good.length() - 7));
        IOException e = assertThrows(IOException.class, () -> LatencyTable.read(dir.resolve("cut.csv"), SPACE));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        SearchSpace other = SearchSpaces.compOfa(1.2, new ResolutionSet(8, 10, 2));
        e = assertThrows(IOException.class, () -> LatencyTable.read(csv, other));
        assertTrue(e.getMessage().contains("not of"), e.getMessage());
        Files.writeString(dir.resolve("bad.csv"), good.replaceFirst("\nd\\d+-[^,]+,", "\nd99999-k0-e0-r8,"));
        e = assertThrows(IOException.class, () -> LatencyTable.read(dir.resolve("bad.csv"), SPACE));
        assertTrue(e.getMessage().contains("bad.csv:"), e.getMessage());
        Files.writeString(dir.resolve("x.csv"), "hello\n");
        e = assertThrows(IOException.class, () -> LatencyTable.read(dir.resolve("x.csv"), SPACE));
        assertTrue(e.getMessage().contains("not a compofa latency table"), e.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> syntheticTable().medianMs(SearchSpaces.compOfa(1.0).largest(224)));
        assertTrue(missing.getMessage().contains("not in"), missing.getMessage());
    }

    @Test
    void builderMeasuresEverySubnetAndResumesFromItsPartialFile(@TempDir Path dir) throws IOException {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        try (ComputeContext ctx = ComputeContext.open(Backend.CPU);
             Network net = new Network(ctx, NetworkSpec.supernet(tiny(), 4, KernelTransform.NONE), 1);
             LatencyMeasurer m = new LatencyMeasurer(net, 1, 0, 2)) { // tiny net: 243 entries in ~1 s
            Path partial = dir.resolve("partial.csv");
            List<Integer> res = List.of(8);
            // Simulate a killed run: 10 finished rows and half a row.
            List<Subnet> subnets = SPACE.enumerate(8);
            StringBuilder sb = new StringBuilder();
            for (Subnet s : subnets.subList(0, 10)) {
                sb.append(LatencyTable.row(s, LatencyStats.of(new double[] {123.0}))).append('\n');
            }
            sb.append(subnets.get(10).id()).append(",8,1.");
            Files.writeString(partial, sb.toString());
            LatencyTable t = LatencyTableBuilder.build(m, SPACE, res, PLATFORM, partial, quiet);
            assertEquals(243, t.entries().size());
            assertEquals(123.0, t.medianMs(subnets.get(3)), "kept from the partial file, not re-measured");
            assertTrue(t.entries().get(subnets.get(10)).samples() == 2, "the cut row was measured again (2 repeats)");
            assertEquals(243, Files.readAllLines(partial).size(), "partial file holds every row once");

            // The same partial file, now asked for r10 only: the r8 rows stay, and the progress
            // (which once overflowed on them: "progress 243 must be in [0, 0]"-style) counts r10 only.
            ByteArrayOutputStream progress = new ByteArrayOutputStream();
            LatencyTable r10 = LatencyTableBuilder.build(m, SPACE, List.of(10), PLATFORM, partial,
                    new PrintStream(progress));
            assertEquals(243, r10.entries().size());
            assertTrue(r10.entries().keySet().stream().allMatch(n -> n.resolution() == 10));
            assertEquals(486, Files.readAllLines(partial).size(), "r8 rows kept, r10 rows appended");
        }
    }
}
