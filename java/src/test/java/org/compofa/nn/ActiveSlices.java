package org.compofa.nn;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.compofa.space.MobileNetV3Geometry;
import org.compofa.space.Subnet;

/**
 * Which entries of each parameter a subnet reads (reference §3.2, §3.4): the first middle channels,
 * the SE hidden units, the centre taps the kernel chain starts from, the transform matrices it uses.
 * Parameters outside the elastic blocks are read whole; blocks beyond the depth not at all.
 */
final class ActiveSlices {
    private ActiveSlices() {}

    /** A mask per parameter: true where the subnet reads the entry. */
    static Map<Parameter, boolean[]> of(Network net, Subnet subnet) {
        Map<Parameter, boolean[]> masks = new IdentityHashMap<>();
        for (Parameter p : net.parameters().parameters()) {
            boolean[] m = new boolean[(int) p.value().length()];
            Arrays.fill(m, !p.name().startsWith("stage"));
            masks.put(p, m);
        }
        for (int s = 0; s < subnet.stages(); s++) {
            List<BlockWeights> stage = net.stageWeights(s);
            for (int b = 0; b < subnet.depth(s); b++) {
                block(masks, stage.get(b), subnet.expand(s, b), subnet.kernel(s, b));
            }
        }
        return masks;
    }

    private static void block(Map<Parameter, boolean[]> masks, BlockWeights w, int expand, int k) {
        BlockSpec b = w.spec();
        int mid = MobileNetV3Geometry.middleWidth(b.inChannels(), expand);
        int maxMid = b.maxMid();
        if (w.expand() != null) {
            rect(masks.get(w.expand()), b.inChannels(), mid, b.inChannels());
            bn(masks, w.expandBn(), mid);
        }
        boolean chain = w.t75() != null && k < b.maxKernel();
        int taps = chain ? 5 : k;  // OFA's chain starts from the centre 5x5
        int km = b.maxKernel();
        int margin = (km - taps) / 2;
        boolean[] dw = masks.get(w.depthwise());
        for (int kh = margin; kh < margin + taps; kh++) {
            for (int kw = margin; kw < margin + taps; kw++) {
                Arrays.fill(dw, (kh * km + kw) * maxMid, (kh * km + kw) * maxMid + mid, true);
            }
        }
        if (chain) {
            Arrays.fill(masks.get(w.t75()), true);
            if (k == 3) {
                Arrays.fill(masks.get(w.t53()), true);
            }
        }
        bn(masks, w.depthwiseBn(), mid);
        if (w.se() != null) {
            int se = MobileNetV3Geometry.seWidth(mid);
            rect(masks.get(w.se().reduceWeight()), maxMid, se, mid);
            Arrays.fill(masks.get(w.se().reduceBias()), 0, se, true);
            rect(masks.get(w.se().expandWeight()), b.maxSe(), mid, se);
            Arrays.fill(masks.get(w.se().expandBias()), 0, mid, true);
        }
        rect(masks.get(w.project()), maxMid, b.outChannels(), mid);
        bn(masks, w.projectBn(), b.outChannels());
    }

    private static void bn(Map<Parameter, boolean[]> masks, BatchNormWeights bn, int c) {
        Arrays.fill(masks.get(bn.gamma()), 0, c, true);
        Arrays.fill(masks.get(bn.beta()), 0, c, true);
    }

    /** The top-left rows x cols block of a row-major matrix with colsMax columns. */
    private static void rect(boolean[] m, int colsMax, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            Arrays.fill(m, r * colsMax, r * colsMax + cols, true);
        }
    }

    /** The parameter kind: the name without its {@code stageS.blockB.} prefix. */
    static String kind(Parameter p) {
        String n = p.name();
        return n.startsWith("stage") ? n.substring(n.indexOf('.', n.indexOf('.') + 1) + 1) : n;
    }
}
