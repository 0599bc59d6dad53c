// Emulated CUDA kernels vs the reference backend on random odd shapes.
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "common/kernels.h"

using namespace compofa;
#include <cuda_runtime.h>

static std::mt19937 rng(1234);
static std::vector<float> rnd(size_t n) {
    std::uniform_real_distribution<float> u(-1, 1);
    std::vector<float> v(n);
    for (auto& x : v) x = u(rng);
    return v;
}
static int failures = 0;
static void cmp(const char* what, const std::string& tag, const std::vector<float>& got, const std::vector<float>& ref,
                double tol = 1e-4) {
    double worst = 0;
    size_t wi = 0;
    for (size_t i = 0; i < ref.size(); ++i) {
        double err = std::fabs(double(got[i]) - ref[i]) / (1e-3 + std::fabs(ref[i]) * 0 + 1.0);
        if (!(err <= worst) || std::isnan(got[i])) { worst = std::isnan(got[i]) ? 1e30 : err; wi = i; }
    }
    if (worst > tol) {
        ++failures;
        std::printf("FAIL %s %s: worst %.3g at %zu (got %g ref %g)\n", what, tag.c_str(), worst, wi, got[wi], ref[wi]);
    }
}

static void test_dwconv(int n, int h, int w, int c, int c_max, int k, int k_max, int stride, int tr, bool want_dx,
                        bool want_dw, bool want_dt, int offset_floats) {
    DwShape s{n, h, w, c, c_max, k, k_max, stride, tr, (h - 1) / stride + 1, (w - 1) / stride + 1, k / 2};
    std::string tag = "n" + std::to_string(n) + " h" + std::to_string(h) + " w" + std::to_string(w) + " c" +
                      std::to_string(c) + "/" + std::to_string(c_max) + " k" + std::to_string(k) + "/" +
                      std::to_string(k_max) + " s" + std::to_string(stride) + " tr" + std::to_string(tr) +
                      " off" + std::to_string(offset_floats) + (want_dx ? " dx" : "") + (want_dw ? " dw" : "") + (want_dt ? " dt" : "");
    // offset_floats shifts x/y so float4 paths get misaligned pointers
    std::vector<float> xb = rnd(s.x_len() + 4), wt = rnd(s.weight_len()), t75 = rnd(625), t53 = rnd(81),
                       dyb = rnd(s.y_len() + 4);
    for (auto& v : t75) v *= 0.3f;
    for (auto& v : t53) v *= 0.4f;
    const float* x = xb.data() + offset_floats;
    const float* dy = dyb.data() + offset_floats;
    const float* p75 = s.uses_t75() ? t75.data() : nullptr;
    const float* p53 = s.uses_t53() ? t53.data() : nullptr;
    std::vector<float> y1(s.y_len() + 4, 7.f), y2(s.y_len() + 4, 7.f);
    reference_kernels().dwconv_forward(DwForward{s, x, wt.data(), p75, p53, y1.data() + offset_floats}, nullptr);
    cuda_kernels().dwconv_forward(DwForward{s, x, wt.data(), p75, p53, y2.data() + offset_floats}, nullptr);
    cmp("forward", tag, y2, y1);

    std::vector<float> dx1(s.x_len() + 4, 3.f), dx2 = dx1;
    std::vector<float> dw1 = rnd(s.weight_len()), dw2 = dw1;
    std::vector<float> d75a = rnd(625), d75b = d75a, d53a = rnd(81), d53b = d53a;
    auto mk = [&](std::vector<float>& dx, std::vector<float>& dw, std::vector<float>& d75, std::vector<float>& d53) {
        return DwBackward{s, x, wt.data(), p75, p53, dy, want_dx ? dx.data() + offset_floats : nullptr,
                          want_dw ? dw.data() : nullptr, want_dt && s.uses_t75() ? d75.data() : nullptr,
                          want_dt && s.uses_t53() ? d53.data() : nullptr};
    };
    reference_kernels().dwconv_backward(mk(dx1, dw1, d75a, d53a), nullptr);
    cuda_kernels().dwconv_backward(mk(dx2, dw2, d75b, d53b), nullptr);
    cmp("dx", tag, dx2, dx1);
    cmp("dweight", tag, dw2, dw1, 2e-4 * std::sqrt(double(n * h * w)));
    cmp("dt75", tag, d75b, d75a, 2e-4 * std::sqrt(double(n * h * w * c)));
    cmp("dt53", tag, d53b, d53a, 2e-4 * std::sqrt(double(n * h * w * c)));
}

