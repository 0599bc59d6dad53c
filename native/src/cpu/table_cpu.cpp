// The CPU backend's kernel table, one copy per ISA (cpu/isa.h); isa_dispatch.cpp picks one.
#include "cpu/cpu_ops.h"

namespace compofa::cpu {
COMPOFA_ISA_BEGIN

const KernelTable& kernel_table() {
    static const KernelTable table{cpu::dwconv_forward, cpu::dwconv_backward, cpu::gemm,
                                   cpu::gather,         cpu::scatter_add,     cpu::fill};
    return table;
}

COMPOFA_ISA_END
}  // namespace compofa::cpu
