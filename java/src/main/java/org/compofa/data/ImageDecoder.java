package org.compofa.data;

import java.nio.file.Path;
import java.util.Optional;
import org.compofa.data.ImageFolderDataset.ColorMode;

/**
 * Turns the bytes of one image file into an {@link Image} in [0, 1]. Implementations are thread-safe
 * and deterministic (the same bytes give the same pixels on every call and thread).
 *
 * <p>Two come with compofa: {@link #imageIo()} (pure Java, JPEG and PNG) and {@link #turboJpeg}
 * (libjpeg-turbo through FFM, JPEG only, PNG handed to ImageIO), which can also decode at a reduced
 * size in the DCT domain. {@link #preferred()} picks one for the whole JVM.
 */
public interface ImageDecoder {
    /**
     * System property choosing {@link #preferred()}: {@code auto} (the default: libjpeg-turbo when it
     * loads, else ImageIO), {@code imageio} (force ImageIO, e.g. for comparisons and tests), or
     * {@code turbo} (libjpeg-turbo, failing if it does not load).
     */
    String PROPERTY = "compofa.image.decoder";

    /** Bound on {@code width * height} of a file, checked from its header before any allocation. */
    long MAX_PIXELS = 1L << 28;

    /** Bound on a file's size in bytes, checked before it is read. */
    long MAX_FILE_BYTES = 1L << 28;

    /**
     * A short name for logs and benchmarks, e.g. {@code "imageio"} or {@code "libjpeg-turbo 2.1 (scaled)"}.
     *
     * @return the decoder's name
     */
    String name();

    /**
     * Decodes {@code content}, read from {@code file}.
     *
     * <p>When {@code minHeight} and {@code minWidth} are positive the decoder may return a smaller image,
     * downscaled in proportion while both sides stay at least {@code minHeight} and {@code minWidth}
     * (never below the stored size when that is smaller already); {@code 0, 0} asks for the stored size.
     *
     * @param file where the bytes came from (named in errors only)
     * @param content the file's bytes
     * @param mode grey or RGB output
     * @param minHeight rows needed, or 0 for the stored size
     * @param minWidth columns needed, or 0 for the stored size
     * @return the image, HWC floats in [0, 1]
     * @throws DatasetException naming {@code file} if the content is not a decodable image, is truncated,
     *     or its header claims more than {@link #MAX_PIXELS} pixels
     */
    Image decode(Path file, byte[] content, ColorMode mode, int minHeight, int minWidth);

    /**
     * ImageIO with bulk pixel conversion; ignores size hints.
     *
     * @return the ImageIO decoder
     */
    static ImageDecoder imageIo() {
        return ImageIoDecoder.INSTANCE;
    }

    /**
     * libjpeg-turbo ({@code libturbojpeg.so.0}, Debian's {@code libturbojpeg0}) when it loads, for JPEG;
     * other formats and JPEGs it does not convert (CMYK, YCCK) go to {@link #imageIo()}.
     *
     * @param dctScaling whether to honour size hints by decoding at a reduced scale (1/8 .. 7/8)
     * @return empty when the library is absent or lacks a needed function (the reason is logged)
     */
    static Optional<ImageDecoder> turboJpeg(boolean dctScaling) {
        return TurboJpegDecoder.load(dctScaling);
    }

    /**
     * The decoder chosen by {@value #PROPERTY} (see there), with DCT scaling on; decided once per JVM and
     * logged once at INFO, e.g. {@code "image decoder: libjpeg-turbo 2.1 (scaled) from libturbojpeg.so.0"}.
     *
     * @return the chosen decoder
     * @throws IllegalStateException if the property names an unknown decoder, or {@code turbo} when it
     *     does not load
     */
    static ImageDecoder preferred() {
        return PreferredDecoder.get();
    }
}
