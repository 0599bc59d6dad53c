package org.compofa.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import org.compofa.ops.KernelTransform;
import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Tensor;
import org.compofa.space.MobileNetV3Geometry;
import org.compofa.space.Subnet;
import org.compofa.testing.BackendContexts;
import org.compofa.testing.Numerics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Channel importance sorting (reference §3.3): a permutation of each block's hidden units, so every
 * full-width subnet computes the same function; afterwards the L1 importances of the middle
 * channels and of the SE hidden units descend, and protected leading channels stay in front.
 */
class ChannelSorterTest {
    private static final List<Integer> EXPANDS = List.of(3, 4, 6);

    @RegisterExtension
    static final BackendContexts contexts = new BackendContexts();  // closed after the class's tests

    private static Network randomSupernet(ComputeContext ctx, long seed) {
        Network net = new Network(ctx, NetworkSpec.supernet(NetFixtures.threeStages(), 2, KernelTransform.OFA), seed);
        SplittableRandom rnd = new SplittableRandom(seed);
        NetFixtures.perturb(net, rnd);
        NetFixtures.randomRunningStats(net, rnd);
        return net;
    }

    @ParameterizedTest(name = "sorting preserves full-width subnets {0}")
    @EnumSource(value = Backend.class, names = {"REFERENCE", "CPU"})
    void sorting_preservesFullWidthSubnets(Backend backend) {
        ComputeContext ctx = contexts.get(backend);
        MobileNetV3Geometry g = NetFixtures.threeStages();
        for (int protect = 0; protect < 2; protect++) {
            try (Network net = randomSupernet(ctx, 41 + protect); Workspace ws = new Workspace(ctx);
                 Tensor images = NetFixtures.images(ctx, new SplittableRandom(5), g, 11)) {
                Subnet largest = net.largestSubnet(11);
                // Full width, small kernels: the transform matrices are shared by all channels.
                Subnet small = NetFixtures.withKernel(NetFixtures.withKernel(largest, 1, 1, 3), 2, 0, 5);
                float[] before = NetFixtures.evalLogits(net, ws, largest, images);
                float[] beforeSmall = NetFixtures.evalLogits(net, ws, small, images);
                float[] project = net.stageWeights(1).get(0).project().value().toArray();
                ChannelSorter.sortMiddleChannels(net, protect, EXPANDS);
                assertFalse(Arrays.equals(project, net.stageWeights(1).get(0).project().value().toArray()),
                        "the test needs a network whose order changes");
                String what = backend + " protect " + protect;
                Numerics.assertClose(what + " largest", before, NetFixtures.evalLogits(net, ws, largest, images),
                        1e-5 * Numerics.maxAbs(before), 1e-4);
                Numerics.assertClose(what + " small kernels", beforeSmall,
                        NetFixtures.evalLogits(net, ws, small, images), 1e-5 * Numerics.maxAbs(beforeSmall), 1e-4);
            }
        }
    }

    @Test
    void fullSort_ordersMiddleChannelsAndSeUnitsByImportance() {
        try (Network net = randomSupernet(contexts.get(Backend.CPU), 43)) {
            ChannelSorter.sortMiddleChannels(net, 0, EXPANDS);
            for (BlockWeights w : elasticBlocks(net)) {
                assertDescending(w.spec().name() + " middle", importance(w), 0, w.spec().maxMid());
                if (w.se() != null) {
                    assertDescending(w.spec().name() + " se", seImportance(w), 0, w.spec().maxSe());
                }
            }
        }
    }

    @Test
    void protectOne_keepsTheLeadingChannelsInFront() {
        try (Network net = randomSupernet(contexts.get(Backend.CPU), 44);
             Network unprotected = randomSupernet(contexts.get(Backend.CPU), 44)) {
            List<Set<Float>> leading = new ArrayList<>();
            for (BlockWeights w : elasticBlocks(net)) {
                leading.add(channelKeys(w, 0, t1(w)));
            }
            // Without protection the sort brings other channels forward, so the check below means something.
            ChannelSorter.sortMiddleChannels(unprotected, 0, EXPANDS);
            List<BlockWeights> free = elasticBlocks(unprotected);
            assertTrue(IntStream.range(0, free.size())
                    .anyMatch(i -> !leading.get(i).equals(channelKeys(free.get(i), 0, t1(free.get(i))))));

            ChannelSorter.sortMiddleChannels(net, 1, EXPANDS);
            List<BlockWeights> blocks = elasticBlocks(net);
            for (int i = 0; i < blocks.size(); i++) {
                BlockWeights w = blocks.get(i);
                int t1 = t1(w);
                assertEquals(leading.get(i), channelKeys(w, 0, t1), w.spec().name() + ": first " + t1 + " channels");
                double[] imp = importance(w);
                assertDescending(w.spec().name() + " protected segment", imp, 0, t1);
                assertDescending(w.spec().name() + " rest", imp, t1, w.spec().maxMid());
            }
        }
    }

    @Test
    void protectLevels_mustBeBelowTheNumberOfRatios() {
        try (Network net = randomSupernet(contexts.get(Backend.CPU), 45)) {
            assertThrows(IllegalArgumentException.class, () -> ChannelSorter.sortMiddleChannels(net, 3, EXPANDS));
            assertThrows(IllegalArgumentException.class, () -> ChannelSorter.sortMiddleChannels(net, -1, EXPANDS));
        }
    }

    private static List<BlockWeights> elasticBlocks(Network net) {
        List<BlockWeights> out = new ArrayList<>();
        for (int s = 0; s < net.spec().stages().size(); s++) {
            out.addAll(net.stageWeights(s));
        }
        return out;
    }

    /** The second-largest width of the phase: what protectLevels 1 keeps in front. */
    private static int t1(BlockWeights w) {
        return MobileNetV3Geometry.middleWidth(w.spec().inChannels(), 4);
    }

    /** importance[c] = sum_o |project[o][c]|. */
    private static double[] importance(BlockWeights w) {
        int mid = w.spec().maxMid();
        float[] p = w.project().value().toArray();
        double[] imp = new double[mid];
        for (int i = 0; i < p.length; i++) {
            imp[i % mid] += Math.abs(p[i]);
        }
        return imp;
    }

    /** se_imp[j] = sum_c |seExpand[c][j]|. */
    private static double[] seImportance(BlockWeights w) {
        int se = w.spec().maxSe();
        float[] e = w.se().expandWeight().value().toArray();
        double[] imp = new double[se];
        for (int i = 0; i < e.length; i++) {
            imp[i % se] += Math.abs(e[i]);
        }
        return imp;
    }

    /** A channel's identity across permutations: its depthwise BN running mean (random, distinct). */
    private static Set<Float> channelKeys(BlockWeights w, int from, int to) {
        float[] mean = w.depthwiseBn().runningMean().toArray();
        Set<Float> keys = new HashSet<>();
        for (int c = from; c < to; c++) {
            keys.add(mean[c]);
        }
        assertEquals(to - from, keys.size(), "running means must identify the channels");
        return keys;
    }

    private static void assertDescending(String what, double[] v, int from, int to) {
        for (int i = from + 1; i < to; i++) {
            assertTrue(v[i - 1] >= v[i], what + ": importance[" + (i - 1) + "] = " + v[i - 1] + " < importance[" + i
                    + "] = " + v[i]);
        }
    }
}
