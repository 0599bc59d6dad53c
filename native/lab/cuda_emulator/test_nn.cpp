// Emulated CUDA network-op kernels (src/cuda/nn_*.cu) vs the reference backend (src/ref/nn_*.cpp)
// on seeded random odd shapes: every entry of NnKernelTable, the float4 and scalar paths
// (misaligned pointers), in-place use, null outputs, accumulation into prefilled gradients, and
// plans with one and with several row chunks (the emulator reports 3 SMs, so a plan targets ~24
// blocks and anything with more than ~lanes * 16 * 2 rows per segment is chunked).
#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "common/nn_kernels.h"

using namespace compofa;

namespace {

std::mt19937 rng(4321);
int failures = 0;

std::vector<float> rnd(size_t n, float lo = -1.0f, float hi = 1.0f) {
    std::uniform_real_distribution<float> u(lo, hi);
    std::vector<float> v(n);
    for (auto& x : v) x = u(rng);
    return v;
}

// |got - ref| <= atol + rtol * |ref| everywhere; NaN must meet NaN.
void cmp(const std::string& what, const float* got, const float* ref, size_t n, double atol = 1e-5,
         double rtol = 1e-4) {
    size_t bad = 0, first = 0;
    for (size_t i = 0; i < n; ++i) {
        const bool ok = std::isnan(ref[i]) ? std::isnan(got[i])
                                           : !std::isnan(got[i]) && std::fabs(double(got[i]) - ref[i]) <=
                                                                        atol + rtol * std::fabs(double(ref[i]));
        if (!ok && bad++ == 0) first = i;
    }
    if (bad != 0) {
        ++failures;
        std::printf("FAIL %s: %zu of %zu differ, first at %zu (got %.9g ref %.9g)\n", what.c_str(), bad, n, first,
                    got[first], ref[first]);
    }
}
void cmp(const std::string& what, const std::vector<float>& got, const std::vector<float>& ref, double atol = 1e-5,
         double rtol = 1e-4) {
    cmp(what, got.data(), ref.data(), ref.size(), atol, rtol);
}

std::string dims(std::initializer_list<long long> v) {
    std::string s;
    for (long long x : v) s += (s.empty() ? "" : "x") + std::to_string(x);
    return s;
}

const NnKernelTable& R() { return reference_nn_kernels(); }
const NnKernelTable& G() { return cuda_nn_kernels(); }

// ---- im2col / col2im ---------------------------------------------------------------------------

void test_im2col(int n, int h, int w, int c, int k, int stride, int pad) {
    ConvShape s{n, h, w, c, k, stride, pad, (h + 2 * pad - k) / stride + 1, (w + 2 * pad - k) / stride + 1};
    const std::string tag = "im2col " + dims({n, h, w, c}) + " k" + std::to_string(k) + " s" + std::to_string(stride) +
                            " p" + std::to_string(pad);
    const size_t xl = size_t(n) * h * w * c, cl = size_t(s.col_rows() * s.col_cols());
    const auto x = rnd(xl);
    std::vector<float> c1(cl, 9.f), c2(cl, 9.f);
    R().im2col(s, x.data(), c1.data(), nullptr);
    G().im2col(s, x.data(), c2.data(), nullptr);
    cmp(tag, c2, c1, 0, 0);
    const auto dcol = rnd(cl);
    auto dx1 = rnd(xl), dx2 = dx1;
    R().col2im_add(s, dcol.data(), dx1.data(), nullptr);
    G().col2im_add(s, dcol.data(), dx2.data(), nullptr);
    cmp("col2im_add " + tag, dx2, dx1);
}

// ---- batch norm --------------------------------------------------------------------------------

// act: the fused compofa_batchnorm_act_* (y = act(bn(x)); the backward through both).
void test_bn(int64_t rows, int c, float offset, float spread, bool running, float momentum, int misalign,
             int32_t act = COMPOFA_ACT_IDENTITY) {
    const std::string tag = "bn " + dims({rows, c}) + " off" + std::to_string(offset) + (running ? " run" : "") +
                            " m" + std::to_string(momentum) + " mis" + std::to_string(misalign) + " act" +
                            std::to_string(act);
    const size_t len = size_t(rows) * c;
    auto xb = rnd(len + 1, offset - spread, offset + spread);
    const float* x = xb.data() + misalign;
    const auto gamma = rnd(c, 0.5f, 3.5f), beta = rnd(c);  // bn(x) reaches past +-3 (every h_swish piece)
    auto rm1 = rnd(c), rv1 = rnd(c, 0.5f, 2.0f), rm2 = rm1, rv2 = rv1;
    std::vector<float> y1(len + 1, 7.f), y2 = y1, bm1(c, 7.f), bm2 = bm1, bv1(c, 7.f), bv2 = bv1;
    const float eps = 1e-5f;
    auto train = [&](std::vector<float>& rm, std::vector<float>& rv, std::vector<float>& y, std::vector<float>& bm,
                     std::vector<float>& bv) {
        return BnTrain{rows, c, x, gamma.data(), beta.data(), running ? rm.data() : nullptr,
                       running ? rv.data() : nullptr, momentum, eps, y.data() + misalign, bm.data(), bv.data(), act};
    };
    R().bn_train(train(rm1, rv1, y1, bm1, bv1), nullptr);
    G().bn_train(train(rm2, rv2, y2, bm2, bv2), nullptr);
    // Statistics relative to the data's scale; y relative to its unit scale.
    const double scale = std::fabs(offset) + spread;
    cmp("bn_train y " + tag, y2, y1, 6e-4, 2e-4);
    cmp("bn_train mean " + tag, bm2, bm1, 1e-6 * scale, 1e-5);
    cmp("bn_train var " + tag, bv2, bv1, 1e-7, 1e-4);
    cmp("bn_train running_mean " + tag, rm2, rm1, 1e-6 * scale, 1e-5);
    cmp("bn_train running_var " + tag, rv2, rv1, 1e-7, 1e-4);

    // eval with the updated running stats (positive variance)
    std::vector<float> e1(len + 1, 7.f), e2 = e1;
    R().bn_eval(BnEval{rows, c, x, gamma.data(), beta.data(), rm1.data(), rv1.data(), eps, e1.data() + misalign},
                nullptr);
    G().bn_eval(BnEval{rows, c, x, gamma.data(), beta.data(), rm1.data(), rv1.data(), eps, e2.data() + misalign},
                nullptr);
    cmp("bn_eval " + tag, e2, e1, 1e-4 * (1 + scale), 1e-4);

    // backward: every combination of outputs, accumulating into prefilled dgamma/dbeta
    const auto dy = rnd(len);
    for (int mask = 1; mask < 8; ++mask) {
        const bool want_dx = mask & 1, want_dg = mask & 2, want_db = mask & 4;
        std::vector<float> dx1(len, 7.f), dx2 = dx1;
        auto dg1 = rnd(c), dg2 = dg1, db1 = rnd(c), db2 = db1;
        auto bwd = [&](std::vector<float>& dx, std::vector<float>& dg, std::vector<float>& db) {
            return BnBackward{rows, c, x, dy.data(), gamma.data(), bm1.data(), bv1.data(), eps,
                              want_dx ? dx.data() : nullptr, want_dg ? dg.data() : nullptr,
                              want_db ? db.data() : nullptr, act, beta.data()};
        };
        R().bn_backward(bwd(dx1, dg1, db1), nullptr);
        G().bn_backward(bwd(dx2, dg2, db2), nullptr);
        if (mask == 7) G().bn_backward(bwd(dx2, dg2, db2), nullptr), R().bn_backward(bwd(dx1, dg1, db1), nullptr);
        const std::string t = tag + " mask" + std::to_string(mask);
        const double sq = std::sqrt(double(rows));
        cmp("bn_backward dx " + t, dx2, dx1, 6e-4, 1e-3);
        cmp("bn_backward dgamma " + t, dg2, dg1, 1e-5 * sq, 1e-4);
        cmp("bn_backward dbeta " + t, db2, db1, 1e-5 * sq, 1e-4);
    }
}

// ---- element-wise ------------------------------------------------------------------------------

void test_activations(int64_t len, int misalign) {
    auto xb = rnd(size_t(len) + 1, -5.f, 5.f);
    for (float special : {-3.f, 3.f, 0.f, -0.f, 6.f})  // kinks
        xb[size_t(std::uniform_int_distribution<int64_t>(0, len - 1)(rng))] = special;
    const float* x = xb.data() + misalign;
    const auto dyb = rnd(size_t(len) + 1);
    const float* dy = dyb.data() + misalign;
    for (int kind = 0; kind < 4; ++kind) {
        const std::string tag = "kind" + std::to_string(kind) + " len" + std::to_string(len) + " mis" +
                                std::to_string(misalign);
        std::vector<float> y1(size_t(len) + 1, 7.f), y2 = y1;
        R().act_forward(kind, x, y1.data() + misalign, len, nullptr);
        G().act_forward(kind, x, y2.data() + misalign, len, nullptr);
        cmp("act_forward " + tag, y2, y1, 1e-6, 1e-6);
        auto inplace = xb;
        G().act_forward(kind, inplace.data() + misalign, inplace.data() + misalign, len, nullptr);
        cmp("act_forward in place " + tag, inplace.data() + misalign, y1.data() + misalign, size_t(len), 1e-6, 1e-6);
        std::vector<float> dx1(size_t(len) + 1, 7.f), dx2 = dx1;
        R().act_backward(kind, x, dy, dx1.data() + misalign, len, nullptr);
        G().act_backward(kind, x, dy, dx2.data() + misalign, len, nullptr);
        cmp("act_backward " + tag, dx2, dx1, 1e-6, 1e-6);
        auto g = dyb;
        G().act_backward(kind, x, g.data() + misalign, g.data() + misalign, len, nullptr);
        cmp("act_backward in place " + tag, g.data() + misalign, dx1.data() + misalign, size_t(len), 1e-6, 1e-6);
    }
}

void test_axpby_dropout(int64_t len, int misalign) {
    const std::string tag = "len" + std::to_string(len) + " mis" + std::to_string(misalign);
    const auto xb = rnd(size_t(len) + 1);
    const float* x = xb.data() + misalign;
    for (float beta : {0.0f, 1.0f, -0.5f}) {
        auto y1 = rnd(size_t(len) + 1);
        if (beta == 0.0f) y1.assign(y1.size(), std::numeric_limits<float>::quiet_NaN());
        auto y2 = y1;
        R().axpby(len, 1.25f, x, beta, y1.data() + misalign, nullptr);
        G().axpby(len, 1.25f, x, beta, y2.data() + misalign, nullptr);
        cmp("axpby beta" + std::to_string(beta) + " " + tag, y2.data() + misalign, y1.data() + misalign, size_t(len),
            1e-6, 1e-6);
    }
    for (float p : {0.0f, 0.3f, 0.9f}) {
        const uint64_t seed = 0x1234567890abcdefull + uint64_t(len);
        std::vector<float> y1(size_t(len) + 1, 7.f), y2 = y1;
        R().dropout_forward(len, p, seed, x, y1.data() + misalign, nullptr);
        G().dropout_forward(len, p, seed, x, y2.data() + misalign, nullptr);
        cmp("dropout_forward p" + std::to_string(p) + " " + tag, y2, y1, 1e-6, 1e-6);
        auto inplace = xb;
        G().dropout_backward(len, p, seed, inplace.data() + misalign, inplace.data() + misalign, nullptr);
        cmp("dropout_backward in place p" + std::to_string(p) + " " + tag, inplace.data() + misalign,
            y1.data() + misalign, size_t(len), 1e-6, 1e-6);
        size_t mask_diff = 0;  // the mask itself: zero exactly where the host's mask drops
        for (int64_t i = 0; i < len; ++i)
            mask_diff += (y2[size_t(i + misalign)] == 0.0f) != !dropout_keep(seed, uint64_t(i), p);
        if (mask_diff != 0) {
            ++failures;
            std::printf("FAIL dropout mask %s p%g: %zu differ\n", tag.c_str(), p, mask_diff);
        }
    }
}

void test_sgd(int64_t len, int misalign, bool buffer, bool nesterov, float momentum, float wd) {
    const std::string tag = "sgd len" + std::to_string(len) + " mis" + std::to_string(misalign) +
                            (buffer ? " buf" : "") + (nesterov ? " nesterov" : "") + " m" + std::to_string(momentum);
    auto p1 = rnd(size_t(len) + 1), p2 = p1, b1 = rnd(size_t(len) + 1), b2 = b1;
    const auto g = rnd(size_t(len) + 1);
    for (int step = 0; step < 2; ++step) {
        auto op = [&](std::vector<float>& p, std::vector<float>& b) {
            return SgdStep{len, p.data() + misalign, g.data() + misalign, buffer ? b.data() + misalign : nullptr,
                           0.1f, momentum, wd, nesterov};
        };
        R().sgd_step(op(p1, b1), nullptr);
        G().sgd_step(op(p2, b2), nullptr);
    }
    cmp(tag + " param", p2, p1, 1e-6, 1e-5);
    cmp(tag + " buf", b2, b1, 1e-6, 1e-5);
}

// ---- per-channel ops ---------------------------------------------------------------------------

void test_bias(int64_t rows, int c) {
    const std::string tag = dims({rows, c});
    auto y1 = rnd(size_t(rows) * c), y2 = y1;
    const auto bias = rnd(c);
    R().bias_add(rows, c, y1.data(), bias.data(), nullptr);
    G().bias_add(rows, c, y2.data(), bias.data(), nullptr);
    cmp("bias_add " + tag, y2, y1, 1e-6, 1e-6);
    auto d1 = rnd(c), d2 = d1;
    R().bias_backward(rows, c, y1.data(), d1.data(), nullptr);
    G().bias_backward(rows, c, y1.data(), d2.data(), nullptr);
    G().bias_backward(rows, c, y1.data(), d2.data(), nullptr);  // accumulates
    R().bias_backward(rows, c, y1.data(), d1.data(), nullptr);
    cmp("bias_backward " + tag, d2, d1, 1e-5 * std::sqrt(double(rows)), 1e-4);
}

void test_gap_scale(int n, int hw, int c) {
    const std::string tag = dims({n, hw, c});
    const size_t len = size_t(n) * hw * c, sl = size_t(n) * c;
    const auto x = rnd(len), dy = rnd(len), s = rnd(sl), gy = rnd(sl);
    std::vector<float> y1(sl, 7.f), y2 = y1;
    R().gap_forward(n, hw, c, x.data(), y1.data(), nullptr);
    G().gap_forward(n, hw, c, x.data(), y2.data(), nullptr);
    cmp("gap_forward " + tag, y2, y1, 1e-6, 1e-4);
    std::vector<float> dx1(len, 7.f), dx2 = dx1;
    R().gap_backward(n, hw, c, gy.data(), dx1.data(), nullptr);
    G().gap_backward(n, hw, c, gy.data(), dx2.data(), nullptr);
    cmp("gap_backward " + tag, dx2, dx1, 1e-7, 1e-6);

    std::vector<float> z1(len, 7.f), z2 = z1;
    R().scale_forward(n, hw, c, x.data(), s.data(), z1.data(), nullptr);
    G().scale_forward(n, hw, c, x.data(), s.data(), z2.data(), nullptr);
    cmp("scale_forward " + tag, z2, z1, 1e-7, 1e-6);
    for (int mask = 1; mask < 4; ++mask) {
        std::vector<float> sx1(len, 7.f), sx2 = sx1, ds1(sl, 7.f), ds2 = ds1;
        auto dxp = [&](std::vector<float>& v) { return mask & 1 ? v.data() : nullptr; };
        auto dsp = [&](std::vector<float>& v) { return mask & 2 ? v.data() : nullptr; };
        R().scale_backward(n, hw, c, x.data(), s.data(), dy.data(), dxp(sx1), dsp(ds1), nullptr);
        G().scale_backward(n, hw, c, x.data(), s.data(), dy.data(), dxp(sx2), dsp(ds2), nullptr);
        const std::string t = tag + " mask" + std::to_string(mask);
        cmp("scale_backward dx " + t, sx2, sx1, 1e-7, 1e-6);
        cmp("scale_backward ds " + t, ds2, ds1, 1e-5 * std::sqrt(double(hw)), 1e-4);
    }
    // dx in place over dy (ds must still see the original dy)
    auto g = dy;
    std::vector<float> sx1(len), ds1(sl), ds2(sl);
    R().scale_backward(n, hw, c, x.data(), s.data(), dy.data(), sx1.data(), ds1.data(), nullptr);
    G().scale_backward(n, hw, c, x.data(), s.data(), g.data(), g.data(), ds2.data(), nullptr);
    cmp("scale_backward in place dx " + tag, g, sx1, 1e-7, 1e-6);
    cmp("scale_backward in place ds " + tag, ds2, ds1, 1e-5 * std::sqrt(double(hw)), 1e-4);
}

// ---- losses ------------------------------------------------------------------------------------

void test_losses(int n, int classes, float smoothing, float logit_scale, bool bad_label) {
    const std::string tag = dims({n, classes}) + " s" + std::to_string(smoothing) + " x" +
                            std::to_string(logit_scale) + (bad_label ? " bad" : "");
    const size_t len = size_t(n) * classes;
    const auto z = rnd(len, -logit_scale, logit_scale), t = rnd(len, -logit_scale, logit_scale);
    std::vector<int32_t> labels(n);
    for (auto& l : labels) l = std::uniform_int_distribution<int32_t>(0, classes - 1)(rng);
    if (bad_label) labels[0] = -1, labels[n - 1] = classes;
    for (bool want_grad : {true, false}) {
        std::vector<float> l1(n, 7.f), l2 = l1, d1(len, 7.f), d2 = d1;
        auto ce = [&](std::vector<float>& l, std::vector<float>& d) {
            return CrossEntropy{n, classes, z.data(), labels.data(), smoothing, 0.5f, l.data(),
                                want_grad ? d.data() : nullptr};
        };
        R().cross_entropy(ce(l1, d1), nullptr);
        G().cross_entropy(ce(l2, d2), nullptr);
        const std::string g = want_grad ? " grad" : "";
        cmp("cross_entropy loss " + tag + g, l2, l1, 1e-5, 1e-5);
        if (!bad_label) cmp("cross_entropy dlogits " + tag + g, d2, d1, 1e-6, 1e-5);
        else cmp("cross_entropy dlogits (valid rows) " + tag + g, d2.data() + classes, d1.data() + classes,
                 size_t(n - 2) * classes, 1e-6, 1e-5);
        if (bad_label && !(std::isnan(l2[0]) && std::isnan(l2[n - 1]))) {
            ++failures;
            std::printf("FAIL cross_entropy bad label loss not NaN %s\n", tag.c_str());
        }

        auto sce = [&](std::vector<float>& l, std::vector<float>& d) {
            return SoftCrossEntropy{n, classes, z.data(), t.data(), 0.25f, l.data(), want_grad ? d.data() : nullptr};
        };
        std::fill(l1.begin(), l1.end(), 7.f), l2 = l1, std::fill(d1.begin(), d1.end(), 7.f), d2 = d1;
        R().soft_cross_entropy(sce(l1, d1), nullptr);
        G().soft_cross_entropy(sce(l2, d2), nullptr);
        cmp("soft_cross_entropy loss " + tag + g, l2, l1, 1e-5, 1e-5);
        cmp("soft_cross_entropy dstudent " + tag + g, d2, d1, 1e-6, 1e-5);
    }
}

// ---- resize ------------------------------------------------------------------------------------

void test_resize(int n, int h, int w, int c, int ho, int wo) {
    const std::string tag = dims({n, h, w, c}) + "->" + dims({ho, wo});
    const auto x = rnd(size_t(n) * h * w * c);
    std::vector<float> y1(size_t(n) * ho * wo * c, 7.f), y2 = y1;
    R().resize_bilinear(Resize{n, h, w, c, ho, wo, x.data(), y1.data()}, nullptr);
    G().resize_bilinear(Resize{n, h, w, c, ho, wo, x.data(), y2.data()}, nullptr);
    cmp("resize_bilinear " + tag, y2, y1, 1e-6, 1e-5);
}

}  // namespace

