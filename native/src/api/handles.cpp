#include "api/handles.h"

#include <mutex>
#include <string>
#include <unordered_map>

#include "common/error.h"

namespace compofa {

namespace {
std::mutex g_mutex;
std::unordered_map<const void*, HandleKind>& live() {
    static auto* map = new std::unordered_map<const void*, HandleKind>();  // never destroyed: safe at exit
    return *map;
}
}  // namespace

void register_handle(const void* handle, HandleKind kind) {
    std::lock_guard<std::mutex> lock(g_mutex);
    live()[handle] = kind;
}

void unregister_handle(const void* handle) {
    std::lock_guard<std::mutex> lock(g_mutex);
    live().erase(handle);
}

void require_handle(const void* handle, HandleKind kind, const char* what) {
    if (handle == nullptr) fail(COMPOFA_ERR_INVALID_HANDLE, std::string(what) + " is NULL");
    std::lock_guard<std::mutex> lock(g_mutex);
    auto it = live().find(handle);
    if (it == live().end())
        fail(COMPOFA_ERR_INVALID_HANDLE, std::string(what) + " is not a live handle (already destroyed, or never created by compofa)");
    if (it->second != kind)
        fail(COMPOFA_ERR_INVALID_HANDLE, std::string(what) + " is a handle of another kind");
}

compofa_context* context_of(const compofa_context* ctx) {
    require_handle(ctx, HandleKind::context, "context");
    return const_cast<compofa_context*>(ctx);
}

compofa_buffer* buffer_of(const compofa_buffer* buffer, const char* what) {
    require_handle(buffer, HandleKind::buffer, what);
    return const_cast<compofa_buffer*>(buffer);
}

void* native_stream_of(compofa_context* ctx, const compofa_stream* stream) {
    if (stream == nullptr) return ctx->default_stream;
    require_handle(stream, HandleKind::stream, "stream");
    if (stream->ctx != ctx)
        fail(COMPOFA_ERR_INVALID_ARGUMENT, "stream belongs to another context; use a stream created from (or wrapped for) this context, or NULL");
    return stream->native;
}

}  // namespace compofa
