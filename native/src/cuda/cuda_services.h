// CUDA runtime services used by the ABI layer: devices, memory, streams, events.
// Implemented in cuda/services.cu; a build without CUDA links api/cuda_absent.cpp instead,
// whose device_count() is 0 and whose other functions throw BACKEND_UNAVAILABLE.
// Every function makes `device` current first and throws compofa::Error on a CUDA failure.
#pragma once
#include <cstddef>
#include <string>

#include "common/kernels.h"

namespace compofa::cuda {

bool compiled_in();
// Usable devices; 0 when there is no driver (35) or no device (100), with the reason in *why_none.
int device_count(std::string* why_none);
std::string describe(int device);   // "NVIDIA H100 80GB HBM3, sm_90, 132 SMs, 79.1 GiB, driver 13.0"

void set_device(int device);
void* malloc_zeroed(int device, size_t bytes);
void free(int device, void* ptr);
void copy_to_device(int device, void* dst, const void* host_src, size_t bytes, void* stream);   // returns when src is reusable
void copy_to_host(int device, void* host_dst, const void* src, size_t bytes, void* stream);     // returns when dst is readable
void copy_device(int device, void* dst, const void* src, size_t bytes, void* stream);           // stream-ordered

void* stream_create(int device);
void stream_destroy(int device, void* stream);
void stream_synchronize(int device, void* stream);
void device_synchronize(int device);

void* event_create(int device);
void event_destroy(int device, void* event);
void event_record(int device, void* event, void* stream);
void event_synchronize(int device, void* event);
float event_elapsed_ms(void* start, void* end);

// True when ptr is device (or managed) memory that kernels on `device` may use.
bool is_device_pointer(int device, const void* ptr);
// True when ptr is known to CUDA as device-only memory (so a host backend must refuse it).
bool is_device_only_pointer(const void* ptr);

// cuBLAS loaded at run time (vendor_blas.cu): the library's name, or "" with the reason in *why.
std::string vendor_blas_load(std::string* why);
// op through cublasGemmEx on `stream` (precision: the compute type); UNSUPPORTED without cuBLAS.
void vendor_gemm(int device, const Gemm& op, void* stream);

}  // namespace compofa::cuda
