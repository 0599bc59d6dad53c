package org.compofa.io.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import org.junit.jupiter.api.Test;

/**
 * Reads the checkpoints made by the original once-for-all code in {@code ../shared/fixtures/ofa}
 * (beside the checkout; {@code COMPOFA_OFA_FIXTURES} overrides), skipped when absent. Each file's
 * sha256 must be the one the fixture manifest lists, so the key counts, shapes and values below
 * (taken from {@code torch.load} of these files) describe exactly these bytes.
 */
class TorchOfaFixturesTest {
    static final String W10 = "ofa_mbv3_w1.0_k357_transform_seed7.pth";
    static final String W12 = "compofa_mbv3_w1.2_fixedkernel_c10_fp16_legacy_seed11.pth.tar";
    static final String PREDICTOR = "acc_predictor.pth";

    static Path fixtures() {
        return org.compofa.testing.SharedFixtures.ofa();
    }

    /** The file, after checking that the manifest lists its sha256. */
    static Path checked(Path dir, String name) throws Exception {
        Path file = dir.resolve(name);
        assumeTrue(Files.isRegularFile(file), name + " absent");
        String manifest = Files.readString(dir.resolve("manifest.json"));
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        String hex = HexFormat.of().formatHex(sha.digest(Files.readAllBytes(file)));
        assertTrue(manifest.contains("\"" + hex + "\""), name + " sha256 " + hex + " is not in the manifest");
        return file;
    }

    static int bits(float f) {
        return Float.floatToRawIntBits(f);
    }

    @Test
    void w10ZipSupernet() throws Exception {
        Path file = checked(fixtures(), W10);
        long t0 = System.nanoTime();
        SequencedMap<String, TorchTensor> sd = TorchCheckpoint.stateDict(file);
        long t1 = System.nanoTime();
        TorchCheckpoint.stateDict(file);
        long t2 = System.nanoTime();
        System.out.printf("TorchOfaFixturesTest: read %s (%d bytes): first %.1f ms, second %.1f ms%n",
                W10, Files.size(file), (t1 - t0) / 1e6, (t2 - t1) / 1e6);
        assertEquals(475, sd.size());
        assertEquals("first_conv.conv.weight", sd.firstEntry().getKey());
        assertEquals("classifier.linear.bias", sd.lastEntry().getKey());
        assertArrayEquals(new int[] {16, 3, 3, 3}, sd.get("first_conv.conv.weight").shape());
        assertArrayEquals(new int[] {1280, 960, 1, 1}, sd.get("feature_mix_layer.conv.weight").shape());
        assertArrayEquals(new int[] {1000, 1280}, sd.get("classifier.linear.weight").shape()); // 1000 classes
        float[] w = sd.get("first_conv.conv.weight").floats();
        assertArrayEquals(new int[] {0x3c5c3a8b, 0xbded6d14, 0x3d7b0161}, new int[] {bits(w[0]), bits(w[1]), bits(w[2])});
        assertEquals(64, sd.keySet().stream().filter(k -> k.endsWith("num_batches_tracked")).count());
        assertTrue(sd.containsKey("blocks.1.conv.depth_conv.conv.7to5_matrix"));
        TorchTensor tracked = sd.get("first_conv.bn.num_batches_tracked");
        assertEquals(TorchTensor.ElementType.INT64, tracked.sourceType());
        assertEquals(0, tracked.shape().length);
    }

    @Test
    void w12LegacyFp16SupernetWithModulePrefixes() throws Exception {
        Path file = checked(fixtures(), W12);
        Map<?, ?> root = assertInstanceOf(Map.class, TorchCheckpoint.read(file));
        assertEquals(3L, root.get("epoch"));
        SequencedMap<String, TorchTensor> sd = TorchCheckpoint.stateDict(file);
        assertEquals(435, sd.size());
        assertTrue(sd.keySet().stream().noneMatch(k -> k.startsWith("module.") || k.endsWith("_matrix")));
        assertArrayEquals(new int[] {24, 3, 3, 3}, sd.get("first_conv.conv.weight").shape());
        assertArrayEquals(new int[] {1536, 1152, 1, 1}, sd.get("feature_mix_layer.conv.weight").shape());
        assertArrayEquals(new int[] {10, 1536}, sd.get("classifier.linear.weight").shape()); // 10 classes
        TorchTensor bias = sd.get("classifier.linear.bias");
        assertEquals(TorchTensor.ElementType.FLOAT16, bias.sourceType());
        float[] b = bias.floats();
        assertArrayEquals(new int[] {0xbd276000, 0xbd802000, 0x3cfb6000}, new int[] {bits(b[0]), bits(b[1]), bits(b[2])});
    }

    @Test
    void accuracyPredictorWrittenByTorch13() throws Exception {
        Path file = checked(fixtures(), PREDICTOR);
        SequencedMap<String, TorchTensor> sd = TorchCheckpoint.stateDict(file);
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias", "6.weight", "6.bias"),
                List.copyOf(sd.keySet()));
        assertArrayEquals(new int[] {400, 128}, sd.get("0.weight").shape());
        assertArrayEquals(new int[] {400, 400}, sd.get("4.weight").shape());
        assertArrayEquals(new int[] {1, 400}, sd.get("6.weight").shape());
        assertEquals(0x3f42388a, bits(sd.get("6.bias").floats()[0]));
    }
}
