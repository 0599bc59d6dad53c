package org.compofa.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import org.compofa.data.ImageFolderDataset.ColorMode;

/**
 * Decoded 8-bit pixels to HWC floats in [0, 1], in bulk: one pass over the raster's own byte array
 * instead of a {@code getRGB} call per pixel (which goes through the colour model and halved the
 * loader's rate). Every path gives exactly what {@link #perPixel} gives for the same image: stored
 * gray values replicated, RGB bytes over 255, or Pillow's fixed-point ITU-R 601-2 luma for grayscale.
 */
final class PixelConversion {
    /** {@code LEVEL[v] == v / 255f}, so the table and the division give the same float. */
    private static final float[] LEVEL = new float[256];

    static {
        for (int v = 0; v < 256; v++) {
            LEVEL[v] = v / 255f;
        }
    }

    private PixelConversion() {
    }

    /** Pillow's {@code convert("L")}: {@code (19595 R + 38470 G + 7471 B + 2^15) >> 16}, as a level. */
    static int luma(int r, int g, int b) {
        return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
    }

    /**
     * Interleaved 8-bit pixels ({@code bytesPerPixel} = 3: R G B, or 1: gray) to an image in {@code mode}.
     */
    static Image fromInterleaved(byte[] src, int height, int width, int bytesPerPixel, ColorMode mode) {
        int pixels = height * width;
        int channels = mode.channels();
        float[] out = new float[pixels * channels];
        if (bytesPerPixel == 1) {
            for (int p = 0, o = 0; p < pixels; p++) {
                float v = LEVEL[src[p] & 0xff];
                for (int c = 0; c < channels; c++) {
                    out[o++] = v;
                }
            }
        } else if (mode == ColorMode.RGB) {
            for (int i = 0; i < out.length; i++) {
                out[i] = LEVEL[src[i] & 0xff];
            }
        } else {
            for (int p = 0, i = 0; p < pixels; p++, i += 3) {
                out[p] = LEVEL[luma(src[i] & 0xff, src[i + 1] & 0xff, src[i + 2] & 0xff)];
            }
        }
        return new Image(height, width, channels, out);
    }

    /**
     * A decoded image to HWC floats: in bulk for 8-bit sRGB or gray component rasters (what ImageIO's
     * JPEG and PNG readers return: {@code TYPE_3BYTE_BGR}, {@code TYPE_4BYTE_ABGR}, {@code TYPE_BYTE_GRAY}),
     * else {@link #perPixel}.
     */
    static Image fromBufferedImage(BufferedImage decoded, ColorMode mode) {
        Raster raster = decoded.getRaster();
        if (!(decoded.getColorModel() instanceof ComponentColorModel model)
                || !(raster.getSampleModel() instanceof ComponentSampleModel sample)
                || !(raster.getDataBuffer() instanceof DataBufferByte buffer)
                || buffer.getNumBanks() != 1 || model.isAlphaPremultiplied()) {
            return perPixel(decoded, mode);
        }
        ColorSpace space = model.getColorSpace();
        boolean gray = space.getType() == ColorSpace.TYPE_GRAY && model.getNumColorComponents() == 1;
        boolean rgb = space.isCS_sRGB() && model.getNumColorComponents() == 3;
        if (!gray && !rgb) {
            return perPixel(decoded, mode);
        }
        for (int bits : model.getComponentSize()) {
            if (bits != 8) {
                return perPixel(decoded, mode);
            }
        }
        int h = decoded.getHeight();
        int w = decoded.getWidth();
        int channels = mode.channels();
        float[] out = new float[h * w * channels];
        byte[] data = buffer.getData();
        int pixelStride = sample.getPixelStride();
        int[] bands = sample.getBandOffsets();
        int tx = raster.getSampleModelTranslateX();
        int ty = raster.getSampleModelTranslateY();
        int o = 0;
        for (int y = 0; y < h; y++) {
            int at = buffer.getOffset() + (y - ty) * sample.getScanlineStride() - tx * pixelStride; // band offsets added below
            if (gray) {
                int b0 = bands[0];
                for (int x = 0; x < w; x++, at += pixelStride) {
                    float v = LEVEL[data[at + b0] & 0xff];
                    for (int c = 0; c < channels; c++) {
                        out[o++] = v;
                    }
                }
            } else {
                int br = bands[0];
                int bg = bands[1];
                int bb = bands[2];
                for (int x = 0; x < w; x++, at += pixelStride) {
                    int r = data[at + br] & 0xff;
                    int g = data[at + bg] & 0xff;
                    int b = data[at + bb] & 0xff;
                    if (channels == 3) {
                        out[o++] = LEVEL[r];
                        out[o++] = LEVEL[g];
                        out[o++] = LEVEL[b];
                    } else {
                        out[o++] = LEVEL[luma(r, g, b)];
                    }
                }
            }
        }
        return new Image(h, w, channels, out);
    }

    /**
     * The conversion as it was before the bulk paths, one {@code getRGB} per pixel: the reference the
     * bulk paths are tested against, and the path for any other raster (palette, 16-bit, packed ints).
     * Gray images keep their stored values: Java treats gray as linear and {@code getRGB} would
     * re-encode them to sRGB.
     */
    static Image perPixel(BufferedImage decoded, ColorMode mode) {
        int h = decoded.getHeight();
        int w = decoded.getWidth();
        int channels = mode.channels();
        float[] out = new float[h * w * channels];
        if (decoded.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
            Raster raster = decoded.getRaster();
            float max = (1 << decoded.getColorModel().getComponentSize(0)) - 1;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float v = raster.getSample(x, y, 0) / max;
                    for (int c = 0; c < channels; c++) {
                        out[(y * w + x) * channels + c] = v;
                    }
                }
            }
            return new Image(h, w, channels, out);
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = decoded.getRGB(x, y); // sRGB, alpha in the top byte is dropped
                int r = rgb >> 16 & 0xff;
                int g = rgb >> 8 & 0xff;
                int b = rgb & 0xff;
                int at = (y * w + x) * channels;
                if (mode == ColorMode.RGB) {
                    out[at] = r / 255f;
                    out[at + 1] = g / 255f;
                    out[at + 2] = b / 255f;
                } else {
                    out[at] = luma(r, g, b) / 255f;
                }
            }
        }
        return new Image(h, w, channels, out);
    }
}
