package org.compofa.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.compofa.data.ImageFolderDataset.ColorMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * libjpeg-turbo through FFM against ImageIO on seeded JPEGs of odd sizes (quality 90): full decodes
 * agree within the IDCT tolerance, DCT-scaled decodes match a box downscale of the full decode, bad
 * files are refused with their name. Skipped (not failed) where libturbojpeg.so.0 is absent.
 */
class TurboJpegDecoderTest {
    private static final Path FILE = Path.of("test.jpg");
    /*
     * Full decodes. ImageIO's reader is IJG libjpeg 6b; libjpeg-turbo keeps 6b's default decode path
     * (ISLOW integer IDCT, fancy chroma upsampling, the same YCbCr->RGB tables), so here they agree bit
     * for bit. What the standard allows two IDCTs to differ by is IEEE 1180's peak error of 1 level per
     * sample (Y, Cb, Cr); through YCbCr->RGB (B = Y + 1.772 Cb) that is at most 1 + 1.772 < 3 levels
     * per channel after rounding, and IEEE 1180's mean-square error (<= 0.06 per sample) keeps the mean
     * well under 0.5 level. Those are the bounds, so another libjpeg-turbo build or SIMD path may differ.
     */
    private static final double FULL_MEAN_LEVELS = 0.5;
    private static final double FULL_MAX_LEVELS = 3;
    /*
     * Scaled decodes against a k x k box mean of the full decode. Both keep the content below the new
     * Nyquist frequency; they differ in what lies above: the reduced IDCT drops those coefficients, the
     * box mean only attenuates them. In these images that part is the +-12-level uniform noise (and
     * quantisation error): a box mean of it stays within +-12 levels of the noise-free value, so 12
     * bounds the difference per sample; its mean over a block of k*k >= 4 samples has a standard
     * deviation of at most 7/2 levels, so a mean absolute difference over 1 level means a wrong image
     * (a one-pixel shift of the wave alone gives about 3). Measured: mean 0.26-0.55, max 0.6-6.5.
     */
    private static final double SCALED_MEAN_LEVELS = 1;
    private static final double SCALED_MAX_LEVELS = 12;
    private static TurboJpegDecoder full;
    private static TurboJpegDecoder scaled;

    @BeforeAll
    static void load() {
        Optional<ImageDecoder> f = ImageDecoder.turboJpeg(false);
        assumeTrue(f.isPresent(), "libturbojpeg.so.0 absent: " + TurboJpegDecoder.unavailableReason().orElse(""));
        full = (TurboJpegDecoder) f.get();
        scaled = (TurboJpegDecoder) ImageDecoder.turboJpeg(true).orElseThrow();
    }

    /** Mean and max absolute difference in levels (0..255) between two images of one shape. */
    static double[] diff(Image a, Image b) {
        assertEquals(a.height(), b.height());
        assertEquals(a.width(), b.width());
        assertEquals(a.channels(), b.channels());
        double sum = 0;
        double max = 0;
        for (int i = 0; i < a.pixels().length; i++) {
            double d = Math.abs(a.pixels()[i] - b.pixels()[i]) * 255;
            sum += d;
            max = Math.max(max, d);
        }
        return new double[] {sum / a.pixels().length, max};
    }

    @Test
    void fullDecodeAgreesWithImageIo() {
        int[][] sizes = {{37, 53}, {101, 67}, {9, 8}, {1, 1}, {250, 163}};
        long seed = 1;
        for (int[] size : sizes) {
            for (boolean gray : new boolean[] {false, true}) {
                byte[] jpeg = JpegFiles.jpeg(JpegFiles.photo(size[0], size[1], gray, 12, seed++), 0.9f);
                for (ColorMode mode : ColorMode.values()) {
                    Image reference = ImageDecoder.imageIo().decode(FILE, jpeg, mode, 0, 0);
                    Image turbo = full.decode(FILE, jpeg, mode, 0, 0);
                    double[] d = diff(reference, turbo);
                    assertTrue(d[0] <= FULL_MEAN_LEVELS && d[1] <= FULL_MAX_LEVELS, size[0] + "x" + size[1]
                            + " gray=" + gray + " " + mode + ": mean " + d[0] + ", max " + d[1] + " levels");
                }
            }
        }
    }

    @Test
    void scaledDecodeMatchesABoxDownscaleOfTheFullDecode() {
        int width = 200;
        int height = 168;
        for (boolean gray : new boolean[] {false, true}) {
            byte[] jpeg = JpegFiles.jpeg(JpegFiles.photo(width, height, gray, 12, 7), 0.9f);
            Image whole = full.decode(FILE, jpeg, ColorMode.RGB, 0, 0);
            for (int factor : new int[] {2, 4, 8}) {
                Image small = scaled.decode(FILE, jpeg, ColorMode.RGB, height / factor, width / factor);
                assertEquals(height / factor, small.height());
                assertEquals(width / factor, small.width());
                double[] d = diff(boxDownscale(whole, factor), small);
                assertTrue(d[0] <= SCALED_MEAN_LEVELS && d[1] <= SCALED_MAX_LEVELS,
                        "1/" + factor + " gray=" + gray + ": mean " + d[0] + ", max " + d[1] + " levels");
            }
        }
    }

