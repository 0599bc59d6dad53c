package org.compofa.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.compofa.data.Augmentation;
import org.compofa.data.ImageFolderDataset;
import org.compofa.data.LoaderConfig;
import org.compofa.data.Normalization;
import org.compofa.data.ResizeCentreCropDataset;
import org.compofa.io.ofa.OfaImport;
import org.compofa.latency.LatencyTable;
import org.compofa.nn.Network;
import org.compofa.nn.Workspace;
import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.search.AccuracyTable;
import org.compofa.space.SearchSpace;
import org.compofa.space.SearchSpaces;
import org.compofa.space.Subnet;
import org.compofa.train.Evaluator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The post-training commands on an imported run (the w1.2 10-class CompOFA fixture), kept small: a
 * space of 32 subnets per resolution ({@code ofa_mbv3_d34_e6_k7}: depth 3 or 4 per stage) at 128
 * and 132 px, batch 1, one timed run, 20 images. Also how the Fashion options meet an imported run.
 */
class ImportedRunCommandsTest {
    static final String SPACE = "ofa_mbv3_d34_e6_k7_w1.2_r128-132";

    @Test
    void latencyEvaluateSearchAndExportWorkOnAnImportedRun(@TempDir Path tmp) throws Exception {
        Path file = ImportCommandTest.fixtures().resolve(ImportCommandTest.COMPOFA_W12);
        String run = tmp.resolve("run").toString();
        assertOk(CliUsageTest.run("import", file.toString(), "--out", run, "--space", SPACE));
        Path images = tmp.resolve("images");
        writeImageFolder(images, 10, 2);
        List<String> cpu = List.of("--backend", "cpu", "--eval-resolutions", "128");

        assertOk(CliUsageTest.run(args(List.of("latency", "--run", run, "--batches", "1", "--warmup", "0", "--repeats",
                "1"), cpu)));
        SearchSpace space = SearchSpaces.fromId(SPACE);
        assertEquals(32, LatencyTable.read(Path.of(run, "latency/cpu-b1.csv"), space).entries().size());

        CliUsageTest.Result eval = CliUsageTest.run(args(List.of("evaluate", "--run", run, "--data", images.toString(),
                "--recal-images", "10"), cpu));
        assertOk(eval);
        AccuracyTable acc = AccuracyTable.read(Path.of(run, "evaluation/accuracy.csv"), space);
        assertEquals(32, acc.top1().size());
        assertTrue(Files.size(Path.of(run, "evaluation/accuracy-cdf.png")) > 1000);
        for (double a : acc.top1().values()) {
            assertEquals(0.0, Math.IEEEremainder(a, 5.0), 1e-9, "20 images: top-1 in steps of 5 %, got " + a);
        }
        // The CLI's numbers equal the library's on the same folder, transform and normalisation (they vary
        // between 5 and 20 % over the subnets of this random-weight net, so a wrong input shows).
        assertEquals(libraryTop1(file, images, space.enumerate(128)), acc.top1(), "the CLI's plumbing");

        assertOk(CliUsageTest.run("search", "--run", run, "--budgets", "3"));
        assertEquals(4, Files.readAllLines(Path.of(run, "search/best.csv")).size(), "header + 3 budgets x 1 platform");

        CliUsageTest.Result export = CliUsageTest.run("export", "--run", run, "--data", images.toString(),
                "--resolution", "132", "--backend", "cpu", "--out", tmp.resolve("m").toString());
        assertOk(export);
        assertTrue(export.out().contains(": agree"), export.out());
        assertTrue(Files.size(tmp.resolve("m.onnx")) > 1_000_000, "a w1.2 subnet's weights");
        assertTrue(Files.exists(tmp.resolve("m.cmpf")));
    }

