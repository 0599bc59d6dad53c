package org.compofa.bindings;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The fields of {@code compofa_dwconv_shape}, unchecked: the library validates them (the checked
 * Java value is {@code org.compofa.ops.ElasticDepthwiseConv.DepthwiseShape}).
 *
 * @param n         batch
 * @param h         input height
 * @param w         input width
 * @param c         active channels
 * @param cMax      channels of the supernet weight
 * @param k         active kernel
 * @param kMax      stored kernel of the supernet weight
 * @param stride    1 or 2
 * @param transform {@link CompofaNative#TRANSFORM_NONE} or {@link CompofaNative#TRANSFORM_OFA}
 */
public record RawDwconvShape(int n, int h, int w, int c, int cMax, int k, int kMax, int stride, int transform) {

    /**
     * Writes the struct into {@code arena}.
     *
     * @param arena the arena that owns the struct
     * @return the struct
     */
    public MemorySegment write(Arena arena) {
        return CompofaNative.dwconvShape(arena, n, h, w, c, cMax, k, kMax, stride, transform);
    }
}
