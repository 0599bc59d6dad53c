// Run-time ISA dispatch of the CPU kernels. The files listed in native/CMakeLists.txt under
// COMPOFA_ISA_SOURCES are compiled twice: once into libcompofa with -march=x86-64-v3 (AVX2), once
// with -march=x86-64-v4 -mprefer-vector-width=512 (AVX-512) and COMPOFA_ISA_NS=avx512. Everything
// they and their headers define lives in the inline namespace compofa::cpu::COMPOFA_ISA_NS, so the
// two copies never share a symbol (an inline function compiled for AVX-512 must not be picked by
// the linker for AVX2 callers). Code outside those files sees the avx2 copy; the kernel tables of
// both copies are selected once at load by isa_dispatch.cpp.
#pragma once

#ifndef COMPOFA_ISA_NS
#define COMPOFA_ISA_NS avx2
#endif
#define COMPOFA_ISA_BEGIN inline namespace COMPOFA_ISA_NS {
#define COMPOFA_ISA_END }

namespace compofa::cpu {

enum class Isa { avx2 = 0, avx512 = 1 };

// The ISA whose kernels run now: the best the CPU and OS support, unless a test forced another.
Isa active_isa();
// The best ISA this CPU and OS support (and this build has kernels for).
Isa detected_isa();
// "AVX2 (x86-64-v3)" or "AVX-512 (x86-64-v4)".
const char* isa_label(Isa isa);

}  // namespace compofa::cpu
