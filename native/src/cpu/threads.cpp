// Per-call thread count of the CPU backend: the ABI layer sets it on the calling thread before
// each op, the kernels read it for their parallel regions (thread_pool.h).
#include <sched.h>

#include <cstdlib>
#include <thread>

#include "cpu/cpu_ops.h"

namespace compofa {

namespace {
thread_local int32_t t_threads_for_call = 0;

// One per CPU this process may run on (its affinity mask, as taskset or a container's cpuset give
// it); OMP_NUM_THREADS, when set to a count, still chooses it, as it did while the kernels were OpenMP.
int count_default_threads() {
    if (const char* env = std::getenv("OMP_NUM_THREADS")) {
        const long n = std::strtol(env, nullptr, 10);
        if (n > 0) return int(n < 1024 ? n : 1024);
    }
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0) return CPU_COUNT(&set);
    const unsigned hw = std::thread::hardware_concurrency();
    return hw > 0 ? int(hw) : 1;
}
}  // namespace

void cpu_set_threads_for_call(int32_t threads) { t_threads_for_call = threads > 0 ? threads : 0; }

int cpu::default_threads() {
    static const int count = count_default_threads();
    return count;
}

int cpu::threads() { return t_threads_for_call > 0 ? t_threads_for_call : default_threads(); }

}  // namespace compofa
