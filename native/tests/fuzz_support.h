// Shared by the native fuzz tests: a seeded generator, float buffers fenced by inaccessible pages
// (an access one float past either end faults at once instead of corrupting the heap quietly),
// and a crash reporter that names the call in flight before the process dies.
#pragma once
#include <sys/mman.h>
#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace fuzz {

// SplitMix64: small, seedable, the same sequence on every machine.
class Rng {
public:
    explicit Rng(uint64_t seed) : state_(seed) {}
    uint64_t next() {
        uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    // Uniform in [0, n) for n >= 1 (the modulo bias is irrelevant here).
    uint64_t below(uint64_t n) { return next() % n; }
    int64_t range(int64_t lo, int64_t hi) { return lo + (int64_t)below((uint64_t)(hi - lo) + 1); }
    bool chance(double p) { return (double)(next() >> 11) * 0x1.0p-53 < p; }
    template <class T, size_t N>
    T pick(const T (&values)[N]) { return values[below(N)]; }

private:
    uint64_t state_;
};

// n floats (n >= 1) placed so that element n is the first byte of a PROT_NONE page and element -1
// lies in another one. Movable, not copyable.
class FencedFloats {
public:
    FencedFloats() = default;
    explicit FencedFloats(uint64_t n) : n_(n) {
        const uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
        const uint64_t body = (n * sizeof(float) + page - 1) / page * page;
        bytes_ = body + 2 * page;
        base_ = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (base_ == MAP_FAILED) {
            std::perror("mmap");
            std::exit(2);
        }
        char* b = static_cast<char*>(base_);
        mprotect(b, page, PROT_NONE);
        mprotect(b + page + body, page, PROT_NONE);
        data_ = reinterpret_cast<float*>(b + page + body - n * sizeof(float));
    }
    FencedFloats(FencedFloats&& o) noexcept { swap(o); }
    FencedFloats& operator=(FencedFloats&& o) noexcept {
        swap(o);
        return *this;
    }
    FencedFloats(const FencedFloats&) = delete;
    FencedFloats& operator=(const FencedFloats&) = delete;
    ~FencedFloats() {
        if (base_ != nullptr) munmap(base_, bytes_);
    }
    float* data() const { return data_; }
    uint64_t size() const { return n_; }
    float& operator[](uint64_t i) const { return data_[i]; }

private:
    void swap(FencedFloats& o) {
        std::swap(base_, o.base_);
        std::swap(bytes_, o.bytes_);
        std::swap(data_, o.data_);
        std::swap(n_, o.n_);
    }
    void* base_ = nullptr;
    uint64_t bytes_ = 0;
    float* data_ = nullptr;
    uint64_t n_ = 0;
};

// What the crash reporter prints if the process faults: set before each call.
inline char g_call[768] = "(no call yet)";

inline void on_fatal_signal(int sig) {
    const char head[] = "\nFUZZ CRASH (signal) during: ";
    ssize_t ignored = write(2, head, sizeof head - 1);
    ignored = write(2, g_call, strnlen(g_call, sizeof g_call));
    ignored = write(2, "\n", 1);
    (void)ignored;
    (void)sig;
    _exit(99);
}

inline void install_crash_reporter() {
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL}) std::signal(sig, on_fatal_signal);
}

// Seed from argv[1] when given, else `fallback`; printed so a failure can be replayed.
inline uint64_t seed_from(int argc, char** argv, uint64_t fallback) {
    uint64_t seed = argc > 1 ? std::strtoull(argv[1], nullptr, 0) : fallback;
    std::printf("seed %llu (replay: pass it as the first argument)\n", (unsigned long long)seed);
    return seed;
}

// Iterations from argv[2] when given, else `fallback`.
inline long iterations_from(int argc, char** argv, long fallback) {
    return argc > 2 ? std::strtol(argv[2], nullptr, 0) : fallback;
}

}  // namespace fuzz
