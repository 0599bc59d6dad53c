// Picks the kernels' ISA once when the library loads (cpu/isa.h): AVX-512 where the CPU has the
// x86-64-v4 set (F, BW, CD, DQ, VL) and the OS saves the ZMM and mask registers, AVX2 otherwise.
#include <cpuid.h>

#include <atomic>
#include <cstdint>
#include <cstring>

#include "api/isa_testing.h"
#include "cpu/cpu_ops.h"

#ifdef COMPOFA_HAVE_AVX512
namespace compofa::cpu::avx512 {
const KernelTable& kernel_table();
const NnKernelTable& nn_kernel_table();
}  // namespace compofa::cpu::avx512
#endif

namespace compofa::cpu {

namespace {

// XCR0 must enable SSE, AVX, opmask, ZMM_Hi256 and Hi16_ZMM state (bits 1, 2, 5, 6, 7), or the
// OS would not preserve the AVX-512 registers across context switches.
bool os_saves_zmm() {
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || (ecx & bit_OSXSAVE) == 0) return false;
    uint32_t lo = 0, hi = 0;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    constexpr uint32_t kNeeded = (1u << 1) | (1u << 2) | (1u << 5) | (1u << 6) | (1u << 7);
    return (lo & kNeeded) == kNeeded;
}

Isa detect() {
#ifdef COMPOFA_HAVE_AVX512
    __builtin_cpu_init();
    const bool cpu = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                     __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512dq") &&
                     __builtin_cpu_supports("avx512vl");
    if (cpu && os_saves_zmm()) return Isa::avx512;
#endif
    return Isa::avx2;
}

const Isa g_detected = detect();                 // at load
std::atomic<int> g_active{int(g_detected)};      // a test may force another (isa_testing.h)

}  // namespace

Isa detected_isa() { return g_detected; }
Isa active_isa() { return Isa(g_active.load(std::memory_order_relaxed)); }

const char* isa_label(Isa isa) { return isa == Isa::avx512 ? "AVX-512 (x86-64-v4)" : "AVX2 (x86-64-v3)"; }

}  // namespace compofa::cpu

namespace compofa {

const KernelTable& cpu_kernels() {
#ifdef COMPOFA_HAVE_AVX512
    if (cpu::active_isa() == cpu::Isa::avx512) return cpu::avx512::kernel_table();
#endif
    return cpu::avx2::kernel_table();
}

const NnKernelTable& cpu_nn_kernels() {
#ifdef COMPOFA_HAVE_AVX512
    if (cpu::active_isa() == cpu::Isa::avx512) return cpu::avx512::nn_kernel_table();
#endif
    return cpu::avx2::nn_kernel_table();
}

}  // namespace compofa

extern "C" int32_t compofa_testing_set_cpu_isa(const char* name) {
    using compofa::cpu::Isa;
    Isa want;
    if (name == nullptr || std::strcmp(name, "auto") == 0)
        want = compofa::cpu::detected_isa();
    else if (std::strcmp(name, "avx2") == 0)
        want = Isa::avx2;
    else if (std::strcmp(name, "avx512") == 0)
        want = Isa::avx512;
    else
        return COMPOFA_ERR_INVALID_ARGUMENT;
    if (want == Isa::avx512 && compofa::cpu::detected_isa() != Isa::avx512) return COMPOFA_ERR_UNSUPPORTED;
    compofa::cpu::g_active.store(int(want), std::memory_order_relaxed);
    return COMPOFA_OK;
}
