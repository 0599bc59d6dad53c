package org.compofa.train;

import static org.compofa.train.CheckpointFixtures.assertSameCheckpoint;
import static org.compofa.train.CheckpointFixtures.sample;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.compofa.train.CheckpointException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoint format: bit-exact round trip, atomic replacement, typed errors. Pure Java. */
class CheckpointFileTest {
    @TempDir
    Path dir;

    @Test
    void roundTripIsBitExactWithAllMetadata() throws IOException {
        Checkpoint ck = sample(1021, 50_021); // crosses the 16 Ki-float chunk boundary
        Path file = dir.resolve("a.ckpt");
        CheckpointFile.write(file, ck);
        LoadedCheckpoint loaded = CheckpointFile.read(file);
        assertEquals(file, loaded.file());
        assertSameCheckpoint(ck, loaded.checkpoint());
        assertArrayEquals(new long[] {Long.MIN_VALUE, 0, 42, 1021}, loaded.checkpoint().state().rngState());
        assertEquals(3.25f, loaded.require("scalar").values()[0]);
        assertEquals(Set.of(file), Set.copyOf(listDir()), "no temporary file left behind");
    }

    @Test
    void aWriteThatCrashesHalfwayLeavesThePreviousFileIntact() throws IOException {
        Path file = dir.resolve("b.ckpt");
        Checkpoint first = sample(10, 4099);
        CheckpointFile.write(file, first);
        byte[] before = Files.readAllBytes(file);
        var e = assertThrows(CheckpointException.class,
                () -> CheckpointFile.write(file, sample(20, 4099), out -> new CrashAfter(out, 5000)));
        assertEquals(Reason.IO, e.reason());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file));
        assertSameCheckpoint(first, CheckpointFile.read(file).checkpoint());
        assertEquals(List.of(file), listDir(), "the partial temporary file is removed");
    }

    @Test
    void everySingleByteFlipIsDetectedWithATypedReason() throws IOException {
        Path good = dir.resolve("good.ckpt");
        CheckpointFile.write(good, sample(3, 37));
        byte[] original = Files.readAllBytes(good);
        Path bad = dir.resolve("bad.ckpt");
        for (int pos = 0; pos < original.length; pos++) {
            Files.write(bad, original);
            CheckpointFixtures.flipByte(bad, pos);
            var e = assertThrows(CheckpointException.class, () -> CheckpointFile.read(bad), "flip at " + pos);
            Reason want = pos < 8 ? Reason.NOT_A_CHECKPOINT : pos < 12 ? Reason.UNKNOWN_VERSION
                    : pos < 20 ? e.reason() : Reason.CHECKSUM_MISMATCH;
            assertEquals(want, e.reason(), "flip at " + pos + ": " + e.getMessage());
            if (pos >= 12 && pos < 20) { // the length field
                assertTrue(Set.of(Reason.TRUNCATED, Reason.MALFORMED).contains(e.reason()), e.getMessage());
            }
            assertTrue(e.getMessage().contains(bad.toString()), "names the file: " + e.getMessage());
            assertEquals(bad, e.file());
        }
    }

    @Test
    void checksumErrorNamesFileAndValues() throws IOException {
        Path file = dir.resolve("c.ckpt");
        CheckpointFile.write(file, sample(5, 1021));
        CheckpointFixtures.flipByte(file, Files.size(file) / 2);
        var e = assertThrows(CheckpointException.class, () -> CheckpointFile.read(file));
        assertEquals(Reason.CHECKSUM_MISMATCH, e.reason());
        assertTrue(e.getMessage().startsWith("checkpoint " + file + ": checksum mismatch: stored CRC32C"),
                e.getMessage());
    }

    @Test
    void truncationAtAnyLengthIsTruncated() throws IOException {
        Path good = dir.resolve("good.ckpt");
        CheckpointFile.write(good, sample(3, 1021));
        long size = Files.size(good);
        Path cut = dir.resolve("cut.ckpt");
        for (long len : new long[] {0, 5, 8, 19, 20, 21, size / 2, size - 4, size - 1}) {
            Files.copy(good, cut, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            CheckpointFixtures.truncate(cut, len);
            var e = assertThrows(CheckpointException.class, () -> CheckpointFile.read(cut), "length " + len);
            assertEquals(Reason.TRUNCATED, e.reason(), "length " + len + ": " + e.getMessage());
        }
    }

    @Test
    void otherProblemsHaveTheirOwnReasons() throws IOException {
        Path file = dir.resolve("d.ckpt");
        CheckpointFile.write(file, sample(3, 10));
        Files.write(file, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        assertEquals(Reason.MALFORMED, assertThrows(CheckpointException.class, () -> CheckpointFile.read(file))
                .reason(), "trailing bytes");

        CheckpointFile.write(file, sample(3, 10));
        byte[] b = Files.readAllBytes(file);
        b[11] = 2; // version 1 -> 2
        Files.write(file, b);
        var version = assertThrows(CheckpointException.class, () -> CheckpointFile.read(file));
        assertEquals(Reason.UNKNOWN_VERSION, version.reason());
        assertTrue(version.getMessage().contains("version 2; this reader knows version 1"), version.getMessage());

        Files.writeString(file, "epoch,loss\n1,2.3\n");
        assertEquals(Reason.NOT_A_CHECKPOINT, assertThrows(CheckpointException.class,
                () -> CheckpointFile.read(file)).reason());
        assertEquals(Reason.IO, assertThrows(CheckpointException.class,
                () -> CheckpointFile.read(dir.resolve("absent.ckpt"))).reason());
    }

    @Test
    void requiredTensorsAreCheckedByNameAndShape() throws IOException {
        Path file = dir.resolve("e.ckpt");
        CheckpointFile.write(file, sample(3, 10));
        LoadedCheckpoint ck = CheckpointFile.read(file);
        assertEquals(3 * 7 * 11, ck.require("first_conv.conv.weight", 3, 7, 11).values().length);
        var missing = assertThrows(CheckpointException.class, () -> ck.require("classifier.linear.weight", 1000, 1280));
        assertEquals(Reason.MISSING_TENSOR, missing.reason());
        assertTrue(missing.getMessage().contains(file.toString()) && missing.getMessage()
                .contains("'classifier.linear.weight'"), missing.getMessage());
        var shape = assertThrows(CheckpointException.class, () -> ck.require("first_conv.conv.weight", 3, 77));
        assertEquals(Reason.SHAPE_MISMATCH, shape.reason());
        assertTrue(shape.getMessage().contains("[3, 7, 11], expected [3, 77]"), shape.getMessage());
    }

    @Test
    void invalidContentsAreRejectedBeforeWriting() {
        assertThrows(IllegalArgumentException.class, () -> new NamedArray("w", new int[] {2, 3}, new float[5]));
        assertThrows(IllegalArgumentException.class, () -> new NamedArray("bad\nname", new int[] {1}, new float[1]));
        Checkpoint ck = sample(1, 4);
        List<NamedArray> dup = List.of(ck.arrays().get(1), ck.arrays().get(1));
        var e = assertThrows(IllegalArgumentException.class, () -> new Checkpoint("r", "s", ck.state(), ck.config(),
                ck.attributes(), dup));
        assertTrue(e.getMessage().contains("appears twice"), e.getMessage());
    }

    private List<Path> listDir() throws IOException {
        try (var s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    /** A stream that dies after {@code limit} bytes, like a process killed mid-write. */
    static final class CrashAfter extends FilterOutputStream {
        private long left;

        CrashAfter(OutputStream out, long limit) {
            super(out);
            this.left = limit;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            int n = (int) Math.min(len, left);
            out.write(b, off, n);
            left -= n;
            if (n < len) {
                throw new IOException("simulated crash after writing part of the checkpoint");
            }
        }
    }
}
