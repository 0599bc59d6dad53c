// ABI entry points of squeeze-and-excitation in one op (compofa.h): sizes, the weight slices read in
// place, the saved buffer and the outputs' disjointness, then dispatch to the context's NnKernelTable.
#include <cstdint>
#include <string>

#include "api/barrier.h"
#include "api/checks.h"
#include "api/dispatch.h"
#include "api/handles.h"
#include "common/nn_kernels.h"

using namespace compofa;

namespace {

[[noreturn]] void invalid(const std::string& message) { fail(COMPOFA_ERR_INVALID_ARGUMENT, message); }

std::string str(int64_t v) { return std::to_string(v); }

// n, hw, c, se >= 1, n*hw*c <= 2^40, ld1 >= c, ld2 >= se; returns n*hw*c.
int64_t checked_se_sizes(int32_t n, int32_t hw, int32_t c, int32_t se, int32_t ld1, int32_t ld2) {
    if (n < 1 || hw < 1 || c < 1 || se < 1)
        invalid("n=" + str(n) + " hw=" + str(hw) + " c=" + str(c) + " se=" + str(se) + ": allowed >= 1 each");
    if ((__int128)n * hw * c > (__int128)1 << 40) invalid("the (n, hw, c) tensor has more than 2^40 elements");
    if (ld1 < c) invalid("ld1=" + str(ld1) + ": allowed >= c=" + str(c) + " (W1 = reduce[:se, :c])");
    if (ld2 < se) invalid("ld2=" + str(ld2) + ": allowed >= se=" + str(se) + " (W2 = expand[:c, :se])");
    return int64_t(n) * hw * c;
}

// Floats the slices W1 = w1[:se, :c] and W2 = w2[:c, :se] span.
int64_t w1_need(int32_t c, int32_t se, int32_t ld1) { return int64_t(se - 1) * ld1 + c; }
int64_t w2_need(int32_t c, int32_t se, int32_t ld2) { return int64_t(c - 1) * ld2 + se; }

// The inputs both directions read: x (n*hw*c floats) and the weight slices.
void check_se_inputs(compofa_context* cx, int64_t len, int32_t c, int32_t se, const float* x, uint64_t x_len,
                     const float* w1, uint64_t w1_len, int32_t ld1, const float* w2, uint64_t w2_len, int32_t ld2) {
    check_tensor(cx, "x", x, x_len, len);
    check_tensor(cx, "w1", w1, w1_len, w1_need(c, se, ld1));
    check_tensor(cx, "w2", w2, w2_len, w2_need(c, se, ld2));
}

}  // namespace

extern "C" {

int32_t compofa_se_forward(compofa_context* ctx, compofa_stream* stream, int32_t n, int32_t hw, int32_t c,
                           int32_t se, const float* x, uint64_t x_len, const float* w1, uint64_t w1_len,
                           int32_t ld1, const float* b1, uint64_t b1_len, const float* w2, uint64_t w2_len,
                           int32_t ld2, const float* b2, uint64_t b2_len, float* y, uint64_t y_len, float* saved,
                           uint64_t saved_len) {
    return guarded(__func__, [&] {
        compofa_context* cx = context_of(ctx);
        void* native = native_stream_of(cx, stream);
        const int64_t len = checked_se_sizes(n, hw, c, se, ld1, ld2);
        check_se_inputs(cx, len, c, se, x, x_len, w1, w1_len, ld1, w2, w2_len, ld2);
        check_tensor(cx, "b1", b1, b1_len, se);
        check_tensor(cx, "b2", b2, b2_len, c);
        check_tensor(cx, "y", y, y_len, len);
        check_tensor(cx, "saved", saved, saved_len, se_saved_len(n, c, se), true);
        check_disjoint("y", y, len, "x", x, len);
        if (saved != nullptr) check_disjoint("saved", saved, se_saved_len(n, c, se), "y", y, len);
        nn_kernels_for(cx).se_forward(SeForward{n, hw, c, se, x, SeWeights{w1, ld1, b1, w2, ld2, b2}, y, saved}, native);
    });
}

int32_t compofa_se_backward(compofa_context* ctx, compofa_stream* stream, int32_t n, int32_t hw, int32_t c,
                            int32_t se, const float* x, uint64_t x_len, const float* w1, uint64_t w1_len,
                            int32_t ld1, const float* w2, uint64_t w2_len, int32_t ld2, const float* saved,
                            uint64_t saved_len, const float* dy, uint64_t dy_len, float* dx, uint64_t dx_len,
                            float* dw1, float* db1, uint64_t db1_len, float* dw2, float* db2, uint64_t db2_len) {
    return guarded(__func__, [&] {
        compofa_context* cx = context_of(ctx);
        void* native = native_stream_of(cx, stream);
        const int64_t len = checked_se_sizes(n, hw, c, se, ld1, ld2);
        check_se_inputs(cx, len, c, se, x, x_len, w1, w1_len, ld1, w2, w2_len, ld2);
        check_tensor(cx, "saved", saved, saved_len, se_saved_len(n, c, se));
        check_tensor(cx, "dy", dy, dy_len, len);
        check_tensor(cx, "dx", dx, dx_len, len);
        check_tensor(cx, "dw1", dw1, w1_len, w1_need(c, se, ld1));
        check_tensor(cx, "db1", db1, db1_len, se);
        check_tensor(cx, "dw2", dw2, w2_len, w2_need(c, se, ld2));
        check_tensor(cx, "db2", db2, db2_len, c);
        check_disjoint("dx", dx, len, "dy", dy, len);
        check_disjoint("dx", dx, len, "x", x, len);
        SeBackward op{n, hw, c, se, x, SeWeights{w1, ld1, nullptr, w2, ld2, nullptr}, saved, dy, dx, dw1, db1, dw2, db2};
        nn_kernels_for(cx).se_backward(op, native);
    });
}

}  // extern "C"
