// Reference losses over (n, classes) logits, in double, log-softmax with the row max subtracted:
//   log_softmax_j = z_j - max - log sum_i exp(z_i - max)
//   cross_entropy:      target = (1 - smoothing) onehot(label) + smoothing / classes,
//                       loss = -sum_j target_j log_softmax_j, dlogits = grad_scale (softmax - target)
//   soft_cross_entropy: p = softmax(teacher), loss = -sum_j p_j log_softmax(student)_j,
//                       dstudent = grad_scale (softmax(student) - p)
// Terms whose target is exactly 0 are left out (0 * -inf from a -inf logit would be NaN).
// A label outside [0, classes) gives that row NaN loss and NaN gradient, as on CUDA; the ABI layer
// refuses such labels on the host backends before any kernel runs.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "ref/nn_ref_ops.h"

namespace compofa::ref {

namespace {

// log_softmax of one row of `classes` logits.
std::vector<double> log_softmax(const float* z, int classes) {
    double m = -std::numeric_limits<double>::infinity();
    for (int j = 0; j < classes; ++j) m = std::max(m, double(z[j]));
    double sum = 0.0;
    for (int j = 0; j < classes; ++j) sum += std::exp(double(z[j]) - m);
    const double lse = std::log(sum);
    std::vector<double> out(static_cast<std::size_t>(classes));
    for (int j = 0; j < classes; ++j) out[std::size_t(j)] = double(z[j]) - m - lse;
    return out;
}

}  // namespace

void cross_entropy(const CrossEntropy& op, void*) {
    const int C = op.classes;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (int b = 0; b < op.n; ++b) {
        const float* z = op.logits + int64_t(b) * C;
        float* dz = op.dlogits != nullptr ? op.dlogits + int64_t(b) * C : nullptr;
        const int32_t label = op.labels[b];
        if (label < 0 || label >= C) {
            op.loss[b] = float(nan);
            if (dz != nullptr)
                for (int j = 0; j < C; ++j) dz[j] = float(nan);
            continue;
        }
        const std::vector<double> ls = log_softmax(z, C);
        double loss = 0.0;
        for (int j = 0; j < C; ++j) {
            const double target = (j == label ? 1.0 - double(op.smoothing) : 0.0) + double(op.smoothing) / C;
            if (target != 0.0) loss -= target * ls[std::size_t(j)];
            if (dz != nullptr) dz[j] = float(double(op.grad_scale) * (std::exp(ls[std::size_t(j)]) - target));
        }
        op.loss[b] = float(loss);
    }
}

void soft_cross_entropy(const SoftCrossEntropy& op, void*) {
    const int C = op.classes;
    for (int b = 0; b < op.n; ++b) {
        const std::vector<double> ls = log_softmax(op.student + int64_t(b) * C, C);
        const std::vector<double> lt = log_softmax(op.teacher + int64_t(b) * C, C);
        float* dz = op.dstudent != nullptr ? op.dstudent + int64_t(b) * C : nullptr;
        double loss = 0.0;
        for (int j = 0; j < C; ++j) {
            const double p = std::exp(lt[std::size_t(j)]);
            if (p != 0.0) loss -= p * ls[std::size_t(j)];
            if (dz != nullptr) dz[j] = float(double(op.grad_scale) * (std::exp(ls[std::size_t(j)]) - p));
        }
        op.loss[b] = float(loss);
    }
}

}  // namespace compofa::ref
