// The reference (oracle) kernels: naive nested loops with double accumulation, no threads, no
// cleverness. Written on their own (no helpers shared with src/cpu) so that the oracle cannot
// inherit a production bug. `stream` is ignored on the host.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/kernels.h"

namespace compofa::ref {

// Effective k x k kernel of the subnet, keff[(kh*k + kw)*c + ch], in double (transform_ref.cpp).
std::vector<double> effective_kernel(const DwShape& s, const float* weight, const float* t75, const float* t53);

// Chain rule from dkeff[(kh*k + kw)*c + ch] back to the stored weight and the matrices:
// dweight, dt75, dt53 are accumulated (+=); any may be null to skip it (transform_ref.cpp).
void effective_kernel_backward(const DwShape& s, const float* weight, const float* t75, const float* t53,
                               const std::vector<double>& dkeff, float* dweight, float* dt75, float* dt53);

void dwconv_forward(const DwForward& op, void* stream);    // dwconv_ref.cpp
void dwconv_backward(const DwBackward& op, void* stream);  // dwconv_ref.cpp
void gemm(const Gemm& op, void* stream);                   // gemm_ref.cpp
void gather(const Gather& op, void* stream);               // slice_ref.cpp
void scatter_add(const ScatterAdd& op, void* stream);      // slice_ref.cpp
void fill(float* dst, int64_t len, float value, void* stream);  // slice_ref.cpp

}  // namespace compofa::ref
