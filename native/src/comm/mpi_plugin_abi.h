/* The table libcompofa_mpi.so (src/mpi_plugin) hands to libcompofa.so (comm/mpi_loader.cpp), which
 * dlopen()s the plugin on first use so that libcompofa.so itself never needs libmpi. Plain C: each
 * library carries its own static libstdc++, so no C++ exception or object may cross. Every function
 * returns a compofa status; on failure it writes a message (at most COMPOFA_MPI_WHY_BYTES - 1 chars,
 * NUL-terminated) into why. Bump COMPOFA_MPI_PLUGIN_VERSION on any change to this struct. */
#ifndef COMPOFA_MPI_PLUGIN_ABI_H
#define COMPOFA_MPI_PLUGIN_ABI_H
#include <stdint.h>

#define COMPOFA_MPI_PLUGIN_VERSION 1u
#define COMPOFA_MPI_PLUGIN_ENTRY "compofa_mpi_plugin_v1"
#define COMPOFA_MPI_PLUGIN_FILE "libcompofa_mpi.so"
#define COMPOFA_MPI_WHY_BYTES 1024

#ifdef __cplusplus
extern "C" {
#endif

typedef struct compofa_mpi_plugin {
    uint32_t version; /* COMPOFA_MPI_PLUGIN_VERSION */
    uint32_t size;    /* sizeof(compofa_mpi_plugin) */
    /* "Open MPI v4.1.4" (MPI_Get_library_version's first line) into text. */
    int32_t (*describe)(char* text, uint64_t capacity);
    /* Initialises MPI if nobody did; *comm = a duplicate of MPI_COMM_WORLD (opaque). */
    int32_t (*create_world)(void** comm, int32_t* rank, int32_t* size, int32_t* local_rank, char* why);
    int32_t (*destroy)(void* comm, char* why);
    int32_t (*allreduce_sum)(void* comm, float* data, uint64_t len, char* why);
    int32_t (*broadcast)(void* comm, void* data, uint64_t bytes, int32_t root, char* why);
    int32_t (*barrier)(void* comm, char* why);
    void (*abort)(void* comm, int32_t code); /* does not return */
    void (*abort_world)(int32_t code);       /* returns when MPI is not initialised */
} compofa_mpi_plugin;

/* The one exported symbol (COMPOFA_MPI_PLUGIN_ENTRY) has this type. */
typedef const compofa_mpi_plugin* (*compofa_mpi_plugin_entry)(void);

#ifdef __cplusplus
}
#endif
#endif
