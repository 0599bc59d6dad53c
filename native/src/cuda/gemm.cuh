// Row-major SGEMM on the device: C = alpha * op(A) * op(B) + beta * C (see compofa.h).
#pragma once
#include "common/epilogue.h"
#include "common/kernels.h"

namespace compofa::cuda {

void gemm(const Gemm& op, void* stream);

// The tensor-core kernel of gemm_tc.cu for op.precision TF32 or BF16; epilogue as gemm.cu's fused store.
void launch_gemm_tensor_cores(const Gemm& op, const Epilogue& e, bool epilogue, void* stream);

}  // namespace compofa::cuda
