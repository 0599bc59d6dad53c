// Row-major GEMM on sub-blocks, C = alpha * op(A) * op(B) + beta * C, on the CPU.
// With CBLAS (COMPOFA_HAVE_CBLAS) the leading dimensions pass straight through to cblas_sgemm, which
// is what makes a supernet weight slice zero-copy; beta == 0 is passed as 0, so C is not read.
// OpenBLAS runs on the calling thread only (its own pool and our pool's workers fight for the cores):
// the library sets that itself when it is loaded, unless the user chose OPENBLAS_NUM_THREADS. A large
// GEMM is then split into one block of C per pool thread (thread_pool.h), each a single-threaded
// cblas_sgemm, so GEMMs use every core too.
// Without CBLAS (COMPOFA_BLAS=OFF builds) the built-in blocked kernel of gemm_blocked.cpp runs.
#include <algorithm>
#include <cstdlib>

#include "cpu/cpu_ops.h"

#ifdef COMPOFA_HAVE_CBLAS
#include <cblas.h>
#endif

namespace compofa::cpu {

#ifdef COMPOFA_HAVE_CBLAS
namespace {

#ifdef COMPOFA_BLAS_STATIC
// OpenBLAS's own load-time initialiser (idempotent). Linked statically, its constructor sits in the
// same library as ours and runs after it; openblas_set_num_threads before it crashes (measured), so
// ours runs it first.
extern "C" void gotoblas_init(void);
#endif

// Runs when libcompofa is loaded (after OpenBLAS is initialised), for every caller: Java, Python,
// C. A user's explicit OPENBLAS_NUM_THREADS wins (the per-thread split then steps aside).
__attribute__((constructor)) void blas_on_calling_thread() {
#ifdef COMPOFA_BLAS_STATIC
    gotoblas_init();
#endif
    if (std::getenv("OPENBLAS_NUM_THREADS") == nullptr) openblas_set_num_threads(1);
}

constexpr int64_t kSplitWork = int64_t(1) << 20;  // m*n*k below this: one call (threads cost more)

void sgemm(const Gemm& g) {
    cblas_sgemm(CblasRowMajor, g.trans_a ? CblasTrans : CblasNoTrans, g.trans_b ? CblasTrans : CblasNoTrans, g.m,
                g.n, g.k, g.alpha, g.a, g.lda, g.b, g.ldb, g.beta == 0.0f ? 0.0f : g.beta, g.c, g.ldc);
}

// Rows [r0, r0 + rows) of C: the same rows of op(A).
Gemm row_block(Gemm g, int r0, int rows) {
    g.a += g.trans_a ? r0 : int64_t(r0) * g.lda;
    g.c += int64_t(r0) * g.ldc;
    g.m = rows;
    return g;
}

// Columns [j0, j0 + cols) of C: the same columns of op(B).
Gemm col_block(Gemm g, int j0, int cols) {
    g.b += g.trans_b ? int64_t(j0) * g.ldb : j0;
    g.c += j0;
    g.n = cols;
    return g;
}

}  // namespace
#endif

void gemm(const Gemm& op, void*) {
#ifdef COMPOFA_HAVE_CBLAS
    const int nt = threads();
    const bool split = nt > 1 && int64_t(op.m) * op.n * op.k >= kSplitWork && !in_parallel_region() &&
                       openblas_get_num_threads() == 1 && std::max(op.m, op.n) >= 2 * nt;
    if (!split) {
        sgemm(op);
        return;
    }
    // Split the longer side of C into nt blocks (columns in multiples of 16: whole SIMD panels).
    const bool by_rows = op.m >= op.n;
    const int len = by_rows ? op.m : op.n;
    const int quantum = by_rows ? 1 : 16;
    const int per = (len / nt + quantum - 1) / quantum * quantum;
    parallel_parts(nt, [&](int t) {
        const int begin = std::min(len, t * per), end = t == nt - 1 ? len : std::min(len, (t + 1) * per);
        if (end > begin) sgemm(by_rows ? row_block(op, begin, end - begin) : col_block(op, begin, end - begin));
    });
#else
    gemm_blocked(op);
#endif
}

}  // namespace compofa::cpu
