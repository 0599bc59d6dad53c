// Fused ops on the CPU. The epilogue is folded to one multiply-add per element and applied to each
// block of output right after the kernel wrote it, so the BN and activation passes over memory
// disappear; in training the block's column statistics are gathered there instead (for the batch
// norm that follows, compofa_conv1x1_stats_forward). The 1x1 convolution is split into row blocks
// shared by our OpenMP threads, each running a single-threaded GEMM on its block: the GEMM then uses every core without
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

bool trivial(const Epilogue& e) { return e.bias == nullptr && e.gamma == nullptr && e.act == COMPOFA_ACT_IDENTITY; }

void block_gemm(const FusedConv1x1& op, int64_t r0, int64_t rows) {
    Gemm g{false, true, int32_t(rows), op.cout, op.cin, 1.0f, op.x + r0 * op.cin, op.cin, op.w, op.ldw,
           0.0f, op.y + r0 * op.cout, op.cout};
    gemm(g, nullptr);
}

// The column means and sums of squared deviations of one block of y (rows x c, still in cache), in
// double, shifted by the block's first row so a large common offset costs no precision.
void block_statistics(const float* y, int64_t rows, int c, double* mean, double* m2) {
    std::vector<double> s1(c, 0.0), s2(c, 0.0);
    double* __restrict a = s1.data();
    double* __restrict b = s2.data();
    for (int64_t r = 0; r < rows; ++r) {
        const float* yr = y + r * c;
#pragma omp simd
        for (int j = 0; j < c; ++j) {
            const double d = double(yr[j]) - double(y[j]);
            a[j] += d;
            b[j] += d * d;
        }
    }
    for (int j = 0; j < c; ++j) {
        mean[j] = double(y[j]) + a[j] / double(rows);
        m2[j] = std::max(0.0, b[j] - a[j] * a[j] / double(rows));
    }
}

// Chan et al.'s pairwise update, block by block in order (deterministic): the batch's mean and
// biased variance from the blocks' (count, mean, m2).
void merge_statistics(const FusedConv1x1& op, const std::vector<double>& stats, int64_t block, int64_t blocks) {
    const int c = op.cout;
    std::vector<double> mean(stats.begin(), stats.begin() + c), m2(stats.begin() + c, stats.begin() + 2 * c);
    double n = double(std::min<int64_t>(block, op.rows));
    for (int64_t q = 1; q < blocks; ++q) {
        const double nb = double(std::min(block, op.rows - q * block));
        const double* mb = stats.data() + q * 2 * c;
        const double total = n + nb;
        for (int j = 0; j < c; ++j) {
            const double delta = mb[j] - mean[j];
            mean[j] += delta * nb / total;
            m2[j] += mb[c + j] + delta * delta * n * nb / total;
        }
        n = total;
    }
    for (int j = 0; j < c; ++j) {
        op.batch_mean[j] = float(mean[j]);
        op.batch_var[j] = float(m2[j] / n);
    }
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
    std::vector<double> stats(op.batch_mean != nullptr ? std::size_t(blocks * 2 * op.cout) : 0);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
    for (int64_t q = 0; q < blocks; ++q) {
        const int64_t r0 = q * block, rows = std::min(block, op.rows - r0);
        if (!one_gemm) block_gemm(op, r0, rows);
        float* y = op.y + r0 * op.cout;
        if (epilogue) apply_folded(y, rows, op.cout, f);
        if (!stats.empty()) {
            double* s = stats.data() + q * 2 * op.cout;
            block_statistics(y, rows, op.cout, s, s + op.cout);
        }
    }
    if (!stats.empty()) merge_statistics(op, stats, block, blocks);
}

void dwconv_fused(const DwForward& op, const Epilogue& e, void*) {
    const FoldedEpilogue f = fold_epilogue(e, op.s.c);
    dwconv_forward_epilogue(op, &f);
}

}  // namespace compofa::cpu
