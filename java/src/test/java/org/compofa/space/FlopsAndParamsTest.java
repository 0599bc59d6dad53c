package org.compofa.space;

import static org.compofa.space.SubnetRoundTripTest.repeat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Multiply-adds and parameters against hand computations from the reference's channel table and
 * spatial sizes (§2.3, §2.4), counted as OFA's profiler does (§6.1). Pure Java.
 */
class FlopsAndParamsTest {
    private static final MobileNetV3Geometry W10 = MobileNetV3Geometry.imagenet(1.0);
    private static final SearchSpace COMPOFA = SearchSpaces.compOfa(1.0);
    private static final SearchSpace OFA = SearchSpaces.ofaMbv3(1.0);

    @Test
    void oneBlockByHand() {
        // CompOFA d3 e4 at 224: stage 2 block 1 has k5, 24 -> mid 96 -> 40, SE 24, 56x56 in, stride 2 -> 28x28.
        Subnet s = COMPOFA.subnet(new int[] {3, 3, 3, 3, 3}, repeat(3, 5, 3, 3, 5), repeat(4, 4, 4, 4, 4), 224);
        BlockShape block = W10.blocks(s).get(1 + 3);
        assertEquals("stage2.block1", block.name());
        long expand = 24L * 96 * 56 * 56;
        long depthwise = 96L * 5 * 5 * 28 * 28;
        long se = 96L * 24 + 24L * 96;
        long project = 96L * 40 * 28 * 28;
        assertEquals(expand + depthwise + se + project, block.macs());
        assertEquals(12_122_112L, block.macs());
        long params = (24 * 96 + 2 * 96) + (96 * 25 + 2 * 96) + (96 * 24 + 24) + (24 * 96 + 96) + (96 * 40 + 2 * 40);
        assertEquals(params, block.params());
        assertEquals(13_736L, block.params());
    }

    /** MACs of a w1.0 net at 224 from reference literals: per stage depth, kernel; one expand column. */
    static long handMacsW10At224(int[] depth, int[] kernel, int expandColumn) {
        int[] stageIn = {16, 24, 40, 80, 112};
        int[] stageOut = {24, 40, 80, 112, 160};
        int[] sizeIn = {112, 56, 28, 14, 14};
        int[] sizeOut = {56, 28, 14, 14, 7};
        long macs = 3L * 16 * 9 * 112 * 112; // stem
        macs += 16L * 9 * 112 * 112 + 16L * 16 * 112 * 112; // first block: depthwise + project
        for (int st = 0; st < 5; st++) {
            for (int b = 0; b < depth[st]; b++) {
                int kind = b == 0 ? 0 : 1;
                long in = b == 0 ? stageIn[st] : stageOut[st];
                long hIn = b == 0 ? sizeIn[st] : sizeOut[st];
                long mid = ReferenceTables.MID_W10[st][kind][expandColumn];
                long hOut = sizeOut[st];
                macs += in * mid * hIn * hIn + mid * kernel[st] * kernel[st] * hOut * hOut + mid * stageOut[st] * hOut * hOut;
                if (ReferenceTables.SE_W10[st] != null) {
                    macs += 2 * mid * ReferenceTables.SE_W10[st][kind][expandColumn];
                }
            }
        }
        return macs + 160L * 960 * 7 * 7 + 960L * 1280 + 1280L * 1000; // final expand, feature mix, classifier
    }

    @Test
    void largestOfaW10At224MatchesHandComputation() {
        long macs = W10.macs(OFA.largest(224));
        assertEquals(handMacsW10At224(new int[] {4, 4, 4, 4, 4}, new int[] {7, 7, 7, 7, 7}, 2), macs);
        // Same number from an independent Python script over the reference table: 566,170,656 (~0.57 GMACs).
        assertEquals(566_170_656L, macs);
    }

    @Test
    void compOfaLargestMidAndSmallestMatchHandComputation() {
        int[] k = {3, 5, 3, 3, 5};
        assertEquals(handMacsW10At224(new int[] {4, 4, 4, 4, 4}, k, 2), W10.macs(COMPOFA.largest(224)));
        assertEquals(handMacsW10At224(new int[] {2, 2, 2, 2, 2}, k, 0), W10.macs(COMPOFA.smallest(224)));
        Subnet mid = COMPOFA.subnet(new int[] {3, 3, 3, 3, 3}, repeat(3, 5, 3, 3, 5), repeat(4, 4, 4, 4, 4), 224);
        long midMacs = W10.macs(mid);
        assertEquals(handMacsW10At224(new int[] {3, 3, 3, 3, 3}, k, 1), midMacs);
        assertEquals(231_579_712L, midMacs, "MobileNetV3-Large-like size (~0.23 GMACs)");
        assertEquals(446_764_320L, W10.macs(COMPOFA.largest(224)));
        assertEquals(124_326_864L, W10.macs(COMPOFA.smallest(224)));
    }

    @Test
    void layerListIsStemBlocksHeadAndSumsToTheTotal() {
        Subnet s = OFA.sample(new java.util.SplittableRandom(5), 192);
        List<ConvShape> layers = W10.layers(s);
        assertEquals("stem", layers.getFirst().name());
        assertEquals("classifier", layers.getLast().name());
        long sum = layers.stream().mapToLong(ConvShape::macs).sum();
        long blocks = W10.blocks(s).stream().mapToLong(BlockShape::macs).sum();
        ConvShape stem = layers.getFirst();
        long head = layers.subList(layers.size() - 3, layers.size()).stream().mapToLong(ConvShape::macs).sum();
        assertEquals(sum, stem.macs() + blocks + head);
        assertEquals(sum, W10.macs(s));
        assertEquals(3L * 16 * 9 * 96 * 96, stem.macs(), "192 px stem output is 96x96");
    }

    @Test
    void classifierParamsAndMacsFollowTheClassCount() {
        Subnet s = COMPOFA.largest(224);
        MobileNetV3Geometry tenClasses = MobileNetV3Geometry.imagenet(1.0, 10);
        assertEquals(1280L * (1000 - 10), W10.macs(s) - tenClasses.macs(s));
        assertEquals(1281L * (1000 - 10), W10.params(s) - tenClasses.params(s), "weights + bias per class");
    }

    @Test
    void headParamsByHand() {
        Subnet s = COMPOFA.smallest(224);
        List<ConvShape> layers = W10.layers(s);
        ConvShape finalExpand = layers.get(layers.size() - 3);
        ConvShape featureMix = layers.get(layers.size() - 2);
        assertEquals(160L * 960 + 2 * 960, finalExpand.params(), "1x1 conv + BN");
        assertEquals(960L * 1280, featureMix.params(), "no BN, no bias");
        assertEquals(3L * 16 * 9 + 2 * 16, layers.getFirst().params());
    }

    @Test
    void macsGrowWithEveryDimension() {
        Subnet base = COMPOFA.smallest(160);
        assertTrue(W10.macs(base) < W10.macs(base.withResolution(224)));
        assertTrue(W10.macs(OFA.smallest(224)) < W10.macs(COMPOFA.smallest(224)), "k3 everywhere < fixed kernels");
        assertTrue(W10.macs(COMPOFA.largest(224)) < W10.macs(OFA.largest(224)), "fixed kernels < k7");
        assertTrue(W10.macs(OFA.largest(224)) < MobileNetV3Geometry.imagenet(1.2).macs(OFA.largest(224)));
        assertTrue(W10.params(COMPOFA.smallest(224)) < W10.params(COMPOFA.largest(224)));
    }
}
