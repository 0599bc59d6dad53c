// Fused inference ops on the CPU. The epilogue is folded to one multiply-add per element and
// applied to each block of output right after the kernel wrote it, so the BN and activation passes
// over memory disappear. The 1x1 convolution is split into row blocks shared by our OpenMP threads,
// each running a single-threaded GEMM on its block: the GEMM then uses every core without
// OpenBLAS's own thread pool, whose workers and ours spun against each other (benchmarks/RESULTS.md).
#include "cpu/epilogue_cpu.h"
#include "cpu/nn_cpu_ops.h"

#ifdef COMPOFA_HAVE_CBLAS
#include <cblas.h>
#endif

namespace compofa::cpu {

namespace {

constexpr int64_t kMaxBlockRows = 256;  // a block's output (<= 256 x cout floats) stays in L2

// Whether several threads may each run their own GEMM: true for the built-in kernel (its nested
// parallel region runs on one thread) and for an OpenBLAS limited to one thread.
bool gemm_per_thread() {
#ifdef COMPOFA_HAVE_CBLAS
    return openblas_get_num_threads() == 1;
#else
    return true;
#endif
}

void conv_block(const FusedConv1x1& op, int64_t r0, int64_t rows, const FoldedEpilogue& f) {
    Gemm g{false, true, int32_t(rows), op.cout, op.cin, 1.0f, op.x + r0 * op.cin, op.cin, op.w, op.ldw,
           0.0f, op.y + r0 * op.cout, op.cout};
    gemm(g, nullptr);
    apply_folded(op.y + r0 * op.cout, rows, op.cout, f);
}

}  // namespace

void conv1x1_fused(const FusedConv1x1& op, void*) {
    const FoldedEpilogue f = fold_epilogue(op.e, op.cout);
    const int64_t work = int64_t(op.rows) * op.cin * op.cout;
    const int nt = work >= (int64_t(1) << 16) ? std::min<int64_t>(threads(), op.rows) : 1;
    if (nt > 1 && !gemm_per_thread()) {  // one GEMM on BLAS's own threads, then the epilogue
        conv_block(op, 0, op.rows, f);
        return;
    }
    const int64_t block = std::min<int64_t>(kMaxBlockRows, (op.rows + nt - 1) / nt);
    const int64_t blocks = (op.rows + block - 1) / block;
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
    for (int64_t q = 0; q < blocks; ++q) conv_block(op, q * block, std::min(block, op.rows - q * block), f);
}

void dwconv_fused(const DwForward& op, const Epilogue& e, void*) {
    const FoldedEpilogue f = fold_epilogue(e, op.s.c);
    dwconv_forward_epilogue(op, &f);
}

}  // namespace compofa::cpu
