package org.compofa.ops;

import org.compofa.bindings.BufferTooSmallException;
import org.compofa.bindings.RawOps;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.OpScope;
import org.compofa.runtime.Tensor;

/**
 * Copies between a strided slice of a supernet tensor and a contiguous tensor: gather extracts a
 * subnet's weights, scatterAdd adds a subnet's gradient (or weights) back into the supernet tensor.
 */
public final class SliceCopy {
    private SliceCopy() {}

    /**
     * {@code dst[i][j][l] = src[slice.offset + i*s0 + j*s1 + l]}; dst receives {@link StridedSlice#count()}
     * floats from its start.
     *
     * @param ctx the context that owns both tensors
     * @param src the tensor read
     * @param slice which floats of src
     * @param dst receives them contiguously
     */
    public static void gather(ComputeContext ctx, Tensor src, StridedSlice slice, Tensor dst) {
        Args.context(ctx);
        Args.notNull("slice", slice);
        checkTensors(ctx, src, dst);
        checkStrided("src", src, slice);
        checkContiguous("dst", dst, slice);
        try (OpScope op = ctx.op()) {
            RawOps.sliceGather(op.context(), null, op.address(src), src.length(), slice.offset(), slice.d0(), slice.d1(),
                    slice.d2(), slice.s0(), slice.s1(), op.address(dst), dst.length());
        }
    }

    /**
     * {@code dst[slice.offset + i*s0 + j*s1 + l] += alpha * src[(i*d1 + j)*d2 + l]}.
     *
     * @param ctx the context that owns both tensors
     * @param src contiguous [d0][d1][d2]
     * @param alpha scale of src
     * @param dst the tensor updated
     * @param slice where in dst
     */
    public static void scatterAdd(ComputeContext ctx, Tensor src, float alpha, Tensor dst, StridedSlice slice) {
        Args.context(ctx);
        Args.notNull("slice", slice);
        checkTensors(ctx, src, dst);
        checkContiguous("src", src, slice);
        checkStrided("dst", dst, slice);
        try (OpScope op = ctx.op()) {
            RawOps.sliceScatterAdd(op.context(), null, op.address(src), src.length(), alpha, op.address(dst), dst.length(),
                    slice.offset(), slice.d0(), slice.d1(), slice.d2(), slice.s0(), slice.s1());
        }
    }

    private static void checkTensors(ComputeContext ctx, Tensor src, Tensor dst) {
        Args.notNull("src", src);
        Args.notNull("dst", dst);
        ctx.checkOwns("src", src);
        ctx.checkOwns("dst", dst);
        Args.distinct("dst", dst, "src", src);
    }

    private static void checkStrided(String name, Tensor t, StridedSlice s) {
        if (s.offset() + s.span() > t.length()) {
            throw new BufferTooSmallException(name + " " + t.describeShape() + " holds " + t.length()
                    + " floats; the slice reaches float " + (s.offset() + s.span()));
        }
    }

    private static void checkContiguous(String name, Tensor t, StridedSlice s) {
        if (t.length() < s.count()) {
            throw new BufferTooSmallException(name + " " + t.describeShape() + " holds " + t.length()
                    + " floats; the slice has " + s.count());
        }
    }
}
