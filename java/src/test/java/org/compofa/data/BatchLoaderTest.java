package org.compofa.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Batches are a pure function of (seed, epoch, index, resolution): same inputs give identical
 * batches (also across loader instances and through the prefetching iterator), each epoch visits
 * every image once, and augmentation is a crop/flip of the source. Synthetic 28x28 data of a prime
 * size (103 images). Pure Java.
 */
class BatchLoaderTest {
    private static final int IMAGES = 103;
    private static final IdxDataset DATA = syntheticData(IMAGES, 28, 11);

    static IdxDataset syntheticData(int count, int side, long seed) {
        byte[] pixels = new byte[count * side * side];
        new SplittableRandom(seed).nextBytes(pixels);
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = i % 10;
        }
        return new IdxDataset("synthetic", side, side, 10, pixels, labels);
    }

    @Test
    void sameSeedEpochAndIndexGiveIdenticalBatchesAcrossLoaders() {
        BatchLoader first = new BatchLoader(DATA, LoaderConfig.training(16, 42));
        BatchLoader resumed = new BatchLoader(DATA, LoaderConfig.training(16, 42));
        resumed.batch(0, 0, 28); // a different epoch cached first must not matter
        for (int b = 0; b < first.batchesPerEpoch(); b++) {
            Batch a = first.batch(3, b, 32);
            Batch c = resumed.batch(3, b, 32);
            assertArrayEquals(a.images(), c.images());
            assertArrayEquals(a.labels(), c.labels());
        }
        assertFalse(Arrays.equals(first.batch(3, 0, 32).images(),
                new BatchLoader(DATA, LoaderConfig.training(16, 43)).batch(3, 0, 32).images()));
    }

    @Test
    void differentEpochsVisitImagesInDifferentOrders() {
        BatchLoader loader = new BatchLoader(DATA, LoaderConfig.training(16, 42));
        assertFalse(Arrays.equals(loader.epochOrder(0), loader.epochOrder(1)));
        assertArrayEquals(loader.epochOrder(1), loader.epochOrder(1));
    }

    @Test
    void everyImageAppearsOncePerEpochWithTheLastBatchPartial() {
        LoaderConfig keepLast = new LoaderConfig(10, 7, true, Augmentation.SMALL_IMAGES, Normalization.FASHION_MNIST,
                false);
        BatchLoader loader = new BatchLoader(DATA, keepLast);
        assertEquals(11, loader.batchesPerEpoch());
        int[] seen = new int[IMAGES];
        for (int b = 0; b < loader.batchesPerEpoch(); b++) {
            Batch batch = loader.batch(5, b, 28);
            assertEquals(b == 10 ? 3 : 10, batch.size());
            for (int slot = 0; slot < batch.size(); slot++) {
                seen[batch.sourceIndices()[slot]]++;
                assertEquals(DATA.label(batch.sourceIndices()[slot]), batch.labels()[slot]);
            }
        }
        for (int count : seen) {
            assertEquals(1, count);
        }
        assertEquals(10, new BatchLoader(DATA, LoaderConfig.training(10, 7)).batchesPerEpoch()); // drop last
        assertThrows(IndexOutOfBoundsException.class, () -> loader.batch(5, 11, 28));
    }

    @Test
    void prefetchingIteratorYieldsTheDirectBatchesAtPerBatchResolutions() {
        BatchLoader loader = new BatchLoader(DATA, LoaderConfig.training(8, 99));
        List<Batch> batches = new ArrayList<>();
        try (PrefetchingIterator it = loader.epoch(2, b -> 24 + 4 * (b % 3))) {
            it.forEachRemaining(batches::add);
        }
        assertEquals(loader.batchesPerEpoch(), batches.size());
        for (int b = 0; b < batches.size(); b++) {
            Batch direct = loader.batch(2, b, 24 + 4 * (b % 3));
            assertEquals(direct.resolution(), batches.get(b).resolution());
            assertArrayEquals(direct.images(), batches.get(b).images());
            assertArrayEquals(direct.labels(), batches.get(b).labels());
        }
    }

    @Test
    void augmentationOfAnImageDoesNotDependOnTheBatchSize() {
        BatchLoader small = new BatchLoader(DATA, LoaderConfig.training(7, 5));
        BatchLoader large = new BatchLoader(DATA, LoaderConfig.training(50, 5));
        Batch a = small.batch(4, 0, 28);
        Batch b = large.batch(4, 0, 28);
        assertArrayEquals(Arrays.copyOf(b.images(), a.images().length), a.images()); // same order, same draws
    }

    @Test
    void trainingImagesAreACropAndMaybeAFlipOfTheirSource() {
        LoaderConfig config = LoaderConfig.training(IMAGES, 13).withNormalization(Normalization.identity(1));
        Batch batch = new BatchLoader(DATA, config).batch(0, 0, 28);
        int flipped = 0;
        int shifted = 0;
        for (int slot = 0; slot < batch.size(); slot++) {
            float[] got = Arrays.copyOfRange(batch.images(), slot * 784, (slot + 1) * 784);
            Image source = DATA.image(batch.sourceIndices()[slot]);
            int[] match = findCropAndFlip(source, got);
            assertTrue(match != null, "slot " + slot + " is no pad-4 crop/flip of image " + batch.sourceIndices()[slot]);
            flipped += match[2];
            shifted += match[0] != 4 || match[1] != 4 ? 1 : 0;
        }
        assertTrue(flipped > 30 && flipped < 73, "flipped " + flipped + " of 103");
        assertTrue(shifted > 80, "shifted " + shifted + " of 103");
    }

    @Test
    void evaluationIsIndexOrderResizedAndNormalised() {
        BatchLoader loader = new BatchLoader(DATA, LoaderConfig.evaluation(20));
        assertEquals(6, loader.batchesPerEpoch());
        Batch batch = loader.batch(9, 1, 40);
        assertArrayEquals(new int[] {20, 21, 22}, Arrays.copyOf(batch.sourceIndices(), 3));
        Image expected = Normalization.FASHION_MNIST.apply(ImageTransforms.resizeBilinear(DATA.image(20), 40, 40));
        assertArrayEquals(expected.pixels(), Arrays.copyOf(batch.images(), 1600));
        assertArrayEquals(batch.images(), new BatchLoader(DATA, LoaderConfig.evaluation(20)).batch(0, 1, 40).images());
    }

    @Test
    void defaultNormalizationIsFashionMnistStatistics() {
        IdxDataset black = new IdxDataset("black", 28, 28, 10, new byte[784], new int[] {0});
        Batch batch = new BatchLoader(black, LoaderConfig.evaluation(1)).batch(0, 0, 28);
        assertEquals(-0.2860f / 0.3530f, batch.images()[0], 1e-6f);
        assertThrows(IllegalArgumentException.class,
                () -> new BatchLoader(black, LoaderConfig.evaluation(1).withNormalization(Normalization.IMAGENET)));
    }

    @Test
    void recalibrationSubsetIsFixedBySeed() {
        SubsetDataset a = SubsetDataset.randomSample(DATA, 40, 2024);
        assertArrayEquals(a.parentIndices(), SubsetDataset.randomSample(DATA, 40, 2024).parentIndices());
        assertNotEquals(Arrays.toString(a.parentIndices()),
                Arrays.toString(SubsetDataset.randomSample(DATA, 40, 2025).parentIndices()));
        assertEquals(40, Arrays.stream(a.parentIndices()).distinct().count());
        int i = a.parentIndices()[7];
        assertEquals(DATA.label(i), a.label(7));
        assertArrayEquals(DATA.image(i).pixels(), a.image(7).pixels());
        assertThrows(IllegalArgumentException.class, () -> SubsetDataset.randomSample(DATA, IMAGES + 1, 1));
    }

    @Test
    void aFailingImageSurfacesFromTheIteratorWithItsType() {
        Path broken = Path.of("broken.png");
        Dataset failing = new Dataset() { // DATA's first 4 images; the last one fails to decode
            @Override
            public int size() {
                return 4;
            }

            @Override
            public int channels() {
                return 1;
            }

            @Override
            public int numClasses() {
                return 10;
            }

            @Override
            public int label(int index) {
                return DATA.label(index);
            }

            @Override
            public Image image(int index) {
                if (index == 3) {
                    throw new DatasetException(broken, "cannot decode image");
                }
                return DATA.image(index);
            }
        };
        BatchLoader loader = new BatchLoader(failing, LoaderConfig.evaluation(2));
        try (PrefetchingIterator it = loader.epoch(0, 28)) {
            assertEquals(2, it.next().size());
            DatasetException e = assertThrows(DatasetException.class, it::next);
            assertEquals(broken, e.file().orElseThrow());
        }
    }

    /** The (top, left, flipped) whose crop of {@code source} equals {@code got}, or null. */
    private static int[] findCropAndFlip(Image source, float[] got) {
        for (int top = 0; top <= 8; top++) {
            for (int left = 0; left <= 8; left++) {
                Image crop = ImageTransforms.paddedCrop(source, 4, top, left);
                if (Arrays.equals(crop.pixels(), got)) {
                    return new int[] {top, left, 0};
                }
                if (Arrays.equals(ImageTransforms.flipHorizontal(crop).pixels(), got)) {
                    return new int[] {top, left, 1};
                }
            }
        }
        return null;
    }
}
