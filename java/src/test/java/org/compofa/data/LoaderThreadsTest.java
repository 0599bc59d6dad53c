package org.compofa.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.compofa.data.ImageFolderDataset.ColorMode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder of seeded JPEGs of odd sizes batched by loaders with 1, 2 and 5 threads, with the preferred
 * decoder (libjpeg-turbo with DCT scaling where present) and with ImageIO: every batch is identical
 * whatever the thread count, and a bad file fails the batch with its name.
 */
class LoaderThreadsTest {
    @TempDir
    Path root;

    @BeforeEach
    void writeFolder() throws IOException {
        for (int i = 0; i < 13; i++) {
            Path dir = Files.createDirectories(root.resolve("class" + i % 3));
            boolean gray = i % 4 == 3;
            byte[] jpeg = JpegFiles.jpeg(JpegFiles.photo(57 + 11 * i, 49 + 7 * (i % 5), gray, 12, i), 0.9f);
            Files.write(dir.resolve("img" + i + ".jpg"), jpeg);
        }
    }

    private static List<Batch> epoch(ImageFolderDataset data, LoaderConfig config, int threads, int resolution) {
        BatchLoader loader = new BatchLoader(data, config, threads);
        assertEquals(threads, loader.threads());
        try (PrefetchingIterator batches = loader.epoch(1, resolution)) {
            List<Batch> out = new java.util.ArrayList<>();
            batches.forEachRemaining(out::add);
            return out;
        }
    }

    @Test
    void batchesAreIdenticalForEveryThreadCount() {
        LoaderConfig flipOnly = new LoaderConfig(5, 42L, true, new Augmentation(0, true), Normalization.IMAGENET, false);
        LoaderConfig padded = flipOnly.withAugmentation(new Augmentation(3, true));
        for (ImageDecoder decoder : new ImageDecoder[] {ImageDecoder.preferred(), ImageDecoder.imageIo()}) {
            ImageFolderDataset data = ImageFolderDataset.open(root, ColorMode.RGB, decoder);
            for (LoaderConfig config : new LoaderConfig[] {flipOnly, padded}) {
                List<Batch> one = epoch(data, config, 1, 24);
                assertEquals(3, one.size());
                for (int threads : new int[] {2, 5}) {
                    List<Batch> many = epoch(data, config, threads, 24);
                    for (int b = 0; b < one.size(); b++) {
                        assertArrayEquals(one.get(b).sourceIndices(), many.get(b).sourceIndices());
                        assertArrayEquals(one.get(b).images(), many.get(b).images(),
                                decoder.name() + ", " + threads + " threads, batch " + b);
                    }
                }
            }
        }
    }

    @Test
    void aBadFileFailsTheBatchWithItsNameOnAnyThreadCount() throws IOException {
        Path bad = root.resolve("class1/img4.jpg");
        byte[] content = Files.readAllBytes(bad);
        Files.write(bad, java.util.Arrays.copyOf(content, content.length / 2));
        LoaderConfig config = new LoaderConfig(13, 1L, false, Augmentation.NONE, Normalization.IMAGENET, false);
        for (ImageDecoder decoder : new ImageDecoder[] {ImageDecoder.preferred(), ImageDecoder.imageIo()}) {
            for (int threads : new int[] {1, 3}) {
                BatchLoader loader = new BatchLoader(ImageFolderDataset.open(root, ColorMode.RGB, decoder), config, threads);
                DatasetException e = assertThrows(DatasetException.class, () -> loader.batch(0, 0, 16));
                assertTrue(e.getMessage().startsWith(bad.toString()), e.getMessage());
            }
        }
        assertThrows(IllegalArgumentException.class,
                () -> new BatchLoader(ImageFolderDataset.open(root, ColorMode.RGB), config, 0));
    }
}
