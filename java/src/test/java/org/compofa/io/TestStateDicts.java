package org.compofa.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.SequencedMap;
import java.util.SplittableRandom;
import org.compofa.io.torch.TorchTensor;
import org.compofa.io.torch.TorchTensor.ElementType;

/** Seeded random state dicts for the writer tests, and a bit-for-bit comparison. */
public final class TestStateDicts {
    private TestStateDicts() {
    }

    /**
     * Odd shapes (4-d conv, depthwise, 1-element, 0-d float, 0-d int64 like BN's num_batches_tracked,
     * empty with a zero in the middle), floats drawn as random bit patterns (NaN payloads, infinities,
     * subnormals, -0 included) and int64 extremes, under names in no sorted order.
     */
    public static SequencedMap<String, TorchTensor> odd(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        SequencedMap<String, TorchTensor> sd = new LinkedHashMap<>();
        sd.put("first_conv.conv.weight", floats(r, 7, 3, 5, 5));
        sd.put("blocks.0.conv.depth_conv.conv.weight", floats(r, 13, 1, 7, 7));
        sd.put("bn.weight", floats(r, 13));
        sd.put("bn.num_batches_tracked", longs(r, new long[] {Math.abs(r.nextLong()) % 100000}));
        sd.put("a.scalar", floats(r));
        sd.put("classifier.linear.bias", floats(r, 1));
        sd.put("se.fc.reduce.weight", floats(r, 3, 1, 1));
        sd.put("empty", floats(r, 2, 0, 3));
        sd.put("ints", longs(r, new long[] {Long.MIN_VALUE, Long.MAX_VALUE, -1, 0, r.nextLong()}, 5));
        sd.put("unicode \u00e9\u4e2d \"q\" \\", floats(r, 2, 2));
        return sd;
    }

    /** {@code count} small tensors (many entries: pickle memo past 255, SETITEMS batches past 1000). */
    public static SequencedMap<String, TorchTensor> many(long seed, int count) {
        SplittableRandom r = new SplittableRandom(seed);
        SequencedMap<String, TorchTensor> sd = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            sd.put("layer" + (count - i) + (i % 3 == 0 ? ".num_batches_tracked" : ".weight"),
                    i % 3 == 0 ? longs(r, new long[] {r.nextInt(1 << 20)}) : floats(r, 1 + r.nextInt(3), 1 + r.nextInt(300)));
        }
        return sd;
    }

    /** A float tensor of random bit patterns. */
    public static TorchTensor floats(SplittableRandom r, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = i % 5 == 4 ? Float.intBitsToFloat(r.nextInt()) : (float) r.nextGaussian();
        }
        return new TorchTensor(ElementType.FLOAT32, shape, f, null);
    }

    private static TorchTensor longs(SplittableRandom r, long[] values, int... shape) {
        return new TorchTensor(ElementType.INT64, shape, null, values);
    }

    /** The tensor's elements as the little-endian bytes a float32 / int64 storage holds. */
    public static byte[] littleEndian(TorchTensor t) {
        ByteBuffer b = ByteBuffer.allocate(t.numel() * (t.isFloating() ? 4 : 8)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < t.numel(); i++) {
            if (t.isFloating()) {
                b.putInt(Float.floatToRawIntBits(t.floats()[i]));
            } else {
                b.putLong(t.longs()[i]);
            }
        }
        return b.array();
    }

    /** Same names in the same order, same shapes, same element bits. */
    public static void assertSame(SequencedMap<String, TorchTensor> want, SequencedMap<String, TorchTensor> got) {
        assertEquals(new ArrayList<>(want.keySet()), new ArrayList<>(got.keySet()), "names in order");
        for (var e : want.entrySet()) {
            TorchTensor w = e.getValue();
            TorchTensor g = got.get(e.getKey());
            assertArrayEquals(w.shape(), g.shape(), e.getKey() + " shape");
            assertEquals(w.isFloating(), g.isFloating(), e.getKey() + " floating");
            assertArrayEquals(littleEndian(w), littleEndian(g), e.getKey() + " element bits");
        }
    }
}
