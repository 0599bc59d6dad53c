// Fused ops on the CPU. The epilogue is folded to one multiply-add per element and applied to each
// block of output right after the kernel wrote it, so the BN and activation passes over memory
// disappear; in training the block's column statistics are gathered there instead (for the batch
// norm that follows, compofa_conv1x1_stats_forward). The 1x1 convolution is split into row blocks
// shared by our pool threads, each running a single-threaded GEMM on its block: the GEMM then uses every core without
// OpenBLAS's own thread pool, whose workers and ours spun against each other (benchmarks/RESULTS.md).
#include "cpu/column_statistics.h"
#include "cpu/epilogue_cpu.h"
#include "cpu/nn_cpu_ops.h"

#ifdef COMPOFA_HAVE_CBLAS
#include <cblas.h>
#endif

namespace compofa::cpu {
COMPOFA_ISA_BEGIN  // compiled once per ISA (cpu/isa.h)

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

bool trivial(const Epilogue& e) { return e.bias == nullptr && e.gamma == nullptr && e.act == COMPOFA_ACT_IDENTITY; }

void block_gemm(const FusedConv1x1& op, int64_t r0, int64_t rows) {
    Gemm g{false, true, int32_t(rows), op.cout, op.cin, 1.0f, op.x + r0 * op.cin, op.cin, op.w, op.ldw,
           0.0f, op.y + r0 * op.cout, op.cout};
    gemm(g, nullptr);
}

}  // namespace

void conv1x1_fused(const FusedConv1x1& op, void*) {
    const FoldedEpilogue f = fold_epilogue(op.e, op.cout);
    const bool epilogue = !trivial(op.e);
    const int64_t work = int64_t(op.rows) * op.cin * op.cout;
    const int nt = work >= (int64_t(1) << 16) ? std::min<int64_t>(threads(), op.rows) : 1;
    // With OpenBLAS on its own threads: one GEMM over all rows, then the blocks' epilogue/statistics.
    const bool one_gemm = nt > 1 && !gemm_per_thread();
    if (one_gemm) block_gemm(op, 0, op.rows);
    const int64_t block = std::min<int64_t>(kMaxBlockRows, (op.rows + nt - 1) / nt);
    const int64_t blocks = (op.rows + block - 1) / block;
    const bool statistics = op.batch_mean != nullptr;
    ColumnParts parts(statistics ? op.rows : 0, op.cout, block);  // one part per block
    parallel_for(blocks, nt, [&](int64_t q) {
        const int64_t r0 = q * block, rows = std::min(block, op.rows - r0);
        if (!one_gemm) block_gemm(op, r0, rows);
        float* y = op.y + r0 * op.cout;
        if (epilogue) apply_folded(y, rows, op.cout, f);
        if (statistics) {
            ColumnSums sums(op.cout);
            sums.add(y, rows);
            parts.finish(q, sums);
        }
    });
    if (statistics) parts.merge(op.batch_mean, op.batch_var);
}

void dwconv_fused(const DwForward& op, const Epilogue& e, void*) {
    const FoldedEpilogue f = fold_epilogue(e, op.s.c);
    // Training (batch_mean set, e the identity): the forward gathers the output's statistics instead.
    dwconv_forward_epilogue(op, op.batch_mean != nullptr ? nullptr : &f);
}

COMPOFA_ISA_END
}  // namespace compofa::cpu
