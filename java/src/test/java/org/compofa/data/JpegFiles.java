package org.compofa.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** Seeded test photos (smooth gradients and waves plus noise) and their JPEG encodings by ImageIO. */
final class JpegFiles {
    private JpegFiles() {
    }

    /**
     * A {@code width x height} image: per channel a low-frequency wave over a gradient, plus uniform
     * noise of +-{@code noise} levels, clamped to 0..255; {@code gray} gives one channel.
     */
    static BufferedImage photo(int width, int height, boolean gray, int noise, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        BufferedImage image = new BufferedImage(width, height,
                gray ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        double[] phase = {random.nextDouble(6.3), random.nextDouble(6.3), random.nextDouble(6.3)};
        int channels = gray ? 1 : 3;
        int[] pixel = new int[channels];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < channels; c++) {
                    double wave = 60 * Math.sin(x * (0.05 + 0.02 * c) + y * 0.03 + phase[c]);
                    double ramp = 90.0 * (x + (c + 1) * y) / (width + (c + 1) * height);
                    int noiseLevel = noise == 0 ? 0 : random.nextInt(2 * noise + 1) - noise;
                    pixel[c] = Math.clamp(Math.round(80 + ramp + wave) + noiseLevel, 0, 255);
                }
                image.getRaster().setPixel(x, y, pixel);
            }
        }
        return image;
    }

    /** The image as a baseline JPEG at {@code quality} (0..1), ImageIO's default 4:2:0 for colour. */
    static byte[] jpeg(BufferedImage image, float quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
