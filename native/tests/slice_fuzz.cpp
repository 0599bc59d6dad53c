// Fuzzes compofa_slice_gather and compofa_slice_scatter_add on REFERENCE and CPU with random extents,
// strides and offsets, small ones and huge, negative, overflowing and near-INT64 ones. For every call
// an oracle written from the documented rules (compofa.h) in 128-bit arithmetic says whether it must
// be accepted; the status must agree, and an accepted call must have touched exactly the offsets it
// names, each inside the declared buffers (checked one by one, and fenced by inaccessible pages).
// Values are multiples of 1/8 and alpha a power of two, so every sum is exact and compared bitwise.
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <vector>

#include "compofa.h"
#include "fuzz_support.h"

namespace {

using i128 = __int128;
constexpr uint64_t kMaxBuffer = 4096;  // floats; every buffer the fuzzer allocates is at most this

long g_calls = 0, g_accepted = 0, g_failures = 0;

void failure(const char* what) {
    if (++g_failures <= 20) std::printf("FAIL %s\n  call: %s\n  last error: %s\n", what, fuzz::g_call, compofa_last_error());
}

struct SliceCall {
    int32_t d0, d1, d2;
    int64_t s0, s1;
    uint64_t offset;
    uint64_t strided_len, contiguous_len;  // declared lengths, never more than allocated
    bool null_strided, null_contiguous;
    float alpha;
};

// The documented rules: extents >= 1, s1 >= d2, s0 >= (d1-1)*s1 + d2, offset + span within the strided
// buffer, d0*d1*d2 within the contiguous one, both pointers non-NULL. Exact, in 128 bits.
bool must_accept(const SliceCall& c) {
    if (c.null_strided || c.null_contiguous) return false;
    if (c.d0 < 1 || c.d1 < 1 || c.d2 < 1) return false;
    if (c.s1 < c.d2) return false;
    if ((i128)c.s0 < ((i128)c.d1 - 1) * c.s1 + c.d2) return false;
    const i128 span = ((i128)c.d0 - 1) * c.s0 + ((i128)c.d1 - 1) * c.s1 + c.d2;
    if ((i128)c.offset + span > (i128)c.strided_len) return false;
    return (i128)c.d0 * c.d1 * c.d2 <= (i128)c.contiguous_len;
}

int32_t pick_extent(fuzz::Rng& r) {
    static const int32_t odd[] = {0, -1, -3, INT32_MIN, INT32_MAX, INT32_MAX - 1, 1 << 20, 1 << 30, 65537};
    if (r.chance(0.75)) return (int32_t)r.range(1, 6);
    return r.chance(0.8) ? r.pick(odd) : (int32_t)r.next();
}

// Strides aimed at the overflow edges: wrap points of (d1-1)*s1, values that cancel, INT64 limits.
int64_t pick_stride(fuzz::Rng& r, int64_t rows_minus_1, int64_t other) {
    const int64_t near = r.range(-3, 3);
    // Wrapping (two's complement) arithmetic in uint64, so the generator itself has no overflow.
    const uint64_t wrap = rows_minus_1 > 0 ? ((uint64_t)1 << 63) / (uint64_t)rows_minus_1 : (uint64_t)INT64_MAX;
    auto wrapped = [](uint64_t v) { return (int64_t)v; };
    const int64_t odd[] = {0, 1, -1, INT64_MAX, INT64_MIN, INT64_MAX - near * near, INT64_MIN + near * near,
                           (int64_t(1) << 62) + (int64_t(1) << 40), -((int64_t(1) << 62) + (int64_t(1) << 40)),
                           (int64_t(1) << 62) + 1, int64_t(1) << 40, (int64_t(1) << 40) + 1, -(int64_t(1) << 40),
                           wrapped(wrap + (uint64_t)near), wrapped(0 - wrap + (uint64_t)near), wrapped(0 - (uint64_t)other),
                           (int64_t)r.next()};
    return r.pick(odd);
}

SliceCall random_call(fuzz::Rng& r) {
    SliceCall c{};
    c.d0 = pick_extent(r);
    c.d1 = pick_extent(r);
    c.d2 = pick_extent(r);
    const bool sane = r.chance(0.6);
    // A stride meeting its rule (plus a little slack) where that fits in int64, else an odd one.
    const i128 s1_min = (i128)c.d2, s1_sane = s1_min + r.range(0, 3);
    c.s1 = sane && s1_sane <= INT64_MAX ? (int64_t)s1_sane : pick_stride(r, (int64_t)c.d1 - 1, 0);
    const i128 s0_sane = ((i128)c.d1 - 1) * c.s1 + c.d2 + r.range(0, 3);
    if (sane && s0_sane >= INT64_MIN && s0_sane <= INT64_MAX && r.chance(0.9)) {
        c.s0 = (int64_t)s0_sane;
    } else if (r.chance(0.3)) {  // the minimum as int64 arithmetic would wrap it, +- a little
        c.s0 = (int64_t)((uint64_t)((int64_t)c.d1 - 1) * (uint64_t)c.s1 + (uint64_t)(int64_t)c.d2 + (uint64_t)r.range(-2, 2));
    } else {
        c.s0 = pick_stride(r, (int64_t)c.d0 - 1, c.s1);
    }
    static const uint64_t odd_offsets[] = {uint64_t(1) << 40, (uint64_t(1) << 40) + 1, UINT64_MAX, UINT64_MAX - 7,
                                           uint64_t(1) << 63, (uint64_t(1) << 62) + (uint64_t(1) << 40)};
    c.offset = r.chance(0.85) ? r.below(9) : r.chance(0.8) ? r.pick(odd_offsets) : r.next();
    // Buffer lengths: what the slice needs (sometimes a little short) when that is small, else small.
    const i128 span = ((i128)c.d0 - 1) * c.s0 + ((i128)c.d1 - 1) * c.s1 + c.d2;
    const i128 strided_need = (i128)c.offset + span, count = (i128)c.d0 * c.d1 * c.d2;
    auto length_for = [&](i128 need) -> uint64_t {
        if (need >= 1 && need <= (i128)kMaxBuffer - 3) {
            i128 len = need + r.range(0, 3) - (r.chance(0.2) ? r.range(1, 2) : 0);
            return (uint64_t)(len < 1 ? 1 : len);
        }
        return 1 + r.below(256);
    };
    c.strided_len = length_for(strided_need);
    c.contiguous_len = length_for(count);
    c.null_strided = r.chance(0.03);
    c.null_contiguous = r.chance(0.03);
    static const float alphas[] = {1.0f, -1.0f, 0.5f, -2.0f, 0.25f, 4.0f};
    c.alpha = r.pick(alphas);
    return c;
}

// A value k/8 with |k| <= 1024: sums and power-of-two multiples of these are exact in float.
float dyadic(fuzz::Rng& r) { return (float)r.range(-1024, 1024) / 8.0f; }

void describe(const char* op, int32_t backend, const SliceCall& c) {
    std::snprintf(fuzz::g_call, sizeof fuzz::g_call,
                  "%s backend=%d d=(%d,%d,%d) s0=%" PRId64 " s1=%" PRId64 " offset=%" PRIu64
                  " strided_len=%" PRIu64 "%s contiguous_len=%" PRIu64 "%s alpha=%g",
                  op, backend, c.d0, c.d1, c.d2, c.s0, c.s1, c.offset, c.strided_len, c.null_strided ? "(NULL)" : "",
                  c.contiguous_len, c.null_contiguous ? "(NULL)" : "", (double)c.alpha);
}

// The offset of strided element (i, j, l) after checking, in 128 bits, that it lies in the buffer.
bool strided_offset(const SliceCall& c, int32_t i, int32_t j, int32_t l, uint64_t* out) {
    const i128 o = (i128)c.offset + (i128)i * c.s0 + (i128)j * c.s1 + l;
    if (o < 0 || o >= (i128)c.strided_len) return false;
    *out = (uint64_t)o;
    return true;
}

bool same_bits(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0; }

void run_one(compofa_context* ctx, int32_t backend, fuzz::Rng& r, const SliceCall& c, bool scatter) {
    describe(scatter ? "scatter_add" : "gather", backend, c);
    fuzz::FencedFloats strided(c.strided_len), contiguous(c.contiguous_len);
    for (uint64_t i = 0; i < strided.size(); ++i) strided[i] = dyadic(r);
    for (uint64_t i = 0; i < contiguous.size(); ++i) contiguous[i] = dyadic(r);
    const std::vector<float> strided_before(strided.data(), strided.data() + strided.size());
    const std::vector<float> contiguous_before(contiguous.data(), contiguous.data() + contiguous.size());
    float* sp = c.null_strided ? nullptr : strided.data();
    float* cp = c.null_contiguous ? nullptr : contiguous.data();
    compofa_clear_error();
    ++g_calls;
    const int32_t status = scatter ? compofa_slice_scatter_add(ctx, nullptr, cp, c.contiguous_len, c.alpha, sp,
                                                               c.strided_len, c.offset, c.d0, c.d1, c.d2, c.s0, c.s1)
                                   : compofa_slice_gather(ctx, nullptr, sp, c.strided_len, c.offset, c.d0, c.d1, c.d2,
                                                          c.s0, c.s1, cp, c.contiguous_len);
    const bool accept = must_accept(c);
    if (status != COMPOFA_OK) {
        if (accept) failure("a call the rules allow was refused");
        if (status != COMPOFA_ERR_INVALID_ARGUMENT && status != COMPOFA_ERR_BUFFER_TOO_SMALL)
            failure("refused with a status other than INVALID_ARGUMENT or BUFFER_TOO_SMALL");
        if (compofa_last_error()[0] == '\0') failure("refused without a message");
        if (std::memcmp(strided_before.data(), strided.data(), strided.size() * sizeof(float)) != 0 ||
            std::memcmp(contiguous_before.data(), contiguous.data(), contiguous.size() * sizeof(float)) != 0)
            failure("a refused call wrote memory");
        return;
    }
    ++g_accepted;
    if (!accept) failure("a call the rules forbid returned OK");
    // Expected contents, computed element by element with explicit bounds checks.
    std::vector<float> want_strided = strided_before, want_contiguous = contiguous_before;
    for (int32_t i = 0; i < c.d0; ++i)
        for (int32_t j = 0; j < c.d1; ++j)
            for (int32_t l = 0; l < c.d2; ++l) {
                uint64_t o;
                const i128 k = ((i128)i * c.d1 + j) * c.d2 + l;
                if (!strided_offset(c, i, j, l, &o) || k >= (i128)c.contiguous_len) {
                    failure("OK for a slice that reaches outside its buffers");
                    return;
                }
                if (scatter)
                    want_strided[o] += c.alpha * contiguous_before[(uint64_t)k];
                else
                    want_contiguous[(uint64_t)k] = strided_before[o];
            }
    for (uint64_t i = 0; i < strided.size(); ++i)
        if (!same_bits(strided[i], want_strided[i])) {
            failure("strided buffer differs from the naive result");
            return;
        }
    for (uint64_t i = 0; i < contiguous.size(); ++i)
        if (!same_bits(contiguous[i], want_contiguous[i])) {
            failure("contiguous buffer differs from the naive result");
            return;
        }
}

// The reported cases: OK then a segfault before 128-bit checks (s0 = -s1 cancels in the span; the
// int64 (d1-1)*s1 wrapped below s0).
void known_cases(compofa_context* ctx, int32_t backend, fuzz::Rng& r) {
    const int64_t big = (int64_t(1) << 62) + (int64_t(1) << 40);
    const SliceCall cases[] = {
        {3, 3, 4, -big, big, 0, 64, 64, false, false, 1.0f},
        {3, 5, 4, 10, (int64_t(1) << 62) + 1, 0, 64, 64, false, false, 1.0f},
        {2, 2, 1, -INT64_MAX + 5, INT64_MAX, 0, 64, 64, false, false, 1.0f},
        {3, 3, 4, -big, big, 7, 64, 64, false, false, -2.0f},
    };
    for (const SliceCall& c : cases) {
        run_one(ctx, backend, r, c, false);
        run_one(ctx, backend, r, c, true);
        if (must_accept(c)) failure("known case unexpectedly valid (test bug)");
    }
}

}  // namespace

