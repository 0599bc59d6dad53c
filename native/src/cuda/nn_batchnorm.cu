// Batch normalisation over the rows of a (rows, c) tensor, PyTorch semantics (see compofa.h).
// Training: two column reductions (nn_columns.cuh) give the statistics by the corrected two-pass
//   method: pass 1 sums x - x[0][j] (shifted, so a large common offset costs no precision) for a
//   first mean m0; pass 2 sums d = x - m0 and d^2, and its epilogue (double, once per channel)
//   refines mean = m0 + sum(d)/rows and var = (sum(d^2) - sum(d)^2/rows)/rows, writes batch_mean,
//   batch_var, the running stats and the per-channel scale gamma * invstd; a column map then
//   normalises y = (x - mean) * scale + beta.
// Eval: one column map with per-thread channel parameters.
// Backward: one reduction of {sum(dy), sum(dy * (x - mean))}; its epilogue adds dbeta and dgamma
//   (atomicAdd: accumulation stays right even when calls on several streams share the buffers) and
//   stores dx's per-channel coefficients, then a map writes
//   dx = k*dy - k*sum(dy)/rows - k*invstd*sum(dy*xhat)/rows * (x - mean), k = gamma * invstd.
// With an activation (compofa_batchnorm_act_*): the normalising map applies it, and the backward's
//   reduction and dx map both use g = dy * act'((x - mean) * gamma * invstd + beta), recomputing the
//   normalised value from x instead of storing it.
// Elements are read and written by the same thread, so y == x (dx == dy) in place is safe.
#include "cuda/nn_columns.cuh"
#include "cuda/nn_ops.cuh"

