/* All-reduce bandwidth at gradient-buffer sizes, our ABI vs plain MPI, side by side in one MPI job:
 *   mpirun -np 2 compofa_comm_bench [iterations]
 * Per size (1, 8, 32, 128 MB of floats), alternating rounds of: MPI_Allreduce(MPI_IN_PLACE, MPI_FLOAT,
 * MPI_SUM) on MPI_COMM_WORLD (the peer, as a plain MPI program calls it) and compofa_comm_allreduce SUM
 * on a CPU context's world (MPI underneath, plus the ABI's checks). Each timed call starts after a
 * barrier; the time of a call is the slowest rank's. Rank 0 prints a CSV: size, median ms of each,
 * algorithm bandwidth (bytes / time) and bus bandwidth (2 (n-1)/n bytes / time, NCCL's convention). */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

#include "compofa.h"

static int cmp(const void* a, const void* b) {
    double x = *(const double*)a, y = *(const double*)b;
    return x < y ? -1 : x > y;
}

static double timed(int ours, compofa_comm* comm, float* data, int count) {
    MPI_Barrier(MPI_COMM_WORLD);
    double t0 = MPI_Wtime();
    if (ours) {
        if (compofa_comm_allreduce(comm, NULL, data, (uint64_t)count, COMPOFA_REDUCE_SUM) != COMPOFA_OK) {
            fprintf(stderr, "compofa_comm_allreduce: %s\n", compofa_last_error());
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
    } else {
        MPI_Allreduce(MPI_IN_PLACE, data, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
    }
    double local = MPI_Wtime() - t0, slowest = 0;
    MPI_Allreduce(&local, &slowest, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    return slowest;
}

int main(int argc, char** argv) {
    int iterations = argc > 1 ? atoi(argv[1]) : 10;
    if (iterations < 1 || iterations > 1000) iterations = 10;
    compofa_context* ctx = NULL;
    compofa_comm* comm = NULL;
    if (compofa_context_create(COMPOFA_BACKEND_CPU, 0, &ctx) != COMPOFA_OK ||
        compofa_comm_create_world(ctx, &comm) != COMPOFA_OK) {  /* initialises MPI for both */
        fprintf(stderr, "setup: %s\n", compofa_last_error());
        return 1;
    }
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (rank == 0) printf("mb,ranks,iterations,mpi_ms,compofa_ms,mpi_algbw_gbs,compofa_algbw_gbs,mpi_busbw_gbs,compofa_busbw_gbs\n");
    const int mbs[] = {1, 8, 32, 128};
    for (int s = 0; s < 4; s++) {
        int count = mbs[s] * (1 << 20) / 4;
        float* data = malloc((size_t)count * sizeof(float));
        double* t[2] = {malloc(iterations * sizeof(double)), malloc(iterations * sizeof(double))};
        for (int i = 0; i < count; i++) data[i] = (float)((i + rank) % 17) * 0.25f;
        timed(0, comm, data, count);  /* warm-up: pages, connections */
        timed(1, comm, data, count);
        for (int it = 0; it < iterations; it++)
            for (int ours = 0; ours < 2; ours++) t[ours][it] = timed(ours, comm, data, count);
        if (rank == 0) {
            double med[2];
            for (int k = 0; k < 2; k++) {
                qsort(t[k], iterations, sizeof(double), cmp);
                med[k] = t[k][iterations / 2];
            }
            double bytes = (double)count * 4, bus = 2.0 * (size - 1) / size;
            printf("%d,%d,%d,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f\n", mbs[s], size, iterations, med[0] * 1e3, med[1] * 1e3,
                   bytes / med[0] / 1e9, bytes / med[1] / 1e9, bus * bytes / med[0] / 1e9, bus * bytes / med[1] / 1e9);
        }
        free(data);
        free(t[0]);
        free(t[1]);
    }
    compofa_comm_destroy(comm);
    compofa_context_destroy(ctx);
    return 0;
}
