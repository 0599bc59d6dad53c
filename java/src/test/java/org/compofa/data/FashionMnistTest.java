package org.compofa.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import org.compofa.data.FashionMnist.Split;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installed Fashion-MNIST (Debian {@code dataset-fashion-mnist}) against its published facts.
 * Skipped when {@link FashionMnist#DEFAULT_DIRECTORY} is absent; CI installs it. Pure Java.
 */
class FashionMnistTest {
    private static final Path DIR = FashionMnist.DEFAULT_DIRECTORY;
    /** MD5 of the uncompressed files, as published with the data set. */
    private static final Map<String, String> MD5 = Map.of(
            "train-images-idx3-ubyte", "f4a8712d7a061bf5bd6d2ca38dc4d50a",
            "train-labels-idx1-ubyte", "9018921c3c673c538a1fc5bad174d6f9",
            "t10k-images-idx3-ubyte", "8181f5470baa50b63fa0f6fddb340f0a",
            "t10k-labels-idx1-ubyte", "15d484375f8d13e6eb1aabb0c3f46965");

    private static IdxDataset train;
    private static IdxDataset test;

    @BeforeAll
    static void loadInstalledData() {
        assumeTrue(Files.isDirectory(DIR), "Fashion-MNIST not installed at " + DIR + " (apt install dataset-fashion-mnist)");
        long start = System.nanoTime();
        train = FashionMnist.load(Split.TRAIN);
        long trainNanos = System.nanoTime() - start;
        test = FashionMnist.load(DIR, Split.TEST);
        System.out.printf("fashion-mnist train loaded in %.0f ms%n", trainNanos / 1e6);
    }

    @Test
    void trainingSplitIs60000GrayscaleImagesOf28x28() {
        assertEquals(60_000, train.size());
        assertEquals(28, train.rows());
        assertEquals(28, train.columns());
        assertEquals(1, train.channels());
        assertEquals(10, train.numClasses());
    }

    @Test
    void testSplitIs10000GrayscaleImagesOf28x28() {
        assertEquals(10_000, test.size());
        assertEquals(28, test.rows());
        assertEquals(28, test.columns());
    }

    @Test
    void firstTrainingLabelsMatchThePublishedFile() {
        int[] first = new int[10];
        for (int i = 0; i < first.length; i++) {
            first[i] = train.label(i);
        }
        assertArrayEquals(new int[] {9, 0, 0, 3, 0, 2, 7, 2, 5, 5}, first);
    }

    @Test
    void classesAreBalancedAndLabelsLieIn0To9() {
        assertClassCounts(train, 6000);
        assertClassCounts(test, 1000);
    }

    @Test
    void imagesAreBytesOver255InZeroToOne() {
        Image image = train.image(0);
        assertEquals(28 * 28, image.pixels().length);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                assertEquals(train.pixel(0, y, x) / 255f, image.at(y, x, 0));
            }
        }
    }

    @Test
    void decompressedFilesHaveThePublishedMd5() throws IOException {
        for (Split split : Split.values()) {
            for (String name : new String[] {split.imagesFileName(), split.labelsFileName()}) {
                Path file = FashionMnist.locate(DIR, name);
                assertEquals(MD5.get(name), md5(file), file.toString());
            }
        }
    }

    @Test
    void uncompressedCopiesLoadToTheSameData(@TempDir Path tmp) throws IOException {
        for (String name : new String[] {Split.TEST.imagesFileName(), Split.TEST.labelsFileName()}) {
            try (InputStream in = IdxReader.openDecompressed(FashionMnist.locate(DIR, name));
                    OutputStream out = Files.newOutputStream(tmp.resolve(name))) {
                in.transferTo(out);
            }
        }
        IdxDataset plain = FashionMnist.load(tmp, Split.TEST);
        assertEquals(test.size(), plain.size());
        for (int i = 0; i < test.size(); i += 997) {
            assertEquals(test.label(i), plain.label(i));
            assertArrayEquals(test.image(i).pixels(), plain.image(i).pixels());
        }
    }

    private static void assertClassCounts(IdxDataset data, int perClass) {
        int[] counts = new int[10];
        for (int i = 0; i < data.size(); i++) {
            counts[data.label(i)]++;
        }
        for (int c = 0; c < 10; c++) {
            assertEquals(perClass, counts[c], data.name() + " class " + c);
        }
    }

    private static String md5(Path file) throws IOException {
        try (InputStream in = IdxReader.openDecompressed(file)) {
            MessageDigest digest = MessageDigest.getInstance("MD5");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
