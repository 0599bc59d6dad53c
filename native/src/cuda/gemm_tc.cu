// Tensor-core GEMM (WMMA) behind the TF32 and BF16 precision settings (compofa_context_set_precision):
// the contract of gemm.cu's SIMT kernel, C = alpha op(A) op(B) + beta C or the fused 1x1
// convolution's epilogue, with each operand rounded to the setting's format as it is staged in
// shared memory (TF32: 10-bit mantissa, round to nearest; BF16: 7-bit, round to nearest even) and
// the products accumulated in fp32. Weights, gradients and the optimizer stay fp32 where they live
// (fp32 master weights): only the staged copy is rounded, so a subnet still reads its slice in place.
// A block of 128 threads (4 warps as 2 x 2) computes a 64 x 64 tile of C, each warp 32 x 32 as
// 2 x 2 fragments of 16 x 16; k advances 16 at a time (two m16n16k8 steps for TF32, one m16n16k16
// for BF16). The accumulators pass through shared memory so the store applies alpha/beta or the
// epilogue per element and writes C row by row, coalesced.
#include <cuda_bf16.h>
#include <mma.h>

#include "cuda/cuda_check.h"
#include "cuda/gemm.cuh"
#include "cuda/nn_ops.cuh"

namespace compofa::cuda {

namespace {

using namespace nvcuda;

constexpr int kBM = 64, kBN = 64, kBK = 16;
constexpr int kThreads = 128;

template <int Precision>
struct Operand;

template <>
struct Operand<COMPOFA_PRECISION_TF32> {
    using Stored = float;  // TF32 values live in fp32 storage with the low 13 mantissa bits cleared
    using Fragment = wmma::precision::tf32;
    static constexpr int kK = 8;    // m16n16k8
    static constexpr int kPad = 4;  // ldm: a multiple of 4 floats
    __device__ static float convert(float v) { return wmma::__float_to_tf32(v); }
};

template <>
struct Operand<COMPOFA_PRECISION_BF16> {
    using Stored = __nv_bfloat16;
    using Fragment = __nv_bfloat16;
    static constexpr int kK = 16;   // m16n16k16
    static constexpr int kPad = 8;  // ldm: a multiple of 8 halves
    __device__ static __nv_bfloat16 convert(float v) { return __float2bfloat16_rn(v); }
};

// op(A) is m x k: A[i][kk] at a[i*lda + kk], or (TA) a[kk*lda + i]; op(B) is k x n likewise.
template <int Precision, bool TA, bool TB>
__global__ void __launch_bounds__(kThreads) gemm_tc_kernel(Gemm g, Epilogue e, bool epilogue, int n_tiles,
                                                           double* stats) {
    using Op = Operand<Precision>;
    using T = typename Op::Stored;
    constexpr int lda_s = kBK + Op::kPad, ldb_s = kBN + Op::kPad, ldc_s = kBN + 4;
    __shared__ __align__(32) T As[kBM * lda_s];  // As[i][kk]
    __shared__ __align__(32) T Bs[kBK * ldb_s];  // Bs[kk][j]
    __shared__ __align__(32) float Cs[kBM * ldc_s];
    const int tid = threadIdx.x, warp = tid / 32;
    const int wr = (warp / 2) * 32, wc = (warp % 2) * 32;  // the warp's 32 x 32 part of the tile
    const int row0 = blockIdx.x * kBM;                     // m tiles on x, n tiles on y
    for (int tile_n = blockIdx.y; tile_n < n_tiles; tile_n += gridDim.y) {
        const int col0 = tile_n * kBN;
        wmma::fragment<wmma::accumulator, 16, 16, Op::kK, float> acc[2][2];
#pragma unroll
        for (int r = 0; r < 2; ++r)
#pragma unroll
            for (int q = 0; q < 2; ++q) wmma::fill_fragment(acc[r][q], 0.0f);
        for (int k0 = 0; k0 < g.k; k0 += kBK) {
            // Stage both tiles, rounded; walk along whichever index is contiguous in memory. Tails are 0.
            for (int s = tid; s < kBM * kBK; s += kThreads) {
                const int ai = TA ? s % kBM : s / kBK, ak = TA ? s / kBM : s % kBK;
                const int gi = row0 + ai, gka = k0 + ak;
                float av = 0.0f;
                if (gi < g.m && gka < g.k) av = TA ? g.a[int64_t(gka) * g.lda + gi] : g.a[int64_t(gi) * g.lda + gka];
                As[ai * lda_s + ak] = Op::convert(av);
                const int bj = TB ? s / kBK : s % kBN, bk = TB ? s % kBK : s / kBN;
                const int gj = col0 + bj, gkb = k0 + bk;
                float bv = 0.0f;
                if (gj < g.n && gkb < g.k) bv = TB ? g.b[int64_t(gj) * g.ldb + gkb] : g.b[int64_t(gkb) * g.ldb + gj];
                Bs[bk * ldb_s + bj] = Op::convert(bv);
            }
            __syncthreads();
#pragma unroll
            for (int kk = 0; kk < kBK; kk += Op::kK) {
                wmma::fragment<wmma::matrix_a, 16, 16, Op::kK, typename Op::Fragment, wmma::row_major> fa[2];
                wmma::fragment<wmma::matrix_b, 16, 16, Op::kK, typename Op::Fragment, wmma::row_major> fb[2];
#pragma unroll
                for (int r = 0; r < 2; ++r) wmma::load_matrix_sync(fa[r], As + (wr + 16 * r) * lda_s + kk, lda_s);
#pragma unroll
                for (int q = 0; q < 2; ++q) wmma::load_matrix_sync(fb[q], Bs + kk * ldb_s + wc + 16 * q, ldb_s);
#pragma unroll
                for (int r = 0; r < 2; ++r)
#pragma unroll
                    for (int q = 0; q < 2; ++q) wmma::mma_sync(acc[r][q], fa[r], fb[q], acc[r][q]);
            }
            __syncthreads();
        }
#pragma unroll
        for (int r = 0; r < 2; ++r)
#pragma unroll
            for (int q = 0; q < 2; ++q)
                wmma::store_matrix_sync(Cs + (wr + 16 * r) * ldc_s + wc + 16 * q, acc[r][q], ldc_s,
                                        wmma::mem_row_major);
        __syncthreads();
        for (int s = tid; s < kBM * kBN; s += kThreads) {
            const int i = row0 + s / kBN, j = col0 + s % kBN;
            if (i >= g.m || j >= g.n) continue;
            store_c(g, e, epilogue, i, j, g.alpha * Cs[(s / kBN) * ldc_s + s % kBN]);
        }
        if (stats != nullptr) {  // training 1x1 conv: the tile's column sums, read back from Cs
            __shared__ double red_s[2][kBN], red_q[2][kBN];
            const int jl = tid % kBN, half = tid / kBN;  // two threads per column, 32 rows each
            double s = 0.0, sq = 0.0;
            for (int il = half * 32; il < half * 32 + 32 && row0 + il < g.m; ++il) {
                const double v = g.alpha * Cs[il * ldc_s + jl];
                s += v;
                sq += v * v;
            }
            red_s[half][jl] = s;
            red_q[half][jl] = sq;
            __syncthreads();
            if (tid < kBN) add_column_sums(stats, g.n, col0 + tid, red_s, red_q, tid);
        }
        __syncthreads();  // the next n tile reuses Cs
    }
}

using GemmTcFn = void (*)(Gemm, Epilogue, bool, int, double*);

template <int Precision>
constexpr GemmTcFn kKernels[2][2] = {{gemm_tc_kernel<Precision, false, false>, gemm_tc_kernel<Precision, false, true>},
                                     {gemm_tc_kernel<Precision, true, false>, gemm_tc_kernel<Precision, true, true>}};

}  // namespace

void launch_gemm_tensor_cores(const Gemm& op, const Epilogue& e, bool epilogue, void* stream, double* stats) {
    const int m_tiles = (op.m + kBM - 1) / kBM;
    const int n_tiles = (op.n + kBN - 1) / kBN;
    const dim3 grid(unsigned(m_tiles), unsigned(std::min(n_tiles, 65535)));
    const GemmTcFn fn = op.precision == COMPOFA_PRECISION_BF16 ? kKernels<COMPOFA_PRECISION_BF16>[op.trans_a][op.trans_b]
                                                               : kKernels<COMPOFA_PRECISION_TF32>[op.trans_a][op.trans_b];
    fn<<<grid, kThreads, 0, as_stream(stream)>>>(op, e, epilogue, n_tiles, stats);
    check_launch("gemm_tc_kernel");
}

}  // namespace compofa::cuda
