package org.compofa.space;

/** Numbers copied by hand from the reference's channel table (compofa-reference.md §2.3); test oracle only. */
final class ReferenceTables {
    private ReferenceTables() {
    }

    /** Per stage: {mid for e3, e4, e6} of the first block, then of the other blocks. w1.0. */
    static final int[][][] MID_W10 = {
        {{48, 64, 96}, {72, 96, 144}}, {{72, 96, 144}, {120, 160, 240}}, {{120, 160, 240}, {240, 320, 480}},
        {{240, 320, 480}, {336, 448, 672}}, {{336, 448, 672}, {480, 640, 960}}};
    /** Per stage: {SE mid for e3, e4, e6} of the first block, then the others; null: stage without SE. w1.0. */
    static final int[][][] SE_W10 = {
        null, {{24, 24, 40}, {32, 40, 64}}, null, {{64, 80, 120}, {88, 112, 168}}, {{88, 112, 168}, {120, 160, 240}}};
    /** As {@link #MID_W10} for w1.2. */
    static final int[][][] MID_W12 = {
        {{72, 96, 144}, {96, 128, 192}}, {{96, 128, 192}, {144, 192, 288}}, {{144, 192, 288}, {288, 384, 576}},
        {{288, 384, 576}, {408, 544, 816}}, {{408, 544, 816}, {576, 768, 1152}}};
    /** As {@link #SE_W10} for w1.2. */
    static final int[][][] SE_W12 = {
        null, {{24, 32, 48}, {40, 48, 72}}, null, {{72, 96, 144}, {104, 136, 208}}, {{104, 136, 208}, {144, 192, 288}}};
}
