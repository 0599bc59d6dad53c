// Test-only entry point (exported like the ABI, but not part of compofa.h): forces the CPU kernels'
// ISA so that the conformance tests and benchmarks can run the AVX2 kernels on an AVX-512 machine.
// name: "avx2", "avx512", or "auto"/NULL (the ISA detected at load). Returns COMPOFA_OK,
// COMPOFA_ERR_UNSUPPORTED (the CPU or this build lacks it) or COMPOFA_ERR_INVALID_ARGUMENT.
// Not thread-safe with ops running: call it between ops.
#pragma once
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

int32_t compofa_testing_set_cpu_isa(const char* name);

#ifdef __cplusplus
}
#endif
