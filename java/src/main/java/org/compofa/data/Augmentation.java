package org.compofa.data;

/**
 * Training augmentation applied to each image: a random crop of the image's own size from the image
 * padded with {@code padding} zeros, or (when {@code minCropScale > 0}) the reference's
 * random-resized crop; then a horizontal flip with probability 1/2 when {@code horizontalFlip} is set;
 * after the resize, the reference's colour jitter when {@code colorJitter} is set.
 *
 * @param padding zeros added on every side before the crop (0 = no padded crop)
 * @param horizontalFlip whether to mirror half of the images
 * @param minCropScale smallest area fraction of torchvision's {@code RandomResizedCrop(scale=(s, 1),
 *     ratio=(3/4, 4/3))}, in (0, 1]; 0 = no random-resized crop
 * @param colorJitter OFA's 'tf' jitter: brightness factor in [1 - 32/255, 1 + 32/255], saturation
 *     factor in [0.5, 1.5], in a random order, each clamped to [0, 1] (torchvision {@code ColorJitter})
 */
public record Augmentation(int padding, boolean horizontalFlip, double minCropScale, boolean colorJitter) {
    /** No augmentation (evaluation). */
    public static final Augmentation NONE = new Augmentation(0, false);
    /** The usual CIFAR/Fashion-MNIST recipe for 28-32 px images: pad 4, crop, flip. */
    public static final Augmentation SMALL_IMAGES = new Augmentation(4, true);

    /** The reference's ImageNet scale range of the random-resized crop: (0.08, 1). */
    public static final double REFERENCE_MIN_CROP_SCALE = 0.08;
    /** The reference's brightness jitter: 32/255. */
    public static final double JITTER_BRIGHTNESS = 32.0 / 255.0;
    /** The reference's saturation jitter: 0.5. */
    public static final double JITTER_SATURATION = 0.5;

    /** Checks the padding and the scale. */
    public Augmentation {
        if (padding < 0) {
            throw new IllegalArgumentException("augmentation padding " + padding + ": must be >= 0");
        }
        if (!(minCropScale >= 0 && minCropScale <= 1)) {
            throw new IllegalArgumentException("random-resized crop min scale " + minCropScale + ": allowed 0 (off) "
                    + "or (0, 1]");
        }
        if (minCropScale > 0 && padding > 0) {
            throw new IllegalArgumentException("a padded crop and a random-resized crop exclude each other");
        }
    }

    /**
     * A padded crop and/or flip (the small-image augmentation), no random-resized crop, no jitter.
     *
     * @param padding zero pixels added on every side before the random crop, 0 for none
     * @param horizontalFlip whether to flip with probability 1/2
     */
    public Augmentation(int padding, boolean horizontalFlip) {
        this(padding, horizontalFlip, 0.0, false);
    }

    /**
     * The reference's ImageNet training augmentation: random-resized crop (0.08, 1), flip, jitter if asked.
     *
     * @param colorJitter whether to add the colour jitter
     * @return the augmentation
     */
    public static Augmentation imagenetTraining(boolean colorJitter) {
        return new Augmentation(0, true, REFERENCE_MIN_CROP_SCALE, colorJitter);
    }

    /**
     * Whether this changes anything.
     *
     * @return true when it changes no image
     */
    public boolean isIdentity() {
        return padding == 0 && !horizontalFlip && minCropScale == 0 && !colorJitter;
    }

    /**
     * Whether the random-resized crop is on.
     *
     * @return true when the random-resized crop is on
     */
    public boolean randomResizedCrop() {
        return minCropScale > 0;
    }
}
