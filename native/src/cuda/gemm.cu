// Shared-memory tiled SGEMM (no cuBLAS in this build). A block of 256 threads computes a 64 x 64
// tile of C, stepping through k 16 at a time; each thread keeps a 4 x 4 register block whose rows
// and columns are 16 apart, so a warp reads consecutive shared-memory words. Tiles are staged
// k-major (As[kk][i], Bs[kk][j]) whatever the transposes; the global loads are arranged so that
// consecutive threads read consecutive addresses for each transpose case. Tails are zero-filled.
// The fused 1x1 convolution of inference applies its per-column epilogue (bias, eval BN,
// activation) in the store, so its output is written once. The TF32/BF16 precision settings go to
// the tensor-core kernel of gemm_tc.cu instead. The training 1x1 convolution (compofa_conv1x1_stats_
// forward) sums each tile's columns in its store (shared memory, then one double atomicAdd per column
// and tile), so the batch norm after it needs no statistics pass over y.
#include "cuda/cuda_check.h"
#include "cuda/dwconv_common.cuh"
#include "cuda/gemm.cuh"
#include "cuda/nn_ops.cuh"

namespace compofa::cuda {

namespace {

constexpr int kBM = 64, kBN = 64, kBK = 16;
constexpr int kThreads = 256;
constexpr int kTM = kBM / 16, kTN = kBN / 16;  // 4 x 4 per thread on a 16 x 16 thread grid
constexpr int kLoads = kBM * kBK / kThreads;   // tile elements each thread stages (A and B alike)
static_assert(kBM * kBK == kBN * kBK && kBM * kBK % kThreads == 0, "tile staging assumes square tiles");

// op(A) is m x k: A[i][kk] at a[i*lda + kk], or (TA) a[kk*lda + i]; op(B) is k x n likewise.
template <bool TA, bool TB>
__global__ void __launch_bounds__(kThreads) gemm_kernel(Gemm g, Epilogue e, bool epilogue, int n_tiles,
                                                        double* stats) {
    __shared__ float As[kBK][kBM + 1];  // +1: staging writes down a column hit distinct banks
    __shared__ float Bs[kBK][kBN + 1];
    const int tid = threadIdx.x, tx = tid % 16, ty = tid / 16;
    const int row0 = blockIdx.x * kBM;  // m tiles on x (up to 2^31 blocks), n tiles on y
    for (int tile_n = blockIdx.y; tile_n < n_tiles; tile_n += gridDim.y) {
        const int col0 = tile_n * kBN;
        float acc[kTM][kTN] = {};
        for (int k0 = 0; k0 < g.k; k0 += kBK) {
#pragma unroll
            for (int r = 0; r < kLoads; ++r) {
                const int e = tid + r * kThreads;
                // A tile: walk along whichever of i / kk is contiguous in memory.
                const int ai = TA ? e % kBM : e / kBK, ak = TA ? e / kBM : e % kBK;
                const int gi = row0 + ai, gka = k0 + ak;
                float av = 0.0f;
                if (gi < g.m && gka < g.k)
                    av = TA ? g.a[int64_t(gka) * g.lda + gi] : g.a[int64_t(gi) * g.lda + gka];
                As[ak][ai] = av;
                const int bj = TB ? e / kBK : e % kBN, bk = TB ? e % kBK : e / kBN;
                const int gj = col0 + bj, gkb = k0 + bk;
                float bv = 0.0f;
                if (gj < g.n && gkb < g.k)
                    bv = TB ? g.b[int64_t(gj) * g.ldb + gkb] : g.b[int64_t(gkb) * g.ldb + gj];
                Bs[bk][bj] = bv;
            }
            __syncthreads();
#pragma unroll
            for (int kk = 0; kk < kBK; ++kk) {
                float av[kTM], bv[kTN];
#pragma unroll
                for (int r = 0; r < kTM; ++r) av[r] = As[kk][ty + 16 * r];
#pragma unroll
                for (int q = 0; q < kTN; ++q) bv[q] = Bs[kk][tx + 16 * q];
#pragma unroll
                for (int r = 0; r < kTM; ++r)
#pragma unroll
                    for (int q = 0; q < kTN; ++q) acc[r][q] = fmaf(av[r], bv[q], acc[r][q]);
            }
            __syncthreads();
        }
#pragma unroll
        for (int r = 0; r < kTM; ++r) {
            const int i = row0 + ty + 16 * r;
            if (i >= g.m) continue;
#pragma unroll
            for (int q = 0; q < kTN; ++q) {
                const int j = col0 + tx + 16 * q;
                if (j >= g.n) continue;
                store_c(g, e, epilogue, i, j, g.alpha * acc[r][q]);
            }
        }
        if (stats != nullptr) {  // training 1x1 conv (beta 0, no epilogue): the tile's column sums
            __shared__ double red_s[16][kBN], red_q[16][kBN];
#pragma unroll
            for (int q = 0; q < kTN; ++q) {
                double s = 0.0, sq = 0.0;
#pragma unroll
                for (int r = 0; r < kTM; ++r) {
                    if (row0 + ty + 16 * r >= g.m) continue;
                    const double v = g.alpha * acc[r][q];
                    s += v;
                    sq += v * v;
                }
                red_s[ty][tx + 16 * q] = s;
                red_q[ty][tx + 16 * q] = sq;
            }
            __syncthreads();
            if (tid < kBN) add_column_sums(stats, g.n, col0 + tid, red_s, red_q, tid);
            __syncthreads();
        }
    }
}

using GemmFn = void (*)(Gemm, Epilogue, bool, int, double*);
constexpr GemmFn kGemmKernels[2][2] = {{gemm_kernel<false, false>, gemm_kernel<false, true>},
                                       {gemm_kernel<true, false>, gemm_kernel<true, true>}};

void launch_gemm(const Gemm& op, const Epilogue& e, bool epilogue, void* stream, double* stats = nullptr) {
    if (op.precision != COMPOFA_PRECISION_FP32) return launch_gemm_tensor_cores(op, e, epilogue, stream, stats);
    const int m_tiles = (op.m + kBM - 1) / kBM;
    const int n_tiles = (op.n + kBN - 1) / kBN;
    const dim3 grid(unsigned(m_tiles), unsigned(std::min(n_tiles, 65535)));
    kGemmKernels[op.trans_a][op.trans_b]<<<grid, kThreads, 0, as_stream(stream)>>>(op, e, epilogue, n_tiles, stats);
    check_launch("gemm_kernel");
}

__global__ void column_statistics_kernel(const double* stats, int32_t n, int64_t rows, float* mean, float* var) {
    const int64_t j = grid_index();
    if (j >= n) return;
    const double m = stats[j] / double(rows);
    const double v = stats[n + j] / double(rows) - m * m;
    mean[j] = float(m);
    var[j] = float(v > 0.0 ? v : 0.0);
}

}  // namespace

void finish_column_statistics(const double* stats, int32_t n, int64_t rows, float* mean, float* var,
                              cudaStream_t stream) {
    column_statistics_kernel<<<grid_for(n, 256), 256, 0, stream>>>(stats, n, rows, mean, var);
    check_launch("column_statistics_kernel");
}

void gemm(const Gemm& op, void* stream) { launch_gemm(op, Epilogue{}, false, stream); }

void conv1x1_fused(const FusedConv1x1& op, void* stream) {
    const Gemm g{false, true, op.rows, op.cout, op.cin, 1.0f, op.x, op.cin, op.w, op.ldw, 0.0f, op.y, op.cout,
                 op.precision};
    if (op.batch_mean == nullptr) {
        launch_gemm(g, op.e, true, stream);
        return;
    }
    // Training: column sums and sums of squares (double) gathered by every tile's store, then the
    // batch's mean and biased variance per column.
    const cudaStream_t s = as_stream(stream);
    StreamScratch scratch(4 * size_t(op.cout), s);  // 2 x cout doubles
    double* stats = reinterpret_cast<double*>(scratch.get());
    check(cudaMemsetAsync(stats, 0, 2 * size_t(op.cout) * sizeof(double), s), "cudaMemsetAsync (column sums)");
    launch_gemm(g, Epilogue{}, false, stream, stats);
    finish_column_statistics(stats, op.cout, op.rows, op.batch_mean, op.batch_var, s);
    scratch.release();
}

}  // namespace compofa::cuda
