// Strided 3-D slice copies and fill on the device (see compofa.h).
#pragma once
#include <cstdint>

#include "common/kernels.h"

namespace compofa::cuda {

void gather(const Gather& op, void* stream);
void scatter_add(const ScatterAdd& op, void* stream);
void fill(float* dst, int64_t len, float value, void* stream);

}  // namespace compofa::cuda
