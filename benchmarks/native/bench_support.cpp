// compofa_bench: buffers, timing with compofa events, CSV rows.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <ctime>

#include "bench.h"

namespace bench {

namespace {

constexpr uint64_t kScratchBytes = 256ull << 20;   // > L2 of every current GPU (H100 50 MB, H200 60 MB)
constexpr uint64_t kPoolFloats = 1ull << 22;       // 16 MiB of host random values, reused cyclically

std::string utc_now() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char s[32];
    std::strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return s;
}

std::string commit_id() {
    const char* env = std::getenv("COMPOFA_COMMIT");
    if (env != nullptr && env[0] != '\0') return env;
#ifdef COMPOFA_COMMIT
    return COMPOFA_COMMIT;
#else
    return "unknown";
#endif
}

// RFC 4180: quote a field holding a comma, quote or newline (device descriptions hold commas).
std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char ch : s) q += (ch == '"') ? std::string("\"\"") : std::string(1, ch);
    return q + "\"";
}

std::string number(double v) {
    if (!(v > 0) || !std::isfinite(v)) return "";
    char s[32];
    std::snprintf(s, sizeof s, "%.4g", v);
    return s;
}

}  // namespace

void check(int32_t status, const char* what) {
    if (status != COMPOFA_OK)
        throw Failure(status, std::string(what) + ": " + compofa_status_name(status) + ": " + compofa_last_error());
}

Buffer::Buffer(compofa_context* ctx, uint64_t floats) : len_(floats) {
    check(compofa_buffer_alloc(ctx, floats * sizeof(float), &buf_), "compofa_buffer_alloc");
    void* addr = nullptr;
    uint64_t bytes = 0;
    check(compofa_buffer_address(buf_, &addr, &bytes), "compofa_buffer_address");
    ptr_ = static_cast<float*>(addr);
}
Buffer::Buffer(Buffer&& o) noexcept : buf_(o.buf_), ptr_(o.ptr_), len_(o.len_) {
    o.buf_ = nullptr;
    o.ptr_ = nullptr;
    o.len_ = 0;
}
Buffer& Buffer::operator=(Buffer&& o) noexcept {
    if (this != &o) {
        if (buf_ != nullptr) compofa_buffer_free(buf_);
        buf_ = o.buf_;
        ptr_ = o.ptr_;
        len_ = o.len_;
        o.buf_ = nullptr;
        o.ptr_ = nullptr;
        o.len_ = 0;
    }
    return *this;
}
Buffer::~Buffer() {
    if (buf_ != nullptr) compofa_buffer_free(buf_);
}

Stats summarize(std::vector<double> ms) {
    if (ms.empty()) return {0, 0, 0};
    std::sort(ms.begin(), ms.end());
    size_t n = ms.size();
    double median = (n % 2 == 1) ? ms[n / 2] : 0.5 * (ms[n / 2 - 1] + ms[n / 2]);
    size_t rank = static_cast<size_t>(std::ceil(0.9 * static_cast<double>(n)));
    return {median, ms.front(), ms[std::max<size_t>(rank, 1) - 1]};
}

Bench::Bench(const Options& opt) : opt_(opt) {
    char text[512] = {0};
    check(compofa_backend_describe(opt.backend, opt.device, text, sizeof text), "compofa_backend_describe");
    device_ = text;
    check(compofa_context_create(opt.backend, opt.device, &ctx_), "compofa_context_create");
    if (opt.threads > 0) check(compofa_context_set_threads(ctx_, opt.threads), "compofa_context_set_threads");
    check(compofa_stream_create(ctx_, &stream_), "compofa_stream_create");
    check(compofa_event_create(ctx_, &start_), "compofa_event_create");
    check(compofa_event_create(ctx_, &end_), "compofa_event_create");

    bool cuda = opt.backend == COMPOFA_BACKEND_CUDA;
    // Defaults: a GPU rep is cheap, host reps of the batch-64 shapes are not.
    warmup_ = opt.warmup >= 0 ? opt.warmup : (opt.quick ? 2 : (cuda ? 5 : 1));
    reps_ = opt.reps > 0 ? opt.reps : (opt.quick ? 5 : (cuda ? 30 : 5));
    if (cuda && opt.flush) {
        scratch_ = Buffer(ctx_, kScratchBytes / sizeof(float));
        int32_t st = compofa_fill(ctx_, stream_, scratch_.ptr(), scratch_.len(), 0.0f);
        if (st != COMPOFA_OK) {   // a backend without fill still gets timed, with a warm L2
            std::fprintf(stderr, "compofa_bench: L2 flush disabled: compofa_fill: %s: %s\n", compofa_status_name(st),
                         compofa_last_error());
            scratch_ = Buffer();
        }
    }

    pool_.resize(kPoolFloats);
    uint64_t state = 0x9E3779B97F4A7C15ull;   // fixed seed: every run times the same data
    for (float& v : pool_) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        v = static_cast<float>(static_cast<double>(state >> 11) * 0x1.0p-53 * 2.0 - 1.0);
    }

    if (!opt.out.empty()) {
        csv_ = std::fopen(opt.out.c_str(), "w");
        if (csv_ == nullptr) throw std::runtime_error("cannot write " + opt.out);
    }
    date_ = utc_now();
    commit_ = commit_id();
    std::fprintf(csv_ != nullptr ? csv_ : stdout,
                 "date,device,commit,backend,op,shape,ms_median,ms_min,ms_p90,gb_s,gflop_s\n");
}

