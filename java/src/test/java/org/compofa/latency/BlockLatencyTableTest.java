package org.compofa.latency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.compofa.nn.ForwardPiece;
import org.compofa.nn.Network;
import org.compofa.nn.NetworkSpec;
import org.compofa.nn.Pass;
import org.compofa.nn.Workspace;
import org.compofa.ops.KernelTransform;
import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;
import org.compofa.space.MobileNetV3Geometry;
import org.compofa.space.ResolutionSet;
import org.compofa.space.SearchSpace;
import org.compofa.space.SearchSpaces;
import org.compofa.space.StageSpec;
import org.compofa.space.StageTable;
import org.compofa.space.Subnet;
import org.compofa.testing.BackendContexts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-block latency table on a tiny supernet: the covering set covers every slot choice, the
 * table predicts every subnet as the sum of the pieces the network itself reports, files round-trip
 * and bad ones are refused. Timing accuracy is not asserted (it is what {@link LatencyModelError}
 * reports).
 */
class BlockLatencyTableTest {
    private static final ResolutionSet RES = new ResolutionSet(8, 10, 2);
    private static final List<Integer> RESOLUTIONS = RES.values();
    private static final SearchSpace OFA = SearchSpaces.ofaMbv3(List.of(2, 3, 4), List.of(3, 4, 6),
            List.of(3, 5, 7), 1.0, RES);
    private static final SearchSpace COMPOFA = SearchSpaces.compOfa(1.0, RES);
    private static final SearchSpace ELASTIC = SearchSpaces.compOfaElasticKernel(List.of(3, 5, 7), 1.0, RES);
    private static final Platform PLATFORM = new Platform("cpu-b2", "test cpu", "compofa test", 2, 0);
    private static final int REPEATS = 2; // the machine may be shared: few passes

    private static BackendContexts contexts;
    private static Network net;
    private static BlockLatencyTable ofaTable;
    private static BlockLatencyTable compOfaTable;

    @BeforeAll
    static void build() {
        contexts = new BackendContexts();
        ComputeContext ctx = contexts.get(Backend.CPU);
        net = new Network(ctx, NetworkSpec.supernet(LatencyTableTest.tiny(), 4, KernelTransform.OFA), 5);
        ofaTable = BlockLatencyTableBuilder.build(net, OFA, RESOLUTIONS, PLATFORM, 0, REPEATS);
        compOfaTable = BlockLatencyTableBuilder.build(net, COMPOFA, RESOLUTIONS, PLATFORM, 1, 1);
    }

    @AfterAll
    static void close() {
        net.close();
        contexts.close();
    }

    /** (stage, slot, kernel, expand) of every active block of the subnets. */
    private static Set<List<Integer>> slotChoices(List<Subnet> subnets) {
        Set<List<Integer>> seen = new HashSet<>();
        for (Subnet n : subnets) {
            for (int s = 0; s < n.stages(); s++) {
                for (int b = 0; b < n.depth(s); b++) {
                    seen.add(List.of(s, b, n.kernel(s, b), n.expand(s, b)));
                }
            }
        }
        return seen;
    }

    @Test
    void coveringSubnetsRunEverySlotChoiceThatTheSpaceCanRun() {
        List<SearchSpace> enumerable = List.of(COMPOFA,
                SearchSpaces.ofaMbv3(List.of(1, 2), List.of(3, 6), List.of(3), 1.0, ResolutionSet.of(8)),
                SearchSpaces.ofaMbv3(List.of(1, 2), List.of(3), List.of(3, 5), 1.0, ResolutionSet.of(8)));
        for (SearchSpace space : enumerable) {
            List<Subnet> cover = BlockLatencyTableBuilder.coveringSubnets(space, 8);
            assertTrue(cover.stream().allMatch(space::contains), space.id());
            assertEquals(slotChoices(space.enumerate(8)), slotChoices(cover), space.id() + ": brute force");
        }
        SplittableRandom rnd = new SplittableRandom(17);
        for (SearchSpace space : List.of(OFA, ELASTIC)) {
            List<Subnet> cover = BlockLatencyTableBuilder.coveringSubnets(space, 10);
            assertTrue(cover.stream().allMatch(space::contains), space.id());
            List<Subnet> sampled = new ArrayList<>();
            for (int i = 0; i < 3000; i++) {
                sampled.add(space.sample(rnd, 10));
            }
            Set<List<Integer>> covered = slotChoices(cover);
            Set<List<Integer>> missing = new HashSet<>(slotChoices(sampled));
            missing.removeAll(covered);
            assertTrue(missing.isEmpty(), space.id() + ": sampled choices not covered " + missing);
        }
    }

    @Test
    void everySubnetOfTheSpacesIsPredictedPositive() {
        for (int r : RESOLUTIONS) {
            for (Subnet n : COMPOFA.enumerate(r)) {
                assertTrue(compOfaTable.predictMs(n) > 0, n.id());
                assertTrue(ofaTable.predictMs(n) > 0, n.id() + " (a CompOFA subnet is an OFA subnet)");
            }
        }
        SplittableRandom rnd = new SplittableRandom(23);
        for (int i = 0; i < 2000; i++) {
            Subnet n = (i % 2 == 0 ? OFA : ELASTIC).sample(rnd);
            assertTrue(ofaTable.predictMs(n) > 0, n.id());
        }
        ofaTable.entries().forEach((p, e) -> assertTrue(e.samples() >= REPEATS, p.describe() + ": " + e));
    }

