package org.compofa.data;

/**
 * The pure image operations of the input pipeline, on HWC {@link Image}s: padded crop, horizontal
 * flip and bilinear resize. Each returns a new image (or writes into a caller's array) and never
 * modifies its input.
 */
public final class ImageTransforms {
    private ImageTransforms() {
    }

    /**
     * A crop of the input's own size out of the input padded by {@code padding} zeros on every side
     * (torchvision {@code RandomCrop(size, padding)} with fill 0, for a given offset).
     *
     * @param image the input image
     * @param padding zero pixels added on every side
     * @param top row of the crop in the padded image, {@code 0 .. 2*padding}
     * @param left column of the crop in the padded image, {@code 0 .. 2*padding}
     * @return the cropped image, the input's size
     */
    public static Image paddedCrop(Image image, int padding, int top, int left) {
        if (padding < 0 || top < 0 || left < 0 || top > 2 * padding || left > 2 * padding) {
            throw new IllegalArgumentException("crop offset (" + top + ", " + left + ") with padding " + padding
                    + ": offsets must lie in 0.." + 2 * padding);
        }
        int h = image.height();
        int w = image.width();
        int c = image.channels();
        float[] src = image.pixels();
        float[] out = new float[src.length];
        int dy = top - padding; // output row y reads input row y + dy
        int dx = left - padding;
        int x0 = Math.max(0, -dx);
        int x1 = Math.min(w, w - dx);
        for (int y = 0; y < h; y++) {
            int sy = y + dy;
            if (sy < 0 || sy >= h || x0 >= x1) {
                continue; // a row of padding stays zero
            }
            System.arraycopy(src, (sy * w + x0 + dx) * c, out, (y * w + x0) * c, (x1 - x0) * c);
        }
        return new Image(h, w, c, out);
    }

