package org.compofa.io.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.compofa.io.torch.TorchCheckpointException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints made to hurt: code-running globals, truncation, wrong magic, lying sizes, deep nesting,
 * cycles, random corruption. Each must end in a {@link TorchCheckpointException} with a message, and
 * nothing else (no other exception, no huge allocation).
 */
class TorchCheckpointHostileTest {
    @TempDir
    Path dir;

    // ---- pickle and file builders (protocol 2, as legacy torch.save writes) ----

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] b(int... v) {
        byte[] r = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = (byte) v[i];
        }
        return r;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** BINUNICODE of {@code s}. */
    static byte[] str(String s) {
        byte[] u = s.getBytes(StandardCharsets.UTF_8);
        return cat(b('X'), le32(u.length), u);
    }

    static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    static byte[] le64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    /** LONG1 of a non-negative value below 2^63. */
    static byte[] long1(long v) {
        return cat(b(0x8a, 8), le64(v));
    }

    static final byte[] PROTO2 = b(0x80, 2);
    static final byte[] MAGIC = cat(PROTO2, b(0x8a, 10), b(0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19), b('.'));
    static final byte[] PROTOCOL = cat(PROTO2, b('M', 0xe9, 0x03, '.'));
    static final byte[] SYS_INFO = cat(PROTO2, b('}'), str("little_endian"), b(0x88, 's', '.'));

    /** A legacy file: the three header pickles, {@code object}, then {@code tail} (key list and data). */
    static byte[] legacy(byte[] object, byte[] tail) {
        return cat(MAGIC, PROTOCOL, SYS_INFO, object, tail);
    }

    /** {@code {'w': _rebuild_tensor_v2(storage('0', numel), 0, size, stride, False, OrderedDict())}}. */
    static byte[] tensorPickle(long storageNumel, long[] size, long[] stride) {
        return tensorPickle(storageNumel, size, stride, true);
    }

    /** As above; the persistent id has the legacy format's sixth field (view, None) when {@code legacy}. */
    static byte[] tensorPickle(long storageNumel, long[] size, long[] stride, boolean legacy) {
        return tensorPickle(storageNumel, size, stride, legacy ? b('N') : new byte[0]);
    }

    /** As above with the given sixth persistent-id field (empty: none, as in the zip format). */
    static byte[] tensorPickle(long storageNumel, long[] size, long[] stride, byte[] view) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(PROTO2);
        o.writeBytes(b('}'));
        o.writeBytes(str("w"));
        o.writeBytes(ascii("ctorch._utils\n_rebuild_tensor_v2\n"));
        o.writeBytes(b('('));
        o.writeBytes(b('(')); // persistent id tuple
        o.writeBytes(str("storage"));
        o.writeBytes(ascii("ctorch\nFloatStorage\n"));
        o.writeBytes(str("0"));
        o.writeBytes(str("cpu"));
        o.writeBytes(long1(storageNumel));
        o.writeBytes(view);
        o.writeBytes(b('t', 'Q'));
        o.writeBytes(b('K', 0));
        o.writeBytes(b('('));
        for (long s : size) {
            o.writeBytes(long1(s));
        }
        o.writeBytes(b('t', '('));
        for (long s : stride) {
            o.writeBytes(long1(s));
        }
        o.writeBytes(b('t', 0x89));
        o.writeBytes(ascii("ccollections\nOrderedDict\n"));
        o.writeBytes(b(')', 'R', 't', 'R', 's', '.'));
        return o.toByteArray();
    }

    static byte[] noKeys() {
        return cat(PROTO2, b(']', '.'));
    }

    static byte[] keyList() {
        return cat(PROTO2, b(']', '('), str("0"), b('e', '.'));
    }

    Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    static TorchCheckpointException refused(Path p) {
        TorchCheckpointException e = assertThrows(TorchCheckpointException.class, () -> TorchCheckpoint.read(p));
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        assertFalse(e.getMessage().isBlank());
        return e;
    }

    static void assertReason(Reason want, TorchCheckpointException e) {
        assertEquals(want, e.reason(), e.getMessage());
    }

    /** A zip with one STORED entry per (name, bytes) pair. */
    static byte[] zip(Object... nameBytes) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bos)) {
            for (int i = 0; i < nameBytes.length; i += 2) {
                byte[] data = (byte[]) nameBytes[i + 1];
                ZipEntry e = new ZipEntry((String) nameBytes[i]);
                e.setMethod(ZipEntry.STORED);
                e.setSize(data.length);
                CRC32 crc = new CRC32();
                crc.update(data);
                e.setCrc(crc.getValue());
                z.putNextEntry(e);
                z.write(data);
                z.closeEntry();
            }
        }
        return bos.toByteArray();
    }

    // ---- the tests ----

    @Test
    void aWellFormedHandMadeLegacyFileIsRead() throws Exception {
        // Guards the builders: the hostile variants below differ from this in one thing each.
        byte[] data = cat(le64(6), new byte[24]);
        Object root = TorchCheckpoint.read(write("ok.pth", legacy(tensorPickle(6, new long[] {2, 3},
                new long[] {3, 1}), cat(keyList(), data))));
        TorchTensor t = (TorchTensor) ((java.util.Map<?, ?>) root).get("w");
        assertEquals(6, t.numel());
    }

    @Test
    void legacyStorageViewsAreReadAndBoundsChecked() throws Exception {
        ByteBuffer data = ByteBuffer.allocate(8 + 24).order(ByteOrder.LITTLE_ENDIAN).putLong(6);
        for (int i = 0; i < 6; i++) {
            data.putFloat(i + 0.5f);
        }
        byte[] view = cat(b('('), str("0"), long1(2), long1(4), b('t')); // elements 2..5 of storage '0'
        Object root = TorchCheckpoint.read(write("view.pth", legacy(tensorPickle(6, new long[] {2, 2},
                new long[] {2, 1}, view), cat(keyList(), data.array()))));
        TorchTensor t = (TorchTensor) ((java.util.Map<?, ?>) root).get("w");
        assertEquals(java.util.List.of(2.5f, 3.5f, 4.5f, 5.5f),
                java.util.List.of(t.floats()[0], t.floats()[1], t.floats()[2], t.floats()[3]));
        byte[] outside = cat(b('('), str("0"), long1(3), long1(4), b('t'));
        assertReason(Reason.TOO_LARGE, refused(write("view_outside.pth", legacy(tensorPickle(6, new long[] {4},
                new long[] {1}, outside), cat(keyList(), data.array())))));
        assertReason(Reason.TOO_LARGE, refused(write("past_view.pth", legacy(tensorPickle(6, new long[] {5},
                new long[] {1}, view), cat(keyList(), data.array())))));
    }

    @Test
    void osSystemIsRefusedByName() throws Exception {
        byte[] evil = cat(PROTO2, ascii("cos\nsystem\n"), str("echo pwned"), b(0x85, 'R', '.'));
        TorchCheckpointException e = refused(write("legacy_os.pth", legacy(evil, keyList())));
        assertReason(Reason.FORBIDDEN_GLOBAL, e);
        assertTrue(e.getMessage().contains("os.system"), e.getMessage());
        // The same pickle as a zip checkpoint's data.pkl.
        e = refused(write("zip_os.pth", zip("archive/data.pkl", evil, "archive/version", ascii("3\n"))));
        assertReason(Reason.FORBIDDEN_GLOBAL, e);
        assertTrue(e.getMessage().contains("os.system"), e.getMessage());
        // Even as the very first pickle of a legacy file.
        e = refused(write("first_os.pth", evil));
        assertReason(Reason.FORBIDDEN_GLOBAL, e);
    }

    @Test
    void builtinsEvalThroughStackGlobalIsRefusedByName() throws Exception {
        byte[] evil = cat(b(0x80, 4, 0x8c, 8), ascii("builtins"), b(0x8c, 4), ascii("eval"), b(0x93),
                b(0x8c, 9), ascii("1+1 == 2 "), b(0x85, 'R', '.'));
        TorchCheckpointException e = refused(write("eval.pth", legacy(evil, keyList())));
        assertReason(Reason.FORBIDDEN_GLOBAL, e);
        assertTrue(e.getMessage().contains("builtins.eval"), e.getMessage());
    }

    @Test
    void anAllowedGlobalThatIsNotCallableIsNotCalled() throws Exception {
        byte[] call = cat(PROTO2, ascii("ctorch\nFloatStorage\n"), b(')', 'R', '.'));
        TorchCheckpointException e = refused(write("call_storage.pth", legacy(call, keyList())));
        assertReason(Reason.FORBIDDEN_GLOBAL, e);
        assertTrue(e.getMessage().contains("torch.FloatStorage"), e.getMessage());
    }

    @Test
    void everyTruncationOfTheFixturesIsRefused() throws Exception {
        for (String name : new String[] {"legacy_bare.pth", "zip_bare.pth", "legacy_wrapped_module.pth.tar"}) {
            byte[] whole = Files.readAllBytes(TorchCheckpointTest.resource(name));
            Path p = dir.resolve("cut_" + name);
            for (int n = 0; n < whole.length; n++) {
                Files.write(p, Arrays.copyOf(whole, n));
                refused(p);
            }
        }
    }

    @Test
    void randomCorruptionGivesDataOrATypedError() throws Exception {
        SplittableRandom rng = new SplittableRandom(1021);
        int refusedCount = 0;
        for (String name : new String[] {"legacy_bare.pth", "zip_bare.pth"}) {
            byte[] whole = Files.readAllBytes(TorchCheckpointTest.resource(name));
            Path p = dir.resolve("bad_" + name);
            for (int trial = 0; trial < 600; trial++) {
                byte[] bad = whole.clone();
                for (int k = 1 + rng.nextInt(3); k > 0; k--) {
                    bad[rng.nextInt(bad.length)] = (byte) rng.nextInt(256);
                }
                Files.write(p, bad);
                try {
                    TorchCheckpoint.read(p);
                } catch (TorchCheckpointException e) {
                    assertFalse(e.getMessage().isBlank());
                    refusedCount++;
                }
            }
        }
        assertTrue(refusedCount > 0, "some corruptions must be noticed");
    }

    @Test
    void wrongMagicAndNonCheckpointsAreRefused() throws Exception {
        byte[] otherMagic = MAGIC.clone();
        otherMagic[5] ^= 1;
        assertReason(Reason.NOT_A_CHECKPOINT, refused(write("magic.pth",
                cat(otherMagic, PROTOCOL, SYS_INFO, tensorPickle(6, new long[] {6}, new long[] {1})))));
        assertReason(Reason.NOT_A_CHECKPOINT, refused(write("text.pth", ascii("hello, not a checkpoint\n"))));
        assertReason(Reason.NOT_A_CHECKPOINT, refused(write("empty.pth", new byte[0])));
        assertReason(Reason.NOT_A_CHECKPOINT, refused(write("nopkl.pth", zip("a/version", ascii("3\n")))));
        byte[] otherProtocol = cat(PROTO2, b('M', 0xea, 0x03, '.'));
        assertReason(Reason.NOT_A_CHECKPOINT, refused(write("protocol.pth", cat(MAGIC, otherProtocol, SYS_INFO))));
    }

    @Test
    void aTeraElementShapeIsRefusedBeforeAllocation() throws Exception {
        byte[] data = cat(le64(6), new byte[24]);
        TorchCheckpointException e = refused(write("tera.pth", legacy(tensorPickle(6, new long[] {1_000_000, 1_000_000},
                new long[] {1_000_000, 1}), cat(keyList(), data))));
        assertReason(Reason.TOO_LARGE, e);
        // A shape whose element count overflows 64 bits.
        e = refused(write("overflow.pth", legacy(tensorPickle(6, new long[] {1L << 40, 1L << 40, 1L << 40},
                new long[] {1L << 62, 1L << 40, 1}), cat(keyList(), data))));
        assertTrue(e.reason() == Reason.TOO_LARGE || e.reason() == Reason.UNSUPPORTED_TENSOR, e.getMessage());
    }

    @Test
    void aStorageClaimingTeraElementsIsRefusedBeforeAllocation() throws Exception {
        long tera = 1_000_000_000_000L;
        byte[] pickle = tensorPickle(tera, new long[] {6}, new long[] {1});
        assertReason(Reason.TRUNCATED, refused(write("tera_count.pth",
                legacy(pickle, cat(keyList(), le64(tera), new byte[24])))));
        // Count disagreeing with the pickle.
        assertReason(Reason.BAD_STORAGE, refused(write("lying_count.pth",
                legacy(tensorPickle(6, new long[] {6}, new long[] {1}), cat(keyList(), le64(7), new byte[28])))));
        // Zip: the pickle claims more elements than the storage entry holds.
        byte[] zipPickle = tensorPickle(tera, new long[] {6}, new long[] {1}, false);
        assertReason(Reason.BAD_STORAGE, refused(write("tera_zip.pth", zip("a/data.pkl", zipPickle, "a/data/0",
                new byte[24]))));
        // The same archive with an honest count is read.
        byte[] honest = tensorPickle(6, new long[] {6}, new long[] {1}, false);
        assertTrue(TorchCheckpoint.read(write("ok_zip.pth", zip("a/data.pkl", honest, "a/data/0", new byte[24])))
                instanceof java.util.Map<?, ?>);
    }

    @Test
    void nonContiguousAndOutOfStorageTensorsAreRefused() throws Exception {
        byte[] data = cat(le64(6), new byte[24]);
        assertReason(Reason.UNSUPPORTED_TENSOR, refused(write("transposed.pth", legacy(tensorPickle(6,
                new long[] {2, 3}, new long[] {1, 2}), cat(keyList(), data)))));
        assertReason(Reason.TOO_LARGE, refused(write("past_end.pth", legacy(tensorPickle(6,
                new long[] {7}, new long[] {1}), cat(keyList(), cat(le64(6), new byte[24]))))));
    }

    @Test
    void aZipEntryClaimingAHugeSizeIsRefused() throws Exception {
        byte[] z = zip("a/data.pkl", cat(PROTO2, b('}', '.')), "a/version", ascii("3\n"));
        assertTrue(TorchCheckpoint.read(write("small.pth", z)) instanceof java.util.Map<?, ?>);
        // Patch data.pkl's uncompressed size in the local and central headers to 2^31 - 2.
        ByteBuffer bb = ByteBuffer.wrap(z).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 4 <= z.length; i++) {
            int sig = bb.getInt(i);
            if (sig == 0x04034b50 && bb.getShort(i + 26) == 10) { // local header of "a/data.pkl"
                bb.putInt(i + 22, 0x7ffffffe);
            } else if (sig == 0x02014b50 && bb.getShort(i + 28) == 10) { // central header
                bb.putInt(i + 24, 0x7ffffffe);
            }
        }
        assertReason(Reason.TOO_LARGE, refused(write("huge_entry.pth", z)));
    }

    @Test
    void deepNestingAndCyclesAreRefused() throws Exception {
        int depth = 200_000;
        byte[] deep = new byte[2 + depth + (depth - 1) + 1];
        deep[0] = (byte) 0x80;
        deep[1] = 2;
        Arrays.fill(deep, 2, 2 + depth, (byte) ']');
        Arrays.fill(deep, 2 + depth, deep.length - 1, (byte) 'a');
        deep[deep.length - 1] = '.';
        assertReason(Reason.TOO_LARGE, refused(write("deep.pth", legacy(deep, noKeys()))));
        byte[] marks = new byte[2 + depth];
        marks[0] = (byte) 0x80;
        marks[1] = 2;
        Arrays.fill(marks, 2, marks.length, (byte) '(');
        refused(write("marks.pth", legacy(marks, noKeys())));
        // Many small objects: each opcode a new list; refused before the heap fills.
        byte[] many = new byte[3 + PickleReader.MAX_OPCODES + 1];
        many[0] = (byte) 0x80;
        many[1] = 2;
        Arrays.fill(many, 2, many.length - 1, (byte) ']');
        many[many.length - 1] = '.';
        TorchCheckpointException e = refused(write("many.pth", legacy(many, noKeys())));
        assertReason(Reason.TOO_LARGE, e);
        assertTrue(e.getMessage().contains("opcodes"), e.getMessage());
        byte[] cycle = cat(PROTO2, b(']', 'q', 0, 'h', 0, 'a', '.'));
        assertReason(Reason.MALFORMED_PICKLE, refused(write("cycle.pth", legacy(cycle, noKeys()))));
    }

    @Test
    void lyingStringLengthsAndUnknownOpcodesAreRefused() throws Exception {
        byte[] longString = cat(PROTO2, b('X'), le32(0x7fffffff), ascii("abc"));
        assertReason(Reason.TRUNCATED, refused(write("string.pth", legacy(longString, noKeys()))));
        byte[] bytes8 = cat(b(0x80, 4, 0x8e), le64(Long.MAX_VALUE), b('.'));
        assertReason(Reason.TOO_LARGE, refused(write("bytes8.pth", legacy(bytes8, noKeys()))));
        byte[] unknown = cat(PROTO2, b('I'), ascii("1\n."));
        assertReason(Reason.MALFORMED_PICKLE, refused(write("opcode.pth", legacy(unknown, noKeys()))));
    }
}
