package org.compofa.data;

import java.util.Objects;

/**
 * How a {@link BatchLoader} forms batches.
 *
 * @param batchSize images per batch (at least 1)
 * @param seed key of the per-epoch shuffle and the per-image augmentation
 * @param shuffle whether each epoch visits the images in a seeded random order (else in index order)
 * @param augmentation random crop / flip before the resize ({@link Augmentation#NONE} to evaluate)
 * @param normalization applied last, per channel
 * @param dropLast whether to drop a final batch smaller than {@code batchSize}
 */
public record LoaderConfig(int batchSize, long seed, boolean shuffle, Augmentation augmentation,
        Normalization normalization, boolean dropLast) {
    /** Checks the batch size and the non-null parts. */
    public LoaderConfig {
        Objects.requireNonNull(augmentation, "augmentation");
        Objects.requireNonNull(normalization, "normalization");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size " + batchSize + ": must be at least 1");
        }
    }

    /**
     * Training on Fashion-MNIST-sized images: shuffled, pad-4 crop and flip, Fashion-MNIST
     * normalisation, last partial batch dropped (as OFA's training loader).
     *
     * @param batchSize images per batch
     * @param seed seed of the shuffle and augmentation
     * @return the training configuration
     */
    public static LoaderConfig training(int batchSize, long seed) {
        return new LoaderConfig(batchSize, seed, true, Augmentation.SMALL_IMAGES, Normalization.FASHION_MNIST, true);
    }

    /**
     * Evaluation: index order, no augmentation, Fashion-MNIST normalisation, every image kept.
     *
     * @param batchSize images per batch
     * @return the evaluation configuration
     */
    public static LoaderConfig evaluation(int batchSize) {
        return new LoaderConfig(batchSize, 0L, false, Augmentation.NONE, Normalization.FASHION_MNIST, false);
    }

    /**
     * The same configuration with another normalisation (e.g. {@link Normalization#IMAGENET}).
     *
     * @param other the normalisation to use
     * @return a copy with that normalisation
     */
    public LoaderConfig withNormalization(Normalization other) {
        return new LoaderConfig(batchSize, seed, shuffle, augmentation, other, dropLast);
    }

    /**
     * The same configuration with another augmentation.
     *
     * @param other the augmentation to use
     * @return a copy with that augmentation
     */
    public LoaderConfig withAugmentation(Augmentation other) {
        return new LoaderConfig(batchSize, seed, shuffle, other, normalization, dropLast);
    }
}
