package org.compofa.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.compofa.ops.KernelTransform;
import org.compofa.space.BlockShape;
import org.compofa.space.MobileNetV3Geometry;
import org.compofa.space.StageSpec;
import org.compofa.space.Subnet;

/**
 * What a {@link Network} stores: the geometry (stem, stage widths, head), the fixed first block and
 * per stage the block slots with their maximum middle width and kernel. A supernet spec holds every
 * slot at the largest expand ratio and kernel 7; the spec of an extracted subnet holds exactly that
 * subnet's blocks (reference §2).
 *
 * @param geometry  stem, stages and head widths, input channels and classes
 * @param firstBlock the fixed expand-1 block after the stem
 * @param stages    per elastic stage its block slots in order (1 or more each)
 * @param transform how smaller kernels derive from the stored one (OFA matrices or centre crop)
 */
public record NetworkSpec(MobileNetV3Geometry geometry, BlockSpec firstBlock, List<List<BlockSpec>> stages,
                          KernelTransform transform) {
    /** OFA's largest expand ratio and kernel: what a supernet allocates. */
    public static final int MAX_EXPAND = 6;
    /** Largest depthwise kernel of the supernet. */
    public static final int MAX_KERNEL = 7;

    /** Checks that the stages match the geometry and copies the lists. */
    public NetworkSpec {
        Objects.requireNonNull(geometry, "geometry");
        Objects.requireNonNull(firstBlock, "firstBlock");
        Objects.requireNonNull(transform, "transform");
        stages = stages.stream().map(List::copyOf).toList();
        if (stages.size() != geometry.table().stages().size()) {
            throw new IllegalArgumentException(stages.size() + " stages of blocks but the geometry has "
                    + geometry.table().stages().size());
        }
        for (List<BlockSpec> stage : stages) {
            if (stage.isEmpty()) {
                throw new IllegalArgumentException("every stage needs at least one block slot");
            }
        }
    }

    /**
     * The elastic supernet of a geometry: {@code slots} blocks per stage, each stored at expand
     * {@link #MAX_EXPAND} and kernel {@link #MAX_KERNEL}.
     *
     * @param geometry the network's geometry
     * @param slots block slots per stage, &gt;= 1
     * @param transform kernel transform of the elastic depthwise convolutions
     * @return the spec
     */
    public static NetworkSpec supernet(MobileNetV3Geometry geometry, int slots, KernelTransform transform) {
        if (slots < 1 || slots > 9) {
            throw new IllegalArgumentException("slots per stage " + slots + ": allowed 1..9");
        }
        var table = geometry.table();
        List<List<BlockSpec>> stages = new ArrayList<>();
        int in = table.firstBlockWidth();
        for (int s = 0; s < table.stages().size(); s++) {
            StageSpec st = table.stages().get(s);
            List<BlockSpec> blocks = new ArrayList<>();
            for (int b = 0; b < slots; b++) {
                blocks.add(new BlockSpec("stage" + (s + 1) + ".block" + (b + 1), s, b, in,
                        MobileNetV3Geometry.middleWidth(in, MAX_EXPAND), st.width(), MAX_KERNEL,
                        b == 0 ? st.stride() : 1, st.activation(), st.squeezeExcite(), true));
                in = st.width();
            }
            stages.add(blocks);
        }
        return new NetworkSpec(geometry, firstBlock(geometry), stages, transform);
    }

    /**
     * The static network of one subnet: exactly its blocks, widths and kernels, centre-crop kernels.
     *
     * @param geometry the network's geometry
     * @param subnet the architecture
     * @return the spec
     */
    public static NetworkSpec of(MobileNetV3Geometry geometry, Subnet subnet) {
        List<BlockShape> shapes = geometry.blocks(subnet);
        List<List<BlockSpec>> stages = new ArrayList<>();
        for (int s = 0; s < subnet.stages(); s++) {
            stages.add(new ArrayList<>());
        }
        for (BlockShape b : shapes.subList(1, shapes.size())) {
            int stage = stageOf(b.name());
            List<BlockSpec> list = stages.get(stage);
            list.add(new BlockSpec(b.name(), stage, list.size(), b.inChannels(), b.midChannels(), b.outChannels(),
                    b.kernel(), b.stride(), b.activation(), b.squeezeExcite(), true));
        }
        return new NetworkSpec(geometry, firstBlock(geometry), stages, KernelTransform.NONE);
    }

    private static int stageOf(String blockName) {
        return Integer.parseInt(blockName.substring("stage".length(), blockName.indexOf('.'))) - 1;
    }

    private static BlockSpec firstBlock(MobileNetV3Geometry geometry) {
        var table = geometry.table();
        return new BlockSpec("first_block", -1, 0, table.stemWidth(), table.stemWidth(), table.firstBlockWidth(),
                MobileNetV3Geometry.FIXED_KERNEL, 1, org.compofa.space.Activation.RELU, false, false);
    }

    /**
     * Block slots of stage {@code s}.
     *
     * @param s stage index, 0-based
     * @return the slots
     */
    public int slots(int s) {
        return stages.get(s).size();
    }

    /**
     * Output channels of the last stage (input of the head).
     *
     * @return the width
     */
    public int lastStageWidth() {
        return geometry.table().stages().getLast().width();
    }
}
