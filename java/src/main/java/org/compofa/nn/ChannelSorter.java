package org.compofa.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.compofa.runtime.Tensor;
import org.compofa.space.MobileNetV3Geometry;

/**
 * Channel importance sorting of the elastic blocks, OFA/CompOFA's {@code re_organize_middle_weights}
 * (reference §3.3): the middle channels of every block with an expand conv are reordered so that the
 * most important ones come first, which is what a subnet with a smaller expand ratio keeps. The
 * reordering is a permutation of the block's hidden units, so the largest subnet computes the same
 * function before and after it.
 *
 * <p>Only weights and running statistics move: gradients and optimizer momentum are <em>not</em>
 * permuted, so call this at a phase start (after an optimizer step, before the next backward) and
 * reset or rebuild the momentum afterwards, as the reference does.
 */
public final class ChannelSorter {
    /** OFA's offset between protected segments: larger than any plausible L1 importance. */
    private static final double SEGMENT_OFFSET = 1e5;

    private ChannelSorter() {}

    /**
     * Sorts the middle channels of every elastic block of {@code net} by decreasing importance
     * {@code importance[c] = sum_o |project[o][c]|}, then (SE blocks) the SE hidden units by
     * {@code sum_c |seExpand[c][j]|}.
     *
     * @param net           the network whose weights are reordered in place (any context)
     * @param protectLevels 0 for a full, unconstrained sort (CompOFA); {@code i > 0} keeps the channels
     *                      of the {@code i} largest already-trained widths in front (OFA's
     *                      {@code expand_ratio_stage}): each nested segment is only reordered within itself
     * @param expandList    the expand ratios of the phase (any order; read only when protectLevels > 0)
     * @throws IllegalArgumentException when protectLevels is negative or not below the list's size
     */
    public static void sortMiddleChannels(Network net, int protectLevels, List<Integer> expandList) {
        Objects.requireNonNull(net, "net");
        Objects.requireNonNull(expandList, "expandList");
        if (protectLevels < 0 || (protectLevels > 0 && protectLevels >= expandList.size())) {
            throw new IllegalArgumentException("protectLevels " + protectLevels + ": allowed 0.."
                    + Math.max(0, expandList.size() - 1) + " for expand ratios " + expandList);
        }
        for (int s = 0; s < net.spec().stages().size(); s++) {
            for (BlockWeights w : net.stageWeights(s)) {
                if (w.expand() != null) {
                    sortBlock(w, protectLevels, expandList);
                }
            }
        }
    }

    private static void sortBlock(BlockWeights w, int protectLevels, List<Integer> expandList) {
        BlockSpec b = w.spec();
        int mid = b.maxMid();
        float[] project = w.project().value().toArray();
        double[] importance = new double[mid];
        for (int o = 0; o < b.outChannels(); o++) {
            for (int c = 0; c < mid; c++) {
                importance[c] += Math.abs(project[o * mid + c]);
            }
        }
        if (protectLevels > 0) {
            protect(importance, b.inChannels(), protectLevels, expandList);
        }
        int[] p = descendingOrder(importance);

        w.project().value().copyFrom(permuteColumns(project, b.outChannels(), mid, p));
        permuteBatchNorm(w.depthwiseBn(), p);
        int taps = b.maxKernel() * b.maxKernel();
        permuteColumns(w.depthwise().value(), taps, mid, p);  // DW_WEIGHT [k][k][mid]: channels innermost
        if (w.se() != null) {
            SqueezeExciteWeights se = w.se();
            int hidden = b.maxSe();
            permuteRows(se.expandWeight().value(), mid, hidden, p);
            permuteVector(se.expandBias().value(), p);
            permuteColumns(se.reduceWeight().value(), hidden, mid, p);
        }
        permuteBatchNorm(w.expandBn(), p);
        permuteRows(w.expand().value(), mid, b.inChannels(), p);
        if (w.se() != null) {
            sortSeHidden(w.se(), mid, b.maxSe());
        }
    }

    /** OFA's segment offsets: importance[T_i : T_{i-1}) += -(n - i) * 1e5 for i = 0..levels. */
    private static void protect(double[] importance, int inChannels, int levels, List<Integer> expandList) {
        List<Integer> sorted = new ArrayList<>(expandList);
        sorted.sort(Comparator.reverseOrder());
        int right = importance.length;
        double base = -sorted.size() * SEGMENT_OFFSET;
        for (int i = 0; i <= levels; i++) {
            // Python slicing: a left beyond the vector or beyond right selects nothing.
            int left = Math.min(MobileNetV3Geometry.middleWidth(inChannels, sorted.get(i)), importance.length);
            for (int c = left; c < right; c++) {
                importance[c] += base;
            }
            base += SEGMENT_OFFSET;
            right = left;
        }
    }

    private static void sortSeHidden(SqueezeExciteWeights se, int mid, int hidden) {
        float[] expand = se.expandWeight().value().toArray();
        double[] importance = new double[hidden];
        for (int c = 0; c < mid; c++) {
            for (int j = 0; j < hidden; j++) {
                importance[j] += Math.abs(expand[c * hidden + j]);
            }
        }
        int[] q = descendingOrder(importance);
        se.expandWeight().value().copyFrom(permuteColumns(expand, mid, hidden, q));
        permuteRows(se.reduceWeight().value(), hidden, mid, q);
        permuteVector(se.reduceBias().value(), q);
    }

    /** The stable order of decreasing values: p[j] = index of the j-th largest (ties keep index order). */
    private static int[] descendingOrder(double[] values) {
        Integer[] idx = new Integer[values.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, c) -> Double.compare(values[c], values[a]));  // object sort: stable
        return Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
    }

    private static void permuteBatchNorm(BatchNormWeights bn, int[] p) {
        permuteVector(bn.gamma().value(), p);
        permuteVector(bn.beta().value(), p);
        permuteVector(bn.runningMean(), p);
        permuteVector(bn.runningVar(), p);
    }

    private static void permuteVector(Tensor t, int[] p) {
        permuteColumns(t, 1, p.length, p);
    }

    /** new[r][j] = old[r][p[j]] of a row-major [rows][cols] tensor, in place. */
    private static void permuteColumns(Tensor t, int rows, int cols, int[] p) {
        t.copyFrom(permuteColumns(t.toArray(), rows, cols, p));
    }

    private static float[] permuteColumns(float[] m, int rows, int cols, int[] p) {
        float[] out = new float[m.length];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                out[r * cols + j] = m[r * cols + p[j]];
            }
        }
        return out;
    }

    /** new[j][:] = old[p[j]][:] of a row-major [rows][cols] tensor, in place. */
    private static void permuteRows(Tensor t, int rows, int cols, int[] p) {
        float[] m = t.toArray();
        float[] out = new float[m.length];
        for (int j = 0; j < rows; j++) {
            System.arraycopy(m, p[j] * cols, out, j * cols, cols);
        }
        t.copyFrom(out);
    }
}
