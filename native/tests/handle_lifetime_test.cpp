// Handle lifetimes through the public ABI (CPU backend):
// - a destroyed handle's value is never issued again and keeps giving COMPOFA_ERR_INVALID_HANDLE,
//   however many handles are created after it (with raw addresses as handles, the allocator hands the
//   freed address to the next object almost at once);
// - destroying a buffer or context while another thread runs calls on it gives OK or COMPOFA_ERR_BUSY,
//   never a crash; the running calls give OK (with right results) or INVALID_HANDLE once it is gone.
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "compofa.h"

namespace {

int failures = 0;

void expect(bool ok, const std::string& what) {
    if (!ok) {
        std::printf("FAIL %s (last error: %s)\n", what.c_str(), compofa_last_error());
        failures++;
    }
}

constexpr int kRounds = 3000;

void destroyed_tokens_stay_invalid() {
    std::set<const void*> issued;
    compofa_context* ctx = nullptr;
    expect(compofa_context_create(COMPOFA_BACKEND_CPU, 0, &ctx) == COMPOFA_OK, "context_create");
    issued.insert(ctx);
    int32_t backend = -1;
    for (int round = 0; round < kRounds; round++) {
        compofa_buffer* old_buffer = nullptr;
        compofa_stream* old_stream = nullptr;
        compofa_event* old_event = nullptr;
        compofa_context* old_ctx = nullptr;
        expect(compofa_buffer_alloc(ctx, 64 + round % 7, &old_buffer) == COMPOFA_OK, "buffer_alloc");
        expect(compofa_stream_create(ctx, &old_stream) == COMPOFA_OK, "stream_create");
        expect(compofa_event_create(ctx, &old_event) == COMPOFA_OK, "event_create");
        expect(compofa_context_create(COMPOFA_BACKEND_REFERENCE, 0, &old_ctx) == COMPOFA_OK, "context_create");
        expect(compofa_buffer_free(old_buffer) == COMPOFA_OK, "buffer_free");
        expect(compofa_stream_destroy(old_stream) == COMPOFA_OK, "stream_destroy");
        expect(compofa_event_destroy(old_event) == COMPOFA_OK, "event_destroy");
        expect(compofa_context_destroy(old_ctx) == COMPOFA_OK, "context_destroy");

        compofa_buffer* buffer = nullptr;
        compofa_stream* stream = nullptr;
        compofa_event* event = nullptr;
        compofa_context* other = nullptr;
        expect(compofa_buffer_alloc(ctx, 64 + round % 7, &buffer) == COMPOFA_OK, "buffer_alloc again");
        expect(compofa_stream_create(ctx, &stream) == COMPOFA_OK, "stream_create again");
        expect(compofa_event_create(ctx, &event) == COMPOFA_OK, "event_create again");
        expect(compofa_context_create(COMPOFA_BACKEND_REFERENCE, 0, &other) == COMPOFA_OK, "context_create again");
        for (const void* h : {(const void*)old_buffer, (const void*)old_stream, (const void*)old_event,
                              (const void*)old_ctx, (const void*)buffer, (const void*)stream, (const void*)event,
                              (const void*)other})
            expect(issued.insert(h).second, "round " + std::to_string(round) + ": a handle value was issued twice");

        void* address = nullptr;
        uint64_t bytes = 0;
        expect(compofa_buffer_address(old_buffer, &address, &bytes) == COMPOFA_ERR_INVALID_HANDLE,
               "a freed buffer's handle is refused after new buffers were made");
        expect(compofa_stream_synchronize(old_stream) == COMPOFA_ERR_INVALID_HANDLE, "a destroyed stream is refused");
        expect(compofa_event_record(old_event, nullptr) == COMPOFA_ERR_INVALID_HANDLE, "a destroyed event is refused");
        expect(compofa_context_backend(old_ctx, &backend) == COMPOFA_ERR_INVALID_HANDLE,
               "a destroyed context is refused");
        expect(compofa_buffer_free(old_buffer) == COMPOFA_ERR_INVALID_HANDLE, "a double free is refused");
        expect(compofa_buffer_address(buffer, &address, &bytes) == COMPOFA_OK && bytes == uint64_t(64 + round % 7),
               "the new buffer works");
        expect(compofa_context_backend(other, &backend) == COMPOFA_OK && backend == COMPOFA_BACKEND_REFERENCE,
               "the new context works");

        expect(compofa_buffer_free(buffer) == COMPOFA_OK, "buffer_free");
        expect(compofa_stream_destroy(stream) == COMPOFA_OK, "stream_destroy");
        expect(compofa_event_destroy(event) == COMPOFA_OK, "event_destroy");
        expect(compofa_context_destroy(other) == COMPOFA_OK, "context_destroy");
        if (failures > 20) break;
    }
    expect(compofa_context_destroy(ctx) == COMPOFA_OK, "context_destroy");
}

constexpr uint64_t kBig = uint64_t(2) << 20;  // bytes: each copy takes a while, so destroys meet running calls

// Thread A copies src -> dst again and again; the main thread frees src as soon as it is allowed.
void free_buffer_while_copied() {
    compofa_context* ctx = nullptr;
    expect(compofa_context_create(COMPOFA_BACKEND_CPU, 0, &ctx) == COMPOFA_OK, "context_create");
    compofa_buffer *src = nullptr, *dst = nullptr;
    expect(compofa_buffer_alloc(ctx, kBig, &src) == COMPOFA_OK, "alloc src");
    expect(compofa_buffer_alloc(ctx, kBig, &dst) == COMPOFA_OK, "alloc dst");
    std::vector<uint8_t> pattern(kBig);
    for (uint64_t i = 0; i < kBig; i++) pattern[i] = uint8_t(i * 2654435761u >> 13);
    expect(compofa_copy_to_buffer(src, 0, pattern.data(), kBig, nullptr) == COMPOFA_OK, "fill src");

    std::atomic<bool> started{false};
    std::atomic<int> ok{0}, invalid{0}, other{0};
    std::thread copier([&] {
        for (;;) {
            int32_t st = compofa_copy_buffer(dst, 0, src, 0, kBig, nullptr);
            started = true;
            if (st == COMPOFA_OK) ok++;
            else if (st == COMPOFA_ERR_INVALID_HANDLE) { invalid++; break; }
            else { other++; break; }
        }
    });
    while (!started) std::this_thread::yield();
    int busy = 0;
    for (;;) {
        int32_t st = compofa_buffer_free(src);
        if (st == COMPOFA_OK) break;
        if (st != COMPOFA_ERR_BUSY) {
            expect(false, "buffer_free during copies gives OK or BUSY, got " + std::to_string(st));
            break;
        }
        busy++;
    }
    copier.join();
    expect(other == 0, "copies racing a free give OK or INVALID_HANDLE only");
    expect(invalid == 1, "the copy after the free gives INVALID_HANDLE");
    std::vector<uint8_t> back(kBig);
    expect(compofa_copy_from_buffer(dst, 0, back.data(), kBig, nullptr) == COMPOFA_OK, "read dst");
    expect(ok == 0 || std::memcmp(back.data(), pattern.data(), kBig) == 0, "completed copies are right");
    std::printf("free during copies: %d copies, %d BUSY refusals\n", ok.load(), busy);
    expect(compofa_buffer_free(dst) == COMPOFA_OK, "free dst");
    expect(compofa_context_destroy(ctx) == COMPOFA_OK, "context_destroy");
}

// Thread A fills host memory (not a buffer) through the context; the main thread destroys the context.
void destroy_context_while_used() {
    compofa_context* ctx = nullptr;
    expect(compofa_context_create(COMPOFA_BACKEND_CPU, 0, &ctx) == COMPOFA_OK, "context_create");
    const uint64_t floats = kBig / 4;
    std::vector<float> host(floats, 0.0f);
    std::atomic<bool> started{false};
    std::atomic<int> ok{0}, invalid{0}, other{0};
    std::thread filler([&] {
        for (int i = 1;; i++) {
            int32_t st = compofa_fill(ctx, nullptr, host.data(), floats, float(i));
            started = true;
            if (st == COMPOFA_OK) {
                ok++;
                if (host[0] != float(i) || host[floats - 1] != float(i)) other++;
            } else if (st == COMPOFA_ERR_INVALID_HANDLE) { invalid++; break; }
            else { other++; break; }
        }
    });
    while (!started) std::this_thread::yield();
    for (;;) {
        int32_t st = compofa_context_destroy(ctx);
        if (st == COMPOFA_OK) break;
        if (st != COMPOFA_ERR_BUSY) {
            expect(false, "context_destroy during ops gives OK or BUSY, got " + std::to_string(st));
            break;
        }
    }
    filler.join();
    expect(other == 0, "fills racing a destroy give OK with right values, or INVALID_HANDLE");
    expect(invalid == 1, "the fill after the destroy gives INVALID_HANDLE");
}

}  // namespace

int main() {
    destroyed_tokens_stay_invalid();
    for (int rep = 0; rep < 5 && failures == 0; rep++) {
        free_buffer_while_copied();
        destroy_context_while_used();
    }
    if (failures != 0) {
        std::printf("%d failure(s)\n", failures);
        return 1;
    }
    std::printf("handle lifetimes: all checks passed\n");
    return 0;
}
