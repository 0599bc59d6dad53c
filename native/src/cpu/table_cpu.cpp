// The CPU backend's kernel table.
#include "cpu/cpu_ops.h"

namespace compofa {

const KernelTable& cpu_kernels() {
    static const KernelTable table{cpu::dwconv_forward, cpu::dwconv_backward, cpu::gemm,
                                   cpu::gather,         cpu::scatter_add,     cpu::fill};
    return table;
}

}  // namespace compofa
