// The reference backend's kernel table.
#include "ref/ref_ops.h"

namespace compofa {

const KernelTable& reference_kernels() {
    static const KernelTable table{ref::dwconv_forward, ref::dwconv_backward, ref::gemm,
                                   ref::gather,         ref::scatter_add,     ref::fill};
    return table;
}

}  // namespace compofa
