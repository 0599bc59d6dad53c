// Elastic depthwise convolution forward on the CPU: y = x (*) keff, NHWC, padding k/2.
// keff is the stored weight's centre crop read in place, or the transform chain's [k*k][c] kernel.
#include "cpu/cpu_ops.h"
#include "cpu/dwconv_core.h"
#include "cpu/kernel_transform.h"

namespace compofa::cpu {
COMPOFA_ISA_BEGIN  // compiled once per ISA (cpu/isa.h)

void dwconv_forward(const DwForward& op, void*) { dwconv_forward_epilogue(op, nullptr); }

void dwconv_forward_epilogue(const DwForward& op, const FoldedEpilogue* epilogue) {
    const DwShape& s = op.s;
    std::vector<float> storage;
    const KernelView kv = effective_kernel(s, op.weight, op.t75, op.t53, storage);
    CorrProblem p{s.n, s.c, op.x, s.h, s.w, op.y, s.ho, s.wo, kv.data, kv.row, kv.col, {}, {}};
    p.epilogue = epilogue;
    p.rows.resize(s.ho);
    p.cols.resize(s.wo);
    for (int o = 0; o < s.ho; ++o) p.rows[o] = forward_taps(o, s.stride, s.pad, s.k, s.h);
    for (int o = 0; o < s.wo; ++o) p.cols[o] = forward_taps(o, s.stride, s.pad, s.k, s.w);
    if (op.batch_mean == nullptr) {
        select_corr_kernel(CorrPass::forward, s.k, s.stride)(p, threads());
        return;
    }
    // Training: y's statistics, per part of output rows.
    ColumnParts statistics = ColumnParts::by_work(int64_t(s.n) * s.ho, s.c, int64_t(s.wo) * s.c);
    p.statistics = &statistics;
    select_corr_kernel(CorrPass::forward, s.k, s.stride)(p, threads());
    statistics.merge(op.batch_mean, op.batch_var);
}

COMPOFA_ISA_END
}  // namespace compofa::cpu
