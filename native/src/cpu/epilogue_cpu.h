// The folded epilogue on the CPU: y = act(y * scale[j] + shift[j]) over rows of c channels, applied
// by the fused ops to a block of output that their kernel has just written (still in cache).
#pragma once
#include "cpu/isa.h"
#include <algorithm>
#include <cstdint>

#include "common/epilogue.h"

namespace compofa::cpu {
COMPOFA_ISA_BEGIN

template <int ACT>
inline void folded_rows(float* __restrict y, int64_t rows, int c, const float* __restrict scale,
                        const float* __restrict shift) {
    for (int64_t r = 0; r < rows; ++r) {
        float* __restrict yr = y + r * c;
#pragma omp simd
        for (int j = 0; j < c; ++j) {
            const float v = yr[j] * scale[j] + shift[j];
            if constexpr (ACT == COMPOFA_ACT_RELU)
                yr[j] = std::max(v, 0.0f);
            else if constexpr (ACT == COMPOFA_ACT_HSWISH)
                yr[j] = v * std::min(std::max(v + 3.0f, 0.0f), 6.0f) * (1.0f / 6.0f);
            else if constexpr (ACT == COMPOFA_ACT_HSIGMOID)
                yr[j] = std::min(std::max(v + 3.0f, 0.0f), 6.0f) * (1.0f / 6.0f);
            else
                yr[j] = v;
        }
    }
}

// Applies f to rows x c floats at y (contiguous rows), on the calling thread.
inline void apply_folded(float* y, int64_t rows, int c, const FoldedEpilogue& f) {
    const float* s = f.scale.data();
    const float* b = f.shift.data();
    switch (f.act) {
        case COMPOFA_ACT_RELU: return folded_rows<COMPOFA_ACT_RELU>(y, rows, c, s, b);
        case COMPOFA_ACT_HSWISH: return folded_rows<COMPOFA_ACT_HSWISH>(y, rows, c, s, b);
        case COMPOFA_ACT_HSIGMOID: return folded_rows<COMPOFA_ACT_HSIGMOID>(y, rows, c, s, b);
        default: return folded_rows<COMPOFA_ACT_IDENTITY>(y, rows, c, s, b);
    }
}

COMPOFA_ISA_END
}  // namespace compofa::cpu
