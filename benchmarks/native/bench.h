// compofa_bench: shared pieces of the native CSV benchmark harness.
// Uses only the public ABI (compofa.h): buffers, events and ops of one context and one stream.
#pragma once
#include <cstdint>
#include <cstdio>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "compofa.h"

namespace bench {

struct Options {
    int32_t backend = COMPOFA_BACKEND_CPU;
    int32_t device = 0;
    bool quick = false;      // fewer shapes and repeats (CI smoke)
    bool flush = true;       // CUDA only: write a 256 MiB scratch buffer before every timed rep
    int warmup = -1;         // -1: the backend's default (see Bench::Bench)
    int reps = -1;
    int threads = 0;         // CPU backend threads; 0 = one per CPU
    std::string out;         // CSV file; empty = stdout
    std::string only;        // run only ops whose name contains this
    std::string shapes;      // depthwise: run only shapes whose label contains this
};

// A failed ABI call: its status and compofa_last_error().
struct Failure : std::runtime_error {
    int32_t status;
    Failure(int32_t s, const std::string& what) : std::runtime_error(what), status(s) {}
};
// Throws Failure when status != COMPOFA_OK.
void check(int32_t status, const char* what);

// A compofa buffer of n floats, freed on destruction.
class Buffer {
public:
    Buffer() = default;
    Buffer(compofa_context* ctx, uint64_t floats);
    Buffer(Buffer&& o) noexcept;
    Buffer& operator=(Buffer&& o) noexcept;
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;
    ~Buffer();
    float* ptr() const { return ptr_; }
    uint64_t len() const { return len_; }   // in floats
    compofa_buffer* handle() const { return buf_; }

private:
    compofa_buffer* buf_ = nullptr;
    float* ptr_ = nullptr;
    uint64_t len_ = 0;
};

struct Stats {
    double median_ms, min_ms, p90_ms;
};
// Median, minimum and 90th percentile (nearest rank) of the samples.
Stats summarize(std::vector<double> ms);

class Bench {
public:
    explicit Bench(const Options& opt);
    ~Bench();
    Bench(const Bench&) = delete;
    Bench& operator=(const Bench&) = delete;

    compofa_context* ctx() const { return ctx_; }
    compofa_stream* stream() const { return stream_; }
    const Options& options() const { return opt_; }
    const std::string& device_text() const { return device_; }
    int warmup() const { return warmup_; }
    int reps() const { return reps_; }
    bool flushing() const { return scratch_.ptr() != nullptr; }

    // n floats of seeded uniform values in [-1, 1) (never zeros: they can hide wrong indexing
    // and run faster than real data), or zero-filled.
    Buffer random(uint64_t n);
    Buffer zeros(uint64_t n) { return Buffer(ctx_, n); }
    // Copies a buffer back and checks every value is finite.
    bool all_finite(const Buffer& b);

    // Runs op warmup times, then reps times between a pair of compofa events each, and returns
    // the spread. With flushing on, a 256 MiB scratch write precedes each timed rep (outside the
    // events), so every rep starts with a cold L2.
    Stats time(const std::function<int32_t()>& op);

    bool selected(const std::string& op) const;
    // Writes one CSV row: GB/s and GFLOP/s from the median time; bytes or flops <= 0 leave the
    // column empty.
    void row(const std::string& op, const std::string& shape, const Stats& s, double bytes, double flops);
    // Prints an op's failure to stderr and counts it (UNSUPPORTED counts as a skip).
    void report_failure(const std::string& op, const std::string& shape, const Failure& f);

    int failures = 0, skips = 0, rows = 0;

private:
    Options opt_;
    compofa_context* ctx_ = nullptr;
    compofa_stream* stream_ = nullptr;
    compofa_event* start_ = nullptr;
    compofa_event* end_ = nullptr;
    Buffer scratch_;
    std::vector<float> pool_;   // host random values copied (cyclically) into random() buffers
    uint64_t pool_pos_ = 0;
    std::FILE* csv_ = nullptr;
    std::string date_, device_, commit_;
    int warmup_ = 0, reps_ = 0;
};

// The op suites (bench_ops.cpp).
void run_copy(Bench& b);
void run_dwconv(Bench& b);
void run_gemm(Bench& b);
void run_se(Bench& b);

}  // namespace bench
