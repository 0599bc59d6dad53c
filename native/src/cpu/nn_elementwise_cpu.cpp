// Element-wise network ops on the CPU, threads over chunks, float math (each element is read
// before it is written, so y == x and dx == dy are fine):
//   activations and their derivatives at the forward input (compofa.h gives the kinks' values);
//   axpby y = alpha x + beta y (beta 0 never reads y); inverted dropout with dropout_keep's mask
//   and scale 1/(1-p) in float, as on CUDA; SGD with momentum, weight decay and Nesterov (PyTorch).
#include <algorithm>

#include "cpu/activation_cpu.h"
#include "cpu/nn_cpu_ops.h"

namespace compofa::cpu {
COMPOFA_ISA_BEGIN  // compiled once per ISA (cpu/isa.h)

namespace {

// The chunk loops live in plain functions with `ivdep` (y == x and dx == dy are same-index, so
// there is no loop-carried dependence): inside the OpenMP lambdas GCC left them scalar with a
// data-dependent branch, and the ReLU backward ran 3x slower than its forward.
template <int Kind>
void forward_chunk(const float* x, float* y, int64_t n) {
#pragma GCC ivdep
    for (int64_t i = 0; i < n; ++i) y[i] = activate<Kind>(x[i]);
}

template <int Kind>
void backward_chunk(const float* x, const float* dy, float* dx, int64_t n) {
#pragma GCC ivdep
    for (int64_t i = 0; i < n; ++i) dx[i] = dy[i] * derivative<Kind>(x[i]);
}

template <int Kind>
void forward(const float* x, float* y, int64_t len) {
    for_chunks(len, [&](int64_t begin, int64_t end) { forward_chunk<Kind>(x + begin, y + begin, end - begin); });
}

template <int Kind>
void backward(const float* x, const float* dy, float* dx, int64_t len) {
    for_chunks(len, [&](int64_t begin, int64_t end) {
        backward_chunk<Kind>(x + begin, dy + begin, dx + begin, end - begin);
    });
}

// Scalar: the 64-bit hash does not vectorise on AVX2, and dropout only meets the classifier's
// (batch, 1280) features.
void dropout(int64_t len, float p, uint64_t seed, const float* x, float* y) {
    const float scale = 1.0f / (1.0f - p);
    for_chunks(len, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i) y[i] = dropout_keep(seed, uint64_t(i), p) ? x[i] * scale : 0.0f;
    });
}

}  // namespace

void act_forward(int32_t kind, const float* x, float* y, int64_t len, void*) {
    switch (kind) {
        case COMPOFA_ACT_RELU: return forward<COMPOFA_ACT_RELU>(x, y, len);
        case COMPOFA_ACT_HSWISH: return forward<COMPOFA_ACT_HSWISH>(x, y, len);
        case COMPOFA_ACT_HSIGMOID: return forward<COMPOFA_ACT_HSIGMOID>(x, y, len);
        default:
            if (y != x) for_chunks(len, [&](int64_t begin, int64_t end) { std::copy(x + begin, x + end, y + begin); });
    }
}

void act_backward(int32_t kind, const float* x, const float* dy, float* dx, int64_t len, void*) {
    switch (kind) {
        case COMPOFA_ACT_RELU: return backward<COMPOFA_ACT_RELU>(x, dy, dx, len);
        case COMPOFA_ACT_HSWISH: return backward<COMPOFA_ACT_HSWISH>(x, dy, dx, len);
        case COMPOFA_ACT_HSIGMOID: return backward<COMPOFA_ACT_HSIGMOID>(x, dy, dx, len);
        default:
            if (dx != dy)
                for_chunks(len, [&](int64_t begin, int64_t end) { std::copy(dy + begin, dy + end, dx + begin); });
    }
}

void axpby(int64_t len, float alpha, const float* x, float beta, float* y, void*) {
    for_chunks(len, [&](int64_t begin, int64_t end) {
        if (beta == 0.0f) {
#pragma omp simd
            for (int64_t i = begin; i < end; ++i) y[i] = alpha * x[i];
        } else {
#pragma omp simd
            for (int64_t i = begin; i < end; ++i) y[i] = alpha * x[i] + beta * y[i];
        }
    });
}

void dropout_forward(int64_t len, float p, uint64_t seed, const float* x, float* y, void*) {
    dropout(len, p, seed, x, y);
}

void dropout_backward(int64_t len, float p, uint64_t seed, const float* dy, float* dx, void*) {
    dropout(len, p, seed, dy, dx);
}

void sgd_step(const SgdStep& op, void*) {
    float* param = op.param;
    const float* grad = op.grad;
    float* buf = op.momentum_buf;
    const float lr = op.lr, momentum = op.momentum, wd = op.weight_decay;
    const bool nesterov = op.nesterov;
    for_chunks(op.len, [&](int64_t begin, int64_t end) {
        if (buf == nullptr) {
#pragma omp simd
            for (int64_t i = begin; i < end; ++i) param[i] -= lr * (grad[i] + wd * param[i]);
            return;
        }
#pragma omp simd
        for (int64_t i = begin; i < end; ++i) {
            const float g = grad[i] + wd * param[i];
            const float b = momentum * buf[i] + g;
            buf[i] = b;
            param[i] -= lr * (nesterov ? g + momentum * b : b);
        }
    });
}

COMPOFA_ISA_END
}  // namespace compofa::cpu
