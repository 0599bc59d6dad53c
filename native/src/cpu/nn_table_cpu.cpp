// The CPU backend's network-op kernel table, one copy per ISA (cpu/isa.h); isa_dispatch.cpp picks one.
#include "cpu/nn_cpu_ops.h"

namespace compofa::cpu {
COMPOFA_ISA_BEGIN

const NnKernelTable& nn_kernel_table() {
    static const NnKernelTable table{
        cpu::im2col,          cpu::col2im_add,       cpu::bn_train,       cpu::bn_eval,
        cpu::bn_backward,     cpu::act_forward,      cpu::act_backward,   cpu::bias_add,
        cpu::bias_backward,   cpu::gap_forward,      cpu::gap_backward,   cpu::scale_forward,
        cpu::scale_backward,  cpu::axpby,            cpu::dropout_forward, cpu::dropout_backward,
        cpu::cross_entropy,   cpu::soft_cross_entropy, cpu::resize_bilinear, cpu::sgd_step,
        cpu::conv1x1_fused,   cpu::dwconv_fused,
        cpu::se_forward,      cpu::se_backward,
    };
    return table;
}

COMPOFA_ISA_END
}  // namespace compofa::cpu
