package org.compofa.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.compofa.export.ModelFileException.Reason;
import org.compofa.nn.Network;
import org.compofa.nn.NetworkSpec;
import org.compofa.ops.KernelTransform;
import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.space.Activation;
import org.compofa.space.MobileNetV3Geometry;
import org.compofa.space.StageSpec;
import org.compofa.space.StageTable;
import org.compofa.space.Subnet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A valid model file written by {@link ModelFile#write}, then altered with its CRC recomputed so the
 * checksum passes: every length and count field set to lying values, truncations, random byte flips.
 * Each case must end in one {@link ModelFileException} naming the file, never an
 * OutOfMemoryError, NegativeArraySizeException, BufferUnderflowException or index error. The
 * field offsets come from this test's own walk of the documented layout, not from the reader.
 */
class ModelFileMalformedTest {
    @TempDir
    static Path dir;
    private static ComputeContext ctx;
    private static byte[] good;
    private static Layout layout;

    /** Where the fields of the good file sit: the length/count fields and the float payloads. */
    record Layout(List<Field> lengths, List<int[]> payloads, int headerStart, int headerEnd) {
    }

    /** One 4-byte length, count, rank or dimension field at {@code offset}. */
    record Field(String what, int offset, int value) {
    }

    @BeforeAll
    static void writeValidModel() throws IOException {
        ctx = ComputeContext.open(Backend.CPU);
        try (Network net = new Network(ctx, NetworkSpec.supernet(geometry(), 2, KernelTransform.NONE), 5)) {
            Path file = dir.resolve("good.cmpf");
            Subnet subnet = new Subnet(new int[] {2, 1}, new int[] {3, 7, 5, 3}, new int[] {3, 6, 4, 4}, 13);
            ModelFile.write(file, net, subnet, "test-space");
            good = Files.readAllBytes(file);
            ModelFile.read(file, ctx).network().close(); // the unaltered file loads
        }
        layout = walk(good);
    }

    /** Two small stages (one with squeeze-excite): every kind of array, few floats, fast cases. */
    static MobileNetV3Geometry geometry() {
        return new MobileNetV3Geometry(new StageTable(8, 2, 8, List.of(new StageSpec(8, 1, Activation.RELU, false),
                new StageSpec(16, 2, Activation.H_SWISH, true)), 24, 32), 3, 7);
    }

    @AfterAll
    static void close() {
        ctx.close();
    }

    /** Walks the layout: magic, version, header length, header, count, per array name/rank/dims/floats, CRC. */
    static Layout walk(byte[] b) {
        ByteBuffer in = ByteBuffer.wrap(b, 0, b.length - 4);
        in.position(12);
        List<Field> fields = new ArrayList<>();
        List<int[]> payloads = new ArrayList<>();
        int hl = in.getInt();
        fields.add(new Field("header length", 12, hl));
        int headerStart = in.position();
        in.position(in.position() + hl);
        fields.add(new Field("array count", in.position(), in.getInt()));
        int n = fields.getLast().value();
        for (int i = 0; i < n; i++) {
            fields.add(new Field("name length " + i, in.position(), in.getInt()));
            in.position(in.position() + fields.getLast().value());
            fields.add(new Field("rank " + i, in.position(), in.getInt()));
            int rank = fields.getLast().value();
            long count = 1;
            for (int d = 0; d < rank; d++) {
                fields.add(new Field("dim " + d + " of array " + i, in.position(), in.getInt()));
                count *= fields.getLast().value();
            }
            payloads.add(new int[] {in.position(), (int) (4 * count)});
            in.position(in.position() + (int) (4 * count));
        }
        assertEquals(b.length - 4, in.position(), "the test's walk covers the whole body");
        return new Layout(fields, payloads, headerStart, headerStart + hl);
    }

    /** Replaces the last four bytes by the CRC32C of the rest, as the writer does. */
    static byte[] withCrc(byte[] body) {
        CRC32C crc = new CRC32C();
        crc.update(body, 0, body.length - 4);
        ByteBuffer.wrap(body, body.length - 4, 4).putInt((int) crc.getValue());
        return body;
    }

    /** Reads {@code bytes} as a file; returns the typed exception, or null when the file loaded. */
    private static ModelFileException load(String name, byte[] bytes) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, bytes);
        try {
            ModelFile.read(f, ctx).network().close();
            return null;
        } catch (ModelFileException e) {
            assertTrue(e.getMessage().contains(f.toString()), "message names the file: " + e.getMessage());
            assertEquals(f, e.file());
            return e;
        } catch (Throwable t) {
            fail(name + ": expected ModelFileException, got " + t, t);
            return null;
        }
    }

    @Test
    void everyLyingLengthOrCountIsRefusedWithTheTypedException() throws IOException {
        SplittableRandom rnd = new SplittableRandom(41);
        assertTrue(layout.lengths().size() > 60, "enough fields: " + layout.lengths().size());
        int cases = 0;
        for (Field f : layout.lengths()) {
            int[] values = {-1, Integer.MIN_VALUE, Integer.MAX_VALUE, f.value() + 1, f.value() - 1, f.value() * 2 + 3,
                    good.length, rnd.nextInt()};
            for (int v : values) {
                if (v == f.value()) {
                    continue;
                }
                byte[] b = good.clone();
                ByteBuffer.wrap(b).putInt(f.offset(), v);
                ModelFileException e = load("len", withCrc(b));
                assertTrue(e != null, f.what() + " = " + v + " was accepted");
                assertNotEquals(Reason.CHECKSUM_MISMATCH, e.reason(), "the CRC was fixed up: " + e.getMessage());
                cases++;
            }
        }
        assertTrue(cases > 7 * layout.lengths().size(), cases + " cases");
    }

    @Test
    void truncationsAreRefusedWithOrWithoutARecomputedCrc() throws IOException {
        SplittableRandom rnd = new SplittableRandom(43);
        for (int i = 0; i < 101; i++) {
            int keep = i < 30 ? i : rnd.nextInt(good.length);
            byte[] cut = Arrays.copyOf(good, keep);
            ModelFileException plain = load("cut", cut);
            assertTrue(plain != null, "cut to " + keep + " bytes was accepted");
            if (keep >= ModelFileReader.MIN_LENGTH && keep != good.length - 4) { // that one reseals to the original
                // The cut body with a fresh CRC after it: the checksum passes, the structure must not.
                byte[] resealed = withCrc(Arrays.copyOf(cut, keep + 4));
                ModelFileException e = load("resealed", resealed);
                assertTrue(e != null, "cut to " + keep + " bytes and resealed was accepted");
                assertNotEquals(Reason.CHECKSUM_MISMATCH, e.reason(), e.getMessage());
            }
        }
    }

    @Test
    void randomFlipsWithARecomputedCrcNeverEscapeAsAnotherException() throws IOException {
        SplittableRandom rnd = new SplittableRandom(47);
        int structuralRefused = 0;
        for (int i = 0; i < 201; i++) {
            byte[] b = good.clone();
            int at = rnd.nextInt(good.length - 4);
            b[at] ^= (byte) (1 + rnd.nextInt(255));
            ModelFileException e = load("flip", withCrc(b));
            // A flip inside a float payload, or one that leaves the header's text well formed (the space
            // id, a resolution), is a valid file with other contents: it may load. Anywhere else (magic,
            // version, a length, a name, a rank, a dimension) it must be refused.
            if (!inPayload(at) && !inHeader(at)) {
                assertTrue(e != null, "flip at " + at + " was accepted");
                assertNotEquals(Reason.CHECKSUM_MISMATCH, e.reason(), e.getMessage());
                structuralRefused++;
            }
        }
        assertTrue(structuralRefused > 5, structuralRefused + " structural flips");
    }

    @Test
    void flipsWithoutARecomputedCrcAreChecksumMismatches() throws IOException {
        SplittableRandom rnd = new SplittableRandom(53);
        for (int i = 0; i < 31; i++) {
            byte[] b = good.clone();
            int at = 12 + rnd.nextInt(good.length - 12); // after magic and version, CRC bytes included
            b[at] ^= (byte) (1 + rnd.nextInt(255));
            assertEquals(Reason.CHECKSUM_MISMATCH, load("bitrot", b).reason());
        }
    }

    @Test
    void headerLiesAboutTheArchitectureAreRefusedBeforeAllocating() throws IOException {
        String header = new String(good, layout.headerStart(), layout.headerEnd() - layout.headerStart(),
                java.nio.charset.StandardCharsets.UTF_8);
        String[][] lies = {
            {"classes=7", "classes=2000000000"}, // a classifier of 2e9 x 32 floats
            {"head=24,32", "head=24,1999999999"},
            {"first_block=8", "first_block=-8"},
            {"stem=8,2", "stem=8"},
            {"classes=7", "classes=seven"},
            {"space=test-space\n", ""},
        };
        for (String[] lie : lies) {
            assertTrue(header.contains(lie[0]), lie[0] + " in " + header);
            ModelFileException e = load("lie", withHeader(header.replace(lie[0], lie[1])));
            assertTrue(e != null, lie[1] + " was accepted");
            assertTrue(e.reason() == Reason.MALFORMED || e.reason() == Reason.WEIGHTS_MISMATCH, e.getMessage());
        }
    }

    /** The good file with another header text (its length field rewritten) and a fresh CRC. */
    private static byte[] withHeader(String header) {
        byte[] h = header.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(good.length - (layout.headerEnd() - layout.headerStart()) + h.length);
        out.put(good, 0, 12).putInt(h.length).put(h);
        out.put(good, layout.headerEnd(), good.length - layout.headerEnd());
        return withCrc(out.array());
    }

    private static boolean inPayload(int at) {
        return layout.payloads().stream().anyMatch(p -> at >= p[0] && at < p[0] + p[1]);
    }

    private static boolean inHeader(int at) {
        return at >= layout.headerStart() && at < layout.headerEnd();
    }
}
