// Bilinear resize of (n, h, w, c) to (n, ho, wo, c) on the CPU, PyTorch align_corners=False without
// antialiasing: per axis src = (dst + 0.5) * in/out - 0.5 clamped at 0, i0 = floor(src),
// i1 = min(i0 + 1, in - 1), lambda = src - i0 (tables computed once per axis, in double). threads over
// output rows (b, oh); the inner loop blends four input pixels over the c contiguous channels.
#include <cmath>
#include <vector>

#include "cpu/nn_cpu_ops.h"

namespace compofa::cpu {

namespace {

struct AxisTable {
    std::vector<int> i0, i1;
    std::vector<float> lambda;
};

AxisTable axis_table(int in, int out) {
    AxisTable t{std::vector<int>(out), std::vector<int>(out), std::vector<float>(out)};
    for (int o = 0; o < out; ++o) {
        const double src = std::max(0.0, (o + 0.5) * double(in) / double(out) - 0.5);
        const int i0 = int(src);  // src < in - 0.5, so i0 <= in - 1
        t.i0[o] = i0;
        t.i1[o] = std::min(i0 + 1, in - 1);
        t.lambda[o] = float(src - i0);
    }
    return t;
}

}  // namespace

void resize_bilinear(const Resize& op, void*) {
    const AxisTable ty = axis_table(op.h, op.ho), tx = axis_table(op.w, op.wo);
    const int c = op.c;
    const int64_t rows = int64_t(op.n) * op.ho;
    const int nt = threads_for(rows * op.wo * c * 4, rows);
    parallel_for(rows, nt, [&](int64_t r) {
        const int b = int(r / op.ho), oh = int(r % op.ho);
        const float ly = ty.lambda[oh];
        const float* top = op.x + (int64_t(b) * op.h + ty.i0[oh]) * op.w * c;
        const float* bottom = op.x + (int64_t(b) * op.h + ty.i1[oh]) * op.w * c;
        float* out = op.y + r * op.wo * c;
        for (int ow = 0; ow < op.wo; ++ow) {
            const float lx = tx.lambda[ow];
            const float* t0 = top + int64_t(tx.i0[ow]) * c;
            const float* t1 = top + int64_t(tx.i1[ow]) * c;
            const float* b0 = bottom + int64_t(tx.i0[ow]) * c;
            const float* b1 = bottom + int64_t(tx.i1[ow]) * c;
            float* __restrict o = out + int64_t(ow) * c;
#pragma omp simd
            for (int ch = 0; ch < c; ++ch) {
                const float upper = (1.0f - lx) * t0[ch] + lx * t1[ch];
                const float lower = (1.0f - lx) * b0[ch] + lx * b1[ch];
                o[ch] = (1.0f - ly) * upper + ly * lower;
            }
        }
    });
}

}  // namespace compofa::cpu
