// Per-call thread count of the CPU backend: the ABI layer sets it on the calling thread before
// each op, the kernels read it for their parallel regions.
#include <omp.h>

#include "cpu/cpu_ops.h"

namespace compofa {

namespace {
thread_local int32_t t_threads_for_call = 0;
}

void cpu_set_threads_for_call(int32_t threads) { t_threads_for_call = threads > 0 ? threads : 0; }

int cpu::threads() { return t_threads_for_call > 0 ? t_threads_for_call : omp_get_max_threads(); }

}  // namespace compofa
