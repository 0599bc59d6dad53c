package org.compofa.io.ofa;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.compofa.space.Subnet;

/**
 * The files made by the original once-for-all code in {@code ../shared/fixtures/ofa} (beside the
 * checkout; {@code COMPOFA_OFA_FIXTURES} overrides): its manifest, images and logits. Tests that
 * use it are skipped when the directory is absent (a plain clone still tests the readers with the
 * project's own fixtures).
 */
final class OfaFixtures {
    private OfaFixtures() {
    }

    /** The fixture directory, or a skipped test. */
    static Path dir() {
        return org.compofa.testing.SharedFixtures.ofa();
    }

    static Map<String, Object> manifest(Path dir) throws IOException {
        return JSON.std.mapFrom(Files.readString(dir.resolve("manifest.json")));
    }

    /** The JSON object under {@code key}. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Map<String, Object> m, String key) {
        return (Map<String, Object>) m.get(key);
    }

    /** The JSON objects of the array under {@code key}. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> objects(Map<String, Object> m, String key) {
        return (List<Map<String, Object>>) m.get(key);
    }

    /** The file, after checking that its sha256 is the one the manifest lists. */
    static Path checked(Path dir, String name) throws Exception {
        Path file = dir.resolve(name);
        String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        assertTrue(Files.readString(dir.resolve("manifest.json")).contains("\"" + hex + "\""),
                name + " sha256 " + hex + " is not in the manifest");
        return file;
    }

    /** Little-endian float32 values of a file. */
    static float[] floats(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[b.remaining() / 4];
        b.asFloatBuffer().get(v);
        return v;
    }

    /** NCHW images to NHWC. */
    static float[] nhwc(float[] nchw, int n, int c, int h, int w) {
        float[] out = new float[nchw.length];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < h * w; p++) {
                    out[(i * h * w + p) * c + ch] = nchw[(i * c + ch) * h * w + p];
                }
            }
        }
        return out;
    }

    /** OFA's {ks[20], e[20], d[5]} at {@code resolution} as our subnet (same stage-major slot order). */
    static Subnet subnet(Map<String, Object> spec, int resolution) {
        return new Subnet(ints(spec.get("d")), ints(spec.get("ks")), ints(spec.get("e")), resolution);
    }

    static int[] ints(Object array) {
        return ((List<?>) array).stream().mapToInt(v -> ((Number) v).intValue()).toArray();
    }
}
