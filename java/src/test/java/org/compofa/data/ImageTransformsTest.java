package org.compofa.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Padded crop, flip and bilinear resize against their definitions, on odd sizes. Pure Java. */
class ImageTransformsTest {
    static Image randomImage(int h, int w, int c, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] pixels = new float[h * w * c];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) random.nextDouble();
        }
        return new Image(h, w, c, pixels);
    }

    @Test
    void flipIsAnExactMirrorAndItsOwnInverse() {
        Image image = randomImage(5, 7, 3, 1);
        Image flipped = ImageTransforms.flipHorizontal(image);
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 7; x++) {
                for (int c = 0; c < 3; c++) {
                    assertEquals(image.at(y, 6 - x, c), flipped.at(y, x, c));
                }
            }
        }
        assertArrayEquals(image.pixels(), ImageTransforms.flipHorizontal(flipped).pixels());
    }

    @Test
    void paddedCropKeepsTheSizeAndShiftsInZeros() {
        Image image = randomImage(28, 28, 1, 2);
        int pad = 4;
        for (int[] offset : new int[][] {{0, 0}, {8, 8}, {1, 7}, {4, 4}, {8, 0}}) {
            Image crop = ImageTransforms.paddedCrop(image, pad, offset[0], offset[1]);
            assertEquals(28, crop.height());
            assertEquals(28, crop.width());
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    int sy = y + offset[0] - pad;
                    int sx = x + offset[1] - pad;
                    boolean inside = sy >= 0 && sy < 28 && sx >= 0 && sx < 28;
                    assertEquals(inside ? image.at(sy, sx, 0) : 0f, crop.at(y, x, 0), "offset " + offset[0] + "," + offset[1]);
                }
            }
        }
        assertArrayEquals(image.pixels(), ImageTransforms.paddedCrop(image, pad, pad, pad).pixels());
    }

    @Test
    void paddedCropWiderThanTheImageKeepsRgbPixelsTogether() {
        Image image = randomImage(3, 2, 3, 3);
        Image crop = ImageTransforms.paddedCrop(image, 4, 5, 3); // output (y, x) reads input (y + 1, x - 1)
        assertEquals(image.at(1, 0, 2), crop.at(0, 1, 2));
        assertEquals(image.at(2, 0, 0), crop.at(1, 1, 0));
        assertEquals(0f, crop.at(0, 0, 0));
        assertArrayEquals(new float[3 * 2 * 3], ImageTransforms.paddedCrop(image, 4, 0, 0).pixels());
        assertThrows(IllegalArgumentException.class, () -> ImageTransforms.paddedCrop(image, 4, 9, 0));
    }

    @Test
    void resizeToTheSameSizeIsTheIdentity() {
        Image image = randomImage(28, 28, 1, 4);
        assertArrayEquals(image.pixels(), ImageTransforms.resizeBilinear(image, 28, 28).pixels());
        Image rgb = randomImage(7, 5, 3, 5);
        assertArrayEquals(rgb.pixels(), ImageTransforms.resizeBilinear(rgb, 7, 5).pixels());
    }

    @Test
    void resizeOfAConstantImageIsConstant() {
        float value = 0.37f;
        Image constant = new Image(28, 28, 2, filled(28 * 28 * 2, value));
        for (int[] size : new int[][] {{224, 224}, {17, 17}, {3, 11}, {1, 1}, {29, 128}}) {
            Image out = ImageTransforms.resizeBilinear(constant, size[0], size[1]);
            for (float v : out.pixels()) {
                assertEquals(value, v, 1e-6f);
            }
        }
    }

    @Test
    void resizeMatchesPyTorchOnA2x2Upsample() {
        // torch.nn.functional.interpolate(torch.tensor([[[[0., 1.], [2., 3.]]]]), size=4,
        //     mode="bilinear", align_corners=False)
        float[] expected = {
            0.0f, 0.25f, 0.75f, 1.0f,
            0.5f, 0.75f, 1.25f, 1.5f,
            1.5f, 1.75f, 2.25f, 2.5f,
            2.0f, 2.25f, 2.75f, 3.0f};
        Image out = ImageTransforms.resizeBilinear(new Image(2, 2, 1, new float[] {0, 1, 2, 3}), 4, 4);
        assertArrayEquals(expected, out.pixels(), 1e-7f);
    }

    @Test
    void resizeMatchesTheNaiveFormulaOnOddRandomImages() {
        Image image = randomImage(7, 5, 3, 6);
        for (int[] size : new int[][] {{11, 13}, {3, 2}, {7, 9}, {1, 1}, {31, 4}}) {
            Image out = ImageTransforms.resizeBilinear(image, size[0], size[1]);
            for (int y = 0; y < size[0]; y++) {
                for (int x = 0; x < size[1]; x++) {
                    for (int c = 0; c < 3; c++) {
                        assertEquals(naiveBilinear(image, y, x, c, size[0], size[1]), out.at(y, x, c), 1e-6,
                                "7x5 -> " + size[0] + "x" + size[1] + " at " + y + "," + x + "," + c);
                    }
                }
            }
        }
    }

    @Test
    void resizeIntoWritesOnlyItsSlot() {
        Image image = randomImage(5, 5, 1, 7);
        float[] batch = filled(3 * 9, -1f);
        ImageTransforms.resizeBilinearInto(image, 3, 3, batch, 9);
        assertEquals(-1f, batch[8]);
        assertEquals(-1f, batch[18]);
        assertArrayEquals(ImageTransforms.resizeBilinear(image, 3, 3).pixels(), Arrays.copyOfRange(batch, 9, 18));
    }

    /**
     * Half-pixel-centre bilinear interpolation written out in doubles: map the output centre to the
     * source, clamp to the source grid, and blend the four neighbours.
     */
    private static double naiveBilinear(Image in, int y, int x, int c, int outH, int outW) {
        double sy = Math.min(Math.max((y + 0.5) * in.height() / outH - 0.5, 0), in.height() - 1);
        double sx = Math.min(Math.max((x + 0.5) * in.width() / outW - 0.5, 0), in.width() - 1);
        int y0 = (int) Math.floor(sy);
        int x0 = (int) Math.floor(sx);
        int y1 = Math.min(y0 + 1, in.height() - 1);
        int x1 = Math.min(x0 + 1, in.width() - 1);
        double fy = sy - y0;
        double fx = sx - x0;
        return (1 - fy) * ((1 - fx) * in.at(y0, x0, c) + fx * in.at(y0, x1, c))
                + fy * ((1 - fx) * in.at(y1, x0, c) + fx * in.at(y1, x1, c));
    }

    static float[] filled(int n, float value) {
        float[] a = new float[n];
        Arrays.fill(a, value);
        return a;
    }
}
