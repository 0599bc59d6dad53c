// Depthwise correlation engine and its dispatch table; see dwconv_core.h.
#include "cpu/dwconv_core.h"
#include "cpu/epilogue_cpu.h"
#include "cpu/thread_pool.h"

#include <algorithm>

namespace compofa::cpu {
COMPOFA_ISA_BEGIN  // compiled once per ISA (cpu/isa.h)

AxisTaps forward_taps(int o, int stride, int pad, int k, int in_size) {
    const int origin = o * stride - pad;  // input index of tap 0
    const int lo = std::max(0, -origin), hi = std::min(k, in_size - origin);
    if (hi <= lo) return {0, 0, 0, 1};
    return {origin + lo, lo, hi - lo, 1};
}

AxisTaps backward_taps(int i, int stride, int pad, int k, int out_size) {
    const int top = i + pad;  // tap t reaches output (top - t) / stride
    int lo = std::max(0, top - stride * (out_size - 1));
    lo += ((top - lo) % stride + stride) % stride;  // first tap with (top - t) % stride == 0
    int hi = std::min(k - 1, top);                  // last usable tap (output >= 0) ...
    hi -= (top - hi) % stride;                      // ... with (top - t) % stride == 0
    if (hi < lo) return {0, 0, 0, 1};
    // Walked from the last tap (lowest output) up, so that the input index rises by one per tap.
    return {(top - hi) / stride, hi, (hi - lo) / stride + 1, -stride};
}

namespace {

// Strides of one output pixel's taps: tap (a, b) reads in[a*in_row + b*c] and w[a*w_row + b*w_col]
// (channel offset added by the caller).
struct TapWalk {
    int64_t in_row, c, w_row, w_col;
};

// Accumulators of one call: P pixels x CB channels, sized to fill 8 of the 16 AVX2 registers so
// that the FMA latency is hidden.
// out[p][0..CB) = sum over rows a < n_rows, taps b < n_cols of in(a, b + p*PIX)[l] * w(a, b)[l] for
// P pixels whose inputs are PIX pixels apart; adjacent pixels share input loads (for PIX = 1 tap
// b of pixel p+1 is tap b+1 of pixel p) and every pixel shares the weight loads.
// NCOLS > 0 fixes n_cols at compile time (fully unrolled).
template <int P, int CB, int PIX, int NCOLS>
inline void channel_block(const float* __restrict in, const float* __restrict w, const TapWalk& t, int n_rows,
                          int n_cols, float* __restrict out, int64_t out_step) {
    const int cols = NCOLS > 0 ? NCOLS : n_cols;
    float acc[P][CB] = {};
    for (int a = 0; a < n_rows; ++a) {
        const float* __restrict ir = in + a * t.in_row;
        const float* __restrict wr = w + a * t.w_row;
#pragma GCC unroll 8
        for (int b = 0; b < cols; ++b) {
            const float* __restrict wp = wr + b * t.w_col;
#pragma GCC unroll 8
            for (int p = 0; p < P; ++p) {
                const float* __restrict ip = ir + (b + p * PIX) * t.c;
#pragma omp simd
                for (int l = 0; l < CB; ++l) acc[p][l] += ip[l] * wp[l];
            }
        }
    }
    // Fully unrolled so that the accumulators go from registers straight to `out` (a plain loop
    // here becomes a copy through the stack).
#pragma GCC unroll 8
    for (int p = 0; p < P; ++p) {
        float* __restrict o = out + p * out_step;
#pragma GCC unroll 64
        for (int l = 0; l < CB; ++l) o[l] = acc[p][l];
    }
}

// The remaining c % 8 channels of one pixel, accumulated straight in `out`.
inline void channel_tail(const float* __restrict in, const float* __restrict w, const TapWalk& t, int n_rows,
                         int n_cols, int width, float* __restrict out) {
    for (int l = 0; l < width; ++l) out[l] = 0.0f;
    for (int a = 0; a < n_rows; ++a)
        for (int b = 0; b < n_cols; ++b) {
            const float* ip = in + a * t.in_row + b * t.c;
            const float* wp = w + a * t.w_row + b * t.w_col;
            for (int l = 0; l < width; ++l) out[l] += ip[l] * wp[l];
        }
}

// Floats per vector register of the ISA this copy is compiled for.
#if defined(__AVX512F__)
constexpr int kVecFloats = 16;
#else
constexpr int kVecFloats = 8;
#endif

// Channels per block for P pixels: 8 accumulators of 8 floats, except for wide stride-1 tiles
// (P = 8, PIX = 1): one vector register per pixel, a sliding window along the width in which each
// input vector is loaded once per tap row and reused by every pixel it reaches.
constexpr int channel_block_width(int p, int pix) { return p == 8 && pix == 1 ? kVecFloats : 64 / p; }

// P adjacent output pixels (inputs PIX pixels apart), all c channels, in register-sized blocks.
template <int P, int PIX, int NCOLS>
inline void pixels(const float* in, const float* w, const TapWalk& t, int n_rows, int n_cols, float* out) {
    constexpr int CB = channel_block_width(P, PIX);
    const int c = (int)t.c;
    int ch = 0;
    for (; ch + CB <= c; ch += CB) channel_block<P, CB, PIX, NCOLS>(in + ch, w + ch, t, n_rows, n_cols, out + ch, c);
    for (; ch + 8 <= c; ch += 8) channel_block<P, 8, PIX, NCOLS>(in + ch, w + ch, t, n_rows, n_cols, out + ch, c);
    if (ch < c)
        for (int p = 0; p < P; ++p)
            channel_tail(in + ch + (int64_t)p * PIX * c, w + ch, t, n_rows, n_cols, c - ch, out + ch + (int64_t)p * c);
}

// Interior pixels computed together: they share input loads only when their inputs are PIX > 0
// apart; 4 pays off for 5 and 7 taps, 2 for 3 taps (measured on 2 cores, n=64 56x56 c=72/144);
// at stride 1 with 5 or 7 taps, 8 (one vector each, see channel_block_width).
constexpr int tile_pixels(int cols, int pix) {
    return pix == 0 ? 1 : cols >= 5 ? (pix == 1 && kVecFloats == 16 ? 8 : 4) : 2;
}

// All output rows of the problem, threads over (batch, row). Pixels whose tap count along the width
// is COLS_A or COLS_B (> 0) use an unrolled kernel, the others (borders) the runtime one. With
// PIX > 0, runs of kTile interior pixels (count COLS_A, inputs PIX apart) are computed together.
template <int COLS_A, int COLS_B, int PIX>
void corr_rows(const CorrProblem& p, int threads) {
    constexpr int kTile = tile_pixels(COLS_A, PIX);
    const int c = p.c;
    const int64_t in_row = (int64_t)p.in_w * c;
    const int64_t rows = (int64_t)p.batch * p.out_h;
    const AxisTaps* row_taps = p.rows.data();
    const AxisTaps* col_taps = p.cols.data();
    const auto row = [&](int64_t r) {
        const int64_t b = r / p.out_h;
        const AxisTaps rt = row_taps[r % p.out_h];
        const TapWalk t{in_row, c, rt.tap_step * p.w_row, p.w_col};
        const float* in_r = p.in + (b * p.in_h + rt.in_first) * in_row;
        const float* w_r = p.w + rt.tap_first * p.w_row;
        float* out_r = p.out + r * p.out_w * c;
        // Stride 1: the input row after this output row's last one is the next output row's new
        // row: fetched into L2 in slices as the pixels of this row advance, so that it is not read
        // from DRAM in the channel blocks' strided order (measured slower at stride 2, st1a).
        const bool next_in = PIX == 1 && rt.count > 0 && rt.in_first + rt.count < p.in_h;
        const char* pf = next_in ? (const char*)(in_r + rt.count * in_row) : nullptr;
        const int64_t pf_bytes = next_in ? in_row * (int64_t)sizeof(float) : 0;
        int64_t pf_done = 0;
        for (int o = 0; o < p.out_w;) {
            for (const int64_t upto = pf_bytes * (o + 1) / p.out_w; pf_done < upto; pf_done += 64)
                __builtin_prefetch(pf + pf_done, 0, 2);
            const AxisTaps ct = col_taps[o];
            TapWalk tc = t;
            tc.w_col = ct.tap_step * p.w_col;
            const float* in = in_r + (int64_t)ct.in_first * c;
            const float* w = w_r + ct.tap_first * p.w_col;
            float* out = out_r + (int64_t)o * c;
            // A run of `tile` interior pixels from o on (same taps, inputs PIX apart)?
            const auto run_of = [&](int tile) {
                if (ct.count != COLS_A || o + tile > p.out_w) return false;
                const AxisTaps last = col_taps[o + tile - 1];
                return last.count == COLS_A && last.tap_first == ct.tap_first &&
                       last.in_first == ct.in_first + (tile - 1) * PIX;
            };
            if (kTile > 1 && run_of(kTile)) {
                pixels<kTile, PIX, COLS_A>(in, w, tc, rt.count, ct.count, out);
                o += kTile;
                continue;
            }
            if (kTile > 4 && run_of(4)) {  // the rest of the interior of a wide tile's row
                pixels<4, PIX, COLS_A>(in, w, tc, rt.count, ct.count, out);
                o += 4;
                continue;
            }
            if (COLS_A > 0 && ct.count == COLS_A)
                pixels<1, 0, COLS_A>(in, w, tc, rt.count, ct.count, out);
            else if (COLS_B > 0 && ct.count == COLS_B)
                pixels<1, 0, COLS_B>(in, w, tc, rt.count, ct.count, out);
            else
                pixels<1, 0, 0>(in, w, tc, rt.count, ct.count, out);
            ++o;
        }
        if (p.epilogue) apply_folded(out_r, p.out_w, c, *p.epilogue);  // the row is still in L1/L2
    };
    if (p.statistics == nullptr) {
        parallel_for(rows, rows > 1 ? threads : 1, [&](int64_t r) { row(r); });
        return;
    }
    ColumnParts& st = *p.statistics;
    const int64_t parts = st.count(), part_rows = st.part_rows();
    parallel_for(parts, parts > 1 ? threads : 1, [&](int64_t q) {
        ColumnSums sums(c);
        for (int64_t r = q * part_rows; r < std::min(rows, (q + 1) * part_rows); ++r) {
            row(r);
            sums.add(p.out + r * p.out_w * c, p.out_w);  // the row is still in L1/L2
        }
        st.finish(q, sums);
    });
}

// Interior tap counts along the width: k for the forward pass and for dx at stride 1; at stride 2
// a dx pixel gets ceil(k/2) or floor(k/2) taps depending on its parity.
template <CorrPass PASS, int K, int S>
constexpr CorrKernel specialised() {
    if constexpr (PASS == CorrPass::forward)
        return corr_rows<K, 0, S>;
    else if constexpr (S == 1)
        return corr_rows<K, 0, 1>;
    else
        return corr_rows<(K + 1) / 2, K / 2, 0>;
}

template <CorrPass PASS>
constexpr CorrKernel kTableRow[3][2] = {
    {specialised<PASS, 3, 1>(), specialised<PASS, 3, 2>()},
    {specialised<PASS, 5, 1>(), specialised<PASS, 5, 2>()},
    {specialised<PASS, 7, 1>(), specialised<PASS, 7, 2>()},
};

// The dispatch table: [pass][(k - 3) / 2][stride - 1].
constexpr const CorrKernel (*kTable[2])[2] = {kTableRow<CorrPass::forward>, kTableRow<CorrPass::input_grad>};

}  // namespace

CorrKernel select_corr_kernel(CorrPass pass, int k, int stride) {
    const bool listed = (k == 3 || k == 5 || k == 7) && (stride == 1 || stride == 2);
    if (!listed) return corr_rows<0, 0, 0>;
    return kTable[(int)pass][(k - 3) / 2][stride - 1];
}

COMPOFA_ISA_END
}  // namespace compofa::cpu
