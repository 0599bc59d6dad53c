// Squeeze-and-excitation in one op on CUDA. Forward: the pooling and the scaling are nn_columns.cuh's
// column reduce and map (as gap_forward and scale_forward), and between them one kernel runs both
// small dense layers of every image (a block per image, a warp per output, lanes along the weight
// row): three launches instead of the eight of the separate ops (pool, 2 x (GEMM, bias), relu,
// h_sigmoid, scale), and pooled/hidden/gate stay in one small buffer. Backward: d gate as
// scale_backward's column reduction, one kernel per image down to d pooled, dx in one column map,
// then the weight gradients (a thread per weight summing over the batch, one atomicAdd each so calls
// on several streams may share the gradient buffers).
#include "cuda/nn_columns.cuh"
#include "cuda/nn_ops.cuh"

namespace compofa::cuda {

namespace {

constexpr int kSeThreads = 256;
constexpr int64_t kMapRowsPerThread = 4;

// The dot product of a and b (len floats) by one warp, lanes along the vectors; every lane gets it.
__device__ inline float warp_dot(const float* a, const float* b, int len, int lane) {
    float s = 0.0f;
    for (int k = lane; k < len; k += kWarp) s = fmaf(a[k], b[k], s);
    return warp_sum(s);
}

// Block b: hidden[b] = relu(W1 pooled[b] + b1), then gate[b] = h_sigmoid(W2 hidden[b] + b2).
__global__ void __launch_bounds__(kSeThreads) se_excite_kernel(SeSaved v, SeWeights w) {
    const int64_t b = blockIdx.x;
    const int warp = int(threadIdx.x) / kWarp, lane = int(threadIdx.x) % kWarp, warps = int(blockDim.x) / kWarp;
    float* hidden = v.hidden() + b * v.se;
    float* gate = v.gate() + b * v.c;
    for (int i = warp; i < v.se; i += warps) {
        const float s = warp_dot(v.pooled() + b * v.c, w.w1 + int64_t(i) * w.ld1, v.c, lane);
        if (lane == 0) hidden[i] = fmaxf(s + w.b1[i], 0.0f);
    }
    __syncthreads();  // hidden complete (global writes are visible to the block after the barrier)
    for (int j = warp; j < v.c; j += warps) {
        const float s = warp_dot(hidden, w.w2 + int64_t(j) * w.ld2, v.se, lane);
        if (lane == 0) gate[j] = apply_activation(COMPOFA_ACT_HSIGMOID, s + w.b2[j]);
    }
}

// Block b, from dz2[b] = d gate (sum_p dy * x): dz2 through h_sigmoid (in place), dz1 = relu'(hidden)
// (dz2 W2), dpool = (dz1 W1) / hw. A thread per output, looping over the other index, so a warp
// reads consecutive weights.
__global__ void __launch_bounds__(kSeThreads) se_backward_image_kernel(SeSaved v, SeWeights w, float* dz2,
                                                                       float* dz1, float* dpool, float inv_hw) {
    const int64_t b = blockIdx.x;
    const float* gate = v.gate() + b * v.c;
    const float* hidden = v.hidden() + b * v.se;
    float* d2 = dz2 + b * v.c;
    float* d1 = dz1 + b * v.se;
    for (int j = threadIdx.x; j < v.c; j += blockDim.x) d2[j] = gate[j] > 0.0f && gate[j] < 1.0f ? d2[j] / 6.0f : 0.0f;
    __syncthreads();
    for (int i = threadIdx.x; i < v.se; i += blockDim.x) {
        float s = 0.0f;
        for (int j = 0; j < v.c; ++j) s = fmaf(d2[j], w.w2[int64_t(j) * w.ld2 + i], s);
        d1[i] = hidden[i] > 0.0f ? s : 0.0f;
    }
    __syncthreads();
    for (int j = threadIdx.x; j < v.c; j += blockDim.x) {
        float s = 0.0f;
        for (int i = 0; i < v.se; ++i) s = fmaf(d1[i], w.w1[int64_t(i) * w.ld1 + j], s);
        dpool[b * v.c + j] = s * inv_hw;
    }
}

// dW2[j][i] += sum_b dz2[b][j] hidden[b][i] (and db2), then dW1[i][j] += sum_b dz1[b][i] pooled[b][j]
// (and db1): one thread per weight, the faster index along the weight row.
__global__ void se_weight_grad_kernel(SeSaved v, const float* dz2, const float* dz1, SeBackward g) {
    const int64_t per = int64_t(v.c) * v.se;
    for (int64_t t = grid_index(); t < 2 * per; t += grid_stride()) {
        const bool second = t >= per;
        const int64_t u = second ? t - per : t;
        const int rows = second ? v.se : v.c, cols = second ? v.c : v.se;  // dW2 is c x se, dW1 se x c
        const int r = int(u / cols), col = int(u - int64_t(r) * cols);
        const float* dz = second ? dz1 : dz2;
        const float* act = second ? v.pooled() : v.hidden();
        float s = 0.0f, bias = 0.0f;
        for (int64_t b = 0; b < v.n; ++b) {
            const float d = dz[b * rows + r];
            s = fmaf(d, act[b * cols + col], s);
            bias += d;
        }
        if (second) {
            atomicAdd(g.dw1 + int64_t(r) * g.w.ld1 + col, s);
            if (col == 0) atomicAdd(g.db1 + r, bias);
        } else {
            atomicAdd(g.dw2 + int64_t(r) * g.w.ld2 + col, s);
            if (col == 0) atomicAdd(g.db2 + r, bias);
        }
    }
}

// dx[e] = dy[e] * gate[seg][col] + dpool[seg][col].
struct ScaleAddOp {
    const float* dy;
    const float* gate;
    const float* dpool;
    int32_t c;
    float* dx;
    struct State { float k, a; };
    __device__ State load(int64_t seg, int32_t col) const { return {gate[seg * c + col], dpool[seg * c + col]}; }
    __device__ float read(const State&, int64_t e) const { return dy[e]; }
    __device__ void write(const State& st, int64_t e, float v) const { dx[e] = fmaf(v, st.k, st.a); }
};

}  // namespace

void se_forward(const SeForward& op, void* stream_ptr) {
    const cudaStream_t stream = as_stream(stream_ptr);
    StreamScratch local(op.saved == nullptr ? size_t(se_saved_len(op.n, op.c, op.se)) : 1, stream);
    const SeSaved v{op.saved != nullptr ? op.saved : local.get(), op.n, op.c, op.se};
    gap_forward(op.n, op.hw, op.c, op.x, v.pooled(), stream_ptr);
    se_excite_kernel<<<unsigned(op.n), kSeThreads, 0, stream>>>(v, op.w);
    check_launch("se_excite_kernel");
    scale_forward(op.n, op.hw, op.c, op.x, v.gate(), op.y, stream_ptr);
    local.release();
}

void se_backward(const SeBackward& op, void* stream_ptr) {
    const cudaStream_t stream = as_stream(stream_ptr);
    const SeSaved v{const_cast<float*>(op.saved), op.n, op.c, op.se};
    const int64_t nc = int64_t(op.n) * op.c, nse = int64_t(op.n) * op.se;
    StreamScratch scratch(size_t(2 * nc + nse), stream);  // dz2 [n][c], dpool [n][c], dz1 [n][se]
    float* dz2 = scratch.get();
    float* dpool = dz2 + nc;
    float* dz1 = dpool + nc;
    scale_backward(op.n, op.hw, op.c, op.x, v.gate(), op.dy, nullptr, dz2, stream_ptr);  // d gate
    se_backward_image_kernel<<<unsigned(op.n), kSeThreads, 0, stream>>>(v, op.w, dz2, dz1, dpool,
                                                                        float(1.0 / double(op.hw)));
    check_launch("se_backward_image_kernel");
    column_map(plan_columns(op.n, op.hw, op.c, kMapRowsPerThread), ScaleAddOp{op.dy, v.gate(), dpool, op.c, op.dx},
               stream, "se_dx_kernel");
    se_weight_grad_kernel<<<grid_for(2 * int64_t(op.c) * op.se, kSeThreads), kSeThreads, 0, stream>>>(v, dz2, dz1, op);
    check_launch("se_weight_grad_kernel");
    scratch.release();
}

}  // namespace compofa::cuda
