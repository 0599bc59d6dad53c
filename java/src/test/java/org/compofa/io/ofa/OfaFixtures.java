package org.compofa.io.ofa;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
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
        String env = System.getenv("COMPOFA_OFA_FIXTURES");
        List<Path> candidates = env != null ? List.of(Path.of(env))
                : List.of(Path.of("..", "..", "shared", "fixtures", "ofa"), Path.of("..", "shared", "fixtures", "ofa"));
        for (Path p : candidates) {
            if (Files.isRegularFile(p.resolve("manifest.json"))) {
                return p;
            }
        }
        assumeTrue(false, "OFA fixtures not found at " + candidates);
        return null;
    }

    static JsonObject manifest(Path dir) throws IOException {
        return JsonParser.parseString(Files.readString(dir.resolve("manifest.json"))).getAsJsonObject();
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
    static Subnet subnet(JsonObject spec, int resolution) {
        return new Subnet(ints(spec.getAsJsonArray("d")), ints(spec.getAsJsonArray("ks")),
                ints(spec.getAsJsonArray("e")), resolution);
    }

    static int[] ints(JsonArray a) {
        int[] v = new int[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).getAsInt();
        }
        return v;
    }
}
