// The objects behind the opaque ABI handles, and the registry that hands out their handle values.
//
// A handle value given to callers (compofa_context*, compofa_buffer*, ...) is a token, never the
// object's address: [kind:8][generation:32][slot:24]. The registry maps the slot to the object; a
// slot's generation grows each time its handle is destroyed and a slot whose generation would wrap is
// retired, so no token is ever issued twice. A destroyed handle therefore stays invalid even when the
// allocator reuses the object's memory or the registry reuses its slot (COMPOFA_ERR_INVALID_HANDLE).
// Tokens are not canonical addresses (kind in the top byte): dereferencing one faults at once.
//
// Every lookup (context_of, buffer_of, native_stream_of, ...) pins the object for the rest of the ABI
// call: the barrier (guarded) releases the call's pins when it returns, however it returns. A destroy
// of a pinned handle fails with COMPOFA_ERR_BUSY and frees nothing, so no call ever runs on freed
// memory. Lookups take no lock: one atomic read and one compare-and-swap on the slot.
//
// The struct names below are the ABI's typedef names, so internal code holds real objects in them;
// a parameter of an entry point is a token and is turned into an object only by these lookups.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>

#include "compofa.h"

struct compofa_context {
    int32_t backend;                 // compofa_backend_kind
    int32_t device;                  // CUDA device ordinal; 0 on the host
    std::atomic<int32_t> threads{0}; // CPU kernels' thread count, 0 = one per CPU
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

// A communicator (api/abi_comm.cpp): the ranks of a job and what moves their bytes.
struct compofa_comm {
    compofa_context* ctx;
    int32_t rank = 0, size = 1, local_rank = 0;
    int32_t transport = COMPOFA_COMM_SELF;  // compofa_comm_transport
    void* mpi = nullptr;                    // comm/mpi_world.h's communicator of a world, else null
    void* nccl = nullptr;                   // ncclComm_t on CUDA contexts with NCCL, else null
};

namespace compofa {

enum class HandleKind : uint32_t { context = 1, buffer = 2, stream = 3, event = 4, comm = 5 };

// Registers a new object and returns its token (never NULL, never issued before).
void* register_handle(void* object, HandleKind kind);

// The live object of `token`, pinned until the enclosing ABI call returns. Throws
// COMPOFA_ERR_INVALID_HANDLE naming `what` for NULL, destroyed, foreign or other-kind tokens.
void* pin_handle(const void* token, HandleKind kind, const char* what);

// Releases the pins taken on this thread since `mark` (see PinScope).
uint32_t pin_mark();
void release_pins_since(uint32_t mark);

// The releases of one ABI call: created by the barrier, so every pin is released however it ends.
class PinScope {
public:
    PinScope() : mark_(pin_mark()) {}
    ~PinScope() { release_pins_since(mark_); }
    PinScope(const PinScope&) = delete;
    PinScope& operator=(const PinScope&) = delete;

private:
    uint32_t mark_;
};

// Destroying a handle: the constructor marks it closing (new lookups fail with INVALID_HANDLE) and
// refuses with COMPOFA_ERR_BUSY while a call has it pinned; commit() retires the token for good. If
// the destroy fails before commit(), the destructor reopens the handle unchanged.
class Destroying {
public:
    Destroying(const void* token, HandleKind kind, const char* what);
    ~Destroying();
    Destroying(const Destroying&) = delete;
    Destroying& operator=(const Destroying&) = delete;

    void* object() const { return object_; }
    void commit();

private:
    uint32_t slot_;
    void* object_;
    bool committed_ = false;
};

// Typed lookups built on pin_handle.
compofa_context* context_of(const compofa_context* ctx);
compofa_buffer* buffer_of(const compofa_buffer* buffer, const char* what);
compofa_stream* stream_of(const compofa_stream* stream);
compofa_event* event_of(const compofa_event* event, const char* what);
compofa_comm* comm_of(const compofa_comm* comm);
// The native stream to run on: the context's default for NULL; the stream must belong to ctx.
void* native_stream_of(compofa_context* ctx, const compofa_stream* stream);

}  // namespace compofa
