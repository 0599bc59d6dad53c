package org.compofa.bindings;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The fields of {@code compofa_conv_shape} (a dense k x k convolution by im2col, NHWC), unchecked:
 * the library validates them (the checked Java value is {@code org.compofa.ops.ConvShape}).
 *
 * @param n      batch
 * @param h      input height
 * @param w      input width
 * @param c      input channels
 * @param k      kernel size (1..11)
 * @param stride 1..4
 * @param pad    zero padding on each side, {@code 0 <= pad < k}
 */
public record RawConvShape(int n, int h, int w, int c, int k, int stride, int pad) {

    /**
     * Writes the struct into {@code arena}.
     *
     * @param arena the arena that owns the struct
     * @return the struct
     */
    public MemorySegment write(Arena arena) {
        return CompofaNnNative.convShape(arena, n, h, w, c, k, stride, pad);
    }
}
