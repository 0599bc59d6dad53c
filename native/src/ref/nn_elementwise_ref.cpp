// Reference element-wise ops (each element on its own, so in-place use is fine):
//   activations: relu(x) = max(x, 0), h_swish(x) = x relu6(x+3)/6, h_sigmoid(x) = relu6(x+3)/6, with
//   the derivatives of compofa.h at the kinks; axpby y = alpha x + beta y (beta 0 never reads y);
//   inverted dropout with compofa::dropout_keep's mask and scale 1/(1-p); SGD with momentum,
//   weight decay and Nesterov as in PyTorch.
#include <algorithm>

#include "ref/nn_ref_ops.h"

namespace compofa::ref {

namespace {

double relu6(double v) { return std::min(std::max(v, 0.0), 6.0); }

double activate(int32_t kind, double x) {
    switch (kind) {
        case COMPOFA_ACT_RELU: return x > 0.0 ? x : 0.0;
        case COMPOFA_ACT_HSWISH: return x * relu6(x + 3.0) / 6.0;
        case COMPOFA_ACT_HSIGMOID: return relu6(x + 3.0) / 6.0;
        default: return x;
    }
}

double derivative(int32_t kind, double x) {
    switch (kind) {
        case COMPOFA_ACT_RELU: return x > 0.0 ? 1.0 : 0.0;
        case COMPOFA_ACT_HSWISH: return x <= -3.0 ? 0.0 : x >= 3.0 ? 1.0 : (2.0 * x + 3.0) / 6.0;
        case COMPOFA_ACT_HSIGMOID: return x > -3.0 && x < 3.0 ? 1.0 / 6.0 : 0.0;
        default: return 1.0;
    }
}

void dropout(int64_t len, float p, uint64_t seed, const float* x, float* y) {
    const double scale = 1.0 / (1.0 - double(p));
    for (int64_t i = 0; i < len; ++i) y[i] = dropout_keep(seed, uint64_t(i), p) ? float(x[i] * scale) : 0.0f;
}

}  // namespace

void act_forward(int32_t kind, const float* x, float* y, int64_t len, void*) {
    for (int64_t i = 0; i < len; ++i) y[i] = float(activate(kind, x[i]));
}

void act_backward(int32_t kind, const float* x, const float* dy, float* dx, int64_t len, void*) {
    for (int64_t i = 0; i < len; ++i) dx[i] = float(dy[i] * derivative(kind, x[i]));
}

void axpby(int64_t len, float alpha, const float* x, float beta, float* y, void*) {
    for (int64_t i = 0; i < len; ++i) {
        double out = double(alpha) * x[i];
        if (beta != 0.0f) out += double(beta) * y[i];
        y[i] = float(out);
    }
}

void dropout_forward(int64_t len, float p, uint64_t seed, const float* x, float* y, void*) {
    dropout(len, p, seed, x, y);
}

void dropout_backward(int64_t len, float p, uint64_t seed, const float* dy, float* dx, void*) {
    dropout(len, p, seed, dy, dx);
}

void sgd_step(const SgdStep& op, void*) {
    for (int64_t i = 0; i < op.len; ++i) {
        double g = double(op.grad[i]) + double(op.weight_decay) * op.param[i];
        if (op.momentum_buf != nullptr) {
            const double buf = double(op.momentum) * op.momentum_buf[i] + g;
            op.momentum_buf[i] = float(buf);
            g = op.nesterov ? g + double(op.momentum) * buf : buf;
        }
        op.param[i] = float(op.param[i] - double(op.lr) * g);
    }
}

}  // namespace compofa::ref