Bench::~Bench() {
    scratch_ = Buffer();
    if (start_ != nullptr) compofa_event_destroy(start_);
    if (end_ != nullptr) compofa_event_destroy(end_);
    if (stream_ != nullptr) compofa_stream_destroy(stream_);
    if (ctx_ != nullptr) compofa_context_destroy(ctx_);
    if (csv_ != nullptr) std::fclose(csv_);
}

Buffer Bench::random(uint64_t n) {
    Buffer b(ctx_, n);
    for (uint64_t done = 0; done < n;) {
        uint64_t take = std::min<uint64_t>(n - done, kPoolFloats - pool_pos_);
        check(compofa_copy_to_buffer(b.handle(), done * sizeof(float), pool_.data() + pool_pos_,
                                     take * sizeof(float), stream_),
              "compofa_copy_to_buffer");
        done += take;
        pool_pos_ = (pool_pos_ + take) % kPoolFloats;
    }
    // Start the next buffer at an odd offset so that x, w and dy do not share values.
    pool_pos_ = (pool_pos_ + 7919) % kPoolFloats;
    return b;
}

bool Bench::all_finite(const Buffer& b) {
    std::vector<float> host(b.len());
    check(compofa_copy_from_buffer(b.handle(), 0, host.data(), b.len() * sizeof(float), stream_),
          "compofa_copy_from_buffer");
    return std::all_of(host.begin(), host.end(), [](float v) { return std::isfinite(v); });
}

Stats Bench::time(const std::function<int32_t()>& op) {
    for (int i = 0; i < warmup_; ++i) check(op(), "op (warm-up)");
    check(compofa_stream_synchronize(stream_), "compofa_stream_synchronize");
    std::vector<double> ms;
    for (int i = 0; i < reps_; ++i) {
        if (flushing())
            check(compofa_fill(ctx_, stream_, scratch_.ptr(), scratch_.len(), static_cast<float>(i)), "compofa_fill (L2 flush)");
        check(compofa_event_record(start_, stream_), "compofa_event_record");
        check(op(), "op");
        check(compofa_event_record(end_, stream_), "compofa_event_record");
        check(compofa_event_synchronize(end_), "compofa_event_synchronize");
        float t = 0;
        check(compofa_event_elapsed_ms(start_, end_, &t), "compofa_event_elapsed_ms");
        ms.push_back(t);
    }
    return summarize(ms);
}

bool Bench::selected(const std::string& op) const {
    return opt_.only.empty() || op.find(opt_.only) != std::string::npos;
}

void Bench::row(const std::string& op, const std::string& shape, const Stats& s, double bytes, double flops) {
    double sec = s.median_ms * 1e-3;
    std::fprintf(csv_ != nullptr ? csv_ : stdout, "%s,%s,%s,%s,%s,%s,%.5f,%.5f,%.5f,%s,%s\n", date_.c_str(),
                 csv_field(device_).c_str(), csv_field(commit_).c_str(),
                 opt_.backend == COMPOFA_BACKEND_CUDA ? "cuda" : opt_.backend == COMPOFA_BACKEND_CPU ? "cpu" : "reference",
                 op.c_str(), shape.c_str(), s.median_ms, s.min_ms, s.p90_ms,
                 number(sec > 0 ? bytes / sec * 1e-9 : 0).c_str(), number(sec > 0 ? flops / sec * 1e-9 : 0).c_str());
    std::fflush(csv_ != nullptr ? csv_ : stdout);   // rows survive a run cut short
    ++rows;
}

void Bench::report_failure(const std::string& op, const std::string& shape, const Failure& f) {
    bool skip = f.status == COMPOFA_ERR_UNSUPPORTED;
    std::fprintf(stderr, "compofa_bench: %s %s %s: %s\n", skip ? "SKIPPED" : "FAILED", op.c_str(), shape.c_str(), f.what());
    (skip ? skips : failures) += 1;
}

}  // namespace bench
