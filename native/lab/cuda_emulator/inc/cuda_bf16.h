// Host emulation of the bits of cuda_bf16.h that src/cuda uses: bfloat16 storage and its
// round-to-nearest-even conversion (NaN kept quiet), as the device intrinsics define them.
#pragma once
#include <cstdint>
#include <cstring>

struct __nv_bfloat16 {
    uint16_t bits;
};

inline __nv_bfloat16 __float2bfloat16_rn(float v) {
    uint32_t u;
    std::memcpy(&u, &v, 4);
    if ((u & 0x7fffffffu) > 0x7f800000u) return {uint16_t((u >> 16) | 0x40u)};  // NaN stays NaN
    u += 0x7fffu + ((u >> 16) & 1u);                                             // ties to even
    return {uint16_t(u >> 16)};
}

inline float __bfloat162float(__nv_bfloat16 h) {
    const uint32_t u = uint32_t(h.bits) << 16;
    float v;
    std::memcpy(&v, &u, 4);
    return v;
}