// The operand rounding of the tensor-core precisions, written independently of the kernels' (and
// the shim's) bit tricks: TF32 keeps 11 significant bits, ties away from zero; BF16 keeps 8, ties to even.
static float round_significant(float v, int bits, bool ties_even) {
    if (v == 0.0f || !std::isfinite(v)) return v;
    int e;
    const double m = std::frexp(double(v), &e);  // |m| in [0.5, 1)
    const double scaled = std::ldexp(m, bits);
    return float(std::ldexp(ties_even ? std::nearbyint(scaled) : std::round(scaled), e - bits));
}
static std::vector<float> rounded(std::vector<float> v, int precision) {
    if (precision == COMPOFA_PRECISION_FP32) return v;
    for (auto& x : v) x = precision == COMPOFA_PRECISION_TF32 ? round_significant(x, 11, false) : round_significant(x, 8, true);
    return v;
}

// precision: the CUDA kernel's setting (TF32/BF16 run the tensor-core kernel of gemm_tc.cu); the
// reference multiplies the operands rounded the same way, in fp32/double as it always does.
static void test_gemm(int ta, int tb, int m, int n, int k, float alpha, float beta, int pad,
                      int precision = COMPOFA_PRECISION_FP32) {
    int lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad;
    size_t arows = ta ? k : m, brows = tb ? n : k;
    std::vector<float> a = rnd(arows * lda), b = rnd(brows * ldb), c1 = rnd(size_t(m) * ldc);
    if (beta == 0) for (auto& v : c1) v = NAN;
    std::vector<float> c2 = c1, c0 = c1;
    const std::vector<float> ar = rounded(a, precision), br = rounded(b, precision);
    Gemm g{bool(ta), bool(tb), m, n, k, alpha, ar.data(), lda, br.data(), ldb, beta, c1.data(), ldc};
    reference_kernels().gemm(g, nullptr);
    g.a = a.data();
    g.b = b.data();
    g.c = c0.data();
    reference_kernels().gemm(g, nullptr);  // unrounded: the rounding must show for BF16
    g.c = c2.data();
    g.precision = precision;
    cuda_kernels().gemm(g, nullptr);
    // pad columns of C are untouched: NaN == NaN there when beta == 0; compare only valid region
    std::vector<float> v1, v2;
    double unrounded_gap = 0;
    for (int i = 0; i < m; ++i) for (int j = 0; j < ldc; ++j) {
        if (j < n) {
            v1.push_back(c1[size_t(i) * ldc + j]);
            v2.push_back(c2[size_t(i) * ldc + j]);
            unrounded_gap = std::max(unrounded_gap, std::fabs(double(c2[size_t(i) * ldc + j]) - c0[size_t(i) * ldc + j]));
        }
        else if (!(std::isnan(c1[size_t(i)*ldc+j]) && std::isnan(c2[size_t(i)*ldc+j])) && c1[size_t(i)*ldc+j] != c2[size_t(i)*ldc+j]) { ++failures; std::printf("FAIL gemm pad touched\n"); }
    }
    const std::string tag = "ta" + std::to_string(ta) + " tb" + std::to_string(tb) + " m" + std::to_string(m) + " n" +
                            std::to_string(n) + " k" + std::to_string(k) + " beta" + std::to_string(beta) +
                            " precision" + std::to_string(precision);
    cmp("gemm", tag, v2, v1, 1e-4 * std::sqrt(double(k)));
    if (precision == COMPOFA_PRECISION_BF16 && k >= 16 && unrounded_gap < 1e-4) {
        ++failures;
        std::printf("FAIL gemm %s: equals the unrounded product (gap %g): operands not rounded to bf16\n", tag.c_str(),
                    unrounded_gap);
    }
}

