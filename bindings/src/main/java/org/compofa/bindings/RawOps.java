package org.compofa.bindings;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The ops on raw addresses, for JVM code that owns its memory (for example JavaCPP device pointers):
 * every tensor is an address plus its length in floats, host memory for REFERENCE/CPU contexts and
 * device memory for CUDA. A null {@code stream} means the context's default stream; to run on another
 * framework's {@code cudaStream_t}, wrap it with {@link StreamHandle#wrap(ContextHandle, long)}.
 * A 0 address is passed as NULL (allowed only for outputs documented as optional). Java checks only
 * that the handles are open; the library checks everything else and reports typed exceptions.
 */
public final class RawOps {
    private RawOps() {}

    /** A raw address as a segment; 0 is NULL. */
    static MemorySegment ptr(long address) {
        return MemorySegment.ofAddress(address);
    }

    /** The stream's segment (NULL for the default stream), after checking that ctx is open. */
    static MemorySegment stream(ContextHandle ctx, StreamHandle stream) {
        ctx.address();
        return NativeHandle.segmentOrNull(stream);
    }

    /**
     * {@code compofa_dwconv_output_size}: {ho, wo} after the library checked the shape.
     *
     * @param shape the problem's shape struct
     * @return {ho, wo}
     */
    public static int[] dwconvOutputSize(RawDwconvShape shape) {
        try (Arena arena = Arena.ofConfined()) {
            return CompofaNative.dwconvOutputSize(shape.write(arena));
        }
    }

    /**
     * {@code compofa_dwconv_forward}: y[n][ho][wo][c] from x[n][h][w][c] and weight[kMax][kMax][cMax].
     *
     * @param ctx the context; open
     * @param stream a stream of ctx, or null for the context's default stream
     * @param shape the problem's shape struct
     * @param x input tensor
     * @param xLen floats at {@code x}
     * @param weight supernet weight [kMax][kMax][cMax]
     * @param weightLen floats at {@code weight}
     * @param t75 7-&gt;5 transform [25][25], or 0 when unused
     * @param t75Len floats at {@code t75}
     * @param t53 5-&gt;3 transform [9][9], or 0 when unused
     * @param t53Len floats at {@code t53}
     * @param y output tensor
     * @param yLen floats at {@code y}
     */
    public static void dwconvForward(ContextHandle ctx, StreamHandle stream, RawDwconvShape shape,
                                     long x, long xLen, long weight, long weightLen,
                                     long t75, long t75Len, long t53, long t53Len, long y, long yLen) {
        MemorySegment s = stream(ctx, stream);
        try (Arena arena = Arena.ofConfined()) {
            CompofaNative.dwconvForward(ctx.segment(), s, shape.write(arena), ptr(x), xLen, ptr(weight), weightLen,
                    ptr(t75), t75Len, ptr(t53), t53Len, ptr(y), yLen);
        }
    }

    /**
     * {@code compofa_dwconv_backward}: dx overwritten; dweight, dt75, dt53 accumulated (+=). Any output
     * may be 0 with length 0 to skip it.
     *
     * @param ctx the context; open
     * @param stream a stream of ctx, or null for the context's default stream
     * @param shape the problem's shape struct
     * @param x input tensor
     * @param xLen floats at {@code x}
     * @param weight supernet weight [kMax][kMax][cMax]
     * @param weightLen floats at {@code weight}
     * @param t75 7-&gt;5 transform [25][25], or 0 when unused
     * @param t75Len floats at {@code t75}
     * @param t53 5-&gt;3 transform [9][9], or 0 when unused
     * @param t53Len floats at {@code t53}
     * @param dy gradient of y
     * @param dyLen floats at {@code dy}
     * @param dx gradient of x
     * @param dxLen floats at {@code dx}
     * @param dweight gradient of weight, accumulated
     * @param dweightLen floats at {@code dweight}
     * @param dt75 gradient of t75, accumulated, or 0
     * @param dt75Len floats at {@code dt75}
     * @param dt53 gradient of t53, accumulated, or 0
     * @param dt53Len floats at {@code dt53}
     */
    public static void dwconvBackward(ContextHandle ctx, StreamHandle stream, RawDwconvShape shape,
                                      long x, long xLen, long weight, long weightLen,
                                      long t75, long t75Len, long t53, long t53Len, long dy, long dyLen,
                                      long dx, long dxLen, long dweight, long dweightLen,
                                      long dt75, long dt75Len, long dt53, long dt53Len) {
        MemorySegment s = stream(ctx, stream);
        try (Arena arena = Arena.ofConfined()) {
            CompofaNative.dwconvBackward(ctx.segment(), s, shape.write(arena), ptr(x), xLen, ptr(weight), weightLen,
                    ptr(t75), t75Len, ptr(t53), t53Len, ptr(dy), dyLen, ptr(dx), dxLen, ptr(dweight), dweightLen,
                    ptr(dt75), dt75Len, ptr(dt53), dt53Len);
        }
    }

