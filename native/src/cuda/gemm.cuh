// Row-major SGEMM on the device: C = alpha * op(A) * op(B) + beta * C (see compofa.h).
#pragma once
#include <cuda_runtime.h>

#include "common/epilogue.h"
#include "common/kernels.h"

namespace compofa::cuda {

void gemm(const Gemm& op, void* stream);

// The tensor-core kernel of gemm_tc.cu for op.precision TF32 or BF16; epilogue as gemm.cu's fused store;
// stats (2 x n doubles, zeroed) non-null: the columns' sums and sums of squares of C are added there.
void launch_gemm_tensor_cores(const Gemm& op, const Epilogue& e, bool epilogue, void* stream, double* stats);

// The mean and biased variance of n columns of `rows` rows from their sums and sums of squares
// (stats[j], stats[n + j], doubles), into mean[j] and var[j]; for the training convolutions.
void finish_column_statistics(const double* stats, int32_t n, int64_t rows, float* mean, float* var,
                              cudaStream_t stream);

// Stores v (alpha times the accumulated product) at C[i][j]: the fused op's epilogue (it always
// overwrites), else beta C + v, where beta == 0 overwrites without reading C (NaN there does not propagate).
__device__ inline void store_c(const Gemm& g, const Epilogue& e, bool epilogue, int i, int j, float v) {
    float* cij = g.c + int64_t(i) * g.ldc + j;
    if (epilogue)
        *cij = apply_epilogue(e, j, v);
    else
        *cij = g.beta == 0.0f ? v : fmaf(g.beta, *cij, v);
}

// One column's share of a tile's statistics: the 16 partial sums a tile's rows left in red_s/red_q
// (column jl of the tile), added to stats[j] and stats[n + j]. Columns past n add nothing.
template <int Parts, int Width>
__device__ inline void add_column_sums(double* stats, int n, int j, const double (&red_s)[Parts][Width],
                                       const double (&red_q)[Parts][Width], int jl) {
    if (j >= n) return;
    double s = 0.0, q = 0.0;
    for (int p = 0; p < Parts; ++p) {
        s += red_s[p][jl];
        q += red_q[p][jl];
    }
    atomicAdd(stats + j, s);
    atomicAdd(stats + n + j, q);
}

}  // namespace compofa::cuda
