// Losses over (n, classes) logits on the CPU, threads over samples, one row at a time:
//   max m, S = sum exp(z - m) (double sums of float exps), log_softmax_j = (z_j - m) - log S;
//   cross_entropy: loss = log S - sum_j target_j (z_j - m) with target = (1-s) onehot + s/C
//                  (the s/C term only when s > 0: 0 * -inf would be NaN), dz = g (softmax - target);
//   soft:          loss = -sum_j p_j log_softmax(student)_j, p = softmax(teacher), dz = g (softmax - p).
// A label outside [0, classes) gives NaN loss and gradient for its row, as on CUDA (the ABI layer
// refuses such labels on the host backends before any kernel runs).
#include <cmath>
#include <limits>

#include "cpu/nn_cpu_ops.h"

namespace compofa::cpu {

namespace {

struct RowStats {
    float max;
    double sum_exp;  // sum_j exp(z_j - max)
};

inline RowStats row_stats(const float* z, int classes) {
    float m = -std::numeric_limits<float>::infinity();
    for (int j = 0; j < classes; ++j) m = std::max(m, z[j]);
    double sum = 0.0;
    for (int j = 0; j < classes; ++j) sum += std::exp(z[j] - m);
    return RowStats{m, sum};
}

template <class Body>
void for_rows(int32_t n, int32_t classes, Body&& body) {
    const int nt = threads_for(int64_t(n) * classes * 8, n);  // exp and log: weigh a float as 8
    parallel_for(n, nt, [&](int b) { body(b); });
}

}  // namespace

void cross_entropy(const CrossEntropy& op, void*) {
    const int C = op.classes;
    const float on = 1.0f - op.smoothing, off = op.smoothing / float(C);
    for_rows(op.n, C, [&](int b) {
        const float* z = op.logits + int64_t(b) * C;
        float* dz = op.dlogits != nullptr ? op.dlogits + int64_t(b) * C : nullptr;
        const int32_t label = op.labels[b];
        if (label < 0 || label >= C) {
            op.loss[b] = std::numeric_limits<float>::quiet_NaN();
            if (dz != nullptr) std::fill_n(dz, C, std::numeric_limits<float>::quiet_NaN());
            return;
        }
        const RowStats st = row_stats(z, C);
        double shifted = 0.0;  // sum_j (z_j - m), only needed with smoothing
        if (off != 0.0f)
            for (int j = 0; j < C; ++j) shifted += z[j] - st.max;
        op.loss[b] = float(std::log(st.sum_exp) - double(on) * (z[label] - st.max) - double(off) * shifted);
        if (dz == nullptr) return;
        const float inv = float(1.0 / st.sum_exp), g = op.grad_scale;
        for (int j = 0; j < C; ++j) dz[j] = g * (std::exp(z[j] - st.max) * inv - (j == label ? on + off : off));
    });
}

void soft_cross_entropy(const SoftCrossEntropy& op, void*) {
    const int C = op.classes;
    for_rows(op.n, C, [&](int b) {
        const float* zs = op.student + int64_t(b) * C;
        const float* zt = op.teacher + int64_t(b) * C;
        float* dz = op.dstudent != nullptr ? op.dstudent + int64_t(b) * C : nullptr;
        const RowStats s = row_stats(zs, C), t = row_stats(zt, C);
        const double log_s = std::log(s.sum_exp);
        const float inv_s = float(1.0 / s.sum_exp), inv_t = float(1.0 / t.sum_exp), g = op.grad_scale;
        double loss = 0.0;
        for (int j = 0; j < C; ++j) {
            const float p = std::exp(zt[j] - t.max) * inv_t;
            if (p != 0.0f) loss -= double(p) * (double(zs[j] - s.max) - log_s);
            if (dz != nullptr) dz[j] = g * (std::exp(zs[j] - s.max) * inv_s - p);
        }
        op.loss[b] = float(loss);
    });
}

}  // namespace compofa::cpu