namespace compofa::cuda {

namespace {

constexpr int64_t kReduceRowsPerThread = 16;
constexpr int64_t kMapRowsPerThread = 4;

// gamma * invstd: the per-channel scale of every pass, one formula so a recomputation matches bit for bit.
__device__ inline float bn_scale(float gamma, float var, float eps) { return gamma * (1.0f / sqrtf(var + eps)); }

// running = (1 - momentum) running + momentum batch, for the mean and the unbiased variance.
__device__ inline void update_running(float* running_mean, float* running_var, int32_t col, float momentum,
                                      float mean, float unbiased) {
    running_mean[col] = (1.0f - momentum) * running_mean[col] + momentum * mean;
    running_var[col] = (1.0f - momentum) * running_var[col] + momentum * unbiased;
}

// ---- training forward --------------------------------------------------------------------------

struct SumShifted {  // sum of x - x[0][col]
    const float* x;
    struct State { float x0; };
    __device__ State load(int64_t, int32_t col) const { return {x[col]}; }
    __device__ void add(const State& st, int64_t e, float (&acc)[1]) const { acc[0] += x[e] - st.x0; }
};

struct FirstMeanEpi {
    int64_t rows;
    const float* x;
    float* mean0;  // scratch [c]
    __device__ void operator()(int64_t, int32_t col, const float (&t)[1]) const {
        mean0[col] = float(double(x[col]) + double(t[0]) / double(rows));
    }
};

struct SumDev {
    const float* x;
    const float* mean0;
    struct State { float m; };
    __device__ State load(int64_t, int32_t col) const { return {mean0[col]}; }
    __device__ void add(const State& st, int64_t e, float (&acc)[2]) const {
        const float d = x[e] - st.m;
        acc[0] += d;
        acc[1] = fmaf(d, d, acc[1]);
    }
};

struct StatsEpi {
    int64_t rows;
    const float* gamma;
    const float* mean0;  // scratch [c], pass 1
    float* mean;         // scratch [c], refined
    float* scale;        // scratch [c]: gamma * invstd
    float* batch_mean;   // may be null
    float* batch_var;    // may be null
    float* running_mean;
    float* running_var;  // both or neither
    float momentum, eps;
    __device__ void operator()(int64_t, int32_t col, const float (&t)[2]) const {
        const double n = double(rows);
        const double sd = t[0], sd2 = t[1];
        const float m = float(double(mean0[col]) + sd / n);
        const double var_d = (sd2 - sd * sd / n) / n;
        const float var = float(var_d > 0.0 ? var_d : 0.0);
        mean[col] = m;
        if (batch_mean != nullptr) batch_mean[col] = m;
        if (batch_var != nullptr) batch_var[col] = var;
        scale[col] = bn_scale(gamma[col], var, eps);
        if (running_mean != nullptr && running_var != nullptr && momentum != 0.0f)
            update_running(running_mean, running_var, col, momentum, m,
                           float(var_d > 0.0 ? var_d * n / (n - 1.0) : 0.0));
    }
};

struct NormalizeOp {
    const float* x;
    const float* mean;
    const float* scale;
    const float* beta;
    float* y;
    int32_t act;
    struct State { float m, k, b; };
    __device__ State load(int64_t, int32_t col) const { return {mean[col], scale[col], beta[col]}; }
    __device__ float read(const State&, int64_t e) const { return x[e]; }
    __device__ void write(const State& st, int64_t e, float v) const {
        y[e] = apply_activation(act, fmaf(v - st.m, st.k, st.b));
    }
};

// ---- eval forward ------------------------------------------------------------------------------

struct EvalOp {
    const float* x;
    const float* gamma;
    const float* beta;
    const float* running_mean;
    const float* running_var;
    float eps;
    float* y;
    struct State { float m, k, b; };
    __device__ State load(int64_t, int32_t col) const {
        return {running_mean[col], bn_scale(gamma[col], running_var[col], eps), beta[col]};
    }
    __device__ float read(const State&, int64_t e) const { return x[e]; }
    __device__ void write(const State& st, int64_t e, float v) const { y[e] = fmaf(v - st.m, st.k, st.b); }
};

// ---- backward ----------------------------------------------------------------------------------

// The gradient at the batch norm's output: dy, or dy * act'(z) with z = (x - m) k + b recomputed
// (k = gamma * invstd, the scale BackwardEpi stores as dx's first coefficient).
struct OutputGrad {
    const float* gamma;
    const float* beta;  // null when act is the identity
    const float* var;
    float eps;
    int32_t act;
    __device__ float scale(int32_t col) const { return bn_scale(gamma[col], var[col], eps); }
    __device__ float shift(int32_t col) const { return act != COMPOFA_ACT_IDENTITY ? beta[col] : 0.0f; }
    __device__ float operator()(float dy, float x, float m, float k, float b) const {
        return act == COMPOFA_ACT_IDENTITY ? dy : dy * activation_derivative(act, fmaf(x - m, k, b));
    }
};

struct SumBackward {
    const float* x;
    const float* dy;
    const float* mean;
    OutputGrad grad;
    struct State { float m, k, b; };
    __device__ State load(int64_t, int32_t col) const { return {mean[col], grad.scale(col), grad.shift(col)}; }
    __device__ void add(const State& st, int64_t e, float (&acc)[2]) const {
        const float g = grad(dy[e], x[e], st.m, st.k, st.b);
        acc[0] += g;
        acc[1] = fmaf(g, x[e] - st.m, acc[1]);
    }
};

// coef (scratch, 3 x c, null when dx is skipped): k, k*sum(dy)/rows, k*invstd*sum(dy*xhat)/rows.
struct BackwardEpi {
    int64_t rows;
    int32_t c;
    const float* gamma;
    const float* var;
    float eps;
    float* dgamma;
    float* dbeta;
    float* coef;
    __device__ void operator()(int64_t, int32_t col, const float (&t)[2]) const {
        const float invstd = 1.0f / sqrtf(var[col] + eps);
        const float sum_dy = t[0];
        const float sum_dy_xhat = t[1] * invstd;
        if (dbeta != nullptr) atomicAdd(dbeta + col, sum_dy);
        if (dgamma != nullptr) atomicAdd(dgamma + col, sum_dy_xhat);
        if (coef != nullptr) {
            const float k = gamma[col] * invstd;
            const float inv_rows = float(1.0 / double(rows));
            coef[col] = k;
            coef[c + col] = k * sum_dy * inv_rows;
            coef[2 * c + col] = k * invstd * sum_dy_xhat * inv_rows;
        }
    }
};

struct DxOp {
    const float* x;
    const float* dy;
    const float* mean;
    const float* coef;
    int32_t c;
    float* dx;
    OutputGrad grad;
    struct State { float m, k, c1, c2, b; };
    struct Vals { float g, v; };
    __device__ State load(int64_t, int32_t col) const {
        return {mean[col], coef[col], coef[c + col], coef[2 * c + col], grad.shift(col)};
    }
    __device__ Vals read(const State& st, int64_t e) const {
        const float v = x[e];
        return {grad(dy[e], v, st.m, st.k, st.b), v};
    }
    __device__ void write(const State& st, int64_t e, const Vals& v) const {
        dx[e] = fmaf(st.k, v.g, -fmaf(st.c2, v.v - st.m, st.c1));
    }
};

// stats_given: batch_mean/batch_var came from the producer (compofa_conv1x1_stats_forward); per
// channel, the scale gamma * invstd and the running-stat update.
__global__ void given_stats_kernel(int64_t rows, int32_t c, const float* gamma, const float* batch_mean,
                                   const float* batch_var, float* scale, float* running_mean, float* running_var,
                                   float momentum, float eps) {
    const int64_t col = grid_index();
    if (col >= c) return;
    const float var = batch_var[col];
    scale[col] = bn_scale(gamma[col], var, eps);
    if (running_mean != nullptr && running_var != nullptr && momentum != 0.0f)
        update_running(running_mean, running_var, col, momentum, batch_mean[col],
                       float(double(var) * double(rows) / double(rows - 1)));
}

}  // namespace

void bn_train(const BnTrain& op, void* stream_ptr) {
    const cudaStream_t stream = as_stream(stream_ptr);
    const bool update = op.running_mean != nullptr && op.running_var != nullptr;
    if (op.stats_given) {  // one pass: normalise with the producer's statistics
        StreamScratch scale(size_t(op.c), stream);
        given_stats_kernel<<<grid_for(op.c, 256), 256, 0, stream>>>(op.rows, op.c, op.gamma, op.batch_mean,
                                                                    op.batch_var, scale.get(),
                                                                    update ? op.running_mean : nullptr,
                                                                    update ? op.running_var : nullptr, op.momentum,
                                                                    op.eps);
        check_launch("given_stats_kernel");
        column_map(plan_columns(1, op.rows, op.c, kMapRowsPerThread),
                   NormalizeOp{op.x, op.batch_mean, scale.get(), op.beta, op.y, op.act}, stream, "bn_normalize_kernel");
        scale.release();
        return;
    }
    const ColumnPlan red = plan_columns(1, op.rows, op.c, kReduceRowsPerThread);
    const size_t partials = red.chunks > 1 ? size_t(red.partial_floats(2)) : 0;
    StreamScratch scratch(3 * size_t(op.c) + partials, stream);
    float* mean0 = scratch.get();
    float* mean = mean0 + op.c;
    float* scale = mean + op.c;
    float* partial = partials > 0 ? scale + op.c : nullptr;
    column_reduce<1>(red, SumShifted{op.x}, FirstMeanEpi{op.rows, op.x, mean0}, partial, stream, "bn_mean_kernel");
    column_reduce<2>(red, SumDev{op.x, mean0},
                     StatsEpi{op.rows, op.gamma, mean0, mean, scale, op.batch_mean, op.batch_var,
                              update ? op.running_mean : nullptr, update ? op.running_var : nullptr, op.momentum,
                              op.eps},
                     partial, stream, "bn_stats_kernel");
    column_map(plan_columns(1, op.rows, op.c, kMapRowsPerThread), NormalizeOp{op.x, mean, scale, op.beta, op.y, op.act},
               stream, "bn_normalize_kernel");
    scratch.release();
}

void bn_eval(const BnEval& op, void* stream) {
    column_map(plan_columns(1, op.rows, op.c, kMapRowsPerThread),
               EvalOp{op.x, op.gamma, op.beta, op.running_mean, op.running_var, op.eps, op.y}, as_stream(stream),
               "bn_eval_kernel");
}

void bn_backward(const BnBackward& op, void* stream_ptr) {
    if (op.dx == nullptr && op.dgamma == nullptr && op.dbeta == nullptr) return;
    const cudaStream_t stream = as_stream(stream_ptr);
    const OutputGrad grad{op.gamma, op.beta, op.batch_var, op.eps, op.act};
    const ColumnPlan red = plan_columns(1, op.rows, op.c, kReduceRowsPerThread);
    const size_t coefs = op.dx != nullptr ? 3 * size_t(op.c) : 0;
    const size_t partials = red.chunks > 1 ? size_t(red.partial_floats(2)) : 0;
    if (coefs + partials == 0) {  // one chunk, no dx: the reduction's epilogue adds straight in
        column_reduce<2>(red, SumBackward{op.x, op.dy, op.batch_mean, grad},
                         BackwardEpi{op.rows, op.c, op.gamma, op.batch_var, op.eps, op.dgamma, op.dbeta, nullptr},
                         nullptr, stream, "bn_backward_reduce_kernel");
        return;
    }
    StreamScratch scratch(coefs + partials, stream);
    float* coef = coefs > 0 ? scratch.get() : nullptr;
    float* partial = partials > 0 ? scratch.get() + coefs : nullptr;
    column_reduce<2>(red, SumBackward{op.x, op.dy, op.batch_mean, grad},
                     BackwardEpi{op.rows, op.c, op.gamma, op.batch_var, op.eps, op.dgamma, op.dbeta, coef}, partial,
                     stream, "bn_backward_reduce_kernel");
    if (op.dx != nullptr)
        column_map(plan_columns(1, op.rows, op.c, kMapRowsPerThread),
                   DxOp{op.x, op.dy, op.batch_mean, coef, op.c, op.dx, grad}, stream, "bn_backward_dx_kernel");
    scratch.release();
}

}  // namespace compofa::cuda