// ---- fused inference ops (epilogue in the GEMM / depthwise store) -----------------------------

// The epilogue's vectors over c_max channels (running_var > 0); `parts`: 1 bias, 2 batch norm.
struct EpiData {
    std::vector<float> bias, gamma, beta, mean, var;
    explicit EpiData(int c_max)
        : bias(rnd(c_max, -2.f, 2.f)), gamma(rnd(c_max)), beta(rnd(c_max)), mean(rnd(c_max, -1.5f, 1.5f)),
          var(rnd(c_max, 0.05f, 2.f)) {}
    Epilogue make(int parts, int act) const {
        Epilogue e;
        if (parts & 1) e.bias = bias.data();
        if (parts & 2) e.gamma = gamma.data(), e.beta = beta.data(), e.mean = mean.data(), e.var = var.data();
        e.act = act;
        return e;
    }
};

void test_conv1x1_fused(int rows, int cin, int cout, int ldw, int parts, int act) {
    const std::string tag = dims({rows, cin, cout, ldw}) + " parts" + std::to_string(parts) + " act" + std::to_string(act);
    const auto x = rnd(size_t(rows) * cin), w = rnd(size_t(cout) * ldw);
    const EpiData d(cout + 3);
    std::vector<float> y1(size_t(rows) * cout, 7.f), y2 = y1;
    R().conv1x1_fused(FusedConv1x1{rows, cin, cout, x.data(), w.data(), ldw, y1.data(), d.make(parts, act)}, nullptr);
    G().conv1x1_fused(FusedConv1x1{rows, cin, cout, x.data(), w.data(), ldw, y2.data(), d.make(parts, act)}, nullptr);
    cmp("conv1x1_fused " + tag, y2, y1, 1e-4, 1e-4);
}

