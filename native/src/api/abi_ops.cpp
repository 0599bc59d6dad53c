// ABI entry points of the ops: check everything, then dispatch to the context's kernel table.
#include <string>

#include "api/barrier.h"
#include "api/checks.h"
#include "api/dispatch.h"
#include "api/handles.h"
#include "common/kernels.h"
#include "cuda/cuda_services.h"

using namespace compofa;

extern "C" {

int32_t compofa_dwconv_output_size(const compofa_dwconv_shape* shape, int32_t* ho, int32_t* wo) {
    return guarded(__func__, [&] {
        if (ho == nullptr || wo == nullptr) fail(COMPOFA_ERR_INVALID_ARGUMENT, "ho and wo must not be NULL");
        DwShape s = checked_dwconv_shape(shape);
        *ho = s.ho;
        *wo = s.wo;
    });
}

int32_t compofa_dwconv_forward(compofa_context* ctx, compofa_stream* stream, const compofa_dwconv_shape* shape,
                               const float* x, uint64_t x_len, const float* weight, uint64_t weight_len,
                               const float* t75, uint64_t t75_len, const float* t53, uint64_t t53_len,
                               float* y, uint64_t y_len) {
    return guarded(__func__, [&] {
        compofa_context* c = context_of(ctx);
        void* native = native_stream_of(c, stream);
        const DwForward op = checked_dwconv_forward(c, shape, x, x_len, weight, weight_len, t75, t75_len, t53,
                                                    t53_len, y, y_len);
        kernels_for(c).dwconv_forward(op, native);
    });
}

int32_t compofa_dwconv_backward(compofa_context* ctx, compofa_stream* stream, const compofa_dwconv_shape* shape,
                                const float* x, uint64_t x_len, const float* weight, uint64_t weight_len,
                                const float* t75, uint64_t t75_len, const float* t53, uint64_t t53_len,
                                const float* dy, uint64_t dy_len, float* dx, uint64_t dx_len,
                                float* dweight, uint64_t dweight_len, float* dt75, uint64_t dt75_len,
                                float* dt53, uint64_t dt53_len) {
    return guarded(__func__, [&] {
        compofa_context* c = context_of(ctx);
        void* native = native_stream_of(c, stream);
        DwShape s = checked_dwconv_shape(shape);
        check_dwconv_inputs(c, s, x, x_len, weight, weight_len, t75, t75_len, t53, t53_len);
        check_tensor(c, "dy", dy, dy_len, s.y_len());
        check_tensor(c, "dx", dx, dx_len, s.x_len(), true);
        check_tensor(c, "dweight", dweight, dweight_len, s.weight_len(), true);
        check_tensor(c, "dt75", dt75, dt75_len, kT75, true);
        check_tensor(c, "dt53", dt53, dt53_len, kT53, true);
        DwBackward op{s, x, weight, s.uses_t75() ? t75 : nullptr, s.uses_t53() ? t53 : nullptr, dy, dx, dweight,
                      s.uses_t75() ? dt75 : nullptr, s.uses_t53() ? dt53 : nullptr};
        if (op.dx == nullptr && op.dweight == nullptr && op.dt75 == nullptr && op.dt53 == nullptr) return;
        kernels_for(c).dwconv_backward(op, native);
    });
}

int32_t compofa_gemm(compofa_context* ctx, compofa_stream* stream, int32_t trans_a, int32_t trans_b, int32_t m,
                     int32_t n, int32_t k, float alpha, const float* a, uint64_t a_len, int32_t lda, const float* b,
                     uint64_t b_len, int32_t ldb, float beta, float* c_ptr, uint64_t c_len, int32_t ldc) {
    return guarded(__func__, [&] {
        compofa_context* c = context_of(ctx);
        void* native = native_stream_of(c, stream);
        if ((trans_a != 0 && trans_a != 1) || (trans_b != 0 && trans_b != 1))
            fail(COMPOFA_ERR_INVALID_ARGUMENT, "trans_a=" + std::to_string(trans_a) + " trans_b=" +
                                                   std::to_string(trans_b) + ": allowed 0 or 1");
        if (m < 1 || n < 1 || k < 1)
            fail(COMPOFA_ERR_INVALID_ARGUMENT, "m, n, k must be >= 1, got " + std::to_string(m) + ", " +
                                                   std::to_string(n) + ", " + std::to_string(k));
        // Stored shapes: A is (a_rows x a_cols), B is (b_rows x b_cols), row-major with their ld.
        const int32_t a_rows = trans_a ? k : m, a_cols = trans_a ? m : k;
        const int32_t b_rows = trans_b ? n : k, b_cols = trans_b ? k : n;
        if (lda < a_cols)
            fail(COMPOFA_ERR_INVALID_ARGUMENT, "lda=" + std::to_string(lda) + " must be >= " + std::to_string(a_cols) +
                                                   (trans_a ? " (m, A is stored k x m)" : " (k, A is stored m x k)"));
        if (ldb < b_cols)
            fail(COMPOFA_ERR_INVALID_ARGUMENT, "ldb=" + std::to_string(ldb) + " must be >= " + std::to_string(b_cols) +
                                                   (trans_b ? " (k, B is stored n x k)" : " (n, B is stored k x n)"));
        if (ldc < n)
            fail(COMPOFA_ERR_INVALID_ARGUMENT, "ldc=" + std::to_string(ldc) + " must be >= n=" + std::to_string(n));
        check_tensor(c, "a", a, a_len, (int64_t)(a_rows - 1) * lda + a_cols);
        check_tensor(c, "b", b, b_len, (int64_t)(b_rows - 1) * ldb + b_cols);
        check_tensor(c, "c", c_ptr, c_len, (int64_t)(m - 1) * ldc + n);
        Gemm op{trans_a == 1, trans_b == 1, m, n, k, alpha, a, lda, b, ldb, beta, c_ptr, ldc, c->precision.load()};
        if (c->gemm_library.load() == COMPOFA_GEMM_CUBLAS)
            cuda::vendor_gemm(c->device, op, native);
        else
            kernels_for(c).gemm(op, native);
    });
}

int32_t compofa_slice_gather(compofa_context* ctx, compofa_stream* stream, const float* src, uint64_t src_len,
                             uint64_t src_offset, int32_t d0, int32_t d1, int32_t d2, int64_t s0, int64_t s1,
                             float* dst, uint64_t dst_len) {
    return guarded(__func__, [&] {
        compofa_context* c = context_of(ctx);
        void* native = native_stream_of(c, stream);
        const int64_t span = checked_slice_span(d0, d1, d2, s0, s1);
        if (src_offset > ((uint64_t)1 << 40)) fail(COMPOFA_ERR_INVALID_ARGUMENT, "src_offset beyond 2^40 elements");
        check_tensor(c, "src", src, src_len, (int64_t)src_offset + span);  // <= 2^41
        check_tensor(c, "dst", dst, dst_len, (int64_t)d0 * d1 * d2);      // <= span
        Gather op{{d0, d1, d2, s0, s1}, src + src_offset, dst};
        kernels_for(c).gather(op, native);
    });
}

int32_t compofa_slice_scatter_add(compofa_context* ctx, compofa_stream* stream, const float* src, uint64_t src_len,
                                  float alpha, float* dst, uint64_t dst_len, uint64_t dst_offset, int32_t d0,
                                  int32_t d1, int32_t d2, int64_t s0, int64_t s1) {
    return guarded(__func__, [&] {
        compofa_context* c = context_of(ctx);
        void* native = native_stream_of(c, stream);
        const int64_t span = checked_slice_span(d0, d1, d2, s0, s1);
        if (dst_offset > ((uint64_t)1 << 40)) fail(COMPOFA_ERR_INVALID_ARGUMENT, "dst_offset beyond 2^40 elements");
        check_tensor(c, "src", src, src_len, (int64_t)d0 * d1 * d2);      // <= span
        check_tensor(c, "dst", dst, dst_len, (int64_t)dst_offset + span);  // <= 2^41
        ScatterAdd op{{d0, d1, d2, s0, s1}, src, alpha, dst + dst_offset};
        kernels_for(c).scatter_add(op, native);
    });
}

int32_t compofa_fill(compofa_context* ctx, compofa_stream* stream, float* dst, uint64_t len, float value) {
    return guarded(__func__, [&] {
        compofa_context* c = context_of(ctx);
        void* native = native_stream_of(c, stream);
        if (len < 1 || len > ((uint64_t)1 << 40))
            fail(COMPOFA_ERR_INVALID_ARGUMENT, "len=" + std::to_string(len) + ": allowed 1 .. 2^40");
        check_tensor(c, "dst", dst, len, (int64_t)len);
        kernels_for(c).fill(dst, (int64_t)len, value, native);
    });
}

}  // extern "C"
