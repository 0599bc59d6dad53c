package org.compofa.io.ofa;

/**
 * One tensor of the correspondence between an OFA MobileNetV3 state dict and a compofa
 * {@link org.compofa.nn.Network}: OFA's name and shape, ours, and how the values move.
 *
 * @param ofaName   OFA's key, or null where OFA has no tensor (an identity transform matrix)
 * @param ofaShape  OFA's shape (null with ofaName)
 * @param ourName   compofa's parameter or buffer name, or null where compofa keeps nothing
 *                  (BN's {@code num_batches_tracked})
 * @param ourShape  compofa's shape (null with ourName)
 * @param layout    how the elements are ordered on each side
 */
record OfaTensor(String ofaName, int[] ofaShape, String ourName, int[] ourShape, Reorder layout) {
    /** How OFA's element order relates to ours. */
    enum Reorder {
        /** The same order (1x1 convolutions, linear layers, vectors, matrices). */
        SAME,
        /** The stem: OFA [cout][cin][kh][kw], ours [cout][kh][kw][cin] (im2col column order). */
        STEM,
        /** Depthwise: OFA [c][1][k][k], ours [k][k][c] (taps major, channels innermost). */
        DEPTHWISE,
        /** BN's int64 {@code num_batches_tracked}: OFA only, not needed for inference or training. */
        COUNTER,
        /** A transform matrix compofa needs as identity where OFA's kernel list has no such step. */
        IDENTITY
    }
}
