// MPI worlds for communicators, inside libcompofa_mpi.so (see mpi_world.h). One process-wide lock
// serialises every MPI call.
#include "mpi_plugin/mpi_world.h"

#include <dlfcn.h>
#include <link.h>
#include <mpi.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "common/error.h"

namespace compofa::mpi_plugin {

namespace {

std::mutex g_lock;        // every MPI call below, except MPI_Abort (which must work while one blocks)
bool g_we_initialised = false;
int g_live = 0;           // our live world communicators; MPI_Finalize at exit only when 0

[[noreturn]] void mpi_fail(int code, const std::string& what) {
    char text[MPI_MAX_ERROR_STRING] = {0};
    int n = 0;
    if (MPI_Error_string(code, text, &n) != MPI_SUCCESS) std::snprintf(text, sizeof text, "MPI error %d", code);
    fail(COMPOFA_ERR_COMMUNICATION, what + " failed: " + text);
}

void check(int code, const char* what) {
    if (code != MPI_SUCCESS) mpi_fail(code, what);
}

// Inside a JVM, HotSpot's own SIGSEGV/SIGBUS handlers must stay: Open MPI keeps handlers that are
// already installed (opal_signal), but UCX and PSM install theirs unless told not to.
void prepare_for_jvm() {
    if (dlsym(RTLD_DEFAULT, "JNI_GetCreatedJavaVMs") == nullptr) return;
    setenv("UCX_ERROR_SIGNALS", "", 0);
    setenv("IPATH_NO_BACKTRACE", "1", 0);
    setenv("HFI_NO_BACKTRACE", "1", 0);
}

// A JVM (or any dlopen) loads us and our MPI RTLD_LOCAL; Open MPI's plugins (mca_*.so) do not link
// the MPI libraries they use, so those must be global before MPI_Init loads the plugins.
void make_mpi_global() {
    std::vector<std::string> names;
    dl_iterate_phdr(
        [](dl_phdr_info* info, size_t, void* out) {
            const char* name = info->dlpi_name;
            if (name != nullptr && (std::strstr(name, "/libmpi") || std::strstr(name, "/libopen-pal") ||
                                    std::strstr(name, "/libopen-rte") || std::strstr(name, "/libpmix")))
                static_cast<std::vector<std::string>*>(out)->push_back(name);
            return 0;
        },
        &names);
    for (const std::string& n : names) dlopen(n.c_str(), RTLD_NOW | RTLD_NOLOAD | RTLD_GLOBAL);  // kept open
}

void finalize_at_exit() {
    std::lock_guard<std::mutex> lock(g_lock);
    int finalized = 0;
    MPI_Finalized(&finalized);
    // A live communicator at exit means the process failed: leave MPI as it is so the launcher sees an
    // improper exit and ends the job, instead of waiting in MPI_Finalize for ranks that wait for us.
    if (g_we_initialised && g_live == 0 && !finalized) MPI_Finalize();
}

MPI_Comm& as_comm(void* comm) { return *static_cast<MPI_Comm*>(comm); }

constexpr uint64_t kChunk = uint64_t(1) << 30;  // MPI counts are int

}  // namespace

std::string describe() {
    char text[MPI_MAX_LIBRARY_VERSION_STRING] = {0};
    int n = 0;
    if (MPI_Get_library_version(text, &n) != MPI_SUCCESS) return "MPI (version unknown)";
    std::string s(text, n > 0 ? size_t(n) : 0);
    if (auto nl = s.find('\n'); nl != std::string::npos) s.resize(nl);
    while (!s.empty() && (s.back() == '\0' || s.back() == ' ' || s.back() == ',')) s.pop_back();
    return s;
}

void* create_world(WorldInfo* info) {
    std::lock_guard<std::mutex> lock(g_lock);
    int initialised = 0, finalized = 0;
    check(MPI_Initialized(&initialised), "MPI_Initialized");
    check(MPI_Finalized(&finalized), "MPI_Finalized");
    if (finalized)
        fail(COMPOFA_ERR_UNSUPPORTED, "MPI was already finalised in this process; a process has one MPI lifetime");
    if (!initialised) {
        prepare_for_jvm();
        make_mpi_global();
        int provided = 0;
        check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided), "MPI_Init_thread");
        g_we_initialised = true;
        std::atexit(finalize_at_exit);
    }
    auto* comm = new MPI_Comm(MPI_COMM_NULL);
    try {
        check(MPI_Comm_dup(MPI_COMM_WORLD, comm), "MPI_Comm_dup");
        check(MPI_Comm_set_errhandler(*comm, MPI_ERRORS_RETURN), "MPI_Comm_set_errhandler");
        check(MPI_Comm_rank(*comm, &info->rank), "MPI_Comm_rank");
        check(MPI_Comm_size(*comm, &info->size), "MPI_Comm_size");
        MPI_Comm node = MPI_COMM_NULL;
        check(MPI_Comm_split_type(*comm, MPI_COMM_TYPE_SHARED, info->rank, MPI_INFO_NULL, &node),
              "MPI_Comm_split_type");
        int local = 0;
        const int rc = MPI_Comm_rank(node, &local);
        MPI_Comm_free(&node);
        check(rc, "MPI_Comm_rank (node)");
        info->local_rank = local;
    } catch (...) {
        if (*comm != MPI_COMM_NULL) MPI_Comm_free(comm);
        delete comm;
        throw;
    }
    g_live++;
    return comm;
}

void destroy(void* comm) {
    std::lock_guard<std::mutex> lock(g_lock);
    const int rc = MPI_Comm_free(&as_comm(comm));
    delete static_cast<MPI_Comm*>(comm);
    g_live--;
    check(rc, "MPI_Comm_free");
}

void allreduce_sum(void* comm, float* data, uint64_t len) {
    std::lock_guard<std::mutex> lock(g_lock);
    for (uint64_t done = 0; done < len; done += kChunk) {
        const int n = int(len - done < kChunk ? len - done : kChunk);
        check(MPI_Allreduce(MPI_IN_PLACE, data + done, n, MPI_FLOAT, MPI_SUM, as_comm(comm)), "MPI_Allreduce");
    }
}

void broadcast(void* comm, void* data, uint64_t bytes, int root) {
    std::lock_guard<std::mutex> lock(g_lock);
    for (uint64_t done = 0; done < bytes; done += kChunk) {
        const int n = int(bytes - done < kChunk ? bytes - done : kChunk);
        check(MPI_Bcast(static_cast<char*>(data) + done, n, MPI_BYTE, root, as_comm(comm)), "MPI_Bcast");
    }
}

void barrier(void* comm) {
    std::lock_guard<std::mutex> lock(g_lock);
    check(MPI_Barrier(as_comm(comm)), "MPI_Barrier");
}

void abort(void* comm, int code) {
    std::fflush(stdout);
    std::fflush(stderr);
    MPI_Abort(as_comm(comm), code);
    std::_Exit(code);  // MPI_Abort returned: end this process at least
}

void abort_world(int code) {
    int initialised = 0, finalized = 0;  // no lock: another thread may be blocked in a collective
    MPI_Initialized(&initialised);
    MPI_Finalized(&finalized);
    if (!initialised || finalized) return;
    std::fflush(stdout);
    std::fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, code);
}

}  // namespace compofa::mpi_plugin
