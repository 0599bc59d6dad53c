package org.compofa.data;

import java.lang.System.Logger.Level;
import java.util.Locale;

/** Holder of {@link ImageDecoder#preferred()}: chosen on first use, so a property set before then counts. */
final class PreferredDecoder {
    private static ImageDecoder decoder;

    private PreferredDecoder() {
    }

    /** The decoder, chosen on the first call; a failed choice is not cached, so it fails the same way again. */
    static synchronized ImageDecoder get() {
        if (decoder == null) {
            decoder = choose(System.getProperty(ImageDecoder.PROPERTY, "auto"));
            System.getLogger(ImageDecoder.class.getName()).log(Level.INFO, "image decoder: " + decoder.name()
                    + " (" + ImageDecoder.PROPERTY + "=" + System.getProperty(ImageDecoder.PROPERTY, "auto")
                    + TurboJpegDecoder.unavailableReason().map(r -> "; libjpeg-turbo not used: " + r).orElse("") + ")");
        }
        return decoder;
    }

    /** The decoder a property value names (see {@link ImageDecoder#PROPERTY}). */
    static ImageDecoder choose(String property) {
        String wanted = property.trim().toLowerCase(Locale.ROOT);
        return switch (wanted) {
            case "imageio" -> ImageDecoder.imageIo();
            case "turbo" -> ImageDecoder.turboJpeg(true).orElseThrow(() -> new IllegalStateException(
                    ImageDecoder.PROPERTY + "=turbo but libjpeg-turbo does not load ("
                    + TurboJpegDecoder.unavailableReason().orElse("?") + "); install libturbojpeg0"));
            case "auto" -> ImageDecoder.turboJpeg(true).orElse(ImageDecoder.imageIo());
            default -> throw new IllegalStateException(ImageDecoder.PROPERTY + "=" + property
                    + ": expected auto, imageio or turbo");
        };
    }
}
