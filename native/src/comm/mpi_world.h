// MPI for communicators (api/abi_comm.cpp): the world of a job and its host collectives.
// Implemented by comm/mpi_loader.cpp, which dlopen()s the plugin libcompofa_mpi.so (src/mpi_plugin,
// the only library that links libmpi) on first use, so libcompofa.so loads on machines without MPI.
// When the plugin or libmpi cannot be loaded, create_world throws COMPOFA_ERR_UNSUPPORTED with the
// loader's reason. Failures throw compofa::Error.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace compofa::mpi {

// Whether the plugin and its MPI load (tried once per process); else *why says why, what to install.
bool available(std::string* why);
// "Open MPI v4.1.4, ..." (the library's own MPI_Get_library_version line), or why there is none.
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
// MPI_Abort on MPI_COMM_WORLD if MPI is loaded, initialised and not finalised; returns otherwise.
void abort_world(int code);

}  // namespace compofa::mpi
