// ABI entry points of communicators: a world over MPI (host data) and NCCL (device data), or one
// process alone. Arguments are checked here as for the ops; comm/ does the moving.
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "api/barrier.h"
#include "api/checks.h"
#include "api/dispatch.h"
#include "api/handles.h"
#include "comm/mpi_world.h"
#include "comm/nccl.h"

using namespace compofa;

namespace {

constexpr uint64_t kMaxLen = uint64_t(1) << 40;

bool is_cuda(const compofa_context* c) { return c->backend == COMPOFA_BACKEND_CUDA; }

void checked_out(compofa_comm** out) {
    if (out == nullptr) fail(COMPOFA_ERR_INVALID_ARGUMENT, "out must not be NULL");
    *out = nullptr;
}

void register_comm(std::unique_ptr<compofa_comm>& c, compofa_comm** out) {
    *out = static_cast<compofa_comm*>(register_handle(c.get(), HandleKind::comm));
    c->ctx->children++;
    c.release();
}

// data of len floats in the communicator's memory: checked as an op's tensor; returns the stream.
void* checked_data(compofa_comm* c, compofa_stream* stream, float* data, uint64_t len) {
    void* native = native_stream_of(c->ctx, stream);
    if (len < 1 || len > kMaxLen)
        fail(COMPOFA_ERR_INVALID_ARGUMENT, "len " + std::to_string(len) + ": allowed 1 .. 2^40 floats");
    check_tensor(c->ctx, "data", data, len, int64_t(len));
    return native;
}

void free_parts(compofa_comm* c) {
    if (c->nccl != nullptr) nccl::destroy(c->nccl);
    c->nccl = nullptr;
    if (c->mpi != nullptr) mpi::destroy(c->mpi);
    c->mpi = nullptr;
}

}  // namespace

