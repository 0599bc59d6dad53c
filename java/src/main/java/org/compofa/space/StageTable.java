package org.compofa.space;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The fixed shape of a MobileNetV3 supernet around its elastic stages: stem width and stride, the
 * non-elastic first block's output width, the stages, and the head widths. Fixed by design (as in
 * OFA): the stem is a 3x3 conv + BN + h_swish, the first block an expand-1 3x3 MBConv with ReLU,
 * the head a 1x1 conv + BN + h_swish, global pooling, a 1x1 conv (no BN, no bias) + h_swish and a
 * linear classifier (reference §2.2). Build your own table with the constructor.
 *
 * @param stemWidth output channels of the stem convolution
 * @param stemStride stride of the stem convolution (1 or 2)
 * @param firstBlockWidth output channels of the first (non-elastic) block, which has stride 1
 * @param stages the elastic stages in order
 * @param finalExpandWidth channels of the final 1x1 expand conv (960 at w1.0)
 * @param featureMixWidth channels of the feature-mix 1x1 conv after pooling (1280 at w1.0)
 */
public record StageTable(int stemWidth, int stemStride, int firstBlockWidth, List<StageSpec> stages,
        int finalExpandWidth, int featureMixWidth) {
    /** OFA's base widths before the width multiplier: stem, first block, 5 stages, final expand, feature mix. */
    public static final List<Integer> BASE_WIDTHS = List.of(16, 16, 24, 40, 80, 112, 160, 960, 1280);

    /** Checks the values and copies the stage list. */
    public StageTable {
        stages = List.copyOf(Objects.requireNonNull(stages, "stages"));
        if (stemWidth < 1 || firstBlockWidth < 1 || finalExpandWidth < 1 || featureMixWidth < 1
                || stemStride < 1 || stemStride > 2 || stages.isEmpty()) {
            throw new IllegalArgumentException("stage table needs positive widths, stem stride 1 or 2 and"
                    + " at least one stage: " + stemWidth + "/" + stemStride + "/" + firstBlockWidth + "/"
                    + stages + "/" + finalExpandWidth + "/" + featureMixWidth);
        }
    }

    /**
     * OFA MobileNetV3 for ImageNet-sized inputs (reference §2.1-2.3): every width
     * {@code make_divisible(base * w, 8)}, stem stride 2, stage strides 2, 2, 2, 1, 2, activations
     * relu, relu, h_swish, h_swish, h_swish, SE off, on, off, on, on. Overall stride 32: 224 to 7.
     *
     * @param widthMultiplier width multiplier, e.g. 1.0 or 1.2
     * @return the table
     */
    public static StageTable imagenet(double widthMultiplier) {
        return scaled(widthMultiplier, 2, List.of(2, 2, 2, 1, 2));
    }

    /**
     * The same network for 28-32 px images (Fashion-MNIST, CIFAR): stage-1 stride 1 instead of 2,
     * everything else as {@link #imagenet}. Overall stride 16 instead of 32, so the head sees 2x2
     * maps rather than 1x1 (sizes after stem, first block, stages 1-5: 28 px gives 14, 14, 14, 7, 4,
     * 4, 2; 32 px gives 16, 16, 16, 8, 4, 4, 2). Decision: only one down-sampling is removed, the
     * stem's stays, because keeping the stem at full resolution made a training step 4-5x slower on
     * the 2-core CPU (measured: 51 vs 241 images/s for the w0.5 teacher, batch 128) for little
     * accuracy on 28 px images.
     *
     * @param widthMultiplier width multiplier
     * @return the table
     */
    public static StageTable smallInput(double widthMultiplier) {
        return scaled(widthMultiplier, 2, List.of(1, 2, 2, 1, 2));
    }

    private static StageTable scaled(double w, int stemStride, List<Integer> strides) {
        if (!(w > 0) || Double.isInfinite(w)) {
            throw new IllegalArgumentException("width multiplier " + w + ": must be a finite number > 0");
        }
        List<Activation> acts = List.of(Activation.RELU, Activation.RELU, Activation.H_SWISH,
                Activation.H_SWISH, Activation.H_SWISH);
        List<Boolean> se = List.of(false, true, false, true, true);
        List<StageSpec> stages = new ArrayList<>();
        for (int s = 0; s < 5; s++) {
            stages.add(new StageSpec(width(s + 2, w), strides.get(s), acts.get(s), se.get(s)));
        }
        return new StageTable(width(0, w), stemStride, width(1, w), stages, width(7, w), width(8, w));
    }

    private static int width(int index, double w) {
        return MobileNetV3Geometry.makeDivisible(BASE_WIDTHS.get(index) * w, MobileNetV3Geometry.CHANNEL_DIVISOR);
    }
}
