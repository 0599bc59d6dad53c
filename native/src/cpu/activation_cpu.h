// The activations and their derivatives at the forward input, templated on the kind so the
// element loops vectorise (element-wise ops and the fused batch norm + activation).
#pragma once
#include "cpu/isa.h"
#include <algorithm>
#include <type_traits>

#include "compofa.h"

namespace compofa::cpu {
COMPOFA_ISA_BEGIN

inline float relu6(float v) { return std::min(std::max(v, 0.0f), 6.0f); }

template <int Kind>
inline float activate(float x) {
    if constexpr (Kind == COMPOFA_ACT_RELU) return x > 0.0f ? x : 0.0f;
    else if constexpr (Kind == COMPOFA_ACT_HSWISH) return x * relu6(x + 3.0f) / 6.0f;
    else if constexpr (Kind == COMPOFA_ACT_HSIGMOID) return relu6(x + 3.0f) / 6.0f;
    else return x;
}

template <int Kind>
inline float derivative(float x) {
    if constexpr (Kind == COMPOFA_ACT_RELU) return x > 0.0f ? 1.0f : 0.0f;
    else if constexpr (Kind == COMPOFA_ACT_HSWISH) return x <= -3.0f ? 0.0f : x >= 3.0f ? 1.0f : (2.0f * x + 3.0f) / 6.0f;
    else if constexpr (Kind == COMPOFA_ACT_HSIGMOID) return x > -3.0f && x < 3.0f ? 1.0f / 6.0f : 0.0f;
    else return 1.0f;
}

// Calls f(std::integral_constant<int, Kind>{}) for a runtime activation kind.
template <class F>
void with_activation(int32_t kind, F&& f) {
    switch (kind) {
        case COMPOFA_ACT_RELU: return f(std::integral_constant<int, COMPOFA_ACT_RELU>{});
        case COMPOFA_ACT_HSWISH: return f(std::integral_constant<int, COMPOFA_ACT_HSWISH>{});
        case COMPOFA_ACT_HSIGMOID: return f(std::integral_constant<int, COMPOFA_ACT_HSIGMOID>{});
        default: return f(std::integral_constant<int, COMPOFA_ACT_IDENTITY>{});
    }
}

COMPOFA_ISA_END
}  // namespace compofa::cpu
