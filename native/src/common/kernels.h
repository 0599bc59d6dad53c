// Backend-neutral op descriptions and the kernel table every backend fills in.
// The ABI layer (src/api) checks every argument first, so a backend may assume a valid problem:
// sizes in range, pointers non-null where the op uses them, lengths large enough.
// Backends report a failure they cannot avoid (device error, allocation) by throwing compofa::Error.
#pragma once
#include <cstdint>

#include "compofa.h"

namespace compofa {

// Elastic depthwise convolution problem; see compofa.h for layouts.
struct DwShape {
    int32_t n, h, w;       // batch, input height, input width
    int32_t c, c_max;      // active channels, channels of the supernet weight
    int32_t k, k_max;      // active kernel, stored kernel
    int32_t stride;        // 1 or 2
    int32_t transform;     // COMPOFA_TRANSFORM_NONE / _OFA
    int32_t ho, wo, pad;   // derived: (h-1)/stride+1, (w-1)/stride+1, k/2

    // Offset (in floats) of the centre k x k crop inside weight[k_max][k_max][c_max].
    int64_t crop_offset() const {
        int64_t m = (k_max - k) / 2;
        return (m * k_max + m) * c_max;
    }
    bool uses_t75() const { return transform != 0 && k_max == 7 && k <= 5; }
    bool uses_t53() const { return transform != 0 && k == 3 && k_max >= 5; }
    int64_t x_len() const { return int64_t(n) * h * w * c; }
    int64_t y_len() const { return int64_t(n) * ho * wo * c; }
    int64_t weight_len() const { return int64_t(k_max) * k_max * c_max; }
};

struct DwForward {
    DwShape s;
    const float* x;
    const float* weight;   // supernet weight base (not offset)
    const float* t75;      // 625 floats or null when unused
    const float* t53;      // 81 floats or null when unused
    float* y;
    // Training (compofa_dwconv_stats_forward): the mean and biased variance of y's channels, gathered
    // while y is written. Both null = none.
    float* batch_mean = nullptr;
    float* batch_var = nullptr;
};

struct DwBackward {
    DwShape s;
    const float* x;
    const float* weight;
    const float* t75;
    const float* t53;
    const float* dy;
    float* dx;        // overwritten; null = skip
    float* dweight;   // += into the subnet slice of the supernet-shaped gradient; null = skip
    float* dt75;      // += ; null = skip (also null when unused by the chain)
    float* dt53;      // += ; null = skip
};

// Row-major C = alpha * op(A) * op(B) + beta * C; beta == 0 overwrites C.
struct Gemm {
    bool trans_a, trans_b;
    int32_t m, n, k;
    float alpha;
    const float* a; int32_t lda;
    const float* b; int32_t ldb;
    float beta;
    float* c; int32_t ldc;
    int32_t precision = COMPOFA_PRECISION_FP32;  // the context's setting; host backends always compute fp32
};

// 3-D strided slice; strided side at (base + i*s0 + j*s1 + l), contiguous side at ((i*d1+j)*d2+l).
struct Slice {
    int32_t d0, d1, d2;
    int64_t s0, s1;
};

struct Gather { Slice sl; const float* src; float* dst; };          // src already offset
struct ScatterAdd { Slice sl; const float* src; float alpha; float* dst; };  // dst already offset

// `stream` is the backend's native stream (cudaStream_t for CUDA, unused on the host).
struct KernelTable {
    void (*dwconv_forward)(const DwForward&, void* stream);
    void (*dwconv_backward)(const DwBackward&, void* stream);
    void (*gemm)(const Gemm&, void* stream);
    void (*gather)(const Gather&, void* stream);
    void (*scatter_add)(const ScatterAdd&, void* stream);
    void (*fill)(float* dst, int64_t len, float value, void* stream);
};

const KernelTable& reference_kernels();  // src/ref
const KernelTable& cpu_kernels();        // src/cpu
const KernelTable& cuda_kernels();       // src/cuda (a build without CUDA never asks for it)

// CPU backend thread count for the calling op (0 = one per CPU); set by the ABI layer per call.
void cpu_set_threads_for_call(int32_t threads);

}  // namespace compofa
