package org.compofa.io.safetensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.compofa.io.TestStateDicts;
import org.compofa.io.safetensors.SafetensorsException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Safetensors files made to hurt: truncation, lying header lengths, overlapping or stray offsets, bad
 * JSON, huge shapes, wrong types. Each must end in a {@link SafetensorsException} with the expected
 * reason and a message, and nothing else (no other exception, no huge allocation: all files are tiny).
 */
class SafetensorsHostileTest {
    @TempDir
    Path dir;

    private int count;

    SafetensorsException refused(byte[] bytes, Reason reason) throws IOException {
        Path f = dir.resolve("hostile" + count++ + ".safetensors");
        Files.write(f, bytes);
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> Safetensors.read(f));
        assertEquals(reason, e.reason(), e.getMessage());
        assertTrue(e.getMessage().startsWith("safetensors file " + f + ": " + reason.text() + ": "), e.getMessage());
        return e;
    }

    static byte[] header(String json, int dataBytes) {
        return SafetensorsTest.file(json, new byte[dataBytes]);
    }

    static String tensor(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + ","
                + end + "]}";
    }

    @Test
    void truncatedFilesAreRefused() throws IOException {
        Path good = dir.resolve("good.safetensors");
        Map<String, String> meta = Map.of("format", "pt");
        Safetensors.write(good, TestStateDicts.odd(51), meta);
        byte[] all = Files.readAllBytes(good);
        long headerLength = java.nio.ByteBuffer.wrap(all, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        for (int cut : new int[] {0, 1, 7, 8, 9, 8 + (int) headerLength - 1, 8 + (int) headerLength,
                8 + (int) headerLength + 5, all.length - 1}) {
            Reason want = cut < 8 + headerLength ? Reason.TRUNCATED : Reason.BAD_OFFSETS;
            refused(Arrays.copyOf(all, cut), want);
        }
    }

    @Test
    void lyingHeaderLengthsAreRefused() throws IOException {
        byte[] f = header("{" + tensor("a", "F32", "[1]", 0, 4) + "}", 4);
        for (long lie : new long[] {f.length, f.length - 7, Long.MAX_VALUE, -1, Safetensors.MAX_HEADER_BYTES + 1}) {
            byte[] g = f.clone();
            System.arraycopy(SafetensorsTest.le64(lie), 0, g, 0, 8);
            refused(g, lie < 0 || lie > Safetensors.MAX_HEADER_BYTES ? Reason.TOO_LARGE : Reason.TRUNCATED);
        }
        byte[] shorter = f.clone(); // the header read too short: the JSON is cut
        System.arraycopy(SafetensorsTest.le64(16), 0, shorter, 0, 8);
        refused(shorter, Reason.MALFORMED_HEADER);
    }

    @Test
    void badOffsetsAreRefused() throws IOException {
        String a = tensor("a", "F32", "[2]", 0, 8);
        refused(header("{" + a + "," + tensor("b", "F32", "[2]", 4, 12) + "}", 12), Reason.BAD_OFFSETS); // overlap
        refused(header("{" + a + "," + tensor("b", "F32", "[2]", 12, 20) + "}", 20), Reason.BAD_OFFSETS); // hole
        refused(header("{" + a + "," + tensor("b", "F32", "[2]", 8, 16) + "}", 12), Reason.BAD_OFFSETS); // past end
        refused(header("{" + a + "}", 12), Reason.BAD_OFFSETS); // data not all covered
        refused(header("{" + tensor("a", "F32", "[2]", 8, 0) + "}", 8), Reason.BAD_OFFSETS); // begin > end
        refused(header("{" + tensor("a", "F32", "[3]", 0, 8) + "}", 8), Reason.BAD_OFFSETS); // shape disagrees
        refused(header("{" + tensor("a", "F32", "[2]", 0, 8) + "," + tensor("b", "F32", "[2]", 0, 8) + "}", 8),
                Reason.BAD_OFFSETS); // two tensors in one range
        refused(header("{" + tensor("a", "F32", "[2]", 0, 8L << 40) + "}", 8), Reason.BAD_OFFSETS);
    }

    @Test
    void hugeShapesAreRefusedBeforeAllocating() throws IOException {
        refused(header("{" + tensor("a", "F32", "[1000000,1000000,1000000]", 0, 8) + "}", 8), Reason.BAD_OFFSETS);
        refused(header("{" + tensor("a", "F32", "[4294967296,4294967296,4294967296,4294967296]", 0, 8) + "}", 8),
                Reason.BAD_OFFSETS); // the product overflows 64 bits
        refused(header("{" + tensor("a", "F32", "[99999999999999999999999]", 0, 8) + "}", 8), Reason.TOO_LARGE);
        refused(header("{" + tensor("a", "F32", "[" + "1,".repeat(70) + "1]", 0, 4) + "}", 4),
                Reason.MALFORMED_HEADER); // over 64 dimensions
        refused(header("{" + tensor("a", "F32", "[-2,-2]", 0, 16) + "}", 16), Reason.MALFORMED_HEADER);
    }

    @Test
    void badJsonIsRefused() throws IOException {
        String a = tensor("a", "F32", "[1]", 0, 4);
        for (String json : new String[] {"", "[]", "{", "{" + a + ",}", "{" + a + "} x", "{\"a\":{\"dtype\":\"F32\"",
                "{" + a + "," + a.replace("[0,4]", "[0,4]") + "}", // a repeated name
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"extra\":1}}",
                "{\"a\":{\"dtype\":7,\"shape\":[1],\"data_offsets\":[0,4]}}",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}",
                "{\"__metadata__\":{\"k\":1}," + a + "}", "{\"__metadata__\":[]," + a + "}",
                "{\"a\\ud800\":1}", "{\"a\\q\":1}", "{\"a\u0001\":1}", "{'a':1}", "{\"a\":tru}", "{\"a\":01}",
                "[".repeat(100000), "{\"a\":" + "[".repeat(20) + "]".repeat(20) + "}", " " + "{" + a + "}"}) {
            refused(header(json, 4), Reason.MALFORMED_HEADER);
        }
        byte[] notUtf8 = header("{\"\u00e9\":1}", 0);
        notUtf8[10] = (byte) 0xff;
        refused(notUtf8, Reason.MALFORMED_HEADER);
    }

    @Test
    void theJsonLayerItselfRefusesWhatTheStructureChecksWouldLetThrough() throws IOException {
        String a = tensor("a", "F32", "[1]", 0, 4);
        // each header is well-formed for safetensors but for the one JSON fault named beside it
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("{\"__metadata__\":{\"k\":\"x\",\"k\":\"y\"}," + a + "}", "uplicate");
        cases.put("{\"__metadata__\":{\"k\":\"x\\ud800\"}," + a + "}", "surrogate");
        cases.put("{\"__metadata__\":{\"k\\udc00\":\"x\"}," + a + "}", "surrogate");
        cases.put("{" + a + "} {}", "after the value");
        cases.put("{" + a + "}]", "after the value");
        cases.put("{\"__metadata__\":{\"k\":\"x\"}," + a + ",/* c */\"b\":1}", "comment");
        cases.put("{\"__metadata__\":{\"k\":" + "[".repeat(40) + "]".repeat(40) + "}," + a + "}", "nesting depth");
        for (var c : cases.entrySet()) {
            SafetensorsException e = refused(header(c.getKey(), 4), Reason.MALFORMED_HEADER);
            assertTrue(e.getMessage().contains(c.getValue()), c.getKey() + " -> " + e.getMessage());
        }
        // a 64-bit value is read exactly; one past it is too large, not wrapped
        refused(header("{" + tensor("a", "U8", "[9223372036854775808]", 0, 1) + "}", 1), Reason.TOO_LARGE);
        refused(header("{" + tensor("a", "U8", "[9223372036854775807]", 0, 1) + "}", 1), Reason.BAD_OFFSETS);
    }

    @Test
    void unsupportedDtypesAreRefused() throws IOException {
        for (String dtype : new String[] {"I8", "U16", "F8_E4M3", "c64", ""}) {
            SafetensorsException e = refused(header("{" + tensor("a", dtype, "[1]", 0, 1) + "}", 1),
                    Reason.UNSUPPORTED_DTYPE);
            assertTrue(e.getMessage().contains("F32"), "the message lists what is read: " + e.getMessage());
        }
    }

    @Test
    void randomCorruptionGivesOnlyTypedErrors() throws IOException {
        Path good = dir.resolve("good.safetensors");
        Safetensors.write(good, TestStateDicts.odd(52), new LinkedHashMap<>(Map.of("format", "pt")));
        byte[] all = Files.readAllBytes(good);
        int headerEnd = 8 + (int) java.nio.ByteBuffer.wrap(all, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .getLong();
        SplittableRandom r = new SplittableRandom(53);
        for (int i = 0; i < 300; i++) {
            byte[] g = all.clone();
            for (int k = 0; k < 1 + r.nextInt(4); k++) {
                g[r.nextInt(headerEnd)] = (byte) r.nextInt(256); // the data itself has no redundancy to check
            }
            Path f = dir.resolve("corrupt.safetensors");
            Files.write(f, g);
            try {
                Safetensors.read(f);
            } catch (SafetensorsException e) {
                assertTrue(e.getMessage().length() > 30, e.getMessage());
            }
        }
    }
}
