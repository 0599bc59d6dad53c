// Softmax cross-entropy (label smoothing) and soft-target cross-entropy (distillation, T = 1):
// one warp per sample row; lanes stride over the classes (coalesced), max and sums are butterfly
// warp reductions, so every lane holds the row's statistics and writes its own gradient entries.
// Log-softmax subtracts the row max: log_softmax_j = z_j - m - log(sum exp(z - m)).
//   CE:   loss = log S - (1 - s) (z_y - m) - (s / C) sum_j (z_j - m)   (sum of target = 1)
//         dlogits_j = grad_scale * (softmax_j - target_j)
//   Soft: loss = -sum_j p_j (zs_j - ms - log Ss), p = softmax(teacher)
//         dstudent_j = grad_scale * (softmax(student)_j - p_j)
// A label outside [0, classes) is never used as an index: that row's loss (and gradient) is NaN.
#include <cmath>

#include "cuda/nn_columns.cuh"  // warp_sum, warp_max, kWarp
#include "cuda/nn_ops.cuh"

namespace compofa::cuda {

namespace {

constexpr int kThreads = 256;
constexpr int kRowsPerBlock = kThreads / kWarp;

__device__ inline int64_t warp_row() { return (int64_t(blockIdx.x) * blockDim.x + threadIdx.x) / kWarp; }
__device__ inline int64_t warp_rows_stride() { return int64_t(gridDim.x) * blockDim.x / kWarp; }

unsigned grid_for_rows(int64_t n) {
    return static_cast<unsigned>(std::clamp<int64_t>((n + kRowsPerBlock - 1) / kRowsPerBlock, 1, int64_t(1) << 20));
}

__global__ void __launch_bounds__(kThreads) cross_entropy_kernel(CrossEntropy op) {
    const int lane = threadIdx.x % kWarp;
    const int C = op.classes;
    for (int64_t b = warp_row(); b < op.n; b += warp_rows_stride()) {  // uniform over the warp
        const float* z = op.logits + b * C;
        float* dz = op.dlogits != nullptr ? op.dlogits + b * C : nullptr;
        const int32_t label = op.labels[b];
        if (label < 0 || label >= C) {
            if (lane == 0) op.loss[b] = NAN;
            if (dz != nullptr)
                for (int j = lane; j < C; j += kWarp) dz[j] = NAN;
            continue;
        }
        float m = -INFINITY;
        for (int j = lane; j < C; j += kWarp) m = fmaxf(m, z[j]);
        m = warp_max(m);
        float sum_exp = 0.0f, sum_shift = 0.0f;
        for (int j = lane; j < C; j += kWarp) {
            const float d = z[j] - m;
            sum_exp += expf(d);
            sum_shift += d;
        }
        sum_exp = warp_sum(sum_exp);
        sum_shift = warp_sum(sum_shift);
        const float on = 1.0f - op.smoothing, off = op.smoothing / float(C);
        if (lane == 0) {  // the smoothing term only when smoothing > 0 (0 * -inf from a -inf logit is NaN)
            const float smooth = off != 0.0f ? off * sum_shift : 0.0f;
            op.loss[b] = logf(sum_exp) - on * (z[label] - m) - smooth;
        }
        if (dz != nullptr) {
            const float inv = 1.0f / sum_exp;
            for (int j = lane; j < C; j += kWarp) {
                const float target = j == label ? on + off : off;
                dz[j] = op.grad_scale * (expf(z[j] - m) * inv - target);
            }
        }
    }
}

__global__ void __launch_bounds__(kThreads) soft_cross_entropy_kernel(SoftCrossEntropy op) {
    const int lane = threadIdx.x % kWarp;
    const int C = op.classes;
    for (int64_t b = warp_row(); b < op.n; b += warp_rows_stride()) {
        const float* zs = op.student + b * C;
        const float* zt = op.teacher + b * C;
        float ms = -INFINITY, mt = -INFINITY;
        for (int j = lane; j < C; j += kWarp) ms = fmaxf(ms, zs[j]), mt = fmaxf(mt, zt[j]);
        ms = warp_max(ms);
        mt = warp_max(mt);
        float ss = 0.0f, st = 0.0f;
        for (int j = lane; j < C; j += kWarp) ss += expf(zs[j] - ms), st += expf(zt[j] - mt);
        ss = warp_sum(ss);
        st = warp_sum(st);
        const float log_ss = logf(ss), inv_ss = 1.0f / ss, inv_st = 1.0f / st;
        float* ds = op.dstudent != nullptr ? op.dstudent + b * C : nullptr;
        float loss = 0.0f;
        for (int j = lane; j < C; j += kWarp) {
            const float ds_j = zs[j] - ms;
            const float p = expf(zt[j] - mt) * inv_st;
            loss -= p * (ds_j - log_ss);
            if (ds != nullptr) ds[j] = op.grad_scale * (expf(ds_j) * inv_ss - p);
        }
        loss = warp_sum(loss);
        if (lane == 0) op.loss[b] = loss;
    }
}

}  // namespace

void cross_entropy(const CrossEntropy& op, void* stream) {
    cross_entropy_kernel<<<grid_for_rows(op.n), kThreads, 0, as_stream(stream)>>>(op);
    check_launch("cross_entropy_kernel");
}

void soft_cross_entropy(const SoftCrossEntropy& op, void* stream) {
    soft_cross_entropy_kernel<<<grid_for_rows(op.n), kThreads, 0, as_stream(stream)>>>(op);
    check_launch("soft_cross_entropy_kernel");
}

}  // namespace compofa::cuda
