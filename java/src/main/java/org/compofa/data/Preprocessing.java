package org.compofa.data;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.compofa.data.ImageFolderDataset.ColorMode;

/**
 * How a model wants its input: what a deployed model file carries so whoever feeds it needs nothing
 * else. A decoded image (values in [0, 1], i.e. 8-bit pixels / 255) is resized by {@link #resize},
 * converted to {@link #color} and normalised per channel; {@link #classNames} name the outputs.
 * Stored as {@code compofa.preprocessing.*} entries in our model file's header and in the ONNX
 * file's {@code metadata_props} ({@link #metadata}, {@link #fromMetadata}).
 *
 * @param resolution    side of the square input in pixels
 * @param resize        how an image of any size becomes {@code resolution x resolution}
 * @param color         channels and their order
 * @param normalization per-channel mean and std applied after scaling to [0, 1]
 * @param classNames    one name per output (may be empty when unknown)
 */
public record Preprocessing(int resolution, Resize resize, ColorMode color, Normalization normalization,
                            List<String> classNames) {
    /** Prefix of every metadata key. */
    public static final String PREFIX = "compofa.preprocessing.";
    /** The reference's evaluation crop ratio: resize the short side to {@code ceil(r / 0.875)}. */
    public static final double CROP_RATIO = 0.875;

    /** How an image is brought to the model's resolution. */
    public enum Resize {
        /**
         * The reference's ImageNet evaluation transform: short side to {@code ceil(r / 0.875)}
         * (bilinear), then the centre {@code r x r} crop.
         */
        SHORT_SIDE_CENTRE_CROP,
        /** Bilinear resize of the whole image to {@code r x r} (small images such as Fashion-MNIST). */
        STRETCH
    }

    /** Checks the values and copies the list. */
    public Preprocessing {
        Objects.requireNonNull(resize, "resize");
        Objects.requireNonNull(color, "color");
        Objects.requireNonNull(normalization, "normalization");
        classNames = List.copyOf(classNames);
        if (resolution < 1 || resolution > 4096) {
            throw new IllegalArgumentException("resolution " + resolution + ": allowed 1 to 4096");
        }
        if (normalization.channels() != color.channels()) {
            throw new IllegalArgumentException("normalization for " + normalization.channels() + " channel(s), "
                    + color + " has " + color.channels());
        }
        for (String n : classNames) {
            if (n.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("class name '" + n.strip() + "' holds a control character");
            }
        }
    }

    /**
     * ImageNet-style input: the reference's eval transform, RGB, ImageNet mean and std.
     *
     * @param resolution model input side in pixels
     * @param classNames output class names, by index
     * @return the preprocessing
     */
    public static Preprocessing imagenet(int resolution, List<String> classNames) {
        return new Preprocessing(resolution, Resize.SHORT_SIDE_CENTRE_CROP, ColorMode.RGB, Normalization.IMAGENET,
                classNames);
    }

    /**
     * Fashion-MNIST input: grayscale stretched to the resolution, Fashion-MNIST's mean and std.
     *
     * @param resolution model input side in pixels
     * @return the preprocessing
     */
    public static Preprocessing fashionMnist(int resolution) {
        return new Preprocessing(resolution, Resize.STRETCH, ColorMode.GRAYSCALE, Normalization.FASHION_MNIST,
                FashionMnist.CLASS_NAMES);
    }

    /**
     * The model input for {@code image} (values in [0, 1], channels as {@link #color}): HWC floats.
     *
     * @param image the decoded image, values in [0, 1]
     * @return the model input
     */
    public Image apply(Image image) {
        if (image.channels() != color.channels()) {
            throw new IllegalArgumentException("image has " + image.channels() + " channel(s); this model reads "
                    + color + " (" + color.channels() + ")");
        }
        Image sized = switch (resize) {
            case SHORT_SIDE_CENTRE_CROP -> ResizeCentreCropDataset.transform(image, resolution);
            case STRETCH -> image.height() == resolution && image.width() == resolution ? image
                    : ImageTransforms.resizeBilinear(image, resolution, resolution);
        };
        return normalization.apply(sized);
    }

    /**
     * The smallest decoded size {@link #apply} needs (a decoder may downscale to it).
     *
     * @return the smallest side in pixels
     */
    public int minimumSide() {
        return resize == Resize.SHORT_SIDE_CENTRE_CROP ? ResizeCentreCropDataset.resizeSize(resolution) : resolution;
    }

    /**
     * The name of output {@code index}, or {@code "class <index>"} without names.
     *
     * @param index output index
     * @return the class name
     */
    public String className(int index) {
        return index >= 0 && index < classNames.size() ? classNames.get(index) : "class " + index;
    }

    /**
     * As {@code compofa.preprocessing.*} key/value pairs (floats written so they read back exactly).
     *
     * @return the metadata pairs
     */
    public Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(PREFIX + "resolution", Integer.toString(resolution));
        m.put(PREFIX + "resize", resize.name().toLowerCase(java.util.Locale.ROOT)
                + (resize == Resize.SHORT_SIDE_CENTRE_CROP ? " (short side to ceil(r / 0.875), bilinear, centre crop r)"
                : " (bilinear to r x r)"));
        m.put(PREFIX + "color", color.name());
        m.put(PREFIX + "scale", "1/255 (8-bit pixels to [0, 1] before normalisation)");
        m.put(PREFIX + "mean", floats(normalization.mean()));
        m.put(PREFIX + "std", floats(normalization.std()));
        try {
            m.put(PREFIX + "class_names", JSON.std.asString(classNames));
        } catch (IOException e) {
            throw new IllegalStateException("class names to JSON", e);
        }
        return m;
    }

    /**
     * Reads {@link #metadata}'s entries from {@code m} (other keys are ignored).
     *
     * @param m metadata key/value pairs
     * @return the preprocessing, or null when {@code m} holds none (a file written before it existed)
     * @throws IllegalArgumentException naming the entry that is missing or malformed
     */
    public static Preprocessing fromMetadata(Map<String, String> m) {
        if (!m.containsKey(PREFIX + "resolution")) {
            return null;
        }
        try {
            int r = Integer.parseInt(need(m, "resolution"));
            String resizeWord = need(m, "resize").split(" ", 2)[0].toUpperCase(java.util.Locale.ROOT);
            Resize resize = Resize.valueOf(resizeWord);
            ColorMode color = ColorMode.valueOf(need(m, "color"));
            Normalization n = new Normalization(parseFloats(need(m, "mean")), parseFloats(need(m, "std")));
            List<Object> names = JSON.std.listFrom(need(m, "class_names"));
            List<String> classNames = names.stream().map(o -> {
                if (!(o instanceof String s)) {
                    throw new IllegalArgumentException("class_names holds a " + o + ", not a string");
                }
                return s;
            }).toList();
            return new Preprocessing(r, resize, color, n, classNames);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("malformed " + PREFIX + "* metadata: " + e.getMessage(), e);
        }
    }

    private static String need(Map<String, String> m, String key) {
        String v = m.get(PREFIX + key);
        if (v == null) {
            throw new IllegalArgumentException(PREFIX + key + " is missing");
        }
        return v;
    }

    private static String floats(float[] v) {
        StringBuilder b = new StringBuilder();
        for (float f : v) {
            b.append(b.isEmpty() ? "" : ",").append(f);
        }
        return b.toString();
    }

    private static float[] parseFloats(String s) {
        String[] parts = s.split(",");
        if (parts.length > 16) {
            throw new IllegalArgumentException("more than 16 channel values: " + s);
        }
        float[] v = new float[parts.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = Float.parseFloat(parts[i].strip());
        }
        return v;
    }

    @Override
    public String toString() {
        return resolution + " px, " + resize + ", " + color + ", mean " + Arrays.toString(normalization.mean())
                + " std " + Arrays.toString(normalization.std()) + ", " + classNames.size() + " class names"
                + (classNames.isEmpty() ? "" : " (" + classNames.stream().limit(3).collect(Collectors.joining(", "))
                + (classNames.size() > 3 ? ", ..." : "") + ")");
    }
}
