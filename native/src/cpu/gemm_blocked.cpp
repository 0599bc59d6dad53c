// Built-in cache-blocked GEMM for builds without CBLAS: C = alpha * op(A) * op(B) + beta * C,
// row-major with leading dimensions. Blocks of op(B) (KC x NC) and op(A) (MC x KC) are packed
// (transposes and alpha are resolved while packing, ragged edges zero-padded) and an MR x NR
// register tile of C accumulates over the KC depth; the thread pool shares the packing and the tiles.
#include <algorithm>
#include <vector>

#include "cpu/cpu_ops.h"

namespace compofa::cpu {

namespace {

constexpr int MR = 4, NR = 16;                  // register tile: 4 rows x 2 AVX2 vectors
constexpr int MC = 128, KC = 256, NC = 1024;    // A block ~128 KiB (L2), B block ~1 MiB (L2)

int round_up(int v, int to) { return (v + to - 1) / to * to; }

float a_at(const Gemm& g, int64_t r, int64_t kk) { return g.trans_a ? g.a[kk * g.lda + r] : g.a[r * g.lda + kk]; }
float b_at(const Gemm& g, int64_t kk, int64_t col) { return g.trans_b ? g.b[col * g.ldb + kk] : g.b[kk * g.ldb + col]; }

// C[rows x cols tile] += acc, with acc = Ap panel (MR x kc, row-major) * Bp panel (kc x NR, stride ncp).
inline void micro_tile(const float* __restrict ap, const float* __restrict bp, int kc, int ncp, float* c, int64_t ldc,
                       int rows, int cols) {
    float acc[MR][NR] = {};
    for (int p = 0; p < kc; ++p) {
        const float* __restrict b = bp + (int64_t)p * ncp;
        for (int r = 0; r < MR; ++r) {
            const float a = ap[r * kc + p];
#pragma omp simd
            for (int l = 0; l < NR; ++l) acc[r][l] += a * b[l];
        }
    }
    for (int r = 0; r < rows; ++r)
        for (int l = 0; l < cols; ++l) c[r * ldc + l] += acc[r][l];
}

}  // namespace

void gemm_blocked(const Gemm& g) {
    const int64_t ldc = g.ldc;
    const bool big = (int64_t)g.m * g.n * g.k >= (int64_t)1 << 18;
    const int nt = big ? threads() : 1;
    std::vector<float> bpack((size_t)KC * round_up(std::min(g.n, NC), NR));
    std::vector<float> apack((size_t)round_up(std::min(g.m, MC), MR) * KC);
    // C = beta * C first (beta == 0 overwrites, so NaN in C does not propagate).
    parallel_for(g.m, nt, [&](int64_t r) {
        float* c = g.c + r * ldc;
        if (g.beta == 0.0f)
            std::fill_n(c, g.n, 0.0f);
        else if (g.beta != 1.0f)
            for (int l = 0; l < g.n; ++l) c[l] *= g.beta;
    });
    for (int jc = 0; jc < g.n; jc += NC) {
        const int nc = std::min(NC, g.n - jc), ncp = round_up(nc, NR);
        for (int pc = 0; pc < g.k; pc += KC) {
            const int kc = std::min(KC, g.k - pc);
            parallel_for(kc, nt, [&](int64_t p) {
                float* dst = bpack.data() + p * ncp;
                for (int l = 0; l < nc; ++l) dst[l] = b_at(g, pc + p, jc + l);
                std::fill(dst + nc, dst + ncp, 0.0f);
            });
            for (int ic = 0; ic < g.m; ic += MC) {
                const int mc = std::min(MC, g.m - ic), mcp = round_up(mc, MR);
                parallel_for(mcp, nt, [&](int64_t r) {  // panels of MR rows, each MR x kc row-major
                    float* dst = apack.data() + (r / MR) * MR * kc + (r % MR) * kc;
                    if (r < mc)
                        for (int p = 0; p < kc; ++p) dst[p] = g.alpha * a_at(g, ic + r, pc + p);
                    else
                        std::fill_n(dst, kc, 0.0f);
                });
                const int tiles_m = mcp / MR, tiles_n = ncp / NR;
                parallel_for(int64_t(tiles_m) * tiles_n, nt, [&](int64_t tile) {
                    const int r0 = int(tile / tiles_n) * MR, c0 = int(tile % tiles_n) * NR;
                    micro_tile(apack.data() + (int64_t)r0 * kc, bpack.data() + c0, kc, ncp,
                               g.c + (ic + r0) * ldc + jc + c0, ldc, std::min(MR, mc - r0), std::min(NR, nc - c0));
                });
            }
        }
    }
}

}  // namespace compofa::cpu