// The training 1x1 convolution with its column statistics (fp32 SIMT and tensor-core stores), then
// the batch norm that uses them (stats_given) against the reference's plain batch norm of y.
void test_conv1x1_stats(int rows, int cin, int cout, int ldw, float offset, int precision) {
    const std::string tag = dims({rows, cin, cout, ldw}) + " off" + std::to_string(offset) + " prec" +
                            std::to_string(precision);
    auto x = rnd(size_t(rows) * cin);
    x.push_back(0.0f);
    for (int r = 0; r < rows; ++r) x[size_t(r) * cin] = offset;  // input 0 constant: column means ~ offset * w[j][0]
    const auto w = rnd(size_t(cout) * ldw);
    std::vector<float> y1(size_t(rows) * cout, 7.f), y2 = y1, m1(cout, 7.f), v1 = m1, m2 = m1, v2 = m1;
    R().conv1x1_fused(FusedConv1x1{rows, cin, cout, x.data(), w.data(), ldw, y1.data(), Epilogue{},
                                   COMPOFA_PRECISION_FP32, m1.data(), v1.data()}, nullptr);
    G().conv1x1_fused(FusedConv1x1{rows, cin, cout, x.data(), w.data(), ldw, y2.data(), Epilogue{}, precision,
                                   m2.data(), v2.data()}, nullptr);
    const double scale = 1.0 + std::fabs(offset);
    const double tol = precision == COMPOFA_PRECISION_FP32 ? 1e-4 : 2e-2;  // rounded operands: looser
    cmp("conv1x1_stats y " + tag, y2, y1, tol * scale, tol);
    cmp("conv1x1_stats mean " + tag, m2, m1, tol * scale, tol);
    cmp("conv1x1_stats var " + tag, v2, v1, tol * scale * scale, tol);
    if (precision != COMPOFA_PRECISION_FP32) return;
    // The batch norm + h_swish with those statistics == the reference gathering its own.
    const auto gamma = rnd(cout, 0.5f, 1.5f), beta = rnd(cout);
    std::vector<float> z1(y1.size(), 7.f), z2 = z1, bm(cout), bv(cout);
    R().bn_train(BnTrain{rows, cout, y1.data(), gamma.data(), beta.data(), nullptr, nullptr, 0.1f, 1e-5f, z1.data(),
                         bm.data(), bv.data(), COMPOFA_ACT_HSWISH}, nullptr);
    auto rm = rnd(cout), rv = rnd(cout, 0.5f, 2.0f), rm_ref = rm, rv_ref = rv;
    G().bn_train(BnTrain{rows, cout, y1.data(), gamma.data(), beta.data(), rm.data(), rv.data(), 0.1f, 1e-5f,
                         z2.data(), m2.data(), v2.data(), COMPOFA_ACT_HSWISH, true}, nullptr);
    cmp("bn_train stats_given y " + tag, z2, z1, 1e-3, 1e-3);
    for (int j = 0; j < cout; ++j) {  // running stats moved with the given statistics
        rm_ref[j] = 0.9f * rm_ref[j] + 0.1f * m2[j];
        rv_ref[j] = 0.9f * rv_ref[j] + 0.1f * float(double(v2[j]) * rows / (rows - 1));
    }
    cmp("bn_train stats_given running_mean " + tag, rm, rm_ref, 1e-6, 1e-5);
    cmp("bn_train stats_given running_var " + tag, rv, rv_ref, 1e-6, 1e-5);
}