    @Test
    void aPredictionIsTheSumOfThePiecesTheNetworkReports() {
        SplittableRandom rnd = new SplittableRandom(29);
        try (Workspace ws = new Workspace(net.context())) {
            for (int i = 0; i < 6; i++) {
                Subnet n = OFA.sample(rnd);
                int r = n.resolution();
                List<ForwardPiece> ran = new ArrayList<>();
                try (Tensor x = Tensor.of(net.context(), Layout.NHWC, new float[2 * r * r], 2, r, r, 1);
                     Pass p = Pass.eval(ws)) {
                    net.forwardTimed(p, n, x, (piece, ns) -> ran.add(piece));
                }
                assertEquals(ran, ofaTable.pieces(n), n.id());
                double sum = 0;
                for (ForwardPiece piece : ran) {
                    sum += ofaTable.entries().get(piece).medianMs();
                }
                assertEquals(sum, ofaTable.predictMs(n), 1e-12 * sum, n.id());
            }
        }
    }

    @Test
    void aMissingPieceIsNamed() {
        Subnet k7 = OFA.largest(8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> compOfaTable.predictMs(k7));
        assertTrue(e.getMessage().contains(k7.id()) && e.getMessage().contains("stage1.block1")
                && e.getMessage().contains("kernel 7"), e.getMessage());
        Subnet r12 = COMPOFA.largest(8).withResolution(12);
        e = assertThrows(IllegalArgumentException.class, () -> compOfaTable.predictMs(r12));
        assertTrue(e.getMessage().contains("stem (input 12)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> compOfaTable.medianMs(ForwardPiece.head(99)));
        assertTrue(e.getMessage().contains("head (input 99)"), e.getMessage());
    }

    @Test
    void builderRefusesResolutionsOutsideTheSpaceAndBadCounts() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BlockLatencyTableBuilder.build(net, COMPOFA, List.of(9), PLATFORM, 0, 1));
        assertTrue(e.getMessage().contains("resolution 9"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> BlockLatencyTableBuilder.build(net, COMPOFA, RESOLUTIONS, PLATFORM, 0, 0));
        assertThrows(IllegalArgumentException.class,
                () -> BlockLatencyTableBuilder.build(net, COMPOFA, List.of(), PLATFORM, 0, 1));
    }

    @Test
    void tablesRoundTripThroughCsv(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("lut.csv");
        ofaTable.write(csv);
        BlockLatencyTable back = BlockLatencyTable.read(csv, LatencyTableTest.tiny());
        assertEquals(ofaTable.entries(), back.entries());
        assertEquals(PLATFORM, back.platform());
        assertEquals(OFA.id(), back.spaceId());
        Subnet n = OFA.sample(new SplittableRandom(3));
        assertEquals(ofaTable.predictMs(n), back.predictMs(n));
    }

    @Test
    void badFilesAreRefusedWithTheFileAndReason(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("lut.csv");
        compOfaTable.write(csv);
        String good = Files.readString(csv);
        MobileNetV3Geometry tiny = LatencyTableTest.tiny();
        assertRefused(dir, "cut", good.substring(0, good.length() - 3), tiny, "truncated");
        assertRefused(dir, "magic", "hello\n", tiny, "not a compofa block latency table");
        assertRefused(dir, "meta", good.replaceFirst("# threads=[^\n]*\n", ""), tiny, "'threads' is missing");
        String firstRow = good.lines().filter(l -> l.startsWith("stage")).findFirst().orElseThrow();
        assertRefused(dir, "twice", good + firstRow + "\n", tiny, "appears twice");
        assertRefused(dir, "label", good.replace(firstRow, firstRow.replaceFirst("stage", "stag")), tiny,
                "allowed stem, head or stage<s>.block<b>");
        assertRefused(dir, "neg", good.replace(firstRow, firstRow.replaceFirst(",[0-9.E-]+,(\\d+)$", ",-1.0,$1")),
                tiny, "bad row");
        MobileNetV3Geometry other = new MobileNetV3Geometry(new StageTable(8, 1, 8, List.of(
                new StageSpec(8, 1, org.compofa.space.Activation.RELU, false)), 16, 16), 1, 3);
        IOException e = assertThrows(IOException.class, () -> BlockLatencyTable.read(csv, other));
        assertTrue(e.getMessage().contains("lut.csv") && e.getMessage().contains("not on"), e.getMessage());
    }

    private static void assertRefused(Path dir, String name, String text, MobileNetV3Geometry g, String reason)
            throws IOException {
        Path f = dir.resolve(name + ".csv");
        Files.writeString(f, text);
        IOException e = assertThrows(IOException.class, () -> BlockLatencyTable.read(f, g));
        assertTrue(e.getMessage().contains(name + ".csv") && e.getMessage().contains(reason),
                name + ": " + e.getMessage());
    }
}
