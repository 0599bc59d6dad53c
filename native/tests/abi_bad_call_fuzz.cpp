// Sprays bad arguments at the ABI's op entry points on REFERENCE and CPU. Each op starts from a small
// valid call (checked to return OK, so the corruptions are not vacuous); every trial corrupts one to
// three of its arguments with values that are bad by the documented rules (a NULL required pointer, a
// length below what the op needs, a size <= 0 or far beyond the buffers, an out-of-range option or
// float, a dead, fake or foreign handle) and must get a clean refusal: a status that names the fault
// and a message, never OK, never INTERNAL, never a crash. Buffers are fenced (fuzz_support.h).
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "compofa.h"
#include "abi_bad_call_spec.h"
#include "fuzz_support.h"

using namespace bad_call;

namespace {

struct Handles {
    compofa_context* live[2];   // REFERENCE, CPU
    compofa_context* other;     // for foreign streams
    compofa_stream* foreign;    // a stream of `other`
    compofa_context* dead;      // destroyed
};
int g_fake_handle = 0;

long g_calls = 0, g_failures = 0;

void failure(const std::string& what, const std::string& detail) {
    if (++g_failures <= 20) std::printf("FAIL %s: %s\n  last error: %s\n", what.c_str(), detail.c_str(), compofa_last_error());
}

std::string show(const Spec& s, const Vals& v) {
    std::string out = s.name + " v=[";
    for (int k = 0; k < s.nv; ++k) out += std::to_string(v.v[k]) + (k + 1 < s.nv ? "," : "");
    out += "] f=[";
    for (int k = 0; k < s.nf; ++k) out += std::to_string(v.f[k]) + (k + 1 < s.nf ? "," : "");
    out += "] null=[";
    for (int k = 0; k < s.np; ++k) out += v.p[k] == nullptr ? "1" : "0";
    char h[96];
    std::snprintf(h, sizeof h, "] ctx=%p stream=%p", (void*)v.ctx, (void*)v.stream);
    return out + h;
}

void corrupt(const Mutation& m, Vals& v, const Spec& s, const Handles& h, fuzz::Rng& r) {
    switch (m.kind) {
        case Mutation::kValue: v.v[m.index] = (*m.values)[r.below(m.values->size())]; break;
        case Mutation::kShortLen: v.v[m.index] = (int64_t)r.below(s.base.u64(m.index)); break;
        case Mutation::kFloat: v.f[m.index] = m.floats[r.below(m.floats.size())]; break;
        case Mutation::kNull: v.p[m.index] = nullptr; break;
        case Mutation::kContext: {
            compofa_context* bad[] = {nullptr, h.dead, reinterpret_cast<compofa_context*>(&g_fake_handle),
                                      reinterpret_cast<compofa_context*>(h.foreign)};
            v.ctx = r.pick(bad);
            break;
        }
        case Mutation::kStream: {
            compofa_stream* bad[] = {h.foreign, reinterpret_cast<compofa_stream*>(&g_fake_handle),
                                     reinterpret_cast<compofa_stream*>(h.other)};
            v.stream = r.pick(bad);
            break;
        }
    }
}

int32_t run(const Spec& s, const Vals& v) {
    std::snprintf(fuzz::g_call, sizeof fuzz::g_call, "%s", show(s, v).c_str());
    compofa_clear_error();
    ++g_calls;
    return s.call(v);
}

void spray(Spec& s, compofa_context* ctx, const Handles& h, fuzz::Rng& r, long trials) {
    s.base.ctx = ctx;
    const long failures_before = g_failures;
    if (s.takes_context && (s.mutations.empty() || s.mutations.front().kind != Mutation::kContext)) {
        s.mutations.insert(s.mutations.begin(), {Mutation{Mutation::kContext, 0}, Mutation{Mutation::kStream, 0}});
    }
    if (const int32_t st = run(s, s.base); st != COMPOFA_OK) {
        failure("base call refused (test bug)", show(s, s.base));
        return;
    }
    for (long t = 0; t < trials; ++t) {
        Vals v = s.base;
        const int n = 1 + (int)r.below(3);
        for (int k = 0; k < n; ++k) corrupt(s.mutations[r.below(s.mutations.size())], v, s, h, r);
        const int32_t st = run(s, v);
        if (st == COMPOFA_OK)
            failure("bad call returned OK", show(s, v));
        else if (st != COMPOFA_ERR_INVALID_ARGUMENT && st != COMPOFA_ERR_BUFFER_TOO_SMALL &&
                 st != COMPOFA_ERR_INVALID_HANDLE)
            failure(std::string("refused with ") + compofa_status_name(st), show(s, v));
        else if (compofa_last_error()[0] == '\0')
            failure("refused without a message", show(s, v));
    }
    if (run(s, s.base) != COMPOFA_OK) failure("base call refused after the trials", show(s, s.base));
    if (g_failures > failures_before)
        std::printf("  %s (context %p): %ld failures\n", s.name.c_str(), (void*)ctx, g_failures - failures_before);
}

// Entry points without an op context: NULL outputs, bad backends, fake and dead handles.
void handle_calls(const Handles& h) {
    compofa_context* out = nullptr;
    compofa_stream* stream_out = nullptr;
    compofa_buffer* buf = nullptr;
    compofa_event* ev = nullptr;
    float ms = 0.0f;
    void* addr = nullptr;
    uint64_t bytes = 0;
    auto* fake_ctx = reinterpret_cast<compofa_context*>(&g_fake_handle);
    auto* fake_buf = reinterpret_cast<compofa_buffer*>(&g_fake_handle);
    auto* fake_ev = reinterpret_cast<compofa_event*>(&g_fake_handle);
    const struct {
        const char* what;
        std::function<int32_t()> call;
    } calls[] = {
        {"context_create bad backend", [&] { return compofa_context_create(77, 0, &out); }},
        {"context_create negative backend", [&] { return compofa_context_create(-1, 0, &out); }},
        {"context_create NULL out", [&] { return compofa_context_create(COMPOFA_BACKEND_CPU, 0, nullptr); }},
        {"context_destroy dead", [&] { return compofa_context_destroy(h.dead); }},
        {"context_destroy fake", [&] { return compofa_context_destroy(fake_ctx); }},
        {"context_synchronize NULL", [&] { return compofa_context_synchronize(nullptr); }},
        {"context_set_precision bad", [&] { return compofa_context_set_precision(h.live[1], 77); }},
        {"context_set_gemm_library bad", [&] { return compofa_context_set_gemm_library(h.live[1], -1); }},
        {"buffer_alloc NULL out", [&] { return compofa_buffer_alloc(h.live[1], 64, nullptr); }},
        {"buffer_alloc zero bytes", [&] { return compofa_buffer_alloc(h.live[1], 0, &buf); }},
        {"buffer_alloc UINT64_MAX bytes", [&] { return compofa_buffer_alloc(h.live[1], UINT64_MAX, &buf); }},
        {"buffer_alloc dead context", [&] { return compofa_buffer_alloc(h.dead, 64, &buf); }},
        {"buffer_free fake", [&] { return compofa_buffer_free(fake_buf); }},
        {"buffer_address fake", [&] { return compofa_buffer_address(fake_buf, &addr, &bytes); }},
        {"copy_to_buffer fake", [&] { return compofa_copy_to_buffer(fake_buf, 0, &ms, 4, nullptr); }},
        {"stream_create NULL out", [&] { return compofa_stream_create(h.live[0], nullptr); }},
        {"stream_create dead context", [&] { return compofa_stream_create(h.dead, &stream_out); }},
        {"stream_destroy context as stream",
         [&] { return compofa_stream_destroy(reinterpret_cast<compofa_stream*>(h.live[0])); }},
        {"event_create NULL out", [&] { return compofa_event_create(h.live[0], nullptr); }},
        {"event_record fake", [&] { return compofa_event_record(fake_ev, nullptr); }},
        {"event_elapsed_ms NULL", [&] { return compofa_event_elapsed_ms(nullptr, nullptr, &ms); }},
        {"event_elapsed_ms fake", [&] { return compofa_event_elapsed_ms(fake_ev, fake_ev, &ms); }},
    };
    for (const auto& c : calls) {
        std::snprintf(fuzz::g_call, sizeof fuzz::g_call, "%s", c.what);
        compofa_clear_error();
        ++g_calls;
        const int32_t st = c.call();
        if (st == COMPOFA_OK || st == COMPOFA_ERR_INTERNAL || compofa_last_error()[0] == '\0')
            failure(std::string("not a clean refusal (") + compofa_status_name(st) + ")", c.what);
    }
    (void)ev;
}

// Copies into and out of a real 64-byte buffer with ranges that wrap or run past its end.
void buffer_ranges(const Handles& h, fuzz::Rng& r, long trials) {
    compofa_buffer* buf = nullptr;
    if (compofa_buffer_alloc(h.live[1], 64, &buf) != COMPOFA_OK) {
        failure("buffer_alloc(64)", compofa_last_error());
        return;
    }
    static const uint64_t offsets[] = {UINT64_MAX, UINT64_MAX - 7, uint64_t(1) << 63, 57, 64, 65};
    static const uint64_t sizes[] = {0, UINT64_MAX, UINT64_MAX - 7, 65, uint64_t(1) << 63};
    char host[128] = {};
    for (long t = 0; t < trials; ++t) {
        // Either the offset or the size is bad; the other may be anything small.
        const bool bad_offset = r.chance(0.5);
        const uint64_t off = bad_offset ? r.pick(offsets) : r.below(8);
        const uint64_t n = bad_offset ? 8 + r.below(8) : r.pick(sizes);
        std::snprintf(fuzz::g_call, sizeof fuzz::g_call, "buffer copy offset=%llu bytes=%llu",
                      (unsigned long long)off, (unsigned long long)n);
        compofa_clear_error();
        g_calls += 2;
        const int32_t a = compofa_copy_to_buffer(buf, off, host, n, nullptr);
        const int32_t b = compofa_copy_from_buffer(buf, off, host, n, nullptr);
        if (a == COMPOFA_OK || b == COMPOFA_OK) failure("out-of-range buffer copy returned OK", fuzz::g_call);
    }
    compofa_buffer_free(buf);
}

}  // namespace

