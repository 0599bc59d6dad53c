// Backward depthwise convolution.
//   dx: one input element (or 4 channels) per thread, gathering dy over the taps that touch it.
//   dweight_eff[tap][ch] = sum over n, oh, ow of dy[n,oh,ow,ch] * x[n, oh*s-pad+kh, ow*s-pad+kw, ch]:
//       a block is 32 channels x 8 pixel lanes; each thread keeps all K*K taps in registers over
//       its pixels, the 8 lanes are summed in shared memory and one atomicAdd per tap and channel
//       goes out per block.
// Without the OFA chain the gradient is added straight into dweight's centre crop (in place);
// with it, into a zeroed scratch that kernel_transform.cu carries back to dweight, dt75, dt53.
#include "cuda/dwconv_backward.cuh"
#include "cuda/dwconv_common.cuh"
#include "cuda/kernel_transform.cuh"

namespace compofa::cuda {

namespace {

constexpr int kDxThreads = 256;
constexpr int kChannels = 32;                     // dweight block: channels (one warp) ...
constexpr int kLanes = 8;                         // ... times pixel lanes (one warp each)
constexpr int64_t kMinPixelsPerBlock = 128;       // keeps atomics <= 1/128 of the dy reads

// dy is (n,ho,wo,c), dx is (n,h,w,c); wt holds the k x k taps (K = 0 / S = 0: runtime k / stride).
template <int K, int S, int V>
__global__ void dw_backward_dx_kernel(const float* __restrict__ dy, TapView wt, float* __restrict__ dx, ConvDims d) {
    const int k = K > 0 ? K : d.k;
    const int stride = S > 0 ? S : d.stride;
    const int pad = K > 0 ? K / 2 : d.pad;
    const int cv = d.c / V;
    const int64_t total = int64_t(d.n) * d.h * d.w * cv;
    for (int64_t e = grid_index(); e < total; e += grid_stride()) {
        const int64_t pix = e / cv;  // input pixel (nn, ih, iw), flat
        const int ch = int(e - pix * cv) * V;
        const int64_t row = pix / d.w;  // nn*h + ih
        const int iw = int(pix - row * d.w);
        const int64_t nn = row / d.h;
        const int ih = int(row - nn * d.h);
        const float* dyn = dy + nn * d.ho * d.wo * d.c + ch;
        const float* wc = wt.base + ch;
        float acc[V] = {};
#pragma unroll
        for (int kh = 0; kh < k; ++kh) {
            const int th = ih + pad - kh;  // == oh * stride when output row oh uses tap kh
            if (th < 0 || th % stride != 0) continue;
            const int oh = th / stride;
            if (oh >= d.ho) continue;
#pragma unroll
            for (int kw = 0; kw < k; ++kw) {
                const int tw = iw + pad - kw;
                if (tw < 0 || tw % stride != 0) continue;
                const int ow = tw / stride;
                if (ow >= d.wo) continue;
                float gv[V], wv[V];
                load_vec<V>(dyn + (int64_t(oh) * d.wo + ow) * d.c, gv);
                load_vec<V>(wc + kh * wt.row + kw * wt.col, wv);
#pragma unroll
                for (int v = 0; v < V; ++v) acc[v] = fmaf(gv[v], wv[v], acc[v]);
            }
        }
        store_vec<V>(dx + e * V, acc);  // pix*c + ch == e*V
    }
}

template <int V>
struct DxOp {
    using Fn = void (*)(const float*, TapView, float*, ConvDims);
    template <int K, int S>
    static Fn get() { return &dw_backward_dx_kernel<K, S, V>; }
};

// Where the dweight kernel adds: tap (kh, kw) of channel ch at base[kh*row + kw*col + ch].
struct TapSink {
    float* base;
    int64_t row, col;
};

// x is (n,h,w,c), dy is (n,ho,wo,c); block (kChannels, kLanes); blockIdx.y owns the output pixels
// [blockIdx.y * pixels_per_block, +pixels_per_block). sink += the block's partial sums.
// The generic instance (K = 0) keeps a 7x7 register tile and uses its top-left k x k (k <= 7).
template <int K, int S>
__global__ void __launch_bounds__(kChannels* kLanes, 1)
    dw_dweight_kernel(const float* __restrict__ x, const float* __restrict__ dy, TapSink sink, ConvDims d,
                      int64_t pixels_per_block) {
    constexpr int KB = K > 0 ? K : 7;
    const int k = K > 0 ? K : d.k;
    const int stride = S > 0 ? S : d.stride;
    const int pad = K > 0 ? K / 2 : d.pad;
    const int ch = blockIdx.x * kChannels + threadIdx.x;
    const bool active = ch < d.c;
    float acc[KB * KB];
#pragma unroll
    for (int t = 0; t < KB * KB; ++t) acc[t] = 0.0f;

    const int64_t pixels = int64_t(d.n) * d.ho * d.wo;
    const int64_t p0 = int64_t(blockIdx.y) * pixels_per_block;
    const int64_t p1 = min(pixels, p0 + pixels_per_block);
    if (active) {
        for (int64_t p = p0 + threadIdx.y; p < p1; p += kLanes) {
            const int64_t row = p / d.wo;  // nn*ho + oh
            const int ow = int(p - row * d.wo);
            const int64_t nn = row / d.ho;
            const int oh = int(row - nn * d.ho);
            const float g = dy[p * d.c + ch];
            const float* xn = x + nn * d.h * d.w * d.c + ch;
            const int ih0 = oh * stride - pad, iw0 = ow * stride - pad;
#pragma unroll
            for (int kh = 0; kh < KB; ++kh) {
                const int ih = ih0 + kh;
                if ((K == 0 && kh >= k) || ih < 0 || ih >= d.h) continue;
                const float* xr = xn + int64_t(ih) * d.w * d.c;
#pragma unroll
                for (int kw = 0; kw < KB; ++kw) {
                    const int iw = iw0 + kw;
                    if ((K == 0 && kw >= k) || iw < 0 || iw >= d.w) continue;
                    acc[kh * KB + kw] = fmaf(g, xr[int64_t(iw) * d.c], acc[kh * KB + kw]);
                }
            }
        }
    }

    // Sum the lanes tap by tap. Two buffers alternate, so one barrier per tap suffices: a buffer is
    // rewritten only after the barrier of the next tap, which lane 0 reaches after reading it.
    __shared__ float partial[2][kLanes][kChannels + 1];
    int buf = 0;
#pragma unroll
    for (int t = 0; t < KB * KB; ++t) {
        const int kh = t / KB, kw = t % KB;
        if (K == 0 && (kh >= k || kw >= k)) continue;  // uniform over the block
        partial[buf][threadIdx.y][threadIdx.x] = acc[t];
        __syncthreads();
        if (threadIdx.y == 0 && active) {
            float sum = 0.0f;
#pragma unroll
            for (int l = 0; l < kLanes; ++l) sum += partial[buf][l][threadIdx.x];
            atomicAdd(sink.base + kh * sink.row + kw * sink.col + ch, sum);
        }
        buf ^= 1;
    }
}

struct DweightOp {
    using Fn = void (*)(const float*, const float*, TapSink, ConvDims, int64_t);
    template <int K, int S>
    static Fn get() { return &dw_dweight_kernel<K, S>; }
};

void launch_dx(const ConvDims& d, const float* dy, const TapView& wt, float* dx, cudaStream_t stream) {
    const bool vec = can_vectorize(d, wt, dy, dx);
    const int V = vec ? 4 : 1;
    const auto kernel = vec ? elastic_kernel<DxOp<4>>(d.k, d.stride) : elastic_kernel<DxOp<1>>(d.k, d.stride);
    const int64_t total = int64_t(d.n) * d.h * d.w * (d.c / V);
    kernel<<<grid_for(total, kDxThreads), kDxThreads, 0, stream>>>(dy, wt, dx, d);
    check_launch("dw_backward_dx_kernel");
}

void launch_dweight(const ConvDims& d, const float* x, const float* dy, const TapSink& sink, cudaStream_t stream) {
    int device = 0, sms = 0;
    check(cudaGetDevice(&device), "cudaGetDevice");
    check(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device), "cudaDeviceGetAttribute");
    // Enough pixel chunks for ~8 blocks per SM, but never under kMinPixelsPerBlock pixels each.
    const int64_t pixels = int64_t(d.n) * d.ho * d.wo;
    const int64_t gx = (d.c + kChannels - 1) / kChannels;
    const int64_t max_chunks = std::max<int64_t>(1, pixels / kMinPixelsPerBlock);
    const int64_t chunks = std::clamp<int64_t>((int64_t(sms) * 8 + gx - 1) / gx, 1, std::min<int64_t>(max_chunks, 65535));
    const int64_t per_block = (pixels + chunks - 1) / chunks;
    const dim3 grid(unsigned(gx), unsigned((pixels + per_block - 1) / per_block));
    const dim3 block(kChannels, kLanes);
    elastic_kernel<DweightOp>(d.k, d.stride)<<<grid, block, 0, stream>>>(x, dy, sink, d, per_block);
    check_launch("dw_dweight_kernel");
}

}  // namespace