void test_dwconv_fused(int n, int h, int w, int c, int c_max, int k, int k_max, int stride, int tr, int parts,
                       int act) {
    DwShape s{n, h, w, c, c_max, k, k_max, stride, tr, (h - 1) / stride + 1, (w - 1) / stride + 1, k / 2};
    const std::string tag = dims({n, h, w, c, c_max, k, k_max, stride, tr}) + " parts" + std::to_string(parts) +
                            " act" + std::to_string(act);
    const auto x = rnd(s.x_len()), wt = rnd(s.weight_len());
    auto t75 = rnd(625, -0.3f, 0.3f), t53 = rnd(81, -0.4f, 0.4f);
    const float* p75 = s.uses_t75() ? t75.data() : nullptr;
    const float* p53 = s.uses_t53() ? t53.data() : nullptr;
    const EpiData d(c_max);
    std::vector<float> y1(s.y_len(), 7.f), y2 = y1;
    R().dwconv_fused(DwForward{s, x.data(), wt.data(), p75, p53, y1.data()}, d.make(parts, act), nullptr);
    G().dwconv_fused(DwForward{s, x.data(), wt.data(), p75, p53, y2.data()}, d.make(parts, act), nullptr);
    cmp("dwconv_fused " + tag, y2, y1, 1e-4, 1e-4);
}

