// Row-major GEMM on sub-blocks, C = alpha * op(A) * op(B) + beta * C, on the CPU.
// With CBLAS (COMPOFA_HAVE_CBLAS) the leading dimensions pass straight through to cblas_sgemm, which
// is what makes a supernet weight slice zero-copy; beta == 0 is passed as 0, so C is not read.
// Without it (COMPOFA_BLAS=OFF builds) the built-in blocked kernel of gemm_blocked.cpp runs.
#include "cpu/cpu_ops.h"

#ifdef COMPOFA_HAVE_CBLAS
#include <cblas.h>
#endif

namespace compofa::cpu {

void gemm(const Gemm& op, void*) {
#ifdef COMPOFA_HAVE_CBLAS
    cblas_sgemm(CblasRowMajor, op.trans_a ? CblasTrans : CblasNoTrans, op.trans_b ? CblasTrans : CblasNoTrans,
                op.m, op.n, op.k, op.alpha, op.a, op.lda, op.b, op.ldb, op.beta == 0.0f ? 0.0f : op.beta, op.c,
                op.ldc);
#else
    gemm_blocked(op);
#endif
}

}  // namespace compofa::cpu
