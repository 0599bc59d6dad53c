// im2col for the dense k x k stem convolution (NHWC, zero padding) and its accumulating adjoint.
//   im2col:     one col element per thread, flat index ((row * k + kh) * k + kw) * c + ci, so a warp
//               writes consecutive col entries and reads runs of c channels of x.
//   col2im_add: one dx element per thread, gathering the (patch, tap) entries of dcol that read it
//               (taps kh = (ih + pad) mod stride, + stride, ...), so no atomics and a fixed order.
// Index math runs in 32 bits (unsigned: the grid-stride step cannot wrap) when the element count
// is below 2^31 (the common case), else in 64 bits.
#include <cstdint>

#include "cuda/cuda_check.h"
#include "cuda/nn_ops.cuh"

namespace compofa::cuda {

namespace {

constexpr int kThreads = 256;

template <class I>
__global__ void __launch_bounds__(kThreads)
    im2col_kernel(ConvShape s, const float* __restrict__ x, float* __restrict__ col, I total) {
    const I kkc = I(s.k) * s.k * s.c;
    for (I e = I(blockIdx.x) * blockDim.x + threadIdx.x; e < total; e += I(gridDim.x) * blockDim.x) {
        const I row = e / kkc;  // output pixel (b, oh, ow)
        const int q = int(e - row * kkc);
        const int tap = q / s.c, ci = q - tap * s.c;
        const int kh = tap / s.k, kw = tap - kh * s.k;
        const I bo = row / s.wo;  // b * ho + oh
        const int ow = int(row - bo * s.wo);
        const I b = bo / s.ho;
        const int oh = int(bo - b * s.ho);
        const int ih = oh * s.stride - s.pad + kh, iw = ow * s.stride - s.pad + kw;
        float v = 0.0f;
        if (ih >= 0 && ih < s.h && iw >= 0 && iw < s.w) v = x[((int64_t(b) * s.h + ih) * s.w + iw) * s.c + ci];
        col[e] = v;
    }
}

template <class I>
__global__ void __launch_bounds__(kThreads)
    col2im_add_kernel(ConvShape s, const float* __restrict__ dcol, float* __restrict__ dx, I total) {
    const int64_t kkc = int64_t(s.k) * s.k * s.c;
    for (I e = I(blockIdx.x) * blockDim.x + threadIdx.x; e < total; e += I(gridDim.x) * blockDim.x) {
        const I pix = e / s.c;  // input pixel (b, ih, iw)
        const int ci = int(e - pix * s.c);
        const I bh = pix / s.w;  // b * h + ih
        const int iw = int(pix - bh * s.w);
        const I b = bh / s.h;
        const int ih = int(bh - b * s.h);
        const float* dcol_b = dcol + int64_t(b) * s.ho * s.wo * kkc + ci;
        float acc = 0.0f;
        // Tap kh reads input row ih from output row oh = (ih + pad - kh) / stride when that divides.
        for (int kh = (ih + s.pad) % s.stride; kh < s.k; kh += s.stride) {
            const int th = ih + s.pad - kh;
            if (th < 0) break;  // th only shrinks as kh grows
            const int oh = th / s.stride;
            if (oh >= s.ho) continue;
            for (int kw = (iw + s.pad) % s.stride; kw < s.k; kw += s.stride) {
                const int tw = iw + s.pad - kw;
                if (tw < 0) break;
                const int ow = tw / s.stride;
                if (ow >= s.wo) continue;
                acc += dcol_b[(int64_t(oh) * s.wo + ow) * kkc + (kh * s.k + kw) * s.c];
            }
        }
        dx[e] += acc;
    }
}

template <class Kernel32, class Kernel64, class... Args>
void launch_indexed(Kernel32 k32, Kernel64 k64, int64_t total, cudaStream_t stream, const char* name, Args... args) {
    if (total <= 0) return;
    if (total <= INT32_MAX) {
        k32<<<grid_for(total, kThreads), kThreads, 0, stream>>>(args..., uint32_t(total));
    } else {
        k64<<<grid_for(total, kThreads), kThreads, 0, stream>>>(args..., total);
    }
    check_launch(name);
}

}  // namespace

void im2col(const ConvShape& s, const float* x, float* col, void* stream) {
    launch_indexed(&im2col_kernel<uint32_t>, &im2col_kernel<int64_t>, s.col_rows() * s.col_cols(), as_stream(stream),
                   "im2col_kernel", s, x, col);
}

void col2im_add(const ConvShape& s, const float* dcol, float* dx, void* stream) {
    launch_indexed(&col2im_add_kernel<uint32_t>, &col2im_add_kernel<int64_t>, int64_t(s.n) * s.h * s.w * s.c,
                   as_stream(stream), "col2im_add_kernel", s, dcol, dx);
}

}  // namespace compofa::cuda
