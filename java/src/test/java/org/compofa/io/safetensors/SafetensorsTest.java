package org.compofa.io.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.concurrent.TimeUnit;
import org.compofa.io.TestStateDicts;
import org.compofa.io.torch.TorchTensor;
import org.compofa.io.torch.TorchTensor.ElementType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Safetensors}: round trips bit for bit, the exact bytes the spec prescribes for a small dict
 * (written out by hand here), files from other writers (every dtype read, ranges in another order
 * than the header), and the header parsed independently by Python's json module where python3 runs.
 */
class SafetensorsTest {
    @TempDir
    Path dir;

    static byte[] le64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    /** A safetensors file from its header text (padded here to 8 bytes) and data. */
    static byte[] file(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int padded = (h.length + 7) / 8 * 8;
        out.writeBytes(le64(padded));
        out.writeBytes(h);
        out.writeBytes(" ".repeat(padded - h.length).getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(data);
        return out.toByteArray();
    }

    @Test
    void oddTensorsRoundTripBitForBit() throws IOException {
        SequencedMap<String, TorchTensor> sd = TestStateDicts.odd(41);
        sd.putAll(TestStateDicts.many(42, 500));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("compofa \"space\"\n", "ofa_mbv3_d234_e346_k357_w1.0 \u00e9");
        Path f = dir.resolve("odd.safetensors");
        Safetensors.write(f, sd, meta);
        Safetensors.Contents c = Safetensors.read(f);
        TestStateDicts.assertSame(sd, c.tensors());
        assertEquals(meta, c.metadata());
        Path empty = dir.resolve("empty.safetensors");
        Safetensors.write(empty, new LinkedHashMap<>(), Map.of());
        assertArrayEquals(file("{}", new byte[0]), Files.readAllBytes(empty));
        assertTrue(Safetensors.read(empty).tensors().isEmpty());
    }

    @Test
    void bytesAreWhatTheSpecPrescribes() throws IOException {
        SequencedMap<String, TorchTensor> sd = new LinkedHashMap<>();
        sd.put("a", new TorchTensor(ElementType.FLOAT32, new int[] {3}, new float[] {1f, -2f, 0.5f}, null));
        sd.put("bn.num_batches_tracked", new TorchTensor(ElementType.INT64, new int[0], null, new long[] {7}));
        sd.put("w", new TorchTensor(ElementType.FLOAT32, new int[] {1, 2}, new float[] {3f, 4f}, null));
        Path f = dir.resolve("spec.safetensors");
        Safetensors.write(f, sd, Map.of("format", "pt"));
        // header in dict order; data: the I64 tensor first (8-aligned), then the F32 ones
        String header = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[8,20]},"
                + "\"bn.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[20,28]}}";
        byte[] data = HexFormat.of().parseHex("0700000000000000" + "0000803f" + "000000c0" + "0000003f"
                + "00004040" + "00008040");
        assertArrayEquals(file(header, data), Files.readAllBytes(f));
        assertEquals(0, (8 + header.length() + 7) / 8 * 8 % 8);
    }

