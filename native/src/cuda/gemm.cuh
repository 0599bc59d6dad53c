// Row-major SGEMM on the device: C = alpha * op(A) * op(B) + beta * C (see compofa.h).
#pragma once
#include "common/kernels.h"

namespace compofa::cuda {

void gemm(const Gemm& op, void* stream);

}  // namespace compofa::cuda
