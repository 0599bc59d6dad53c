// Strided 3-D slice copies and fill on the CPU, threads over the (i, j) rows when large.
//   gather:      dst[(i*d1 + j)*d2 + l]  = src[i*s0 + j*s1 + l]
//   scatter_add: dst[i*s0 + j*s1 + l]   += alpha * src[(i*d1 + j)*d2 + l]
// Slices never overlap themselves (checked by the ABI layer), so rows are independent.
#include <algorithm>

#include "cpu/cpu_ops.h"

namespace compofa::cpu {

namespace {

// Below this many floats a parallel region costs more than it saves.
constexpr int64_t kParallelFloats = int64_t(1) << 15;

}  // namespace

void gather(const Gather& op, void*) {
    const Slice sl = op.sl;
    const int64_t rows = (int64_t)sl.d0 * sl.d1;
    const int nt = threads();
    parallel_for(rows, rows > 1 && rows * sl.d2 >= kParallelFloats ? nt : 1, [&](int64_t r) {
        const int64_t i = r / sl.d1, j = r % sl.d1;
        std::copy_n(op.src + i * sl.s0 + j * sl.s1, sl.d2, op.dst + r * sl.d2);
    });
}

void scatter_add(const ScatterAdd& op, void*) {
    const Slice sl = op.sl;
    const int64_t rows = (int64_t)sl.d0 * sl.d1;
    const float alpha = op.alpha;
    const int nt = threads();
    parallel_for(rows, rows > 1 && rows * sl.d2 >= kParallelFloats ? nt : 1, [&](int64_t r) {
        const int64_t i = r / sl.d1, j = r % sl.d1;
        float* __restrict d = op.dst + i * sl.s0 + j * sl.s1;
        const float* __restrict s = op.src + r * sl.d2;
        for (int l = 0; l < sl.d2; ++l) d[l] += alpha * s[l];
    });
}

void fill(float* dst, int64_t len, float value, void*) {
    const int nt = threads();
    constexpr int64_t chunk = int64_t(1) << 14;
    const int64_t chunks = (len + chunk - 1) / chunk;
    parallel_for(chunks, len >= kParallelFloats ? nt : 1, [&](int64_t q) {
        const int64_t begin = q * chunk;
        std::fill_n(dst + begin, std::min(chunk, len - begin), value);
    });
}

}  // namespace compofa::cpu