    /**
     * The mirror image: column {@code x} becomes column {@code width-1-x}.
     *
     * @param image the input image
     * @return the mirrored image
     */
    public static Image flipHorizontal(Image image) {
        int h = image.height();
        int w = image.width();
        int c = image.channels();
        float[] src = image.pixels();
        float[] out = new float[src.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                System.arraycopy(src, (y * w + x) * c, out, (y * w + (w - 1 - x)) * c, c);
            }
        }
        return new Image(h, w, c, out);
    }

    /**
     * Bilinear resize to {@code outHeight x outWidth}; see {@link #resizeBilinearInto}.
     *
     * @param image the input image
     * @param outHeight output rows
     * @param outWidth output columns
     * @return the resized image
     */
    public static Image resizeBilinear(Image image, int outHeight, int outWidth) {
        float[] out = new float[Math.multiplyExact(Math.multiplyExact(outHeight, outWidth), image.channels())];
        resizeBilinearInto(image, outHeight, outWidth, out, 0);
        return new Image(outHeight, outWidth, image.channels(), out);
    }

    /**
     * Bilinear resize written to {@code out[offset ..]} in HWC order, with the semantics of PyTorch's
     * {@code F.interpolate(mode="bilinear", align_corners=False, antialias=False)}: output pixel
     * {@code d} samples source coordinate {@code max(0, (d + 0.5) * in / out - 0.5)}, interpolating
     * between the two neighbouring pixels and repeating the last one at the far edge. A resize to the
     * same size is the identity.
     *
     * @param image the input image
     * @param outHeight output rows
     * @param outWidth output columns
     * @param out destination array, HWC
     * @param offset index in {@code out} of the first value written
     */
    public static void resizeBilinearInto(Image image, int outHeight, int outWidth, float[] out, int offset) {
        if (outHeight < 1 || outWidth < 1) {
            throw new IllegalArgumentException("resize to " + outHeight + "x" + outWidth + ": sizes must be >= 1");
        }
        int c = image.channels();
        int inW = image.width();
        float[] src = image.pixels();
        Axis rowsAxis = Axis.of(image.height(), outHeight);
        Axis colsAxis = Axis.of(inW, outWidth);
        int o = offset;
        for (int y = 0; y < outHeight; y++) {
            int row0 = rowsAxis.low[y] * inW;
            int row1 = rowsAxis.high[y] * inW;
            float wy1 = rowsAxis.highWeight[y];
            float wy0 = 1f - wy1;
            for (int x = 0; x < outWidth; x++) {
                int x0 = colsAxis.low[x];
                int x1 = colsAxis.high[x];
                float wx1 = colsAxis.highWeight[x];
                float wx0 = 1f - wx1;
                for (int ch = 0; ch < c; ch++) {
                    float top = wx0 * src[(row0 + x0) * c + ch] + wx1 * src[(row0 + x1) * c + ch];
                    float bottom = wx0 * src[(row1 + x0) * c + ch] + wx1 * src[(row1 + x1) * c + ch];
                    out[o++] = wy0 * top + wy1 * bottom;
                }
            }
        }
    }

    /**
     * The {@code height x width} window of {@code image} whose top-left pixel is {@code (top, left)}.
     *
     * @param image the input image
     * @param top first row of the window
     * @param left first column of the window
     * @param height rows of the window
     * @param width columns of the window
     * @return the window as a new image
     */
    public static Image crop(Image image, int top, int left, int height, int width) {
        if (top < 0 || left < 0 || height < 1 || width < 1 || top + height > image.height()
                || left + width > image.width()) {
            throw new IllegalArgumentException("crop " + height + "x" + width + " at (" + top + ", " + left + ") of a "
                    + image.height() + "x" + image.width() + " image: must lie inside it");
        }
        int c = image.channels();
        float[] src = image.pixels();
        float[] out = new float[Math.multiplyExact(height * width, c)];
        for (int y = 0; y < height; y++) {
            System.arraycopy(src, ((top + y) * image.width() + left) * c, out, y * width * c, width * c);
        }
        return new Image(height, width, c, out);
    }

    /**
     * torchvision's {@code adjust_brightness} on {@code length} HWC values from {@code offset}, in place:
     * {@code clamp(v * factor, 0, 1)}.
     *
     * @param hwc the values, HWC order, in [0, 1]
     * @param offset index of the first value
     * @param length number of values
     * @param factor brightness factor, 1 for no change
     */
    public static void adjustBrightness(float[] hwc, int offset, int length, float factor) {
        for (int i = offset; i < offset + length; i++) {
            hwc[i] = Math.min(1f, Math.max(0f, hwc[i] * factor));
        }
    }

    /**
     * torchvision's {@code adjust_saturation} on {@code length} RGB HWC values from {@code offset}, in
     * place: each pixel blended with its ITU-R 601-2 luma, {@code clamp(factor * v + (1 - factor) * luma, 0, 1)}.
     *
     * @param hwc the RGB values, HWC order, in [0, 1]
     * @param offset index of the first value
     * @param length number of values (a multiple of 3)
     * @param factor saturation factor, 1 for no change, 0 for grey
     */
    public static void adjustSaturation(float[] hwc, int offset, int length, float factor) {
        if (length % 3 != 0) {
            throw new IllegalArgumentException(length + " values are not whole RGB pixels");
        }
        for (int i = offset; i < offset + length; i += 3) {
            float luma = 0.299f * hwc[i] + 0.587f * hwc[i + 1] + 0.114f * hwc[i + 2];
            for (int k = 0; k < 3; k++) {
                hwc[i + k] = Math.min(1f, Math.max(0f, factor * hwc[i + k] + (1f - factor) * luma));
            }
        }
    }

    /** Per output index along one axis: the two source indices and the weight of the higher one. */
    private record Axis(int[] low, int[] high, float[] highWeight) {
        static Axis of(int in, int out) {
            int[] low = new int[out];
            int[] high = new int[out];
            float[] weight = new float[out];
            float scale = (float) in / out; // PyTorch: area_pixel_compute_scale without scale_factor
            for (int d = 0; d < out; d++) {
                float source = Math.max(0f, scale * (d + 0.5f) - 0.5f);
                int i0 = Math.min((int) source, in - 1);
                low[d] = i0;
                high[d] = i0 < in - 1 ? i0 + 1 : i0;
                weight[d] = i0 < in - 1 ? source - i0 : 0f;
            }
            return new Axis(low, high, weight);
        }
    }
}
