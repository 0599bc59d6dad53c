// Communicators through the public ABI on the host backends.
//   comm_test local   one process: compofa_comm_create_local (size 1, data untouched) and bad arguments
//   comm_test world   under mpirun -np N: all-reduce SUM/AVG of seeded data on odd sizes against a naive
//                     sum of every rank's data (each rank regenerates the others' from their seeds),
//                     the same bits on every rank, broadcast from every root, barrier, bad arguments
//   comm_test abort   under mpirun: the last rank aborts with code 3 while the others wait in a barrier;
//                     the job must end (ctest expects a failure, never a timeout)
//   comm_test abort_job  the same after destroying its communicator, through compofa_comm_abort_job
//   comm_test cuda    one-rank NCCL on a CUDA context (compofa_comm_create_local): all-reduce SUM/AVG
//                     and broadcast of device data leave it bit-identical, host data is WRONG_BACKEND;
//                     exits 77 (skipped) without a CUDA device or without NCCL
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "compofa.h"

namespace {

int failures = 0;
int my_rank = 0;

void expect(bool ok, const std::string& what) {
    if (!ok) {
        std::printf("FAIL rank %d: %s (last error: %s)\n", my_rank, what.c_str(), compofa_last_error());
        failures++;
    }
}

void expect_status(int32_t got, int32_t want, const std::string& what) {
    expect(got == want, what + ": got " + compofa_status_name(got) + ", want " + compofa_status_name(want));
}

// Rank r's data: a SplitMix64 stream of (seed, r) mapped to [-1, 1), different magnitudes per element.
std::vector<float> rank_data(uint64_t seed, int rank, size_t len) {
    std::vector<float> v(len);
    uint64_t s = seed * 0x9E3779B97F4A7C15ull + uint64_t(rank) * 0xD1B54A32D192ED03ull;
    for (size_t i = 0; i < len; i++) {
        uint64_t z = (s += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        z ^= z >> 31;
        const float unit = float(z >> 40) / float(1 << 24) * 2.0f - 1.0f;
        v[i] = unit * std::ldexp(1.0f, int(z % 7) - 3);
    }
    return v;
}

void bad_arguments(compofa_comm* comm, compofa_context* ctx, int size) {
    float x[4] = {1, 2, 3, 4};
    expect_status(compofa_comm_allreduce(nullptr, nullptr, x, 4, COMPOFA_REDUCE_SUM), COMPOFA_ERR_INVALID_HANDLE, "NULL comm");
    expect_status(compofa_comm_allreduce(reinterpret_cast<compofa_comm*>(ctx), nullptr, x, 4, COMPOFA_REDUCE_SUM),
                  COMPOFA_ERR_INVALID_HANDLE, "a context as comm");
    expect_status(compofa_comm_allreduce(comm, nullptr, nullptr, 4, COMPOFA_REDUCE_SUM), COMPOFA_ERR_INVALID_ARGUMENT, "NULL data");
    expect_status(compofa_comm_allreduce(comm, nullptr, x, 0, COMPOFA_REDUCE_SUM), COMPOFA_ERR_INVALID_ARGUMENT, "len 0");
    expect_status(compofa_comm_allreduce(comm, nullptr, x, (uint64_t(1) << 40) + 1, COMPOFA_REDUCE_SUM),
                  COMPOFA_ERR_INVALID_ARGUMENT, "len 2^40+1");
    expect_status(compofa_comm_allreduce(comm, nullptr, x, 4, 2), COMPOFA_ERR_INVALID_ARGUMENT, "op 2");
    expect_status(compofa_comm_allreduce(comm, nullptr, x, 4, -1), COMPOFA_ERR_INVALID_ARGUMENT, "op -1");
    expect_status(compofa_comm_broadcast(comm, nullptr, x, 4, -1), COMPOFA_ERR_INVALID_ARGUMENT, "root -1");
    expect_status(compofa_comm_broadcast(comm, nullptr, x, 4, size), COMPOFA_ERR_INVALID_ARGUMENT, "root == size");
    expect_status(compofa_comm_broadcast(comm, nullptr, nullptr, 4, 0), COMPOFA_ERR_INVALID_ARGUMENT, "broadcast NULL data");
    expect_status(compofa_comm_abort(comm, 256), COMPOFA_ERR_INVALID_ARGUMENT, "abort code 256");
    expect_status(compofa_comm_abort(comm, -1), COMPOFA_ERR_INVALID_ARGUMENT, "abort code -1");
    expect_status(compofa_comm_abort(nullptr, 1), COMPOFA_ERR_INVALID_HANDLE, "abort NULL comm");
    expect_status(compofa_comm_abort_job(256), COMPOFA_ERR_INVALID_ARGUMENT, "abort_job code 256");
    int32_t v = 0;
    expect_status(compofa_comm_rank(comm, nullptr), COMPOFA_ERR_INVALID_ARGUMENT, "rank NULL out");
    expect_status(compofa_comm_size(nullptr, &v), COMPOFA_ERR_INVALID_HANDLE, "size NULL comm");
    expect_status(compofa_comm_create_world(ctx, nullptr), COMPOFA_ERR_INVALID_ARGUMENT, "create NULL out");
    expect_status(compofa_comm_create_local(nullptr, reinterpret_cast<compofa_comm**>(&v)), COMPOFA_ERR_INVALID_HANDLE,
                  "create NULL context");
    expect_status(compofa_comm_barrier(nullptr), COMPOFA_ERR_INVALID_HANDLE, "barrier NULL comm");
    // A stream of another context.
    compofa_context* other = nullptr;
    compofa_stream* stream = nullptr;
    expect(compofa_context_create(COMPOFA_BACKEND_REFERENCE, 0, &other) == COMPOFA_OK, "other context");
    expect(compofa_stream_create(other, &stream) == COMPOFA_OK, "other stream");
    expect_status(compofa_comm_allreduce(comm, stream, x, 4, COMPOFA_REDUCE_SUM), COMPOFA_ERR_INVALID_ARGUMENT,
                  "stream of another context");
    compofa_stream_destroy(stream);
    compofa_context_destroy(other);
    // The context cannot go while the communicator lives.
    expect_status(compofa_context_destroy(ctx), COMPOFA_ERR_INVALID_ARGUMENT, "destroy context with a live comm");
    expect(x[0] == 1 && x[3] == 4, "failed calls leave data alone");
}

int run_local() {
    int32_t mpi = -1, nccl = -1;
    expect(compofa_comm_available(&mpi, &nccl) == COMPOFA_OK && (mpi == 0 || mpi == 1) && (nccl == 0 || nccl == 1), "available");
    char text[256];
    expect(compofa_comm_describe(text, sizeof text) == COMPOFA_OK && std::strstr(text, "MPI") != nullptr, "describe");
    std::printf("%s\n", text);
    expect_status(compofa_comm_available(nullptr, &nccl), COMPOFA_ERR_INVALID_ARGUMENT, "available NULL");
    expect_status(compofa_comm_describe(text, 0), COMPOFA_ERR_INVALID_ARGUMENT, "describe capacity 0");
    compofa_context* ctx = nullptr;
    compofa_comm* comm = nullptr;
    expect(compofa_context_create(COMPOFA_BACKEND_CPU, 0, &ctx) == COMPOFA_OK, "context");
    expect(compofa_comm_create_local(ctx, &comm) == COMPOFA_OK, "create_local");
    int32_t rank = -1, size = -1, local = -1, transport = -1;
    compofa_comm_rank(comm, &rank);
    compofa_comm_size(comm, &size);
    compofa_comm_local_rank(comm, &local);
    compofa_comm_transport(comm, &transport);
    expect(rank == 0 && size == 1 && local == 0 && transport == COMPOFA_COMM_SELF, "local ranks and transport");
    for (size_t len : {size_t(1), size_t(7), size_t(1000003)}) {
        std::vector<float> data = rank_data(11, 0, len), want = data;
        expect(compofa_comm_allreduce(comm, nullptr, data.data(), len, COMPOFA_REDUCE_SUM) == COMPOFA_OK, "local sum");
        expect(compofa_comm_allreduce(comm, nullptr, data.data(), len, COMPOFA_REDUCE_AVG) == COMPOFA_OK, "local avg");
        expect(compofa_comm_broadcast(comm, nullptr, data.data(), len, 0) == COMPOFA_OK, "local broadcast");
        expect(std::memcmp(data.data(), want.data(), len * sizeof(float)) == 0, "one process: data unchanged");
    }
    expect(compofa_comm_barrier(comm) == COMPOFA_OK, "local barrier");
    bad_arguments(comm, ctx, 1);
    expect(compofa_comm_destroy(comm) == COMPOFA_OK, "destroy");
    expect_status(compofa_comm_destroy(comm), COMPOFA_ERR_INVALID_HANDLE, "destroy twice");
    float x = 1;
    expect_status(compofa_comm_allreduce(comm, nullptr, &x, 1, COMPOFA_REDUCE_SUM), COMPOFA_ERR_INVALID_HANDLE, "destroyed comm");
    expect(compofa_context_destroy(ctx) == COMPOFA_OK, "context destroy after comm");
    return failures;
}

int run_world(int backend) {
    compofa_context* ctx = nullptr;
    compofa_comm* comm = nullptr;
    expect(compofa_context_create(backend, 0, &ctx) == COMPOFA_OK, "context");
    if (compofa_comm_create_world(ctx, &comm) != COMPOFA_OK) {
        expect(false, "create_world");
        return failures;
    }
    int32_t rank = -1, size = -1, local = -1, transport = -1;
    compofa_comm_rank(comm, &rank);
    compofa_comm_size(comm, &size);
    compofa_comm_local_rank(comm, &local);
    compofa_comm_transport(comm, &transport);
    my_rank = rank;
    expect(size >= 2 && rank >= 0 && rank < size, "a world of >= 2 ranks (run under mpirun -np N)");
    expect(local == rank && transport == COMPOFA_COMM_MPI, "one node: local rank == rank; transport MPI");
    uint64_t seed = 1000 + uint64_t(backend);
    for (size_t len : {size_t(1), size_t(7), size_t(1000003)}) {
        for (int32_t op : {COMPOFA_REDUCE_SUM, COMPOFA_REDUCE_AVG}) {
            seed++;
            std::vector<float> data = rank_data(seed, rank, len);
            // Naive sum in rank order; with 2 ranks it is the exact same float addition (a + b == b + a).
            std::vector<float> want(len, 0.0f), bound(len, 0.0f);
            for (int r = 0; r < size; r++) {
                std::vector<float> d = rank_data(seed, r, len);
                for (size_t i = 0; i < len; i++) {
                    want[i] += d[i];
                    bound[i] += std::fabs(d[i]);
                }
            }
            expect(compofa_comm_allreduce(comm, nullptr, data.data(), len, op) == COMPOFA_OK, "allreduce");
            const float scale = op == COMPOFA_REDUCE_AVG ? 1.0f / float(size) : 1.0f;
            // Another order of n-1 float additions is off by at most (n-2) * 2^-24 * sum |x| (0 for n = 2).
            const float rel = float(size - 2) * std::ldexp(1.0f, -24);
            size_t bad = 0;
            for (size_t i = 0; i < len; i++)
                if (std::fabs(data[i] - want[i] * scale) > rel * bound[i] * scale) bad++;
            expect(bad == 0, "allreduce len " + std::to_string(len) + " op " + std::to_string(op) + ": " +
                                 std::to_string(bad) + " elements off the naive sum");
            // Every rank holds the same bits: compare with rank 0's copy.
            std::vector<float> ranks0 = data;
            expect(compofa_comm_broadcast(comm, nullptr, ranks0.data(), len, 0) == COMPOFA_OK, "broadcast of the result");
            expect(std::memcmp(ranks0.data(), data.data(), len * sizeof(float)) == 0, "same bits on every rank");
        }
        for (int root = 0; root < size; root++) {
            std::vector<float> data = rank_data(seed + 77, rank, len);
            expect(compofa_comm_broadcast(comm, nullptr, data.data(), len, root) == COMPOFA_OK, "broadcast");
            std::vector<float> want = rank_data(seed + 77, root, len);
            expect(std::memcmp(data.data(), want.data(), len * sizeof(float)) == 0,
                   "broadcast len " + std::to_string(len) + " from root " + std::to_string(root));
        }
    }
    expect(compofa_comm_barrier(comm) == COMPOFA_OK, "barrier");
    bad_arguments(comm, ctx, size);
    expect(compofa_comm_barrier(comm) == COMPOFA_OK, "barrier after the bad calls");
    expect(compofa_comm_destroy(comm) == COMPOFA_OK, "destroy");
    expect(compofa_context_destroy(ctx) == COMPOFA_OK, "context destroy");
    return failures;
}

int run_abort(bool argc_job) {
    compofa_context* ctx = nullptr;
    compofa_comm* comm = nullptr;
    if (compofa_context_create(COMPOFA_BACKEND_CPU, 0, &ctx) != COMPOFA_OK || compofa_comm_create_world(ctx, &comm) != COMPOFA_OK)
        return 1;
    int32_t rank = 0, size = 0;
    compofa_comm_rank(comm, &rank);
    compofa_comm_size(comm, &size);
    if (rank == size - 1) {
        std::fprintf(stderr, "comm_test abort: rank %d fails on purpose\n", rank);
        if (argc_job) {  // after its communicator is gone, as an exception unwinding through cleanup
            compofa_comm_destroy(comm);
            compofa_comm_abort_job(3);
        }
        compofa_comm_abort(comm, 3);
        return 1;  // not reached
    }
    compofa_comm_barrier(comm);  // never completes: the aborting rank ends the job
    std::printf("FAIL rank %d: returned from a barrier that a rank aborted\n", rank);
    return 0;  // a job that gets here ends with 0, which ctest (WILL_FAIL) reports as a failure
}

int run_cuda() {
    int32_t available = 0, mpi = 0, nccl = 0;
    char text[512];
    compofa_backend_available(COMPOFA_BACKEND_CUDA, &available);
    compofa_comm_available(&mpi, &nccl);
    compofa_comm_describe(text, sizeof text);
    std::printf("%s\n", text);
    if (!available || !nccl) {
        std::printf("SKIPPED: %s\n", !available ? "no CUDA device" : "no NCCL (set COMPOFA_NCCL_LIBRARY)");
        return 77;
    }
    compofa_context* ctx = nullptr;
    compofa_comm* comm = nullptr;
    compofa_buffer* buf = nullptr;
    const size_t len = 1000003;
    expect(compofa_context_create(COMPOFA_BACKEND_CUDA, 0, &ctx) == COMPOFA_OK, "CUDA context");
    expect(compofa_comm_create_local(ctx, &comm) == COMPOFA_OK, "create_local on CUDA");
    int32_t transport = -1;
    compofa_comm_transport(comm, &transport);
    expect(transport == COMPOFA_COMM_NCCL, "transport NCCL");
    std::vector<float> host = rank_data(21, 0, len), back(len);
    void* device = nullptr;
    uint64_t bytes = 0;
    expect(compofa_buffer_alloc(ctx, len * sizeof(float), &buf) == COMPOFA_OK, "device buffer");
    compofa_buffer_address(buf, &device, &bytes);
    compofa_copy_to_buffer(buf, 0, host.data(), len * sizeof(float), nullptr);
    float* d = static_cast<float*>(device);
    expect(compofa_comm_allreduce(comm, nullptr, d, len, COMPOFA_REDUCE_SUM) == COMPOFA_OK, "NCCL all-reduce SUM");
    expect(compofa_comm_allreduce(comm, nullptr, d, len, COMPOFA_REDUCE_AVG) == COMPOFA_OK, "NCCL all-reduce AVG");
    expect(compofa_comm_broadcast(comm, nullptr, d, len, 0) == COMPOFA_OK, "NCCL broadcast");
    expect(compofa_copy_from_buffer(buf, 0, back.data(), len * sizeof(float), nullptr) == COMPOFA_OK, "copy back");
    expect(std::memcmp(back.data(), host.data(), len * sizeof(float)) == 0, "one rank: data bit-identical");
    expect_status(compofa_comm_allreduce(comm, nullptr, host.data(), len, COMPOFA_REDUCE_SUM), COMPOFA_ERR_WRONG_BACKEND,
                  "host data on a CUDA communicator");
    expect(compofa_comm_destroy(comm) == COMPOFA_OK, "destroy");
    compofa_buffer_free(buf);
    compofa_context_destroy(ctx);
    if (failures == 0) std::printf("comm_test cuda: one-rank NCCL all-reduce and broadcast of %zu floats passed\n", len);
    return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string mode = argc > 1 ? argv[1] : "local";
    int bad;
    if (mode == "local") bad = run_local();
    else if (mode == "world") bad = run_world(COMPOFA_BACKEND_CPU) + run_world(COMPOFA_BACKEND_REFERENCE);
    else if (mode == "abort") return run_abort(false);
    else if (mode == "abort_job") return run_abort(true);
    else if (mode == "cuda") return run_cuda();
    else {
        std::printf("usage: comm_test local|world|abort|abort_job|cuda\n");
        return 2;
    }
    if (bad == 0) std::printf("comm_test %s: rank %d passed\n", mode.c_str(), my_rank);
    return bad == 0 ? 0 : 1;
}
