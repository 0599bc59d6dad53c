package org.compofa.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.compofa.data.ImageFolderDataset.ColorMode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ImageNet-style folder of tiny PNGs (and one JPEG, one corrupt file, one text file) written to
 * a temporary directory: class order, lazy decoding to RGB or grayscale, errors naming the file.
 * Pure Java.
 */
class ImageFolderDatasetTest {
    @TempDir
    Path root;

    /** Colour of pixel (y, x) in the RGB test images: distinct channels. */
    private static int rgbAt(int y, int x) {
        return (10 * y + 3) << 16 | (20 * x + 5) << 8 | 200 - 7 * y;
    }

    @BeforeEach
    void writeFolder() throws IOException {
        for (String cls : new String[] {"cat", "ant", "bee"}) {
            Files.createDirectories(root.resolve(cls));
        }
        BufferedImage rgb = new BufferedImage(5, 3, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                rgb.setRGB(x, y, rgbAt(y, x));
            }
        }
        ImageIO.write(rgb, "png", root.resolve("ant/b.png").toFile());
        BufferedImage gray = new BufferedImage(4, 2, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setSamples(0, 0, 4, 2, 0, new int[] {0, 17, 34, 51, 100, 150, 200, 255});
        ImageIO.write(gray, "png", root.resolve("ant/a.PNG").toFile());
        ImageIO.write(rgb, "jpg", root.resolve("cat/photo.jpeg").toFile());
        Files.writeString(root.resolve("bee/notes.txt"), "not an image");
        Files.write(root.resolve("bee/corrupt.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
    }

    @Test
    void classesAreSortedNamesAndOtherFilesAreSkipped() {
        ImageFolderDataset data = ImageFolderDataset.open(root, ColorMode.RGB);
        assertEquals(List.of("ant", "bee", "cat"), data.classNames());
        assertEquals(4, data.size());
        assertEquals(1, data.skippedFiles());
        assertEquals(3, data.numClasses());
        assertEquals(root.resolve("ant/a.PNG"), data.file(0)); // sorted by path within a class
        assertArrayEquals(new int[] {0, 0, 1, 2}, new int[] {data.label(0), data.label(1), data.label(2), data.label(3)});
    }

    @Test
    void rgbPngDecodesToExactChannelValues() {
        Image image = ImageFolderDataset.open(root, ColorMode.RGB).image(1);
        assertEquals(3, image.height());
        assertEquals(5, image.width());
        assertEquals(3, image.channels());
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                int rgb = rgbAt(y, x);
                assertEquals((rgb >> 16 & 0xff) / 255f, image.at(y, x, 0));
                assertEquals((rgb >> 8 & 0xff) / 255f, image.at(y, x, 1));
                assertEquals((rgb & 0xff) / 255f, image.at(y, x, 2));
            }
        }
    }

    @Test
    void grayscaleModeKeepsStoredGrayAndUsesPillowLumaForRgb() {
        ImageFolderDataset data = ImageFolderDataset.open(root, ColorMode.GRAYSCALE);
        assertEquals(1, data.channels());
        Image gray = data.image(0);
        assertArrayEquals(new float[] {0, 17 / 255f, 34 / 255f, 51 / 255f, 100 / 255f, 150 / 255f, 200 / 255f, 1f},
                gray.pixels());
        Image fromRgb = data.image(1);
        int rgb = rgbAt(2, 4); // (23, 85, 186)
        int luma = ((rgb >> 16 & 0xff) * 19595 + (rgb >> 8 & 0xff) * 38470 + (rgb & 0xff) * 7471 + 0x8000) >> 16;
        assertEquals(luma / 255f, fromRgb.at(2, 4, 0));
        Image grayAsRgb = ImageFolderDataset.open(root, ColorMode.RGB).image(0);
        assertEquals(150 / 255f, grayAsRgb.at(1, 1, 2));
    }

    @Test
    void jpegDecodesToItsSizeAndApproximateColours() {
        Image image = ImageFolderDataset.open(root, ColorMode.RGB).image(3);
        assertEquals(3, image.height());
        assertEquals(5, image.width());
        assertEquals((200 - 7) / 255f, image.at(1, 2, 2), 0.15f); // lossy and chroma-subsampled
    }

    @Test
    void corruptFileFailsWithItsName() {
        ImageFolderDataset data = ImageFolderDataset.open(root, ColorMode.RGB);
        DatasetException e = assertThrows(DatasetException.class, () -> data.image(2));
        assertEquals(root.resolve("bee/corrupt.png"), e.file().orElseThrow());
        assertTrue(e.getMessage().contains("corrupt.png: cannot decode image"), e.getMessage());
    }

    @Test
    void loaderBatchesImagesOfDifferentSizes() throws IOException {
        Files.delete(root.resolve("bee/corrupt.png"));
        ImageFolderDataset data = ImageFolderDataset.open(root, ColorMode.RGB);
        LoaderConfig config = new LoaderConfig(3, 1, true, new Augmentation(1, true), Normalization.IMAGENET, false);
        BatchLoader loader = new BatchLoader(data, config);
        Batch batch = loader.batch(0, 0, 8);
        assertEquals(3 * 8 * 8 * 3, batch.images().length);
        assertArrayEquals(batch.images(), new BatchLoader(data, config).batch(0, 0, 8).images());
    }

    @Test
    void missingOrEmptyRootIsReported() throws IOException {
        Path absent = root.resolve("absent");
        assertEquals(absent, assertThrows(DatasetException.class,
                () -> ImageFolderDataset.open(absent, ColorMode.RGB)).file().orElseThrow());
        Path empty = Files.createDirectory(root.resolve("cat/empty-root"));
        String m = assertThrows(DatasetException.class, () -> ImageFolderDataset.open(empty, ColorMode.RGB)).getMessage();
        assertTrue(m.endsWith("empty-root: no class sub-folders"), m);
    }
}
