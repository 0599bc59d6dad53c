// compofa_bench: command line. Writes one CSV row per (op, shape); see README.md beside this file.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "bench.h"

// Test-only export of libcompofa (native/src/api/isa_testing.h), not part of compofa.h.
extern "C" int32_t compofa_testing_set_cpu_isa(const char* name);

namespace {

const char* kUsage =
    "usage: compofa_bench [--backend cpu|cuda|reference] [--device N] [--quick] [--out FILE]\n"
    "                     [--warmup N] [--reps N] [--threads N] [--no-flush] [--ops SUBSTRING]\n"
    "  --backend   which compofa backend to time (default cpu)\n"
    "  --device    CUDA device index (default 0)\n"
    "  --quick     two (resolution, batch) configs instead of four, 2 warm-ups + 5 reps (CI smoke)\n"
    "  --out       CSV file (default: stdout); progress and failures go to stderr\n"
    "  --warmup/--reps  untimed and timed runs per row (default cuda 5/30, cpu and reference 1/5)\n"
    "  --threads   CPU backend threads (default: one per CPU, the library's pool)\n"
    "  --no-flush  CUDA: do not write a 256 MiB scratch buffer before each timed rep (warm L2)\n"
    "  --ops       only ops whose name contains SUBSTRING (dwconv_fwd, dwconv_bwd_dx, dwconv_bwd_dw,\n"
    "              dwconv_bwd, gemm_slice, gemm_contig, gemm_gather_contig, copy_buffer)\n"
    "  --shapes    depthwise: only shapes whose label contains SUBSTRING (e.g. _n64_112x112)\n"
    "  --isa       CPU kernels: avx2, avx512 or auto (default: auto, the best the CPU has)\n";

bool parse_int(const char* s, int* out) {
    char* end = nullptr;
    long v = std::strtol(s, &end, 10);
    if (end == s || *end != '\0' || v < 0 || v > 1000000) return false;
    *out = static_cast<int>(v);
    return true;
}

// Fills opt from argv; returns false (after printing why) on a bad argument.
bool parse(int argc, char** argv, bench::Options* opt) {
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        const char* v = (i + 1 < argc) ? argv[i + 1] : nullptr;
        auto need = [&](int* dst) {
            if (v == nullptr || !parse_int(v, dst)) {
                std::fprintf(stderr, "compofa_bench: %s needs a number >= 0\n", a.c_str());
                return false;
            }
            ++i;
            return true;
        };
        if (a == "--quick") {
            opt->quick = true;
        } else if (a == "--no-flush") {
            opt->flush = false;
        } else if (a == "--backend" && v != nullptr) {
            std::string b = v;
            ++i;
            if (b == "cpu") opt->backend = COMPOFA_BACKEND_CPU;
            else if (b == "cuda") opt->backend = COMPOFA_BACKEND_CUDA;
            else if (b == "reference") opt->backend = COMPOFA_BACKEND_REFERENCE;
            else {
                std::fprintf(stderr, "compofa_bench: --backend %s: allowed cpu, cuda, reference\n", v);
                return false;
            }
        } else if (a == "--isa" && v != nullptr) {
            if (compofa_testing_set_cpu_isa(v) != COMPOFA_OK) {
                std::fprintf(stderr, "compofa_bench: --isa %s: allowed avx2, avx512 (if the CPU has it), auto\n", v);
                return false;
            }
            ++i;
        } else if (a == "--shapes" && v != nullptr) {
            opt->shapes = v;
            ++i;
        } else if ((a == "--out" || a == "--ops") && v != nullptr) {
            (a == "--out" ? opt->out : opt->only) = v;
            ++i;
        } else if (a == "--device") {
            int d = 0;
            if (!need(&d)) return false;
            opt->device = d;
        } else if (a == "--warmup") {
            if (!need(&opt->warmup)) return false;
        } else if (a == "--reps") {
            if (!need(&opt->reps)) return false;
        } else if (a == "--threads") {
            if (!need(&opt->threads)) return false;
        } else {
            std::fprintf(stderr, "compofa_bench: unknown or incomplete argument '%s'\n%s", a.c_str(), kUsage);
            return false;
        }
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
            std::fputs(kUsage, stdout);
            return 0;
        }
    bench::Options opt;
    if (!parse(argc, argv, &opt)) return 2;
    try {
        bench::Bench b(opt);
        std::fprintf(stderr, "compofa_bench: %s; warm-up %d, reps %d, L2 flush %s, %s\n", b.device_text().c_str(),
                     b.warmup(), b.reps(), b.flushing() ? "on (256 MiB scratch write before each rep)" : "off",
                     opt.quick ? "quick" : "full");
        bench::run_copy(b);   // first: the ceiling to read the kernel rows against
        bench::run_dwconv(b);
        bench::run_gemm(b);
        bench::run_se(b);
        std::fprintf(stderr, "compofa_bench: %d rows, %d skipped (unsupported), %d failed\n", b.rows, b.skips, b.failures);
        return b.failures == 0 ? 0 : 1;
    } catch (const bench::Failure& e) {   // context, stream or event set-up
        std::fprintf(stderr, "compofa_bench: %s\n", e.what());
        return e.status == COMPOFA_ERR_BACKEND_UNAVAILABLE ? 3 : 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "compofa_bench: %s\n", e.what());
        return 1;
    }
}
