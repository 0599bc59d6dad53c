package org.compofa.data;

/**
 * Training augmentation applied to each image before the resize: a random crop of the image's own
 * size from the image padded with {@code padding} zeros, then a horizontal flip with probability 1/2
 * when {@code horizontalFlip} is set.
 *
 * @param padding zeros added on every side before the crop (0 = no crop)
 * @param horizontalFlip whether to mirror half of the images
 */
public record Augmentation(int padding, boolean horizontalFlip) {
    /** No augmentation (evaluation). */
    public static final Augmentation NONE = new Augmentation(0, false);
    /** The usual CIFAR/Fashion-MNIST recipe for 28-32 px images: pad 4, crop, flip. */
    public static final Augmentation SMALL_IMAGES = new Augmentation(4, true);

    /** Checks the padding. */
    public Augmentation {
        if (padding < 0) {
            throw new IllegalArgumentException("augmentation padding " + padding + ": must be >= 0");
        }
    }

    /** Whether this changes anything. */
    public boolean isIdentity() {
        return padding == 0 && !horizontalFlip;
    }
}