    @Test
    void scaleIsTheSmallestFactorThatKeepsBothSidesLargeEnough() {
        // 500x375 for a 224 crop: 4/8 gives 250x188 (too small), 5/8 gives 313x235.
        assertArrayEquals(new int[] {5, 8}, scaled.scaleFor(375, 500, 224, 224));
        assertEquals(235, TurboJpegDecoder.scaled(375, 5, 8));
        assertArrayEquals(new int[] {1, 8}, scaled.scaleFor(1000, 2000, 100, 100)); // 125x250
        assertArrayEquals(new int[] {1, 2}, scaled.scaleFor(168, 200, 84, 100));
        assertArrayEquals(new int[] {1, 1}, scaled.scaleFor(100, 80, 224, 224)); // never upscaled
        assertArrayEquals(new int[] {1, 1}, scaled.scaleFor(375, 500, 0, 0)); // no hint
        assertArrayEquals(new int[] {1, 1}, full.scaleFor(375, 500, 224, 224)); // scaling off
        Image decoded = scaled.decode(FILE, JpegFiles.jpeg(JpegFiles.photo(500, 375, false, 12, 3), 0.9f),
                ColorMode.RGB, 224, 224);
        assertEquals(235, decoded.height());
        assertEquals(313, decoded.width());
    }

    @Test
    void truncatedGarbageAndOversizedFilesFailWithTheirName() {
        byte[] good = JpegFiles.jpeg(JpegFiles.photo(61, 47, false, 12, 5), 0.9f);
        byte[] truncated = Arrays.copyOf(good, good.length * 6 / 10);
        byte[] garbage = Arrays.copyOf(good, good.length);
        for (int i = 3; i < garbage.length; i++) {
            garbage[i] = (byte) (i * 131 + 7);
        }
        byte[] huge = withSize(good, 30000, 30000); // 9e8 pixels claimed by a 3 kB file
        Path file = Path.of("data", "cat", "bad.jpg");
        for (ImageDecoder decoder : new ImageDecoder[] {full, scaled, ImageDecoder.imageIo()}) {
            for (byte[] bad : new byte[][] {truncated, garbage, huge, {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}}) {
                DatasetException e = assertThrows(DatasetException.class,
                        () -> decoder.decode(file, bad, ColorMode.RGB, 0, 0), decoder.name());
                assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
            }
            DatasetException e = assertThrows(DatasetException.class,
                    () -> decoder.decode(file, huge, ColorMode.RGB, 0, 0));
            assertTrue(e.getMessage().contains(String.valueOf(ImageDecoder.MAX_PIXELS)), e.getMessage());
            // The decoder is still usable afterwards (a failed handle is not reused).
            assertEquals(61, decoder.decode(file, good, ColorMode.RGB, 0, 0).width());
        }
    }

    /** A copy whose baseline frame header (SOF0) claims {@code height x width}. */
    static byte[] withSize(byte[] jpeg, int height, int width) {
        byte[] out = jpeg.clone();
        for (int i = 2; i + 8 < out.length; i++) {
            if ((out[i] & 0xff) == 0xFF && (out[i + 1] & 0xff) == 0xC0) {
                out[i + 5] = (byte) (height >> 8);
                out[i + 6] = (byte) height;
                out[i + 7] = (byte) (width >> 8);
                out[i + 8] = (byte) width;
                return out;
            }
        }
        throw new AssertionError("no SOF0 marker");
    }

    @Test
    void pngGoesToImageIoAndThePropertyChoosesTheDecoder() throws java.io.IOException {
        java.awt.image.BufferedImage photo = JpegFiles.photo(33, 21, false, 12, 9);
        assertTrue(TurboJpegDecoder.isJpeg(JpegFiles.jpeg(photo, 0.9f)));
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(photo, "png", png);
        assertTrue(!TurboJpegDecoder.isJpeg(png.toByteArray()));
        Image viaTurbo = scaled.decode(FILE, png.toByteArray(), ColorMode.RGB, 5, 5);
        assertArrayEquals(ImageDecoder.imageIo().decode(FILE, png.toByteArray(), ColorMode.RGB, 0, 0).pixels(),
                viaTurbo.pixels());
        assertEquals(21, viaTurbo.height());
        assertEquals(ImageDecoder.imageIo(), PreferredDecoder.choose("ImageIO"));
        assertTrue(PreferredDecoder.choose("turbo").name().startsWith("libjpeg-turbo"), PreferredDecoder.choose("turbo").name());
        assertTrue(PreferredDecoder.choose(" auto ").name().startsWith("libjpeg-turbo"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> PreferredDecoder.choose("pillow"));
        assertTrue(e.getMessage().contains("expected auto, imageio or turbo"), e.getMessage());
    }

    /** Each output pixel the mean of a {@code factor x factor} block (the sides divide evenly). */
    static Image boxDownscale(Image image, int factor) {
        int h = image.height() / factor;
        int w = image.width() / factor;
        int c = image.channels();
        float[] out = new float[h * w * c];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int ch = 0; ch < c; ch++) {
                    float sum = 0;
                    for (int dy = 0; dy < factor; dy++) {
                        for (int dx = 0; dx < factor; dx++) {
                            sum += image.at(y * factor + dy, x * factor + dx, ch);
                        }
                    }
                    out[(y * w + x) * c + ch] = sum / (factor * factor);
                }
            }
        }
        return new Image(h, w, c, out);
    }
}
