// ABI entry points of contexts: one backend (and CUDA device) with its default stream.
#include <memory>
#include <string>

#include "api/barrier.h"
#include "api/handles.h"
#include "cuda/cuda_services.h"

using namespace compofa;

extern "C" {

int32_t compofa_context_create(int32_t backend, int32_t device, compofa_context** out) {
    return guarded(__func__, [&] {
        if (out == nullptr) fail(COMPOFA_ERR_INVALID_ARGUMENT, "out must not be NULL");
        *out = nullptr;
        if (backend != COMPOFA_BACKEND_REFERENCE && backend != COMPOFA_BACKEND_CPU && backend != COMPOFA_BACKEND_CUDA)
            fail(COMPOFA_ERR_INVALID_ARGUMENT, "backend " + std::to_string(backend) + ": allowed 0 (REFERENCE), 1 (CPU), 2 (CUDA)");
        if (backend == COMPOFA_BACKEND_CUDA) {
            if (!cuda::compiled_in()) fail(COMPOFA_ERR_BACKEND_UNAVAILABLE, "this build of compofa has no CUDA backend");
            std::string why;
            int count = cuda::device_count(&why);
            if (count == 0) fail(COMPOFA_ERR_BACKEND_UNAVAILABLE, "no CUDA device: " + why);
            if (device < 0 || device >= count)
                fail(COMPOFA_ERR_INVALID_ARGUMENT, "CUDA device " + std::to_string(device) + ": allowed 0.." + std::to_string(count - 1));
        } else if (device != 0) {
            fail(COMPOFA_ERR_INVALID_ARGUMENT, "device " + std::to_string(device) + ": host backends have only device 0");
        }
        auto* ctx = new compofa_context();
        ctx->backend = backend;
        ctx->device = device;
        if (backend == COMPOFA_BACKEND_CUDA) {
            try {
                ctx->default_stream = cuda::stream_create(device);
            } catch (...) {
                delete ctx;
                throw;
            }
        }
        try {
            *out = static_cast<compofa_context*>(register_handle(ctx, HandleKind::context));
        } catch (...) {
            if (ctx->default_stream != nullptr) cuda::stream_destroy(device, ctx->default_stream);
            delete ctx;
            throw;
        }
    });
}

int32_t compofa_context_destroy(compofa_context* ctx) {
    return guarded(__func__, [&] {
        Destroying destroying(ctx, HandleKind::context, "context");  // BUSY while a call uses it
        auto* c = static_cast<compofa_context*>(destroying.object());
        // Exact: children only grow inside calls that pin the context, and it has no pins now.
        int64_t live = c->children.load();
        if (live > 0)
            fail(COMPOFA_ERR_INVALID_ARGUMENT, "context still owns " + std::to_string(live) +
                                                   " buffers, streams or events; destroy them first");
        if (c->default_stream != nullptr) cuda::stream_synchronize(c->device, c->default_stream);
        destroying.commit();
        std::unique_ptr<compofa_context> owned(c);
        if (c->default_stream != nullptr) cuda::stream_destroy(c->device, c->default_stream);
    });
}

int32_t compofa_context_backend(const compofa_context* ctx, int32_t* backend) {
    return guarded(__func__, [&] {
        if (backend == nullptr) fail(COMPOFA_ERR_INVALID_ARGUMENT, "backend must not be NULL");
        *backend = context_of(ctx)->backend;
    });
}

int32_t compofa_context_synchronize(compofa_context* ctx) {
    return guarded(__func__, [&] {
        compofa_context* c = context_of(ctx);
        if (c->backend == COMPOFA_BACKEND_CUDA) cuda::device_synchronize(c->device);
    });
}

int32_t compofa_context_set_threads(compofa_context* ctx, int32_t threads) {
    return guarded(__func__, [&] {
        compofa_context* c = context_of(ctx);
        if (threads < 0 || threads > 1024)
            fail(COMPOFA_ERR_INVALID_ARGUMENT, "threads " + std::to_string(threads) + ": allowed 0 (default) .. 1024");
        c->threads.store(threads);
    });
}

int32_t compofa_context_set_precision(compofa_context* ctx, int32_t precision) {
    return guarded(__func__, [&] {
        compofa_context* c = context_of(ctx);
        if (precision < COMPOFA_PRECISION_FP32 || precision > COMPOFA_PRECISION_BF16)
            fail(COMPOFA_ERR_INVALID_ARGUMENT,
                 "precision " + std::to_string(precision) + ": allowed 0 (fp32), 1 (tf32), 2 (bf16)");
        c->precision.store(precision);
    });
}

int32_t compofa_context_set_gemm_library(compofa_context* ctx, int32_t library) {
    return guarded(__func__, [&] {
        compofa_context* c = context_of(ctx);
        if (library != COMPOFA_GEMM_OURS && library != COMPOFA_GEMM_CUBLAS)
            fail(COMPOFA_ERR_INVALID_ARGUMENT,
                 "gemm library " + std::to_string(library) + ": allowed 0 (ours), 1 (cuBLAS)");
        if (library == COMPOFA_GEMM_CUBLAS) {
            if (c->backend != COMPOFA_BACKEND_CUDA)
                fail(COMPOFA_ERR_UNSUPPORTED, "cuBLAS runs on CUDA contexts only; this context's backend is " +
                                                  std::string(c->backend == COMPOFA_BACKEND_CPU ? "CPU" : "REFERENCE"));
            std::string why;
            if (cuda::vendor_blas_load(&why).empty()) fail(COMPOFA_ERR_UNSUPPORTED, why);
        }
        c->gemm_library.store(library);
    });
}

int32_t compofa_context_gemm_library(const compofa_context* ctx, int32_t* library) {
    return guarded(__func__, [&] {
        if (library == nullptr) fail(COMPOFA_ERR_INVALID_ARGUMENT, "library must not be NULL");
        *library = context_of(ctx)->gemm_library.load();
    });
}

int32_t compofa_context_precision(const compofa_context* ctx, int32_t* precision) {
    return guarded(__func__, [&] {
        if (precision == nullptr) fail(COMPOFA_ERR_INVALID_ARGUMENT, "precision must not be NULL");
        *precision = context_of(ctx)->precision.load();
    });
}

}  // extern "C"
