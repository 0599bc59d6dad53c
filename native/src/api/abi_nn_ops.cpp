// ABI entry points of the network ops (compofa.h, "network ops"): check everything, then dispatch
// to the context's NnKernelTable. Sizes are >= 1 and every tensor holds at most 2^40 floats;
// optional outputs are NULL (their length is then not looked at).
#include <cmath>
#include <cstdio>
#include <string>

#include "api/barrier.h"
#include "api/checks.h"
#include "api/dispatch.h"
#include "api/handles.h"
#include "common/nn_kernels.h"

using namespace compofa;

namespace {

constexpr int64_t kMaxElements = int64_t(1) << 40;

std::string str(int64_t v) { return std::to_string(v); }
std::string num(double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", v);
    return text;
}

[[noreturn]] void invalid(const std::string& message) { fail(COMPOFA_ERR_INVALID_ARGUMENT, message); }

// A size argument: `value` >= `min`.
void check_at_least(const char* name, int64_t value, int64_t min) {
    if (value < min) invalid(std::string(name) + "=" + str(value) + ": allowed >= " + str(min));
}

// Element count of a tensor (product of its sizes, all >= 1): at most 2^40.
int64_t checked_elements(const char* what, __int128 count) {
    if (count > (__int128)kMaxElements)
        invalid(std::string(what) + " has more than 2^40 elements");
    return (int64_t)count;
}

// A flat length of an element-wise op: 1 .. 2^40.
int64_t checked_len(uint64_t len) {
    if (len < 1 || len > (uint64_t)kMaxElements) invalid("len=" + std::to_string(len) + ": allowed 1 .. 2^40");
    return (int64_t)len;
}

void check_finite(const char* name, float v) {
    if (!std::isfinite(v)) invalid(std::string(name) + "=" + num(double(v)) + ": must be finite");
}

// lo <= v <= hi (or < hi when !hi_inclusive); NaN is outside every range.
void check_range(const char* name, float v, double lo, double hi, bool hi_inclusive) {
    const bool ok = v >= lo && (hi_inclusive ? v <= hi : v < hi);
    if (!ok)
        invalid(std::string(name) + "=" + num(double(v)) + ": allowed " + num(lo) + " <= " + name +
                (hi_inclusive ? " <= " : " < ") + num(hi));
}

// The int32 labels of the cross-entropy: pointer, length (in int32s) and location; on the host
// backends also every value, so a bad label is refused before any kernel runs. On CUDA the labels
// live on the device and are not read here; the kernel gives NaN loss for a row with a bad label.
void check_labels(compofa_context* ctx, const int32_t* labels, uint64_t labels_len, int32_t n, int32_t classes) {
    if (labels == nullptr) invalid("labels is NULL; this op needs " + str(n) + " int32 labels");
    if (labels_len < (uint64_t)n)
        fail(COMPOFA_ERR_BUFFER_TOO_SMALL, "labels holds " + std::to_string(labels_len) + " int32s; this op needs n=" +
                                               str(n));
    check_location(ctx, "labels", labels);
    if (ctx->backend == COMPOFA_BACKEND_CUDA) return;
    for (int32_t b = 0; b < n; ++b)
        if (labels[b] < 0 || labels[b] >= classes)
            invalid("labels[" + str(b) + "]=" + str(labels[b]) + ": allowed 0 .. " + str(classes - 1) +
                    " (classes - 1)");
}

ConvShape checked_conv_shape(const compofa_conv_shape* p) {
    if (p == nullptr) invalid("shape is NULL");
    const compofa_conv_shape& s = *p;
    if (s.n < 1 || s.h < 1 || s.w < 1 || s.c < 1)
        invalid("sizes must be >= 1, got n=" + str(s.n) + " h=" + str(s.h) + " w=" + str(s.w) + " c=" + str(s.c));
    if (s.k < 1 || s.k > 11) invalid("kernel k=" + str(s.k) + ": allowed 1 .. 11");
    if (s.stride < 1 || s.stride > 4) invalid("stride=" + str(s.stride) + ": allowed 1 .. 4");
    if (s.pad < 0 || s.pad >= s.k) invalid("pad=" + str(s.pad) + ": allowed 0 <= pad < k=" + str(s.k));
    const int64_t span_h = int64_t(s.h) + 2 * int64_t(s.pad) - s.k, span_w = int64_t(s.w) + 2 * int64_t(s.pad) - s.k;
    if (span_h < 0 || span_w < 0)
        invalid("padded input " + str(int64_t(s.h) + 2 * s.pad) + " x " + str(int64_t(s.w) + 2 * s.pad) +
                " is smaller than the kernel k=" + str(s.k) + ": need h + 2*pad >= k and w + 2*pad >= k");
    ConvShape d{s.n, s.h, s.w, s.c, s.k, s.stride, s.pad, int32_t(span_h / s.stride + 1),
                int32_t(span_w / s.stride + 1)};
    checked_elements("x", (__int128)s.n * s.h * s.w * s.c);
    checked_elements("col", (__int128)d.col_rows() * d.col_cols());
    return d;
}

// rows >= min_rows, c >= 1, rows * c <= 2^40; returns rows * c.
int64_t checked_rows_c(int64_t rows, int32_t c, int64_t min_rows) {
    check_at_least("rows", rows, min_rows);
    check_at_least("c", c, 1);
    return checked_elements("the (rows, c) tensor", (__int128)rows * c);
}

// n, hw, c >= 1, n * hw * c <= 2^40; returns n * hw * c.
int64_t checked_n_hw_c(int32_t n, int32_t hw, int32_t c) {
    check_at_least("n", n, 1);
    check_at_least("hw", hw, 1);
    check_at_least("c", c, 1);
    return checked_elements("the (n, hw, c) tensor", (__int128)n * hw * c);
}

void check_eps(float eps) {
    if (!(eps > 0.0f) || !std::isfinite(eps)) invalid("eps=" + num(double(eps)) + ": allowed finite eps > 0");
}

void check_activation_kind(int32_t kind) {
    if (kind < COMPOFA_ACT_IDENTITY || kind > COMPOFA_ACT_HSIGMOID)
        invalid("activation kind " + str(kind) + ": allowed 0 (identity), 1 (relu), 2 (h_swish), 3 (h_sigmoid)");
}

}  // namespace

