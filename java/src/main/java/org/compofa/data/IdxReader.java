package org.compofa.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files (the MNIST / Fashion-MNIST format): a 4-byte magic {@code 00 00 08 nd} (unsigned
 * bytes, {@code nd} dimensions), {@code nd} big-endian 32-bit sizes, then the data, row-major.
 *
 * <p>Gzip compression is recognised by content (bytes {@code 1f 8b}), not by the name. Every check
 * fails with a {@link DatasetException} naming the file: wrong magic, wrong number of dimensions,
 * zero or oversized dimensions, truncated data, trailing bytes, corrupt gzip, labels out of range.
 */
public final class IdxReader {
    /** Magic of an {@code idx3-ubyte} file: unsigned bytes, 3 dimensions (count, rows, columns). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic of an {@code idx1-ubyte} file: unsigned bytes, 1 dimension (count). */
    public static final int LABELS_MAGIC = 0x00000801;

    private static final int BUFFER_BYTES = 1 << 16;

    private IdxReader() {
    }

    /**
     * Images of an {@code idx3-ubyte} file.
     *
     * @param count number of images
     * @param rows rows per image
     * @param columns columns per image
     * @param pixels {@code count * rows * columns} unsigned bytes, image after image, row-major
     */
    public record Images(int count, int rows, int columns, byte[] pixels) {
    }

    /**
     * Opens {@code file} and returns its decompressed bytes (gunzipped when it starts with the gzip
     * magic); the caller closes the stream.
     *
     * @param file the file to open
     * @return the decompressed stream
     * @throws DatasetException if the file is missing or unreadable
     */
    public static InputStream openDecompressed(Path file) {
        InputStream raw;
        try {
            raw = new BufferedInputStream(Files.newInputStream(file), BUFFER_BYTES);
        } catch (NoSuchFileException e) {
            throw new DatasetException(file, "file not found", e);
        } catch (IOException e) {
            throw new DatasetException(file, "cannot open: " + e, e);
        }
        try {
            raw.mark(2);
            boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            return gzip ? new BufferedInputStream(new GZIPInputStream(raw, BUFFER_BYTES), BUFFER_BYTES) : raw;
        } catch (IOException e) {
            try {
                raw.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw failure(file, e);
        }
    }

    /**
     * Reads an {@code idx3-ubyte} image file.
     *
     * @param file the image file, gzipped or not
     * @return the images
     */
    public static Images readImages(Path file) {
        try (InputStream in = openDecompressed(file)) {
            int[] dims = readHeader(in, file, IMAGES_MAGIC, 3);
            long bytes = (long) dims[0] * dims[1] * dims[2];
            if (bytes > Integer.MAX_VALUE - 8) {
                throw new DatasetException(file, dims[0] + " images of " + dims[1] + "x" + dims[2]
                        + " do not fit in one Java array (" + bytes + " bytes)");
            }
            byte[] pixels = readBody(in, file, (int) bytes, "pixel");
            return new Images(dims[0], dims[1], dims[2], pixels);
        } catch (IOException e) {
            throw failure(file, e);
        }
    }

    /**
     * Reads an {@code idx1-ubyte} label file whose labels must lie in {@code 0 .. numClasses-1}.
     *
     * @param file the label file, gzipped or not
     * @param numClasses number of classes
     * @return the labels
     */
    public static int[] readLabels(Path file, int numClasses) {
        try (InputStream in = openDecompressed(file)) {
            int count = readHeader(in, file, LABELS_MAGIC, 1)[0];
            byte[] raw = readBody(in, file, count, "label");
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = raw[i] & 0xff;
                if (labels[i] >= numClasses) {
                    throw new DatasetException(file, "label " + labels[i] + " at index " + i + " is outside 0.."
                            + (numClasses - 1));
                }
            }
            return labels;
        } catch (IOException e) {
            throw failure(file, e);
        }
    }

    /** Reads and checks the magic and the sizes; returns the sizes. */
    private static int[] readHeader(InputStream in, Path file, int expectedMagic, int expectedDims)
            throws IOException {
        byte[] head = in.readNBytes(4 + 4 * expectedDims);
        if (head.length < 4) {
            throw new DatasetException(file, "truncated: " + head.length + " bytes, shorter than the 4-byte magic");
        }
        int magic = bigEndianInt(head, 0);
        if (magic != expectedMagic) {
            throw new DatasetException(file, String.format(
                    "bad magic number 0x%08x: expected 0x%08x (unsigned bytes, %d dimension%s)",
                    magic, expectedMagic, expectedDims, expectedDims == 1 ? "" : "s"));
        }
        if (head.length < 4 + 4 * expectedDims) {
            throw new DatasetException(file, "truncated header: " + head.length + " of " + (4 + 4 * expectedDims)
                    + " bytes");
        }
        int[] dims = new int[expectedDims];
        for (int d = 0; d < expectedDims; d++) {
            dims[d] = bigEndianInt(head, 4 + 4 * d);
            if (dims[d] <= 0) {
                throw new DatasetException(file, "dimension " + d + " is " + dims[d] + ": must be positive");
            }
        }
        return dims;
    }

    /** Reads exactly {@code length} data bytes and checks that nothing follows them. */
    private static byte[] readBody(InputStream in, Path file, int length, String what) throws IOException {
        byte[] data = in.readNBytes(length);
        if (data.length < length) {
            throw new DatasetException(file, "truncated: header announces " + length + " " + what + " bytes, found "
                    + data.length);
        }
        if (in.read() != -1) {
            throw new DatasetException(file, "unexpected bytes after the " + length + " " + what
                    + " bytes the header announces");
        }
        return data;
    }

    private static DatasetException failure(Path file, IOException e) {
        if (e instanceof EOFException || e instanceof ZipException) {
            return new DatasetException(file, "truncated or corrupt gzip stream (" + e.getMessage() + ")", e);
        }
        return new DatasetException(file, "read failed: " + e, e);
    }

    private static int bigEndianInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | b[at + 3] & 0xff;
    }
}
