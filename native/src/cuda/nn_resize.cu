// Bilinear resize of (n, h, w, c) to (n, ho, wo, c), PyTorch align_corners=False, no antialiasing:
// src = (dst + 0.5) * in / out - 0.5, clamped at 0; x0 = floor(src), x1 = min(x0 + 1, in - 1).
// One output element per thread, channels fastest (the four source pixels are read as runs of c).
#include <cstdint>

#include "cuda/cuda_check.h"
#include "cuda/nn_ops.cuh"

namespace compofa::cuda {

namespace {

constexpr int kThreads = 256;

struct Axis {
    int32_t i0, i1;
    float l0, l1;  // weights of i0 and i1
};

__device__ inline Axis source_axis(int dst, int in, float scale) {
    float src = (float(dst) + 0.5f) * scale - 0.5f;
    if (src < 0.0f) src = 0.0f;
    Axis a;
    a.i0 = int32_t(src);  // floor: src >= 0
    if (a.i0 > in - 1) a.i0 = in - 1;
    a.i1 = a.i0 + 1 < in ? a.i0 + 1 : in - 1;
    a.l1 = src - float(a.i0);
    a.l0 = 1.0f - a.l1;
    return a;
}

template <class I>
__global__ void __launch_bounds__(kThreads) resize_bilinear_kernel(Resize r, float scale_h, float scale_w, I total) {
    for (I e = I(blockIdx.x) * blockDim.x + threadIdx.x; e < total; e += I(gridDim.x) * blockDim.x) {
        const I pix = e / r.c;
        const int ch = int(e - pix * r.c);
        const I bo = pix / r.wo;  // b * ho + oy
        const int ox = int(pix - bo * r.wo);
        const I b = bo / r.ho;
        const int oy = int(bo - b * r.ho);
        const Axis ay = source_axis(oy, r.h, scale_h), ax = source_axis(ox, r.w, scale_w);
        const float* xb = r.x + int64_t(b) * r.h * r.w * r.c + ch;
        const float* row0 = xb + int64_t(ay.i0) * r.w * r.c;
        const float* row1 = xb + int64_t(ay.i1) * r.w * r.c;
        const int64_t c0 = int64_t(ax.i0) * r.c, c1 = int64_t(ax.i1) * r.c;
        r.y[e] = ay.l0 * (ax.l0 * __ldg(row0 + c0) + ax.l1 * __ldg(row0 + c1)) +
                 ay.l1 * (ax.l0 * __ldg(row1 + c0) + ax.l1 * __ldg(row1 + c1));
    }
}

}  // namespace

void resize_bilinear(const Resize& op, void* stream_ptr) {
    const cudaStream_t stream = as_stream(stream_ptr);
    const int64_t total = int64_t(op.n) * op.ho * op.wo * op.c;
    if (total <= 0) return;
    const float scale_h = float(op.h) / float(op.ho), scale_w = float(op.w) / float(op.wo);
    if (total <= INT32_MAX) {
        resize_bilinear_kernel<uint32_t><<<grid_for(total, kThreads), kThreads, 0, stream>>>(op, scale_h, scale_w, uint32_t(total));
    } else {
        resize_bilinear_kernel<int64_t><<<grid_for(total, kThreads), kThreads, 0, stream>>>(op, scale_h, scale_w, total);
    }
    check_launch("resize_bilinear_kernel");
}

}  // namespace compofa::cuda
