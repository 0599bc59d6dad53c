package org.compofa.bindings;

import static org.compofa.bindings.RawOps.ptr;
import static org.compofa.bindings.RawOps.stream;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The fused ops on raw addresses, with the conventions of {@link RawOps}: an op and its per-channel
 * epilogue ({@link RawEpilogue}) in one pass, for inference only (no backward), or a training
 * convolution that gathers its output's batch statistics in the same pass.
 */
public final class RawFusedOps {
    private RawFusedOps() {}

    /**
     * {@code compofa_conv1x1_fused_forward}: y[r][j] = epilogue(sum_i x[r][i] w[j*ldw + i]) for
     * x (rows, cin) and the supernet weight's W[:cout, :cin] read in place; y (rows, cout).
     *
     * @param ctx the context; open
     * @param stream a stream of ctx, or null for the context's default stream
     * @param rows rows of x and y
     * @param cin active input channels
     * @param cout active output channels
     * @param x input tensor
     * @param xLen floats at {@code x}
     * @param w supernet weight [coutMax][cinMax]
     * @param wLen floats at {@code w}
     * @param ldw row stride of w (cinMax)
     * @param epilogue bias, eval batch norm and activation applied before y is written
     * @param y output tensor
     * @param yLen floats at {@code y}
     */
    public static void conv1x1FusedForward(ContextHandle ctx, StreamHandle stream, long rows, int cin, int cout,
                                           long x, long xLen, long w, long wLen, int ldw, RawEpilogue epilogue,
                                           long y, long yLen) {
        MemorySegment s = stream(ctx, stream);
        try (Arena arena = Arena.ofConfined()) {
            CompofaFusedNative.conv1x1FusedForward(ctx.segment(), s, rows, cin, cout, ptr(x), xLen, ptr(w), wLen,
                    ldw, epilogue.write(arena), ptr(y), yLen);
        }
    }

    /**
     * {@code compofa_conv1x1_stats_forward}: the training 1x1 convolution y = x W[:cout, :cin]^T with
     * the mean and biased variance of y's columns gathered in the same pass (batchMean, batchVar).
     *
     * @param ctx the context; open
     * @param stream a stream of ctx, or null for the context's default stream
     * @param rows rows of x and y
     * @param cin active input channels
     * @param cout active output channels
     * @param x input tensor
     * @param xLen floats at {@code x}
     * @param w supernet weight [coutMax][cinMax]
     * @param wLen floats at {@code w}
     * @param ldw row stride of w (cinMax)
     * @param y output tensor
     * @param yLen floats at {@code y}
     * @param batchMean batch mean [&gt;= c]
     * @param batchVar biased batch variance [&gt;= c]
     * @param batchLen floats of each of batchMean and batchVar
     */
    public static void conv1x1StatsForward(ContextHandle ctx, StreamHandle stream, long rows, int cin, int cout,
                                           long x, long xLen, long w, long wLen, int ldw, long y, long yLen,
                                           long batchMean, long batchVar, long batchLen) {
        CompofaFusedNative.conv1x1StatsForward(ctx.segment(), stream(ctx, stream), rows, cin, cout, ptr(x), xLen,
                ptr(w), wLen, ldw, ptr(y), yLen, ptr(batchMean), ptr(batchVar), batchLen);
    }

    /**
     * {@code compofa_dwconv_fused_forward}: {@link RawOps#dwconvForward} with the epilogue applied.
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
     * @param epilogue bias, eval batch norm and activation applied before y is written
     * @param y output tensor
     * @param yLen floats at {@code y}
     */
    public static void dwconvFusedForward(ContextHandle ctx, StreamHandle stream, RawDwconvShape shape,
                                          long x, long xLen, long weight, long weightLen, long t75, long t75Len,
                                          long t53, long t53Len, RawEpilogue epilogue, long y, long yLen) {
        MemorySegment s = stream(ctx, stream);
        try (Arena arena = Arena.ofConfined()) {
            CompofaFusedNative.dwconvFusedForward(ctx.segment(), s, shape.write(arena), ptr(x), xLen, ptr(weight),
                    weightLen, ptr(t75), t75Len, ptr(t53), t53Len, epilogue.write(arena), ptr(y), yLen);
        }
    }

