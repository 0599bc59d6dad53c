package org.compofa.data;

import java.util.Arrays;

/**
 * Per-channel normalisation {@code (v - mean[c]) / std[c]}, applied last in the input pipeline (as
 * torchvision's {@code Normalize} after {@code ToTensor}).
 *
 * @param mean per-channel mean, one value per channel
 * @param std per-channel standard deviation, positive and finite
 */
public record Normalization(float[] mean, float[] std) {
    /** Fashion-MNIST training-set statistics (single channel). */
    public static final Normalization FASHION_MNIST = of(0.2860f, 0.3530f);
    /** ImageNet statistics used by OFA/CompOFA (RGB). */
    public static final Normalization IMAGENET = new Normalization(
            new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});

    /** Copies the arrays and checks they match and every std is positive. */
    public Normalization {
        mean = mean.clone();
        std = std.clone();
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("normalization has " + mean.length + " means and " + std.length
                    + " stds: need one of each per channel");
        }
        for (int c = 0; c < std.length; c++) {
            if (!(std[c] > 0) || !Float.isFinite(std[c]) || !Float.isFinite(mean[c])) {
                throw new IllegalArgumentException("normalization channel " + c + ": mean " + mean[c] + ", std "
                        + std[c] + ": need a finite mean and a finite std > 0");
            }
        }
    }

    /**
     * Single-channel normalisation.
     *
     * @param mean the channel's mean
     * @param std the channel's standard deviation, above 0
     * @return the normalisation
     */
    public static Normalization of(float mean, float std) {
        return new Normalization(new float[] {mean}, new float[] {std});
    }

    /**
     * The identity (mean 0, std 1) for {@code channels} channels: values stay in [0, 1].
     *
     * @param channels number of channels
     * @return the identity normalisation
     */
    public static Normalization identity(int channels) {
        float[] zeros = new float[channels];
        float[] ones = new float[channels];
        Arrays.fill(ones, 1f);
        return new Normalization(zeros, ones);
    }

    /**
     * Number of channels this applies to.
     *
     * @return the channel count
     */
    public int channels() {
        return mean.length;
    }

    /**
     * The per-channel means (a copy).
     *
     * @return a copy of the means
     */
    @Override
    public float[] mean() {
        return mean.clone();
    }

    /**
     * The per-channel standard deviations (a copy).
     *
     * @return a copy of the standard deviations
     */
    @Override
    public float[] std() {
        return std.clone();
    }

    /**
     * Normalises {@code length} HWC values of {@code channels()} channels in place, from {@code offset}.
     *
     * @param hwc the values, HWC order
     * @param offset index of the first value
     * @param length number of values (a multiple of the channel count)
     */
    public void applyInPlace(float[] hwc, int offset, int length) {
        int channels = mean.length;
        if (length % channels != 0) {
            throw new IllegalArgumentException(length + " values are not whole pixels of " + channels + " channels");
        }
        for (int i = 0; i < length; i++) {
            int c = i % channels;
            hwc[offset + i] = (hwc[offset + i] - mean[c]) / std[c]; // sub then div, as torchvision
        }
    }

    /**
     * A normalised copy of {@code image}.
     *
     * @param image the image to normalise
     * @return the normalised copy
     */
    public Image apply(Image image) {
        if (image.channels() != channels()) {
            throw new IllegalArgumentException("image has " + image.channels() + " channels, normalization "
                    + channels());
        }
        float[] out = image.pixels().clone();
        applyInPlace(out, 0, out.length);
        return new Image(image.height(), image.width(), image.channels(), out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Normalization[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
