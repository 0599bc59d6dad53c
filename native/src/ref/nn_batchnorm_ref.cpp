// Reference batch normalisation over the rows of a (rows, c) tensor, PyTorch semantics:
//   train: mean_j = sum_r x / rows, var_j = sum_r (x - mean)^2 / rows (biased, two passes),
//          y = gamma * (x - mean) / sqrt(var + eps) + beta,
//          running_mean = (1-m) running_mean + m mean, running_var = (1-m) running_var + m var rows/(rows-1)
//          (skipped when m == 0 or when the running stats are null);
//   eval:  y = gamma * (x - running_mean) / sqrt(running_var + eps) + beta;
//   backward, with xhat = (x - mean) * invstd:
//          dbeta += sum_r dy, dgamma += sum_r dy xhat,
//          dx = gamma * invstd / rows * (rows dy - sum_r dy - xhat sum_r dy xhat);
//   with an activation (compofa_batchnorm_act_*): y = act(bn(x)) and the backward first takes
//          dy <- dy * act'(gamma xhat + beta), then proceeds as above.
#include <cmath>
#include <vector>

#include "ref/nn_ref_ops.h"

namespace compofa::ref {

void bn_train(const BnTrain& op, void*) {
    const int64_t rows = op.rows;
    const int c = op.c;
    for (int j = 0; j < c; ++j) {
        double mean = op.batch_mean[j], var = op.batch_var[j];  // stats_given: gathered by the producer
        if (!op.stats_given) {
            double sum = 0.0;
            for (int64_t r = 0; r < rows; ++r) sum += op.x[r * c + j];
            mean = sum / double(rows);
            double sq = 0.0;
            for (int64_t r = 0; r < rows; ++r) {
                const double d = op.x[r * c + j] - mean;
                sq += d * d;
            }
            var = sq / double(rows);
        }
        const double invstd = 1.0 / std::sqrt(var + double(op.eps));
        for (int64_t r = 0; r < rows; ++r) {
            const double z = double(op.gamma[j]) * (op.x[r * c + j] - mean) * invstd + double(op.beta[j]);
            op.y[r * c + j] = apply_activation(op.act, float(z));
        }
        op.batch_mean[j] = float(mean);
        op.batch_var[j] = float(var);
        if (op.running_mean != nullptr && op.momentum != 0.0f) {
            const double m = op.momentum;
            const double unbiased = var * double(rows) / double(rows - 1);
            op.running_mean[j] = float((1.0 - m) * op.running_mean[j] + m * mean);
            op.running_var[j] = float((1.0 - m) * op.running_var[j] + m * unbiased);
        }
    }
}

void bn_eval(const BnEval& op, void*) {
    const int c = op.c;
    for (int64_t r = 0; r < op.rows; ++r)
        for (int j = 0; j < c; ++j) {
            const double invstd = 1.0 / std::sqrt(double(op.running_var[j]) + double(op.eps));
            op.y[r * c + j] = float(double(op.gamma[j]) * (double(op.x[r * c + j]) - op.running_mean[j]) * invstd +
                                    double(op.beta[j]));
        }
}

void bn_backward(const BnBackward& op, void*) {
    const int64_t rows = op.rows;
    const int c = op.c;
    for (int j = 0; j < c; ++j) {
        const double mean = op.batch_mean[j];
        const double invstd = 1.0 / std::sqrt(double(op.batch_var[j]) + double(op.eps));
        // The gradient at the batch norm's output: through the activation when there is one.
        std::vector<double> g(std::size_t(rows), 0.0);
        for (int64_t r = 0; r < rows; ++r) {
            g[std::size_t(r)] = op.dy[r * c + j];
            if (op.act != COMPOFA_ACT_IDENTITY) {
                const double z = double(op.gamma[j]) * (op.x[r * c + j] - mean) * invstd + double(op.beta[j]);
                g[std::size_t(r)] *= double(activation_derivative(op.act, float(z)));
            }
        }
        double sum_dy = 0.0, sum_dy_xhat = 0.0;
        for (int64_t r = 0; r < rows; ++r) {
            const double dy = g[std::size_t(r)];
            sum_dy += dy;
            sum_dy_xhat += dy * (op.x[r * c + j] - mean) * invstd;
        }
        if (op.dx != nullptr) {
            const double k = double(op.gamma[j]) * invstd / double(rows);
            for (int64_t r = 0; r < rows; ++r) {
                const double xhat = (op.x[r * c + j] - mean) * invstd;
                op.dx[r * c + j] = float(k * (double(rows) * g[std::size_t(r)] - sum_dy - xhat * sum_dy_xhat));
            }
        }
        if (op.dgamma != nullptr) op.dgamma[j] = float(op.dgamma[j] + sum_dy_xhat);
        if (op.dbeta != nullptr) op.dbeta[j] = float(op.dbeta[j] + sum_dy);
    }
}

}  // namespace compofa::ref
