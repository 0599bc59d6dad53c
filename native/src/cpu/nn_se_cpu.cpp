// Squeeze-and-excitation in one op on the CPU. Forward: per image, the pooling and both small
// dense layers (OpenMP over images), then the scaling (OpenMP over rows); the gate never leaves the
// op. Backward: per image, the gate's gradient down to d pooled (over images), dx (over rows), then
// the weight gradients summed over the batch (over output rows of dW, so no two threads add to one
// element).
#include <algorithm>
#include <vector>

#include "cpu/nn_cpu_ops.h"

namespace compofa::cpu {

namespace {

// Where pooled, hidden and gate of image b live in a saved buffer (compofa.h's layout).
struct SavedView {
    float* base; int64_t n, c, se;
    float* pooled(int64_t b) const { return base + b * c; }
    float* hidden(int64_t b) const { return base + n * c + b * se; }
    float* gate(int64_t b) const { return base + n * c + n * se + b * c; }
};

float h_sigmoid(float v) { return std::min(std::max(v + 3.0f, 0.0f), 6.0f) * (1.0f / 6.0f); }

float dot(const float* a, const float* b, int64_t len) {
    float s = 0.0f;
#pragma omp simd reduction(+ : s)
    for (int64_t i = 0; i < len; ++i) s += a[i] * b[i];
    return s;
}

// Scales each row of (rows, c) with the gate of its image: out = in * gate[row / hw] (+ add[row / hw]).
void scale_rows(const float* in, const float* gates, const float* adds, int64_t n, int64_t hw, int64_t c,
                float* out) {
    const int64_t rows = n * hw;
#pragma omp parallel for num_threads(threads()) schedule(static) if (rows * c >= (1 << 15))
    for (int64_t r = 0; r < rows; ++r) {
        const float* g = gates + (r / hw) * c;
        const float* a = adds == nullptr ? nullptr : adds + (r / hw) * c;
        const float* xr = in + r * c;
        float* yr = out + r * c;
        if (a == nullptr) {
#pragma omp simd
            for (int64_t j = 0; j < c; ++j) yr[j] = xr[j] * g[j];
        } else {
#pragma omp simd
            for (int64_t j = 0; j < c; ++j) yr[j] = xr[j] * g[j] + a[j];
        }
    }
}

// Per channel of one image (hw rows of c floats), in double: the sum of x, or of x * y when y is given.
std::vector<double> channel_sums(const float* x, const float* y, int64_t hw, int64_t c) {
    std::vector<double> acc(c, 0.0);
    double* __restrict a = acc.data();
    for (int64_t p = 0; p < hw; ++p) {
        const float* xr = x + p * c;
        if (y == nullptr) {
#pragma omp simd
            for (int64_t j = 0; j < c; ++j) a[j] += xr[j];
        } else {
            const float* yr = y + p * c;
#pragma omp simd
            for (int64_t j = 0; j < c; ++j) a[j] += double(yr[j]) * xr[j];
        }
    }
    return acc;
}

// A dense layer's weight gradient over the batch: dW[r][k] += sum_b dz[b][r] act[b][k] (rows of dW
// ld apart) and db[r] += sum_b dz[b][r], for dz (n, rows) and act (n, cols); threads own output rows.
void dense_weight_grad(const float* dz, const float* act, int64_t n, int64_t rows, int64_t cols, float* dw,
                       int64_t ld, float* db) {
#pragma omp parallel for num_threads(threads()) schedule(static) if (rows * cols * n >= (1 << 15))
    for (int64_t r = 0; r < rows; ++r) {
        float* row = dw + r * ld;
        float bias = 0.0f;
        for (int64_t b = 0; b < n; ++b) {
            const float g = dz[b * rows + r];
            const float* a = act + b * cols;
            bias += g;
#pragma omp simd
            for (int64_t k = 0; k < cols; ++k) row[k] += g * a[k];
        }
        db[r] += bias;
    }
}

}  // namespace

void se_forward(const SeForward& op, void*) {
    const int64_t n = op.n, hw = op.hw, c = op.c, se = op.se;
    std::vector<float> local(op.saved == nullptr ? std::size_t(se_saved_len(op.n, op.c, op.se)) : 0);
    const SavedView v{op.saved != nullptr ? op.saved : local.data(), n, c, se};
#pragma omp parallel for num_threads(threads()) schedule(static) if (n > 1)
    for (int64_t b = 0; b < n; ++b) {
        const std::vector<double> a = channel_sums(op.x + b * hw * c, nullptr, hw, c);
        float* pooled = v.pooled(b);
        for (int64_t j = 0; j < c; ++j) pooled[j] = float(a[j] / double(hw));
        float* hidden = v.hidden(b);
        for (int64_t i = 0; i < se; ++i)
            hidden[i] = std::max(op.w.b1[i] + dot(pooled, op.w.w1 + i * op.w.ld1, c), 0.0f);
        float* gate = v.gate(b);
        for (int64_t j = 0; j < c; ++j) gate[j] = h_sigmoid(op.w.b2[j] + dot(hidden, op.w.w2 + j * op.w.ld2, se));
    }
    scale_rows(op.x, v.gate(0), nullptr, n, hw, c, op.y);
}

void se_backward(const SeBackward& op, void*) {
    const int64_t n = op.n, hw = op.hw, c = op.c, se = op.se;
    const SavedView v{const_cast<float*>(op.saved), n, c, se};
    std::vector<float> dz2(n * c), dz1(n * se), dpool(n * c);  // dpool already divided by hw
#pragma omp parallel for num_threads(threads()) schedule(static) if (n > 1)
    for (int64_t b = 0; b < n; ++b) {
        const std::vector<double> a = channel_sums(op.x + b * hw * c, op.dy + b * hw * c, hw, c);
        const float* gate = v.gate(b);
        float* d2 = dz2.data() + b * c;
        for (int64_t j = 0; j < c; ++j) d2[j] = gate[j] > 0.0f && gate[j] < 1.0f ? float(a[j] / 6.0) : 0.0f;
        const float* hidden = v.hidden(b);
        float* d1 = dz1.data() + b * se;
        std::fill(d1, d1 + se, 0.0f);
        for (int64_t j = 0; j < c; ++j) {  // d hidden = dz2 W2, row by row of W2
            const float* w2 = op.w.w2 + j * op.w.ld2;
#pragma omp simd
            for (int64_t i = 0; i < se; ++i) d1[i] += d2[j] * w2[i];
        }
        for (int64_t i = 0; i < se; ++i) d1[i] = hidden[i] > 0.0f ? d1[i] : 0.0f;
        float* dp = dpool.data() + b * c;
        std::fill(dp, dp + c, 0.0f);
        for (int64_t i = 0; i < se; ++i) {  // d pooled = dz1 W1, row by row of W1
            const float* w1 = op.w.w1 + i * op.w.ld1;
#pragma omp simd
            for (int64_t j = 0; j < c; ++j) dp[j] += d1[i] * w1[j];
        }
        for (int64_t j = 0; j < c; ++j) dp[j] /= float(hw);
    }
    scale_rows(op.dy, v.gate(0), dpool.data(), n, hw, c, op.dx);
    dense_weight_grad(dz2.data(), v.hidden(0), n, c, se, op.dw2, op.w.ld2, op.db2);  // W2: c x se
    dense_weight_grad(dz1.data(), v.pooled(0), n, se, c, op.dw1, op.w.ld1, op.db1);  // W1: se x c
}

}  // namespace compofa::cpu
