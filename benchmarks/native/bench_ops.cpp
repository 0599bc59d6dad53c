// compofa_bench: the op suites. Shapes are those of the w1.0 MobileNetV3 supernet's elastic stages
// (see benchmarks/native/README.md): the depthwise conv of each stage's first block and of its
// other blocks at e = 6, and the projection 1x1 conv (a weight-slice GEMM) at e = 4 of 6.
#include <cstdio>
#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "bench.h"

namespace bench {

namespace {

struct Stage {
    int c_first, c_rest;   // middle (depthwise) widths at e = 6: first block, other blocks
    int k;                 // CompOFA's fixed kernel of the stage
    int stride_first;      // stride of the first block (the others have 1)
    int hw_first, hw_rest; // input spatial size at resolution 224
    int width;             // output width of the stage (projection 1x1 conv's C_out)
};
constexpr int kKmax = 7;
const Stage kStages[5] = {{96, 144, 3, 2, 112, 56, 24},
                          {144, 240, 5, 2, 56, 28, 40},
                          {240, 480, 3, 2, 28, 14, 80},
                          {480, 672, 3, 1, 14, 14, 112},
                          {672, 960, 5, 2, 14, 7, 160}};

struct Config {
    int res, batch;
};
std::vector<Config> configs(const Options& o) {
    if (o.quick) return {{224, 1}, {32, 64}};
    return {{224, 1}, {224, 64}, {32, 1}, {32, 64}};
}

// Spatial size at resolution res: hw * res / 224 rounded up, at least 1 (r = 32 divides by 7).
int scaled(int hw224, int res) {
    int v = (hw224 * res + 223) / 224;
    return v < 1 ? 1 : v;
}

bool any_selected(const Bench& b, std::initializer_list<const char*> ops) {
    for (const char* op : ops)
        if (b.selected(op)) return true;
    return false;
}

std::string dw_label(const char* block, int stage, const compofa_dwconv_shape& s) {
    char t[160];
    std::snprintf(t, sizeof t, "st%d%s_n%d_%dx%d_c%d/%d_k%d/%d_s%d_%s", stage, block, s.n, s.h, s.w, s.c, s.c_max,
                  s.k, s.k_max, s.stride, s.transform == COMPOFA_TRANSFORM_OFA ? "ofa" : "none");
    return t;
}

// Forward, dx only, dweight only (plus dt75/dt53 with the transform), and both, for one shape.
void dwconv_shape(Bench& b, const compofa_dwconv_shape& s, const std::string& label) {
    if (label.find(b.options().shapes) == std::string::npos) return;
    int32_t ho = 0, wo = 0;
    check(compofa_dwconv_output_size(&s, &ho, &wo), "compofa_dwconv_output_size");
    const uint64_t x_len = uint64_t(s.n) * s.h * s.w * s.c, y_len = uint64_t(s.n) * ho * wo * s.c;
    const uint64_t w_len = uint64_t(s.k_max) * s.k_max * s.c_max;
    Buffer x = b.random(x_len), w = b.random(w_len), dy = b.random(y_len);
    Buffer t75 = b.random(625), t53 = b.random(81);
    Buffer y = b.zeros(y_len), dx = b.zeros(x_len), dw = b.zeros(w_len), dt75 = b.zeros(625), dt53 = b.zeros(81);
    Buffer stats = b.zeros(2 * uint64_t(s.c));  // batch mean, batch var of the training forward
    const bool ofa = s.transform == COMPOFA_TRANSFORM_OFA;

    // Bytes: each activation read or written once plus the weight slice; flops: 2 per tap.
    const double slice = double(s.c) * s.k * s.k, f = 4.0;
    const double flops = 2.0 * s.n * ho * wo * s.c * s.k * s.k;
    auto fwd = [&] {
        return compofa_dwconv_forward(b.ctx(), b.stream(), &s, x.ptr(), x.len(), w.ptr(), w.len(), t75.ptr(), t75.len(),
                                      t53.ptr(), t53.len(), y.ptr(), y.len());
    };
    auto fwd_stats = [&] {  // the training forward: the same pass also sums y's channels
        return compofa_dwconv_stats_forward(b.ctx(), b.stream(), &s, x.ptr(), x.len(), w.ptr(), w.len(), t75.ptr(),
                                            t75.len(), t53.ptr(), t53.len(), y.ptr(), y.len(), stats.ptr(),
                                            stats.ptr() + s.c, uint64_t(s.c));
    };
    auto bwd = [&](bool want_dx, bool want_dw) {
        return compofa_dwconv_backward(b.ctx(), b.stream(), &s, x.ptr(), x.len(), w.ptr(), w.len(), t75.ptr(),
                                       t75.len(), t53.ptr(), t53.len(), dy.ptr(), dy.len(),
                                       want_dx ? dx.ptr() : nullptr, want_dx ? dx.len() : 0,
                                       want_dw ? dw.ptr() : nullptr, want_dw ? dw.len() : 0,
                                       want_dw && ofa ? dt75.ptr() : nullptr, want_dw && ofa ? dt75.len() : 0,
                                       want_dw && ofa ? dt53.ptr() : nullptr, want_dw && ofa ? dt53.len() : 0);
    };
    struct Op {
        const char* name;
        std::function<int32_t()> run;
        double bytes, flops;
        bool check_y;   // forward: check the output is finite after timing
        bool needs_two_positions = false;  // batch statistics: skipped below 2 output positions
    };
    const Op ops[] = {
        {"dwconv_fwd", fwd, f * (x_len + y_len + slice), flops, true},
        {"dwconv_fwd_stats", fwd_stats, f * (x_len + y_len + slice), flops, true, true},
        {"dwconv_bwd_dx", [&] { return bwd(true, false); }, f * (y_len + x_len + slice), flops, false},
        {"dwconv_bwd_dw", [&] { return bwd(false, true); }, f * (x_len + y_len + slice), flops, false},
        {"dwconv_bwd", [&] { return bwd(true, true); }, f * (2 * x_len + y_len + slice), 2 * flops, false},
    };
    for (const Op& op : ops) {
        if (!b.selected(op.name)) continue;
        try {
            // Batch statistics need >= 2 values per channel (the variance); batch-1 r32 shapes have one.
            if (op.needs_two_positions && uint64_t(s.n) * ho * wo < 2)
                throw Failure(COMPOFA_ERR_UNSUPPORTED, "batch statistics need >= 2 output positions, this shape has 1");
            Stats st = b.time(op.run);
            if (op.check_y && !b.all_finite(y))
                throw Failure(COMPOFA_ERR_INTERNAL, "forward output holds NaN or Inf");
            b.row(op.name, label, st, op.bytes, op.flops);
        } catch (const Failure& e) {
            b.report_failure(op.name, label, e);
        }
    }
}

}  // namespace

void run_dwconv(Bench& b) {
    if (!any_selected(b, {"dwconv_fwd", "dwconv_fwd_stats", "dwconv_bwd_dx", "dwconv_bwd_dw", "dwconv_bwd"})) return;
    for (const Config& cfg : configs(b.options())) {
        for (int i = 0; i < 5; ++i) {
            const Stage& st = kStages[i];
            for (int transform : {COMPOFA_TRANSFORM_NONE, COMPOFA_TRANSFORM_OFA}) {
                int hf = scaled(st.hw_first, cfg.res), hr = scaled(st.hw_rest, cfg.res);
                compofa_dwconv_shape first{cfg.batch, hf, hf, st.c_first, st.c_first, st.k, kKmax, st.stride_first, transform};
                compofa_dwconv_shape rest{cfg.batch, hr, hr, st.c_rest, st.c_rest, st.k, kKmax, 1, transform};
                std::string lf = dw_label("a", i + 1, first), lr = dw_label("b", i + 1, rest);
                try {
                    dwconv_shape(b, first, lf);
                    dwconv_shape(b, rest, lr);
                } catch (const Failure& e) {   // allocation or set-up failed for this shape
                    b.report_failure("dwconv", lf + "|" + lr, e);
                }
            }
        }
    }
}

// Projection 1x1 conv of a stage's other blocks: Y[P][cout] = X[P][cin] * W[:cout, :cin]^T with
// W[cout][cin_max] the supernet's weight, cin = 4 * width of cin_max = 6 * width (e = 4 of 6).
void run_gemm(Bench& b) {
    if (!any_selected(b, {"gemm_slice", "gemm_contig", "gemm_gather_contig"})) return;
    for (const Config& cfg : configs(b.options())) {
        for (int i = 0; i < 5; ++i) {
            const Stage& st = kStages[i];
            const int hw = scaled(st.hw_rest, cfg.res), m = cfg.batch * hw * hw;
            const int n = st.width, k = 4 * st.width, k_max = 6 * st.width;
            char label[128];
            std::snprintf(label, sizeof label, "st%db_proj_m%d_n%d_k%d_ldb%d", i + 1, m, n, k, k_max);
            try {
                Buffer x = b.random(uint64_t(m) * k), w = b.random(uint64_t(n) * k_max);
                Buffer wc = b.zeros(uint64_t(n) * k), y = b.zeros(uint64_t(m) * n);
                auto gather = [&] {
                    return compofa_slice_gather(b.ctx(), b.stream(), w.ptr(), w.len(), 0, 1, n, k, int64_t(n) * k_max,
                                                k_max, wc.ptr(), wc.len());
                };
                auto gemm = [&](const Buffer& wt, int ldb) {
                    return compofa_gemm(b.ctx(), b.stream(), 0, 1, m, n, k, 1.0f, x.ptr(), x.len(), k, wt.ptr(),
                                        wt.len(), ldb, 0.0f, y.ptr(), y.len(), n);
                };
                check(gather(), "compofa_slice_gather");
                const double bytes = 4.0 * (double(m) * k + double(n) * k + double(m) * n);
                const double flops = 2.0 * m * n * k;
                if (b.selected("gemm_slice")) b.row("gemm_slice", label, b.time([&] { return gemm(w, k_max); }), bytes, flops);
                if (b.selected("gemm_contig")) b.row("gemm_contig", label, b.time([&] { return gemm(wc, k); }), bytes, flops);
                if (b.selected("gemm_gather_contig"))
                    b.row("gemm_gather_contig", label, b.time([&] {
                              int32_t s = gather();
                              return s != COMPOFA_OK ? s : gemm(wc, k);
                          }),
                          bytes + 8.0 * n * k, flops);
            } catch (const Failure& e) {
                b.report_failure("gemm", label, e);
            }
        }
    }
}

// Squeeze-and-excitation in one op after the depthwise conv of a stage's other blocks (c = the middle
// width at e = 6, se = c / 4 rounded to 8 as MobileNetV3's), forward with the saved buffer (training)
// and backward; bytes: x read twice and y written (forward), x and dy read twice and dx written (backward).
void run_se(Bench& b) {
    if (!any_selected(b, {"se_fwd", "se_bwd"})) return;
    for (const Config& cfg : configs(b.options())) {
        for (int i = 0; i < 5; ++i) {
            const Stage& st = kStages[i];
            const int hw = scaled(st.hw_rest, cfg.res), c = st.c_rest, se = (c / 4 + 4) / 8 * 8;
            char label[96];
            std::snprintf(label, sizeof label, "st%db_n%d_%dx%d_c%d_se%d", i + 1, cfg.batch, hw, hw, c, se);
            try {
                const uint64_t len = uint64_t(cfg.batch) * hw * hw * c;
                Buffer x = b.random(len), dy = b.random(len), y = b.zeros(len), dx = b.zeros(len);
                Buffer w1 = b.random(uint64_t(se) * c), b1 = b.random(se), w2 = b.random(uint64_t(c) * se);
                Buffer b2 = b.random(c), g1 = b.zeros(w1.len()), gb1 = b.zeros(se), g2 = b.zeros(w2.len());
                Buffer gb2 = b.zeros(c), saved = b.zeros(uint64_t(cfg.batch) * (2 * c + se));
                auto fwd = [&] {
                    return compofa_se_forward(b.ctx(), b.stream(), cfg.batch, hw * hw, c, se, x.ptr(), x.len(),
                                              w1.ptr(), w1.len(), c, b1.ptr(), b1.len(), w2.ptr(), w2.len(), se,
                                              b2.ptr(), b2.len(), y.ptr(), y.len(), saved.ptr(), saved.len());
                };
                check(fwd(), "compofa_se_forward");
                const double f = 4.0, flops = 3.0 * double(len);
                if (b.selected("se_fwd")) b.row("se_fwd", label, b.time(fwd), f * 3 * len, flops);
                if (b.selected("se_bwd"))
                    b.row("se_bwd", label, b.time([&] {
                              return compofa_se_backward(b.ctx(), b.stream(), cfg.batch, hw * hw, c, se, x.ptr(),
                                                         x.len(), w1.ptr(), w1.len(), c, w2.ptr(), w2.len(), se,
                                                         saved.ptr(), saved.len(), dy.ptr(), dy.len(), dx.ptr(),
                                                         dx.len(), g1.ptr(), gb1.ptr(), gb1.len(), g2.ptr(), gb2.ptr(),
                                                         gb2.len());
                          }),
                          f * 5 * len, 2 * flops);
            } catch (const Failure& e) {
                b.report_failure("se", label, e);
            }
        }
    }
}

// Buffer-to-buffer copy of 256 MiB: the machine's memory bandwidth (bytes read + bytes written),
// the ceiling to read kernel GB/s against.
void run_copy(Bench& b) {
    if (!b.selected("copy_buffer")) return;
    const uint64_t bytes = 256ull << 20;
    try {
        Buffer src = b.zeros(bytes / 4), dst = b.zeros(bytes / 4);
        check(compofa_fill(b.ctx(), b.stream(), src.ptr(), src.len(), 1.5f), "compofa_fill");
        Stats st = b.time([&] { return compofa_copy_buffer(dst.handle(), 0, src.handle(), 0, bytes, b.stream()); });
        b.row("copy_buffer", "256MiB", st, 2.0 * double(bytes), 0);
    } catch (const Failure& e) {
        b.report_failure("copy_buffer", "256MiB", e);
    }
}

}  // namespace bench