extern "C" {

// ---- dense convolution (im2col) ----------------------------------------------------------------

int32_t compofa_conv_output_size(const compofa_conv_shape* shape, int32_t* ho, int32_t* wo) {
    return guarded(__func__, [&] {
        if (ho == nullptr || wo == nullptr) invalid("ho and wo must not be NULL");
        ConvShape s = checked_conv_shape(shape);
        *ho = s.ho;
        *wo = s.wo;
    });
}

int32_t compofa_im2col(compofa_context* ctx, compofa_stream* stream, const compofa_conv_shape* shape,
                       const float* x, uint64_t x_len, float* col, uint64_t col_len) {
    return guarded(__func__, [&] {
        compofa_context* c = context_of(ctx);
        void* native = native_stream_of(c, stream);
        ConvShape s = checked_conv_shape(shape);
        check_tensor(c, "x", x, x_len, int64_t(s.n) * s.h * s.w * s.c);
        check_tensor(c, "col", col, col_len, s.col_rows() * s.col_cols());
        nn_kernels_for(c).im2col(s, x, col, native);
    });
}

int32_t compofa_col2im_add(compofa_context* ctx, compofa_stream* stream, const compofa_conv_shape* shape,
                           const float* dcol, uint64_t dcol_len, float* dx, uint64_t dx_len) {
    return guarded(__func__, [&] {
        compofa_context* c = context_of(ctx);
        void* native = native_stream_of(c, stream);
        ConvShape s = checked_conv_shape(shape);
        check_tensor(c, "dcol", dcol, dcol_len, s.col_rows() * s.col_cols());
        check_tensor(c, "dx", dx, dx_len, int64_t(s.n) * s.h * s.w * s.c);
        nn_kernels_for(c).col2im_add(s, dcol, dx, native);
    });
}

// ---- batch normalisation -----------------------------------------------------------------------

int32_t compofa_batchnorm_forward_train(compofa_context* ctx, compofa_stream* stream, int64_t rows, int32_t c_,
                                        const float* x, uint64_t x_len, const float* gamma, const float* beta,
                                        float* running_mean, float* running_var, uint64_t param_len,
                                        float momentum, float eps, float* y, uint64_t y_len,
                                        float* batch_mean, float* batch_var, uint64_t batch_len) {
    return compofa_batchnorm_act_forward_train(ctx, stream, rows, c_, COMPOFA_ACT_IDENTITY, 0, x, x_len, gamma, beta,
                                               running_mean, running_var, param_len, momentum, eps, y, y_len,
                                               batch_mean, batch_var, batch_len);
}

int32_t compofa_batchnorm_act_forward_train(compofa_context* ctx, compofa_stream* stream, int64_t rows, int32_t c_,
                                            int32_t activation, int32_t stats_given, const float* x,
                                            uint64_t x_len, const float* gamma, const float* beta,
                                            float* running_mean, float* running_var, uint64_t param_len,
                                            float momentum, float eps, float* y, uint64_t y_len,
                                            float* batch_mean, float* batch_var, uint64_t batch_len) {
    return guarded(__func__, [&] {
        compofa_context* c = context_of(ctx);
        void* native = native_stream_of(c, stream);
        if (rows < 2) invalid("rows=" + str(rows) + ": training batch norm needs rows >= 2 (n*h*w values per channel)");
        const int64_t len = checked_rows_c(rows, c_, 2);
        check_activation_kind(activation);
        if (stats_given != 0 && stats_given != 1)
            invalid("stats_given=" + str(stats_given) + ": allowed 0 (gather them) or 1 (batch_mean/batch_var hold them)");
        check_eps(eps);
        check_range("momentum", momentum, 0.0, 1.0, true);
        if ((running_mean == nullptr) != (running_var == nullptr))
            invalid("running_mean and running_var must both be given or both be NULL (no update)");
        check_tensor(c, "x", x, x_len, len);
        check_tensor(c, "gamma", gamma, param_len, c_);
        check_tensor(c, "beta", beta, param_len, c_);
        check_tensor(c, "running_mean", running_mean, param_len, c_, true);
        check_tensor(c, "running_var", running_var, param_len, c_, true);
        check_tensor(c, "y", y, y_len, len);
        check_tensor(c, "batch_mean", batch_mean, batch_len, c_);
        check_tensor(c, "batch_var", batch_var, batch_len, c_);
        BnTrain op{rows, c_, x, gamma, beta, running_mean, running_var, momentum, eps, y, batch_mean, batch_var,
                   activation, stats_given == 1};
        nn_kernels_for(c).bn_train(op, native);
    });
}

int32_t compofa_batchnorm_forward_eval(compofa_context* ctx, compofa_stream* stream, int64_t rows, int32_t c_,
                                       const float* x, uint64_t x_len, const float* gamma, const float* beta,
                                       const float* running_mean, const float* running_var, uint64_t param_len,
                                       float eps, float* y, uint64_t y_len) {
    return guarded(__func__, [&] {
        compofa_context* c = context_of(ctx);
        void* native = native_stream_of(c, stream);
        const int64_t len = checked_rows_c(rows, c_, 1);
        check_eps(eps);
        check_tensor(c, "x", x, x_len, len);
        check_tensor(c, "gamma", gamma, param_len, c_);
        check_tensor(c, "beta", beta, param_len, c_);
        check_tensor(c, "running_mean", running_mean, param_len, c_);
        check_tensor(c, "running_var", running_var, param_len, c_);
        check_tensor(c, "y", y, y_len, len);
        BnEval op{rows, c_, x, gamma, beta, running_mean, running_var, eps, y};
        nn_kernels_for(c).bn_eval(op, native);
    });
}

int32_t compofa_batchnorm_backward(compofa_context* ctx, compofa_stream* stream, int64_t rows, int32_t c_,
                                   const float* x, uint64_t x_len, const float* dy, uint64_t dy_len,
                                   const float* gamma, uint64_t param_len,
                                   const float* batch_mean, const float* batch_var, uint64_t batch_len,
                                   float eps, float* dx, uint64_t dx_len, float* dgamma, float* dbeta) {
    return compofa_batchnorm_act_backward(ctx, stream, rows, c_, COMPOFA_ACT_IDENTITY, x, x_len, dy, dy_len, gamma,
                                          nullptr, param_len, batch_mean, batch_var, batch_len, eps, dx, dx_len,
                                          dgamma, dbeta);
}

int32_t compofa_batchnorm_act_backward(compofa_context* ctx, compofa_stream* stream, int64_t rows, int32_t c_,
                                       int32_t activation, const float* x, uint64_t x_len,
                                       const float* dy, uint64_t dy_len, const float* gamma, const float* beta,
                                       uint64_t param_len, const float* batch_mean, const float* batch_var,
                                       uint64_t batch_len, float eps, float* dx, uint64_t dx_len,
                                       float* dgamma, float* dbeta) {
    return guarded(__func__, [&] {
        compofa_context* c = context_of(ctx);
        void* native = native_stream_of(c, stream);
        if (rows < 2) invalid("rows=" + str(rows) + ": the training batch norm (and its backward) needs rows >= 2");
        const int64_t len = checked_rows_c(rows, c_, 2);
        check_activation_kind(activation);
        check_eps(eps);
        check_tensor(c, "x", x, x_len, len);
        check_tensor(c, "dy", dy, dy_len, len);
        check_tensor(c, "gamma", gamma, param_len, c_);
        // The plain backward has no beta; with an activation its derivative is taken at bn(x).
        check_tensor(c, "beta", beta, param_len, c_, activation == COMPOFA_ACT_IDENTITY);
        check_tensor(c, "batch_mean", batch_mean, batch_len, c_);
        check_tensor(c, "batch_var", batch_var, batch_len, c_);
        check_tensor(c, "dx", dx, dx_len, len, true);
        check_tensor(c, "dgamma", dgamma, param_len, c_, true);
        check_tensor(c, "dbeta", dbeta, param_len, c_, true);
        if (dx == nullptr && dgamma == nullptr && dbeta == nullptr) return;
        BnBackward op{rows, c_, x, dy, gamma, batch_mean, batch_var, eps, dx, dgamma, dbeta, activation,
                      activation == COMPOFA_ACT_IDENTITY ? nullptr : beta};
        nn_kernels_for(c).bn_backward(op, native);
    });
}

// ---- element-wise ------------------------------------------------------------------------------

int32_t compofa_activation_forward(compofa_context* ctx, compofa_stream* stream, int32_t kind, const float* x,
                                   float* y, uint64_t len) {
    return guarded(__func__, [&] {
        compofa_context* c = context_of(ctx);
        void* native = native_stream_of(c, stream);
        check_activation_kind(kind);
        const int64_t n = checked_len(len);
        check_tensor(c, "x", x, len, n);
        check_tensor(c, "y", y, len, n);
        nn_kernels_for(c).act_forward(kind, x, y, n, native);
    });
}

int32_t compofa_activation_backward(compofa_context* ctx, compofa_stream* stream, int32_t kind, const float* x,
                                    const float* dy, float* dx, uint64_t len) {
    return guarded(__func__, [&] {
        compofa_context* c = context_of(ctx);
        void* native = native_stream_of(c, stream);
        check_activation_kind(kind);
        const int64_t n = checked_len(len);
        check_tensor(c, "x", x, len, n);
        check_tensor(c, "dy", dy, len, n);
        check_tensor(c, "dx", dx, len, n);
        nn_kernels_for(c).act_backward(kind, x, dy, dx, n, native);
    });
}

int32_t compofa_axpby(compofa_context* ctx, compofa_stream* stream, uint64_t len, float alpha, const float* x,
                      float beta, float* y) {
    return guarded(__func__, [&] {
        compofa_context* c = context_of(ctx);
        void* native = native_stream_of(c, stream);
        const int64_t n = checked_len(len);
        check_tensor(c, "x", x, len, n);
        check_tensor(c, "y", y, len, n);
        nn_kernels_for(c).axpby(n, alpha, x, beta, y, native);
    });
}

int32_t compofa_dropout_forward(compofa_context* ctx, compofa_stream* stream, uint64_t len, float p, uint64_t seed,
                                const float* x, float* y) {
    return guarded(__func__, [&] {
        compofa_context* c = context_of(ctx);
        void* native = native_stream_of(c, stream);
        const int64_t n = checked_len(len);
        check_range("p", p, 0.0, 1.0, false);
        check_tensor(c, "x", x, len, n);
        check_tensor(c, "y", y, len, n);
        nn_kernels_for(c).dropout_forward(n, p, seed, x, y, native);
    });
}

int32_t compofa_dropout_backward(compofa_context* ctx, compofa_stream* stream, uint64_t len, float p, uint64_t seed,
                                 const float* dy, float* dx) {
    return guarded(__func__, [&] {
        compofa_context* c = context_of(ctx);
        void* native = native_stream_of(c, stream);
        const int64_t n = checked_len(len);
        check_range("p", p, 0.0, 1.0, false);
        check_tensor(c, "dy", dy, len, n);
        check_tensor(c, "dx", dx, len, n);
        nn_kernels_for(c).dropout_backward(n, p, seed, dy, dx, native);
    });
}

int32_t compofa_dropout_keep(uint64_t seed, uint64_t index, float p) {
    return compofa::dropout_keep(seed, index, p) ? 1 : 0;  // pure arithmetic: nothing to check or catch
}

int32_t compofa_sgd_step(compofa_context* ctx, compofa_stream* stream, uint64_t len, float* param, const float* grad,
                         float* momentum_buf, float lr, float momentum, float weight_decay, int32_t nesterov) {
    return guarded(__func__, [&] {
        compofa_context* c = context_of(ctx);
        void* native = native_stream_of(c, stream);
        const int64_t n = checked_len(len);
        if (!(lr >= 0.0f) || !std::isfinite(lr)) invalid("lr=" + num(double(lr)) + ": allowed finite lr >= 0");
        check_range("momentum", momentum, 0.0, 1.0, true);
        if (!(weight_decay >= 0.0f) || !std::isfinite(weight_decay))
            invalid("weight_decay=" + num(double(weight_decay)) + ": allowed finite weight_decay >= 0");
        if (nesterov != 0 && nesterov != 1) invalid("nesterov=" + str(nesterov) + ": allowed 0 or 1");
        check_tensor(c, "param", param, len, n);
        check_tensor(c, "grad", grad, len, n);
        if (momentum_buf == nullptr && momentum != 0.0f)
            invalid("momentum_buf is NULL with momentum=" + num(double(momentum)) +
                    ": a momentum buffer of len floats is needed unless momentum is 0");
        check_tensor(c, "momentum_buf", momentum_buf, len, n, true);
        SgdStep op{n, param, grad, momentum_buf, lr, momentum, weight_decay, nesterov == 1};
        nn_kernels_for(c).sgd_step(op, native);
    });
}

// ---- per-channel ops ---------------------------------------------------------------------------

int32_t compofa_bias_add(compofa_context* ctx, compofa_stream* stream, int64_t rows, int32_t c_, float* y,
                         uint64_t y_len, const float* bias, uint64_t bias_len) {
    return guarded(__func__, [&] {
        compofa_context* c = context_of(ctx);
        void* native = native_stream_of(c, stream);
        const int64_t len = checked_rows_c(rows, c_, 1);
        check_tensor(c, "y", y, y_len, len);
        check_tensor(c, "bias", bias, bias_len, c_);
        nn_kernels_for(c).bias_add(rows, c_, y, bias, native);
    });
}

int32_t compofa_bias_backward(compofa_context* ctx, compofa_stream* stream, int64_t rows, int32_t c_, const float* dy,
                              uint64_t dy_len, float* dbias, uint64_t dbias_len) {
    return guarded(__func__, [&] {
        compofa_context* c = context_of(ctx);
        void* native = native_stream_of(c, stream);
        const int64_t len = checked_rows_c(rows, c_, 1);
        check_tensor(c, "dy", dy, dy_len, len);
        check_tensor(c, "dbias", dbias, dbias_len, c_);
        nn_kernels_for(c).bias_backward(rows, c_, dy, dbias, native);
    });
}

int32_t compofa_global_avg_pool_forward(compofa_context* ctx, compofa_stream* stream, int32_t n, int32_t hw,
                                        int32_t c_, const float* x, uint64_t x_len, float* y, uint64_t y_len) {
    return guarded(__func__, [&] {
        compofa_context* c = context_of(ctx);
        void* native = native_stream_of(c, stream);
        const int64_t len = checked_n_hw_c(n, hw, c_);
        check_tensor(c, "x", x, x_len, len);
        check_tensor(c, "y", y, y_len, int64_t(n) * c_);
        nn_kernels_for(c).gap_forward(n, hw, c_, x, y, native);
    });
}

int32_t compofa_global_avg_pool_backward(compofa_context* ctx, compofa_stream* stream, int32_t n, int32_t hw,
                                         int32_t c_, const float* dy, uint64_t dy_len, float* dx, uint64_t dx_len) {
    return guarded(__func__, [&] {
        compofa_context* c = context_of(ctx);
        void* native = native_stream_of(c, stream);
        const int64_t len = checked_n_hw_c(n, hw, c_);
        check_tensor(c, "dy", dy, dy_len, int64_t(n) * c_);
        check_tensor(c, "dx", dx, dx_len, len);
        nn_kernels_for(c).gap_backward(n, hw, c_, dy, dx, native);
    });
}

int32_t compofa_channel_scale_forward(compofa_context* ctx, compofa_stream* stream, int32_t n, int32_t hw,
                                      int32_t c_, const float* x, uint64_t x_len, const float* s, uint64_t s_len,
                                      float* y, uint64_t y_len) {
    return guarded(__func__, [&] {
        compofa_context* c = context_of(ctx);
        void* native = native_stream_of(c, stream);
        const int64_t len = checked_n_hw_c(n, hw, c_);
        check_tensor(c, "x", x, x_len, len);
        check_tensor(c, "s", s, s_len, int64_t(n) * c_);
        check_tensor(c, "y", y, y_len, len);
        nn_kernels_for(c).scale_forward(n, hw, c_, x, s, y, native);
    });
}

int32_t compofa_channel_scale_backward(compofa_context* ctx, compofa_stream* stream, int32_t n, int32_t hw,
                                       int32_t c_, const float* x, uint64_t x_len, const float* s, uint64_t s_len,
                                       const float* dy, uint64_t dy_len, float* dx, uint64_t dx_len,
                                       float* ds, uint64_t ds_len) {
    return guarded(__func__, [&] {
        compofa_context* c = context_of(ctx);
        void* native = native_stream_of(c, stream);
        const int64_t len = checked_n_hw_c(n, hw, c_);
        check_tensor(c, "x", x, x_len, len);
        check_tensor(c, "s", s, s_len, int64_t(n) * c_);
        check_tensor(c, "dy", dy, dy_len, len);
        check_tensor(c, "dx", dx, dx_len, len, true);
        check_tensor(c, "ds", ds, ds_len, int64_t(n) * c_, true);
        if (dx == nullptr && ds == nullptr) return;
        nn_kernels_for(c).scale_backward(n, hw, c_, x, s, dy, dx, ds, native);
    });
}

// ---- losses ------------------------------------------------------------------------------------

int32_t compofa_softmax_cross_entropy(compofa_context* ctx, compofa_stream* stream, int32_t n, int32_t classes,
                                      const float* logits, uint64_t logits_len, const int32_t* labels,
                                      uint64_t labels_len, float smoothing, float grad_scale,
                                      float* loss, uint64_t loss_len, float* dlogits, uint64_t dlogits_len) {
    return guarded(__func__, [&] {
        compofa_context* c = context_of(ctx);
        void* native = native_stream_of(c, stream);
        check_at_least("n", n, 1);
        check_at_least("classes", classes, 2);
        const int64_t len = checked_elements("logits", (__int128)n * classes);
        check_range("smoothing", smoothing, 0.0, 1.0, false);
        check_finite("grad_scale", grad_scale);
        check_tensor(c, "logits", logits, logits_len, len);
        check_tensor(c, "loss", loss, loss_len, n);
        check_tensor(c, "dlogits", dlogits, dlogits_len, len, true);
        check_labels(c, labels, labels_len, n, classes);
        CrossEntropy op{n, classes, logits, labels, smoothing, grad_scale, loss, dlogits};
        nn_kernels_for(c).cross_entropy(op, native);
    });
}

int32_t compofa_soft_cross_entropy(compofa_context* ctx, compofa_stream* stream, int32_t n, int32_t classes,
                                   const float* student, const float* teacher, uint64_t logits_len,
                                   float grad_scale, float* loss, uint64_t loss_len,
                                   float* dstudent, uint64_t dstudent_len) {
    return guarded(__func__, [&] {
        compofa_context* c = context_of(ctx);
        void* native = native_stream_of(c, stream);
        check_at_least("n", n, 1);
        check_at_least("classes", classes, 2);
        const int64_t len = checked_elements("logits", (__int128)n * classes);
        check_finite("grad_scale", grad_scale);
        check_tensor(c, "student", student, logits_len, len);
        check_tensor(c, "teacher", teacher, logits_len, len);
        check_tensor(c, "loss", loss, loss_len, n);
        check_tensor(c, "dstudent", dstudent, dstudent_len, len, true);
        SoftCrossEntropy op{n, classes, student, teacher, grad_scale, loss, dstudent};
        nn_kernels_for(c).soft_cross_entropy(op, native);
    });
}

// ---- resize ------------------------------------------------------------------------------------

int32_t compofa_resize_bilinear(compofa_context* ctx, compofa_stream* stream, int32_t n, int32_t h, int32_t w,
                                int32_t c_, int32_t ho, int32_t wo, const float* x, uint64_t x_len,
                                float* y, uint64_t y_len) {
    return guarded(__func__, [&] {
        compofa_context* c = context_of(ctx);
        void* native = native_stream_of(c, stream);
        if (n < 1 || h < 1 || w < 1 || c_ < 1 || ho < 1 || wo < 1)
            invalid("sizes must be >= 1, got n=" + str(n) + " h=" + str(h) + " w=" + str(w) + " c=" + str(c_) +
                    " ho=" + str(ho) + " wo=" + str(wo));
        const int64_t in = checked_elements("x", (__int128)n * h * w * c_);
        const int64_t out = checked_elements("y", (__int128)n * ho * wo * c_);
        check_tensor(c, "x", x, x_len, in);
        check_tensor(c, "y", y, y_len, out);
        Resize op{n, h, w, c_, ho, wo, x, y};
        nn_kernels_for(c).resize_bilinear(op, native);
    });
}

}  // extern "C"
