// MPI for communicators (api/abi_comm.cpp): the world of a job and its host collectives.
// Implemented in comm/mpi_world.cpp when CMake found MPI; otherwise comm/mpi_absent.cpp, whose
// compiled_in() is false and whose other functions throw COMPOFA_ERR_UNSUPPORTED with the reason.
// Every MPI call is serialised by one process-wide lock (MPI_THREAD_SERIALIZED): Java may call from
// any thread. Failures throw compofa::Error.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace compofa::mpi {

bool compiled_in();
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
// MPI_Abort on MPI_COMM_WORLD if MPI is initialised and not finalised; returns otherwise.
void abort_world(int code);

}  // namespace compofa::mpi
