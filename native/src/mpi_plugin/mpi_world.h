// Inside libcompofa_mpi.so: the world of a job and its host collectives over MPI. plugin_entry.cpp
// wraps these into the C table of comm/mpi_plugin_abi.h. Every MPI call is serialised by one
// process-wide lock (MPI_THREAD_SERIALIZED): Java may call from any thread. Failures throw
// compofa::Error, which never leaves the plugin.
#pragma once
#include <cstdint>
#include <string>

namespace compofa::mpi_plugin {

// "Open MPI v4.1.4" (the library's own MPI_Get_library_version line).
std::string describe();

struct WorldInfo {
    int rank, size, local_rank;
};
// Initialises MPI if nobody did, and returns a duplicate of MPI_COMM_WORLD (opaque) with its ranks.
void* create_world(WorldInfo* info);
void destroy(void* comm);  // MPI_Comm_free (collective)

void allreduce_sum(void* comm, float* data, uint64_t len);
void broadcast(void* comm, void* data, uint64_t bytes, int root);
void barrier(void* comm);
[[noreturn]] void abort(void* comm, int code);
// MPI_Abort on MPI_COMM_WORLD if MPI is initialised and not finalised; returns otherwise.
void abort_world(int code);

}  // namespace compofa::mpi_plugin
