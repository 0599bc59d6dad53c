package org.compofa.data;

import static org.compofa.data.IdxFiles.gzip;
import static org.compofa.data.IdxFiles.images;
import static org.compofa.data.IdxFiles.labels;
import static org.compofa.data.IdxFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.compofa.data.FashionMnist.Split;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Missing, truncated and corrupt IDX files give a {@link DatasetException} whose message names the
 * file and the problem. Files are written to a temporary directory. Pure Java.
 */
class IdxReaderErrorsTest {
    @TempDir
    Path dir;

    private static String failure(Path expectedFile, Executable load) {
        DatasetException e = assertThrows(DatasetException.class, load);
        assertEquals(expectedFile, e.file().orElseThrow());
        assertTrue(e.getMessage().startsWith(expectedFile.toString() + ": "), e.getMessage());
        return e.getMessage();
    }

    private void writeTestSplit(byte[] imageFile, byte[] labelFile) {
        write(dir, "t10k-images-idx3-ubyte.gz", gzip(imageFile));
        write(dir, "t10k-labels-idx1-ubyte.gz", gzip(labelFile));
    }

    @Test
    void validSmallFilesLoadGzippedOrPlain() {
        writeTestSplit(images(3, 4, 5), labels(9, 0, 3));
        IdxDataset gz = FashionMnist.load(dir, Split.TEST);
        assertEquals(3, gz.size());
        assertEquals(4, gz.rows());
        assertEquals(5, gz.columns());
        assertEquals(3, gz.label(2));
        assertEquals((2 + 1 + 4) / 255f, gz.image(2).at(1, 4, 0));
        write(dir, "t10k-images-idx3-ubyte", images(3, 4, 5));
        write(dir, "t10k-labels-idx1-ubyte", labels(9, 0, 3));
        IdxDataset plain = FashionMnist.load(dir, Split.TEST);
        assertArrayEquals(gz.image(1).pixels(), plain.image(1).pixels());
    }

    @Test
    void missingFileIsNamedWithTheInstallHint() {
        write(dir, "t10k-images-idx3-ubyte.gz", gzip(images(3, 4, 5)));
        String m = failure(dir.resolve("t10k-labels-idx1-ubyte.gz"), () -> FashionMnist.load(dir, Split.TEST));
        assertTrue(m.contains("not found, nor t10k-labels-idx1-ubyte"), m);
        assertTrue(m.contains("dataset-fashion-mnist"), m);
    }

    @Test
    void missingDirectoryIsReported() {
        Path absent = dir.resolve("nowhere");
        String m = failure(absent.resolve("train-images-idx3-ubyte.gz"), () -> FashionMnist.load(absent, Split.TRAIN));
        assertTrue(m.contains("directory " + absent + " does not exist"), m);
    }

    @Test
    void badMagicNamesTheExpectedValue() {
        byte[] broken = images(3, 4, 5);
        broken[3] = 2; // 2 dimensions claimed
        writeTestSplit(broken, labels(1, 2, 3));
        String m = failure(dir.resolve("t10k-images-idx3-ubyte.gz"), () -> FashionMnist.load(dir, Split.TEST));
        assertTrue(m.contains("bad magic number 0x00000802: expected 0x00000803"), m);
    }

    @Test
    void labelFileWithTheImageMagicIsRejected() {
        writeTestSplit(images(3, 4, 5), images(3, 1, 1));
        String m = failure(dir.resolve("t10k-labels-idx1-ubyte.gz"), () -> FashionMnist.load(dir, Split.TEST));
        assertTrue(m.contains("bad magic number 0x00000803: expected 0x00000801"), m);
    }

    @Test
    void truncatedGzipStreamIsReported() {
        byte[] whole = gzip(images(50, 28, 28));
        writeTestSplit(images(3, 4, 5), labels(1, 2, 3));
        Path file = write(dir, "t10k-images-idx3-ubyte.gz", Arrays.copyOf(whole, whole.length / 2));
        String m = failure(file, () -> FashionMnist.load(dir, Split.TEST));
        assertTrue(m.contains("truncated or corrupt gzip stream"), m);
    }

