// The CPU backend's ops (our thread pool, BLAS for GEMM) and its per-call thread count.
#pragma once
#include <cstdint>

#include "common/epilogue.h"
#include "common/kernels.h"
#include "common/nn_kernels.h"
#include "cpu/isa.h"
#include "cpu/thread_pool.h"

namespace compofa::cpu {

// Threads for this call's parallel regions: the count set by cpu_set_threads_for_call, or
// default_threads() when it is 0 (threads.cpp).
int threads();
// One per CPU in the process's affinity mask (OMP_NUM_THREADS when set), computed once.
int default_threads();

COMPOFA_ISA_BEGIN  // one copy per ISA (cpu/isa.h)
void dwconv_forward(const DwForward& op, void* stream);    // dwconv_forward.cpp
// The forward with a per-channel epilogue applied to each output row as it is finished (null = none).
void dwconv_forward_epilogue(const DwForward& op, const FoldedEpilogue* epilogue);
void dwconv_backward(const DwBackward& op, void* stream);  // dwconv_backward.cpp
// This ISA's copy of the backend's kernel tables (table_cpu.cpp, nn_table_cpu.cpp).
const KernelTable& kernel_table();
const NnKernelTable& nn_kernel_table();
COMPOFA_ISA_END
void gemm(const Gemm& op, void* stream);                   // gemm_cpu.cpp
void gather(const Gather& op, void* stream);               // slice_cpu.cpp
void scatter_add(const ScatterAdd& op, void* stream);      // slice_cpu.cpp
void fill(float* dst, int64_t len, float value, void* stream);  // slice_cpu.cpp

// Built-in cache-blocked GEMM, used when the build has no CBLAS (gemm_blocked.cpp).
void gemm_blocked(const Gemm& op);

}  // namespace compofa::cpu