extern "C" {

int32_t compofa_comm_available(int32_t* mpi, int32_t* nccl) {
    return guarded(__func__, [&] {
        if (mpi == nullptr || nccl == nullptr) fail(COMPOFA_ERR_INVALID_ARGUMENT, "mpi and nccl must not be NULL");
        std::string why;
        *mpi = mpi::available(&why) ? 1 : 0;
        *nccl = nccl::load(&why).empty() ? 0 : 1;
    });
}

int32_t compofa_comm_describe(char* text, uint64_t capacity) {
    return guarded(__func__, [&] {
        if (text == nullptr || capacity == 0) fail(COMPOFA_ERR_INVALID_ARGUMENT, "text must be a non-NULL buffer of capacity >= 1");
        std::string why;
        std::string nccl_name = nccl::load(&why);
        std::string d = "MPI: " + mpi::describe() + "; NCCL: " + (nccl_name.empty() ? "unavailable (" + why + ")" : nccl_name);
        size_t n = d.size() < capacity - 1 ? d.size() : size_t(capacity - 1);
        std::memcpy(text, d.data(), n);
        text[n] = '\0';
    });
}

int32_t compofa_comm_create_world(compofa_context* ctx, compofa_comm** out) {
    return guarded(__func__, [&] {
        checked_out(out);
        compofa_context* ctxp = context_of(ctx);
        auto c = std::make_unique<compofa_comm>();
        c->ctx = ctxp;
        if (is_cuda(ctxp)) {
            std::string why;
            if (nccl::load(&why).empty())
                fail(COMPOFA_ERR_UNSUPPORTED, "a world on a CUDA context needs NCCL: " + why);
        }
        mpi::WorldInfo info{};
        c->mpi = mpi::create_world(&info);
        c->rank = info.rank;
        c->size = info.size;
        c->local_rank = info.local_rank;
        c->transport = COMPOFA_COMM_MPI;
        try {
            if (is_cuda(ctxp)) {
                // Every rank takes part in the broadcast, so a failing rank 0 cannot leave the others waiting.
                char id[nccl::kIdBytes] = {0};
                std::string failure;
                if (c->rank == 0) {
                    try {
                        nccl::unique_id(id);
                    } catch (const Error& e) {
                        failure = e.what();
                    }
                }
                char failed = failure.empty() ? 0 : 1;
                mpi::broadcast(c->mpi, &failed, 1, 0);
                if (failed) fail(COMPOFA_ERR_COMMUNICATION, failure.empty() ? "rank 0 could not make an NCCL id" : failure);
                mpi::broadcast(c->mpi, id, sizeof id, 0);
                c->nccl = nccl::create(ctxp->device, c->size, c->rank, id);
                c->transport = COMPOFA_COMM_NCCL;
            }
            register_comm(c, out);
        } catch (...) {
            free_parts(c.get());
            throw;
        }
    });
}

int32_t compofa_comm_create_local(compofa_context* ctx, compofa_comm** out) {
    return guarded(__func__, [&] {
        checked_out(out);
        compofa_context* ctxp = context_of(ctx);
        auto c = std::make_unique<compofa_comm>();
        c->ctx = ctxp;
        std::string why;
        if (is_cuda(ctxp) && !nccl::load(&why).empty()) {
            char id[nccl::kIdBytes];
            nccl::unique_id(id);
            c->nccl = nccl::create(ctxp->device, 1, 0, id);
            c->transport = COMPOFA_COMM_NCCL;
        }
        try {
            register_comm(c, out);
        } catch (...) {
            free_parts(c.get());
            throw;
        }
    });
}

int32_t compofa_comm_destroy(compofa_comm* comm) {
    return guarded(__func__, [&] {
        Destroying destroying(comm, HandleKind::comm, "communicator");  // BUSY while a call uses it
        auto* object = static_cast<compofa_comm*>(destroying.object());
        if (object->nccl != nullptr) cuda::device_synchronize(object->ctx->device);  // its collectives end first
        destroying.commit();
        std::unique_ptr<compofa_comm> c(object);
        compofa_context* ctx = c->ctx;
        try {
            free_parts(c.get());
        } catch (...) {
            ctx->children--;
            throw;
        }
        ctx->children--;  // the last use of ctx: it may be destroyed from here on
    });
}

int32_t compofa_comm_rank(const compofa_comm* comm, int32_t* rank) {
    return guarded(__func__, [&] {
        if (rank == nullptr) fail(COMPOFA_ERR_INVALID_ARGUMENT, "rank must not be NULL");
        *rank = comm_of(comm)->rank;
    });
}

int32_t compofa_comm_size(const compofa_comm* comm, int32_t* size) {
    return guarded(__func__, [&] {
        if (size == nullptr) fail(COMPOFA_ERR_INVALID_ARGUMENT, "size must not be NULL");
        *size = comm_of(comm)->size;
    });
}

int32_t compofa_comm_local_rank(const compofa_comm* comm, int32_t* local_rank) {
    return guarded(__func__, [&] {
        if (local_rank == nullptr) fail(COMPOFA_ERR_INVALID_ARGUMENT, "local_rank must not be NULL");
        *local_rank = comm_of(comm)->local_rank;
    });
}

int32_t compofa_comm_transport(const compofa_comm* comm, int32_t* transport) {
    return guarded(__func__, [&] {
        if (transport == nullptr) fail(COMPOFA_ERR_INVALID_ARGUMENT, "transport must not be NULL");
        *transport = comm_of(comm)->transport;
    });
}

int32_t compofa_comm_allreduce(compofa_comm* comm, compofa_stream* stream, float* data, uint64_t len, int32_t op) {
    return guarded(__func__, [&] {
        compofa_comm* c = comm_of(comm);
        void* native = checked_data(c, stream, data, len);
        if (op != COMPOFA_REDUCE_SUM && op != COMPOFA_REDUCE_AVG)
            fail(COMPOFA_ERR_INVALID_ARGUMENT, "op " + std::to_string(op) + ": allowed 0 (SUM), 1 (AVG)");
        const bool avg = op == COMPOFA_REDUCE_AVG;
        bool scaled = true;
        if (c->transport == COMPOFA_COMM_NCCL) {
            cuda::set_device(c->ctx->device);
            scaled = nccl::allreduce(c->nccl, data, len, avg, native);
        } else if (c->transport == COMPOFA_COMM_MPI) {
            mpi::allreduce_sum(c->mpi, data, len);
            scaled = !avg;
        }
        // The sum times 1/size, in the context's own kernel: the same bits on every rank.
        if (!scaled && c->size > 1) nn_kernels_for(c->ctx).axpby(int64_t(len), 1.0f / float(c->size), data, 0.0f, data, native);
    });
}

int32_t compofa_comm_broadcast(compofa_comm* comm, compofa_stream* stream, float* data, uint64_t len, int32_t root) {
    return guarded(__func__, [&] {
        compofa_comm* c = comm_of(comm);
        void* native = checked_data(c, stream, data, len);
        if (root < 0 || root >= c->size)
            fail(COMPOFA_ERR_INVALID_ARGUMENT, "root " + std::to_string(root) + ": allowed 0.." + std::to_string(c->size - 1));
        if (c->transport == COMPOFA_COMM_NCCL) {
            cuda::set_device(c->ctx->device);
            nccl::broadcast(c->nccl, data, len, root, native);
        } else if (c->transport == COMPOFA_COMM_MPI) {
            mpi::broadcast(c->mpi, data, len * sizeof(float), root);
        }
    });
}

int32_t compofa_comm_barrier(compofa_comm* comm) {
    return guarded(__func__, [&] {
        compofa_comm* c = comm_of(comm);
        if (c->mpi != nullptr) mpi::barrier(c->mpi);
    });
}

int32_t compofa_comm_abort(compofa_comm* comm, int32_t code) {
    return guarded(__func__, [&] {
        compofa_comm* c = comm_of(comm);
        if (code < 0 || code > 255) fail(COMPOFA_ERR_INVALID_ARGUMENT, "code " + std::to_string(code) + ": allowed 0..255");
        if (c->mpi != nullptr) mpi::abort(c->mpi, code);
        std::fflush(stdout);
        std::fflush(stderr);
        _exit(code);
    });
}

int32_t compofa_comm_abort_job(int32_t code) {
    return guarded(__func__, [&] {
        if (code < 0 || code > 255) fail(COMPOFA_ERR_INVALID_ARGUMENT, "code " + std::to_string(code) + ": allowed 0..255");
        mpi::abort_world(code);
        std::fflush(stdout);
        std::fflush(stderr);
        _exit(code);
    });
}

}  // extern "C"
