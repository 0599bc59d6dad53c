package org.compofa.train;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;
import org.compofa.train.CheckpointException.Reason;

/**
 * The checkpoint file format, version {@value #FORMAT_VERSION}, and its atomic writer and verifying
 * reader.
 *
 * <p>Layout, all numbers big-endian (Java's {@code DataOutput}; numpy {@code >i4}, {@code >f4}),
 * strings as an int32 byte count then UTF-8:
 * <pre>
 *   magic "CMPFCKPT" (8 bytes) | int32 version | int64 file length (all bytes, checksum included)
 *   int32 n, then n x (key string, value string)         -- metadata ({@link CheckpointMetadata})
 *   int32 m, then m x (name string, int32 rank, rank x int32 dims, prod(dims) x float32 values)
 *   int32 CRC32C of every byte before it
 * </pre>
 *
 * <p>Writing is atomic: the bytes go to a temporary file in the target's directory, which is forced
 * to disk, moved over the target with an atomic rename, and the directory is forced too; a crash at
 * any point leaves either the old file or the new one, never a mix. Reading checks, in order: magic,
 * version, declared length against the file size (truncation), the checksum over the whole file, and
 * only then parses, so any flipped byte after the header is a {@link Reason#CHECKSUM_MISMATCH}.
 * CRC32C detects corruption, not tampering.
 */
public final class CheckpointFile {
    /** The first eight bytes of every checkpoint. */
    public static final String MAGIC = "CMPFCKPT";
    /** The format version this class writes and reads. */
    public static final int FORMAT_VERSION = 1;
    /** Suffix of temporary files; they never match {@link CheckpointStore}'s names. */
    static final String TEMP_SUFFIX = ".part";
    static final byte[] MAGIC_BYTES = MAGIC.getBytes(StandardCharsets.US_ASCII);
    static final int HEADER_BYTES = 8 + 4 + 8;
    static final int MIN_LENGTH = HEADER_BYTES + 4 + 4 + 4;
    static final int CHUNK_FLOATS = 1 << 14;

    private CheckpointFile() {
    }

    /**
     * Writes {@code checkpoint} to {@code target} atomically, replacing any file there.
     *
     * @param target the file to write
     * @param checkpoint the checkpoint to write
     * @throws CheckpointException if the file cannot be written
     */
    public static void write(Path target, Checkpoint checkpoint) throws CheckpointException {
        write(target, checkpoint, UnaryOperator.identity());
    }

    /** As {@link #write(Path, Checkpoint)}, with {@code interpose} wrapping the raw stream (tests inject faults). */
    static void write(Path target, Checkpoint checkpoint, UnaryOperator<OutputStream> interpose)
            throws CheckpointException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            // Not Files.createTempFile: its owner-only permissions would stick to the checkpoint.
            tmp = dir.resolve("." + target.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current()
                    .nextLong() & Long.MAX_VALUE) + TEMP_SUFFIX);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                encode(checkpoint, interpose.apply(Channels.newOutputStream(ch)));
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
            forceDirectory(dir);
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException(target, Reason.IO, "write failed, previous file untouched: " + e, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a leftover temporary file is ignored by readers and removed by CheckpointStore
                }
            }
        }
    }

    /** Forces a directory entry change (the rename) to disk; not supported everywhere (e.g. Windows). */
    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // the rename itself is atomic; only its durability across power loss is weaker here
        }
    }

    private static void encode(Checkpoint ck, OutputStream sink) throws IOException {
        byte[] meta = encodeMetadata(CheckpointMetadata.encode(ck));
        long length = HEADER_BYTES + meta.length + 4L + 4L;
        for (NamedArray a : ck.arrays()) {
            length += 4L + utf8(a.name()).length + 4L + 4L * a.shape().length + 4L * a.values().length;
        }
        CRC32C crc = new CRC32C();
        DataOutputStream out = new DataOutputStream(new CheckedOutputStream(new BufferedOutputStream(sink, 1 << 16),
                crc));
        out.write(MAGIC_BYTES);
        out.writeInt(FORMAT_VERSION);
        out.writeLong(length);
        out.write(meta);
        out.writeInt(ck.arrays().size());
        ByteBuffer chunk = ByteBuffer.allocate(4 * CHUNK_FLOATS);
        for (NamedArray a : ck.arrays()) {
            writeString(out, a.name());
            int[] shape = a.shape();
            out.writeInt(shape.length);
            for (int d : shape) {
                out.writeInt(d);
            }
            float[] v = a.values();
            for (int off = 0; off < v.length; off += CHUNK_FLOATS) {
                int k = Math.min(CHUNK_FLOATS, v.length - off);
                chunk.clear();
                chunk.asFloatBuffer().put(v, off, k);
                out.write(chunk.array(), 0, 4 * k);
            }
        }
        out.flush();
        out.writeInt((int) crc.getValue());
        out.flush();
    }

    private static byte[] encodeMetadata(Map<String, String> meta) throws IOException {
        var bytes = new java.io.ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(meta.size());
        for (Map.Entry<String, String> e : meta.entrySet()) {
            writeString(out, e.getKey());
            writeString(out, e.getValue());
        }
        return bytes.toByteArray();
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = utf8(s);
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads and verifies a checkpoint.
     *
     * @param file the checkpoint file
     * @return the verified checkpoint
     * @throws CheckpointException naming {@code file} and the {@link Reason}
     */
    public static LoadedCheckpoint read(Path file) throws CheckpointException {
        return CheckpointReader.read(file);
    }
}
