package org.compofa.space;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Channel widths, spatial sizes, multiply-adds and parameter counts of the static network a
 * {@link Subnet} selects from an OFA-style MobileNetV3 supernet (reference §2, §3.2).
 *
 * <p>Rules: {@code make_divisible(v, 8) = max(8, int(v + 4) // 8 * 8)}, plus 8 if that is below
 * {@code 0.9 v}; a block's middle width is {@code make_divisible(round(C_in * e), 8)} with
 * {@code C_in} the block's actual input width (so the first block of a stage differs from the
 * others); the SE hidden width is {@code make_divisible(mid // 4, 8)}. Counting follows OFA's
 * profiler ({@link ConvShape}). Immutable and thread-safe.
 */
public final class MobileNetV3Geometry {
    /** OFA's {@code MyNetwork.CHANNEL_DIVISIBLE}. */
    public static final int CHANNEL_DIVISOR = 8;
    /** Kernel of the stem conv and of the non-elastic first block. */
    public static final int FIXED_KERNEL = 3;

    private final StageTable table;
    private final int inputChannels;
    private final int numClasses;

    /**
     * A geometry of your own stage table.
     *
     * @param table the stage table (built-in or your own)
     * @param inputChannels image channels (3 for RGB)
     * @param numClasses classifier outputs
     */
    public MobileNetV3Geometry(StageTable table, int inputChannels, int numClasses) {
        this.table = Objects.requireNonNull(table, "table");
        if (inputChannels < 1 || numClasses < 1) {
            throw new IllegalArgumentException("input channels " + inputChannels + ", classes " + numClasses
                    + ": both must be >= 1");
        }
        this.inputChannels = inputChannels;
        this.numClasses = numClasses;
    }

    /**
     * ImageNet geometry ({@link StageTable#imagenet}), RGB input, 1000 classes.
     *
     * @param widthMultiplier supernet width multiplier, e.g. 1.0 or 1.2
     * @return the geometry
     */
    public static MobileNetV3Geometry imagenet(double widthMultiplier) {
        return imagenet(widthMultiplier, 1000);
    }

    /**
     * ImageNet geometry with another number of classes.
     *
     * @param widthMultiplier supernet width multiplier
     * @param numClasses classifier outputs, &gt;= 1
     * @return the geometry
     */
    public static MobileNetV3Geometry imagenet(double widthMultiplier, int numClasses) {
        return new MobileNetV3Geometry(StageTable.imagenet(widthMultiplier), 3, numClasses);
    }

    /**
     * Geometry for 28-32 px images ({@link StageTable#smallInput}).
     *
     * @param widthMultiplier supernet width multiplier
     * @param inputChannels image channels (1 for grey, 3 for RGB)
     * @param numClasses classifier outputs, &gt;= 1
     * @return the geometry
     */
    public static MobileNetV3Geometry smallInput(double widthMultiplier, int inputChannels, int numClasses) {
        return new MobileNetV3Geometry(StageTable.smallInput(widthMultiplier), inputChannels, numClasses);
    }

    /**
     * ImageNet geometry for a space's width multiplier.
     *
     * @param space the space whose width multiplier is used
     * @return the geometry
     */
    public static MobileNetV3Geometry forSpace(SearchSpace space) {
        return imagenet(space.widthMultiplier());
    }

    /**
     * OFA's {@code make_divisible(v, divisor)} with {@code min_value = divisor}.
     *
     * @param v the value to round
     * @param divisor the multiple, &gt;= 1
     * @return v rounded to the nearest multiple of divisor, at least divisor and not below 0.9 v
     */
    public static int makeDivisible(double v, int divisor) {
        int rounded = Math.max(divisor, (int) (v + divisor / 2.0) / divisor * divisor);
        return rounded < 0.9 * v ? rounded + divisor : rounded;
    }

    /**
     * Middle width of a block with input width {@code inChannels} and expand ratio {@code expand}.
     *
     * @param inChannels the block's input width
     * @param expand expand ratio
     * @return the middle width, a multiple of 8
     */
    public static int middleWidth(int inChannels, int expand) {
        return makeDivisible(Math.round((double) inChannels * expand), CHANNEL_DIVISOR);
    }

    /**
     * SE hidden width for a middle width (reduction 4).
     *
     * @param midChannels the block's middle width
     * @return the SE hidden width, a multiple of 8
     */
    public static int seWidth(int midChannels) {
        return makeDivisible(midChannels / 4, CHANNEL_DIVISOR);
    }

    /**
     * The stage table.
     *
     * @return the stage table
     */
    public StageTable table() {
        return table;
    }

    /**
     * Image channels.
     *
     * @return image channels, &gt;= 1
     */
    public int inputChannels() {
        return inputChannels;
    }

    /**
     * Classifier outputs.
     *
     * @return classifier outputs, &gt;= 1
     */
    public int numClasses() {
        return numClasses;
    }

    /**
     * Feature-map side after the stem, the first block and each stage (length stages + 2); the
     * last entry is what the head sees. Depth does not change it (later blocks have stride 1).
     *
     * @param resolution input side in pixels
     * @return sides in pixels, stages + 2 of them
     */
    public int[] spatialSizes(int resolution) {
        if (resolution < 1) {
            throw new IllegalArgumentException("resolution " + resolution + ": must be >= 1");
        }
        int[] sizes = new int[table.stages().size() + 2];
        sizes[0] = ConvShape.ceilDiv(resolution, table.stemStride());
        sizes[1] = sizes[0];
        for (int s = 0; s < table.stages().size(); s++) {
            sizes[s + 2] = ConvShape.ceilDiv(sizes[s + 1], table.stages().get(s).stride());
        }
        return sizes;
    }

    /**
     * The first block and every active elastic block, in order.
     *
     * @param subnet a subnet of this geometry
     * @return the block shapes in execution order
     */
    public List<BlockShape> blocks(Subnet subnet) {
        checkLayout(subnet);
        List<BlockShape> blocks = new ArrayList<>();
        int size = ConvShape.ceilDiv(subnet.resolution(), table.stemStride());
        int in = table.stemWidth();
        blocks.add(new BlockShape("first_block", in, in, table.firstBlockWidth(), FIXED_KERNEL, 1, size,
                Activation.RELU, 0, false));
        in = table.firstBlockWidth();
        for (int s = 0; s < subnet.stages(); s++) {
            StageSpec stage = table.stages().get(s);
            for (int b = 0; b < subnet.depth(s); b++) {
                int stride = b == 0 ? stage.stride() : 1;
                int mid = middleWidth(in, subnet.expand(s, b));
                BlockShape block = new BlockShape("stage" + (s + 1) + ".block" + (b + 1), in, mid, stage.width(),
                        subnet.kernel(s, b), stride, size, stage.activation(), stage.squeezeExcite() ? seWidth(mid) : 0, true);
                blocks.add(block);
                size = block.outputSize();
                in = stage.width();
            }
        }
        return List.copyOf(blocks);
    }

    /**
     * Every convolution of the static subnet in order: stem, blocks, final expand, feature mix, classifier.
     *
     * @param subnet a subnet of this geometry
     * @return the convolution shapes in execution order
     */
    public List<ConvShape> layers(Subnet subnet) {
        List<BlockShape> blocks = blocks(subnet);
        List<ConvShape> layers = new ArrayList<>();
        layers.add(new ConvShape("stem", inputChannels, table.stemWidth(), FIXED_KERNEL, table.stemStride(), 1,
                subnet.resolution(), false, true));
        blocks.forEach(b -> layers.addAll(b.layers()));
        BlockShape last = blocks.getLast();
        layers.add(new ConvShape("final_expand", last.outChannels(), table.finalExpandWidth(), 1, 1, 1,
                last.outputSize(), false, true));
        layers.add(new ConvShape("feature_mix", table.finalExpandWidth(), table.featureMixWidth(), 1, 1, 1, 1,
                false, false));
        layers.add(new ConvShape("classifier", table.featureMixWidth(), numClasses, 1, 1, 1, 1, true, false));
        return List.copyOf(layers);
    }

    /**
     * Multiply-adds of the subnet at its resolution (OFA's count, batch 1).
     *
     * @param subnet a subnet of this geometry
     * @return multiply-adds
     */
    public long macs(Subnet subnet) {
        return layers(subnet).stream().mapToLong(ConvShape::macs).sum();
    }

    /**
     * Learnable parameters of the extracted static subnet (no kernel-transform matrices).
     *
     * @param subnet a subnet of this geometry
     * @return parameter count
     */
    public long params(Subnet subnet) {
        return layers(subnet).stream().mapToLong(ConvShape::params).sum();
    }

    private void checkLayout(Subnet subnet) {
        Objects.requireNonNull(subnet, "subnet");
        if (subnet.stages() != table.stages().size()) {
            throw new InvalidSubnetException("subnet has " + subnet.stages() + " stages but this geometry has "
                    + table.stages().size());
        }
    }
}
