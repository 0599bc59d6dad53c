#include "api/handles.h"

#include <mutex>
#include <string>
#include <vector>

#include "common/error.h"

namespace compofa {

namespace {

static_assert(sizeof(void*) == 8, "handle tokens need 64-bit pointers");

// Token: [kind:8][generation:32][slot:24].
constexpr uint32_t kSlotBits = 24;
constexpr uint64_t kSlotMask = (uint64_t(1) << kSlotBits) - 1;
constexpr int kTokenGenShift = 24;
constexpr int kTokenKindShift = 56;

// Slot state: [generation:32][kind:3][closing:1][pins:28]; kind 0 = free (or retired).
constexpr uint64_t kPinMask = (uint64_t(1) << 28) - 1;
constexpr uint64_t kClosing = uint64_t(1) << 28;
constexpr int kStateKindShift = 29;
constexpr int kStateGenShift = 32;
constexpr uint64_t kLastGeneration = 0xffffffffu;
constexpr uint64_t kRetired = kLastGeneration << kStateGenShift;  // kind 0, never on the free list

// Slots live in chunks that are allocated once and never moved or freed, so a lookup reads them
// without a lock while other threads register handles.
constexpr uint32_t kChunkBits = 10;
constexpr uint32_t kChunkSize = uint32_t(1) << kChunkBits;
constexpr uint32_t kChunks = uint32_t(1) << (kSlotBits - kChunkBits);

struct alignas(64) Slot {  // one cache line each: threads pinning different handles do not collide
    std::atomic<uint64_t> state{0};
    std::atomic<void*> object{nullptr};
};

std::atomic<Slot*> g_chunks[kChunks];  // zero-initialised; chunks are never destroyed (safe at exit)
std::mutex g_mutex;                    // guards g_next, the free list and chunk allocation
uint32_t g_next = 0;                   // slots [0, g_next) have been handed out at least once

std::vector<uint32_t>& free_slots() {
    static auto* slots = new std::vector<uint32_t>();  // never destroyed: safe at exit
    return *slots;
}

// The pins of the calls running on this thread (an ABI call pins at most a few handles). Plain
// integers, so the thread-local needs no initialisation guard.
constexpr uint32_t kMaxPins = 8;
struct Pins {
    uint32_t count;
    uint32_t slot[kMaxPins];
};
thread_local Pins t_pins;

struct Token {
    uint32_t kind;
    uint32_t generation;
    uint32_t slot;
};

Token decode(const void* token) {
    uint64_t v = reinterpret_cast<uintptr_t>(token);
    return {uint32_t(v >> kTokenKindShift), uint32_t(v >> kTokenGenShift), uint32_t(v & kSlotMask)};
}

Slot* slot_at(uint32_t index) {
    Slot* chunk = g_chunks[index >> kChunkBits].load(std::memory_order_acquire);
    return chunk == nullptr ? nullptr : &chunk[index & (kChunkSize - 1)];
}

uint64_t live_bits(uint32_t generation, uint32_t kind) {
    return (uint64_t(generation) << kStateGenShift) | (uint64_t(kind) << kStateKindShift);
}

const char* kind_name(uint32_t kind) {
    switch (kind) {
        case uint32_t(HandleKind::context): return "context";
        case uint32_t(HandleKind::buffer): return "buffer";
        case uint32_t(HandleKind::stream): return "stream";
        case uint32_t(HandleKind::event): return "event";
        case uint32_t(HandleKind::comm): return "communicator";
        default: return "unknown";
    }
}

[[noreturn]] void fail_not_live(const char* what) {
    fail(COMPOFA_ERR_INVALID_HANDLE,
         std::string(what) + " is not a live handle (already destroyed, or never created by compofa)");
}

// The slot of a token of `kind` that is live now (its state at the time of the check in *state).
Slot* live_slot(const void* token, HandleKind kind, const char* what, Token* t, uint64_t* state) {
    if (token == nullptr) fail(COMPOFA_ERR_INVALID_HANDLE, std::string(what) + " is NULL");
    *t = decode(token);
    Slot* s = slot_at(t->slot);
    if (s == nullptr) fail_not_live(what);
    *state = s->state.load(std::memory_order_acquire);
    if (t->kind != uint32_t(kind)) {
        if ((*state & ~(kPinMask | kClosing)) == live_bits(t->generation, t->kind))
            fail(COMPOFA_ERR_INVALID_HANDLE, std::string(what) + " is a handle of another kind (a " +
                                                 kind_name(t->kind) + "); this argument takes a " + kind_name(uint32_t(kind)));
        fail_not_live(what);
    }
    return s;
}

// Moves the state of the live slot of `token` by compare-and-swap: `next` checks the state seen
// (failing with its own message) and returns the state to store; retried while others change it.
template <class Next>
Slot* update_live(const void* token, HandleKind kind, const char* what, Token* t, Next next) {
    uint64_t state;
    Slot* s = live_slot(token, kind, what, t, &state);
    const uint64_t live = live_bits(t->generation, t->kind);
    for (;;) {
        if ((state & ~(kPinMask | kClosing)) != live) fail_not_live(what);
        const uint64_t to = next(state);
        if (s->state.compare_exchange_weak(state, to, std::memory_order_acq_rel, std::memory_order_acquire)) return s;
    }
}

}  // namespace

void* register_handle(void* object, HandleKind kind) {
    uint32_t index;
    {
        std::lock_guard<std::mutex> lock(g_mutex);
        auto& slots = free_slots();
        if (!slots.empty()) {
            index = slots.back();  // newest first: a reused slot is the common case, not a rare one
            slots.pop_back();
        } else {
            if (g_next == kChunks * kChunkSize)
                fail(COMPOFA_ERR_OUT_OF_MEMORY, "more than 2^24 live handles; destroy some first");
            index = g_next;
            std::atomic<Slot*>& chunk = g_chunks[index >> kChunkBits];
            if (chunk.load(std::memory_order_relaxed) == nullptr) chunk.store(new Slot[kChunkSize], std::memory_order_release);
            g_next++;
        }
    }
    Slot* s = slot_at(index);
    const uint32_t generation = uint32_t(s->state.load(std::memory_order_relaxed) >> kStateGenShift);
    s->object.store(object, std::memory_order_relaxed);
    s->state.store(live_bits(generation, uint32_t(kind)), std::memory_order_release);
    return reinterpret_cast<void*>((uint64_t(kind) << kTokenKindShift) | (uint64_t(generation) << kTokenGenShift) |
                                   index);
}

void* pin_handle(const void* token, HandleKind kind, const char* what) {
    Token t;
    Slot* s = update_live(token, kind, what, &t, [what](uint64_t state) {
        if (state & kClosing) fail(COMPOFA_ERR_INVALID_HANDLE, std::string(what) + " is being destroyed");
        if ((state & kPinMask) == kPinMask) fail(COMPOFA_ERR_INTERNAL, std::string(what) + ": too many calls pin it");
        return state + 1;
    });
    Pins& pins = t_pins;
    if (pins.count == kMaxPins) {
        s->state.fetch_sub(1, std::memory_order_release);
        fail(COMPOFA_ERR_INTERNAL, std::string(what) + ": one call pins more than 8 handles");
    }
    pins.slot[pins.count++] = t.slot;
    return s->object.load(std::memory_order_acquire);  // stable while pinned: destroy needs 0 pins
}

uint32_t pin_mark() { return t_pins.count; }

void release_pins_since(uint32_t mark) {
    Pins& pins = t_pins;
    while (pins.count > mark) slot_at(pins.slot[--pins.count])->state.fetch_sub(1, std::memory_order_release);
}

Destroying::Destroying(const void* token, HandleKind kind, const char* what) {
    Token t;
    Slot* s = update_live(token, kind, what, &t, [what](uint64_t state) {
        if (state & kClosing) fail(COMPOFA_ERR_INVALID_HANDLE, std::string(what) + " is being destroyed by another call");
        if (uint64_t pins = state & kPinMask)
            fail(COMPOFA_ERR_BUSY, std::string(what) + " is in use by " + std::to_string(pins) +
                                       " running call(s) on other threads; destroy it after they return");
        return state | kClosing;
    });
    slot_ = t.slot;
    object_ = s->object.load(std::memory_order_acquire);
}

void Destroying::commit() {
    Slot* s = slot_at(slot_);
    const uint64_t generation = s->state.load(std::memory_order_relaxed) >> kStateGenShift;
    s->object.store(nullptr, std::memory_order_relaxed);
    committed_ = true;
    if (generation == kLastGeneration) {  // the next generation would wrap and reissue old tokens
        s->state.store(kRetired, std::memory_order_release);
        return;
    }
    s->state.store((generation + 1) << kStateGenShift, std::memory_order_release);
    std::lock_guard<std::mutex> lock(g_mutex);
    free_slots().push_back(slot_);
}

Destroying::~Destroying() {
    if (!committed_) slot_at(slot_)->state.fetch_and(~kClosing, std::memory_order_release);
}

compofa_context* context_of(const compofa_context* ctx) {
    return static_cast<compofa_context*>(pin_handle(ctx, HandleKind::context, "context"));
}

compofa_buffer* buffer_of(const compofa_buffer* buffer, const char* what) {
    return static_cast<compofa_buffer*>(pin_handle(buffer, HandleKind::buffer, what));
}

compofa_stream* stream_of(const compofa_stream* stream) {
    return static_cast<compofa_stream*>(pin_handle(stream, HandleKind::stream, "stream"));
}

compofa_event* event_of(const compofa_event* event, const char* what) {
    return static_cast<compofa_event*>(pin_handle(event, HandleKind::event, what));
}

compofa_comm* comm_of(const compofa_comm* comm) {
    return static_cast<compofa_comm*>(pin_handle(comm, HandleKind::comm, "communicator"));
}

void* native_stream_of(compofa_context* ctx, const compofa_stream* stream) {
    if (stream == nullptr) return ctx->default_stream;
    compofa_stream* s = stream_of(stream);
    if (s->ctx != ctx)
        fail(COMPOFA_ERR_INVALID_ARGUMENT, "stream belongs to another context; use a stream created from (or wrapped for) this context, or NULL");
    return s->native;
}

}  // namespace compofa