int main(int argc, char** argv) {
    fuzz::install_crash_reporter();
    fuzz::Rng rng(fuzz::seed_from(argc, argv, 20261202));
    const long trials = fuzz::iterations_from(argc, argv, 4000);
    Handles h{};
    bool ok = compofa_context_create(COMPOFA_BACKEND_REFERENCE, 0, &h.live[0]) == COMPOFA_OK &&
              compofa_context_create(COMPOFA_BACKEND_CPU, 0, &h.live[1]) == COMPOFA_OK &&
              compofa_context_create(COMPOFA_BACKEND_CPU, 0, &h.other) == COMPOFA_OK &&
              compofa_stream_create(h.other, &h.foreign) == COMPOFA_OK &&
              compofa_context_create(COMPOFA_BACKEND_CPU, 0, &h.dead) == COMPOFA_OK &&
              compofa_context_destroy(h.dead) == COMPOFA_OK;  // created last, so no live handle reuses it
    if (!ok) {
        std::printf("FAIL setting up contexts: %s\n", compofa_last_error());
        return 1;
    }
    std::vector<Spec> specs = make_specs(rng);
    for (compofa_context* ctx : h.live)
        for (Spec& s : specs) spray(s, ctx, h, rng, trials);
    handle_calls(h);
    buffer_ranges(h, rng, trials);
    std::printf("bad-call fuzz: %zu ops x 2 backends, %ld calls, %ld failures, 0 crashes\n", specs.size(), g_calls,
                g_failures);
    compofa_stream_destroy(h.foreign);
    for (compofa_context* c : {h.live[0], h.live[1], h.other}) compofa_context_destroy(c);
    return g_failures == 0 ? 0 : 1;
}
