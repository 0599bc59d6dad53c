// Slice gather / scatter-add and fill: one element per thread, grid-stride, 64-bit indices. The
// contiguous side is indexed by the flat thread index e = (i*d1 + j)*d2 + l, so runs of d2 are
// coalesced on both sides.
#include <cmath>

#include "cuda/cuda_check.h"
#include "cuda/slice.cuh"

namespace compofa::cuda {

namespace {

constexpr int kThreads = 256;

// Offset of flat element e = (i*d1 + j)*d2 + l on the strided side: i*s0 + j*s1 + l.
__device__ inline int64_t strided_offset(const Slice& sl, int64_t e) {
    const int64_t r = e / sl.d2;  // i*d1 + j
    const int64_t l = e - r * sl.d2;
    const int64_t i = r / sl.d1;
    const int64_t j = r - i * sl.d1;
    return i * sl.s0 + j * sl.s1 + l;
}

// dst is (d0,d1,d2) contiguous; src is strided.
__global__ void gather_kernel(Slice sl, const float* __restrict__ src, float* __restrict__ dst, int64_t total) {
    for (int64_t e = grid_index(); e < total; e += grid_stride()) dst[e] = src[strided_offset(sl, e)];
}

// src is (d0,d1,d2) contiguous; dst is strided. Slices never overlap themselves: a plain add is safe.
__global__ void scatter_add_kernel(Slice sl, const float* __restrict__ src, float alpha, float* __restrict__ dst,
                                   int64_t total) {
    for (int64_t e = grid_index(); e < total; e += grid_stride()) dst[strided_offset(sl, e)] += alpha * src[e];
}

__global__ void fill_kernel(float* __restrict__ dst, int64_t len, float value) {
    for (int64_t e = grid_index(); e < len; e += grid_stride()) dst[e] = value;
}

int64_t elements(const Slice& sl) { return int64_t(sl.d0) * sl.d1 * sl.d2; }

}  // namespace

void gather(const Gather& op, void* stream) {
    const int64_t total = elements(op.sl);
    if (total <= 0) return;
    gather_kernel<<<grid_for(total, kThreads), kThreads, 0, as_stream(stream)>>>(op.sl, op.src, op.dst, total);
    check_launch("gather_kernel");
}

void scatter_add(const ScatterAdd& op, void* stream) {
    const int64_t total = elements(op.sl);
    if (total <= 0) return;
    scatter_add_kernel<<<grid_for(total, kThreads), kThreads, 0, as_stream(stream)>>>(op.sl, op.src, op.alpha,
                                                                                      op.dst, total);
    check_launch("scatter_add_kernel");
}

void fill(float* dst, int64_t len, float value, void* stream) {
    if (len <= 0) return;
    if (value == 0.0f && !std::signbit(value)) {  // +0.0f is all zero bytes
        check(cudaMemsetAsync(dst, 0, size_t(len) * sizeof(float), as_stream(stream)), "cudaMemsetAsync (fill)");
        return;
    }
    fill_kernel<<<grid_for(len, kThreads), kThreads, 0, as_stream(stream)>>>(dst, len, value);
    check_launch("fill_kernel");
}

}  // namespace compofa::cuda
