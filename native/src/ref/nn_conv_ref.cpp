// Reference im2col for a dense k x k convolution, NHWC, zero padding:
//   col[(b*ho + oh)*wo + ow][(kh*k + kw)*c + ci] = x[b][oh*stride - pad + kh][ow*stride - pad + kw][ci]
// (0 outside x), and its adjoint col2im_add: dx[...] += every col entry that reads it.
#include <vector>

#include "ref/nn_ref_ops.h"

namespace compofa::ref {

namespace {

// Index into x of (b, ih, iw, ci), or -1 when (ih, iw) is padding.
int64_t x_index(const ConvShape& s, int b, int ih, int iw, int ci) {
    if (ih < 0 || ih >= s.h || iw < 0 || iw >= s.w) return -1;
    return ((int64_t(b) * s.h + ih) * s.w + iw) * s.c + ci;
}

int64_t col_index(const ConvShape& s, int b, int oh, int ow, int kh, int kw, int ci) {
    return ((int64_t(b) * s.ho + oh) * s.wo + ow) * s.col_cols() + (int64_t(kh) * s.k + kw) * s.c + ci;
}

}  // namespace

void im2col(const ConvShape& s, const float* x, float* col, void*) {
    for (int b = 0; b < s.n; ++b)
        for (int oh = 0; oh < s.ho; ++oh)
            for (int ow = 0; ow < s.wo; ++ow)
                for (int kh = 0; kh < s.k; ++kh)
                    for (int kw = 0; kw < s.k; ++kw)
                        for (int ci = 0; ci < s.c; ++ci) {
                            int64_t xi = x_index(s, b, oh * s.stride - s.pad + kh, ow * s.stride - s.pad + kw, ci);
                            col[col_index(s, b, oh, ow, kh, kw, ci)] = xi < 0 ? 0.0f : x[xi];
                        }
}

void col2im_add(const ConvShape& s, const float* dcol, float* dx, void*) {
    std::vector<double> sum(std::size_t(s.n) * s.h * s.w * s.c, 0.0);
    for (int b = 0; b < s.n; ++b)
        for (int oh = 0; oh < s.ho; ++oh)
            for (int ow = 0; ow < s.wo; ++ow)
                for (int kh = 0; kh < s.k; ++kh)
                    for (int kw = 0; kw < s.k; ++kw)
                        for (int ci = 0; ci < s.c; ++ci) {
                            int64_t xi = x_index(s, b, oh * s.stride - s.pad + kh, ow * s.stride - s.pad + kw, ci);
                            if (xi >= 0) sum[std::size_t(xi)] += dcol[col_index(s, b, oh, ow, kh, kw, ci)];
                        }
    for (std::size_t i = 0; i < sum.size(); ++i) dx[i] = float(double(dx[i]) + sum[i]);
}

}  // namespace compofa::ref
