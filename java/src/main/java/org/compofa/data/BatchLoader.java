package org.compofa.data;

import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.IntUnaryOperator;
import java.util.stream.IntStream;

/**
 * Turns a {@link Dataset} into NHWC float batches at a requested resolution, as a pure function of
 * {@code (seed, epoch, batch index, resolution)}: a resumed run rebuilds exactly the batches it would
 * have seen.
 *
 * <p>Per image the pipeline is: the image in [0, 1]; when training, a crop of its own size out of
 * the zero-padded image and a horizontal flip with probability 1/2 ({@link Augmentation}); a
 * bilinear resize to {@code resolution x resolution} ({@link ImageTransforms#resizeBilinearInto});
 * the per-channel {@link Normalization}. The epoch's order is a Fisher-Yates permutation keyed by
 * {@code (seed, epoch)}; an image's crop offsets and flip are keyed by {@code (seed, epoch, data set
 * index)}, so they do not depend on the batch size or on the batch the image lands in.
 *
 * <p>Thread-safe. Large batches fill their images in parallel on the common fork-join pool; each image
 * is written by one task from its own keyed generator, so the result does not depend on scheduling.
 * {@link #epoch} prefetches the next batch on a background thread.
 */
public final class BatchLoader {
    private static final long SHUFFLE_STREAM = 0x5348554646L; // "SHUFF"
    private static final long AUGMENT_STREAM = 0x4155474dL; // "AUGM"
    private static final long PARALLEL_MIN_VALUES = 1L << 16;

    private final Dataset dataset;
    private final LoaderConfig config;
    private volatile EpochOrder cachedOrder;

    private record EpochOrder(int epoch, int[] order) {
    }

    /**
     * Checks that the configuration fits the data set; nothing is read yet.
     *
     * @param dataset where images come from
     * @param config batch size, seed, shuffle, augmentation, normalisation
     * @throws IllegalArgumentException if the normalisation's channels differ from the data set's or
     *     the data set is empty
     */
    public BatchLoader(Dataset dataset, LoaderConfig config) {
        this.dataset = Objects.requireNonNull(dataset, "dataset");
        this.config = Objects.requireNonNull(config, "config");
        if (config.normalization().channels() != dataset.channels()) {
            throw new IllegalArgumentException("normalization for " + config.normalization().channels()
                    + " channel(s) but the data set has " + dataset.channels());
        }
        if (dataset.size() == 0) {
            throw new IllegalArgumentException("the data set is empty");
        }
    }

    /** The data set batched. */
    public Dataset dataset() {
        return dataset;
    }

    /** The configuration. */
    public LoaderConfig config() {
        return config;
    }

    /** Batches per epoch (the last may be smaller unless {@link LoaderConfig#dropLast()}). */
    public int batchesPerEpoch() {
        int n = dataset.size();
        int b = config.batchSize();
        return config.dropLast() ? n / b : (n + b - 1) / b;
    }

    /** The data set indices in the order epoch {@code epoch} visits them (a copy). */
    public int[] epochOrder(int epoch) {
        return order(epoch).clone();
    }

    /**
     * Batch {@code batchIndex} of epoch {@code epoch}, every image resized to {@code resolution}.
     *
     * @throws IndexOutOfBoundsException if {@code batchIndex} is outside {@code 0 .. batchesPerEpoch()-1}
     * @throws DatasetException if an image cannot be read
     */
    public Batch batch(int epoch, int batchIndex, int resolution) {
        Objects.checkIndex(batchIndex, batchesPerEpoch());
        if (resolution < 1) {
            throw new IllegalArgumentException("resolution " + resolution + ": must be at least 1");
        }
        int[] order = order(epoch);
        int start = batchIndex * config.batchSize();
        int size = Math.min(config.batchSize(), order.length - start);
        int channels = dataset.channels();
        int imageLength = resolution * resolution * channels;
        float[] images = new float[Math.multiplyExact(size, imageLength)];
        int[] labels = new int[size];
        int[] indices = new int[size];
        IntStream slots = IntStream.range(0, size);
        if ((long) images.length >= PARALLEL_MIN_VALUES) {
            slots = slots.parallel();
        }
        slots.forEach(slot -> {
            int index = order[start + slot];
            indices[slot] = index;
            labels[slot] = dataset.label(index);
            Image image = augment(dataset.image(index), epoch, index);
            ImageTransforms.resizeBilinearInto(image, resolution, resolution, images, slot * imageLength);
            config.normalization().applyInPlace(images, slot * imageLength, imageLength);
        });
        return new Batch(epoch, batchIndex, size, resolution, channels, images, labels, indices);
    }

    /**
     * Iterates over every batch of {@code epoch}, computing batch {@code i+1} on a background thread
     * while the caller uses batch {@code i}; the batches equal those of {@link #batch}.
     *
     * @param resolutionOfBatch resolution of each batch index; called on the caller's thread, in
     *     index order, one batch ahead of the one returned
     */
    public PrefetchingIterator epoch(int epoch, IntUnaryOperator resolutionOfBatch) {
        return new PrefetchingIterator(this, epoch, resolutionOfBatch);
    }

    /** {@link #epoch(int, IntUnaryOperator)} at one resolution for every batch. */
    public PrefetchingIterator epoch(int epoch, int resolution) {
        return epoch(epoch, batch -> resolution);
    }

    private Image augment(Image image, int epoch, int index) {
        Augmentation augmentation = config.augmentation();
        if (augmentation.isIdentity()) {
            return image;
        }
        SplittableRandom random = SeededOrder.random(config.seed(), AUGMENT_STREAM, epoch, index);
        int pad = augmentation.padding();
        if (pad > 0) {
            int top = random.nextInt(2 * pad + 1);
            int left = random.nextInt(2 * pad + 1);
            image = ImageTransforms.paddedCrop(image, pad, top, left);
        }
        if (augmentation.horizontalFlip() && random.nextBoolean()) {
            image = ImageTransforms.flipHorizontal(image);
        }
        return image;
    }

    private int[] order(int epoch) {
        EpochOrder cached = cachedOrder;
        if (cached != null && cached.epoch() == epoch) {
            return cached.order();
        }
        int n = dataset.size();
        int[] order = config.shuffle()
                ? SeededOrder.permutation(n, SeededOrder.random(config.seed(), SHUFFLE_STREAM, epoch))
                : IntStream.range(0, n).toArray();
        cachedOrder = new EpochOrder(epoch, order);
        return order;
    }
}