    @Test
    void corruptGzipTrailerIsReported() {
        byte[] whole = gzip(labels(1, 2, 3));
        whole[whole.length - 6] ^= 0x55; // inside the CRC-32
        Path file = write(dir, "labels.gz", whole);
        String m = failure(file, () -> IdxReader.readLabels(file, 10));
        assertTrue(m.contains("truncated or corrupt gzip stream"), m);
    }

    @Test
    void gzipCutInsideItsHeaderIsReported() {
        Path file = write(dir, "labels.gz", Arrays.copyOf(gzip(labels(1, 2, 3)), 5));
        assertTrue(failure(file, () -> IdxReader.readLabels(file, 10)).contains("truncated or corrupt gzip stream"));
    }

    @Test
    void truncatedUncompressedDataGivesExpectedAndFoundBytes() {
        byte[] whole = images(3, 4, 5);
        Path file = write(dir, "images", Arrays.copyOf(whole, whole.length - 7));
        String m = failure(file, () -> IdxReader.readImages(file));
        assertTrue(m.endsWith("truncated: header announces 60 pixel bytes, found 53"), m);
    }

    @Test
    void truncatedHeaderIsReported() {
        Path file = write(dir, "images", Arrays.copyOf(images(3, 4, 5), 9));
        assertTrue(failure(file, () -> IdxReader.readImages(file)).endsWith("truncated header: 9 of 16 bytes"));
        Path empty = write(dir, "empty", new byte[0]);
        assertTrue(failure(empty, () -> IdxReader.readImages(empty)).contains("shorter than the 4-byte magic"));
    }

    @Test
    void trailingBytesAreRejected() {
        byte[] whole = images(3, 4, 5);
        Path file = write(dir, "images", Arrays.copyOf(whole, whole.length + 1));
        assertTrue(failure(file, () -> IdxReader.readImages(file)).contains("unexpected bytes after the 60 pixel bytes"));
    }

    @Test
    void zeroDimensionIsRejected() {
        Path file = write(dir, "images", IdxFiles.idx(IdxReader.IMAGES_MAGIC, new int[] {3, 0, 5}, new byte[0]));
        assertTrue(failure(file, () -> IdxReader.readImages(file)).endsWith("dimension 1 is 0: must be positive"));
    }

    @Test
    void labelCountMismatchNamesBothFiles() {
        writeTestSplit(images(4, 4, 5), labels(1, 2, 3));
        String m = failure(dir.resolve("t10k-labels-idx1-ubyte.gz"), () -> FashionMnist.load(dir, Split.TEST));
        assertTrue(m.endsWith("3 labels but t10k-images-idx3-ubyte.gz holds 4 images"), m);
    }

    @Test
    void labelOutOfRangeNamesIndexAndRange() {
        writeTestSplit(images(3, 4, 5), labels(1, 10, 3));
        String m = failure(dir.resolve("t10k-labels-idx1-ubyte.gz"), () -> FashionMnist.load(dir, Split.TEST));
        assertTrue(m.endsWith("label 10 at index 1 is outside 0..9"), m);
    }

    @Test
    void truncatedCopyOfTheInstalledLabelsIsReported() throws IOException {
        Path installed = FashionMnist.DEFAULT_DIRECTORY.resolve("t10k-labels-idx1-ubyte.gz");
        assumeTrue(Files.isRegularFile(installed), "Fashion-MNIST not installed");
        byte[] whole = Files.readAllBytes(installed);
        Path file = write(dir, "t10k-labels-idx1-ubyte.gz", Arrays.copyOf(whole, whole.length - 100));
        assertTrue(failure(file, () -> IdxReader.readLabels(file, 10)).contains("truncated or corrupt gzip"));
    }
}
