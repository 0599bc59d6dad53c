// The CPU backend's one thread pool, shared by every kernel and the GEMM (it replaces OpenMP).
// Idle workers poll for a short bounded time (kSpin in thread_pool.cpp, yielding the CPU as they poll),
// then sleep on a futex: back-to-back short ops (inference) find them awake, while between the ops of a
// long step they stop taking cores from the JVM and OpenBLAS. The calling thread runs part 0 itself.
// One caller at a time owns the pool; another thread that calls while it is busy (several JVM threads
// using the library), and any call from inside a part (nesting), runs its parts serially on itself, in
// order: every part still runs exactly once, on fewer threads.
#pragma once
#include <algorithm>
#include <cstdint>
#include <type_traits>
#include <utility>

namespace compofa::cpu {

using PartFn = void (*)(void* context, int part);

// Runs fn(context, part) once for every part in [0, parts); part 0 on the calling thread, the others on
// workers (created on first use). Returns when every part has finished. A part must not throw.
void run_parts(int parts, PartFn fn, void* context);

// Whether the calling thread is inside a part (a pool worker, or a caller while its parts run).
bool in_parallel_region();

// body(part) for part in [0, parts), on up to `parts` threads (see run_parts).
template <class Body>
void parallel_parts(int parts, Body&& body) {
    if (parts <= 1) {
        if (parts == 1) body(0);
        return;
    }
    using B = std::remove_reference_t<Body>;
    run_parts(parts, [](void* c, int part) { (*static_cast<B*>(c))(part); }, const_cast<void*>(
                  static_cast<const void*>(&body)));
}

// The rows of part t of nt over [0, count), as OpenMP's schedule(static) gives them: contiguous, the
// first count % nt parts one longer.
inline std::pair<int64_t, int64_t> static_range(int64_t count, int t, int nt) {
    const int64_t q = count / nt, r = count % nt;
    const int64_t begin = t * q + std::min<int64_t>(t, r);
    return {begin, begin + q + (t < r ? 1 : 0)};
}

// body(begin, end) over contiguous ranges of [0, count), one per thread, at most `threads` threads.
template <class Body>
void parallel_ranges(int64_t count, int threads, Body&& body) {
    if (count <= 0) return;
    const int nt = int(std::max<int64_t>(1, std::min<int64_t>(threads, count)));
    parallel_parts(nt, [&](int t) {
        const auto [begin, end] = static_range(count, t, nt);
        body(begin, end);
    });
}

// body(i) for every i in [0, count), statically partitioned over at most `threads` threads: the
// pool's `#pragma omp parallel for num_threads(threads) schedule(static)`.
template <class Body>
void parallel_for(int64_t count, int threads, Body&& body) {
    parallel_ranges(count, threads, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i) body(i);
    });
}

}  // namespace compofa::cpu
