// Linked instead of comm/mpi_world.cpp in a build without MPI: worlds are refused with the reason.
#include "comm/mpi_world.h"
#include "common/error.h"

namespace compofa::mpi {

namespace {
const char* kWhy = "this build of compofa has no MPI: install libopenmpi-dev (and openmpi-bin to launch) and rebuild";
[[noreturn]] void absent() { fail(COMPOFA_ERR_UNSUPPORTED, kWhy); }
}  // namespace

bool compiled_in() { return false; }
std::string describe() { return kWhy; }
void* create_world(WorldInfo*) { absent(); }
void destroy(void*) { absent(); }
void allreduce_sum(void*, float*, uint64_t) { absent(); }
void broadcast(void*, void*, uint64_t, int) { absent(); }
void barrier(void*) { absent(); }
void abort(void*, int) { absent(); }
void abort_world(int) {}

}  // namespace compofa::mpi
