package org.compofa.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.compofa.io.torch.TorchCheckpoint;
import org.compofa.io.torch.TorchTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code compofa import} on the checkpoints made by the original once-for-all code (the shared
 * fixtures; skipped where they are absent) and on files that are not OFA: the facts printed (the
 * parameter count against the file's own tensors), the run directory written, re-imports.
 */
class ImportCommandTest {
    static final String OFA_W10 = "ofa_mbv3_w1.0_k357_transform_seed7.pth";
    static final String COMPOFA_W12 = "compofa_mbv3_w1.2_fixedkernel_c10_fp16_legacy_seed11.pth.tar";

    /** The OFA fixture directory (as io.ofa's tests find it), or a skipped test. */
    static Path fixtures() {
        return org.compofa.testing.SharedFixtures.ofa();
    }

    @Test
    void importsOfasTransformSupernetAndPrintsItsFacts(@TempDir Path tmp) throws Exception {
        Path file = fixtures().resolve(OFA_W10);
        Path run = tmp.resolve("ofa");
        CliUsageTest.Result r = CliUsageTest.run("import", file.toString(), "--out", run.toString());
        assertEquals(0, r.status(), r.err());
        String out = r.out();
        for (String fact : List.of("kind: elastic OFA supernet", "width multiplier: w1.0 ", "input channels: 3, "
                + "classes: 1000", "blocks per stage: [4, 4, 4, 4, 4] (max depth 4), stored max kernel 7, max expand 6",
                "OFA matrices [5to3_matrix, 7to5_matrix] (K357)", "non-default (trained or recalibrated)",
                "space: ofa_mbv3_d234_e346_k357_w1.0_r128-224 (default")) {
            assertTrue(out.contains(fact), "'" + fact + "' in:\n" + out);
        }
        assertTrue(out.contains(String.format(java.util.Locale.ROOT, "parameters: %,d;", parametersInFile(file))), out);
        assertRunWritten(run, file, "ofa_mbv3_d234_e346_k357_w1.0_r128-224");
    }

    @Test
    void importsCompofasFixedKernelLegacyFileAndRefusesToMixRuns(@TempDir Path tmp) throws Exception {
        Path dir = fixtures();
        Path file = dir.resolve(COMPOFA_W12);
        Path run = tmp.resolve("compofa");
        CliUsageTest.Result r = CliUsageTest.run("import", file.toString(), "--out", run.toString());
        assertEquals(0, r.status(), r.err());
        for (String fact : List.of("width multiplier: w1.2 ", "classes: 10", "max expand 6",
                "kernel transform: none", "space: compofa_mbv3_w1.2_r160-224 (default: no transform matrices)")) {
            assertTrue(r.out().contains(fact), "'" + fact + "' in:\n" + r.out());
        }
        assertTrue(r.out().contains(String.format(java.util.Locale.ROOT, "parameters: %,d;", parametersInFile(file))),
                r.out());
        assertRunWritten(run, file, "compofa_mbv3_w1.2_r160-224");

        CliUsageTest.Result again = CliUsageTest.run("import", file.toString(), "--out", run.toString());
        assertEquals(0, again.status(), again.err());
        assertTrue(again.out().contains("nothing to do"), again.out());
        CliUsageTest.Result other = CliUsageTest.run("import", dir.resolve(OFA_W10).toString(), "--out", run.toString());
        assertEquals(1, other.status(), other.out());
        assertTrue(other.err().contains("already holds another import (" + COMPOFA_W12), other.err());
        CliUsageTest.Result space = CliUsageTest.run("import", file.toString(), "--out", run.toString(), "--space",
                "compofa_mbv3_w1.2_r192");
        assertEquals(1, space.status(), "same file, another space: " + space.err());

        Path trained = tmp.resolve("trained");
        Files.createDirectories(trained.resolve("compound"));
        CliUsageTest.Result mixed = CliUsageTest.run("import", file.toString(), "--out", trained.toString());
        assertEquals(1, mixed.status());
        assertTrue(mixed.err().contains("not an empty directory"), mixed.err());
        assertFalse(Files.exists(trained.resolve("imported")), "nothing written");
    }

    @Test
    void aSpaceThatDoesNotFitTheStoredNetworkIsAUsageError(@TempDir Path tmp) throws Exception {
        Path file = fixtures().resolve(COMPOFA_W12);
        Path run = tmp.resolve("r");
        CliUsageTest.Result width = CliUsageTest.run("import", file.toString(), "--out", run.toString(), "--space",
                "compofa_mbv3_w1.0");
        assertEquals(2, width.status(), width.err());
        assertTrue(width.err().contains("--space: compofa_mbv3_w1.0_r128-224 does not fit")
                && width.err().contains("w1.0 gives widths [16, 16, 24, 40, 80, 112, 160, 960, 1280]"), width.err());
        CliUsageTest.Result unknown = CliUsageTest.run("import", file.toString(), "--out", run.toString(), "--space",
                "mobilenet");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().contains("unknown space id 'mobilenet'"), unknown.err());
        assertFalse(Files.exists(run), "nothing written");
    }

    @Test
    void aCheckpointThatIsNotOfaIsAOneLineFailure(@TempDir Path tmp) {
        Path notOfa = Path.of("src/test/resources/torch/zip_bare.pth");
        assumeTrue(Files.exists(notOfa), "run from the java module");
        Path run = tmp.resolve("r");
        CliUsageTest.Result r = CliUsageTest.run("import", notOfa.toString(), "--out", run.toString());
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().startsWith("compofa import: OFA checkpoint " + notOfa + ": not an OFA MobileNetV3 state dict"),
                r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        Path junk = tmp.resolve("junk.pth");
        writeJunk(junk);
        CliUsageTest.Result j = CliUsageTest.run("import", junk.toString(), "--out", run.toString());
        assertEquals(1, j.status(), j.err());
        assertTrue(j.err().contains(junk.toString()) && !j.err().contains("\tat "), j.err());
        CliUsageTest.Result missing = CliUsageTest.run("import", tmp.resolve("none.pth").toString(), "--out",
                run.toString());
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains(tmp.resolve("none.pth").toString()), missing.err());
        assertFalse(Files.exists(run), "nothing written");
    }

    @Test
    void aBrokenOrHostileDescriptorIsAOneLineFailure(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("r");
        Path descriptor = ImportedRun.descriptor(run);
        Files.createDirectories(descriptor.getParent());
        String good = "{\"format\": \"compofa-imported-run\", \"version\": 1, \"space\": \"compofa_mbv3_w1.0\", "
                + "\"sha256\": \"00\", \"checkpoint\": ";
        for (String text : List.of("{not json", "[1, 2]", good + "\"../../x.pth\"}", good + "\".hidden\"}",
                good.replace("compofa_mbv3_w1.0", "bogus") + "\"supernet.pth\"}", "{\"version\": \"one\"}")) {
            Files.writeString(descriptor, text);
            for (String command : List.of("latency", "search")) {
                CliUsageTest.Result r = CliUsageTest.run(command, "--run", run.toString());
                assertEquals(1, r.status(), text + ": " + r.err());
                assertTrue(r.err().startsWith("compofa " + command + ": " + descriptor), text + ": " + r.err());
                assertEquals(1, r.err().strip().lines().count(), text + ": " + r.err());
            }
        }
        Files.writeString(descriptor, good + "\"supernet.pth\"}");
        CliUsageTest.Result noFile = CliUsageTest.run("latency", "--run", run.toString());
        assertEquals(1, noFile.status());
        assertTrue(noFile.err().contains(run.resolve("imported/supernet.pth") + ": no such file"), noFile.err());
    }

    /** Parameters (not BN running statistics or counters) of the file's own state dict. */
    private static long parametersInFile(Path file) throws Exception {
        long n = 0;
        for (Map.Entry<String, TorchTensor> e : TorchCheckpoint.stateDict(file).entrySet()) {
            String k = e.getKey();
            if (!k.endsWith("running_mean") && !k.endsWith("running_var") && !k.endsWith("num_batches_tracked")) {
                n += e.getValue().numel();
            }
        }
        return n;
    }

    private static void assertRunWritten(Path run, Path file, String space) throws Exception {
        Path copy = run.resolve("imported/supernet.pth");
        assertEquals(-1L, Files.mismatch(file, copy), "a byte copy");
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(copy)));
        ImportedRun d = ImportedRun.read(run);
        assertEquals(space, d.space());
        assertEquals(file.getFileName().toString(), d.source());
        assertEquals(ImportedRun.sha256(file), d.sha256());
        assertTrue(Files.readString(fixtures().resolve("manifest.json")).contains("\"" + d.sha256() + "\""),
                "the manifest's sha256");
        List<String> left = new ArrayList<>();
        try (var s = Files.list(run.resolve("imported"))) {
            s.forEach(p -> left.add(p.getFileName().toString()));
        }
        assertEquals(List.of("run.json", "supernet.pth"), left.stream().sorted().toList(), "no temporary file left");
    }

    private static void writeJunk(Path file) {
        byte[] b = new byte[333];
        new java.util.SplittableRandom(5).nextBytes(b);
        try {
            Files.write(file, b);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
