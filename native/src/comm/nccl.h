// NCCL loaded at run time (dlopen of $COMPOFA_NCCL_LIBRARY, else libnccl.so.2), as cuBLAS is: this
// build neither includes NCCL's headers nor links it. Collectives are asynchronous on a cudaStream_t.
// Failures throw compofa::Error (COMPOFA_ERR_COMMUNICATION; UNSUPPORTED when NCCL is absent).
#pragma once
#include <cstdint>
#include <string>

namespace compofa::nccl {

constexpr int kIdBytes = 128;  // sizeof(ncclUniqueId)

// "libnccl.so.2 (NCCL 2.21.5)", or "" with the reason in *why.
std::string load(std::string* why);
void unique_id(char id[kIdBytes]);
// ncclCommInitRank on `device` (made current first).
void* create(int device, int size, int rank, const char id[kIdBytes]);
void destroy(void* comm);
// In place; avg uses ncclAvg when the library has it (NCCL >= 2.10), else returns false after the sum
// and the caller scales.
bool allreduce(void* comm, float* data, uint64_t len, bool avg, void* stream);
void broadcast(void* comm, float* data, uint64_t len, int root, void* stream);

}  // namespace compofa::nccl
