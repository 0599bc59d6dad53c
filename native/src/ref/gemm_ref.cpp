// Reference row-major GEMM on sub-blocks: C = alpha * op(A) * op(B) + beta * C.
// op(A)(r, kk) is a[r*lda + kk], or a[kk*lda + r] transposed; likewise B. beta == 0 never reads C.
#include "ref/ref_ops.h"

namespace compofa::ref {

void gemm(const Gemm& op, void*) {
    for (int r = 0; r < op.m; ++r)
        for (int col = 0; col < op.n; ++col) {
            double sum = 0.0;
            for (int kk = 0; kk < op.k; ++kk) {
                double a = op.trans_a ? op.a[(std::size_t)kk * op.lda + r] : op.a[(std::size_t)r * op.lda + kk];
                double b = op.trans_b ? op.b[(std::size_t)col * op.ldb + kk] : op.b[(std::size_t)kk * op.ldb + col];
                sum += a * b;
            }
            float& c = op.c[(std::size_t)r * op.ldc + col];
            double out = (double)op.alpha * sum;
            if (op.beta != 0.0f) out += (double)op.beta * c;
            c = (float)out;
        }
}

}  // namespace compofa::ref
