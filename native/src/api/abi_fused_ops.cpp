// ABI entry points of the fused ops (compofa.h, "fused inference ops" and the training convolutions
// that gather batch statistics): the plain op's checks plus the epilogue's or the statistics', then
// dispatch to the context's NnKernelTable.
#include <cstdint>
#include <string>

#include "api/barrier.h"
#include "api/checks.h"
#include "api/dispatch.h"
#include "api/handles.h"
#include "common/nn_kernels.h"

using namespace compofa;

namespace {

[[noreturn]] void invalid(const std::string& message) { fail(COMPOFA_ERR_INVALID_ARGUMENT, message); }

// The 1x1 convolution's sizes and buffers: rows >= min_rows (2 when statistics are gathered).
void check_conv1x1(compofa_context* c, int64_t rows, int64_t min_rows, int32_t cin, int32_t cout, const float* x,
                   uint64_t x_len, const float* w, uint64_t w_len, int32_t ldw, const float* y, uint64_t y_len) {
    if (rows < min_rows || rows > INT32_MAX)
        invalid("rows=" + std::to_string(rows) + ": allowed " + std::to_string(min_rows) + " .. 2^31-1" +
                (min_rows > 1 ? " (batch statistics need two rows)" : ""));
    if (cin < 1 || cout < 1) invalid("cin=" + std::to_string(cin) + " cout=" + std::to_string(cout) + ": allowed >= 1");
    if (ldw < cin) invalid("ldw=" + std::to_string(ldw) + ": allowed >= cin=" + std::to_string(cin));
    check_tensor(c, "x", x, x_len, rows * cin);
    check_tensor(c, "w", w, w_len, int64_t(cout - 1) * ldw + cin);
    check_tensor(c, "y", y, y_len, rows * cout);
    check_disjoint("y", y, rows * cout, "x", x, rows * cin);
}

// The two statistics outputs of a training op: c floats each, distinct.
void check_statistics(compofa_context* c, float* batch_mean, float* batch_var, uint64_t batch_len, int32_t channels) {
    check_tensor(c, "batch_mean", batch_mean, batch_len, channels);
    check_tensor(c, "batch_var", batch_var, batch_len, channels);
    if (batch_mean == batch_var) invalid("batch_mean and batch_var are the same buffer; give each its own");
}

}  // namespace

extern "C" {

int32_t compofa_conv1x1_fused_forward(compofa_context* ctx, compofa_stream* stream, int64_t rows, int32_t cin,
                                      int32_t cout, const float* x, uint64_t x_len, const float* w, uint64_t w_len,
                                      int32_t ldw, const compofa_epilogue* epilogue, float* y, uint64_t y_len) {
    return guarded(__func__, [&] {
        compofa_context* c = context_of(ctx);
        void* native = native_stream_of(c, stream);
        check_conv1x1(c, rows, 1, cin, cout, x, x_len, w, w_len, ldw, y, y_len);
        const Epilogue e = checked_epilogue(c, epilogue, cout);
        nn_kernels_for(c).conv1x1_fused(FusedConv1x1{int32_t(rows), cin, cout, x, w, ldw, y, e, c->precision.load()},
                                        native);
    });
}

int32_t compofa_conv1x1_stats_forward(compofa_context* ctx, compofa_stream* stream, int64_t rows, int32_t cin,
                                      int32_t cout, const float* x, uint64_t x_len, const float* w, uint64_t w_len,
                                      int32_t ldw, float* y, uint64_t y_len, float* batch_mean, float* batch_var,
                                      uint64_t batch_len) {
    return guarded(__func__, [&] {
        compofa_context* c = context_of(ctx);
        void* native = native_stream_of(c, stream);
        check_conv1x1(c, rows, 2, cin, cout, x, x_len, w, w_len, ldw, y, y_len);
        check_statistics(c, batch_mean, batch_var, batch_len, cout);
        FusedConv1x1 op{int32_t(rows), cin, cout, x, w, ldw, y, Epilogue{}, c->precision.load(), batch_mean, batch_var};
        nn_kernels_for(c).conv1x1_fused(op, native);
    });
}

int32_t compofa_dwconv_fused_forward(compofa_context* ctx, compofa_stream* stream, const compofa_dwconv_shape* shape,
                                     const float* x, uint64_t x_len, const float* weight, uint64_t weight_len,
                                     const float* t75, uint64_t t75_len, const float* t53, uint64_t t53_len,
                                     const compofa_epilogue* epilogue, float* y, uint64_t y_len) {
    return guarded(__func__, [&] {
        compofa_context* c = context_of(ctx);
        void* native = native_stream_of(c, stream);
        const DwForward op = checked_dwconv_forward(c, shape, x, x_len, weight, weight_len, t75, t75_len, t53,
                                                    t53_len, y, y_len);
        const Epilogue e = checked_epilogue(c, epilogue, op.s.c);
        nn_kernels_for(c).dwconv_fused(op, e, native);
    });
}

int32_t compofa_dwconv_stats_forward(compofa_context* ctx, compofa_stream* stream, const compofa_dwconv_shape* shape,
                                     const float* x, uint64_t x_len, const float* weight, uint64_t weight_len,
                                     const float* t75, uint64_t t75_len, const float* t53, uint64_t t53_len,
                                     float* y, uint64_t y_len, float* batch_mean, float* batch_var,
                                     uint64_t batch_len) {
    return guarded(__func__, [&] {
        compofa_context* c = context_of(ctx);
        void* native = native_stream_of(c, stream);
        DwForward op = checked_dwconv_forward(c, shape, x, x_len, weight, weight_len, t75, t75_len, t53, t53_len,
                                              y, y_len);
        const int64_t positions = int64_t(op.s.n) * op.s.ho * op.s.wo;
        if (positions < 2)
            invalid("the output has " + std::to_string(positions) +
                    " position (n*ho*wo); batch statistics need at least 2");
        check_statistics(c, batch_mean, batch_var, batch_len, op.s.c);
        op.batch_mean = batch_mean;
        op.batch_var = batch_var;
        nn_kernels_for(c).dwconv_fused(op, Epilogue{}, native);
    });
}

}  // extern "C"
