// The ops the bad-call fuzzer sprays, each as a small valid base call (odd sizes, every size that
// multiplies a leading dimension >= 2) and the arguments it may corrupt (see abi_bad_call_spec.h).
#include <algorithm>

#include "abi_bad_call_spec.h"

namespace bad_call {

namespace {

int g_not_null = 0;  // stands for a struct argument that is passed (its fields live in Vals.v)
const std::vector<float> kBadEps = {0.0f, -1e-3f, kNaN, kInf, -kInf};
const std::vector<float> kBadUnit = {kNaN, -0.25f, 1.5f, kInf};      // momentum-like: [0, 1]
const std::vector<float> kBadProbability = {kNaN, -0.1f, 1.0f, kInf};  // dropout p, smoothing: [0, 1)
const std::vector<float> kBadFinite = {kNaN, kInf, -kInf};
// Sizes with no buffer behind them (the output-size queries): only non-positive ones are bad.
const std::vector<int64_t> kNonPositive = {0, -1, -7, INT32_MIN};
const std::vector<int64_t> kBadPad = {-1, -7, INT32_MIN, INT32_MAX, 3 /* == k */};
const std::vector<int64_t> kBadClasses = {1, 0, -1, INT32_MIN, INT32_MAX};

// The depthwise shape n=2 h=5 w=4 c=3 of c_max=5, k=3 of k_max=7, OFA transform (so t75 and t53 are
// read), stride 1 or 2; its fields are slots 0..8 of v.
struct DwSlots {
    int n, h, w, c, c_max, k, k_max, stride, transform, shape;
    int64_t x_len, y_len, weight_len;
};
DwSlots dw_shape(Spec& s, fuzz::Rng& r, bool buffers = true) {
    DwSlots d{};
    const std::vector<int64_t>* bad = buffers ? &kBadSize32 : &kNonPositive;
    const int32_t stride = 1 + (int32_t)r.below(2), ho = (5 - 1) / stride + 1, wo = (4 - 1) / stride + 1;
    d.n = s.value(2, bad), d.h = s.value(5, bad), d.w = s.value(4, bad), d.c = s.size32(3), d.c_max = s.value(5, bad);
    d.k = s.size32(3), d.k_max = s.size32(7), d.stride = s.size32(stride), d.transform = s.option(1);
    d.shape = s.pointer(&g_not_null);
    d.x_len = 2 * 5 * 4 * 3, d.y_len = 2 * ho * wo * 3, d.weight_len = 7 * 7 * 5;
    return d;
}
compofa_dwconv_shape dw(const DwSlots& d, const Vals& v) {
    return {v.i32(d.n), v.i32(d.h), v.i32(d.w), v.i32(d.c), v.i32(d.c_max), v.i32(d.k), v.i32(d.k_max), v.i32(d.stride),
            v.i32(d.transform)};
}
const compofa_dwconv_shape* dw_ptr(const DwSlots& d, const Vals& v, compofa_dwconv_shape* storage) {
    *storage = dw(d, v);
    return v.p[d.shape] == nullptr ? nullptr : storage;
}

// The dense convolution shape n=2 h=6 w=5 c=3, k=3, stride 2, pad 1 (ho=3, wo=3).
struct ConvSlots {
    int n, h, w, c, k, stride, pad, shape;
};
ConvSlots conv_shape(Spec& s, bool buffers = true) {
    ConvSlots c{};
    const std::vector<int64_t>* bad = buffers ? &kBadSize32 : &kNonPositive;
    c.n = s.value(2, bad), c.h = s.value(6, bad), c.w = s.value(5, bad), c.c = s.value(3, bad), c.k = s.size32(3);
    c.stride = s.size32(2), c.pad = s.value(1, &kBadPad), c.shape = s.pointer(&g_not_null);
    return c;
}
const compofa_conv_shape* conv_ptr(const ConvSlots& c, const Vals& v, compofa_conv_shape* storage) {
    *storage = {v.i32(c.n), v.i32(c.h), v.i32(c.w), v.i32(c.c), v.i32(c.k), v.i32(c.stride), v.i32(c.pad)};
    return v.p[c.shape] == nullptr ? nullptr : storage;
}
constexpr int64_t kConvX = 2 * 6 * 5 * 3, kConvCol = 2 * 3 * 3 * (3 * 3 * 3);

// A buffer and its declared length (which trials shorten).
struct Buf {
    int p, len;
};
Buf buf(Spec& s, fuzz::Rng& r, int64_t n, bool required = true) { return {s.buffer(n, r, required), s.len(n)}; }
// Only what a variant passes gets a slot: corrupting an argument the call never sees proves nothing.
constexpr Buf kNone{-1, -1};

Spec gemm(fuzz::Rng& r) {
    Spec s;
    s.name = "gemm";
    const int32_t ta = (int32_t)r.below(2), tb = (int32_t)r.below(2), m = 3, n = 4, k = 5;
    const int32_t a_rows = ta ? k : m, a_cols = ta ? m : k, b_rows = tb ? n : k, b_cols = tb ? k : n;
    const int32_t lda = a_cols + 1, ldb = b_cols + 2, ldc = n + 1;
    const int TA = s.option(ta), TB = s.option(tb), M = s.size32(m), N = s.size32(n), K = s.size32(k);
    const int LDA = s.size32(lda), LDB = s.size32(ldb), LDC = s.size32(ldc);
    const Buf a = buf(s, r, (a_rows - 1) * lda + a_cols), b = buf(s, r, (b_rows - 1) * ldb + b_cols),
              c = buf(s, r, (m - 1) * ldc + n);
    s.call = [=](const Vals& v) {
        return compofa_gemm(v.ctx, v.stream, v.i32(TA), v.i32(TB), v.i32(M), v.i32(N), v.i32(K), 0.5f, v.fp(a.p),
                            v.u64(a.len), v.i32(LDA), v.fp(b.p), v.u64(b.len), v.i32(LDB), 0.25f, v.fp(c.p),
                            v.u64(c.len), v.i32(LDC));
    };
    return s;
}

Spec fill(fuzz::Rng& r) {
    Spec s;
    s.name = "fill";
    const int D = s.buffer(37, r), L = s.flat_len(37);
    s.call = [=](const Vals& v) { return compofa_fill(v.ctx, v.stream, v.fp(D), v.u64(L), 1.5f); };
    return s;
}

Spec dwconv_forward(fuzz::Rng& r, int variant) {  // 0 plain, 1 fused (epilogue), 2 batch statistics
    Spec s;
    s.name = variant == 0 ? "dwconv_forward" : variant == 1 ? "dwconv_fused_forward" : "dwconv_stats_forward";
    const DwSlots d = dw_shape(s, r);
    const bool fused = variant == 1, stats = variant == 2;
    const Buf x = buf(s, r, d.x_len), w = buf(s, r, d.weight_len), t75 = buf(s, r, 625), t53 = buf(s, r, 81),
              y = buf(s, r, d.y_len), mean = stats ? buf(s, r, 3) : kNone, var = stats ? buf(s, r, 3) : kNone,
              bias = fused ? buf(s, r, 3, false) : kNone, gamma = fused ? buf(s, r, 3, false) : kNone,
              beta = fused ? buf(s, r, 3) : kNone, rm = fused ? buf(s, r, 3) : kNone, rv = fused ? buf(s, r, 3) : kNone;
    const int EPI = fused ? s.pointer(&g_not_null) : -1, ACT = fused ? s.option(COMPOFA_ACT_HSWISH) : -1,
              EPS = fused ? s.number(1e-3f, kBadEps) : -1;
    s.call = [=](const Vals& v) {
        compofa_dwconv_shape storage;
        const compofa_dwconv_shape* shape = dw_ptr(d, v, &storage);
        if (variant == 0)
            return compofa_dwconv_forward(v.ctx, v.stream, shape, v.fp(x.p), v.u64(x.len), v.fp(w.p), v.u64(w.len),
                                          v.fp(t75.p), v.u64(t75.len), v.fp(t53.p), v.u64(t53.len), v.fp(y.p),
                                          v.u64(y.len));
        if (variant == 2)
            return compofa_dwconv_stats_forward(v.ctx, v.stream, shape, v.fp(x.p), v.u64(x.len), v.fp(w.p),
                                                v.u64(w.len), v.fp(t75.p), v.u64(t75.len), v.fp(t53.p),
                                                v.u64(t53.len), v.fp(y.p), v.u64(y.len), v.fp(mean.p), v.fp(var.p),
                                                v.u64(mean.len) < v.u64(var.len) ? v.u64(mean.len) : v.u64(var.len));
        const compofa_epilogue e{v.fp(bias.p), v.u64(bias.len), v.fp(gamma.p), v.fp(beta.p), v.fp(rm.p), v.fp(rv.p),
                                 std::min({v.u64(beta.len), v.u64(rm.len), v.u64(rv.len), v.u64(gamma.len)}),
                                 v.f[EPS], v.i32(ACT)};
        return compofa_dwconv_fused_forward(v.ctx, v.stream, shape, v.fp(x.p), v.u64(x.len), v.fp(w.p), v.u64(w.len),
                                            v.fp(t75.p), v.u64(t75.len), v.fp(t53.p), v.u64(t53.len),
                                            v.p[EPI] == nullptr ? nullptr : &e, v.fp(y.p), v.u64(y.len));
    };
    return s;
}

Spec dwconv_backward(fuzz::Rng& r) {
    Spec s;
    s.name = "dwconv_backward";
    const DwSlots d = dw_shape(s, r);
    const Buf x = buf(s, r, d.x_len), w = buf(s, r, d.weight_len), t75 = buf(s, r, 625), t53 = buf(s, r, 81),
              dy = buf(s, r, d.y_len), dx = buf(s, r, d.x_len, false), dw_ = buf(s, r, d.weight_len, false),
              dt75 = buf(s, r, 625, false), dt53 = buf(s, r, 81, false);
    s.call = [=](const Vals& v) {
        compofa_dwconv_shape storage;
        return compofa_dwconv_backward(v.ctx, v.stream, dw_ptr(d, v, &storage), v.fp(x.p), v.u64(x.len), v.fp(w.p),
                                       v.u64(w.len), v.fp(t75.p), v.u64(t75.len), v.fp(t53.p), v.u64(t53.len),
                                       v.fp(dy.p), v.u64(dy.len), v.fp(dx.p), v.u64(dx.len), v.fp(dw_.p),
                                       v.u64(dw_.len), v.fp(dt75.p), v.u64(dt75.len), v.fp(dt53.p), v.u64(dt53.len));
    };
    return s;
}

Spec output_sizes(fuzz::Rng& r, bool depthwise) {  // no context: only shape and output pointers
    Spec s;
    s.name = depthwise ? "dwconv_output_size" : "conv_output_size";
    s.takes_context = false;
    static int32_t ho, wo;
    if (depthwise) {
        const DwSlots d = dw_shape(s, r, false);
        const int HO = s.pointer(&ho), WO = s.pointer(&wo);
        s.call = [=](const Vals& v) {
            compofa_dwconv_shape storage;
            return compofa_dwconv_output_size(dw_ptr(d, v, &storage), v.p[HO] ? &ho : nullptr, v.p[WO] ? &wo : nullptr);
        };
    } else {
        const ConvSlots c = conv_shape(s, false);
        const int HO = s.pointer(&ho), WO = s.pointer(&wo);
        s.call = [=](const Vals& v) {
            compofa_conv_shape storage;
            return compofa_conv_output_size(conv_ptr(c, v, &storage), v.p[HO] ? &ho : nullptr, v.p[WO] ? &wo : nullptr);
        };
    }
    return s;
}

Spec im2col(fuzz::Rng& r, bool backward) {
    Spec s;
    s.name = backward ? "col2im_add" : "im2col";
    const ConvSlots c = conv_shape(s);
    const Buf x = buf(s, r, kConvX), col = buf(s, r, kConvCol);
    s.call = [=](const Vals& v) {
        compofa_conv_shape storage;
        const compofa_conv_shape* shape = conv_ptr(c, v, &storage);
        return backward ? compofa_col2im_add(v.ctx, v.stream, shape, v.fp(col.p), v.u64(col.len), v.fp(x.p), v.u64(x.len))
                        : compofa_im2col(v.ctx, v.stream, shape, v.fp(x.p), v.u64(x.len), v.fp(col.p), v.u64(col.len));
    };
    return s;
}

// Batch norm over rows=7 x c=5: eval, train (with activation and stats_given), backward.
Spec batchnorm(fuzz::Rng& r, int variant) {
    Spec s;
    s.name = variant == 0 ? "batchnorm_forward_eval" : variant == 1 ? "batchnorm_act_forward_train" : "batchnorm_act_backward";
    const bool train = variant == 1, backward = variant == 2;
    const int ROWS = s.size64(7), C = s.size32(5), EPS = s.number(1e-3f, kBadEps);
    const int ACT = variant > 0 ? s.option(COMPOFA_ACT_RELU) : -1, STATS = train ? s.option(0) : -1;
    const int MOM = train ? s.number(0.1f, kBadUnit) : -1;
    const Buf x = buf(s, r, 35), y = buf(s, r, 35), gamma = buf(s, r, 5), beta = buf(s, r, 5);
    const Buf rm = backward ? kNone : buf(s, r, 5, !train), rv = backward ? kNone : buf(s, r, 5, !train);
    const Buf mean = variant > 0 ? buf(s, r, 5) : kNone, var = variant > 0 ? buf(s, r, 5) : kNone;
    const Buf dx = backward ? buf(s, r, 35, false) : kNone;
    s.call = [=](const Vals& v) {
        const uint64_t param_len = backward ? std::min(v.u64(gamma.len), v.u64(beta.len))
                                            : std::min({v.u64(gamma.len), v.u64(beta.len), v.u64(rm.len), v.u64(rv.len)});
        const uint64_t batch_len = variant > 0 ? std::min(v.u64(mean.len), v.u64(var.len)) : 0;
        if (variant == 0)
            return compofa_batchnorm_forward_eval(v.ctx, v.stream, v.v[ROWS], v.i32(C), v.fp(x.p), v.u64(x.len),
                                                  v.fp(gamma.p), v.fp(beta.p), v.fp(rm.p), v.fp(rv.p), param_len,
                                                  v.f[EPS], v.fp(y.p), v.u64(y.len));
        if (train)
            return compofa_batchnorm_act_forward_train(v.ctx, v.stream, v.v[ROWS], v.i32(C), v.i32(ACT), v.i32(STATS),
                                                       v.fp(x.p), v.u64(x.len), v.fp(gamma.p), v.fp(beta.p), v.fp(rm.p),
                                                       v.fp(rv.p), param_len, v.f[MOM], v.f[EPS], v.fp(y.p),
                                                       v.u64(y.len), v.fp(mean.p), v.fp(var.p), batch_len);
        return compofa_batchnorm_act_backward(v.ctx, v.stream, v.v[ROWS], v.i32(C), v.i32(ACT), v.fp(x.p), v.u64(x.len),
                                              v.fp(y.p), v.u64(y.len), v.fp(gamma.p), v.fp(beta.p), param_len,
                                              v.fp(mean.p), v.fp(var.p), batch_len, v.f[EPS], v.fp(dx.p), v.u64(dx.len),
                                              nullptr, nullptr);
    };
    return s;
}

// The element-wise ops over one flat length (41 floats): activation, axpby, dropout, sgd.
Spec elementwise(fuzz::Rng& r, int variant) {
    Spec s;
    const char* names[] = {"activation_forward", "activation_backward", "axpby", "dropout_forward", "sgd_step"};
    s.name = names[variant];
    const bool activation = variant < 2, sgd = variant == 4;
    const int L = s.flat_len(41), KIND = activation ? s.option(COMPOFA_ACT_HSWISH) : -1;
    const int A = s.buffer(41, r), B = s.buffer(41, r), C = variant == 1 || sgd ? s.buffer(41, r) : -1;
    const int P = variant == 3 ? s.number(0.3f, kBadProbability) : -1;
    const int LR = sgd ? s.number(0.01f, {-1.0f, kNaN, kInf}) : -1, MOM = sgd ? s.number(0.9f, kBadUnit) : -1;
    const int WD = sgd ? s.number(1e-4f, {-1e-4f, kNaN, kInf}) : -1, NESTEROV = sgd ? s.option(1) : -1;
    s.call = [=](const Vals& v) {
        switch (variant) {
            case 0: return compofa_activation_forward(v.ctx, v.stream, v.i32(KIND), v.fp(A), v.fp(B), v.u64(L));
            case 1: return compofa_activation_backward(v.ctx, v.stream, v.i32(KIND), v.fp(A), v.fp(B), v.fp(C), v.u64(L));
            case 2: return compofa_axpby(v.ctx, v.stream, v.u64(L), 0.5f, v.fp(A), 2.0f, v.fp(B));
            case 3: return compofa_dropout_forward(v.ctx, v.stream, v.u64(L), v.f[P], 7, v.fp(A), v.fp(B));
            default:
                return compofa_sgd_step(v.ctx, v.stream, v.u64(L), v.fp(A), v.fp(B), v.fp(C), v.f[LR], v.f[MOM],
                                        v.f[WD], v.i32(NESTEROV));
        }
    };
    return s;
}

// Per-channel ops over n=3, hw=5, c=4 (rows = 15): bias, pooling, channel scale.
Spec channel(fuzz::Rng& r, int variant) {
    Spec s;
    const char* names[] = {"bias_add", "bias_backward", "global_avg_pool_forward", "global_avg_pool_backward",
                           "channel_scale_forward", "channel_scale_backward"};
    s.name = names[variant];
    const bool rows_form = variant < 2;
    const int ROWS = rows_form ? s.size64(15) : -1, N = rows_form ? -1 : s.size32(3), HW = rows_form ? -1 : s.size32(5);
    const int C = s.size32(4);
    const Buf big = buf(s, r, 60), small = buf(s, r, rows_form ? 4 : 12), big2 = variant >= 4 ? buf(s, r, 60) : kNone,
              dx = variant == 5 ? buf(s, r, 60, false) : kNone, ds = variant == 5 ? buf(s, r, 12, false) : kNone;
    s.call = [=](const Vals& v) {
        switch (variant) {
            case 0: return compofa_bias_add(v.ctx, v.stream, v.v[ROWS], v.i32(C), v.fp(big.p), v.u64(big.len), v.fp(small.p), v.u64(small.len));
            case 1: return compofa_bias_backward(v.ctx, v.stream, v.v[ROWS], v.i32(C), v.fp(big.p), v.u64(big.len), v.fp(small.p), v.u64(small.len));
            case 2: return compofa_global_avg_pool_forward(v.ctx, v.stream, v.i32(N), v.i32(HW), v.i32(C), v.fp(big.p), v.u64(big.len), v.fp(small.p), v.u64(small.len));
            case 3: return compofa_global_avg_pool_backward(v.ctx, v.stream, v.i32(N), v.i32(HW), v.i32(C), v.fp(small.p), v.u64(small.len), v.fp(big.p), v.u64(big.len));
            case 4: return compofa_channel_scale_forward(v.ctx, v.stream, v.i32(N), v.i32(HW), v.i32(C), v.fp(big.p), v.u64(big.len), v.fp(small.p), v.u64(small.len), v.fp(big2.p), v.u64(big2.len));
            default:
                return compofa_channel_scale_backward(v.ctx, v.stream, v.i32(N), v.i32(HW), v.i32(C), v.fp(big.p), v.u64(big.len), v.fp(small.p), v.u64(small.len), v.fp(big2.p), v.u64(big2.len), v.fp(dx.p), v.u64(dx.len), v.fp(ds.p), v.u64(ds.len));
        }
    };
    return s;
}

// Losses over n=4 rows of 5 classes, and the bilinear resize 2x5x3x3 -> 2x4x7x3.
Spec loss_or_resize(fuzz::Rng& r, int variant) {
    Spec s;
    const char* names[] = {"softmax_cross_entropy", "soft_cross_entropy", "resize_bilinear"};
    s.name = names[variant];
    if (variant == 2) {
        const int N = s.size32(2), H = s.size32(5), W = s.size32(3), C = s.size32(3), HO = s.size32(4), WO = s.size32(7);
        const Buf x = buf(s, r, 2 * 5 * 3 * 3), y = buf(s, r, 2 * 4 * 7 * 3);
        s.call = [=](const Vals& v) {
            return compofa_resize_bilinear(v.ctx, v.stream, v.i32(N), v.i32(H), v.i32(W), v.i32(C), v.i32(HO), v.i32(WO),
                                           v.fp(x.p), v.u64(x.len), v.fp(y.p), v.u64(y.len));
        };
        return s;
    }
    const int N = s.size32(4), K = s.value(5, &kBadClasses);
    const bool hard = variant == 0;
    const Buf a = buf(s, r, 20), b = hard ? kNone : buf(s, r, 20), loss = buf(s, r, 4), grad = buf(s, r, 20, false),
              labels = hard ? buf(s, r, 4) : kNone;
    if (hard) {
        auto* label_values = reinterpret_cast<int32_t*>(s.buffers[labels.p].data());
        for (int i = 0; i < 4; ++i) label_values[i] = (int32_t)r.below(5);
    }
    const int SMOOTH = hard ? s.number(0.1f, kBadProbability) : -1, SCALE = s.number(0.25f, kBadFinite);
    s.call = [=](const Vals& v) {
        if (variant == 0)
            return compofa_softmax_cross_entropy(v.ctx, v.stream, v.i32(N), v.i32(K), v.fp(a.p), v.u64(a.len),
                                                 static_cast<const int32_t*>(v.p[labels.p]), v.u64(labels.len),
                                                 v.f[SMOOTH], v.f[SCALE], v.fp(loss.p), v.u64(loss.len), v.fp(grad.p),
                                                 v.u64(grad.len));
        return compofa_soft_cross_entropy(v.ctx, v.stream, v.i32(N), v.i32(K), v.fp(a.p), v.fp(b.p),
                                          std::min(v.u64(a.len), v.u64(b.len)), v.f[SCALE], v.fp(loss.p),
                                          v.u64(loss.len), v.fp(grad.p), v.u64(grad.len));
    };
    return s;
}

// The 1x1 convolution of rows=6, cin=3, cout=4 with w[:4, :3] of ldw=5; fused (epilogue) or statistics.
Spec conv1x1(fuzz::Rng& r, bool stats) {
    Spec s;
    s.name = stats ? "conv1x1_stats_forward" : "conv1x1_fused_forward";
    const int ROWS = s.size64(6), CIN = s.size32(3), COUT = s.size32(4), LDW = s.size32(5);
    const Buf x = buf(s, r, 18), w = buf(s, r, 3 * 5 + 3), y = buf(s, r, 24), bias = stats ? kNone : buf(s, r, 4, false),
              mean = stats ? buf(s, r, 4) : kNone, var = stats ? buf(s, r, 4) : kNone;
    const int EPI = stats ? -1 : s.pointer(&g_not_null), ACT = stats ? -1 : s.option(COMPOFA_ACT_RELU);
    s.call = [=](const Vals& v) {
        if (stats)
            return compofa_conv1x1_stats_forward(v.ctx, v.stream, v.v[ROWS], v.i32(CIN), v.i32(COUT), v.fp(x.p),
                                                 v.u64(x.len), v.fp(w.p), v.u64(w.len), v.i32(LDW), v.fp(y.p),
                                                 v.u64(y.len), v.fp(mean.p), v.fp(var.p),
                                                 std::min(v.u64(mean.len), v.u64(var.len)));
        const compofa_epilogue e{v.fp(bias.p), v.u64(bias.len), nullptr, nullptr, nullptr, nullptr, 0, 0.0f, v.i32(ACT)};
        return compofa_conv1x1_fused_forward(v.ctx, v.stream, v.v[ROWS], v.i32(CIN), v.i32(COUT), v.fp(x.p),
                                             v.u64(x.len), v.fp(w.p), v.u64(w.len), v.i32(LDW),
                                             v.p[EPI] ? &e : nullptr, v.fp(y.p), v.u64(y.len));
    };
    return s;
}

// Squeeze-and-excitation n=2, hw=3, c=4, se=2 with W1 = w1[:2, :4] (ld1=5), W2 = w2[:4, :2] (ld2=3).
Spec se_forward(fuzz::Rng& r) {
    Spec s;
    s.name = "se_forward";
    const int N = s.size32(2), HW = s.size32(3), C = s.size32(4), SE = s.size32(2), LD1 = s.size32(5), LD2 = s.size32(3);
    const Buf x = buf(s, r, 24), w1 = buf(s, r, 1 * 5 + 4), b1 = buf(s, r, 2), w2 = buf(s, r, 3 * 3 + 2),
              b2 = buf(s, r, 4), y = buf(s, r, 24), saved = buf(s, r, 2 * (2 * 4 + 2), false);
    s.call = [=](const Vals& v) {
        return compofa_se_forward(v.ctx, v.stream, v.i32(N), v.i32(HW), v.i32(C), v.i32(SE), v.fp(x.p), v.u64(x.len),
                                  v.fp(w1.p), v.u64(w1.len), v.i32(LD1), v.fp(b1.p), v.u64(b1.len), v.fp(w2.p),
                                  v.u64(w2.len), v.i32(LD2), v.fp(b2.p), v.u64(b2.len), v.fp(y.p), v.u64(y.len),
                                  v.fp(saved.p), v.u64(saved.len));
    };
    return s;
}

}  // namespace

std::vector<Spec> make_specs(fuzz::Rng& r) {
    std::vector<Spec> specs;
    specs.push_back(gemm(r));
    specs.push_back(fill(r));
    for (int variant = 0; variant < 3; ++variant) specs.push_back(dwconv_forward(r, variant));
    specs.push_back(dwconv_backward(r));
    specs.push_back(output_sizes(r, true));
    specs.push_back(output_sizes(r, false));
    specs.push_back(im2col(r, false));
    specs.push_back(im2col(r, true));
    for (int variant = 0; variant < 3; ++variant) specs.push_back(batchnorm(r, variant));
    for (int variant = 0; variant < 5; ++variant) specs.push_back(elementwise(r, variant));
    for (int variant = 0; variant < 6; ++variant) specs.push_back(channel(r, variant));
    for (int variant = 0; variant < 3; ++variant) specs.push_back(loss_or_resize(r, variant));
    specs.push_back(conv1x1(r, false));
    specs.push_back(conv1x1(r, true));
    specs.push_back(se_forward(r));
    return specs;
}

}  // namespace bad_call
