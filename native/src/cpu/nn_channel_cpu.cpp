// Per-channel network ops on the CPU (NHWC seen as (rows, c) or (n, hw, c)):
//   bias:   y[r][j] += bias[j] (threads over rows);  dbias[j] += sum_r dy[r][j] (per-thread column sums)
//   pool:   y[b][j] = sum_p x[b][p][j] / hw;         dx[b][p][j] = dy[b][j] / hw
//   scale:  y[b][p][j] = x[b][p][j] s[b][j];         dx = dy s, ds[b][j] = sum_p dy x
// The reductions over p run as tasks of (sample, block of kBlock channels), each summing its hw
// rows in double, so a batch of one still spreads over the threads. In scale_backward each dy is
// read before the dx at the same index is written, so dx may equal dy.
#include <algorithm>

#include "cpu/nn_cpu_ops.h"

namespace compofa::cpu {
COMPOFA_ISA_BEGIN  // compiled once per ISA (cpu/isa.h)

namespace {

constexpr int kBlock = 64;

// body(b, j0, j1) for every sample b and channel block [j0, j1), threads over the tasks.
template <class Body>
void for_channel_blocks(int32_t n, int32_t hw, int32_t c, Body&& body) {
    const int blocks = (c + kBlock - 1) / kBlock;
    const int64_t tasks = int64_t(n) * blocks;
    const int nt = threads_for(int64_t(n) * hw * c, tasks);
    parallel_for(tasks, nt, [&](int64_t t) {
        const int b = int(t / blocks), j0 = int(t % blocks) * kBlock;
        body(b, j0, std::min(c, j0 + kBlock));
    });
}

}  // namespace

void bias_add(int64_t rows, int32_t c, float* y, const float* bias, void*) {
    const int nt = threads_for(rows * c, rows);
    parallel_for(rows, nt, [&](int64_t r) {
        float* __restrict yr = y + r * c;
#pragma omp simd
        for (int j = 0; j < c; ++j) yr[j] += bias[j];
    });
}

void bias_backward(int64_t rows, int32_t c, const float* dy, float* dbias, void*) {
    const std::vector<double> sums = column_sums(rows, c, rows * c, [&](int64_t r, double* __restrict acc) {
        const float* g = dy + r * c;
#pragma omp simd
        for (int j = 0; j < c; ++j) acc[j] += g[j];
    });
    for (int j = 0; j < c; ++j) dbias[j] = float(dbias[j] + sums[std::size_t(j)]);
}

void gap_forward(int32_t n, int32_t hw, int32_t c, const float* x, float* y, void*) {
    for_channel_blocks(n, hw, c, [&](int b, int j0, int j1) {
        double acc[kBlock] = {};
        const int width = j1 - j0;
        const float* xb = x + int64_t(b) * hw * c + j0;
        for (int p = 0; p < hw; ++p) {
            const float* xr = xb + int64_t(p) * c;
#pragma omp simd
            for (int j = 0; j < width; ++j) acc[j] += xr[j];
        }
        for (int j = 0; j < width; ++j) y[int64_t(b) * c + j0 + j] = float(acc[j] / hw);
    });
}

void gap_backward(int32_t n, int32_t hw, int32_t c, const float* dy, float* dx, void*) {
    const int64_t rows = int64_t(n) * hw;
    const float inv_hw = 1.0f / float(hw);
    const int nt = threads_for(rows * c, rows);
    parallel_for(rows, nt, [&](int64_t r) {
        const float* g = dy + (r / hw) * c;
        float* __restrict d = dx + r * c;
#pragma omp simd
        for (int j = 0; j < c; ++j) d[j] = g[j] * inv_hw;
    });
}

void scale_forward(int32_t n, int32_t hw, int32_t c, const float* x, const float* s, float* y, void*) {
    const int64_t rows = int64_t(n) * hw;
    const int nt = threads_for(rows * c, rows);
    parallel_for(rows, nt, [&](int64_t r) {
        const float* sr = s + (r / hw) * c;
        const float* xr = x + r * c;
        float* yr = y + r * c;
#pragma omp simd
        for (int j = 0; j < c; ++j) yr[j] = xr[j] * sr[j];
    });
}

void scale_backward(int32_t n, int32_t hw, int32_t c, const float* x, const float* s, const float* dy, float* dx,
                    float* ds, void*) {
    for_channel_blocks(n, hw, c, [&](int b, int j0, int j1) {
        double acc[kBlock] = {};
        const int width = j1 - j0;
        const int64_t base = int64_t(b) * hw * c + j0;
        const float* sb = s + int64_t(b) * c + j0;
        for (int p = 0; p < hw; ++p) {
            const int64_t o = base + int64_t(p) * c;
            if (ds != nullptr) {
#pragma omp simd
                for (int j = 0; j < width; ++j) acc[j] += double(dy[o + j]) * double(x[o + j]);
            }
            if (dx != nullptr) {
#pragma omp simd
                for (int j = 0; j < width; ++j) dx[o + j] = dy[o + j] * sb[j];
            }
        }
        if (ds != nullptr)
            for (int j = 0; j < width; ++j) ds[int64_t(b) * c + j0 + j] = float(acc[j]);
    });
}

COMPOFA_ISA_END
}  // namespace compofa::cpu
