#include "api/checks.h"

#include <cmath>
#include <string>

#include "common/error.h"
#include "cuda/cuda_services.h"

namespace compofa {

namespace {

std::string str(int64_t v) { return std::to_string(v); }

// Decimal text of a 128-bit value (a bound that does not fit int64 is still printed exactly).
std::string str128(__int128 v) {
    if (v >= INT64_MIN && v <= INT64_MAX) return str((int64_t)v);
    const bool negative = v < 0;
    unsigned __int128 u = negative ? -(unsigned __int128)v : (unsigned __int128)v;
    std::string digits;
    for (; u != 0; u /= 10) digits.insert(digits.begin(), char('0' + int(u % 10)));
    return negative ? "-" + digits : digits;
}

constexpr int64_t kMaxSliceSpan = int64_t(1) << 40;

bool is_kernel_size(int32_t k) { return k == 3 || k == 5 || k == 7; }

// True once: whether any CUDA device exists, so host backends can refuse device pointers.
bool cuda_devices_present() {
    static const bool present = [] {
        std::string why;
        return cuda::compiled_in() && cuda::device_count(&why) > 0;
    }();
    return present;
}

}  // namespace

DwShape checked_dwconv_shape(const compofa_dwconv_shape* p) {
    if (p == nullptr) fail(COMPOFA_ERR_INVALID_ARGUMENT, "shape is NULL");
    const compofa_dwconv_shape& s = *p;
    if (s.n < 1 || s.h < 1 || s.w < 1)
        fail(COMPOFA_ERR_INVALID_ARGUMENT, "batch and spatial sizes must be >= 1, got n=" + str(s.n) +
                                               " h=" + str(s.h) + " w=" + str(s.w));
    if (s.c_max < 1 || s.c < 1 || s.c > s.c_max)
        fail(COMPOFA_ERR_INVALID_ARGUMENT, "active channels c=" + str(s.c) + " with c_max=" + str(s.c_max) +
                                               ": allowed 1 <= c <= c_max");
    if (!is_kernel_size(s.k_max))
        fail(COMPOFA_ERR_INVALID_ARGUMENT, "stored kernel k_max=" + str(s.k_max) + ": allowed 3, 5, 7");
    if (!is_kernel_size(s.k) || s.k > s.k_max)
        fail(COMPOFA_ERR_INVALID_ARGUMENT, "active kernel k=" + str(s.k) + ": allowed 3, 5, 7 and <= k_max=" +
                                               str(s.k_max));
    if (s.stride != 1 && s.stride != 2)
        fail(COMPOFA_ERR_INVALID_ARGUMENT, "stride " + str(s.stride) + ": allowed 1 or 2");
    if (s.transform != COMPOFA_TRANSFORM_NONE && s.transform != COMPOFA_TRANSFORM_OFA)
        fail(COMPOFA_ERR_INVALID_ARGUMENT, "transform " + str(s.transform) + ": allowed 0 (none) or 1 (OFA)");
    // Element counts must fit int64 comfortably: cap each tensor at 2^40 floats.
    const __int128 x = (__int128)s.n * s.h * s.w * s.c;
    if (x > ((__int128)1 << 40)) fail(COMPOFA_ERR_INVALID_ARGUMENT, "tensor of more than 2^40 elements");
    DwShape d{s.n, s.h, s.w, s.c, s.c_max, s.k, s.k_max, s.stride, s.transform, 0, 0, 0};
    d.ho = (s.h - 1) / s.stride + 1;
    d.wo = (s.w - 1) / s.stride + 1;
    d.pad = s.k / 2;
    return d;
}

void check_location(compofa_context* ctx, const char* name, const void* ptr) {
    if (ctx->backend == COMPOFA_BACKEND_CUDA) {
        if (!cuda::is_device_pointer(ctx->device, ptr))
            fail(COMPOFA_ERR_WRONG_BACKEND, std::string(name) + " is not device memory of CUDA device " +
                                                str(ctx->device) + "; CUDA contexts take device pointers");
    } else if (cuda_devices_present() && cuda::is_device_only_pointer(ptr)) {
        fail(COMPOFA_ERR_WRONG_BACKEND, std::string(name) + " is CUDA device memory; host backends take host pointers");
    }
}

void check_tensor(compofa_context* ctx, const char* name, const void* ptr, uint64_t len, int64_t need,
                  bool optional) {
    // A negative need is a size computation gone wrong upstream: refuse it rather than compare it as unsigned.
    if (need < 0)
        fail(COMPOFA_ERR_INVALID_ARGUMENT, std::string(name) + ": the sizes give a negative element count " + str(need));
    if (ptr == nullptr) {
        if (optional) return;
        fail(COMPOFA_ERR_INVALID_ARGUMENT, std::string(name) + " is NULL; this op needs " + str(need) + " floats");
    }
    if (len < (uint64_t)need)
        fail(COMPOFA_ERR_BUFFER_TOO_SMALL, std::string(name) + " holds " + std::to_string(len) + " floats; this op needs " +
                                               str(need));
    check_location(ctx, name, ptr);
}

void check_disjoint(const char* out_name, const float* out, int64_t out_need, const char* in_name, const float* in,
                    int64_t in_need) {
    // 128-bit ends, so a buffer near the top of the address space cannot wrap its end around to 0.
    using u128 = unsigned __int128;
    const u128 o = reinterpret_cast<uintptr_t>(out), i = reinterpret_cast<uintptr_t>(in);
    if (o < i + u128(uint64_t(in_need)) * sizeof(float) && i < o + u128(uint64_t(out_need)) * sizeof(float))
        fail(COMPOFA_ERR_INVALID_ARGUMENT, std::string(out_name) + " overlaps " + in_name +
                                               ": this op does not run in place; give " + out_name + " its own buffer");
}

DwForward checked_dwconv_forward(compofa_context* ctx, const compofa_dwconv_shape* shape, const float* x,
                                 uint64_t x_len, const float* weight, uint64_t weight_len, const float* t75,
                                 uint64_t t75_len, const float* t53, uint64_t t53_len, float* y, uint64_t y_len) {
    const DwShape s = checked_dwconv_shape(shape);
    check_dwconv_inputs(ctx, s, x, x_len, weight, weight_len, t75, t75_len, t53, t53_len);
    check_tensor(ctx, "y", y, y_len, s.y_len());
    check_disjoint("y", y, s.y_len(), "x", x, s.x_len());
    return DwForward{s, x, weight, s.uses_t75() ? t75 : nullptr, s.uses_t53() ? t53 : nullptr, y};
}

int64_t checked_slice_span(int32_t d0, int32_t d1, int32_t d2, int64_t s0, int64_t s1) {
    // Every bound in 128 bits: in int64, (d1-1)*s1 wraps for huge s1, and s0 = -s1 then passed the
    // s0 rule and cancelled in the span, so an OK slice touched offsets near +-2^63.
    using i128 = __int128;
    if (d0 < 1 || d1 < 1 || d2 < 1)
        fail(COMPOFA_ERR_INVALID_ARGUMENT, "slice extents must be >= 1, got " + str(d0) + " x " + str(d1) + " x " + str(d2));
    if (s1 < d2)
        fail(COMPOFA_ERR_INVALID_ARGUMENT, "row stride s1=" + str(s1) + " must be >= d2=" + str(d2));
    const i128 min_s0 = (i128)(d1 - 1) * s1 + d2;
    if ((i128)s0 < min_s0)
        fail(COMPOFA_ERR_INVALID_ARGUMENT, "block stride s0=" + str(s0) + " must be >= (d1-1)*s1+d2=" + str128(min_s0) +
                                               " so the slice does not overlap itself");
    // Both strides are now >= 1, so the span is positive and at least d0*d1*d2.
    const i128 span = (i128)(d0 - 1) * s0 + (i128)(d1 - 1) * s1 + d2;
    if (span > kMaxSliceSpan)
        fail(COMPOFA_ERR_INVALID_ARGUMENT, "slice spans " + str128(span) + " elements; allowed at most 2^40");
    return (int64_t)span;
}

void check_dwconv_inputs(compofa_context* ctx, const DwShape& s, const float* x, uint64_t x_len,
                         const float* weight, uint64_t weight_len, const float* t75, uint64_t t75_len,
                         const float* t53, uint64_t t53_len) {
    check_tensor(ctx, "x", x, x_len, s.x_len());
    check_tensor(ctx, "weight", weight, weight_len, s.weight_len());
    if (s.uses_t75()) check_tensor(ctx, "t75 (7->5 transform, needed for k <= 5 with k_max 7)", t75, t75_len, kT75);
    if (s.uses_t53()) check_tensor(ctx, "t53 (5->3 transform, needed for k 3)", t53, t53_len, kT53);
}

Epilogue checked_epilogue(compofa_context* ctx, const compofa_epilogue* p, int32_t channels) {
    if (p == nullptr) fail(COMPOFA_ERR_INVALID_ARGUMENT, "epilogue is NULL; pass one with every field 0 for none");
    const compofa_epilogue& e = *p;
    if (e.activation < COMPOFA_ACT_IDENTITY || e.activation > COMPOFA_ACT_HSIGMOID)
        fail(COMPOFA_ERR_INVALID_ARGUMENT, "epilogue activation " + str(e.activation) +
                                               ": allowed 0 (identity), 1 (relu), 2 (h_swish), 3 (h_sigmoid)");
    check_tensor(ctx, "epilogue bias", e.bias, e.bias_len, channels, true);
    if (e.gamma != nullptr) {
        if (!(e.eps > 0.0f) || !std::isfinite(e.eps))
            fail(COMPOFA_ERR_INVALID_ARGUMENT,
                 "epilogue eps=" + std::to_string(e.eps) + ": allowed finite eps > 0 (the batch norm is on)");
        check_tensor(ctx, "epilogue gamma", e.gamma, e.bn_len, channels);
        check_tensor(ctx, "epilogue beta", e.beta, e.bn_len, channels);
        check_tensor(ctx, "epilogue running_mean", e.running_mean, e.bn_len, channels);
        check_tensor(ctx, "epilogue running_var", e.running_var, e.bn_len, channels);
    }
    Epilogue k;
    k.bias = e.bias;
    k.gamma = e.gamma;
    k.beta = e.gamma ? e.beta : nullptr;
    k.mean = e.gamma ? e.running_mean : nullptr;
    k.var = e.gamma ? e.running_var : nullptr;
    k.eps = e.eps;
    k.act = e.activation;
    return k;
}

}  // namespace compofa