    @Test
    void otherWritersFilesAreRead() throws IOException {
        // every dtype read, data in another order than the header, no metadata, unpadded header
        ByteBuffer d = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        d.putDouble(1.0 / 3).putDouble(-1e300); // f64 [0,16)
        d.putShort((short) 0x3c00).putShort((short) 0xc000).putShort((short) 0x7bff).putShort((short) 0x0001); // f16
        d.putShort((short) 0x3f80).putShort((short) 0xc0a0); // bf16 [24,28)
        d.putInt(-5).putInt(Integer.MAX_VALUE); // i32 [28,36)
        d.put((byte) 200).put((byte) 0).put((byte) 3); // u8 [36,39) then bool [39,41)
        d.put((byte) 1).put((byte) 0);
        byte[] data = java.util.Arrays.copyOf(d.array(), 41);
        String header = "{\"bool\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[39,41]},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[2,2],\"data_offsets\":[16,24]},"
                + "\"d\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[24,28]},"
                + "\"i\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[28,36]},"
                + "\"u\":{\"dtype\":\"U8\",\"shape\":[3,1],\"data_offsets\":[36,39]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        raw.writeBytes(le64(h.length));
        raw.writeBytes(h);
        raw.writeBytes(data);
        Path f = dir.resolve("foreign.safetensors");
        Files.write(f, raw.toByteArray());
        Safetensors.Contents c = Safetensors.read(f);
        assertEquals(List.of("bool", "h", "d", "b", "i", "u"), new ArrayList<>(c.tensors().keySet()));
        assertEquals(Map.of(), c.metadata());
        assertArrayEquals(new float[] {(float) (1.0 / 3), Float.NEGATIVE_INFINITY}, c.tensors().get("d").floats());
        assertArrayEquals(new float[] {1f, -2f, 65504f, 0x1p-24f}, c.tensors().get("h").floats());
        assertArrayEquals(new int[] {2, 2}, c.tensors().get("h").shape());
        assertArrayEquals(new float[] {1f, -5f}, c.tensors().get("b").floats());
        assertArrayEquals(new long[] {-5, Integer.MAX_VALUE}, c.tensors().get("i").longs());
        assertArrayEquals(new long[] {200, 0, 3}, c.tensors().get("u").longs());
        assertArrayEquals(new long[] {1, 0}, c.tensors().get("bool").longs());
        assertEquals(ElementType.BFLOAT16, c.tensors().get("b").sourceType());
    }

    /** Python's json and struct modules, following the spec, print what they find. */
    static final String PY_PARSE = """
            import sys, json, struct, hashlib
            b = open(sys.argv[1], 'rb').read()
            n = struct.unpack('<Q', b[:8])[0]
            assert n % 8 == 0 and b[8:8 + n].decode('utf-8').rstrip(' ').endswith('}')
            h = json.loads(b[8:8 + n])
            data = b[8 + n:]
            meta = h.pop('__metadata__', {})
            print(json.dumps(meta, sort_keys=True))
            end = 0
            for k, v in sorted(h.items(), key=lambda kv: kv[1]['data_offsets']):
                s, e = v['data_offsets']
                assert s == end and e <= len(data), (k, s, end)
                size = {'F32': 4, 'I64': 8}[v['dtype']]
                assert s % size == 0, 'aligned'
                count = 1
                for x in v['shape']:
                    count *= x
                assert e - s == count * size
                end = e
            assert end == len(data)
            for k, v in h.items():
                s, e = v['data_offsets']
                print(k.encode('utf-8').hex(), v['dtype'], v['shape'], hashlib.sha256(data[s:e]).hexdigest())
            """;

    @Test
    void pythonJsonReadsOurHeaderAsTheSpecSays() throws IOException, InterruptedException {
        Process probe;
        try {
            probe = new ProcessBuilder("/usr/bin/python3", "-c", "import json").redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("/usr/bin/python3 not runnable: " + e.getMessage());
            return;
        }
        Assumptions.assumeTrue(probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0,
                "/usr/bin/python3 cannot import json");
        SequencedMap<String, TorchTensor> sd = TestStateDicts.odd(43);
        sd.putAll(TestStateDicts.many(44, 50));
        Path f = dir.resolve("py.safetensors");
        Safetensors.write(f, sd, Map.of("format", "pt", "ctl\u0001\t", "\\ \"x\""));
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", PY_PARSE, f.toString()).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        List<String> want = new ArrayList<>();
        want.add("{\"ctl\\u0001\\t\": \"\\\\ \\\"x\\\"\", \"format\": \"pt\"}");
        for (var e : sd.entrySet()) {
            TorchTensor t = e.getValue();
            want.add(HexFormat.of().formatHex(e.getKey().getBytes(StandardCharsets.UTF_8)) + " "
                    + (t.isFloating() ? "F32" : "I64") + " " + java.util.Arrays.toString(t.shape()) + " "
                    + sha256(TestStateDicts.littleEndian(t)));
        }
        assertEquals(want, out.lines().toList());
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