    /**
     * {@code compofa_gemm}: row-major C = alpha op(A) op(B) + beta C, op(A) m x k, op(B) k x n; beta 0
     * overwrites C (NaN in C is not propagated).
     *
     * @param ctx the context; open
     * @param stream a stream of ctx, or null for the context's default stream
     * @param transA whether A is transposed
     * @param transB whether B is transposed
     * @param m rows of op(A) and C
     * @param n columns of op(B) and C
     * @param k columns of op(A), rows of op(B)
     * @param alpha scale of the product
     * @param a matrix A
     * @param aLen floats at {@code a}
     * @param lda row stride of A
     * @param b matrix B
     * @param bLen floats at {@code b}
     * @param ldb row stride of B
     * @param beta scale of the old C; 0 overwrites
     * @param c matrix C, updated
     * @param cLen floats at {@code c}
     * @param ldc row stride of C
     */
    public static void gemm(ContextHandle ctx, StreamHandle stream, boolean transA, boolean transB,
                            int m, int n, int k, float alpha, long a, long aLen, int lda,
                            long b, long bLen, int ldb, float beta, long c, long cLen, int ldc) {
        MemorySegment s = stream(ctx, stream);
        CompofaNative.gemm(ctx.segment(), s, transA ? 1 : 0, transB ? 1 : 0, m, n, k, alpha, ptr(a), aLen, lda,
                ptr(b), bLen, ldb, beta, ptr(c), cLen, ldc);
    }

    /**
     * {@code compofa_slice_gather}: dst[i][j][l] = src[srcOffset + i*s0 + j*s1 + l], dst contiguous.
     *
     * @param ctx the context; open
     * @param stream a stream of ctx, or null for the context's default stream
     * @param src source
     * @param srcLen floats at {@code src}
     * @param srcOffset offset in src, in floats
     * @param d0 extent of dimension 0
     * @param d1 extent of dimension 1
     * @param d2 extent of dimension 2 (contiguous)
     * @param s0 stride of dimension 0, in floats
     * @param s1 stride of dimension 1, in floats
     * @param dst destination
     * @param dstLen floats at {@code dst}
     */
    public static void sliceGather(ContextHandle ctx, StreamHandle stream, long src, long srcLen, long srcOffset,
                                   int d0, int d1, int d2, long s0, long s1, long dst, long dstLen) {
        MemorySegment s = stream(ctx, stream);
        CompofaNative.sliceGather(ctx.segment(), s, ptr(src), srcLen, srcOffset, d0, d1, d2, s0, s1, ptr(dst), dstLen);
    }

    /**
     * {@code compofa_slice_scatter_add}: dst[dstOffset + i*s0 + j*s1 + l] += alpha * src[(i*d1+j)*d2+l].
     *
     * @param ctx the context; open
     * @param stream a stream of ctx, or null for the context's default stream
     * @param src source
     * @param srcLen floats at {@code src}
     * @param alpha scale of src
     * @param dst destination
     * @param dstLen floats at {@code dst}
     * @param dstOffset offset in dst, in floats
     * @param d0 extent of dimension 0
     * @param d1 extent of dimension 1
     * @param d2 extent of dimension 2 (contiguous)
     * @param s0 stride of dimension 0, in floats
     * @param s1 stride of dimension 1, in floats
     */
    public static void sliceScatterAdd(ContextHandle ctx, StreamHandle stream, long src, long srcLen, float alpha,
                                       long dst, long dstLen, long dstOffset,
                                       int d0, int d1, int d2, long s0, long s1) {
        MemorySegment s = stream(ctx, stream);
        CompofaNative.sliceScatterAdd(ctx.segment(), s, ptr(src), srcLen, alpha, ptr(dst), dstLen, dstOffset,
                d0, d1, d2, s0, s1);
    }

    /**
     * {@code compofa_fill}: dst[0..len) = value.
     *
     * @param ctx the context; open
     * @param stream a stream of ctx, or null for the context's default stream
     * @param dst tensor filled
     * @param len elements to set
     * @param value value of every element
     */
    public static void fill(ContextHandle ctx, StreamHandle stream, long dst, long len, float value) {
        MemorySegment s = stream(ctx, stream);
        CompofaNative.fill(ctx.segment(), s, ptr(dst), len, value);
    }
}
