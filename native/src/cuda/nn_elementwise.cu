// Flat element-wise network ops on nn_elementwise.cuh: activations (forward from x, backward from
// the forward's input x), axpby and inverted dropout (mask bits from compofa::dropout_keep, the
// same SplitMix64 the host backends use, so masks agree bit for bit).
#include "common/nn_kernels.h"
#include "cuda/nn_elementwise.cuh"
#include "cuda/nn_ops.cuh"

namespace compofa::cuda {

namespace {

// ---- activations -------------------------------------------------------------------------------

__device__ inline float relu6(float v) { return fminf(fmaxf(v, 0.0f), 6.0f); }

template <int Kind>
__device__ inline float activate(float x) {
    if constexpr (Kind == COMPOFA_ACT_RELU) return x > 0.0f ? x : 0.0f;
    else if constexpr (Kind == COMPOFA_ACT_HSWISH) return x * relu6(x + 3.0f) / 6.0f;
    else if constexpr (Kind == COMPOFA_ACT_HSIGMOID) return relu6(x + 3.0f) / 6.0f;
    else return x;
}

// d activate / dx at the forward input x (see compofa.h for the values at the kinks).
template <int Kind>
__device__ inline float derivative(float x) {
    if constexpr (Kind == COMPOFA_ACT_RELU) return x > 0.0f ? 1.0f : 0.0f;
    else if constexpr (Kind == COMPOFA_ACT_HSWISH) return x <= -3.0f ? 0.0f : x >= 3.0f ? 1.0f : (2.0f * x + 3.0f) / 6.0f;
    else if constexpr (Kind == COMPOFA_ACT_HSIGMOID) return x > -3.0f && x < 3.0f ? 1.0f / 6.0f : 0.0f;
    else return 1.0f;
}

template <int Kind>
struct ActForward {
    const float* x;
    float* y;
    __device__ void apply1(int64_t i) const { y[i] = activate<Kind>(x[i]); }
    __device__ void apply4(int64_t i) const {
        float4 v = load4(x, i);
        v.x = activate<Kind>(v.x), v.y = activate<Kind>(v.y), v.z = activate<Kind>(v.z), v.w = activate<Kind>(v.w);
        store4(y, i, v);
    }
};

template <int Kind>
struct ActBackward {
    const float* x;
    const float* dy;
    float* dx;
    __device__ void apply1(int64_t i) const { dx[i] = dy[i] * derivative<Kind>(x[i]); }
    __device__ void apply4(int64_t i) const {
        const float4 v = load4(x, i);
        float4 g = load4(dy, i);
        g.x *= derivative<Kind>(v.x), g.y *= derivative<Kind>(v.y), g.z *= derivative<Kind>(v.z),
            g.w *= derivative<Kind>(v.w);
        store4(dx, i, g);
    }
};

struct Copy {
    const float* x;
    float* y;
    __device__ void apply1(int64_t i) const { y[i] = x[i]; }
    __device__ void apply4(int64_t i) const { store4(y, i, load4(x, i)); }
};

template <int Kind>
void launch_forward(const float* x, float* y, int64_t len, cudaStream_t stream) {
    elementwise(ActForward<Kind>{x, y}, len, aligned16_all({x, y}), stream, "activation_forward_kernel");
}

template <int Kind>
void launch_backward(const float* x, const float* dy, float* dx, int64_t len, cudaStream_t stream) {
    elementwise(ActBackward<Kind>{x, dy, dx}, len, aligned16_all({x, dy, dx}), stream, "activation_backward_kernel");
}

// ---- axpby -------------------------------------------------------------------------------------

template <bool Overwrite>  // beta == 0: y is written without being read (NaN there does not propagate)
struct Axpby {
    float alpha;
    const float* x;
    float beta;
    float* y;
    __device__ float f(float xv, float yv) const { return Overwrite ? alpha * xv : fmaf(beta, yv, alpha * xv); }
    __device__ void apply1(int64_t i) const { y[i] = f(x[i], Overwrite ? 0.0f : y[i]); }
    __device__ void apply4(int64_t i) const {
        const float4 a = load4(x, i);
        const float4 b = Overwrite ? float4{0.0f, 0.0f, 0.0f, 0.0f} : load4(y, i);
        store4(y, i, make_float4(f(a.x, b.x), f(a.y, b.y), f(a.z, b.z), f(a.w, b.w)));
    }
};

// ---- dropout -----------------------------------------------------------------------------------

struct Dropout {
    uint64_t seed;
    float p, scale;
    const float* x;
    float* y;
    __device__ float f(int64_t i, float v) const { return dropout_keep(seed, uint64_t(i), p) ? v * scale : 0.0f; }
    __device__ void apply1(int64_t i) const { y[i] = f(i, x[i]); }
    __device__ void apply4(int64_t i) const {
        const float4 v = load4(x, i);
        const int64_t e = 4 * i;
        store4(y, i, make_float4(f(e, v.x), f(e + 1, v.y), f(e + 2, v.z), f(e + 3, v.w)));
    }
};

void dropout(int64_t len, float p, uint64_t seed, const float* x, float* y, cudaStream_t stream, const char* name) {
    const float scale = 1.0f / (1.0f - p);
    elementwise(Dropout{seed, p, scale, x, y}, len, aligned16_all({x, y}), stream, name);
}

}  // namespace

void act_forward(int32_t kind, const float* x, float* y, int64_t len, void* stream_ptr) {
    const cudaStream_t stream = as_stream(stream_ptr);
    switch (kind) {
        case COMPOFA_ACT_RELU: return launch_forward<COMPOFA_ACT_RELU>(x, y, len, stream);
        case COMPOFA_ACT_HSWISH: return launch_forward<COMPOFA_ACT_HSWISH>(x, y, len, stream);
        case COMPOFA_ACT_HSIGMOID: return launch_forward<COMPOFA_ACT_HSIGMOID>(x, y, len, stream);
        default:  // identity
            if (x != y) elementwise(Copy{x, y}, len, aligned16_all({x, y}), stream, "activation_copy_kernel");
    }
}

void act_backward(int32_t kind, const float* x, const float* dy, float* dx, int64_t len, void* stream_ptr) {
    const cudaStream_t stream = as_stream(stream_ptr);
    switch (kind) {
        case COMPOFA_ACT_RELU: return launch_backward<COMPOFA_ACT_RELU>(x, dy, dx, len, stream);
        case COMPOFA_ACT_HSWISH: return launch_backward<COMPOFA_ACT_HSWISH>(x, dy, dx, len, stream);
        case COMPOFA_ACT_HSIGMOID: return launch_backward<COMPOFA_ACT_HSIGMOID>(x, dy, dx, len, stream);
        default:  // identity
            if (dy != dx) elementwise(Copy{dy, dx}, len, aligned16_all({dy, dx}), stream, "activation_copy_kernel");
    }
}

void axpby(int64_t len, float alpha, const float* x, float beta, float* y, void* stream_ptr) {
    const cudaStream_t stream = as_stream(stream_ptr);
    const bool vec = aligned16_all({x, y});
    if (beta == 0.0f)
        elementwise(Axpby<true>{alpha, x, beta, y}, len, vec, stream, "axpby_kernel");
    else
        elementwise(Axpby<false>{alpha, x, beta, y}, len, vec, stream, "axpby_kernel");
}

void dropout_forward(int64_t len, float p, uint64_t seed, const float* x, float* y, void* stream) {
    dropout(len, p, seed, x, y, as_stream(stream), "dropout_forward_kernel");
}

void dropout_backward(int64_t len, float p, uint64_t seed, const float* dy, float* dx, void* stream) {
    dropout(len, p, seed, dy, dx, as_stream(stream), "dropout_backward_kernel");
}

}  // namespace compofa::cuda
