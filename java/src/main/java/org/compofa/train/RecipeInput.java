package org.compofa.train;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.compofa.data.Augmentation;
import org.compofa.data.Dataset;
import org.compofa.data.Preprocessing;
import org.compofa.data.ResizeCentreCropDataset;
import org.compofa.space.MobileNetV3Geometry;

/**
 * What a {@link FashionRecipe} run reads and how: the preset (the network geometry), the
 * preprocessing (evaluation resize, colour, normalisation, class names; its resolution is a
 * placeholder, each use takes its own) and the training augmentation. Stored with the run (checkpoint
 * attributes {@code input.*}, and the CLI's run descriptor) so evaluation and export feed the network
 * as training did.
 *
 * @param preset        {@link #FASHION_PRESET} (small-input geometry) or {@link #IMAGENET_PRESET}
 *                      ({@link MobileNetV3Geometry#imagenet} geometry)
 * @param preprocessing how images are resized, coloured and normalised
 * @param augmentation  the training augmentation
 */
public record RecipeInput(String preset, Preprocessing preprocessing, Augmentation augmentation) {
    /** The small-image preset (geometry {@link MobileNetV3Geometry#smallInput}). */
    public static final String FASHION_PRESET = "fashion";
    /** The ImageNet preset (geometry {@link MobileNetV3Geometry#imagenet}). */
    public static final String IMAGENET_PRESET = "imagenet";
    /** Prefix of the checkpoint attributes. */
    public static final String ATTRIBUTE_PREFIX = "input.";
    /** Fashion-MNIST, as the recipe has always read it. */
    public static final RecipeInput FASHION = new RecipeInput(FASHION_PRESET, Preprocessing.fashionMnist(28),
            FashionRecipe.AUGMENTATION);

    /** Checks the preset name and the non-null parts. */
    public RecipeInput {
        Objects.requireNonNull(preprocessing, "preprocessing");
        Objects.requireNonNull(augmentation, "augmentation");
        if (!FASHION_PRESET.equals(preset) && !IMAGENET_PRESET.equals(preset)) {
            throw new IllegalArgumentException("preset '" + preset + "': allowed fashion, imagenet");
        }
    }

    /**
     * The network geometry for this input at {@code width} with {@code classes} outputs.
     *
     * @param width width multiplier
     * @param classes number of output classes
     * @return the geometry
     */
    public MobileNetV3Geometry geometry(double width, int classes) {
        int channels = preprocessing.color().channels();
        return IMAGENET_PRESET.equals(preset)
                ? new MobileNetV3Geometry(org.compofa.space.StageTable.imagenet(width), channels, classes)
                : MobileNetV3Geometry.smallInput(width, channels, classes);
    }

    /**
     * The preprocessing at {@code resolution}.
     *
     * @param resolution image side in pixels
     * @return the preprocessing
     */
    public Preprocessing at(int resolution) {
        Preprocessing p = preprocessing;
        return new Preprocessing(resolution, p.resize(), p.color(), p.normalization(), p.classNames());
    }

    /**
     * The evaluation images at {@code resolution}: the eval crop applied, or the data set itself (stretched by the loader).
     *
     * @param test the evaluation data set
     * @param resolution image side in pixels
     * @return the evaluation images
     */
    public Dataset evaluationImages(Dataset test, int resolution) {
        return preprocessing.resize() == Preprocessing.Resize.SHORT_SIDE_CENTRE_CROP
                ? new ResizeCentreCropDataset(test, resolution) : test;
    }

    /**
     * Evaluation batch: 100 for images cropped ImageNet-style (500 at 224 px RGB would be 300 MB), else 500.
     *
     * @return images per evaluation batch
     */
    public int evaluationBatch() {
        return preprocessing.resize() == Preprocessing.Resize.SHORT_SIDE_CENTRE_CROP ? 100 : 500;
    }

    /**
     * As checkpoint attributes: {@code input.preset}, {@code input.augmentation} and the preprocessing's metadata.
     *
     * @return the attributes, key to value
     */
    public Map<String, String> attributes() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(ATTRIBUTE_PREFIX + "preset", preset);
        m.put(ATTRIBUTE_PREFIX + "augmentation", augmentation.toString());
        preprocessing.metadata().forEach((k, v) -> m.put(ATTRIBUTE_PREFIX + k, v));
        return m;
    }

    /**
     * The preprocessing stored by {@link #attributes} in a checkpoint's attributes, or null when none is.
     *
     * @param attributes a checkpoint's attributes
     * @return the stored preprocessing, or null
     */
    public static Preprocessing preprocessingOf(Map<String, String> attributes) {
        Map<String, String> m = new LinkedHashMap<>();
        attributes.forEach((k, v) -> {
            if (k.startsWith(ATTRIBUTE_PREFIX)) {
                m.put(k.substring(ATTRIBUTE_PREFIX.length()), v);
            }
        });
        return Preprocessing.fromMetadata(m);
    }
}
