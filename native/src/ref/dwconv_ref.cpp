// Reference elastic depthwise convolution, NHWC:
//   y[n][oh][ow][ch] = sum_{kh,kw} x[n][oh*s - pad + kh][ow*s - pad + kw][ch] * keff[kh][kw][ch]
// with zeros outside the input. The backward pass walks the same loops and scatters.
#include <vector>

#include "ref/ref_ops.h"

namespace compofa::ref {

namespace {

std::size_t x_index(const DwShape& s, int n, int ih, int iw, int ch) {
    return (((std::size_t)n * s.h + ih) * s.w + iw) * s.c + ch;
}
std::size_t y_index(const DwShape& s, int n, int oh, int ow, int ch) {
    return (((std::size_t)n * s.ho + oh) * s.wo + ow) * s.c + ch;
}
std::size_t tap_index(const DwShape& s, int kh, int kw, int ch) { return ((std::size_t)kh * s.k + kw) * s.c + ch; }

bool inside(const DwShape& s, int ih, int iw) { return ih >= 0 && ih < s.h && iw >= 0 && iw < s.w; }

}  // namespace

void dwconv_forward(const DwForward& op, void*) {
    const DwShape& s = op.s;
    std::vector<double> keff = effective_kernel(s, op.weight, op.t75, op.t53);
    for (int n = 0; n < s.n; ++n)
        for (int oh = 0; oh < s.ho; ++oh)
            for (int ow = 0; ow < s.wo; ++ow)
                for (int ch = 0; ch < s.c; ++ch) {
                    double sum = 0.0;
                    for (int kh = 0; kh < s.k; ++kh)
                        for (int kw = 0; kw < s.k; ++kw) {
                            int ih = oh * s.stride - s.pad + kh;
                            int iw = ow * s.stride - s.pad + kw;
                            if (!inside(s, ih, iw)) continue;
                            sum += (double)op.x[x_index(s, n, ih, iw, ch)] * keff[tap_index(s, kh, kw, ch)];
                        }
                    op.y[y_index(s, n, oh, ow, ch)] = (float)sum;
                }
}

void dwconv_backward(const DwBackward& op, void*) {
    const DwShape& s = op.s;
    std::vector<double> keff = effective_kernel(s, op.weight, op.t75, op.t53);
    std::vector<double> dx(op.dx != nullptr ? (std::size_t)s.x_len() : 0, 0.0);
    std::vector<double> dkeff((std::size_t)s.k * s.k * s.c, 0.0);
    for (int n = 0; n < s.n; ++n)
        for (int oh = 0; oh < s.ho; ++oh)
            for (int ow = 0; ow < s.wo; ++ow)
                for (int ch = 0; ch < s.c; ++ch) {
                    double g = op.dy[y_index(s, n, oh, ow, ch)];
                    for (int kh = 0; kh < s.k; ++kh)
                        for (int kw = 0; kw < s.k; ++kw) {
                            int ih = oh * s.stride - s.pad + kh;
                            int iw = ow * s.stride - s.pad + kw;
                            if (!inside(s, ih, iw)) continue;
                            std::size_t xi = x_index(s, n, ih, iw, ch), ti = tap_index(s, kh, kw, ch);
                            if (op.dx != nullptr) dx[xi] += g * keff[ti];
                            dkeff[ti] += g * op.x[xi];
                        }
                }
    if (op.dx != nullptr)
        for (std::size_t i = 0; i < dx.size(); ++i) op.dx[i] = (float)dx[i];
    if (op.dweight != nullptr || op.dt75 != nullptr || op.dt53 != nullptr)
        effective_kernel_backward(s, op.weight, op.t75, op.t53, dkeff, op.dweight, op.dt75, op.dt53);
}

}  // namespace compofa::ref
