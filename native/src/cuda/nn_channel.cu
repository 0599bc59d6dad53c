// Per-channel ops over (rows, c) and (n, hw, c) tensors, all on nn_columns.cuh's column map and
// column reduction (one column per thread, deterministic shared-memory + warp sums):
//   bias_add / bias_backward   segs = 1, rows x c     (dbias += via atomicAdd, once per channel)
//   gap_forward / _backward    segs = n, hw x c       (y[b][j] = sum_p x / hw; dx = dy / hw)
//   scale_forward / _backward  segs = n, hw x c       (y = x * s[b][j]; dx = dy * s; ds = sum_p dy*x)
// In-place use (y == x, dx == dy) is safe: each element is read and written by one thread.
#include "cuda/nn_columns.cuh"
#include "cuda/nn_ops.cuh"

namespace compofa::cuda {

namespace {

constexpr int64_t kReduceRowsPerThread = 16;
constexpr int64_t kMapRowsPerThread = 4;

// ---- bias --------------------------------------------------------------------------------------

struct BiasAddOp {
    const float* bias;
    float* y;
    struct State { float b; };
    __device__ State load(int64_t, int32_t col) const { return {bias[col]}; }
    __device__ float read(const State&, int64_t e) const { return y[e]; }
    __device__ void write(const State& st, int64_t e, float v) const { y[e] = v + st.b; }
};

struct SumOf {
    const float* a;
    struct State {};
    __device__ State load(int64_t, int32_t) const { return {}; }
    __device__ void add(const State&, int64_t e, float (&acc)[1]) const { acc[0] += a[e]; }
};

struct AccumulateEpi {
    float* out;
    __device__ void operator()(int64_t, int32_t col, const float (&t)[1]) const { atomicAdd(out + col, t[0]); }
};

// ---- per-sample channel ops: parameter [seg][col] ------------------------------------------------

struct MeanStoreEpi {
    int32_t c;
    float inv_hw;
    float* y;
    __device__ void operator()(int64_t seg, int32_t col, const float (&t)[1]) const { y[seg * c + col] = t[0] * inv_hw; }
};

struct StoreEpi {
    int32_t c;
    float* out;
    __device__ void operator()(int64_t seg, int32_t col, const float (&t)[1]) const { out[seg * c + col] = t[0]; }
};

// y[e] = a[e] * s[seg][col] (scale forward, scale backward's dx).
struct ScaleOp {
    const float* a;
    const float* s;
    int32_t c;
    float* y;
    struct State { float k; };
    __device__ State load(int64_t seg, int32_t col) const { return {s[seg * c + col]}; }
    __device__ float read(const State&, int64_t e) const { return a[e]; }
    __device__ void write(const State& st, int64_t e, float v) const { y[e] = v * st.k; }
};

// dx[e] = dy[seg][col] / hw (broadcast; nothing to read per element).
struct BroadcastOp {
    const float* dy;
    int32_t c;
    float inv_hw;
    float* dx;
    struct State { float g; };
    __device__ State load(int64_t seg, int32_t col) const { return {dy[seg * c + col] * inv_hw}; }
    __device__ float read(const State& st, int64_t) const { return st.g; }
    __device__ void write(const State&, int64_t e, float v) const { dx[e] = v; }
};

struct SumOfProduct {
    const float* a;
    const float* b;
    struct State {};
    __device__ State load(int64_t, int32_t) const { return {}; }
    __device__ void add(const State&, int64_t e, float (&acc)[1]) const { acc[0] = fmaf(a[e], b[e], acc[0]); }
};

}  // namespace

void bias_add(int64_t rows, int32_t c, float* y, const float* bias, void* stream) {
    column_map(plan_columns(1, rows, c, kMapRowsPerThread), BiasAddOp{bias, y}, as_stream(stream), "bias_add_kernel");
}

void bias_backward(int64_t rows, int32_t c, const float* dy, float* dbias, void* stream) {
    column_reduce<1>(plan_columns(1, rows, c, kReduceRowsPerThread), SumOf{dy}, AccumulateEpi{dbias},
                     as_stream(stream), "bias_backward_kernel");
}

void gap_forward(int32_t n, int32_t hw, int32_t c, const float* x, float* y, void* stream) {
    const float inv_hw = float(1.0 / double(hw));
    column_reduce<1>(plan_columns(n, hw, c, kReduceRowsPerThread), SumOf{x}, MeanStoreEpi{c, inv_hw, y},
                     as_stream(stream), "gap_forward_kernel");
}

void gap_backward(int32_t n, int32_t hw, int32_t c, const float* dy, float* dx, void* stream) {
    const float inv_hw = float(1.0 / double(hw));
    column_map(plan_columns(n, hw, c, kMapRowsPerThread), BroadcastOp{dy, c, inv_hw, dx}, as_stream(stream),
               "gap_backward_kernel");
}

void scale_forward(int32_t n, int32_t hw, int32_t c, const float* x, const float* s, float* y, void* stream) {
    column_map(plan_columns(n, hw, c, kMapRowsPerThread), ScaleOp{x, s, c, y}, as_stream(stream),
               "scale_forward_kernel");
}

void scale_backward(int32_t n, int32_t hw, int32_t c, const float* x, const float* s, const float* dy, float* dx,
                    float* ds, void* stream_ptr) {
    const cudaStream_t stream = as_stream(stream_ptr);
    // ds first: it reads dy, which dx may overwrite in place.
    if (ds != nullptr)
        column_reduce<1>(plan_columns(n, hw, c, kReduceRowsPerThread), SumOfProduct{dy, x}, StoreEpi{c, ds}, stream,
                         "scale_backward_ds_kernel");
    if (dx != nullptr)
        column_map(plan_columns(n, hw, c, kMapRowsPerThread), ScaleOp{dy, s, c, dx}, stream,
                   "scale_backward_dx_kernel");
}

}  // namespace compofa::cuda
