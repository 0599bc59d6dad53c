// The context's kernel tables, picked after every argument check has passed: the CPU backend gets
// the context's thread count for this call, CUDA gets the context's device made current.
#pragma once
#include "api/handles.h"
#include "common/kernels.h"
#include "common/nn_kernels.h"
#include "cuda/cuda_services.h"

namespace compofa {

template <class Table>
const Table& table_for(compofa_context* ctx, const Table& (&reference)(), const Table& (&cpu)(),
                       const Table& (&cuda_table)()) {
    switch (ctx->backend) {
        case COMPOFA_BACKEND_REFERENCE: return reference();
        case COMPOFA_BACKEND_CPU: cpu_set_threads_for_call(ctx->threads.load()); return cpu();
        default: cuda::set_device(ctx->device); return cuda_table();
    }
}

inline const KernelTable& kernels_for(compofa_context* ctx) {
    return table_for(ctx, reference_kernels, cpu_kernels, cuda_kernels);
}

inline const NnKernelTable& nn_kernels_for(compofa_context* ctx) {
    return table_for(ctx, reference_nn_kernels, cpu_nn_kernels, cuda_nn_kernels);
}

}  // namespace compofa
