// NCCL through dlopen (see nccl.h). The few declarations are restated from NCCL's documented C API
// (nccl.h): ncclUniqueId, ncclResult_t, ncclDataType_t ncclFloat32 = 7, ncclRedOp_t ncclSum = 0 and
// ncclAvg = 4 (from 2.10), and the functions below.
#include "comm/nccl.h"

#include <dlfcn.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "common/error.h"
#include "cuda/cuda_services.h"

namespace compofa::nccl {

namespace {

struct UniqueId {
    char internal[kIdBytes];
};
using Comm = void*;
constexpr int kFloat32 = 7, kSum = 0, kAvg = 4;
constexpr int kAvgVersion = 21000;  // NCCL_VERSION(2,10,0)

struct Nccl {
    int (*get_version)(int*) = nullptr;
    int (*get_unique_id)(UniqueId*) = nullptr;
    int (*init_rank)(Comm*, int, UniqueId, int) = nullptr;
    int (*destroy)(Comm) = nullptr;
    int (*all_reduce)(const void*, void*, size_t, int, int, Comm, void*) = nullptr;
    int (*broadcast)(const void*, void*, size_t, int, int, Comm, void*) = nullptr;
    const char* (*error_string)(int) = nullptr;
    int version = 0;
    std::string name, why;
};

template <class F>
bool find(void* so, const char* symbol, F* out) {
    *out = reinterpret_cast<F>(dlsym(so, symbol));
    return *out != nullptr;
}

Nccl& lib() {
    static Nccl* n = [] {
        auto* l = new Nccl();  // never freed: communicators may outlive any scope
        if (!cuda::compiled_in()) {
            l->why = "this build has no CUDA backend, so no NCCL either";
            return l;
        }
        std::vector<std::string> names;
        if (const char* path = std::getenv("COMPOFA_NCCL_LIBRARY"); path != nullptr && *path != '\0')
            names.emplace_back(path);
        names.emplace_back("libnccl.so.2");
        std::string tried;
        for (const std::string& name : names) {
            void* so = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
            if (so == nullptr) {
                tried += (tried.empty() ? "" : ", ") + name;
                continue;
            }
            if (find(so, "ncclGetVersion", &l->get_version) && find(so, "ncclGetUniqueId", &l->get_unique_id) &&
                find(so, "ncclCommInitRank", &l->init_rank) && find(so, "ncclCommDestroy", &l->destroy) &&
                find(so, "ncclAllReduce", &l->all_reduce) && find(so, "ncclBroadcast", &l->broadcast) &&
                find(so, "ncclGetErrorString", &l->error_string)) {
                l->get_version(&l->version);
                l->name = name;
                return l;
            }
            tried += (tried.empty() ? "" : ", ") + name + " (lacks a symbol of NCCL 2.x)";
        }
        l->why = "NCCL not found (tried " + tried +
                 "); install NVIDIA's libnccl2 or set COMPOFA_NCCL_LIBRARY to its path";
        return l;
    }();
    return *n;
}

Nccl& loaded() {
    Nccl& l = lib();
    if (l.name.empty()) fail(COMPOFA_ERR_UNSUPPORTED, l.why);
    return l;
}

void check(int result, const char* what) {
    if (result != 0)
        fail(COMPOFA_ERR_COMMUNICATION, std::string(what) + " failed: " + lib().error_string(result) +
                                            " (ncclResult " + std::to_string(result) + ")");
}

}  // namespace

std::string load(std::string* why) {
    Nccl& l = lib();
    if (l.name.empty()) {
        if (why != nullptr) *why = l.why;
        return "";
    }
    const int v = l.version;  // X*10000 + Y*100 + Z from 2.9 on, X*1000 + Y*100 + Z before
    const int major = v >= 10000 ? v / 10000 : v / 1000, minor = v >= 10000 ? v / 100 % 100 : v / 100 % 10;
    return l.name + " (NCCL " + std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(v % 100) + ")";
}

void unique_id(char id[kIdBytes]) {
    UniqueId u;
    check(loaded().get_unique_id(&u), "ncclGetUniqueId");
    std::memcpy(id, u.internal, kIdBytes);
}

void* create(int device, int size, int rank, const char id[kIdBytes]) {
    Nccl& l = loaded();
    UniqueId u;
    std::memcpy(u.internal, id, kIdBytes);
    cuda::set_device(device);
    Comm comm = nullptr;
    check(l.init_rank(&comm, size, u, rank), "ncclCommInitRank");
    return comm;
}

void destroy(void* comm) { check(loaded().destroy(comm), "ncclCommDestroy"); }

bool allreduce(void* comm, float* data, uint64_t len, bool avg, void* stream) {
    Nccl& l = loaded();
    const bool native_avg = avg && l.version >= kAvgVersion;
    check(l.all_reduce(data, data, size_t(len), kFloat32, native_avg ? kAvg : kSum, comm, stream), "ncclAllReduce");
    return native_avg || !avg;
}

void broadcast(void* comm, float* data, uint64_t len, int root, void* stream) {
    check(loaded().broadcast(data, data, size_t(len), kFloat32, root, comm, stream), "ncclBroadcast");
}

}  // namespace compofa::nccl
