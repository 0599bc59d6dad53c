// The one depthwise correlation engine of the CPU backend, shared by the forward pass and the
// input gradient, and its dispatch table over the closed elastic set (kernel 3/5/7, stride 1/2).
//
// Both passes are "out[b][o][p][ch] = sum over taps t of in[b][i(t)][j(t)][ch] * w[t][ch]":
//   forward: out = y, in = x,   input index o*s - pad + kh for the taps kh = 0..k-1;
//   dx:      out = dx, in = dy, input index (i + pad - kh)/s for the taps kh with
//            (i + pad - kh) % s == 0, walked from the highest tap down (every s-th tap).
// Either way the input index rises by one per tap, which lets adjacent output pixels share loads.
// The taps that fall inside the input are precomputed per output row and column (AxisTaps), so the
// inner loops never test bounds: border pixels just have fewer taps. Interior pixels, whose tap
// count along the width is a compile-time constant, get a fully unrolled instantiation.
#pragma once
#include "cpu/isa.h"
#include <cstdint>
#include <vector>

#include "common/epilogue.h"
#include "cpu/column_statistics.h"

namespace compofa::cpu {
COMPOFA_ISA_BEGIN

// The taps of one output coordinate along one axis: `count` taps; tap number t reads input index
// in_first + t with kernel tap tap_first + t * tap_step.
struct AxisTaps {
    int32_t in_first, tap_first, count, tap_step;
};

// Forward: output o reads inputs o*s - pad + t for taps t in [0, k) that land in [0, in_size).
AxisTaps forward_taps(int o, int stride, int pad, int k, int in_size);
// Input gradient: input i receives from outputs (i + pad - t)/s for taps t = i + pad (mod s) that
// land in [0, out_size); walked with outputs rising by 1, taps falling by s.
AxisTaps backward_taps(int i, int stride, int pad, int k, int out_size);

struct CorrProblem {
    int batch, c;
    const float* in;                  // [batch][in_h][in_w][c]
    int in_h, in_w;
    float* out;                       // [batch][out_h][out_w][c], overwritten
    int out_h, out_w;
    const float* w;                   // tap (th, tw) of channel ch at w[th*w_row + tw*w_col + ch]
    int64_t w_row, w_col;
    std::vector<AxisTaps> rows;       // [out_h]
    std::vector<AxisTaps> cols;       // [out_w]
    const FoldedEpilogue* epilogue = nullptr;  // applied to each finished output row; null = none
    ColumnParts* statistics = nullptr;         // training: each finished row's column sums; null = none
};

using CorrKernel = void (*)(const CorrProblem&, int threads);

enum class CorrPass { forward = 0, input_grad = 1 };

// The specialised kernel for (pass, k, stride), or the generic runtime one outside the table.
CorrKernel select_corr_kernel(CorrPass pass, int k, int stride);

COMPOFA_ISA_END
}  // namespace compofa::cpu
