package org.compofa.io.ofa;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.compofa.io.ofa.OfaCheckpointException.Reason;
import org.compofa.io.torch.TorchTensor;
import org.compofa.nn.BlockSpec;
import org.compofa.nn.NetworkSpec;
import org.compofa.ops.KernelTransform;
import org.compofa.space.MobileNetV3Geometry;
import org.compofa.space.StageSpec;
import org.compofa.space.StageTable;

/**
 * Reads the shape of an OFA MobileNetV3 from a state dict's keys and tensor shapes: elastic
 * supernet or static subnet, input channels, widths of the stem, first block, stages and head, per
 * block the stored middle width and kernel, SE, the kernel-transform matrices and the class count.
 * The fixed parts of OFA's MobileNetV3 (strides 2, 2, 2, 1, 2 after a stride-2 stem; ReLU in the
 * first two stages, h_swish after; SE in stages 2, 4, 5) are checked against the keys, not assumed.
 * Every shape is then checked tensor by tensor by {@link OfaImport}.
 */
final class OfaLayoutDetector {
    /** MobileNetV3's elastic stages. */
    static final int STAGES = 5;
    private static final int MAX_SLOTS = 9;

    /** What was found. */
    record Layout(NetworkSpec spec, boolean elastic, KernelMatrices matrices) {
    }

    private final Path file;
    private final Map<String, TorchTensor> sd;

    private OfaLayoutDetector(Path file, Map<String, TorchTensor> sd) {
        this.file = file;
        this.sd = sd;
    }

    static Layout detect(Path file, Map<String, TorchTensor> stateDict) throws OfaCheckpointException {
        return new OfaLayoutDetector(file, stateDict).detect();
    }

    private Layout detect() throws OfaCheckpointException {
        if (!sd.containsKey("first_conv.conv.weight") || !sd.containsKey("blocks.0.conv.depth_conv.conv.weight")) {
            throw new OfaCheckpointException(file, Reason.NOT_OFA_MOBILENETV3, "no first_conv.conv.weight or"
                    + " blocks.0.conv.depth_conv.conv.weight; its keys begin " + firstKeys());
        }
        int blocks = blockCount();
        boolean elastic = sd.containsKey("blocks.1.conv.depth_conv.conv.conv.weight");
        int[] stem = dims("first_conv.conv.weight", 4);
        if (stem[2] != MobileNetV3Geometry.FIXED_KERNEL || stem[3] != MobileNetV3Geometry.FIXED_KERNEL) {
            throw mismatch("first_conv.conv.weight", stem, "a 3x3 stem convolution");
        }
        int stemWidth = stem[0];
        int firstWidth = dims("blocks.0.conv.point_linear.conv.weight", 4)[0];
        List<List<int[]>> stageBlocks = elastic ? elasticStages(blocks) : staticStages(blocks);
        List<StageSpec> stageSpecs = new ArrayList<>();
        StageTable ofa = StageTable.imagenet(1.0);
        for (int s = 0; s < STAGES; s++) {
            StageSpec shape = ofa.stages().get(s);
            stageSpecs.add(new StageSpec(stageBlocks.get(s).getFirst()[2], shape.stride(), shape.activation(),
                    shape.squeezeExcite()));
        }
        int lastWidth = stageSpecs.getLast().width();
        int[] fe = dims("final_expand_layer.conv.weight", 4);
        int[] fm = dims("feature_mix_layer.conv.weight", 4);
        int[] cls = dims("classifier.linear.weight", 2);
        var table = new StageTable(stemWidth, 2, firstWidth, stageSpecs, fe[0], fm[0]);
        var geometry = new MobileNetV3Geometry(table, stem[1], cls[0]);
        KernelMatrices matrices = elastic ? matrices(blocks) : KernelMatrices.NONE;
        List<List<BlockSpec>> specs = new ArrayList<>();
        int index = 1;
        int in = firstWidth;
        for (int s = 0; s < STAGES; s++) {
            List<BlockSpec> stage = new ArrayList<>();
            StageSpec st = stageSpecs.get(s);
            for (int b = 0; b < stageBlocks.get(s).size(); b++) {
                int[] shape = stageBlocks.get(s).get(b);
                checkSqueezeExcite(index, st.squeezeExcite());
                stage.add(new BlockSpec("stage" + (s + 1) + ".block" + (b + 1), s, b, in, shape[0], st.width(),
                        shape[1], b == 0 ? st.stride() : 1, st.activation(), st.squeezeExcite(), true));
                in = st.width();
                index++;
            }
            specs.add(stage);
        }
        if (lastWidth != fe[1]) {
            throw mismatch("final_expand_layer.conv.weight", fe, lastWidth + " input channels (the last stage)");
        }
        var first = new BlockSpec("first_block", -1, 0, stemWidth, stemWidth, firstWidth,
                MobileNetV3Geometry.FIXED_KERNEL, 1, org.compofa.space.Activation.RELU, false, false);
        KernelTransform transform = matrices == KernelMatrices.NONE ? KernelTransform.NONE : KernelTransform.OFA;
        return new Layout(new NetworkSpec(geometry, first, specs, transform), elastic, matrices);
    }

    /** Per stage, per block {mid, kernel, out} of the elastic supernet: {@code slots} blocks each. */
    private List<List<int[]>> elasticStages(int blocks) throws OfaCheckpointException {
        if ((blocks - 1) % STAGES != 0 || blocks - 1 < STAGES || (blocks - 1) / STAGES > MAX_SLOTS) {
            throw new OfaCheckpointException(file, Reason.UNSUPPORTED, blocks + " blocks: an OFA MobileNetV3"
                    + " supernet has 1 + 5 x max(depth_list) blocks, max depth 1.." + MAX_SLOTS);
        }
        int slots = (blocks - 1) / STAGES;
        List<List<int[]>> stages = new ArrayList<>();
        for (int s = 0; s < STAGES; s++) {
            List<int[]> stage = new ArrayList<>();
            for (int b = 0; b < slots; b++) {
                stage.add(blockShape(1 + s * slots + b, true));
            }
            stages.add(stage);
        }
        return stages;
    }

