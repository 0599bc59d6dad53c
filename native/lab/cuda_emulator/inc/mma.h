// Host emulation of the WMMA API (nvcuda::wmma) that src/cuda uses. A fragment's element layout
// across a warp's lanes is unspecified in CUDA, so here every lane holds the whole tile and does
// the whole product (the same result 32 times); a store is done by lane 0 only. What this checks
// is what a kernel controls: the tile pointers, leading dimensions, k steps and the rounding of
// the staged operands; not the tensor cores' own summation order.
#pragma once
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "cuda_bf16.h"
#include "cuda_runtime.h"

namespace nvcuda::wmma {

struct matrix_a {};
struct matrix_b {};
struct accumulator {};
struct row_major {};
struct col_major {};
enum layout_t { mem_row_major, mem_col_major };
namespace precision {
struct tf32 {};
}  // namespace precision

// Rounds to the 10-bit mantissa of TF32, to nearest with ties away from zero (cvt.rna.tf32.f32).
inline float __float_to_tf32(float v) {
    uint32_t u;
    std::memcpy(&u, &v, 4);
    if ((u & 0x7f800000u) != 0x7f800000u) u = (u + 0x1000u) & 0xffffe000u;
    std::memcpy(&v, &u, 4);
    return v;
}

template <class Use, int M, int N, int K>
struct tile_shape;
template <int M, int N, int K>
struct tile_shape<matrix_a, M, N, K> { static constexpr int rows = M, cols = K; };
template <int M, int N, int K>
struct tile_shape<matrix_b, M, N, K> { static constexpr int rows = K, cols = N; };
template <int M, int N, int K>
struct tile_shape<accumulator, M, N, K> { static constexpr int rows = M, cols = N; };

template <class Use, int M, int N, int K, class T, class Layout = void>
struct fragment {
    static constexpr int rows = tile_shape<Use, M, N, K>::rows, cols = tile_shape<Use, M, N, K>::cols;
    float v[rows * cols];  // row-major, whole tile
};

inline float emu_value(float x) { return x; }
inline float emu_value(__nv_bfloat16 x) { return __bfloat162float(x); }

template <class Use, int M, int N, int K, class T, class Layout, class P>
inline void load_matrix_sync(fragment<Use, M, N, K, T, Layout>& f, const P* p, unsigned ldm) {
    using F = fragment<Use, M, N, K, T, Layout>;
    constexpr bool col = std::is_same_v<Layout, col_major>;
    for (int r = 0; r < F::rows; ++r)
        for (int c = 0; c < F::cols; ++c) f.v[r * F::cols + c] = emu_value(col ? p[size_t(c) * ldm + r] : p[size_t(r) * ldm + c]);
}

template <int M, int N, int K>
inline void fill_fragment(fragment<accumulator, M, N, K, float>& f, float x) {
    for (float& e : f.v) e = x;
}

template <int M, int N, int K, class TA, class LA, class TB, class LB>
inline void mma_sync(fragment<accumulator, M, N, K, float>& d, const fragment<matrix_a, M, N, K, TA, LA>& a,
                     const fragment<matrix_b, M, N, K, TB, LB>& b, const fragment<accumulator, M, N, K, float>& c) {
    float out[M * N];
    for (int i = 0; i < M; ++i)
        for (int j = 0; j < N; ++j) {
            float s = c.v[i * N + j];
            for (int kk = 0; kk < K; ++kk) s += a.v[i * K + kk] * b.v[kk * N + j];
            out[i * N + j] = s;
        }
    std::memcpy(d.v, out, sizeof out);
}

template <int M, int N, int K>
inline void store_matrix_sync(float* p, const fragment<accumulator, M, N, K, float>& f, unsigned ldm, layout_t layout) {
    if (threadIdx.x % 32 != 0) return;
    for (int i = 0; i < M; ++i)
        for (int j = 0; j < N; ++j) (layout == mem_row_major ? p[size_t(i) * ldm + j] : p[size_t(j) * ldm + i]) = f.v[i * N + j];
}

}  // namespace nvcuda::wmma
