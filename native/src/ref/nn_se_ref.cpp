// Reference squeeze-and-excitation in one op: the formulas of compofa.h as naive loops in double,
// the oracle the CPU and CUDA versions are tested against.
#include <algorithm>
#include <vector>

#include "ref/nn_ref_ops.h"

namespace compofa::ref {

namespace {

double h_sigmoid(double v) { return std::min(std::max(v + 3.0, 0.0), 6.0) / 6.0; }

}  // namespace

void se_forward(const SeForward& op, void*) {
    const int64_t n = op.n, hw = op.hw, c = op.c, se = op.se;
    std::vector<float> local(op.saved == nullptr ? std::size_t(se_saved_len(op.n, op.c, op.se)) : 0);
    const SeSaved v{op.saved != nullptr ? op.saved : local.data(), n, c, se};
    float* pooled = v.pooled();
    float* hidden = v.hidden();
    float* gate = v.gate();
    for (int64_t b = 0; b < n; ++b) {
        for (int64_t j = 0; j < c; ++j) {
            double s = 0.0;
            for (int64_t p = 0; p < hw; ++p) s += op.x[(b * hw + p) * c + j];
            pooled[b * c + j] = float(s / double(hw));
        }
        for (int64_t i = 0; i < se; ++i) {
            double z = op.w.b1[i];
            for (int64_t j = 0; j < c; ++j) z += double(pooled[b * c + j]) * op.w.w1[i * op.w.ld1 + j];
            hidden[b * se + i] = float(std::max(z, 0.0));
        }
        for (int64_t j = 0; j < c; ++j) {
            double z = op.w.b2[j];
            for (int64_t i = 0; i < se; ++i) z += double(hidden[b * se + i]) * op.w.w2[j * op.w.ld2 + i];
            gate[b * c + j] = float(h_sigmoid(z));
        }
        for (int64_t p = 0; p < hw; ++p)
            for (int64_t j = 0; j < c; ++j)
                op.y[(b * hw + p) * c + j] = op.x[(b * hw + p) * c + j] * gate[b * c + j];
    }
}

void se_backward(const SeBackward& op, void*) {
    const int64_t n = op.n, hw = op.hw, c = op.c, se = op.se;
    const SeSaved v{const_cast<float*>(op.saved), n, c, se};
    const float* pooled = v.pooled();
    const float* hidden = v.hidden();
    const float* gate = v.gate();
    for (int64_t b = 0; b < n; ++b) {
        std::vector<double> dz2(c), dz1(se);
        for (int64_t j = 0; j < c; ++j) {  // d gate = sum_p dy * x, through h_sigmoid
            double dg = 0.0;
            for (int64_t p = 0; p < hw; ++p) dg += double(op.dy[(b * hw + p) * c + j]) * op.x[(b * hw + p) * c + j];
            const float g = gate[b * c + j];
            dz2[j] = g > 0.0f && g < 1.0f ? dg / 6.0 : 0.0;
            op.db2[j] += float(dz2[j]);
            for (int64_t i = 0; i < se; ++i) op.dw2[j * op.w.ld2 + i] += float(dz2[j] * hidden[b * se + i]);
        }
        for (int64_t i = 0; i < se; ++i) {  // d hidden, through the relu
            double dh = 0.0;
            for (int64_t j = 0; j < c; ++j) dh += dz2[j] * op.w.w2[j * op.w.ld2 + i];
            dz1[i] = hidden[b * se + i] > 0.0f ? dh : 0.0;
            op.db1[i] += float(dz1[i]);
            for (int64_t j = 0; j < c; ++j) op.dw1[i * op.w.ld1 + j] += float(dz1[i] * pooled[b * c + j]);
        }
        for (int64_t j = 0; j < c; ++j) {  // dx = dy * gate + d pooled / hw
            double dp = 0.0;
            for (int64_t i = 0; i < se; ++i) dp += dz1[i] * op.w.w1[i * op.w.ld1 + j];
            for (int64_t p = 0; p < hw; ++p) {
                const int64_t e = (b * hw + p) * c + j;
                op.dx[e] = float(double(op.dy[e]) * gate[b * c + j] + dp / double(hw));
            }
        }
    }
}

}  // namespace compofa::ref
