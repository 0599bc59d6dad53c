// Batch normalisation over the rows of a (rows, c) tensor on the CPU, PyTorch semantics (see
// compofa.h and ref/nn_batchnorm_ref.cpp).
// train: one pass of per-thread double column sums of d = x - x[0][j] and d^2 (shifted data: the
//        variance loses nothing to a large mean; skipped when the producer gathered them), then
//        y = ((x - mean_hi) - mean_lo) * a + beta with
//        a = gamma * invstd and the double mean split into two floats, threads over rows.
// backward: one pass of column sums of dy and dy * (x - mean), then
//        dx = k1 dy - k2 - k3 (x - mean), k1 = gamma invstd, k2 = k1 sum(dy) / rows,
//        k3 = k1 invstd^2 sum(dy (x - mean)) / rows.
// With an activation (compofa_batchnorm_act_*) the forward applies it in the normalising pass and
// the backward replaces dy by g = dy * act'((x - mean) k1 + beta) in both of its passes, recomputing
// the normalised value instead of reading it from memory.
#include <cmath>
#include <vector>

#include "cpu/activation_cpu.h"
#include "cpu/nn_cpu_ops.h"

namespace compofa::cpu {
COMPOFA_ISA_BEGIN  // compiled once per ISA (cpu/isa.h)

namespace {

// y[r][j] = act((x[r][j] - sub[j] - sub2[j]) * mul[j] + add[j]), threads over rows; y may equal x.
template <int Kind>
void affine_rows(int64_t rows, int c, const float* x, const float* sub, const float* sub2, const float* mul,
                 const float* add, float* y) {
    const int nt = threads_for(rows * c, rows);
    parallel_for(rows, nt, [&](int64_t r) {
        const float* xr = x + r * c;
        float* yr = y + r * c;
#pragma omp simd
        for (int j = 0; j < c; ++j) yr[j] = activate<Kind>(((xr[j] - sub[j]) - sub2[j]) * mul[j] + add[j]);
    });
}

// The backward's gradient at the batch norm's output: dy itself, or dy * act'(z) with z recomputed.
template <int Kind>
inline float bn_output_grad(float dy, float x, float mean, float k, float beta) {
    if constexpr (Kind == COMPOFA_ACT_IDENTITY) return dy;
    else return dy * derivative<Kind>((x - mean) * k + beta);
}

template <int Kind>
void bn_backward_act(const BnBackward& op) {
    const int64_t rows = op.rows;
    const int c = op.c;
    const float* x = op.x;
    const float* dy = op.dy;
    const float* mean = op.batch_mean;
    std::vector<double> invstd(c);
    std::vector<float> k1(c), beta(c, 0.0f);
    for (int j = 0; j < c; ++j) {
        invstd[j] = 1.0 / std::sqrt(double(op.batch_var[j]) + double(op.eps));
        k1[j] = float(double(op.gamma[j]) * invstd[j]);
        if (op.beta != nullptr) beta[j] = op.beta[j];
    }
    const float *K1 = k1.data(), *B = beta.data();
    const std::vector<double> sums = column_sums(rows, 2 * int64_t(c), 2 * rows * c, [&](int64_t r, double* acc) {
        const float* xr = x + r * c;
        const float* gr = dy + r * c;
        double* __restrict s_dy = acc;
        double* __restrict s_dyx = acc + c;
#pragma omp simd
        for (int j = 0; j < c; ++j) {
            const float g = bn_output_grad<Kind>(gr[j], xr[j], mean[j], K1[j], B[j]);
            s_dy[j] += g;
            s_dyx[j] += double(g) * double(xr[j] - mean[j]);
        }
    });
    std::vector<float> k2(c), k3(c);
    for (int j = 0; j < c; ++j) {
        const double sum_dy = sums[std::size_t(j)], sum_dy_xhat = sums[std::size_t(c + j)] * invstd[j];
        if (op.dgamma != nullptr) op.dgamma[j] = float(op.dgamma[j] + sum_dy_xhat);
        if (op.dbeta != nullptr) op.dbeta[j] = float(op.dbeta[j] + sum_dy);
        const double k = double(op.gamma[j]) * invstd[j];
        k2[j] = float(k * sum_dy / double(rows));
        k3[j] = float(k * invstd[j] * sum_dy_xhat / double(rows));
    }
    if (op.dx == nullptr) return;
    float* dx = op.dx;
    const float *K2 = k2.data(), *K3 = k3.data();
    const int nt = threads_for(2 * rows * c, rows);
    parallel_for(rows, nt, [&](int64_t r) {
        const float* xr = x + r * c;
        const float* gr = dy + r * c;
        float* dr = dx + r * c;
#pragma omp simd
        for (int j = 0; j < c; ++j) {
            const float g = bn_output_grad<Kind>(gr[j], xr[j], mean[j], K1[j], B[j]);
            dr[j] = K1[j] * g - K2[j] - K3[j] * (xr[j] - mean[j]);
        }
    });
}

// The batch's per-channel mean and biased variance of x (rows, c) in double: column sums of the
// data shifted by its first row (so a large common offset costs no precision).
void batch_statistics(int64_t rows, int c, const float* x, std::vector<double>& mean, std::vector<double>& var) {
    std::vector<double> shift(x, x + c);
    const double* K = shift.data();
    const std::vector<double> sums = column_sums(rows, 2 * int64_t(c), rows * c, [&](int64_t r, double* acc) {
        const float* xr = x + r * c;
        double* __restrict s1 = acc;
        double* __restrict s2 = acc + c;
#pragma omp simd
        for (int j = 0; j < c; ++j) {
            const double d = double(xr[j]) - K[j];
            s1[j] += d;
            s2[j] += d * d;
        }
    });
    for (int j = 0; j < c; ++j) {
        const double s1 = sums[std::size_t(j)], s2 = sums[std::size_t(c + j)];
        mean[j] = K[j] + s1 / double(rows);
        var[j] = std::max(0.0, (s2 - s1 * s1 / double(rows)) / double(rows));
    }
}

}  // namespace

void bn_train(const BnTrain& op, void*) {
    const int64_t rows = op.rows;
    const int c = op.c;
    const float* x = op.x;
    std::vector<double> means(c), vars(c);
    if (op.stats_given) {  // gathered by the convolution that wrote x
        means.assign(op.batch_mean, op.batch_mean + c);
        vars.assign(op.batch_var, op.batch_var + c);
    } else {
        batch_statistics(rows, c, x, means, vars);  // before y may overwrite x
    }
    // With an activation the backward recomputes z = (x - batch_mean) k + beta from the stored float
    // statistics, so the forward normalises with exactly those (bit-identical z: the activation's
    // derivative is taken at the value the forward used, also at its kinks). Without one, the double
    // mean split in two floats keeps the last bits.
    const bool recomputed = op.act != COMPOFA_ACT_IDENTITY;
    std::vector<float> mean_hi(c), mean_lo(c), a(c);
    for (int j = 0; j < c; ++j) {
        const double mean = means[j], var = vars[j];
        const double invstd = 1.0 / std::sqrt((recomputed ? double(float(var)) : var) + double(op.eps));
        mean_hi[j] = float(mean);
        mean_lo[j] = recomputed ? 0.0f : float(mean - double(mean_hi[j]));
        a[j] = float(double(op.gamma[j]) * invstd);
        if (!op.stats_given) {  // given statistics stay as the producer wrote them
            op.batch_mean[j] = float(mean);
            op.batch_var[j] = float(var);
        }
        if (op.running_mean != nullptr && op.momentum != 0.0f) {
            const double m = op.momentum;
            op.running_mean[j] = float((1.0 - m) * op.running_mean[j] + m * mean);
            op.running_var[j] = float((1.0 - m) * op.running_var[j] + m * var * double(rows) / double(rows - 1));
        }
    }
    with_activation(op.act, [&](auto kind) {
        affine_rows<decltype(kind)::value>(rows, c, x, mean_hi.data(), mean_lo.data(), a.data(), op.beta, op.y);
    });
}

void bn_eval(const BnEval& op, void*) {
    const int c = op.c;
    std::vector<float> zero(c, 0.0f), a(c);
    for (int j = 0; j < c; ++j)
        a[j] = float(double(op.gamma[j]) / std::sqrt(double(op.running_var[j]) + double(op.eps)));
    affine_rows<COMPOFA_ACT_IDENTITY>(op.rows, c, op.x, op.running_mean, zero.data(), a.data(), op.beta, op.y);
}

void bn_backward(const BnBackward& op, void*) {
    with_activation(op.act, [&](auto kind) { bn_backward_act<decltype(kind)::value>(op); });
}

COMPOFA_ISA_END
}  // namespace compofa::cpu
