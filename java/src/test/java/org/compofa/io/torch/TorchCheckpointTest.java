package org.compofa.io.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import org.junit.jupiter.api.Test;

/**
 * Reads the torch.save fixtures made by {@code src/test/resources/torch/make_fixtures.py} (torch 1.13,
 * zip and legacy formats) and compares every element bit for bit with what torch wrote in
 * {@code expected.txt}.
 */
class TorchCheckpointTest {

    /** One line of expected.txt. */
    record Expected(String key, int[] shape, int[] floatBits, long[] longs) {
    }

    static Path resource(String name) throws URISyntaxException {
        var url = TorchCheckpointTest.class.getResource("/torch/" + name);
        assertNotNull(url, "test resource torch/" + name);
        return Path.of(url.toURI());
    }

    /** The expected tensors of each fixture file, in file order. */
    static Map<String, SequencedMap<String, Expected>> expected() throws IOException, URISyntaxException {
        Map<String, SequencedMap<String, Expected>> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(resource("expected.txt"))) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(" ");
            int[] shape = f[3].equals("-") ? new int[0]
                    : java.util.Arrays.stream(f[3].split(",")).mapToInt(Integer::parseInt).toArray();
            int n = f.length - 4;
            Expected e;
            if (f[2].equals("f32")) {
                int[] bits = new int[n];
                for (int i = 0; i < n; i++) {
                    bits[i] = Integer.parseUnsignedInt(f[4 + i], 16);
                }
                e = new Expected(f[1], shape, bits, null);
            } else {
                long[] longs = new long[n];
                for (int i = 0; i < n; i++) {
                    longs[i] = Long.parseLong(f[4 + i]);
                }
                e = new Expected(f[1], shape, null, longs);
            }
            out.computeIfAbsent(f[0], k -> new LinkedHashMap<>()).put(f[1], e);
        }
        return out;
    }

    static void assertSameTensors(SequencedMap<String, Expected> want, SequencedMap<String, TorchTensor> got,
            String file) {
        assertEquals(new ArrayList<>(want.keySet()), new ArrayList<>(got.keySet()), file + ": keys in file order");
        for (Expected e : want.values()) {
            TorchTensor t = got.get(e.key());
            assertArrayEquals(e.shape(), t.shape(), file + " " + e.key() + " shape");
            if (e.floatBits() != null) {
                assertTrue(t.isFloating(), file + " " + e.key() + " floating");
                int[] bits = new int[t.numel()];
                for (int i = 0; i < bits.length; i++) {
                    bits[i] = Float.floatToRawIntBits(t.floats()[i]);
                }
                assertArrayEquals(e.floatBits(), bits, file + " " + e.key() + " values");
            } else {
                assertFalse(t.isFloating(), file + " " + e.key() + " integer");
                assertArrayEquals(e.longs(), t.longs(), file + " " + e.key() + " values");
            }
        }
    }

    @Test
    void zipAndLegacyBareStateDictsMatchTorchBitForBit() throws Exception {
        Map<String, SequencedMap<String, Expected>> expected = expected();
        assertEquals(List.of("zip_bare.pth", "legacy_bare.pth"), new ArrayList<>(expected.keySet()));
        for (var e : expected.entrySet()) {
            assertSameTensors(e.getValue(), TorchCheckpoint.stateDict(resource(e.getKey())), e.getKey());
        }
    }

    @Test
    void wrappedStateDictsLoseTheirModulePrefix() throws Exception {
        SequencedMap<String, Expected> want = expected().get("zip_bare.pth");
        for (String file : List.of("zip_wrapped_module.pth", "legacy_wrapped_module.pth.tar")) {
            assertSameTensors(want, TorchCheckpoint.stateDict(resource(file)), file);
            Map<?, ?> root = assertInstanceOf(Map.class, TorchCheckpoint.read(resource(file)));
            assertEquals(3L, root.get("epoch"), file);
            assertEquals(0.5, root.get("best_acc"), file);
            Map<?, ?> inner = assertInstanceOf(Map.class, root.get("state_dict"));
            assertTrue(inner.keySet().stream().allMatch(k -> ((String) k).startsWith("module.")), file);
        }
    }

    @Test
    void sourceTypesAreReported() throws Exception {
        for (String file : List.of("zip_bare.pth", "legacy_bare.pth")) {
            SequencedMap<String, TorchTensor> sd = TorchCheckpoint.stateDict(resource(file));
            assertEquals(TorchTensor.ElementType.FLOAT32, sd.get("conv.weight").sourceType());
            assertEquals(TorchTensor.ElementType.FLOAT16, sd.get("half.weight").sourceType());
            assertEquals(TorchTensor.ElementType.FLOAT64, sd.get("double.bias").sourceType());
            assertEquals(TorchTensor.ElementType.BFLOAT16, sd.get("bf16.weight").sourceType());
            TorchTensor tracked = sd.get("bn.num_batches_tracked");
            assertEquals(TorchTensor.ElementType.INT64, tracked.sourceType());
            assertEquals(0, tracked.shape().length);
            assertNull(tracked.floats());
            assertEquals(12345678901L, tracked.longs()[0]);
        }
    }
}
