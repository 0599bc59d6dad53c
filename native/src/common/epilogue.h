// The per-output-channel epilogue of the fused inference ops (compofa_epilogue in compofa.h):
//   y = act(bn_eval(acc + bias[j])), bn_eval(v) = gamma[j] (v - mean[j]) / sqrt(var[j] + eps) + beta[j],
// each part optional. Inline and host/device so every backend applies the same formula; the
// reference backend applies it per element as written, the CPU backend folds it into one
// multiply-add per element (fold_epilogue), the CUDA kernels apply it in their store.
#pragma once
#include <cmath>
#include <cstdint>
#include <vector>

#include "compofa.h"

#if defined(__CUDACC__)
#define COMPOFA_EPI_HD __host__ __device__
#else
#define COMPOFA_EPI_HD
#endif

namespace compofa {

struct Epilogue {
    const float* bias = nullptr;   // [c] or null
    const float* gamma = nullptr;  // null = no batch norm (then beta, mean, var are unused)
    const float* beta = nullptr;
    const float* mean = nullptr;
    const float* var = nullptr;
    float eps = 1e-5f;
    int32_t act = COMPOFA_ACT_IDENTITY;
};

COMPOFA_EPI_HD inline float apply_activation(int32_t kind, float v) {
    const float r6 = fminf(fmaxf(v + 3.0f, 0.0f), 6.0f);
    switch (kind) {
        case COMPOFA_ACT_RELU: return fmaxf(v, 0.0f);
        case COMPOFA_ACT_HSWISH: return v * r6 / 6.0f;
        case COMPOFA_ACT_HSIGMOID: return r6 / 6.0f;
        default: return v;
    }
}

// The activation's derivative at its input v (compofa.h gives the kinks' values).
COMPOFA_EPI_HD inline float activation_derivative(int32_t kind, float v) {
    switch (kind) {
        case COMPOFA_ACT_RELU: return v > 0.0f ? 1.0f : 0.0f;
        case COMPOFA_ACT_HSWISH: return v <= -3.0f ? 0.0f : v >= 3.0f ? 1.0f : (2.0f * v + 3.0f) / 6.0f;
        case COMPOFA_ACT_HSIGMOID: return v > -3.0f && v < 3.0f ? 1.0f / 6.0f : 0.0f;
        default: return 1.0f;
    }
}

// The epilogue of output channel j applied to one accumulated value, as the formula reads.
COMPOFA_EPI_HD inline float apply_epilogue(const Epilogue& e, int32_t j, float v) {
    if (e.bias) v += e.bias[j];
    if (e.gamma) v = e.gamma[j] * (v - e.mean[j]) / sqrtf(e.var[j] + e.eps) + e.beta[j];
    return apply_activation(e.act, v);
}

// The affine part folded per channel: act(acc * scale[j] + shift[j]) (host side only).
struct FoldedEpilogue {
    std::vector<float> scale, shift;
    int32_t act = COMPOFA_ACT_IDENTITY;
};

inline FoldedEpilogue fold_epilogue(const Epilogue& e, int32_t c) {
    FoldedEpilogue f{std::vector<float>(c, 1.0f), std::vector<float>(c, 0.0f), e.act};
    for (int32_t j = 0; j < c; ++j) {
        const float b = e.bias ? e.bias[j] : 0.0f;
        if (e.gamma) {
            const float s = e.gamma[j] / std::sqrt(e.var[j] + e.eps);
            f.scale[j] = s;
            f.shift[j] = (b - e.mean[j]) * s + e.beta[j];
        } else {
            f.shift[j] = b;
        }
    }
    return f;
}

}  // namespace compofa

#undef COMPOFA_EPI_HD
