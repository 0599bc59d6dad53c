// Reference fused ops: the plain op (naive loops), then the epilogue per element as its formula
// reads (common/epilogue.h), or a training convolution's column statistics in two passes — the
// oracle the CPU and CUDA fusions are tested against.
#include "ref/nn_ref_ops.h"
#include "ref/ref_ops.h"

namespace compofa::ref {

namespace {

// Training: the mean and biased variance of y's columns, two passes in double.
void column_statistics(const float* y, int64_t rows, int32_t c, float* mean_out, float* var_out) {
    for (int32_t j = 0; j < c; ++j) {
        double sum = 0.0, sq = 0.0;
        for (int64_t r = 0; r < rows; ++r) sum += y[r * c + j];
        const double mean = sum / double(rows);
        for (int64_t r = 0; r < rows; ++r) sq += (y[r * c + j] - mean) * (y[r * c + j] - mean);
        mean_out[j] = float(mean);
        var_out[j] = float(sq / double(rows));
    }
}

}  // namespace

void conv1x1_fused(const FusedConv1x1& op, void*) {
    for (int64_t r = 0; r < op.rows; ++r)
        for (int32_t j = 0; j < op.cout; ++j) {
            double acc = 0.0;
            for (int32_t i = 0; i < op.cin; ++i) acc += double(op.x[r * op.cin + i]) * op.w[int64_t(j) * op.ldw + i];
            op.y[r * op.cout + j] = apply_epilogue(op.e, j, float(acc));
        }
    if (op.batch_mean != nullptr) column_statistics(op.y, op.rows, op.cout, op.batch_mean, op.batch_var);
}

void dwconv_fused(const DwForward& op, const Epilogue& e, void* stream) {
    dwconv_forward(op, stream);
    const int64_t pixels = int64_t(op.s.n) * op.s.ho * op.s.wo;
    for (int64_t p = 0; p < pixels; ++p)
        for (int32_t j = 0; j < op.s.c; ++j) op.y[p * op.s.c + j] = apply_epilogue(e, j, op.y[p * op.s.c + j]);
    if (op.batch_mean != nullptr) column_statistics(op.y, pixels, op.s.c, op.batch_mean, op.batch_var);
}

}  // namespace compofa::ref
