// Forward depthwise convolution: one output element (or 4 channels with float4) per thread,
// channels fastest so a warp reads and writes consecutive addresses. Specialised on K and stride
// through the one elastic dispatch table (dwconv_common.cuh), generic <0, 0> otherwise.
#include "cuda/dwconv_common.cuh"
#include "cuda/dwconv_forward.cuh"
#include "cuda/kernel_transform.cuh"
#include "cuda/nn_ops.cuh"

namespace compofa::cuda {

namespace {

constexpr int kThreads = 256;

// x is (n,h,w,c), y is (n,ho,wo,c); wt holds the k x k taps (K = 0 / S = 0: runtime k / stride).
template <int K, int S, int V>
__global__ void dw_forward_kernel(const float* __restrict__ x, TapView wt, float* __restrict__ y, ConvDims d,
                                  Epilogue ep) {
    const int k = K > 0 ? K : d.k;
    const int stride = S > 0 ? S : d.stride;
    const int pad = K > 0 ? K / 2 : d.pad;
    const int cv = d.c / V;  // V-wide channel groups per pixel
    const int64_t total = int64_t(d.n) * d.ho * d.wo * cv;
    for (int64_t e = grid_index(); e < total; e += grid_stride()) {
        const int64_t pix = e / cv;  // output pixel (nn, oh, ow), flat
        const int ch = int(e - pix * cv) * V;
        const int64_t row = pix / d.wo;  // nn*ho + oh
        const int ow = int(pix - row * d.wo);
        const int64_t nn = row / d.ho;
        const int oh = int(row - nn * d.ho);
        const float* xn = x + nn * d.h * d.w * d.c + ch;
        const float* wc = wt.base + ch;
        const int ih0 = oh * stride - pad, iw0 = ow * stride - pad;
        float acc[V] = {};
#pragma unroll
        for (int kh = 0; kh < k; ++kh) {
            const int ih = ih0 + kh;
            if (ih < 0 || ih >= d.h) continue;
            const float* xr = xn + int64_t(ih) * d.w * d.c;
#pragma unroll
            for (int kw = 0; kw < k; ++kw) {
                const int iw = iw0 + kw;
                if (iw < 0 || iw >= d.w) continue;
                float xv[V], wv[V];
                load_vec<V>(xr + int64_t(iw) * d.c, xv);
                load_vec<V>(wc + kh * wt.row + kw * wt.col, wv);
#pragma unroll
                for (int v = 0; v < V; ++v) acc[v] = fmaf(xv[v], wv[v], acc[v]);
            }
        }
#pragma unroll
        for (int v = 0; v < V; ++v) acc[v] = apply_epilogue(ep, ch + v, acc[v]);  // identity unless fused
        store_vec<V>(y + e * V, acc);  // pix*c + ch == e*V
    }
}

template <int V>
struct ForwardOp {
    using Fn = void (*)(const float*, TapView, float*, ConvDims, Epilogue);
    template <int K, int S>
    static Fn get() { return &dw_forward_kernel<K, S, V>; }
};

void launch_forward(const ConvDims& d, const float* x, const TapView& wt, float* y, const Epilogue& ep,
                    cudaStream_t stream) {
    const bool vec = can_vectorize(d, wt, x, y);
    const int V = vec ? 4 : 1;
    const auto kernel = vec ? elastic_kernel<ForwardOp<4>>(d.k, d.stride) : elastic_kernel<ForwardOp<1>>(d.k, d.stride);
    const int64_t total = int64_t(d.n) * d.ho * d.wo * (d.c / V);
    kernel<<<grid_for(total, kThreads), kThreads, 0, stream>>>(x, wt, y, d, ep);
    check_launch("dw_forward_kernel");
}

}  // namespace

void dwconv_forward(const DwForward& op, void* stream_ptr) { dwconv_fused(op, Epilogue{}, stream_ptr); }

void dwconv_fused(const DwForward& op, const Epilogue& ep, void* stream_ptr) {
    const DwShape& s = op.s;
    const cudaStream_t stream = as_stream(stream_ptr);
    const ConvDims d = ConvDims::of(s);
    if (!(s.uses_t75() || s.uses_t53())) {  // the centre crop of the supernet weight, in place
        launch_forward(d, op.x, TapView::crop(op.weight, s, s.k), op.y, ep, stream);
        return;
    }
    StreamScratch weff(size_t(s.k) * s.k * s.c, stream);  // effective kernel [k*k][c]
    effective_kernel(s, op.weight, op.t75, op.t53, weff.get(), stream);
    launch_forward(d, op.x, TapView::dense(weff.get(), s.k, s.c), op.y, ep, stream);
    weff.release();
}

}  // namespace compofa::cuda
