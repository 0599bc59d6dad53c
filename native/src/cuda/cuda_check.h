// Private helpers of the CUDA backend: turn CUDA failures into compofa::Error, cast streams,
// size grid-stride launches. Included only by src/cuda/*.cu.
#pragma once
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include "common/error.h"

namespace compofa::cuda {

// Throws COMPOFA_ERR_DEVICE for a failed runtime call. The failure is also cleared from the
// thread's "last error" so that a later launch check does not report it a second time
// (sticky errors, which poison the context, stay and are reported by every later call).
inline void check(cudaError_t status, const char* what) {
    if (status == cudaSuccess) return;
    (void)cudaGetLastError();
    throw Error(COMPOFA_ERR_DEVICE, std::string(what) + " failed: " + cudaGetErrorName(status) + " (" +
                                        cudaGetErrorString(status) + ")");
}

// After every kernel launch: a bad configuration or an earlier asynchronous fault shows here.
inline void check_launch(const char* kernel) { check(cudaGetLastError(), kernel); }

inline cudaStream_t as_stream(void* stream) { return static_cast<cudaStream_t>(stream); }

// Blocks for a grid-stride loop over `total` items; capped, the loop covers the rest.
inline unsigned grid_for(int64_t total, int threads) {
    const int64_t blocks = (total + threads - 1) / threads;
    return static_cast<unsigned>(std::clamp<int64_t>(blocks, 1, int64_t(1) << 20));
}

// Index of this thread and the stride of a 1-D grid-stride loop, in 64 bits.
__device__ inline int64_t grid_index() { return int64_t(blockIdx.x) * blockDim.x + threadIdx.x; }
__device__ inline int64_t grid_stride() { return int64_t(gridDim.x) * blockDim.x; }

}  // namespace compofa::cuda
