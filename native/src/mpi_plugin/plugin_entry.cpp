// libcompofa_mpi.so's one exported symbol: the C table of comm/mpi_plugin_abi.h over mpi_world.cpp.
// Every C++ exception is caught here and turned into a status plus message: libcompofa.so has its
// own static libstdc++, so an exception must never cross into it.
#include <cstdio>
#include <cstring>
#include <string>

#include "comm/mpi_plugin_abi.h"
#include "common/error.h"
#include "mpi_plugin/mpi_world.h"

namespace {

using namespace compofa;

void copy_text(const std::string& s, char* out, uint64_t capacity) {
    if (out == nullptr || capacity == 0) return;
    const size_t n = s.size() < capacity - 1 ? s.size() : size_t(capacity - 1);
    std::memcpy(out, s.data(), n);
    out[n] = '\0';
}

template <typename F>
int32_t guarded(char* why, F&& f) {
    try {
        f();
        return COMPOFA_OK;
    } catch (const Error& e) {
        copy_text(e.what(), why, COMPOFA_MPI_WHY_BYTES);
        return e.status();
    } catch (const std::exception& e) {
        copy_text(std::string("MPI plugin: ") + e.what(), why, COMPOFA_MPI_WHY_BYTES);
        return COMPOFA_ERR_COMMUNICATION;
    } catch (...) {
        copy_text("MPI plugin: unknown exception", why, COMPOFA_MPI_WHY_BYTES);
        return COMPOFA_ERR_COMMUNICATION;
    }
}

int32_t describe(char* text, uint64_t capacity) {
    return guarded(nullptr, [&] { copy_text(mpi_plugin::describe(), text, capacity); });
}

int32_t create_world(void** comm, int32_t* rank, int32_t* size, int32_t* local_rank, char* why) {
    return guarded(why, [&] {
        mpi_plugin::WorldInfo info{};
        *comm = mpi_plugin::create_world(&info);
        *rank = info.rank;
        *size = info.size;
        *local_rank = info.local_rank;
    });
}

int32_t destroy(void* comm, char* why) {
    return guarded(why, [&] { mpi_plugin::destroy(comm); });
}

int32_t allreduce_sum(void* comm, float* data, uint64_t len, char* why) {
    return guarded(why, [&] { mpi_plugin::allreduce_sum(comm, data, len); });
}

int32_t broadcast(void* comm, void* data, uint64_t bytes, int32_t root, char* why) {
    return guarded(why, [&] { mpi_plugin::broadcast(comm, data, bytes, root); });
}

int32_t barrier(void* comm, char* why) {
    return guarded(why, [&] { mpi_plugin::barrier(comm); });
}

void abort_comm(void* comm, int32_t code) { mpi_plugin::abort(comm, code); }
void abort_world(int32_t code) { mpi_plugin::abort_world(code); }

const compofa_mpi_plugin kTable = {COMPOFA_MPI_PLUGIN_VERSION, sizeof(compofa_mpi_plugin),
                                   describe, create_world, destroy, allreduce_sum, broadcast, barrier,
                                   abort_comm, abort_world};

}  // namespace

extern "C" __attribute__((visibility("default"))) const compofa_mpi_plugin* compofa_mpi_plugin_v1(void) {
    return &kTable;
}