// The training depthwise forward: y and its channel statistics against the reference's two passes.
void test_dwconv_stats(int n, int h, int w, int c, int c_max, int k, int k_max, int stride, int tr, float offset) {
    DwShape s{n, h, w, c, c_max, k, k_max, stride, tr, (h - 1) / stride + 1, (w - 1) / stride + 1, k / 2};
    const std::string tag = dims({n, h, w, c, c_max, k, k_max, stride, tr}) + " off" + std::to_string(offset);
    auto x = rnd(s.x_len());
    for (float& v : x) v += offset;  // a large common offset: the variance must survive it
    const auto wt = rnd(s.weight_len());
    auto t75 = rnd(625, -0.3f, 0.3f), t53 = rnd(81, -0.4f, 0.4f);
    const float* p75 = s.uses_t75() ? t75.data() : nullptr;
    const float* p53 = s.uses_t53() ? t53.data() : nullptr;
    std::vector<float> y1(s.y_len(), 7.f), y2 = y1, m1(c, 7.f), v1 = m1, m2 = m1, v2 = m1;
    DwForward r{s, x.data(), wt.data(), p75, p53, y1.data()}, g{s, x.data(), wt.data(), p75, p53, y2.data()};
    r.batch_mean = m1.data();
    r.batch_var = v1.data();
    g.batch_mean = m2.data();
    g.batch_var = v2.data();
    R().dwconv_fused(r, Epilogue{}, nullptr);
    G().dwconv_fused(g, Epilogue{}, nullptr);
    const double scale = 1.0 + std::fabs(offset) * k;
    cmp("dwconv_stats y " + tag, y2, y1, 1e-4 * scale, 1e-4);
    cmp("dwconv_stats mean " + tag, m2, m1, 1e-4 * scale, 1e-4);
    cmp("dwconv_stats var " + tag, v2, v1, 1e-4 * scale * scale, 1e-4);
}

