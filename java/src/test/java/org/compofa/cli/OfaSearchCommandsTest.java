package org.compofa.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SequencedMap;
import org.compofa.io.safetensors.Safetensors;
import org.compofa.io.torch.TorchCheckpoint;
import org.compofa.io.torch.TorchTensor;
import org.compofa.latency.BlockLatencyTable;
import org.compofa.search.OfaAccuracyPredictor;
import org.compofa.space.MobileNetV3Geometry;
import org.compofa.space.Subnet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OFA's whole search without training, through the CLI: the w1.0 supernet and OFA's released
 * accuracy predictor imported into one run, OFA's per-block latency table measured on this machine
 * ({@code latency --lut only}, one resolution to stay fast), evolution with the predictor
 * ({@code search}); then the supernet and one subnet exported as OFA state dicts.
 */
class OfaSearchCommandsTest {
    @Test
    void importedPredictorDrivesEvolutionOnTheBlockTable(@TempDir Path tmp) throws Exception {
        Path fixtures = ImportCommandTest.fixtures();
        String run = tmp.resolve("run").toString();
        Path predictor = fixtures.resolve("acc_predictor.pth");

        CliUsageTest.Result early = CliUsageTest.run("import", predictor.toString(), "--out", run);
        assertEquals(1, early.status(), early.err());
        assertTrue(early.err().contains("import the supernet first"), early.err());

        ok(CliUsageTest.run("import", fixtures.resolve(ImportCommandTest.OFA_W10).toString(), "--out", run));
        CliUsageTest.Result p = ok(CliUsageTest.run("import", predictor.toString(), "--out", run));
        assertTrue(p.out().contains("OFA accuracy predictor"), p.out());
        assertTrue(Files.isRegularFile(Path.of(run, "imported", PredictorImport.FILE)));

        ok(CliUsageTest.run("latency", "--run", run, "--lut", "only", "--batches", "1", "--warmup", "0", "--repeats",
                "1", "--eval-resolutions", "128", "--backend", "cpu"));
        Path lut = Path.of(run, "latency/blocks/cpu-b1.csv");
        assertTrue(Files.isRegularFile(lut));

        CliUsageTest.Result s = ok(CliUsageTest.run("search", "--run", run, "--budgets", "2", "--generations", "2"));
        assertTrue(s.out().contains("OFA's accuracy predictor"), s.out());
        List<String> best = Files.readAllLines(Path.of(run, "search/best.csv"));
        assertEquals(3, best.size(), "header + 2 budgets");
        OfaAccuracyPredictor acc = OfaAccuracyPredictor.load(predictor);
        BlockLatencyTable table = BlockLatencyTable.read(lut, MobileNetV3Geometry.imagenet(1.0, 1000));
        for (String line : best.subList(1, best.size())) {
            String[] f = line.split(",");
            Subnet subnet = Subnet.parse(f[2]);
            assertEquals(128, subnet.resolution());
            assertEquals(String.format(Locale.ROOT, "%.2f", acc.predict(subnet)), f[3], "top-1 is the predictor's");
            double latency = Double.parseDouble(f[4]);
            assertEquals(table.predictMs(subnet), latency, 1e-4, "latency is the block table's");
            assertTrue(latency <= Double.parseDouble(f[1]) + 1e-4, line + ": within its budget");
        }
    }

    @Test
    void supernetAndSubnetExportAsOfaStateDicts(@TempDir Path tmp) throws Exception {
        Path original = ImportCommandTest.fixtures().resolve(ImportCommandTest.OFA_W10);
        String run = tmp.resolve("run").toString();
        ok(CliUsageTest.run("import", original.toString(), "--out", run));

        ok(CliUsageTest.run("export", "--run", run, "--format", "ofa-pth", "--backend", "cpu"));
        SequencedMap<String, TorchTensor> want = TorchCheckpoint.stateDict(original);
        SequencedMap<String, TorchTensor> got = TorchCheckpoint.stateDict(Path.of(run, "export/supernet.ofa.pth"));
        assertEquals(new ArrayList<>(want.keySet()), new ArrayList<>(got.keySet()));
        want.forEach((k, t) -> {
            if (t.isFloating()) {
                assertArrayEquals(t.floats(), got.get(k).floats(), k);
            }
        });

        String subnet = "d22222-k3300.5500.7700.3300.5500-e3300.4400.6600.3300.4400-r160";
        CliUsageTest.Result e = ok(CliUsageTest.run("export", "--run", run, "--format", "safetensors", "--subnet",
                subnet, "--backend", "cpu", "--out", tmp.resolve("sub").toString()));
        assertTrue(e.out().contains("static MobileNetV3 names"), e.out());
        Safetensors.Contents c = Safetensors.read(tmp.resolve("sub.safetensors"));
        assertEquals(subnet, c.metadata().get("compofa.subnet"));
        assertTrue(c.tensors().containsKey("blocks.10.conv.point_linear.conv.weight"), "1 + 10 blocks");
        // stage 2 block 1: 24 channels in, expand 4: make_divisible(96, 8) = 96 middle channels, kernel 5
        assertTrue(!c.tensors().containsKey("blocks.11.conv.point_linear.conv.weight"));
        assertArrayEquals(new int[] {96, 1, 5, 5}, c.tensors().get("blocks.3.conv.depth_conv.conv.weight").shape());

        CliUsageTest.Result bad = CliUsageTest.run("export", "--run", run, "--format", "pth");
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("allowed onnx, ofa-pth, safetensors"), bad.err());
    }

    private static CliUsageTest.Result ok(CliUsageTest.Result r) {
        assertEquals(0, r.status(), r.out() + r.err());
        return r;
    }
}
