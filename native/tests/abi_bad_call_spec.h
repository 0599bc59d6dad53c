// The bad-call fuzzer's description of one op (abi_bad_call_fuzz.cpp runs it, abi_bad_call_specs.cpp
// lists the ops): a valid base call, its buffers, and the corruptions that make it invalid.
#pragma once
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "compofa.h"
#include "fuzz_support.h"

namespace bad_call {

inline constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
inline constexpr float kInf = std::numeric_limits<float>::infinity();

// Bad values by kind; each is refused wherever a slot of that kind is used (bases keep every size that
// multiplies a leading dimension >= 2, so no size corruption can leave the needs unchanged).
inline const std::vector<int64_t> kBadSize32 = {0, -1, -7, -1000003, INT32_MIN, INT32_MAX, INT32_MAX - 1};
inline const std::vector<int64_t> kBadSize64 = {0, -1, INT64_MIN, INT64_MAX, (int64_t(1) << 40) + 1, int64_t(1) << 62};
inline const std::vector<int64_t> kBadOption = {-1, -1000, 77, INT32_MIN, INT32_MAX};
inline const std::vector<int64_t> kBadFlatLen = {0, (int64_t(1) << 40) + 1, INT64_MIN /* 2^63 */, -1 /* UINT64_MAX */};

// One call's arguments: integers (sizes, lengths, options) in v, floats in f, data pointers in p.
struct Vals {
    int64_t v[24] = {};
    float f[8] = {};
    const void* p[12] = {};
    compofa_context* ctx = nullptr;
    compofa_stream* stream = nullptr;
    int32_t i32(int k) const { return (int32_t)v[k]; }
    uint64_t u64(int k) const { return (uint64_t)v[k]; }
    float* fp(int k) const { return const_cast<float*>(static_cast<const float*>(p[k])); }
};

// How a trial corrupts one argument.
struct Mutation {
    enum Kind { kValue, kShortLen, kFloat, kNull, kContext, kStream } kind;
    int index;
    const std::vector<int64_t>* values = nullptr;
    std::vector<float> floats = {};
};

// An op under test: its valid base call, its buffers and the corruptions that apply to it.
struct Spec {
    std::string name;
    Vals base;
    std::vector<Mutation> mutations;
    std::vector<fuzz::FencedFloats> buffers;
    std::function<int32_t(const Vals&)> call;
    int nv = 0, nf = 0, np = 0;
    bool takes_context = true;  // false: no context or stream argument to corrupt

    int value(int64_t x, const std::vector<int64_t>* bad) {
        base.v[nv] = x;
        if (bad != nullptr) mutations.push_back({Mutation::kValue, nv, bad});
        return nv++;
    }
    int size32(int64_t x) { return value(x, &kBadSize32); }
    int size64(int64_t x) { return value(x, &kBadSize64); }
    int option(int64_t x) { return value(x, &kBadOption); }
    int flat_len(int64_t x) { return value(x, &kBadFlatLen); }
    int len(int64_t x) {  // a buffer's declared length: shortened below what the op needs
        base.v[nv] = x;
        mutations.push_back({Mutation::kShortLen, nv});
        return nv++;
    }
    int number(float x, std::vector<float> bad) {
        base.f[nf] = x;
        if (!bad.empty()) mutations.push_back({Mutation::kFloat, nf, nullptr, std::move(bad)});
        return nf++;
    }
    // A data buffer of n floats in [0.5, 1.5] (valid as every op's input, variances included).
    int buffer(uint64_t n, fuzz::Rng& r, bool required = true) {
        buffers.emplace_back(n);
        for (uint64_t i = 0; i < n; ++i) buffers.back()[i] = 0.5f + (float)r.below(1024) / 1024.0f;
        base.p[np] = buffers.back().data();
        if (required) mutations.push_back({Mutation::kNull, np});
        return np++;
    }
    int pointer(const void* x) {  // a non-data pointer (shape, epilogue, output scalar): NULL is bad
        base.p[np] = x;
        mutations.push_back({Mutation::kNull, np});
        return np++;
    }
};

std::vector<Spec> make_specs(fuzz::Rng& r);

}  // namespace bad_call