    /**
     * {@code compofa_dwconv_stats_forward}: the training {@link RawOps#dwconvForward} with the mean and
     * biased variance of y's channels gathered in the same pass (batchMean, batchVar).
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
     * @param batchMean batch mean [&gt;= c]
     * @param batchVar biased batch variance [&gt;= c]
     * @param batchLen floats of each of batchMean and batchVar
     */
    public static void dwconvStatsForward(ContextHandle ctx, StreamHandle stream, RawDwconvShape shape,
                                          long x, long xLen, long weight, long weightLen, long t75, long t75Len,
                                          long t53, long t53Len, long y, long yLen, long batchMean, long batchVar,
                                          long batchLen) {
        MemorySegment s = stream(ctx, stream);
        try (Arena arena = Arena.ofConfined()) {
            CompofaFusedNative.dwconvStatsForward(ctx.segment(), s, shape.write(arena), ptr(x), xLen, ptr(weight),
                    weightLen, ptr(t75), t75Len, ptr(t53), t53Len, ptr(y), yLen, ptr(batchMean), ptr(batchVar),
                    batchLen);
        }
    }

    /**
     * {@code compofa_se_forward}: y = x * h_sigmoid(W2 relu(W1 mean_hw(x) + b1) + b2) per image and
     * channel, with W1 = w1[:se, :c] (row stride ld1) and W2 = w2[:c, :se] (ld2) read in place;
     * saved (n*(2c+se) floats, or 0 for inference) receives what the backward needs.
     *
     * @param ctx the context; open
     * @param stream a stream of ctx, or null for the context's default stream
     * @param n batch size
     * @param hw pixels per image, h * w
     * @param c active channels
     * @param se active squeeze channels
     * @param x input tensor
     * @param xLen floats at {@code x}
     * @param w1 reduce weight; W1 = w1[:se, :c]
     * @param w1Len floats at {@code w1}
     * @param ld1 row stride of w1
     * @param b1 reduce bias [&gt;= se]
     * @param b1Len floats at {@code b1}
     * @param w2 expand weight; W2 = w2[:c, :se]
     * @param w2Len floats at {@code w2}
     * @param ld2 row stride of w2
     * @param b2 expand bias [&gt;= c]
     * @param b2Len floats at {@code b2}
     * @param y output tensor
     * @param yLen floats at {@code y}
     * @param saved what the forward saved for the backward, n*(2c+se) floats
     * @param savedLen floats at {@code saved}
     */
    public static void seForward(ContextHandle ctx, StreamHandle stream, int n, int hw, int c, int se, long x,
                                 long xLen, long w1, long w1Len, int ld1, long b1, long b1Len, long w2, long w2Len,
                                 int ld2, long b2, long b2Len, long y, long yLen, long saved, long savedLen) {
        CompofaFusedNative.seForward(ctx.segment(), stream(ctx, stream), n, hw, c, se, ptr(x), xLen, ptr(w1), w1Len,
                ld1, ptr(b1), b1Len, ptr(w2), w2Len, ld2, ptr(b2), b2Len, ptr(y), yLen, ptr(saved), savedLen);
    }

    /**
     * {@code compofa_se_backward}: dx (overwritten) and dw1, db1, dw2, db2 (accumulated; dw1/dw2 laid
     * out and as long as w1/w2) from the forward's x, weights and saved buffer.
     *
     * @param ctx the context; open
     * @param stream a stream of ctx, or null for the context's default stream
     * @param n batch size
     * @param hw pixels per image, h * w
     * @param c active channels
     * @param se active squeeze channels
     * @param x input tensor
     * @param xLen floats at {@code x}
     * @param w1 reduce weight; W1 = w1[:se, :c]
     * @param w1Len floats at {@code w1}
     * @param ld1 row stride of w1
     * @param w2 expand weight; W2 = w2[:c, :se]
     * @param w2Len floats at {@code w2}
     * @param ld2 row stride of w2
     * @param saved what the forward saved for the backward, n*(2c+se) floats
     * @param savedLen floats at {@code saved}
     * @param dy gradient of y
     * @param dyLen floats at {@code dy}
     * @param dx gradient of x
     * @param dxLen floats at {@code dx}
     * @param dw1 gradient of w1, accumulated
     * @param db1 gradient of b1, accumulated
     * @param db1Len floats at {@code db1}
     * @param dw2 gradient of w2, accumulated
     * @param db2 gradient of b2, accumulated
     * @param db2Len floats at {@code db2}
     */
    public static void seBackward(ContextHandle ctx, StreamHandle stream, int n, int hw, int c, int se, long x,
                                  long xLen, long w1, long w1Len, int ld1, long w2, long w2Len, int ld2, long saved,
                                  long savedLen, long dy, long dyLen, long dx, long dxLen, long dw1, long db1,
                                  long db1Len, long dw2, long db2, long db2Len) {
        CompofaFusedNative.seBackward(ctx.segment(), stream(ctx, stream), n, hw, c, se, ptr(x), xLen, ptr(w1), w1Len,
                ld1, ptr(w2), w2Len, ld2, ptr(saved), savedLen, ptr(dy), dyLen, ptr(dx), dxLen, ptr(dw1), ptr(db1),
                db1Len, ptr(dw2), ptr(db2), db2Len);
    }
}
