// ABI entry points of streams and timing events. On the host backends ops are synchronous, so a
// stream is a no-op handle and an event is a steady-clock reading.
#include <chrono>
#include <string>

#include "api/barrier.h"
#include "api/handles.h"
#include "cuda/cuda_services.h"

using namespace compofa;

namespace {

bool is_cuda(const compofa_context* c) { return c->backend == COMPOFA_BACKEND_CUDA; }

compofa_stream* stream_of(const compofa_stream* s) {
    require_handle(s, HandleKind::stream, "stream");
    return const_cast<compofa_stream*>(s);
}

compofa_event* event_of(const compofa_event* e, const char* what) {
    require_handle(e, HandleKind::event, what);
    return const_cast<compofa_event*>(e);
}

compofa_stream* make_stream(compofa_context* c, void* native, bool owned) {
    auto* s = new compofa_stream{c, native, owned};
    register_handle(s, HandleKind::stream);
    c->children++;
    return s;
}

}  // namespace

extern "C" {

int32_t compofa_stream_create(compofa_context* ctx, compofa_stream** out) {
    return guarded(__func__, [&] {
        if (out == nullptr) fail(COMPOFA_ERR_INVALID_ARGUMENT, "out must not be NULL");
        *out = nullptr;
        compofa_context* c = context_of(ctx);
        void* native = is_cuda(c) ? cuda::stream_create(c->device) : nullptr;
        *out = make_stream(c, native, true);
    });
}

int32_t compofa_stream_wrap(compofa_context* ctx, void* native_stream, compofa_stream** out) {
    return guarded(__func__, [&] {
        if (out == nullptr) fail(COMPOFA_ERR_INVALID_ARGUMENT, "out must not be NULL");
        *out = nullptr;
        compofa_context* c = context_of(ctx);
        if (!is_cuda(c) && native_stream != nullptr)
            fail(COMPOFA_ERR_WRONG_BACKEND, "only CUDA contexts can wrap a native stream (host backends run synchronously)");
        *out = make_stream(c, native_stream, false);  // NULL on CUDA wraps the legacy default stream
    });
}

int32_t compofa_stream_destroy(compofa_stream* stream) {
    return guarded(__func__, [&] {
        compofa_stream* s = stream_of(stream);
        unregister_handle(s);
        if (s->owned && s->native != nullptr) cuda::stream_destroy(s->ctx->device, s->native);
        s->ctx->children--;
        delete s;
    });
}

int32_t compofa_stream_synchronize(compofa_stream* stream) {
    return guarded(__func__, [&] {
        compofa_stream* s = stream_of(stream);
        if (is_cuda(s->ctx)) cuda::stream_synchronize(s->ctx->device, s->native);
    });
}

int32_t compofa_stream_native(const compofa_stream* stream, void** native_stream) {
    return guarded(__func__, [&] {
        if (native_stream == nullptr) fail(COMPOFA_ERR_INVALID_ARGUMENT, "native_stream must not be NULL");
        *native_stream = stream_of(stream)->native;
    });
}

int32_t compofa_event_create(compofa_context* ctx, compofa_event** out) {
    return guarded(__func__, [&] {
        if (out == nullptr) fail(COMPOFA_ERR_INVALID_ARGUMENT, "out must not be NULL");
        *out = nullptr;
        compofa_context* c = context_of(ctx);
        auto* e = new compofa_event();
        e->ctx = c;
        try {
            e->native = is_cuda(c) ? cuda::event_create(c->device) : nullptr;
        } catch (...) {
            delete e;
            throw;
        }
        register_handle(e, HandleKind::event);
        c->children++;
        *out = e;
    });
}

int32_t compofa_event_destroy(compofa_event* event) {
    return guarded(__func__, [&] {
        compofa_event* e = event_of(event, "event");
        unregister_handle(e);
        if (e->native != nullptr) cuda::event_destroy(e->ctx->device, e->native);
        e->ctx->children--;
        delete e;
    });
}

int32_t compofa_event_record(compofa_event* event, compofa_stream* stream) {
    return guarded(__func__, [&] {
        compofa_event* e = event_of(event, "event");
        void* native = native_stream_of(e->ctx, stream);
        if (is_cuda(e->ctx)) cuda::event_record(e->ctx->device, e->native, native);
        else e->host_time = std::chrono::steady_clock::now();
        e->recorded = true;
    });
}

int32_t compofa_event_synchronize(compofa_event* event) {
    return guarded(__func__, [&] {
        compofa_event* e = event_of(event, "event");
        if (!e->recorded) fail(COMPOFA_ERR_INVALID_ARGUMENT, "event was never recorded");
        if (is_cuda(e->ctx)) cuda::event_synchronize(e->ctx->device, e->native);
    });
}

int32_t compofa_event_elapsed_ms(const compofa_event* start, const compofa_event* end, float* ms) {
    return guarded(__func__, [&] {
        if (ms == nullptr) fail(COMPOFA_ERR_INVALID_ARGUMENT, "ms must not be NULL");
        compofa_event* a = event_of(start, "start");
        compofa_event* b = event_of(end, "end");
        if (a->ctx != b->ctx) fail(COMPOFA_ERR_INVALID_ARGUMENT, "start and end belong to different contexts");
        if (!a->recorded || !b->recorded) fail(COMPOFA_ERR_INVALID_ARGUMENT, "both events must be recorded first");
        if (is_cuda(a->ctx)) {
            cuda::event_synchronize(b->ctx->device, b->native);
            *ms = cuda::event_elapsed_ms(a->native, b->native);
        } else {
            *ms = std::chrono::duration<float, std::milli>(b->host_time - a->host_time).count();
        }
    });
}

}  // extern "C"
