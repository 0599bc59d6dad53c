// Shared pieces of the depthwise-convolution kernels: how a kernel's taps are addressed, the
// problem sizes passed to kernels, the (K, stride) dispatch table, and stream-ordered scratch.
#pragma once
#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/kernels.h"
#include "cuda/cuda_check.h"

namespace compofa::cuda {

// A k x k stack of per-channel taps: tap (kh, kw) of channel ch at base[kh*row + kw*col + ch].
// The supernet weight's centre crop is {weight + crop_offset, k, k_max*c_max, c_max} (read in
// place); a dense effective kernel [k*k][c] is {ptr, k, k*c, c}.
struct TapView {
    const float* base;
    int k;
    int64_t row, col;

    __host__ __device__ const float* tap(int kh, int kw) const { return base + kh * row + kw * col; }
    // Flat tap index i = kh*k + kw.
    __host__ __device__ float at(int i, int ch) const { return tap(i / k, i % k)[ch]; }

    static TapView crop(const float* weight, const DwShape& s, int size) {  // centre size x size
        const int64_t m = (s.k_max - size) / 2;
        return {weight + (m * s.k_max + m) * s.c_max, size, int64_t(s.k_max) * s.c_max, s.c_max};
    }
    static TapView dense(const float* taps, int k, int c) { return {taps, k, int64_t(k) * c, c}; }
};

// Sizes of one convolution as the kernels see them (see DwShape).
struct ConvDims {
    int n, h, w, c, ho, wo, k, stride, pad;
    static ConvDims of(const DwShape& s) { return {s.n, s.h, s.w, s.c, s.ho, s.wo, s.k, s.stride, s.pad}; }
};

// One dispatch table for the closed elastic set: kernel 3/5/7 x stride 1/2 are specialised
// (template <K, S>), anything else runs the generic <0, 0> instance with runtime k and stride.
// `Op` names a kernel family: `using Fn = ...;` and `template <int K, int S> static Fn get();`.
template <class Op>
typename Op::Fn elastic_kernel(int k, int stride) {
    using Fn = typename Op::Fn;
    static const Fn table[3][2] = {
        {Op::template get<3, 1>(), Op::template get<3, 2>()},
        {Op::template get<5, 1>(), Op::template get<5, 2>()},
        {Op::template get<7, 1>(), Op::template get<7, 2>()},
    };
    const int ks = k == 3 ? 0 : k == 5 ? 1 : k == 7 ? 2 : -1;
    const int ss = stride == 1 ? 0 : stride == 2 ? 1 : -1;
    return ks < 0 || ss < 0 ? Op::template get<0, 0>() : table[ks][ss];
}

// Device scratch allocated and freed in stream order (cudaMallocAsync), so kernels queued on the
// stream before and after never race with its reuse. release() checks the free; the destructor
// frees on an error path without throwing.
class StreamScratch {
public:
    StreamScratch(size_t floats, cudaStream_t stream) : stream_(stream) {
        const size_t bytes = floats * sizeof(float);
        const cudaError_t status = cudaMallocAsync(reinterpret_cast<void**>(&ptr_), bytes, stream);
        if (status == cudaErrorMemoryAllocation) {
            (void)cudaGetLastError();
            throw Error(COMPOFA_ERR_OUT_OF_MEMORY,
                        "cudaMallocAsync of " + std::to_string(bytes) + " bytes of scratch failed: out of memory");
        }
        check(status, "cudaMallocAsync (scratch)");
    }
    ~StreamScratch() {
        if (ptr_ != nullptr && cudaFreeAsync(ptr_, stream_) != cudaSuccess) (void)cudaGetLastError();
    }
    StreamScratch(const StreamScratch&) = delete;
    StreamScratch& operator=(const StreamScratch&) = delete;

    float* get() const { return ptr_; }
    void release() {
        float* p = ptr_;
        ptr_ = nullptr;
        check(cudaFreeAsync(p, stream_), "cudaFreeAsync (scratch)");
    }

private:
    float* ptr_ = nullptr;
    cudaStream_t stream_;
};

// float4 paths need c % 4 == 0 and 16-byte aligned rows everywhere they load or store.
inline bool aligned16(const void* p) { return reinterpret_cast<uintptr_t>(p) % 16 == 0; }
inline bool can_vectorize(const ConvDims& d, const TapView& w, const void* in, const void* out) {
    return d.c % 4 == 0 && w.row % 4 == 0 && w.col % 4 == 0 && aligned16(w.base) && aligned16(in) && aligned16(out);
}

// V consecutive floats (V = 1 or 4, 16-byte aligned when 4).
template <int V>
__device__ inline void load_vec(const float* __restrict__ p, float (&v)[V]) {
    if constexpr (V == 4) {
        const float4 q = __ldg(reinterpret_cast<const float4*>(p));
        v[0] = q.x, v[1] = q.y, v[2] = q.z, v[3] = q.w;
    } else {
        v[0] = __ldg(p);
    }
}
template <int V>
__device__ inline void store_vec(float* __restrict__ p, const float (&v)[V]) {
    if constexpr (V == 4) {
        *reinterpret_cast<float4*>(p) = make_float4(v[0], v[1], v[2], v[3]);
    } else {
        p[0] = v[0];
    }
}

}  // namespace compofa::cuda
