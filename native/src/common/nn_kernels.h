// The network ops' kernel table (besides the elastic depthwise/slice ops of kernels.h). Same rules:
// the ABI layer (src/api/abi_nn_ops.cpp) has checked every argument; kernels may assume a valid
// problem and throw compofa::Error only for failures they cannot avoid. `stream` is the backend's
// native stream. Row-major (rows, c) views of NHWC tensors throughout.
#pragma once
#include <cstdint>

#include "common/epilogue.h"
#include "common/kernels.h"

namespace compofa {

struct ConvShape {
    int32_t n, h, w, c;
    int32_t k, stride, pad;
    int32_t ho, wo;  // derived: (h + 2*pad - k) / stride + 1
    int64_t col_rows() const { return int64_t(n) * ho * wo; }
    int64_t col_cols() const { return int64_t(k) * k * c; }
};

struct BnTrain {
    int64_t rows; int32_t c;
    const float* x; const float* gamma; const float* beta;
    float* running_mean; float* running_var;  // both null = no update
    float momentum, eps;
    float* y; float* batch_mean; float* batch_var;
    int32_t act = COMPOFA_ACT_IDENTITY;  // y = act(bn(x)) (compofa_batchnorm_act_forward_train)
    bool stats_given = false;  // batch_mean/batch_var already hold x's statistics: only normalise
};
struct BnEval {
    int64_t rows; int32_t c;
    const float* x; const float* gamma; const float* beta; const float* running_mean; const float* running_var;
    float eps; float* y;
};
struct BnBackward {
    int64_t rows; int32_t c;
    const float* x; const float* dy; const float* gamma; const float* batch_mean; const float* batch_var;
    float eps;
    float* dx; float* dgamma; float* dbeta;  // dx overwritten; dgamma/dbeta +=; each may be null
    int32_t act = COMPOFA_ACT_IDENTITY;  // dy is the gradient of act(bn(x)); then beta is needed
    const float* beta = nullptr;
};
struct CrossEntropy {
    int32_t n, classes;
    const float* logits; const int32_t* labels; float smoothing; float grad_scale;
    float* loss; float* dlogits;  // dlogits may be null
};
struct SoftCrossEntropy {
    int32_t n, classes;
    const float* student; const float* teacher; float grad_scale;
    float* loss; float* dstudent;  // dstudent may be null
};
struct Resize {
    int32_t n, h, w, c, ho, wo;
    const float* x; float* y;
};
struct SgdStep {
    int64_t len; float* param; const float* grad; float* momentum_buf;
    float lr, momentum, weight_decay; bool nesterov;
};

// A 1x1 convolution y[r][j] = epilogue(sum_i x[r][i] * w[j*ldw + i]) over the supernet weight
// W[:cout, :cin] read in place (inference), or without epilogue and with y's column statistics (training).
struct FusedConv1x1 {
    int32_t rows, cin, cout;
    const float* x;          // [rows][cin]
    const float* w; int32_t ldw;
    float* y;                // [rows][cout], overwritten
    Epilogue e;
    int32_t precision = COMPOFA_PRECISION_FP32;  // the context's GEMM precision (CUDA only)
    // Training (compofa_conv1x1_stats_forward; e is then the identity): the mean and biased variance
    // of y's columns, gathered while y is written. Both null = inference.
    float* batch_mean = nullptr;
    float* batch_var = nullptr;
};

// Squeeze-and-excitation in one op (compofa_se_forward / compofa_se_backward) over x (n, hw, c):
// W1 = reduce[:se, :c] at w1[i*ld1 + j] and W2 = expand[:c, :se] at w2[j*ld2 + i], read in place.
// `saved` holds n*(2c + se) floats: pooled [n][c], hidden [n][se] (after the relu), gate [n][c].
struct SeWeights {
    const float* w1; int32_t ld1; const float* b1;
    const float* w2; int32_t ld2; const float* b2;
};
struct SeForward {
    int32_t n, hw, c, se;
    const float* x; SeWeights w;
    float* y;       // [n][hw][c], overwritten
    float* saved;   // written for the backward; null = inference
};
struct SeBackward {
    int32_t n, hw, c, se;
    const float* x; SeWeights w; const float* saved; const float* dy;
    float* dx;                            // overwritten
    float* dw1; float* db1; float* dw2; float* db2;  // += (dw1/dw2 laid out as w1/w2)
};
inline int64_t se_saved_len(int32_t n, int32_t c, int32_t se) { return int64_t(n) * (2 * int64_t(c) + se); }
// The saved buffer's three parts, [n][c], [n][se], [n][c] one after the other (constexpr, so the CUDA
// kernels use the same layout; nvcc runs with --expt-relaxed-constexpr).
struct SeSaved {
    float* base; int64_t n, c, se;
    constexpr float* pooled() const { return base; }
    constexpr float* hidden() const { return base + n * c; }
    constexpr float* gate() const { return base + n * c + n * se; }
};

struct NnKernelTable {
    void (*im2col)(const ConvShape&, const float* x, float* col, void* stream);
    void (*col2im_add)(const ConvShape&, const float* dcol, float* dx, void* stream);
    void (*bn_train)(const BnTrain&, void* stream);
    void (*bn_eval)(const BnEval&, void* stream);
    void (*bn_backward)(const BnBackward&, void* stream);
    void (*act_forward)(int32_t kind, const float* x, float* y, int64_t len, void* stream);
    void (*act_backward)(int32_t kind, const float* x, const float* dy, float* dx, int64_t len, void* stream);
    void (*bias_add)(int64_t rows, int32_t c, float* y, const float* bias, void* stream);
    void (*bias_backward)(int64_t rows, int32_t c, const float* dy, float* dbias, void* stream);
    void (*gap_forward)(int32_t n, int32_t hw, int32_t c, const float* x, float* y, void* stream);
    void (*gap_backward)(int32_t n, int32_t hw, int32_t c, const float* dy, float* dx, void* stream);
    void (*scale_forward)(int32_t n, int32_t hw, int32_t c, const float* x, const float* s, float* y, void* stream);
    // dx and ds overwritten, each may be null
    void (*scale_backward)(int32_t n, int32_t hw, int32_t c, const float* x, const float* s, const float* dy,
                           float* dx, float* ds, void* stream);
    void (*axpby)(int64_t len, float alpha, const float* x, float beta, float* y, void* stream);
    void (*dropout_forward)(int64_t len, float p, uint64_t seed, const float* x, float* y, void* stream);
    void (*dropout_backward)(int64_t len, float p, uint64_t seed, const float* dy, float* dx, void* stream);
    void (*cross_entropy)(const CrossEntropy&, void* stream);
    void (*soft_cross_entropy)(const SoftCrossEntropy&, void* stream);
    void (*resize_bilinear)(const Resize&, void* stream);
    void (*sgd_step)(const SgdStep&, void* stream);
    // fused inference ops (compofa_conv1x1_fused_forward, compofa_dwconv_fused_forward)
    void (*conv1x1_fused)(const FusedConv1x1&, void* stream);
    void (*dwconv_fused)(const DwForward&, const Epilogue&, void* stream);
    // squeeze-and-excitation in one op
    void (*se_forward)(const SeForward&, void* stream);
    void (*se_backward)(const SeBackward&, void* stream);
};

const NnKernelTable& reference_nn_kernels();  // src/ref
const NnKernelTable& cpu_nn_kernels();        // src/cpu
const NnKernelTable& cuda_nn_kernels();       // src/cuda (a build without CUDA gets api/cuda_absent.cpp's)

// The dropout mask, shared by every backend (host and device code): SplitMix64 of seed + index;
// kept iff its top 24 bits / 2^24 >= p. Defined inline so the CUDA kernels use the same bits.
#if defined(__CUDACC__)
#define COMPOFA_HD __host__ __device__
#else
#define COMPOFA_HD
#endif
COMPOFA_HD inline bool dropout_keep(uint64_t seed, uint64_t index, float p) {
    uint64_t z = seed + index * 0x9E3779B97F4A7C15ull + 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z = z ^ (z >> 31);
    return float(z >> 40) * (1.0f / 16777216.0f) >= p;
}
#undef COMPOFA_HD

}  // namespace compofa
