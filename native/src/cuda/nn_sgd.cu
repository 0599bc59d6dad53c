// SGD step in place, PyTorch semantics (see compofa.h), element-wise through nn_elementwise.cuh:
//   g = grad + weight_decay * param; buf = momentum * buf + g; g = nesterov ? g + momentum * buf : buf;
//   param -= lr * g.
// Without a momentum buffer (null) the step is plain: param -= lr * g.
#include "cuda/nn_elementwise.cuh"
#include "cuda/nn_ops.cuh"

namespace compofa::cuda {

namespace {

template <bool HasBuf, bool Nesterov>
struct Sgd {
    float* param;
    const float* grad;
    float* buf;
    float lr, momentum, weight_decay;

    // Updates p (and b) for one element.
    __device__ void step(float& p, float g, float& b) const {
        g = fmaf(weight_decay, p, g);
        if constexpr (HasBuf) {
            b = fmaf(momentum, b, g);
            g = Nesterov ? fmaf(momentum, b, g) : b;
        }
        p = fmaf(-lr, g, p);
    }
    __device__ void apply1(int64_t i) const {
        float p = param[i], b = HasBuf ? buf[i] : 0.0f;
        step(p, grad[i], b);
        param[i] = p;
        if constexpr (HasBuf) buf[i] = b;
    }
    __device__ void apply4(int64_t i) const {
        float4 p = load4(param, i);
        const float4 g = load4(grad, i);
        float4 b = HasBuf ? load4(buf, i) : float4{0.0f, 0.0f, 0.0f, 0.0f};
        step(p.x, g.x, b.x), step(p.y, g.y, b.y), step(p.z, g.z, b.z), step(p.w, g.w, b.w);
        store4(param, i, p);
        if constexpr (HasBuf) store4(buf, i, b);
    }
};

template <bool HasBuf, bool Nesterov>
void launch(const SgdStep& op, cudaStream_t stream) {
    elementwise(Sgd<HasBuf, Nesterov>{op.param, op.grad, op.momentum_buf, op.lr, op.momentum, op.weight_decay}, op.len,
                aligned16_all({op.param, op.grad, op.momentum_buf}), stream, "sgd_step_kernel");
}

}  // namespace

void sgd_step(const SgdStep& op, void* stream_ptr) {
    const cudaStream_t stream = as_stream(stream_ptr);
    if (op.momentum_buf == nullptr) return launch<false, false>(op, stream);
    if (op.nesterov) return launch<true, true>(op, stream);
    launch<true, false>(op, stream);
}

}  // namespace compofa::cuda
