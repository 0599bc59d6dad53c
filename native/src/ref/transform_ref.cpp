// Reference kernel transform: the subnet's effective k x k kernel from the supernet weight.
//   no transform, or k == k_max:  keff = centre k x k crop of weight[k_max][k_max][c_max]
//   OFA chain (compofa.h):        w5 = t75 * centre5(W7)            (k_max == 7, k <= 5)
//                                 w3 = t53 * centre3(w5 or W5)      (k == 3, k_max >= 5)
// Matrices act on flat tap indices (kh*size + kw) per channel: out[i][ch] = sum_j t[i][j]*in[j][ch].
#include "ref/ref_ops.h"

namespace compofa::ref {

namespace {

// A per-channel stack of size x size taps: v[(kh*size + kw)*c + ch].
struct Taps {
    int size = 0;
    int c = 0;
    std::vector<double> v;
    double& at(int kh, int kw, int ch) { return v[((std::size_t)kh * size + kw) * c + ch]; }
    double at(int kh, int kw, int ch) const { return v[((std::size_t)kh * size + kw) * c + ch]; }
};

Taps zeros(int size, int c) {
    Taps t;
    t.size = size;
    t.c = c;
    t.v.assign((std::size_t)size * size * c, 0.0);
    return t;
}

// Centre size x size taps of the stored weight, first c channels.
Taps stored_centre(const DwShape& s, const float* weight, int size) {
    Taps t = zeros(size, s.c);
    int m = (s.k_max - size) / 2;
    for (int kh = 0; kh < size; ++kh)
        for (int kw = 0; kw < size; ++kw)
            for (int ch = 0; ch < s.c; ++ch)
                t.at(kh, kw, ch) = weight[((std::size_t)(kh + m) * s.k_max + (kw + m)) * s.c_max + ch];
    return t;
}

Taps centre(const Taps& in, int size) {
    Taps t = zeros(size, in.c);
    int m = (in.size - size) / 2;
    for (int kh = 0; kh < size; ++kh)
        for (int kw = 0; kw < size; ++kw)
            for (int ch = 0; ch < in.c; ++ch) t.at(kh, kw, ch) = in.at(kh + m, kw + m, ch);
    return t;
}

// out[i][ch] = sum_j mat[i][j] * in[j][ch], mat being (size^2 x size^2).
Taps apply(const float* mat, const Taps& in) {
    Taps out = zeros(in.size, in.c);
    int taps = in.size * in.size;
    for (int i = 0; i < taps; ++i)
        for (int ch = 0; ch < in.c; ++ch) {
            double sum = 0.0;
            for (int j = 0; j < taps; ++j) sum += (double)mat[i * taps + j] * in.v[(std::size_t)j * in.c + ch];
            out.v[(std::size_t)i * in.c + ch] = sum;
        }
    return out;
}

// Backward of out = mat * in: dmat[i][j] += sum_ch dout[i][ch]*in[j][ch] (if dmat), returns din.
Taps apply_backward(const float* mat, const Taps& in, const Taps& dout, float* dmat) {
    int taps = in.size * in.size;
    if (dmat != nullptr)
        for (int i = 0; i < taps; ++i)
            for (int j = 0; j < taps; ++j) {
                double sum = 0.0;
                for (int ch = 0; ch < in.c; ++ch) sum += dout.v[(std::size_t)i * in.c + ch] * in.v[(std::size_t)j * in.c + ch];
                dmat[i * taps + j] += (float)sum;
            }
    Taps din = zeros(in.size, in.c);
    for (int j = 0; j < taps; ++j)
        for (int ch = 0; ch < in.c; ++ch) {
            double sum = 0.0;
            for (int i = 0; i < taps; ++i) sum += dout.v[(std::size_t)i * in.c + ch] * (double)mat[i * taps + j];
            din.v[(std::size_t)j * in.c + ch] = sum;
        }
    return din;
}

// Gradient of `centre(in, dc.size)` with respect to `in` (size `size`): dc placed in the middle.
Taps embed(const Taps& dc, int size) {
    Taps t = zeros(size, dc.c);
    int m = (size - dc.size) / 2;
    for (int kh = 0; kh < dc.size; ++kh)
        for (int kw = 0; kw < dc.size; ++kw)
            for (int ch = 0; ch < dc.c; ++ch) t.at(kh + m, kw + m, ch) = dc.at(kh, kw, ch);
    return t;
}

// dweight[centre `size` crop, first c channels] += d.
void add_to_stored(const DwShape& s, const Taps& d, float* dweight) {
    int m = (s.k_max - d.size) / 2;
    for (int kh = 0; kh < d.size; ++kh)
        for (int kw = 0; kw < d.size; ++kw)
            for (int ch = 0; ch < s.c; ++ch)
                dweight[((std::size_t)(kh + m) * s.k_max + (kw + m)) * s.c_max + ch] += (float)d.at(kh, kw, ch);
}

bool chain_active(const DwShape& s) { return s.transform != 0 && s.k < s.k_max; }

}  // namespace

std::vector<double> effective_kernel(const DwShape& s, const float* weight, const float* t75, const float* t53) {
    if (!chain_active(s)) return stored_centre(s, weight, s.k).v;
    // The chain starts from the stored centre 5x5 (k_max 7 maps it through t75; k_max 5 is it).
    Taps w5 = stored_centre(s, weight, 5);
    if (s.k_max == 7) w5 = apply(t75, w5);
    if (s.k == 5) return w5.v;
    return apply(t53, centre(w5, 3)).v;
}

void effective_kernel_backward(const DwShape& s, const float* weight, const float* t75, const float* t53,
                               const std::vector<double>& dkeff, float* dweight, float* dt75, float* dt53) {
    if (!chain_active(s)) {
        if (dweight == nullptr) return;
        Taps d = zeros(s.k, s.c);
        d.v = dkeff;
        add_to_stored(s, d, dweight);
        return;
    }
    // Recompute the forward intermediates.
    Taps stored5 = stored_centre(s, weight, 5);
    Taps w5 = s.k_max == 7 ? apply(t75, stored5) : stored5;
    Taps dw5;
    if (s.k == 5) {
        dw5 = zeros(5, s.c);
        dw5.v = dkeff;
    } else {
        Taps dw3 = zeros(3, s.c);
        dw3.v = dkeff;
        Taps dcentre3 = apply_backward(t53, centre(w5, 3), dw3, dt53);
        dw5 = embed(dcentre3, 5);
    }
    Taps dstored5 = s.k_max == 7 ? apply_backward(t75, stored5, dw5, dt75) : dw5;
    if (dweight != nullptr) add_to_stored(s, dstored5, dweight);
}

}  // namespace compofa::ref
