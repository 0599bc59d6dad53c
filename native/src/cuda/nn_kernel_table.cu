// The CUDA backend's network-op kernel table (see common/nn_kernels.h). The ABI layer has checked
// every argument and made the context's device current; `stream` is a cudaStream_t.
#include "common/nn_kernels.h"
#include "cuda/nn_ops.cuh"

namespace compofa {

const NnKernelTable& cuda_nn_kernels() {
    static const NnKernelTable table{
        &cuda::im2col,          &cuda::col2im_add,       &cuda::bn_train,       &cuda::bn_eval,
        &cuda::bn_backward,     &cuda::act_forward,      &cuda::act_backward,   &cuda::bias_add,
        &cuda::bias_backward,   &cuda::gap_forward,      &cuda::gap_backward,   &cuda::scale_forward,
        &cuda::scale_backward,  &cuda::axpby,            &cuda::dropout_forward, &cuda::dropout_backward,
        &cuda::cross_entropy,   &cuda::soft_cross_entropy, &cuda::resize_bilinear, &cuda::sgd_step,
        &cuda::conv1x1_fused,   &cuda::dwconv_fused,
        &cuda::se_forward,      &cuda::se_backward,
    };
    return table;
}

}  // namespace compofa
