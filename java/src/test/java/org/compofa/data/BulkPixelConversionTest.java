package org.compofa.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.compofa.data.ImageFolderDataset.ColorMode;
import org.junit.jupiter.api.Test;

/**
 * The bulk conversion (the raster's bytes read directly) gives exactly what the per-pixel
 * {@code getRGB} conversion gives, for every raster ImageIO's JPEG and PNG readers return, in both
 * colour modes, also for a sub-image whose raster starts inside its parent's array.
 */
class BulkPixelConversionTest {
    private static BufferedImage decoded(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(image, format, bytes);
        return ImageIO.read(new ByteArrayInputStream(bytes.toByteArray()));
    }

    private static BufferedImage randomArgb(int width, int height, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_4BYTE_ABGR);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt());
            }
        }
        return image;
    }

    private static void assertSameAsPerPixel(BufferedImage image, int expectedType) {
        assertEquals(expectedType, image.getType());
        for (ColorMode mode : ColorMode.values()) {
            Image bulk = PixelConversion.fromBufferedImage(image, mode);
            Image reference = PixelConversion.perPixel(image, mode);
            assertEquals(reference.height(), bulk.height());
            assertEquals(reference.width(), bulk.width());
            assertArrayEquals(reference.pixels(), bulk.pixels(), mode + " type " + expectedType);
        }
    }

    @Test
    void jpegRastersConvertAsPerPixel() throws IOException {
        assertSameAsPerPixel(decoded(JpegFiles.photo(37, 29, false, 12, 1), "jpg"), BufferedImage.TYPE_3BYTE_BGR);
        assertSameAsPerPixel(decoded(JpegFiles.photo(23, 41, true, 12, 2), "jpg"), BufferedImage.TYPE_BYTE_GRAY);
    }

    @Test
    void pngRastersConvertAsPerPixelWithAlphaDropped() throws IOException {
        assertSameAsPerPixel(decoded(randomArgb(19, 13, 3), "png"), BufferedImage.TYPE_4BYTE_ABGR);
        assertSameAsPerPixel(decoded(JpegFiles.photo(17, 11, true, 40, 4), "png"), BufferedImage.TYPE_BYTE_GRAY);
        assertSameAsPerPixel(decoded(JpegFiles.photo(17, 11, false, 40, 5), "png"), BufferedImage.TYPE_3BYTE_BGR);
    }

    @Test
    void subImagesStartAtTheirOwnOrigin() throws IOException {
        BufferedImage parent = decoded(JpegFiles.photo(41, 31, false, 12, 6), "jpg");
        assertSameAsPerPixel(parent.getSubimage(5, 7, 23, 17), BufferedImage.TYPE_3BYTE_BGR);
        BufferedImage grayParent = decoded(JpegFiles.photo(41, 31, true, 12, 7), "jpg");
        assertSameAsPerPixel(grayParent.getSubimage(3, 2, 30, 11), BufferedImage.TYPE_BYTE_GRAY);
    }

    @Test
    void otherRastersTakeThePerPixelPath() {
        BufferedImage packed = new BufferedImage(7, 5, BufferedImage.TYPE_INT_RGB);
        packed.setRGB(3, 2, 0x123456);
        assertSameAsPerPixel(packed, BufferedImage.TYPE_INT_RGB);
        assertEquals(0x34 / 255f, PixelConversion.fromBufferedImage(packed, ColorMode.RGB).at(2, 3, 1));
    }
}
