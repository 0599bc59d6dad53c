// The CUDA backend's kernel table. The ABI layer has checked every argument and made the
// context's device current; `stream` is a cudaStream_t. Launches are asynchronous on it.
#include "common/kernels.h"
#include "cuda/dwconv_backward.cuh"
#include "cuda/dwconv_forward.cuh"
#include "cuda/gemm.cuh"
#include "cuda/slice.cuh"

namespace compofa {

const KernelTable& cuda_kernels() {
    static const KernelTable table{&cuda::dwconv_forward, &cuda::dwconv_backward, &cuda::gemm,
                                   &cuda::gather,         &cuda::scatter_add,     &cuda::fill};
    return table;
}

}  // namespace compofa
