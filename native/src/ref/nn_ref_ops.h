// The reference (oracle) network ops: naive loops with double accumulation, no threads, written
// straight from the formulas in compofa.h. Nothing is shared with src/cpu or src/cuda.
#pragma once
#include <cstddef>
#include <cstdint>

#include "common/nn_kernels.h"
#include "compofa.h"

namespace compofa::ref {

// nn_fused_ref.cpp
void conv1x1_fused(const FusedConv1x1& op, void* stream);
void dwconv_fused(const DwForward& op, const Epilogue& e, void* stream);

// nn_se_ref.cpp
void se_forward(const SeForward& op, void* stream);
void se_backward(const SeBackward& op, void* stream);

// nn_conv_ref.cpp
void im2col(const ConvShape& s, const float* x, float* col, void* stream);
void col2im_add(const ConvShape& s, const float* dcol, float* dx, void* stream);

// nn_batchnorm_ref.cpp
void bn_train(const BnTrain& op, void* stream);
void bn_eval(const BnEval& op, void* stream);
void bn_backward(const BnBackward& op, void* stream);

// nn_elementwise_ref.cpp
void act_forward(int32_t kind, const float* x, float* y, int64_t len, void* stream);
void act_backward(int32_t kind, const float* x, const float* dy, float* dx, int64_t len, void* stream);
void axpby(int64_t len, float alpha, const float* x, float beta, float* y, void* stream);
void dropout_forward(int64_t len, float p, uint64_t seed, const float* x, float* y, void* stream);
void dropout_backward(int64_t len, float p, uint64_t seed, const float* dy, float* dx, void* stream);
void sgd_step(const SgdStep& op, void* stream);

// nn_channel_ref.cpp
void bias_add(int64_t rows, int32_t c, float* y, const float* bias, void* stream);
void bias_backward(int64_t rows, int32_t c, const float* dy, float* dbias, void* stream);
void gap_forward(int32_t n, int32_t hw, int32_t c, const float* x, float* y, void* stream);
void gap_backward(int32_t n, int32_t hw, int32_t c, const float* dy, float* dx, void* stream);
void scale_forward(int32_t n, int32_t hw, int32_t c, const float* x, const float* s, float* y, void* stream);
void scale_backward(int32_t n, int32_t hw, int32_t c, const float* x, const float* s, const float* dy, float* dx,
                    float* ds, void* stream);

// nn_loss_ref.cpp
void cross_entropy(const CrossEntropy& op, void* stream);
void soft_cross_entropy(const SoftCrossEntropy& op, void* stream);

// nn_resize_ref.cpp
void resize_bilinear(const Resize& op, void* stream);

}  // namespace compofa::ref
