// OFA kernel transform on the device. One thread per channel runs the whole per-channel chain in
// registers (at most 25 taps); the 25x25 and 9x9 matrices sit in shared memory, where every thread
// of a warp reads the same entry (a broadcast). The matrix gradients are reductions over channels,
// done by one block each (625 outputs at most): deterministic and far from the critical path.
#include "cuda/dwconv_common.cuh"
#include "cuda/kernel_transform.cuh"

namespace compofa::cuda {

namespace {

constexpr int kChainThreads = 128;
constexpr int kGramThreads = 256;
constexpr int kGramChunk = 32;  // channels staged in shared memory per step

struct ChainMatrices {
    float t75[25 * 25];
    float t53[9 * 9];
};

// Stages the matrices the chain uses (null = unused) and waits for the whole block.
__device__ void load_matrices(const float* t75, const float* t53, ChainMatrices& m) {
    if (t75 != nullptr)
        for (int i = threadIdx.x; i < 25 * 25; i += blockDim.x) m.t75[i] = t75[i];
    if (t53 != nullptr)
        for (int i = threadIdx.x; i < 9 * 9; i += blockDim.x) m.t53[i] = t53[i];
    __syncthreads();
}

// out[i] = sum_j t[i][j] * in[j], t being N x N row-major.
template <int N>
__device__ void mat_vec(const float* t, const float (&in)[N], float (&out)[N]) {
#pragma unroll
    for (int i = 0; i < N; ++i) {
        float sum = 0.0f;
#pragma unroll
        for (int j = 0; j < N; ++j) sum = fmaf(t[i * N + j], in[j], sum);
        out[i] = sum;
    }
}

// out[j] = sum_i t[i][j] * in[i]: the gradient of mat_vec with respect to its input.
template <int N>
__device__ void mat_t_vec(const float* t, const float (&in)[N], float (&out)[N]) {
#pragma unroll
    for (int j = 0; j < N; ++j) {
        float sum = 0.0f;
#pragma unroll
        for (int i = 0; i < N; ++i) sum = fmaf(t[i * N + j], in[i], sum);
        out[j] = sum;
    }
}

// The chain's 5x5 of channel ch: the stored centre 5x5, through t75 when k_max == 7.
__device__ void chain_w5(const TapView& stored5, bool use_t75, const float* t75, int ch, float (&w5)[25]) {
    float s5[25];
#pragma unroll
    for (int i = 0; i < 25; ++i) s5[i] = stored5.tap(i / 5, i % 5)[ch];
    if (use_t75) {
        mat_vec<25>(t75, s5, w5);
    } else {
#pragma unroll
        for (int i = 0; i < 25; ++i) w5[i] = s5[i];
    }
}

__device__ void centre3_of5(const float (&w5)[25], float (&c3)[9]) {
#pragma unroll
    for (int i = 0; i < 9; ++i) c3[i] = w5[(i / 3 + 1) * 5 + (i % 3 + 1)];
}

// weff is [k*k][c]; stored5 is the centre 5x5 of the supernet weight.
__global__ void __launch_bounds__(kChainThreads)
    effective_kernel_kernel(TapView stored5, int k, bool use_t75, const float* __restrict__ t75,
                            const float* __restrict__ t53, int c, float* __restrict__ weff) {
    __shared__ ChainMatrices m;
    load_matrices(use_t75 ? t75 : nullptr, k == 3 ? t53 : nullptr, m);
    const int ch = blockIdx.x * blockDim.x + threadIdx.x;
    if (ch >= c) return;
    float w5[25];
    chain_w5(stored5, use_t75, m.t75, ch, w5);
    if (k == 5) {
#pragma unroll
        for (int i = 0; i < 25; ++i) weff[int64_t(i) * c + ch] = w5[i];
        return;
    }
    float c3[9], w3[9];
    centre3_of5(w5, c3);
    mat_vec<9>(m.t53, c3, w3);
#pragma unroll
    for (int i = 0; i < 9; ++i) weff[int64_t(i) * c + ch] = w3[i];
}

// Per channel, from dweff [k*k][c] back to the stored centre 5x5:
//   k 3: dc3 = t53^T dw3; dw5 = dc3 placed in the centre (c3 and dw5 saved for the matrix grads)
//   k_max 7: dstored5 = t75^T dw5, else dstored5 = dw5; dweight's centre 5x5 += dstored5.
// dstored5 (dweight's centre 5x5, strides of stored5), c3_out [9][c], dw5_out [25][c]: null = skip.
__global__ void __launch_bounds__(kChainThreads)
    chain_backward_kernel(TapView stored5, int k, bool use_t75, const float* __restrict__ t75,
                          const float* __restrict__ t53, int c, const float* __restrict__ dweff,
                          float* __restrict__ dstored5, float* __restrict__ c3_out, float* __restrict__ dw5_out) {
    __shared__ ChainMatrices m;
    load_matrices(use_t75 ? t75 : nullptr, k == 3 ? t53 : nullptr, m);
    const int ch = blockIdx.x * blockDim.x + threadIdx.x;
    if (ch >= c) return;
    float dw5[25];
    if (k == 5) {
#pragma unroll
        for (int i = 0; i < 25; ++i) dw5[i] = dweff[int64_t(i) * c + ch];
    } else {
        if (c3_out != nullptr) {  // input of t53, for dt53
            float w5[25], c3[9];
            chain_w5(stored5, use_t75, m.t75, ch, w5);
            centre3_of5(w5, c3);
#pragma unroll
            for (int i = 0; i < 9; ++i) c3_out[int64_t(i) * c + ch] = c3[i];
        }
        float dw3[9], dc3[9];
#pragma unroll
        for (int i = 0; i < 9; ++i) dw3[i] = dweff[int64_t(i) * c + ch];
        mat_t_vec<9>(m.t53, dw3, dc3);
#pragma unroll
        for (int i = 0; i < 25; ++i) dw5[i] = 0.0f;
#pragma unroll
        for (int i = 0; i < 9; ++i) dw5[(i / 3 + 1) * 5 + (i % 3 + 1)] = dc3[i];
        if (dw5_out != nullptr) {
#pragma unroll
            for (int i = 0; i < 25; ++i) dw5_out[int64_t(i) * c + ch] = dw5[i];
        }
    }
    if (dstored5 == nullptr) return;
    float ds5[25];
    if (use_t75) {
        mat_t_vec<25>(m.t75, dw5, ds5);
    } else {
#pragma unroll
        for (int i = 0; i < 25; ++i) ds5[i] = dw5[i];
    }
#pragma unroll
    for (int i = 0; i < 25; ++i) {
        const int a = i / 5, b = i % 5;
        const bool ring = a == 0 || a == 4 || b == 0 || b == 4;
        if (!use_t75 && ring) continue;  // k 3 from k_max 5: only the centre 3x3 has a gradient
        dstored5[a * stored5.row + b * stored5.col + ch] += ds5[i];
    }
}

// out[i][j] += sum_{ch < c} a.at(i, ch) * b.at(j, ch), with a.k^2 and b.k^2 <= 25 taps: the gradient
// of a transform matrix (a = gradient of its output, b = its input). One block.
__global__ void __launch_bounds__(kGramThreads) tap_gram_kernel(TapView a, TapView b, int c, float* __restrict__ out) {
    constexpr int kPer = (25 * 25 + kGramThreads - 1) / kGramThreads;
    __shared__ float sa[25][kGramChunk + 1];
    __shared__ float sb[25][kGramChunk + 1];
    const int na = a.k * a.k, nb = b.k * b.k, nout = na * nb;
    float acc[kPer] = {};
    for (int c0 = 0; c0 < c; c0 += kGramChunk) {
        for (int e = threadIdx.x; e < na * kGramChunk; e += blockDim.x) {
            const int i = e / kGramChunk, l = e % kGramChunk;
            sa[i][l] = c0 + l < c ? a.at(i, c0 + l) : 0.0f;
        }
        for (int e = threadIdx.x; e < nb * kGramChunk; e += blockDim.x) {
            const int j = e / kGramChunk, l = e % kGramChunk;
            sb[j][l] = c0 + l < c ? b.at(j, c0 + l) : 0.0f;
        }
        __syncthreads();
#pragma unroll
        for (int r = 0; r < kPer; ++r) {
            const int o = threadIdx.x + r * kGramThreads;
            if (o >= nout) continue;
            const int i = o / nb, j = o % nb;
            float sum = acc[r];
#pragma unroll 8
            for (int l = 0; l < kGramChunk; ++l) sum = fmaf(sa[i][l], sb[j][l], sum);
            acc[r] = sum;
        }
        __syncthreads();
    }
#pragma unroll
    for (int r = 0; r < kPer; ++r) {
        const int o = threadIdx.x + r * kGramThreads;
        if (o < nout) out[o] += acc[r];
    }
}

unsigned channel_blocks(int c) { return unsigned((c + kChainThreads - 1) / kChainThreads); }

}  // namespace

void effective_kernel(const DwShape& s, const float* weight, const float* t75, const float* t53, float* weff,
                      cudaStream_t stream) {
    effective_kernel_kernel<<<channel_blocks(s.c), kChainThreads, 0, stream>>>(
        TapView::crop(weight, s, 5), s.k, s.uses_t75(), t75, t53, s.c, weff);
    check_launch("effective_kernel_kernel");
}

size_t effective_kernel_backward_scratch(const DwShape& s, bool want_dt75, bool want_dt53) {
    size_t floats = 0;
    if (s.k == 3 && want_dt53) floats += size_t(9) * s.c;                      // c3
    if (s.k == 3 && s.uses_t75() && want_dt75) floats += size_t(25) * s.c;     // dw5
    return floats;
}

void effective_kernel_backward(const DwShape& s, const float* weight, const float* t75, const float* t53,
                               const float* dweff, float* dweight, float* dt75, float* dt53, float* scratch,
                               cudaStream_t stream) {
    if (!s.uses_t75()) dt75 = nullptr;
    if (!s.uses_t53()) dt53 = nullptr;
    const TapView stored5 = TapView::crop(weight, s, 5);
    float* next = scratch;
    float* c3 = nullptr;
    float* dw5 = nullptr;
    if (s.k == 3 && dt53 != nullptr) c3 = next, next += size_t(9) * s.c;
    if (s.k == 3 && dt75 != nullptr) dw5 = next;
    float* dstored5 = dweight == nullptr ? nullptr : dweight + (stored5.base - weight);
    if (dstored5 != nullptr || c3 != nullptr || dw5 != nullptr) {
        chain_backward_kernel<<<channel_blocks(s.c), kChainThreads, 0, stream>>>(
            stored5, s.k, s.uses_t75(), t75, t53, s.c, dweff, dstored5, c3, dw5);
        check_launch("chain_backward_kernel");
    }
    if (dt53 != nullptr) {  // dt53[i][j] += sum_ch dw3[i][ch] * c3[j][ch]
        tap_gram_kernel<<<1, kGramThreads, 0, stream>>>(TapView::dense(dweff, 3, s.c), TapView::dense(c3, 3, s.c),
                                                        s.c, dt53);
        check_launch("tap_gram_kernel (dt53)");
    }
    if (dt75 != nullptr) {  // dt75[i][j] += sum_ch dw5[i][ch] * stored5[j][ch]
        const float* dw5_taps = s.k == 5 ? dweff : dw5;
        tap_gram_kernel<<<1, kGramThreads, 0, stream>>>(TapView::dense(dw5_taps, 5, s.c), stored5, s.c, dt75);
        check_launch("tap_gram_kernel (dt75)");
    }
}

}  // namespace compofa::cuda
