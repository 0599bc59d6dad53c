// Kernel transform chain of the CPU backend; see kernel_transform.h. Tap stacks are [taps][c]
// float arrays (channels contiguous), small enough (<= 25 x c) to build per call.
#include "cpu/kernel_transform.h"

#include <algorithm>

namespace compofa::cpu {

namespace {

// dst[size*size][c] = centre size x size taps of the stored weight (first c channels).
void load_centre(const DwShape& s, const float* weight, int size, float* dst) {
    const int m = (s.k_max - size) / 2;
    for (int kh = 0; kh < size; ++kh)
        for (int kw = 0; kw < size; ++kw)
            std::copy_n(weight + ((int64_t)(kh + m) * s.k_max + kw + m) * s.c_max, s.c,
                        dst + (int64_t)(kh * size + kw) * s.c);
}

// Centre `size` taps of a `from` x `from` stack (from >= size).
std::vector<float> crop(const float* src, int from, int size, int c) {
    std::vector<float> out((size_t)size * size * c);
    const int m = (from - size) / 2;
    for (int kh = 0; kh < size; ++kh)
        for (int kw = 0; kw < size; ++kw)
            std::copy_n(src + (int64_t)((kh + m) * from + kw + m) * c, c, out.data() + (int64_t)(kh * size + kw) * c);
    return out;
}

// out[i][ch] = sum_j mat[i][j] * in[j][ch]  (taps x taps matrix).
void mat_apply(const float* mat, const float* in, int taps, int c, float* __restrict out) {
    for (int i = 0; i < taps; ++i) {
        float* __restrict o = out + (int64_t)i * c;
        std::fill_n(o, c, 0.0f);
        for (int j = 0; j < taps; ++j) {
            const float t = mat[i * taps + j];
            const float* __restrict x = in + (int64_t)j * c;
            for (int ch = 0; ch < c; ++ch) o[ch] += t * x[ch];
        }
    }
}

// out[j][ch] = sum_i mat[i][j] * dout[i][ch]  (the transpose, for the input gradient).
void mat_apply_transposed(const float* mat, const float* dout, int taps, int c, float* __restrict out) {
    std::fill_n(out, (int64_t)taps * c, 0.0f);
    for (int i = 0; i < taps; ++i)
        for (int j = 0; j < taps; ++j) {
            const float t = mat[i * taps + j];
            const float* __restrict d = dout + (int64_t)i * c;
            float* __restrict o = out + (int64_t)j * c;
            for (int ch = 0; ch < c; ++ch) o[ch] += t * d[ch];
        }
}

// dmat[i][j] += sum_ch dout[i][ch] * in[j][ch], summed in double.
void mat_grad(const float* dout, const float* in, int taps, int c, float* dmat) {
    for (int i = 0; i < taps; ++i)
        for (int j = 0; j < taps; ++j) {
            const float* d = dout + (int64_t)i * c;
            const float* x = in + (int64_t)j * c;
            double sum = 0.0;
#pragma omp simd reduction(+ : sum)
            for (int ch = 0; ch < c; ++ch) sum += (double)d[ch] * x[ch];
            dmat[i * taps + j] += (float)sum;
        }
}

}  // namespace

KernelView effective_kernel(const DwShape& s, const float* weight, const float* t75, const float* t53,
                            std::vector<float>& storage) {
    if (!chain_active(s)) return {weight + s.crop_offset(), (int64_t)s.k_max * s.c_max, s.c_max};
    const int c = s.c;
    std::vector<float> w5((size_t)25 * c);
    load_centre(s, weight, 5, w5.data());
    if (s.k_max == 7) {
        std::vector<float> stored5 = std::move(w5);
        w5.assign((size_t)25 * c, 0.0f);
        mat_apply(t75, stored5.data(), 25, c, w5.data());
    }
    if (s.k == 5) {
        storage = std::move(w5);
    } else {
        std::vector<float> c3 = crop(w5.data(), 5, 3, c);
        storage.assign((size_t)9 * c, 0.0f);
        mat_apply(t53, c3.data(), 9, c, storage.data());
    }
    return {storage.data(), (int64_t)s.k * c, c};
}

void effective_kernel_backward(const DwShape& s, const float* weight, const float* t75, const float* t53,
                               const float* dkeff, float* dweight, float* dt75, float* dt53) {
    const int c = s.c;
    if (!chain_active(s)) {
        if (dweight == nullptr) return;
        float* base = dweight + s.crop_offset();
        for (int kh = 0; kh < s.k; ++kh)
            for (int kw = 0; kw < s.k; ++kw) {
                float* __restrict d = base + ((int64_t)kh * s.k_max + kw) * s.c_max;
                const float* __restrict g = dkeff + (int64_t)(kh * s.k + kw) * c;
                for (int ch = 0; ch < c; ++ch) d[ch] += g[ch];
            }
        return;
    }
    // Forward intermediates: the stored centre 5x5 and the (transformed) 5x5.
    std::vector<float> stored5((size_t)25 * c);
    load_centre(s, weight, 5, stored5.data());
    std::vector<float> dw5((size_t)25 * c, 0.0f);
    if (s.k == 5) {
        std::copy_n(dkeff, (size_t)25 * c, dw5.begin());
    } else {
        std::vector<float> w5 = stored5;
        if (s.k_max == 7) mat_apply(t75, stored5.data(), 25, c, w5.data());
        std::vector<float> c3 = crop(w5.data(), 5, 3, c);
        if (dt53 != nullptr) mat_grad(dkeff, c3.data(), 9, c, dt53);
        std::vector<float> dc3((size_t)9 * c);
        mat_apply_transposed(t53, dkeff, 9, c, dc3.data());
        for (int kh = 0; kh < 3; ++kh)  // the gradient of the centre crop: back into the middle
            std::copy_n(dc3.data() + (int64_t)kh * 3 * c, 3 * c, dw5.data() + (int64_t)((kh + 1) * 5 + 1) * c);
    }
    std::vector<float> dstored5;
    if (s.k_max == 7) {
        if (dt75 != nullptr) mat_grad(dw5.data(), stored5.data(), 25, c, dt75);
        dstored5.resize((size_t)25 * c);
        mat_apply_transposed(t75, dw5.data(), 25, c, dstored5.data());
    } else {
        dstored5 = std::move(dw5);
    }
    if (dweight == nullptr) return;
    const int m = (s.k_max - 5) / 2;
    for (int kh = 0; kh < 5; ++kh)
        for (int kw = 0; kw < 5; ++kw) {
            float* __restrict d = dweight + ((int64_t)(kh + m) * s.k_max + kw + m) * s.c_max;
            const float* __restrict g = dstored5.data() + (int64_t)(kh * 5 + kw) * c;
            for (int ch = 0; ch < c; ++ch) d[ch] += g[ch];
        }
}

}  // namespace compofa::cpu
