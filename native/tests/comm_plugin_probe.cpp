// Loads a given libcompofa.so with dlopen (not linked: the path picks the copy under test) and checks
// what it says about MPI. Run by check_mpi_plugin.sh:
//   comm_plugin_probe LIB absent TEXT  - MPI unavailable, the reason names TEXT and what to install;
//                                         a world is refused (UNSUPPORTED), a local comm still works
//   comm_plugin_probe LIB present      - MPI available and described by its version
#include <dlfcn.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>

#include "compofa.h"

namespace {

int g_bad = 0;
void expect(bool ok, const std::string& what) {
    if (!ok) {
        std::fprintf(stderr, "FAIL: %s\n", what.c_str());
        g_bad++;
    }
}

void* g_lib = nullptr;
template <typename F>
F sym(const char* name) {
    void* p = dlsym(g_lib, name);
    if (p == nullptr) {
        std::fprintf(stderr, "FAIL: %s missing\n", name);
        std::_Exit(1);
    }
    return reinterpret_cast<F>(p);
}
#define SYM(name) sym<decltype(&name)>(#name)

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3 || (std::strcmp(argv[2], "absent") == 0 && argc < 4)) {
        std::fprintf(stderr, "usage: %s LIBCOMPOFA (absent TEXT | present)\n", argv[0]);
        return 2;
    }
    g_lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (g_lib == nullptr) {
        std::fprintf(stderr, "FAIL: cannot load %s: %s\n", argv[1], dlerror());
        return 1;
    }
    const bool absent = std::strcmp(argv[2], "absent") == 0;
    int32_t mpi = -1, nccl = -1;
    expect(SYM(compofa_comm_available)(&mpi, &nccl) == COMPOFA_OK, "compofa_comm_available");
    char text[2048];
    expect(SYM(compofa_comm_describe)(text, sizeof text) == COMPOFA_OK, "compofa_comm_describe");
    std::printf("mpi=%d nccl=%d: %s\n", mpi, nccl, text);
    compofa_context* ctx = nullptr;
    expect(SYM(compofa_context_create)(COMPOFA_BACKEND_CPU, 0, &ctx) == COMPOFA_OK, "context");
    if (absent) {
        expect(mpi == 0, "mpi is 0 without the plugin");
        expect(std::strstr(text, argv[3]) != nullptr, std::string("the reason names ") + argv[3]);
        expect(std::strstr(text, "install Open MPI") != nullptr, "the reason says what to install");
        compofa_comm* world = nullptr;
        expect(SYM(compofa_comm_create_world)(ctx, &world) == COMPOFA_ERR_UNSUPPORTED && world == nullptr,
               "a world is UNSUPPORTED");
        const char* why = SYM(compofa_last_error)();
        std::printf("create_world: %s\n", why);
        expect(std::strstr(why, argv[3]) != nullptr && std::strstr(why, "install Open MPI") != nullptr,
               "create_world's message has the reason");
    } else {
        expect(mpi == 1, "mpi is 1 with the plugin");
        expect(std::strstr(text, "MPI: MPI unavailable") == nullptr, "MPI is described by its version");
    }
    // The local communicator never needs MPI: one rank, data summed over one process is itself.
    compofa_comm* local = nullptr;
    expect(SYM(compofa_comm_create_local)(ctx, &local) == COMPOFA_OK, "create_local");
    int32_t rank = -1, size = -1;
    SYM(compofa_comm_rank)(local, &rank);
    SYM(compofa_comm_size)(local, &size);
    expect(rank == 0 && size == 1, "local is rank 0 of 1");
    float data[7] = {1.5f, -2.25f, 3.0f, 0.125f, -7.0f, 9.5f, 11.0f};
    const float want[7] = {1.5f, -2.25f, 3.0f, 0.125f, -7.0f, 9.5f, 11.0f};
    expect(SYM(compofa_comm_allreduce)(local, nullptr, data, 7, COMPOFA_REDUCE_AVG) == COMPOFA_OK, "local allreduce");
    expect(SYM(compofa_comm_broadcast)(local, nullptr, data, 7, 0) == COMPOFA_OK, "local broadcast");
    expect(SYM(compofa_comm_barrier)(local) == COMPOFA_OK, "local barrier");
    expect(std::memcmp(data, want, sizeof data) == 0, "one rank leaves data as it is");
    expect(SYM(compofa_comm_destroy)(local) == COMPOFA_OK, "destroy local");
    expect(SYM(compofa_context_destroy)(ctx) == COMPOFA_OK, "destroy context");
    if (g_bad == 0) std::printf("OK\n");
    return g_bad == 0 ? 0 : 1;
}