int main(int argc, char** argv) {
    fuzz::install_crash_reporter();
    fuzz::Rng rng(fuzz::seed_from(argc, argv, 20261201));
    const long per_backend = fuzz::iterations_from(argc, argv, 30000);
    for (int32_t backend : {COMPOFA_BACKEND_REFERENCE, COMPOFA_BACKEND_CPU}) {
        compofa_context* ctx = nullptr;
        if (compofa_context_create(backend, 0, &ctx) != COMPOFA_OK) {
            std::printf("FAIL context_create(%d): %s\n", backend, compofa_last_error());
            return 1;
        }
        known_cases(ctx, backend, rng);
        for (long n = 0; n < per_backend; ++n) run_one(ctx, backend, rng, random_call(rng), rng.chance(0.5));
        compofa_context_destroy(ctx);
    }
    std::printf("slice fuzz: %ld calls, %ld accepted and verified, %ld refused, %ld failures, 0 crashes\n", g_calls,
                g_accepted, g_calls - g_accepted, g_failures);
    if (g_accepted < g_calls / 10) {
        std::printf("FAIL too few accepted calls (%ld of %ld): the generator no longer reaches the kernels\n",
                    g_accepted, g_calls);
        return 1;
    }
    return g_failures == 0 ? 0 : 1;
}
