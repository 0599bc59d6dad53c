// compofa::mpi (mpi_world.h) through the plugin libcompofa_mpi.so, dlopen()ed once on first use:
// first next to libcompofa.so itself (dladdr), then $COMPOFA_MPI_PLUGIN (the file, or a directory
// holding it). Never unloaded: MPI cannot be initialised twice in a process.
#include <dlfcn.h>
#include <link.h>
#include <sys/stat.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>

#include "comm/mpi_plugin_abi.h"
#include "comm/mpi_world.h"
#include "common/error.h"

namespace compofa::mpi {

namespace {

const char* kInstall = "install Open MPI (libopenmpi3 / openmpi-bin) to run under mpirun";

std::once_flag g_once;
std::atomic<const compofa_mpi_plugin*> g_table{nullptr};
std::string g_why;  // written once under g_once, read only after it

bool is_directory(const std::string& path) {
    struct stat st {};
    return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool exists(const std::string& path) {
    struct stat st {};
    return stat(path.c_str(), &st) == 0;
}

// The directory of the file that holds this code (libcompofa.so), or "" when dladdr cannot tell.
std::string own_directory() {
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(&available), &info) == 0 || info.dli_fname == nullptr) return "";
    std::string file = info.dli_fname;
    const size_t slash = file.rfind('/');
    return slash == std::string::npos ? "." : file.substr(0, slash);
}

// Opens one candidate; the table on success, else nullptr and a line of why in *attempt.
const compofa_mpi_plugin* try_open(const std::string& path, std::string* attempt) {
    if (!exists(path)) {
        *attempt = "no file " + path;
        return nullptr;
    }
    dlerror();
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
        const char* e = dlerror();
        *attempt = "cannot load " + path + ": " + (e != nullptr ? e : "unknown dlopen error");
        return nullptr;
    }
    auto entry = reinterpret_cast<compofa_mpi_plugin_entry>(dlsym(handle, COMPOFA_MPI_PLUGIN_ENTRY));
    const compofa_mpi_plugin* table = entry != nullptr ? entry() : nullptr;
    if (table == nullptr || table->version != COMPOFA_MPI_PLUGIN_VERSION || table->size < sizeof(compofa_mpi_plugin)) {
        *attempt = path + " is not a compofa MPI plugin of version " + std::to_string(COMPOFA_MPI_PLUGIN_VERSION) +
                   (table != nullptr ? " (it has version " + std::to_string(table->version) + ")" : "");
        dlclose(handle);
        return nullptr;
    }
    return table;  // handle kept open for the life of the process
}

void load_once() {
    std::string attempts;
    auto note = [&](const std::string& line) { attempts += (attempts.empty() ? "" : "; ") + line; };
    std::string attempt;
    const std::string dir = own_directory();
    if (dir.empty()) {
        note("dladdr cannot locate libcompofa.so");
    } else if (const compofa_mpi_plugin* t = try_open(dir + "/" COMPOFA_MPI_PLUGIN_FILE, &attempt)) {
        g_table.store(t);
        return;
    } else {
        note(attempt);
    }
    const char* env = std::getenv("COMPOFA_MPI_PLUGIN");
    if (env != nullptr && *env != '\0') {
        std::string path = env;
        if (is_directory(path)) path += "/" COMPOFA_MPI_PLUGIN_FILE;
        if (const compofa_mpi_plugin* t = try_open(path, &attempt)) {
            g_table.store(t);
            return;
        }
        note("$COMPOFA_MPI_PLUGIN: " + attempt);
    } else {
        note("$COMPOFA_MPI_PLUGIN not set");
    }
#ifndef COMPOFA_MPI_PLUGIN_BUILT
    note("this build of compofa has no MPI plugin (built without MPI: install libopenmpi-dev and rebuild)");
#endif
    g_why = "MPI unavailable (" + attempts + "); " + kInstall;
}

const compofa_mpi_plugin* table_or_null(std::string* why) {
    std::call_once(g_once, load_once);
    const compofa_mpi_plugin* t = g_table.load();
    if (t == nullptr && why != nullptr) *why = g_why;
    return t;
}

const compofa_mpi_plugin& table() {
    std::string why;
    const compofa_mpi_plugin* t = table_or_null(&why);
    if (t == nullptr) fail(COMPOFA_ERR_UNSUPPORTED, why);
    return *t;
}

void check(int32_t status, const char* why) {
    if (status != COMPOFA_OK) fail(status, why);
}

// Whether some libmpi is mapped in this process (the plugin's, or the program's own).
bool libmpi_in_process() {
    return dl_iterate_phdr([](dl_phdr_info* info, size_t, void*) {
               return info->dlpi_name != nullptr && std::strstr(info->dlpi_name, "/libmpi") != nullptr ? 1 : 0;
           },
           nullptr) != 0;
}

}  // namespace

bool available(std::string* why) { return table_or_null(why) != nullptr; }

std::string describe() {
    std::string why;
    const compofa_mpi_plugin* t = table_or_null(&why);
    if (t == nullptr) return why;
    char text[COMPOFA_MPI_WHY_BYTES] = {0};
    if (t->describe(text, sizeof text) != COMPOFA_OK) return "MPI (version unknown)";
    return text;
}

void* create_world(WorldInfo* info) {
    const compofa_mpi_plugin& t = table();
    char why[COMPOFA_MPI_WHY_BYTES] = {0};
    void* comm = nullptr;
    int32_t rank = 0, size = 0, local = 0;
    check(t.create_world(&comm, &rank, &size, &local, why), why);
    info->rank = rank;
    info->size = size;
    info->local_rank = local;
    return comm;
}

void destroy(void* comm) {
    char why[COMPOFA_MPI_WHY_BYTES] = {0};
    check(table().destroy(comm, why), why);
}

void allreduce_sum(void* comm, float* data, uint64_t len) {
    char why[COMPOFA_MPI_WHY_BYTES] = {0};
    check(table().allreduce_sum(comm, data, len, why), why);
}

void broadcast(void* comm, void* data, uint64_t bytes, int root) {
    char why[COMPOFA_MPI_WHY_BYTES] = {0};
    check(table().broadcast(comm, data, bytes, root, why), why);
}

void barrier(void* comm) {
    char why[COMPOFA_MPI_WHY_BYTES] = {0};
    check(table().barrier(comm, why), why);
}

void abort(void* comm, int code) {
    table().abort(comm, code);
    std::_Exit(code);  // the plugin's abort does not return; if it did, end this process at least
}

void abort_world(int code) {
    // No MPI mapped means nobody initialised it: nothing to abort, and no reason to load MPI now.
    if (g_table.load() == nullptr && !libmpi_in_process()) return;
    if (const compofa_mpi_plugin* t = table_or_null(nullptr)) t->abort_world(code);
}

}  // namespace compofa::mpi
