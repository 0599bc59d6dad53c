package org.compofa.space;

import static org.compofa.space.SubnetRoundTripTest.repeat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Widths and spatial sizes equal the reference's tables (§2.3, §2.4). Pure Java. */
class MobileNetV3GeometryTest {
    private static final SearchSpace OFA = SearchSpaces.fromId("ofa_mbv3_d4_e346_k357_w1.0_r128-224");

    @Test
    void w10StageTableMatchesReference() {
        StageTable t = StageTable.imagenet(1.0);
        assertEquals(16, t.stemWidth());
        assertEquals(16, t.firstBlockWidth());
        assertEquals(List.of(24, 40, 80, 112, 160), t.stages().stream().map(StageSpec::width).toList());
        assertEquals(List.of(2, 2, 2, 1, 2), t.stages().stream().map(StageSpec::stride).toList());
        assertEquals(List.of(false, true, false, true, true), t.stages().stream().map(StageSpec::squeezeExcite).toList());
        assertEquals(List.of(Activation.RELU, Activation.RELU, Activation.H_SWISH, Activation.H_SWISH, Activation.H_SWISH),
                t.stages().stream().map(StageSpec::activation).toList());
        assertEquals(960, t.finalExpandWidth());
        assertEquals(1280, t.featureMixWidth());
    }

    @Test
    void w12StageTableMatchesReference() {
        StageTable t = StageTable.imagenet(1.2);
        assertEquals(24, t.stemWidth());
        assertEquals(24, t.firstBlockWidth());
        assertEquals(List.of(32, 48, 96, 136, 192), t.stages().stream().map(StageSpec::width).toList());
        assertEquals(1152, t.finalExpandWidth());
        assertEquals(1536, t.featureMixWidth());
    }

    @Test
    void w10MiddleAndSeWidthsMatchReferenceTable() {
        assertWidths(MobileNetV3Geometry.imagenet(1.0), ReferenceTables.MID_W10, ReferenceTables.SE_W10);
    }

    @Test
    void w12MiddleAndSeWidthsMatchReferenceTable() {
        assertWidths(MobileNetV3Geometry.imagenet(1.2), ReferenceTables.MID_W12, ReferenceTables.SE_W12);
    }

    private static void assertWidths(MobileNetV3Geometry g, int[][][] mid, int[][][] se) {
        int[] expands = {3, 4, 6};
        for (int ei = 0; ei < 3; ei++) {
            int e = expands[ei];
            Subnet s = OFA.subnet(new int[] {4, 4, 4, 4, 4}, repeat(3, 3, 3, 3, 3), repeat(e, e, e, e, e), 224);
            List<BlockShape> blocks = g.blocks(s);
            assertEquals(21, blocks.size(), "first block + 5 x 4");
            BlockShape first = blocks.get(0);
            assertEquals(List.of(g.table().stemWidth(), 1, false, true),
                    List.of(first.midChannels(), first.stride(), first.expandConv(), first.residual()),
                    "first block: expand 1, stride 1, identity shortcut");
            for (int st = 0; st < 5; st++) {
                for (int b = 0; b < 4; b++) {
                    BlockShape block = blocks.get(1 + st * 4 + b);
                    int kind = b == 0 ? 0 : 1;
                    String where = block.name() + " e" + e;
                    assertEquals(mid[st][kind][ei], block.midChannels(), where + " mid");
                    assertEquals(se[st] == null ? 0 : se[st][kind][ei], block.seChannels(), where + " SE mid");
                    assertEquals(b > 0, block.residual(), where + " residual (first blocks change width)");
                }
            }
        }
    }

    @Test
    void spatialSizesMatchReferenceTable() {
        MobileNetV3Geometry g = MobileNetV3Geometry.imagenet(1.0);
        assertArrayEquals(new int[] {64, 64, 32, 16, 8, 8, 4}, g.spatialSizes(128));
        assertArrayEquals(new int[] {80, 80, 40, 20, 10, 10, 5}, g.spatialSizes(160));
        assertArrayEquals(new int[] {88, 88, 44, 22, 11, 11, 6}, g.spatialSizes(176));
        assertArrayEquals(new int[] {96, 96, 48, 24, 12, 12, 6}, g.spatialSizes(192));
        assertArrayEquals(new int[] {104, 104, 52, 26, 13, 13, 7}, g.spatialSizes(208));
        assertArrayEquals(new int[] {112, 112, 56, 28, 14, 14, 7}, g.spatialSizes(224));
        List<BlockShape> blocks = g.blocks(OFA.largest(176));
        assertEquals(6, blocks.getLast().outputSize(), "blocks agree with spatialSizes");
    }

    @Test
    void smallInputVariantDownsamplesSixteenTimes() {
        MobileNetV3Geometry g = MobileNetV3Geometry.smallInput(1.0, 3, 10);
        assertArrayEquals(new int[] {16, 16, 16, 8, 4, 4, 2}, g.spatialSizes(32));
        assertArrayEquals(new int[] {14, 14, 14, 7, 4, 4, 2}, g.spatialSizes(28));
        SearchSpace cifar = SearchSpaces.compOfa(1.0, ResolutionSet.of(32));
        List<ConvShape> layers = g.layers(cifar.largest(32));
        assertEquals(10, layers.getLast().outChannels(), "classifier has the configured classes");
        assertEquals(2, layers.get(layers.size() - 3).inputSize(), "final expand runs at 2x2");
    }

    @Test
    void makeDivisibleFollowsOfa() {
        assertEquals(24, MobileNetV3Geometry.makeDivisible(18, 8), "16 < 0.9 * 18, so +8");
        assertEquals(24, MobileNetV3Geometry.makeDivisible(16 * 1.2, 8));
        assertEquals(136, MobileNetV3Geometry.makeDivisible(112 * 1.2, 8));
        assertEquals(8, MobileNetV3Geometry.makeDivisible(3, 8));
        assertEquals(40, MobileNetV3Geometry.makeDivisible(36, 8));
        assertEquals(16, MobileNetV3Geometry.makeDivisible(12, 8), "rounds half up");
    }

    @Test
    void customStageTableWithThreeStages() {
        StageTable table = new StageTable(8, 1, 8, List.of(new StageSpec(16, 2, Activation.RELU, false),
                new StageSpec(24, 2, Activation.H_SWISH, true), new StageSpec(32, 1, Activation.H_SWISH, true)), 64, 128);
        MobileNetV3Geometry g = new MobileNetV3Geometry(table, 1, 10);
        int[] k = new int[12];
        java.util.Arrays.fill(k, 3);
        Subnet s = new Subnet(new int[] {2, 2, 2}, k, k, 28);
        assertArrayEquals(new int[] {28, 28, 14, 7, 7}, g.spatialSizes(28));
        assertEquals(7, g.blocks(s).size(), "first block + 3 x 2");
        List<BlockShape> blocks = g.blocks(s);
        assertEquals(24, blocks.get(1).midChannels(), "stage 1 block 1: 8 in x 3");
        assertEquals(48, blocks.get(3).midChannels(), "stage 2 block 1: 16 in x 3");
        assertEquals(16, blocks.get(3).seChannels(), "md(48 / 4) = md(12) = 16");
        assertEquals(0, blocks.get(1).seChannels());
        assertThrows(InvalidSubnetException.class, () -> g.blocks(OFA.largest(224)));
    }
}
