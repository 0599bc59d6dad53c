// The structs behind the opaque ABI handles, and a registry of live handles so that a NULL,
// destroyed or foreign pointer is reported as COMPOFA_ERR_INVALID_HANDLE instead of being
// dereferenced.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>

#include "compofa.h"

struct compofa_context {
    int32_t backend;                 // compofa_backend_kind
    int32_t device;                  // CUDA device ordinal; 0 on the host
    std::atomic<int32_t> threads{0}; // CPU kernels' thread count, 0 = OpenMP default
    std::atomic<int32_t> precision{COMPOFA_PRECISION_FP32};  // compofa_precision of CUDA GEMMs
    std::atomic<int32_t> gemm_library{COMPOFA_GEMM_OURS};    // compofa_gemm_library of compofa_gemm
    void* default_stream = nullptr;  // owned cudaStream_t on CUDA; null on the host
    std::atomic<int64_t> children{0};// live buffers, streams and events created from it
};

struct compofa_buffer {
    compofa_context* ctx;
    void* data;
    uint64_t bytes;
};

struct compofa_stream {
    compofa_context* ctx;
    void* native;  // cudaStream_t (null on the host)
    bool owned;    // false for wrapped foreign streams
};

struct compofa_event {
    compofa_context* ctx;
    void* native;  // cudaEvent_t on CUDA
    bool recorded = false;
    std::chrono::steady_clock::time_point host_time{};  // host backends
};

namespace compofa {

enum class HandleKind { context, buffer, stream, event };

void register_handle(const void* handle, HandleKind kind);
void unregister_handle(const void* handle);
// Throws COMPOFA_ERR_INVALID_HANDLE naming `what` unless handle is live and of that kind.
void require_handle(const void* handle, HandleKind kind, const char* what);

// Typed lookups built on require_handle.
compofa_context* context_of(const compofa_context* ctx);
compofa_buffer* buffer_of(const compofa_buffer* buffer, const char* what);
// The native stream to run on: the context's default for NULL; the stream must belong to ctx.
void* native_stream_of(compofa_context* ctx, const compofa_stream* stream);

}  // namespace compofa