    @Test
    void fashionOptionsAreCheckedAgainstTheImport(@TempDir Path tmp) throws Exception {
        Path file = ImportCommandTest.fixtures().resolve(ImportCommandTest.COMPOFA_W12);
        String run = tmp.resolve("run").toString();
        assertOk(CliUsageTest.run("import", file.toString(), "--out", run, "--space", SPACE));
        CliUsageTest.Result width = CliUsageTest.run("latency", "--run", run, "--width", "1.0");
        assertEquals(2, width.status());
        assertTrue(width.err().contains("--width: 1.0 but") && width.err().contains("w1.2"), width.err());
        CliUsageTest.Result res = CliUsageTest.run("latency", "--run", run, "--resolutions", "160");
        assertEquals(2, res.status());
        assertTrue(res.err().contains("--resolutions: 160 is not one of the imported space's resolutions [128, 132]"),
                res.err());
        CliUsageTest.Result batch = CliUsageTest.run("export", "--run", run, "--batch", "8");
        assertEquals(2, batch.status());
        assertTrue(batch.err().contains("--batch: describes a Fashion-MNIST training run"), batch.err());
        CliUsageTest.Result noData = CliUsageTest.run("evaluate", "--run", run);
        assertEquals(2, noData.status());
        assertTrue(noData.err().contains("--data:"), noData.err());
        CliUsageTest.Result searchWidth = CliUsageTest.run("search", "--run", run, "--width", "0.5");
        assertEquals(2, searchWidth.status(), searchWidth.err());
        Path three = tmp.resolve("three");
        writeImageFolder(three, 3, 1);
        CliUsageTest.Result classes = CliUsageTest.run("evaluate", "--run", run, "--data", three.toString());
        assertEquals(1, classes.status());
        assertTrue(classes.err().contains("3 class folders but the imported network has 10 classes"), classes.err());
        // A checkpoint changed after the import is refused by its sha256.
        Path copy = Path.of(run, "imported/supernet.pth");
        copy.toFile().setWritable(true);
        byte[] b = Files.readAllBytes(copy);
        b[b.length / 2] ^= 1;
        Files.write(copy, b);
        CliUsageTest.Result changed = CliUsageTest.run("export", "--run", run, "--backend", "cpu");
        assertEquals(1, changed.status());
        assertTrue(changed.err().contains("differs from the import's"), changed.err());
    }

    /** Top-1 of each subnet computed with the library directly: OFA's eval transform, 10 recalibration images. */
    private static Map<Subnet, Double> libraryTop1(Path file, Path images, List<Subnet> subnets) throws Exception {
        ImageFolderDataset folder = ImageFolderDataset.open(images, ImageFolderDataset.ColorMode.RGB);
        Map<Subnet, Double> top1 = new LinkedHashMap<>();
        LoaderConfig config = new LoaderConfig(ImportedRunOpener.EVAL_BATCH, 0L, false, Augmentation.NONE,
                Normalization.IMAGENET, false);
        try (ComputeContext ctx = ComputeContext.open(Backend.CPU);
             Network net = OfaImport.read(file).toNetwork(ctx); Workspace ws = new Workspace(ctx)) {
            Evaluator ev = new Evaluator(ws);
            for (Subnet s : subnets) {
                var data = new ResizeCentreCropDataset(folder, s.resolution());
                ev.recalibrate(net, s, data, config, 10);
                top1.put(s, ev.top1(net, s, data, config));
            }
        }
        return top1;
    }

    /** {@code classes} folders of {@code perClass} seeded random RGB PNGs of odd, differing sizes. */
    static void writeImageFolder(Path root, int classes, int perClass) throws Exception {
        SplittableRandom random = new SplittableRandom(17);
        for (int c = 0; c < classes; c++) {
            Path dir = root.resolve(String.format("n%02d", c));
            Files.createDirectories(dir);
            for (int i = 0; i < perClass; i++) {
                int w = 41 + random.nextInt(60);
                int h = 37 + random.nextInt(60);
                BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
                int base = random.nextInt(1 << 24);
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        img.setRGB(x, y, base ^ (random.nextInt(1 << 24) & 0x3f3f3f));
                    }
                }
                ImageIO.write(img, "png", dir.resolve("img" + i + ".png").toFile());
            }
        }
    }

    private static void assertOk(CliUsageTest.Result r) {
        assertEquals(0, r.status(), r.err() + "\n" + r.out());
    }

    private static String[] args(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toArray(String[]::new);
    }
}