void dwconv_backward(const DwBackward& op, void* stream_ptr) {
    const DwShape& s = op.s;
    const cudaStream_t stream = as_stream(stream_ptr);
    const ConvDims d = ConvDims::of(s);
    if (!(s.uses_t75() || s.uses_t53())) {  // centre crop of the supernet weight, read and added in place
        if (op.dx != nullptr) launch_dx(d, op.dy, TapView::crop(op.weight, s, s.k), op.dx, stream);
        if (op.dweight != nullptr) {
            const int64_t offset = s.crop_offset();
            launch_dweight(d, op.x, op.dy, TapSink{op.dweight + offset, int64_t(s.k_max) * s.c_max, s.c_max}, stream);
        }
        return;
    }
    float* dt75 = s.uses_t75() ? op.dt75 : nullptr;
    float* dt53 = s.uses_t53() ? op.dt53 : nullptr;
    const bool want_grad = op.dweight != nullptr || dt75 != nullptr || dt53 != nullptr;
    const size_t taps = size_t(s.k) * s.k * s.c;  // one [k*k][c] kernel
    const size_t floats = (op.dx != nullptr ? taps : 0) +
                          (want_grad ? taps + effective_kernel_backward_scratch(s, dt75 != nullptr, dt53 != nullptr) : 0);
    if (floats == 0) return;
    StreamScratch scratch(floats, stream);
    float* next = scratch.get();
    if (op.dx != nullptr) {  // dx through the effective kernel (first in scratch: 16-byte aligned)
        float* weff = next;
        next += taps;
        effective_kernel(s, op.weight, op.t75, op.t53, weff, stream);
        launch_dx(d, op.dy, TapView::dense(weff, s.k, s.c), op.dx, stream);
    }
    if (want_grad) {
        float* dweff = next;
        next += taps;
        check(cudaMemsetAsync(dweff, 0, taps * sizeof(float), stream), "cudaMemsetAsync (dweight scratch)");
        launch_dweight(d, op.x, op.dy, TapSink{dweff, int64_t(s.k) * s.c, s.c}, stream);
        effective_kernel_backward(s, op.weight, op.t75, op.t53, dweff, op.dweight, dt75, dt53, next, stream);
    }
    scratch.release();
}

}  // namespace compofa::cuda