static void test_slice(int d0, int d1, int d2, int64_t s0, int64_t s1) {
    Slice sl{d0, d1, d2, s0, s1};
    size_t src_len = size_t((d0 - 1) * s0 + (d1 - 1) * s1 + d2) + 3;
    std::vector<float> src = rnd(src_len), g1(size_t(d0) * d1 * d2, 5.f), g2 = g1;
    reference_kernels().gather(Gather{sl, src.data() + 3, g1.data()}, nullptr);
    cuda_kernels().gather(Gather{sl, src.data() + 3, g2.data()}, nullptr);
    cmp("gather", "", g2, g1, 0);
    std::vector<float> s1v = src, s2v = src, small = rnd(g1.size());
    reference_kernels().scatter_add(ScatterAdd{sl, small.data(), 0.7f, s1v.data() + 3}, nullptr);
    cuda_kernels().scatter_add(ScatterAdd{sl, small.data(), 0.7f, s2v.data() + 3}, nullptr);
    cmp("scatter_add", "", s2v, s1v, 0);
    std::vector<float> f1(1021, 1.f), f2 = f1;
    reference_kernels().fill(f1.data() + 1, 1000, -0.0f, nullptr);
    cuda_kernels().fill(f2.data() + 1, 1000, -0.0f, nullptr);
    cmp("fill", "", f2, f1, 0);
    if (!std::signbit(f2[5])) { ++failures; std::printf("FAIL fill -0\n"); }
    cuda_kernels().fill(f2.data() + 1, 1000, 0.0f, nullptr);
    if (f2[5] != 0 || std::signbit(f2[5]) || f2[0] != 1.f || f2[1001] != 1.f) { ++failures; std::printf("FAIL fill 0\n"); }
    cuda_kernels().fill(f2.data(), 1021, 2.5f, nullptr);
    if (f2[1020] != 2.5f) { ++failures; std::printf("FAIL fill 2.5\n"); }
}

int run_nn_tests(bool quick);  // test_nn.cpp

int main(int argc, char** argv) {
    const bool quick = argc > 1;
    // every (k, k_max, stride, transform) of the elastic set, vectorizable and not
    for (int k_max : {3, 5, 7})
        for (int k : {3, 5, 7}) {
            if (k > k_max) continue;
            for (int stride : {1, 2})
                for (int tr : {0, 1})
                    for (int c : {4, 7}) {
                        const int c_max = c == 4 ? 8 : 9;
                        test_dwconv(2, 9, 6, c, c_max, k, k_max, stride, tr, true, true, true, 0);
                        if (!quick) test_dwconv(1, 4, 11, c, c_max, k, k_max, stride, tr, true, c == 4, false, c == 4 ? 1 : 0);
                    }
        }
    // more pixels than one dweight block, c above 32, odd c
    test_dwconv(3, 23, 21, 37, 40, 3, 7, 1, 1, true, true, true, 0);
    test_dwconv(2, 17, 19, 40, 48, 5, 7, 2, 1, true, true, true, 0);
    test_dwconv(2, 17, 19, 33, 33, 7, 7, 2, 0, true, true, true, 0);
    test_dwconv(1, 1, 1, 1, 1, 3, 5, 1, 1, true, true, true, 0);
    test_dwconv(1, 2, 3, 65, 130, 3, 5, 2, 1, false, false, true, 0);
    test_dwconv(1, 2, 3, 65, 130, 3, 7, 2, 1, false, false, true, 0);
    test_dwconv(1, 2, 3, 65, 130, 3, 7, 2, 1, false, true, false, 0);
    for (int ta : {0, 1})
        for (int tb : {0, 1}) {
            test_gemm(ta, tb, 67, 70, 33, 1.3f, 0.0f, 3);
            test_gemm(ta, tb, 1, 1, 1, 1.0f, 1.0f, 0);
            test_gemm(ta, tb, 129, 5, 17, -0.5f, 1.0f, 1);
            test_gemm(ta, tb, 3, 130, 64, 1.0f, 0.5f, 0);
            for (int precision : {COMPOFA_PRECISION_TF32, COMPOFA_PRECISION_BF16}) {
                test_gemm(ta, tb, 67, 70, 33, 1.3f, 0.0f, 3, precision);  // tails in m, n and k
                test_gemm(ta, tb, 129, 5, 17, -0.5f, 1.0f, 1, precision);
                if (!quick) test_gemm(ta, tb, 3, 130, 64, 1.0f, 0.5f, 0, precision);
            }
        }
    test_slice(1, 5, 7, 0, 9);
    test_slice(3, 4, 5, 40, 7);
    test_slice(7, 7, 33, 7 * 40, 40);
    failures += run_nn_tests(quick);
    if (emu_live_allocs != 0) { ++failures; std::printf("FAIL scratch leak %ld\n", emu_live_allocs.load()); }
    std::printf("%s (%d failures)\n", failures ? "FAILED" : "PASSED", failures);
    return failures != 0;
}
