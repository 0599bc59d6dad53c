// Reference bilinear resize of (n, h, w, c) to (n, ho, wo, c), PyTorch align_corners=False without
// antialiasing. Per axis: src = (dst + 0.5) * in/out - 0.5, negative src clamped to 0,
// i0 = floor(src), i1 = min(i0 + 1, in - 1), lambda = src - i0; then
//   y = (1-ly) ((1-lx) x[i0][j0] + lx x[i0][j1]) + ly ((1-lx) x[i1][j0] + lx x[i1][j1]).
#include <algorithm>
#include <cmath>

#include "ref/nn_ref_ops.h"

namespace compofa::ref {

namespace {

struct Axis {
    int i0, i1;
    double lambda;
};

Axis source(int dst, int in, int out) {
    double src = (dst + 0.5) * double(in) / double(out) - 0.5;
    if (src < 0.0) src = 0.0;
    const int i0 = int(std::floor(src));  // <= in - 1, as src < in - 0.5
    return Axis{i0, std::min(i0 + 1, in - 1), src - i0};
}

}  // namespace

void resize_bilinear(const Resize& op, void*) {
    for (int b = 0; b < op.n; ++b)
        for (int oh = 0; oh < op.ho; ++oh) {
            const Axis ay = source(oh, op.h, op.ho);
            for (int ow = 0; ow < op.wo; ++ow) {
                const Axis ax = source(ow, op.w, op.wo);
                for (int ch = 0; ch < op.c; ++ch) {
                    auto at = [&](int ih, int iw) -> double {
                        return op.x[((int64_t(b) * op.h + ih) * op.w + iw) * op.c + ch];
                    };
                    const double top = (1.0 - ax.lambda) * at(ay.i0, ax.i0) + ax.lambda * at(ay.i0, ax.i1);
                    const double bottom = (1.0 - ax.lambda) * at(ay.i1, ax.i0) + ax.lambda * at(ay.i1, ax.i1);
                    op.y[((int64_t(b) * op.ho + oh) * op.wo + ow) * op.c + ch] =
                        float((1.0 - ay.lambda) * top + ay.lambda * bottom);
                }
            }
        }
}

}  // namespace compofa::ref
