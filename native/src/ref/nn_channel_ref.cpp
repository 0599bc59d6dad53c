// Reference per-channel ops on NHWC tensors seen as (rows, c) or (n, hw, c):
//   bias:   y[r][j] += bias[j];                   dbias[j] += sum_r dy[r][j]
//   pool:   y[b][j] = sum_p x[b][p][j] / hw;       dx[b][p][j] = dy[b][j] / hw
//   scale:  y[b][p][j] = x[b][p][j] * s[b][j];     dx = dy * s, ds[b][j] = sum_p dy * x
// dx may alias dy in scale_backward: every dy element is read before its dx is written.
#include <vector>

#include "ref/nn_ref_ops.h"

namespace compofa::ref {

void bias_add(int64_t rows, int32_t c, float* y, const float* bias, void*) {
    for (int64_t r = 0; r < rows; ++r)
        for (int j = 0; j < c; ++j) y[r * c + j] = float(double(y[r * c + j]) + bias[j]);
}

void bias_backward(int64_t rows, int32_t c, const float* dy, float* dbias, void*) {
    for (int j = 0; j < c; ++j) {
        double sum = 0.0;
        for (int64_t r = 0; r < rows; ++r) sum += dy[r * c + j];
        dbias[j] = float(dbias[j] + sum);
    }
}

void gap_forward(int32_t n, int32_t hw, int32_t c, const float* x, float* y, void*) {
    for (int b = 0; b < n; ++b)
        for (int j = 0; j < c; ++j) {
            double sum = 0.0;
            for (int p = 0; p < hw; ++p) sum += x[(int64_t(b) * hw + p) * c + j];
            y[int64_t(b) * c + j] = float(sum / hw);
        }
}

void gap_backward(int32_t n, int32_t hw, int32_t c, const float* dy, float* dx, void*) {
    for (int b = 0; b < n; ++b)
        for (int p = 0; p < hw; ++p)
            for (int j = 0; j < c; ++j) dx[(int64_t(b) * hw + p) * c + j] = float(double(dy[int64_t(b) * c + j]) / hw);
}

void scale_forward(int32_t n, int32_t hw, int32_t c, const float* x, const float* s, float* y, void*) {
    for (int b = 0; b < n; ++b)
        for (int p = 0; p < hw; ++p)
            for (int j = 0; j < c; ++j) {
                const int64_t i = (int64_t(b) * hw + p) * c + j;
                y[i] = float(double(x[i]) * s[int64_t(b) * c + j]);
            }
}

void scale_backward(int32_t n, int32_t hw, int32_t c, const float* x, const float* s, const float* dy, float* dx,
                    float* ds, void*) {
    std::vector<double> sum(static_cast<std::size_t>(c));
    for (int b = 0; b < n; ++b) {
        sum.assign(std::size_t(c), 0.0);
        for (int p = 0; p < hw; ++p)
            for (int j = 0; j < c; ++j) {
                const int64_t i = (int64_t(b) * hw + p) * c + j;
                const double g = dy[i];
                sum[std::size_t(j)] += g * x[i];
                if (dx != nullptr) dx[i] = float(g * s[int64_t(b) * c + j]);
            }
        if (ds != nullptr)
            for (int j = 0; j < c; ++j) ds[int64_t(b) * c + j] = float(sum[std::size_t(j)]);
    }
}

}  // namespace compofa::ref
