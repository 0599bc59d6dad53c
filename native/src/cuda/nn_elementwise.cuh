// Flat element-wise kernels: one grid-stride loop over `len` elements, through float4 when every
// pointer the op touches is 16-byte aligned (then the len % 4 tail runs scalar). An op provides
// apply1(i) for element i and apply4(i) for elements 4i .. 4i+3; each element is read and written
// by one thread, so outputs may alias inputs (in-place activations, dropout, axpby).
#pragma once
#include <cuda_runtime.h>

#include <cstdint>
#include <initializer_list>

#include "cuda/cuda_check.h"

namespace compofa::cuda {

constexpr int kElementwiseThreads = 256;

inline bool aligned16_all(std::initializer_list<const void*> ptrs) {
    for (const void* p : ptrs)
        if (p != nullptr && reinterpret_cast<uintptr_t>(p) % 16 != 0) return false;
    return true;
}

__device__ inline float4 load4(const float* p, int64_t i4) { return reinterpret_cast<const float4*>(p)[i4]; }
__device__ inline void store4(float* p, int64_t i4, float4 v) { reinterpret_cast<float4*>(p)[i4] = v; }

template <bool Vec, class Op>
__global__ void __launch_bounds__(kElementwiseThreads) elementwise_kernel(Op op, int64_t len) {
    int64_t done = 0;
    if constexpr (Vec) {
        const int64_t n4 = len / 4;
        for (int64_t i = grid_index(); i < n4; i += grid_stride()) op.apply4(i);
        done = n4 * 4;
    }
    for (int64_t i = done + grid_index(); i < len; i += grid_stride()) op.apply1(i);
}

template <class Op>
void elementwise(const Op& op, int64_t len, bool vec, cudaStream_t stream, const char* name) {
    if (len <= 0) return;
    if (vec) {
        elementwise_kernel<true, Op><<<grid_for((len + 3) / 4, kElementwiseThreads), kElementwiseThreads, 0, stream>>>(op, len);
    } else {
        elementwise_kernel<false, Op><<<grid_for(len, kElementwiseThreads), kElementwiseThreads, 0, stream>>>(op, len);
    }
    check_launch(name);
}

}  // namespace compofa::cuda
