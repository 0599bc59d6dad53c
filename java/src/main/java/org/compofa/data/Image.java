package org.compofa.data;

import java.util.Objects;

/**
 * One image as floats in HWC order (row-major, channels innermost): the value of row {@code y},
 * column {@code x}, channel {@code c} is {@code pixels[(y * width + x) * channels + c]}.
 *
 * <p>Values are in [0, 1] as produced by a {@link Dataset}, or normalised after
 * {@link Normalization#apply}. The record does not copy the array; transforms return new images.
 *
 * @param height rows (at least 1)
 * @param width columns (at least 1)
 * @param channels values per pixel (1 = grayscale, 3 = RGB)
 * @param pixels {@code height * width * channels} values
 */
public record Image(int height, int width, int channels, float[] pixels) {
    /** Checks that the shape is positive and matches the array length. */
    public Image {
        Objects.requireNonNull(pixels, "pixels");
        if (height < 1 || width < 1 || channels < 1) {
            throw new IllegalArgumentException("image shape " + height + "x" + width + "x" + channels
                    + ": every dimension must be at least 1");
        }
        if ((long) height * width * channels != pixels.length) {
            throw new IllegalArgumentException("image shape " + height + "x" + width + "x" + channels
                    + " needs " + (long) height * width * channels + " values, got " + pixels.length);
        }
    }

    /**
     * The value at row {@code y}, column {@code x}, channel {@code c}.
     *
     * @param y row
     * @param x column
     * @param c channel
     * @return the value, in [0, 1] unless normalised
     */
    public float at(int y, int x, int c) {
        return pixels[(y * width + x) * channels + c];
    }

    /**
     * A decoded image as floats in [0, 1] (8-bit samples / 255), converted to {@code mode}'s
     * channels (RGB, or grayscale with Pillow's {@code convert("L")} luma).
     *
     * @param image the decoded image
     * @param mode grey or RGB output
     * @return the image as floats
     */
    public static Image of(java.awt.image.BufferedImage image, ImageFolderDataset.ColorMode mode) {
        return PixelConversion.fromBufferedImage(image, mode);
    }
}