    /** The static subnet's blocks, grouped into stages where the output width changes. */
    private List<List<int[]>> staticStages(int blocks) throws OfaCheckpointException {
        List<List<int[]>> stages = new ArrayList<>();
        int width = -1;
        for (int i = 1; i < blocks; i++) {
            int[] shape = blockShape(i, false);
            if (shape[2] != width) {
                stages.add(new ArrayList<>());
                width = shape[2];
            }
            stages.getLast().add(shape);
        }
        if (stages.size() != STAGES) {
            throw new OfaCheckpointException(file, Reason.UNSUPPORTED, "the blocks change width " + stages.size()
                    + " times; an OFA MobileNetV3 has " + STAGES + " stages of distinct widths");
        }
        return stages;
    }

    /** {mid, kernel, out} of block {@code i}. */
    private int[] blockShape(int i, boolean elastic) throws OfaCheckpointException {
        String p = "blocks." + i + ".conv.";
        String c = elastic ? ".conv.conv.weight" : ".conv.weight";
        int[] expand = dims(p + "inverted_bottleneck" + c, 4);
        int[] dw = dims(p + "depth_conv" + c, 4);
        int[] project = dims(p + "point_linear" + c, 4);
        int k = dw[2];
        if (dw[1] != 1 || dw[3] != k || (k != 3 && k != 5 && k != 7) || dw[0] != expand[0]) {
            throw mismatch(p + "depth_conv" + c, dw, "[" + expand[0] + ", 1, k, k] with k 3, 5 or 7");
        }
        if (project[1] != expand[0]) {
            throw mismatch(p + "point_linear" + c, project, "[out, " + expand[0] + ", 1, 1]");
        }
        return new int[] {expand[0], k, project[0]};
    }

    private void checkSqueezeExcite(int block, boolean expected) throws OfaCheckpointException {
        boolean has = sd.containsKey("blocks." + block + ".conv.depth_conv.se.fc.reduce.weight");
        if (has != expected) {
            throw new OfaCheckpointException(file, Reason.NOT_OFA_MOBILENETV3, "block " + block
                    + (has ? " has" : " lacks") + " squeeze-and-excitation; OFA's MobileNetV3 has it in stages 2, 4"
                    + " and 5 only");
        }
    }

    /** The matrix keys of the elastic blocks, which must be the same everywhere. */
    private KernelMatrices matrices(int blocks) throws OfaCheckpointException {
        Set<String> first = null;
        for (int i = 1; i < blocks; i++) {
            String prefix = "blocks." + i + ".conv.depth_conv.conv.";
            Set<String> found = new TreeSet<>();
            for (String key : sd.keySet()) {
                if (key.startsWith(prefix) && key.endsWith("_matrix")) {
                    found.add(key.substring(prefix.length()));
                }
            }
            if (first == null) {
                first = found;
            } else if (!first.equals(found)) {
                throw new OfaCheckpointException(file, Reason.UNSUPPORTED, "block " + i + " has transform matrices "
                        + found + ", block 1 has " + first + " (OFA gives every block the same)");
            }
        }
        KernelMatrices m = KernelMatrices.ofKeys(first);
        if (m == null) {
            throw new OfaCheckpointException(file, Reason.UNSUPPORTED, "transform matrices " + first
                    + ": supported are none, {7to5, 5to3} (kernels 3,5,7), {7to5} (5,7) and {7to3} (3,7)");
        }
        return m;
    }

    private int blockCount() throws OfaCheckpointException {
        TreeSet<Integer> seen = new TreeSet<>();
        for (String key : sd.keySet()) {
            if (key.startsWith("blocks.")) {
                int dot = key.indexOf('.', "blocks.".length());
                try {
                    seen.add(Integer.parseInt(key.substring("blocks.".length(), dot < 0 ? key.length() : dot)));
                } catch (NumberFormatException e) {
                    throw new OfaCheckpointException(file, Reason.NOT_OFA_MOBILENETV3, "key " + key
                            + " does not number its block");
                }
            }
        }
        if (seen.isEmpty() || seen.first() != 0 || seen.last() != seen.size() - 1) {
            throw new OfaCheckpointException(file, Reason.NOT_OFA_MOBILENETV3, "blocks are not numbered 0.."
                    + (seen.size() - 1) + " without gaps: " + seen);
        }
        return seen.size();
    }

    private int[] dims(String key, int rank) throws OfaCheckpointException {
        TorchTensor t = sd.get(key);
        if (t == null) {
            throw new OfaCheckpointException(file, Reason.MISSING_TENSOR, key);
        }
        if (t.shape().length != rank) {
            throw mismatch(key, t.shape(), rank + " dimensions");
        }
        for (int d : t.shape()) {
            if (d < 1) {
                throw mismatch(key, t.shape(), "every dimension >= 1");
            }
        }
        return t.shape();
    }

    private OfaCheckpointException mismatch(String key, int[] shape, String expected) {
        return new OfaCheckpointException(file, Reason.SHAPE_MISMATCH, key + " has shape " + Arrays.toString(shape)
                + ", expected " + expected);
    }

    private String firstKeys() {
        List<String> keys = sd.keySet().stream().limit(4).toList();
        return keys.isEmpty() ? "(no keys)" : keys.toString();
    }
}
