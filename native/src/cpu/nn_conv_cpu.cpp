// im2col and its adjoint for the dense stem convolution on the CPU, NHWC:
//   col[(b*ho + oh)*wo + ow][(kh*k + kw)*c + ci] = x[b][oh*stride - pad + kh][ow*stride - pad + kw][ci]
// im2col: threads over col rows. In NHWC the k taps of one kernel row are k*c contiguous floats of x,
//   so a kernel row inside the image is one copy; rows that cross the border go tap by tap.
// col2im_add: a gather, threads over input rows (b, ih), so no two threads touch the same dx:
//   dx[b][ih][iw][:] += dcol[(b, oh, ow)][(kh*k + kw)*c :] over the taps with oh*stride - pad + kh = ih
//   and ow*stride - pad + kw = iw, listed once per axis.
#include <algorithm>
#include <vector>

#include "cpu/nn_cpu_ops.h"

namespace compofa::cpu {

namespace {

// The (tap, output) pairs that read input position i along one axis: o*stride - pad + t == i.
struct AxisTaps {
    std::vector<int> begin;         // pairs of input i are [begin[i], begin[i+1])
    std::vector<int> tap, output;
};

AxisTaps axis_taps(int in, int out, int k, int stride, int pad) {
    AxisTaps a;
    a.begin.push_back(0);
    for (int i = 0; i < in; ++i) {
        for (int t = 0; t < k; ++t) {
            const int d = i + pad - t;
            if (d < 0 || d % stride != 0 || d / stride >= out) continue;
            a.tap.push_back(t);
            a.output.push_back(d / stride);
        }
        a.begin.push_back(int(a.tap.size()));
    }
    return a;
}

inline void copy_floats(const float* __restrict src, int64_t n, float* __restrict dst) {
    for (int64_t i = 0; i < n; ++i) dst[i] = src[i];
}

inline void zero_floats(int64_t n, float* __restrict dst) {
    for (int64_t i = 0; i < n; ++i) dst[i] = 0.0f;
}

}  // namespace

void im2col(const ConvShape& s, const float* x, float* col, void*) {
    const int64_t rows = s.col_rows(), cols = s.col_cols();
    const int64_t c = s.c, kc = int64_t(s.k) * s.c;
    const int nt = threads_for(rows * cols, rows);
    parallel_for(rows, nt, [&](int64_t r) {
        const int ow = int(r % s.wo), oh = int(r / s.wo % s.ho), b = int(r / (int64_t(s.wo) * s.ho));
        const int iw0 = ow * s.stride - s.pad;
        const bool row_inside = iw0 >= 0 && iw0 + s.k <= s.w;
        float* out = col + r * cols;
        for (int kh = 0; kh < s.k; ++kh) {
            const int ih = oh * s.stride - s.pad + kh;
            float* tap_row = out + kh * kc;
            if (ih < 0 || ih >= s.h) {
                zero_floats(kc, tap_row);
                continue;
            }
            const float* x_row = x + (int64_t(b) * s.h + ih) * s.w * c;
            if (row_inside) {
                copy_floats(x_row + iw0 * c, kc, tap_row);
                continue;
            }
            for (int kw = 0; kw < s.k; ++kw) {
                const int iw = iw0 + kw;
                if (iw < 0 || iw >= s.w) zero_floats(c, tap_row + kw * c);
                else copy_floats(x_row + iw * c, c, tap_row + kw * c);
            }
        }
    });
}

void col2im_add(const ConvShape& s, const float* dcol, float* dx, void*) {
    const int64_t in_rows = int64_t(s.n) * s.h, cols = s.col_cols();
    const int c = s.c;
    const AxisTaps th = axis_taps(s.h, s.ho, s.k, s.stride, s.pad), tw = axis_taps(s.w, s.wo, s.k, s.stride, s.pad);
    const int nt = threads_for(s.col_rows() * cols, in_rows);
    parallel_for(in_rows, nt, [&](int64_t q) {
        const int b = int(q / s.h), ih = int(q % s.h);
        for (int pa = th.begin[ih]; pa < th.begin[ih + 1]; ++pa) {
            const int kh = th.tap[pa], oh = th.output[pa];
            const float* dcol_row = dcol + (int64_t(b) * s.ho + oh) * s.wo * cols + int64_t(kh) * s.k * c;
            for (int iw = 0; iw < s.w; ++iw) {
                float* __restrict g = dx + (q * s.w + iw) * c;
                for (int pb = tw.begin[iw]; pb < tw.begin[iw + 1]; ++pb) {
                    const float* __restrict src = dcol_row + int64_t(tw.output[pb]) * cols + int64_t(tw.tap[pb]) * c;
#pragma omp simd
                    for (int ci = 0; ci < c; ++ci) g[ci] += src[ci];
                }
            }
        }
    });
}

}  // namespace compofa::cpu
