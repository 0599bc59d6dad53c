package org.compofa.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import org.compofa.data.ImageFolderDataset.ColorMode;

/**
 * {@link ImageDecoder#imageIo()}: the JDK's readers, the size read from the header and bounded before
 * the pixels are decoded, a truncated file refused (ImageIO itself only warns and fills the rest with
 * gray), and the pixels converted in bulk ({@link PixelConversion}).
 */
final class ImageIoDecoder implements ImageDecoder {
    static final ImageIoDecoder INSTANCE = new ImageIoDecoder();

    private ImageIoDecoder() {
    }

    @Override
    public String name() {
        return "imageio";
    }

    @Override
    public Image decode(Path file, byte[] content, ColorMode mode, int minHeight, int minWidth) {
        return PixelConversion.fromBufferedImage(read(file, content), mode);
    }

    /** The decoded image, checked as described in the class comment. */
    static BufferedImage read(Path file, byte[] content) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(content))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new DatasetException(file, "cannot decode image: no ImageIO reader recognises its content");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > MAX_PIXELS) {
                    throw new DatasetException(file, "header says " + reader.getWidth(0) + "x" + reader.getHeight(0)
                            + " = " + pixels + " pixels; at most " + MAX_PIXELS + " are decoded");
                }
                List<String> truncation = new ArrayList<>();
                reader.addIIOReadWarningListener(new TruncationListener(truncation));
                BufferedImage image = reader.read(0);
                if (!truncation.isEmpty()) {
                    throw new DatasetException(file, "cannot decode image: truncated (" + truncation.getFirst() + ")");
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof DatasetException d) {
                throw d;
            }
            throw new DatasetException(file, "cannot decode image: " + e, e);
        }
    }

    /** Keeps the warnings that mean the data ended early; others (e.g. a bad ICC profile) are let through. */
    private record TruncationListener(List<String> truncation) implements IIOReadWarningListener {
        @Override
        public void warningOccurred(ImageReader source, String warning) {
            String w = warning.toLowerCase(Locale.ROOT);
            if (w.contains("truncat") || w.contains("premature end") || w.contains("missing eoi")) {
                truncation.add(warning);
            }
        }
    }
}
