// The CPU backend's network ops (the thread pool over rows, vectorisable loops over channels) and the two
// loop shapes they share: element-wise chunks and per-thread column sums.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/nn_kernels.h"
#include "compofa.h"
#include "cpu/cpu_ops.h"

namespace compofa::cpu {
COMPOFA_ISA_BEGIN  // the ops of the files compiled once per ISA (cpu/isa.h), and the loop shapes

// nn_fused_cpu.cpp
void conv1x1_fused(const FusedConv1x1& op, void* stream);
void dwconv_fused(const DwForward& op, const Epilogue& e, void* stream);

// nn_se_cpu.cpp
void se_forward(const SeForward& op, void* stream);
void se_backward(const SeBackward& op, void* stream);

// nn_batchnorm_cpu.cpp
void bn_train(const BnTrain& op, void* stream);
void bn_eval(const BnEval& op, void* stream);
void bn_backward(const BnBackward& op, void* stream);

// nn_elementwise_cpu.cpp
void act_forward(int32_t kind, const float* x, float* y, int64_t len, void* stream);
void act_backward(int32_t kind, const float* x, const float* dy, float* dx, int64_t len, void* stream);
void axpby(int64_t len, float alpha, const float* x, float beta, float* y, void* stream);
void dropout_forward(int64_t len, float p, uint64_t seed, const float* x, float* y, void* stream);
void dropout_backward(int64_t len, float p, uint64_t seed, const float* dy, float* dx, void* stream);
void sgd_step(const SgdStep& op, void* stream);

// nn_channel_cpu.cpp
void bias_add(int64_t rows, int32_t c, float* y, const float* bias, void* stream);
void bias_backward(int64_t rows, int32_t c, const float* dy, float* dbias, void* stream);
void gap_forward(int32_t n, int32_t hw, int32_t c, const float* x, float* y, void* stream);
void gap_backward(int32_t n, int32_t hw, int32_t c, const float* dy, float* dx, void* stream);
void scale_forward(int32_t n, int32_t hw, int32_t c, const float* x, const float* s, float* y, void* stream);
void scale_backward(int32_t n, int32_t hw, int32_t c, const float* x, const float* s, const float* dy, float* dx,
                    float* ds, void* stream);

// Below this many floats of work a parallel region costs more than it saves.
constexpr int64_t kNnParallelFloats = int64_t(1) << 15;

// Threads worth using for `work` floats: 1 below kNnParallelFloats, at most one per `units`.
inline int threads_for(int64_t work, int64_t units) {
    if (work < kNnParallelFloats) return 1;
    return int(std::max<int64_t>(1, std::min<int64_t>(threads(), units)));
}

// body(begin, end) over chunks of [0, len), spread over the call's threads when len is large.
template <class Body>
void for_chunks(int64_t len, Body&& body) {
    constexpr int64_t chunk = int64_t(1) << 14;
    const int64_t chunks = (len + chunk - 1) / chunk;
    const int nt = threads_for(len, chunks);
    parallel_for(chunks, nt, [&](int64_t q) { body(q * chunk, std::min(len, (q + 1) * chunk)); });
}

// Column sums over rows: body(r, acc) adds row r's contribution to acc[0 .. cols). Each thread
// owns one zeroed double row of accumulators over a contiguous block of rows; the rows are summed
// at the end in thread order, so the result depends only on the thread count. `work` = floats read.
template <class Body>
std::vector<double> column_sums(int64_t rows, int64_t cols, int64_t work, Body&& body) {
    constexpr int64_t kMaxPartial = int64_t(1) << 22;  // doubles of accumulators (32 MiB) at most
    const int nt = int(std::min<int64_t>(threads_for(work, rows), std::max<int64_t>(1, kMaxPartial / cols)));
    std::vector<double> partial(std::size_t(nt) * std::size_t(cols), 0.0);
    parallel_parts(nt, [&](int t) {  // every part runs, so the sum order is fixed by nt
        double* acc = partial.data() + std::size_t(t) * std::size_t(cols);
        const int64_t begin = rows * t / nt, end = rows * (t + 1) / nt;
        for (int64_t r = begin; r < end; ++r) body(r, acc);
    });
    for (int t = 1; t < nt; ++t) {
        const double* p = partial.data() + std::size_t(t) * std::size_t(cols);
        for (int64_t j = 0; j < cols; ++j) partial[std::size_t(j)] += p[j];
    }
    partial.resize(std::size_t(cols));
    return partial;
}

COMPOFA_ISA_END

// Compiled once, with the baseline ISA.
// nn_conv_cpu.cpp
void im2col(const ConvShape& s, const float* x, float* col, void* stream);
void col2im_add(const ConvShape& s, const float* dcol, float* dx, void* stream);

// nn_loss_cpu.cpp
void cross_entropy(const CrossEntropy& op, void* stream);
void soft_cross_entropy(const SoftCrossEntropy& op, void* stream);

// nn_resize_cpu.cpp
void resize_bilinear(const Resize& op, void* stream);

}  // namespace compofa::cpu
