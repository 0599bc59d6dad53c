// The reference backend's network-op kernel table.
#include "ref/nn_ref_ops.h"

namespace compofa {

const NnKernelTable& reference_nn_kernels() {
    static const NnKernelTable table{
        ref::im2col,          ref::col2im_add,       ref::bn_train,       ref::bn_eval,
        ref::bn_backward,     ref::act_forward,      ref::act_backward,   ref::bias_add,
        ref::bias_backward,   ref::gap_forward,      ref::gap_backward,   ref::scale_forward,
        ref::scale_backward,  ref::axpby,            ref::dropout_forward, ref::dropout_backward,
        ref::cross_entropy,   ref::soft_cross_entropy, ref::resize_bilinear, ref::sgd_step,
        ref::conv1x1_fused,   ref::dwconv_fused,
        ref::se_forward,      ref::se_backward,
    };
    return table;
}

}  // namespace compofa