// Squeeze-and-excitation in one op: forward (y, saved) and backward (dx, accumulated weight grads)
// against the reference, on the supernet's weight slices (ld1 > c, ld2 > se).
void test_se(int n, int hw, int c, int se, int ld1, int ld2) {
    const std::string tag = dims({n, hw, c, se, ld1, ld2});
    const auto x = rnd(size_t(n) * hw * c, -2.0f, 2.0f), dy = rnd(x.size());
    const auto w1 = rnd(size_t(se) * ld1), b1 = rnd(se), w2 = rnd(size_t(c) * ld2, -2.0f, 2.0f), b2 = rnd(c);
    const SeWeights w{w1.data(), ld1, b1.data(), w2.data(), ld2, b2.data()};
    const size_t saved_len = size_t(se_saved_len(n, c, se));
    std::vector<float> y1(x.size(), 7.f), y2 = y1, s1(saved_len, 7.f), s2 = s1;
    R().se_forward(SeForward{n, hw, c, se, x.data(), w, y1.data(), s1.data()}, nullptr);
    G().se_forward(SeForward{n, hw, c, se, x.data(), w, y2.data(), s2.data()}, nullptr);
    cmp("se_forward y " + tag, y2, y1, 1e-5, 1e-4);
    cmp("se_forward saved " + tag, s2, s1, 1e-5, 1e-4);
    std::vector<float> y3(x.size(), 7.f);  // inference: no saved buffer, same y
    G().se_forward(SeForward{n, hw, c, se, x.data(), w, y3.data(), nullptr}, nullptr);
    cmp("se_forward inference y " + tag, y3, y1, 1e-5, 1e-4);

    auto dw1a = rnd(w1.size()), db1a = rnd(se), dw2a = rnd(w2.size()), db2a = rnd(c);
    auto dw1b = dw1a, db1b = db1a, dw2b = dw2a, db2b = db2a;
    std::vector<float> dx1(x.size(), 7.f), dx2 = dx1;
    R().se_backward(SeBackward{n, hw, c, se, x.data(), w, s1.data(), dy.data(), dx1.data(), dw1a.data(), db1a.data(),
                               dw2a.data(), db2a.data()}, nullptr);
    G().se_backward(SeBackward{n, hw, c, se, x.data(), w, s1.data(), dy.data(), dx2.data(), dw1b.data(), db1b.data(),
                               dw2b.data(), db2b.data()}, nullptr);
    cmp("se_backward dx " + tag, dx2, dx1, 1e-5, 1e-4);
    cmp("se_backward dw1 " + tag, dw1b, dw1a, 1e-5, 1e-4);
    cmp("se_backward db1 " + tag, db1b, db1a, 1e-5, 1e-4);
    cmp("se_backward dw2 " + tag, dw2b, dw2a, 1e-5, 1e-4);
    cmp("se_backward db2 " + tag, db2b, db2a, 1e-5, 1e-4);
}

