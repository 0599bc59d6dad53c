// Argument checks shared by the op entry points. Each throws compofa::Error with a message that
// says what was wrong and what is allowed; nothing is allocated or launched before they pass.
#pragma once
#include <cstdint>

#include "api/handles.h"
#include "common/epilogue.h"
#include "common/kernels.h"

namespace compofa {

// Validates the shape and fills the derived fields (ho, wo, pad).
DwShape checked_dwconv_shape(const compofa_dwconv_shape* shape);

// A tensor argument: `name` for messages; `len` is what the caller declared, `need` what the op reads.
// NULL is allowed only when `optional` (its declared len is then ignored).
void check_tensor(compofa_context* ctx, const char* name, const void* ptr, uint64_t len, int64_t need,
                  bool optional = false);

// An output the kernels write while they still read an input: the two must not share memory.
void check_disjoint(const char* out_name, const float* out, int64_t out_need, const char* in_name, const float* in,
                    int64_t in_need);

// Where the memory lives must match the backend: device memory for CUDA, host memory otherwise.
void check_location(compofa_context* ctx, const char* name, const void* ptr);

// The transform matrices' sizes (floats).
constexpr int64_t kT75 = 25 * 25;
constexpr int64_t kT53 = 9 * 9;

// The inputs of a depthwise forward or backward: x, weight and the matrices the chain uses.
void check_dwconv_inputs(compofa_context* ctx, const DwShape& s, const float* x, uint64_t x_len,
                         const float* weight, uint64_t weight_len, const float* t75, uint64_t t75_len,
                         const float* t53, uint64_t t53_len);

// A depthwise forward's shape, inputs and output y (disjoint from x): the op for the kernels, with the
// transform matrices the chain does not use set to null.
DwForward checked_dwconv_forward(compofa_context* ctx, const compofa_dwconv_shape* shape, const float* x,
                                 uint64_t x_len, const float* weight, uint64_t weight_len, const float* t75,
                                 uint64_t t75_len, const float* t53, uint64_t t53_len, float* y, uint64_t y_len);

// A fused op's epilogue over `channels` output channels; returns the kernels' view of it.
Epilogue checked_epilogue(compofa_context* ctx, const compofa_epilogue* epilogue, int32_t channels);

// Checks a strided slice (extents >= 1, s1 >= d2, s0 >= (d1-1)*s1 + d2, span <= 2^40; all in 128-bit
// arithmetic) and returns the floats it spans from its first element: (d0-1)*s0 + (d1-1)*s1 + d2,
// which is also >= d0*d1*d2.
int64_t checked_slice_span(int32_t d0, int32_t d1, int32_t d2, int64_t s0, int64_t s1);

}  // namespace compofa
