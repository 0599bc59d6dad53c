// Forward depthwise convolution: one output element (or 4 channels with float4) per thread,
// channels fastest so a warp reads and writes consecutive addresses. Specialised on K and stride
// through the one elastic dispatch table (dwconv_common.cuh), generic <0, 0> otherwise. The training
// forward (compofa_dwconv_stats_forward) also sums each channel of its output for the batch norm.
#include "cuda/dwconv_common.cuh"
#include "cuda/dwconv_forward.cuh"
#include "cuda/gemm.cuh"
#include "cuda/kernel_transform.cuh"
#include "cuda/nn_ops.cuh"

namespace compofa::cuda {

namespace {

constexpr int kThreads = 256;

// The V channels from ch of output pixel pix (flat (nn, oh, ow)) of x (n,h,w,c) convolved with wt,
// the k x k taps (K = 0 / S = 0: runtime k / stride).
template <int K, int S, int V>
__device__ inline void output_pixel(const float* __restrict__ x, const TapView& wt, const ConvDims& d, int64_t pix,
                                    int ch, float (&acc)[V]) {
    const int k = K > 0 ? K : d.k;
    const int stride = S > 0 ? S : d.stride;
    const int pad = K > 0 ? K / 2 : d.pad;
    const int64_t row = pix / d.wo;  // nn*ho + oh
    const int ow = int(pix - row * d.wo);
    const int64_t nn = row / d.ho;
    const int oh = int(row - nn * d.ho);
    const float* xn = x + nn * d.h * d.w * d.c + ch;
    const float* wc = wt.base + ch;
    const int ih0 = oh * stride - pad, iw0 = ow * stride - pad;
#pragma unroll
    for (int v = 0; v < V; ++v) acc[v] = 0.0f;
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
}

// y is (n,ho,wo,c); one V-channel group of one pixel per thread and step.
template <int K, int S, int V>
__global__ void dw_forward_kernel(const float* __restrict__ x, TapView wt, float* __restrict__ y, ConvDims d,
                                  Epilogue ep) {
    const int cv = d.c / V;  // V-wide channel groups per pixel
    const int64_t total = int64_t(d.n) * d.ho * d.wo * cv;
    for (int64_t e = grid_index(); e < total; e += grid_stride()) {
        const int64_t pix = e / cv;
        const int ch = int(e - pix * cv) * V;
        float acc[V];
        output_pixel<K, S, V>(x, wt, d, pix, ch, acc);
#pragma unroll
        for (int v = 0; v < V; ++v) acc[v] = apply_epilogue(ep, ch + v, acc[v]);  // identity unless fused
        store_vec<V>(y + e * V, acc);  // pix*c + ch == e*V
    }
}

// Training: the forward with y's channel sums and sums of squares added to stats[0..c) and
// stats[c..2c) (doubles). Thread t keeps channel group t % cv and walks pixels t / cv, + lanes, ...,
// so it sums one channel group in registers; the block's threads of a group (cv apart, the block's
// indices being consecutive) are added in shared memory, then one atomicAdd per channel and block.
template <int K, int S, int V>
__global__ void __launch_bounds__(kThreads) dw_stats_kernel(const float* __restrict__ x, TapView wt,
                                                            float* __restrict__ y, ConvDims d, int64_t lanes,
                                                            double* stats) {
    __shared__ double red_s[kThreads][V], red_q[kThreads][V];
    const int cv = d.c / V;
    const int64_t pixels = int64_t(d.n) * d.ho * d.wo;
    const int64_t t = grid_index();
    const bool active = t < cv * lanes;
    const int ch = int(t % cv) * V;
    double s[V] = {}, q[V] = {};
    for (int64_t pix = t / cv; active && pix < pixels; pix += lanes) {
        float acc[V];
        output_pixel<K, S, V>(x, wt, d, pix, ch, acc);
        store_vec<V>(y + pix * d.c + ch, acc);
#pragma unroll
        for (int v = 0; v < V; ++v) {
            s[v] += acc[v];
            q[v] += double(acc[v]) * acc[v];
        }
    }
#pragma unroll
    for (int v = 0; v < V; ++v) {
        red_s[threadIdx.x][v] = s[v];
        red_q[threadIdx.x][v] = q[v];
    }
    __syncthreads();
    if (!active || int(threadIdx.x) >= cv) return;  // the block's first thread of each group adds it
    for (int j = threadIdx.x + cv; j < int(blockDim.x); j += cv)
#pragma unroll
        for (int v = 0; v < V; ++v) {
            s[v] += red_s[j][v];
            q[v] += red_q[j][v];
        }
#pragma unroll
    for (int v = 0; v < V; ++v) {
        atomicAdd(stats + ch + v, s[v]);
        atomicAdd(stats + d.c + ch + v, q[v]);
    }
}

template <int V>
struct ForwardOp {
    using Fn = void (*)(const float*, TapView, float*, ConvDims, Epilogue);
    template <int K, int S>
    static Fn get() { return &dw_forward_kernel<K, S, V>; }
};

template <int V>
struct StatsOp {
    using Fn = void (*)(const float*, TapView, float*, ConvDims, int64_t, double*);
    template <int K, int S>
    static Fn get() { return &dw_stats_kernel<K, S, V>; }
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

// About this many threads, each walking pixels of one channel group: enough to fill the card, few
// enough that each thread sums many pixels before its atomics.
constexpr int64_t kStatsThreads = int64_t(1) << 18;

void launch_stats(const DwForward& op, const ConvDims& d, const TapView& wt, cudaStream_t stream) {
    const bool vec = can_vectorize(d, wt, op.x, op.y);
    const int V = vec ? 4 : 1;
    const auto kernel = vec ? elastic_kernel<StatsOp<4>>(d.k, d.stride) : elastic_kernel<StatsOp<1>>(d.k, d.stride);
    const int64_t cv = d.c / V, pixels = int64_t(d.n) * d.ho * d.wo;
    const int64_t lanes = std::clamp<int64_t>(kStatsThreads / cv, 1, pixels);
    StreamScratch scratch(4 * size_t(d.c), stream);  // 2 x c doubles
    double* stats = reinterpret_cast<double*>(scratch.get());
    check(cudaMemsetAsync(stats, 0, 2 * size_t(d.c) * sizeof(double), stream), "cudaMemsetAsync (channel sums)");
    kernel<<<grid_for(cv * lanes, kThreads), kThreads, 0, stream>>>(op.x, wt, op.y, d, lanes, stats);
    check_launch("dw_stats_kernel");
    finish_column_statistics(stats, d.c, pixels, op.batch_mean, op.batch_var, stream);
    scratch.release();
}

// The forward (statistics when op.batch_mean is set, else the epilogue) with taps wt.
void launch(const DwForward& op, const ConvDims& d, const TapView& wt, const Epilogue& ep, cudaStream_t stream) {
    if (op.batch_mean != nullptr)
        launch_stats(op, d, wt, stream);
    else
        launch_forward(d, op.x, wt, op.y, ep, stream);
}

}  // namespace

void dwconv_forward(const DwForward& op, void* stream_ptr) { dwconv_fused(op, Epilogue{}, stream_ptr); }

void dwconv_fused(const DwForward& op, const Epilogue& ep, void* stream_ptr) {
    const DwShape& s = op.s;
    const cudaStream_t stream = as_stream(stream_ptr);
    const ConvDims d = ConvDims::of(s);
    if (!(s.uses_t75() || s.uses_t53())) {  // the centre crop of the supernet weight, in place
        launch(op, d, TapView::crop(op.weight, s, s.k), ep, stream);
        return;
    }
    StreamScratch weff(size_t(s.k) * s.k * s.c, stream);  // effective kernel [k*k][c]
    effective_kernel(s, op.weight, op.t75, op.t53, weff.get(), stream);
    launch(op, d, TapView::dense(weff.get(), s.k, s.c), ep, stream);
    weff.release();
}

}  // namespace compofa::cuda