int run_nn_tests(bool quick) {
    test_im2col(2, 9, 7, 3, 3, 2, 1);
    test_im2col(1, 6, 5, 2, 5, 1, 2);
    test_im2col(2, 5, 4, 5, 1, 1, 0);
    test_im2col(1, 13, 11, 3, 7, 3, 3);
    test_im2col(1, 9, 10, 1, 2, 4, 1);
    test_im2col(1, 3, 3, 2, 11, 1, 5);

    test_bn(37, 5, 0.0f, 1.0f, true, 0.1f, 0);
    test_bn(2, 300, 0.5f, 2.0f, true, 1.0f, 1);        // two channel tiles, minimum rows
    test_bn(5003, 5, 1000.0f, 1.0f, true, 0.1f, 0);   // several chunks; mean 1000 x the spread
    test_bn(1709, 3, -3.0f, 1.0f, false, 0.1f, 1);    // lanes 85, chunked, no running stats
    test_bn(301, 17, 0.0f, 1.0f, true, 0.0f, 0);      // momentum 0 leaves running stats
    if (!quick) test_bn(67, 257, 0.0f, 1.0f, true, 0.3f, 0);
    test_bn(37, 5, 0.0f, 1.0f, true, 0.1f, 0, COMPOFA_ACT_HSWISH);
    test_bn(5003, 5, 1000.0f, 1.0f, true, 0.1f, 1, COMPOFA_ACT_RELU);
    test_bn(2, 300, 0.5f, 2.0f, false, 1.0f, 0, COMPOFA_ACT_HSIGMOID);
    test_bn(1709, 3, -3.0f, 1.0f, true, 0.1f, 0, COMPOFA_ACT_HSWISH);

    test_activations(1001, 0);
    test_activations(1001, 1);
    test_activations(3, 0);
    test_axpby_dropout(1001, 0);
    test_axpby_dropout(1001, 1);
    test_axpby_dropout(5, 0);
    for (bool buffer : {true, false})
        for (bool nesterov : {false, true}) {
            if (!buffer && nesterov) continue;
            test_sgd(1001, 0, buffer, nesterov, buffer ? 0.9f : 0.0f, 1e-2f);
            test_sgd(99, 1, buffer, nesterov, buffer ? 0.9f : 0.0f, 0.0f);
        }

    test_bias(301, 7);
    test_bias(3, 513);
    test_bias(4099, 2);  // chunked
    test_gap_scale(3, 49, 19);
    test_gap_scale(2, 1000, 64);  // chunked per sample (12 chunks)
    test_gap_scale(1, 1, 260);
    if (!quick) test_gap_scale(5, 9, 33);

    test_losses(5, 3, 0.0f, 1.0f, false);
    test_losses(11, 1000, 0.1f, 8.0f, false);
    test_losses(3, 37, 0.2f, 30.0f, true);
    test_losses(9, 2, 0.0f, 100.0f, false);

    test_resize(2, 7, 5, 3, 11, 4);
    test_resize(1, 16, 13, 2, 5, 7);
    test_resize(1, 6, 6, 4, 6, 6);
    test_resize(3, 1, 9, 1, 3, 2);

    test_conv1x1_fused(131, 37, 70, 40, 2, COMPOFA_ACT_HSWISH);  // tails of both 64-wide tiles
    test_conv1x1_fused(64, 16, 64, 16, 0, COMPOFA_ACT_IDENTITY);
    test_conv1x1_fused(9, 83, 10, 96, 3, COMPOFA_ACT_RELU);
    test_conv1x1_fused(5, 17, 11, 17, 1, COMPOFA_ACT_HSIGMOID);
    for (int precision : {COMPOFA_PRECISION_FP32, COMPOFA_PRECISION_TF32, COMPOFA_PRECISION_BF16}) {
        test_conv1x1_stats(131, 37, 70, 40, 0.0f, precision);  // tails of both 64-wide tiles, two m tiles
        test_conv1x1_stats(7, 9, 5, 9, 30.0f, precision);      // one partial tile, a large common offset
    }
    test_dwconv_fused(2, 13, 11, 36, 40, 5, 7, 1, 1, 2, COMPOFA_ACT_HSWISH);  // float4 path, OFA transform
    test_dwconv_fused(1, 9, 9, 37, 48, 3, 3, 2, 0, 3, COMPOFA_ACT_RELU);     // scalar path
    test_dwconv_fused(1, 7, 7, 24, 24, 7, 7, 1, 0, 0, COMPOFA_ACT_IDENTITY);
    test_se(3, 7 * 5, 37, 9, 48, 12);     // odd sizes, slices of larger weights
    test_se(2, 1, 70, 17, 70, 17);        // hw 1, more outputs than a warp's lanes
    test_se(1, 9 * 9, 300, 75, 320, 80);  // several warps per output loop
    test_dwconv_stats(2, 13, 11, 36, 40, 5, 7, 1, 1, 0.0f);    // float4, OFA transform, several blocks
    test_dwconv_stats(1, 9, 9, 37, 48, 3, 3, 2, 0, 20.0f);     // scalar path, large common offset
    test_dwconv_stats(2, 33, 33, 1024, 1024, 3, 7, 1, 0, 0.0f);  // 256 groups: each thread walks 2-3 pixels
    if (!quick) test_dwconv_stats(1, 23, 23, 2052, 2052, 7, 7, 1, 0, 1.0f);  // groups > a block's threads
    return failures;
}
