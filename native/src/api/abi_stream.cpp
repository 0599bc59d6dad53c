// ABI entry points of streams and timing events. On the host backends ops are synchronous, so a
// stream is a no-op handle and an event is a steady-clock reading.
#include <chrono>
#include <memory>
#include <string>

#include "api/barrier.h"
#include "api/handles.h"
#include "cuda/cuda_services.h"

using namespace compofa;

namespace {

bool is_cuda(const compofa_context* c) { return c->backend == COMPOFA_BACKEND_CUDA; }

compofa_stream* make_stream(compofa_context* c, void* native, bool owned) {
    auto s = std::make_unique<compofa_stream>(compofa_stream{c, native, owned});
    auto* token = static_cast<compofa_stream*>(register_handle(s.get(), HandleKind::stream));
    s.release();
    c->children++;
    return token;
}

}  // namespace

extern "C" {

int32_t compofa_stream_create(compofa_context* ctx, compofa_stream** out) {
    return guarded(__func__, [&] {
        if (out == nullptr) fail(COMPOFA_ERR_INVALID_ARGUMENT, "out must not be NULL");
        *out = nullptr;
        compofa_context* c = context_of(ctx);
        void* native = is_cuda(c) ? cuda::stream_create(c->device) : nullptr;
        try {
            *out = make_stream(c, native, true);
        } catch (...) {
            if (native != nullptr) cuda::stream_destroy(c->device, native);
            throw;
        }
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
        Destroying destroying(stream, HandleKind::stream, "stream");  // BUSY while a call uses it
        std::unique_ptr<compofa_stream> s(static_cast<compofa_stream*>(destroying.object()));
        destroying.commit();
        compofa_context* c = s->ctx;
        const int32_t device = c->device;
        void* native = s->owned ? s->native : nullptr;
        s.reset();
        c->children--;  // the last use of c (it may be destroyed from here on), before a failing destroy
        if (native != nullptr) cuda::stream_destroy(device, native);
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
        try {
            *out = static_cast<compofa_event*>(register_handle(e, HandleKind::event));
        } catch (...) {
            if (e->native != nullptr) cuda::event_destroy(c->device, e->native);
            delete e;
            throw;
        }
        c->children++;
    });
}

int32_t compofa_event_destroy(compofa_event* event) {
    return guarded(__func__, [&] {
        Destroying destroying(event, HandleKind::event, "event");  // BUSY while a call uses it
        std::unique_ptr<compofa_event> e(static_cast<compofa_event*>(destroying.object()));
        destroying.commit();
        compofa_context* c = e->ctx;
        const int32_t device = c->device;
        void* native = e->native;
        e.reset();
        c->children--;  // the last use of c (it may be destroyed from here on), before a failing destroy
        if (native != nullptr) cuda::event_destroy(device, native);
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
