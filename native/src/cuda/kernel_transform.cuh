// The OFA kernel transform on the device (see compofa.h): the subnet's effective k x k kernel
// from the supernet weight, and the chain rule back from its gradient. Used only when the chain
// is active (s.uses_t75() || s.uses_t53(), i.e. transform OFA and k < k_max).
#pragma once
#include <cuda_runtime.h>

#include <cstddef>

#include "common/kernels.h"

namespace compofa::cuda {

// weff is [k*k][c] (dense): w5 = t75 * centre5(W7); w3 = t53 * centre3(w5, or W5 when k_max 5).
void effective_kernel(const DwShape& s, const float* weight, const float* t75, const float* t53, float* weff,
                      cudaStream_t stream);

// Floats of device scratch that effective_kernel_backward needs for these outputs.
size_t effective_kernel_backward_scratch(const DwShape& s, bool want_dt75, bool want_dt53);

// dweff is [k*k][c], the gradient of the effective kernel. Accumulates (+=) into the centre crop of
// dweight [k_max][k_max][c_max], dt75 [25][25] and dt53 [9][9]; each may be null to skip it.
void effective_kernel_backward(const DwShape& s, const float* weight, const float* t75, const float* t53,
                               const float* dweff, float* dweight, float* dt75, float* dt53, float* scratch,
                               cudaStream_t stream);

}  // namespace compofa::cuda
