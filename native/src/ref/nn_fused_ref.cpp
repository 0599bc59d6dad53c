// Reference fused ops: the plain op (naive loops), then the epilogue per element as its formula
// reads (common/epilogue.h), or the training 1x1 convolution's column statistics in two passes — the
// oracle the CPU and CUDA fusions are tested against.
#include "ref/nn_ref_ops.h"
#include "ref/ref_ops.h"

namespace compofa::ref {

void conv1x1_fused(const FusedConv1x1& op, void*) {
    for (int64_t r = 0; r < op.rows; ++r)
        for (int32_t j = 0; j < op.cout; ++j) {
            double acc = 0.0;
            for (int32_t i = 0; i < op.cin; ++i) acc += double(op.x[r * op.cin + i]) * op.w[int64_t(j) * op.ldw + i];
            op.y[r * op.cout + j] = apply_epilogue(op.e, j, float(acc));
        }
    if (op.batch_mean == nullptr) return;
    for (int32_t j = 0; j < op.cout; ++j) {  // training: y's column statistics, two passes in double
        double sum = 0.0, sq = 0.0;
        for (int64_t r = 0; r < op.rows; ++r) sum += op.y[r * op.cout + j];
        const double mean = sum / double(op.rows);
        for (int64_t r = 0; r < op.rows; ++r) sq += (op.y[r * op.cout + j] - mean) * (op.y[r * op.cout + j] - mean);
        op.batch_mean[j] = float(mean);
        op.batch_var[j] = float(sq / double(op.rows));
    }
}

void dwconv_fused(const DwForward& op, const Epilogue& e, void* stream) {
    dwconv_forward(op, stream);
    const int64_t pixels = int64_t(op.s.n) * op.s.ho * op.s.wo;
    for (int64_t p = 0; p < pixels; ++p)
        for (int32_t j = 0; j < op.s.c; ++j) op.y[p * op.s.c + j] = apply_epilogue(e, j, op.y[p * op.s.c + j]);
}

}  // namespace compofa::ref
