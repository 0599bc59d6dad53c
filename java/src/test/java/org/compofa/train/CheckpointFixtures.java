package org.compofa.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Sample checkpoints with awkward contents, and byte surgery on files. */
final class CheckpointFixtures {
    private CheckpointFixtures() {
    }

    /** A checkpoint at {@code step} with odd-sized arrays, special floats and awkward metadata. */
    static Checkpoint sample(long step, int values) {
        SplittableRandom rnd = new SplittableRandom(1021 + step);
        float[] big = new float[values];
        for (int i = 0; i < big.length; i++) {
            big[i] = (float) rnd.nextGaussian();
        }
        float[] special = {Float.NaN, Float.intBitsToFloat(0x7fc01234), -0.0f, 0.0f, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, Float.MIN_VALUE, Float.MAX_VALUE, 1e-40f};
        float[] conv = new float[3 * 7 * 11];
        for (int i = 0; i < conv.length; i++) {
            conv[i] = i * 0.5f - 17;
        }
        List<NamedArray> arrays = List.of(
                new NamedArray("blocks.1.conv.depth_conv.conv.weight", new int[] {values}, big),
                new NamedArray("special", new int[] {special.length}, special),
                new NamedArray("first_conv.conv.weight", new int[] {3, 7, 11}, conv),
                new NamedArray("scalar", new int[] {}, new float[] {3.25f}),
                new NamedArray("empty", new int[] {0, 5}, new float[0]),
                new NamedArray("momentum/first_conv.conv.weight", new int[] {3, 7, 11}, conv.clone()));
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("best_top1", "0.7712");
        attrs.put("note", "commas, \"quotes\", ünïcödé = and\ttabs");
        RunState state = new RunState((int) (step / 13), (int) (step % 13), step, -7L,
                new long[] {Long.MIN_VALUE, 0, 42, step});
        return new Checkpoint("run-2024.01", "compofa_mbv3_w1.0_r128-224", state,
                TrainingPreset.COMPOFA_PHASE2.config(), attrs, arrays);
    }

    static void assertSameCheckpoint(Checkpoint want, Checkpoint got) {
        assertEquals(want.runId(), got.runId());
        assertEquals(want.spaceId(), got.spaceId());
        assertEquals(want.state(), got.state());
        assertEquals(want.config(), got.config());
        assertEquals(want.attributes(), got.attributes());
        assertEquals(List.copyOf(want.attributes().keySet()), List.copyOf(got.attributes().keySet()));
        assertEquals(want.arrays().size(), got.arrays().size());
        for (int i = 0; i < want.arrays().size(); i++) {
            NamedArray a = want.arrays().get(i);
            NamedArray b = got.arrays().get(i);
            assertEquals(a.name(), b.name());
            assertEquals(List.of(box(a.shape())), List.of(box(b.shape())));
            for (int k = 0; k < a.values().length; k++) {
                assertEquals(Float.floatToRawIntBits(a.values()[k]), Float.floatToRawIntBits(b.values()[k]),
                        a.name() + "[" + k + "] bit pattern");
            }
        }
        assertEquals(want, got);
    }

    private static Integer[] box(int[] v) {
        return java.util.Arrays.stream(v).boxed().toArray(Integer[]::new);
    }

    static void flipByte(Path file, long position) throws IOException {
        byte[] b = Files.readAllBytes(file);
        b[(int) position] ^= (byte) 0x10;
        Files.write(file, b);
    }

    static void truncate(Path file, long length) throws IOException {
        byte[] b = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(b, (int) length));
    }
}
