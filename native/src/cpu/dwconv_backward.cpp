// Elastic depthwise convolution backward on the CPU.
//   dx[b][i][j][ch] = sum of dy[b][(i+pad-kh)/s][(j+pad-kw)/s][ch] * keff[kh][kw][ch] over the taps
//                     that divide evenly and land inside dy (a gather: threads over dx rows);
//   dkeff[kh][kw][ch] = sum over b, oh, ow of dy[b][oh][ow][ch] * x[b][oh*s-pad+kh][ow*s-pad+kw][ch]
//                     (threads over dy rows, per-thread double accumulators, then summed);
//   then the transform chain's backward takes dkeff to dweight, dt75, dt53.

#include <algorithm>

#include "cpu/cpu_ops.h"
#include "cpu/dwconv_core.h"
#include "cpu/kernel_transform.h"

namespace compofa::cpu {
COMPOFA_ISA_BEGIN  // compiled once per ISA (cpu/isa.h)

namespace {

void input_grad(const DwShape& s, const KernelView& kv, const float* dy, float* dx) {
    CorrProblem p{s.n, s.c, dy, s.ho, s.wo, dx, s.h, s.w, kv.data, kv.row, kv.col, {}, {}};
    p.rows.resize(s.h);
    p.cols.resize(s.w);
    for (int i = 0; i < s.h; ++i) p.rows[i] = backward_taps(i, s.stride, s.pad, s.k, s.ho);
    for (int i = 0; i < s.w; ++i) p.cols[i] = backward_taps(i, s.stride, s.pad, s.k, s.wo);
    select_corr_kernel(CorrPass::input_grad, s.k, s.stride)(p, threads());
}

// dk[l] += sum over `count` outputs of dy[o*c + l] * x[o*x_step + l], l < CB; the CB float
// accumulators (up to 8 AVX2 registers) are added to the thread's double sums once per call.
template <int CB>
inline void tap_block(const float* __restrict dy, const float* __restrict x, int64_t c, int64_t x_step, int count,
                      double* __restrict dk) {
    float acc[CB] = {};
    for (int o = 0; o < count; ++o) {
        const float* __restrict g = dy + o * c;
        const float* __restrict v = x + o * x_step;
#pragma omp simd
        for (int l = 0; l < CB; ++l) acc[l] += g[l] * v[l];
    }
#pragma omp simd
    for (int l = 0; l < CB; ++l) dk[l] += acc[l];
}

// dk[ch] += sum over `count` outputs of dy * x, all c channels.
inline void tap_row(const float* dy, const float* x, int c, int64_t x_step, int count, double* dk) {
    int ch = 0;
    for (; ch + 64 <= c; ch += 64) tap_block<64>(dy + ch, x + ch, c, x_step, count, dk + ch);
    for (; ch + 8 <= c; ch += 8) tap_block<8>(dy + ch, x + ch, c, x_step, count, dk + ch);
    for (; ch < c; ++ch) {
        float acc = 0.0f;
        for (int o = 0; o < count; ++o) acc += dy[(int64_t)o * c + ch] * x[o * x_step + ch];
        dk[ch] += acc;
    }
}

// dkeff[(kh*k + kw)*c + ch], summed over the batch and all outputs.
std::vector<float> kernel_grad(const DwShape& s, const float* x, const float* dy) {
    const int c = s.c, k = s.k, nt = threads();
    const int64_t taps_len = (int64_t)k * k * c;
    const int64_t rows = (int64_t)s.n * s.ho;
    const int64_t x_row = (int64_t)s.w * c;
    std::vector<AxisTaps> row_taps(s.ho);
    for (int o = 0; o < s.ho; ++o) row_taps[o] = forward_taps(o, s.stride, s.pad, k, s.h);
    // Per kw, the outputs whose tap kw lands inside x: ow in [ow_lo, ow_hi).
    std::vector<int> ow_lo(k), ow_hi(k);
    for (int kw = 0; kw < k; ++kw) {
        const int need = s.pad - kw;  // ow*s >= need
        ow_lo[kw] = need <= 0 ? 0 : (need + s.stride - 1) / s.stride;
        const int last = s.w - 1 + s.pad - kw;  // ow*s <= last
        ow_hi[kw] = last < 0 ? 0 : std::min(s.wo, last / s.stride + 1);
    }
    std::vector<double> partial((size_t)nt * taps_len, 0.0);
    parallel_parts(nt, [&](int t) {
        double* mine = partial.data() + (int64_t)t * taps_len;
        const auto [first, last] = static_range(rows, t, nt);
        for (int64_t r = first; r < last; ++r) {
            const int64_t b = r / s.ho;
            const AxisTaps rt = row_taps[r % s.ho];
            const float* dy_r = dy + r * s.wo * c;
            for (int a = 0; a < rt.count; ++a) {
                const int kh = rt.tap_first + a;
                const float* x_r = x + (b * s.h + rt.in_first + a) * x_row;
                for (int kw = 0; kw < k; ++kw) {
                    const int lo = ow_lo[kw], count = ow_hi[kw] - lo;
                    if (count <= 0) continue;
                    const float* xs = x_r + (int64_t)(lo * s.stride - s.pad + kw) * c;
                    tap_row(dy_r + (int64_t)lo * c, xs, c, (int64_t)s.stride * c, count,
                            mine + (int64_t)(kh * k + kw) * c);
                }
            }
        }
    });
    std::vector<float> dkeff(taps_len);
    for (int64_t i = 0; i < taps_len; ++i) {
        double sum = 0.0;
        for (int t = 0; t < nt; ++t) sum += partial[(size_t)t * taps_len + i];
        dkeff[i] = (float)sum;
    }
    return dkeff;
}

}  // namespace

void dwconv_backward(const DwBackward& op, void*) {
    const DwShape& s = op.s;
    if (op.dx != nullptr) {
        std::vector<float> storage;
        input_grad(s, effective_kernel(s, op.weight, op.t75, op.t53, storage), op.dy, op.dx);
    }
    if (op.dweight == nullptr && op.dt75 == nullptr && op.dt53 == nullptr) return;
    const std::vector<float> dkeff = kernel_grad(s, op.x, op.dy);
    effective_kernel_backward(s, op.weight, op.t75, op.t53, dkeff.data(), op.dweight, op.dt75, op.dt53);
}

COMPOFA_ISA_END
}  // namespace compofa::cpu
