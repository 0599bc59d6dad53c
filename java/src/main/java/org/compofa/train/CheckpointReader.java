package org.compofa.train;

import static org.compofa.train.CheckpointFile.CHUNK_FLOATS;
import static org.compofa.train.CheckpointFile.FORMAT_VERSION;
import static org.compofa.train.CheckpointFile.HEADER_BYTES;
import static org.compofa.train.CheckpointFile.MAGIC;
import static org.compofa.train.CheckpointFile.MAGIC_BYTES;
import static org.compofa.train.CheckpointFile.MIN_LENGTH;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.compofa.train.CheckpointException.Reason;

/**
 * The verifying reader of {@link CheckpointFile}'s format: header, length, checksum, then a
 * bounds-checked parse.
 */
final class CheckpointReader {
    private CheckpointReader() {
    }

    /** See {@link CheckpointFile#read(Path)}. */
    static LoadedCheckpoint read(Path file) throws CheckpointException {
        try {
            long size = Files.size(file);
            long declared = readHeader(file, size);
            verifyChecksum(file, declared);
            return new LoadedCheckpoint(file, parse(file, declared));
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file, Reason.IO, "file does not exist", e);
        } catch (EOFException e) {
            throw new CheckpointException(file, Reason.TRUNCATED, "file ended early while reading", e);
        } catch (CheckpointException e) {
            throw e;
        } catch (IOException e) {
            throw new CheckpointException(file, Reason.IO, e.toString(), e);
        }
    }

    /** Checks magic, version and length; returns the declared length. */
    private static long readHeader(Path file, long size) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(HEADER_BYTES);
        }
        int m = Math.min(head.length, MAGIC_BYTES.length);
        if (!Arrays.equals(head, 0, m, MAGIC_BYTES, 0, m)) {
            throw new CheckpointException(file, Reason.NOT_A_CHECKPOINT, "does not start with '" + MAGIC + "'");
        }
        if (head.length < HEADER_BYTES) {
            throw new CheckpointException(file, Reason.TRUNCATED, "file has " + size + " bytes, the header alone needs "
                    + HEADER_BYTES);
        }
        ByteBuffer h = ByteBuffer.wrap(head, MAGIC_BYTES.length, HEADER_BYTES - MAGIC_BYTES.length);
        int version = h.getInt();
        if (version != FORMAT_VERSION) {
            throw new CheckpointException(file, Reason.UNKNOWN_VERSION, "version " + version
                    + "; this reader knows version " + FORMAT_VERSION);
        }
        long declared = h.getLong();
        if (declared < MIN_LENGTH) {
            throw new CheckpointException(file, Reason.MALFORMED, "declared length " + declared + " is below the minimum "
                    + MIN_LENGTH);
        }
        if (size < declared) {
            throw new CheckpointException(file, Reason.TRUNCATED, "file has " + size + " bytes, header declares "
                    + declared);
        }
        if (size > declared) {
            throw new CheckpointException(file, Reason.MALFORMED, (size - declared)
                    + " bytes after the declared end " + declared);
        }
        return declared;
    }

    private static void verifyChecksum(Path file, long declared) throws IOException {
        CRC32C crc = new CRC32C();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            long left = declared - 4;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new EOFException();
                }
                crc.update(buf, 0, n);
                left -= n;
            }
            int stored = new DataInputStream(in).readInt();
            if (stored != (int) crc.getValue()) {
                throw new CheckpointException(file, Reason.CHECKSUM_MISMATCH, String.format(
                        "stored CRC32C %08x, contents give %08x", stored, (int) crc.getValue()));
            }
        }
    }

    private static Checkpoint parse(Path file, long declared) throws IOException {
        try (InputStream raw = Files.newInputStream(file)) {
            Body in = new Body(file, new DataInputStream(new BufferedInputStream(raw, 1 << 16)), declared - 4);
            in.skipHeader();
            int n = in.count(8, "metadata entries");
            Map<String, String> meta = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                String key = in.string();
                if (meta.put(key, in.string()) != null) {
                    throw in.malformed("metadata key '" + key + "' appears twice");
                }
            }
            int m = in.count(12, "arrays");
            List<NamedArray> arrays = new ArrayList<>(m);
            for (int i = 0; i < m; i++) {
                arrays.add(in.array());
            }
            if (in.remaining != 0) {
                throw in.malformed(in.remaining + " unparsed bytes before the checksum");
            }
            try {
                return CheckpointMetadata.decode(meta, arrays);
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw in.malformed(e.getMessage());
            }
        }
    }

    /** Bounds-checked reads of the body: no length field can make the reader over-allocate. */
    private static final class Body {
        private final Path file;
        private final DataInputStream in;
        private long remaining;

        Body(Path file, DataInputStream in, long end) {
            this.file = file;
            this.in = in;
            this.remaining = end;
        }

        CheckpointException malformed(String detail) {
            return new CheckpointException(file, Reason.MALFORMED, detail);
        }

        void take(long bytes, String what) throws CheckpointException {
            if (bytes < 0 || bytes > remaining) {
                throw malformed(what + " needs " + bytes + " bytes, only " + remaining + " left");
            }
            remaining -= bytes;
        }

        void skipHeader() throws IOException {
            take(HEADER_BYTES, "header");
            in.readNBytes(HEADER_BYTES);
        }

        int count(int minBytesEach, String what) throws IOException {
            take(4, what + " count");
            int n = in.readInt();
            if (n < 0 || (long) n * minBytesEach > remaining) {
                throw malformed(n + " " + what + " cannot fit in the " + remaining + " bytes left");
            }
            return n;
        }

        String string() throws IOException {
            take(4, "string length");
            int len = in.readInt();
            take(len, "string");
            return new String(in.readNBytes(len), StandardCharsets.UTF_8);
        }

        NamedArray array() throws IOException {
            String name = string();
            take(4, "rank of '" + name + "'");
            int rank = in.readInt();
            if (rank < 0 || rank > NamedArray.MAX_RANK) {
                throw malformed("array '" + name + "' has rank " + rank + ", allowed 0 to " + NamedArray.MAX_RANK);
            }
            take(4L * rank, "dims of '" + name + "'");
            int[] shape = new int[rank];
            for (int i = 0; i < rank; i++) {
                shape[i] = in.readInt();
            }
            long count;
            try {
                count = NamedArray.elementCount(name, shape);
            } catch (IllegalArgumentException e) {
                throw malformed(e.getMessage());
            }
            take(4 * count, "values of '" + name + "'");
            float[] v = new float[(int) count];
            ByteBuffer chunk = ByteBuffer.allocate(4 * CHUNK_FLOATS);
            for (int off = 0; off < v.length; off += CHUNK_FLOATS) {
                int k = Math.min(CHUNK_FLOATS, v.length - off);
                in.readFully(chunk.array(), 0, 4 * k);
                chunk.clear();
                chunk.asFloatBuffer().get(v, off, k);
            }
            try {
                return new NamedArray(name, shape, v);
            } catch (IllegalArgumentException e) {
                throw malformed(e.getMessage());
            }
        }
    }
}
