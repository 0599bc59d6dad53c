// The CPU thread pool, white-box (thread_pool.cpp compiled in): every index runs exactly once for odd
// counts and 1..5 threads, part 0 runs on the caller, nested calls and concurrent callers run every
// part, and uneven parts (one finishing at once, one outlasting the spin so the caller sleeps, gaps
// that put the workers to sleep) all complete.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <thread>
#include <vector>

#include "cpu/thread_pool.h"

using namespace compofa::cpu;

namespace {

int failures = 0;

void check(bool ok, const char* what, long a = 0, long b = 0) {
    if (!ok) {
        ++failures;
        std::fprintf(stderr, "FAIL: %s (%ld, %ld)\n", what, a, b);
    }
}

// Every index of [0, count) visited exactly once by parallel_for and by parallel_ranges.
void every_index_once(int64_t count, int threads) {
    std::vector<std::atomic<int>> seen(size_t(count + 1));
    parallel_for(count, threads, [&](int64_t i) { seen[size_t(i)].fetch_add(1); });
    for (int64_t i = 0; i < count; ++i) check(seen[size_t(i)].load() == 1, "parallel_for visits once", count, threads);
    std::vector<std::atomic<int>> ranged(size_t(count + 1));
    std::atomic<int> calls{0};
    parallel_ranges(count, threads, [&](int64_t begin, int64_t end) {
        calls.fetch_add(1);
        check(begin < end, "ranges are not empty", begin, end);
        for (int64_t i = begin; i < end; ++i) ranged[size_t(i)].fetch_add(1);
    });
    for (int64_t i = 0; i < count; ++i) check(ranged[size_t(i)].load() == 1, "parallel_ranges covers once", count, threads);
    check(calls.load() == (count == 0 ? 0 : std::min<int64_t>(count, threads)), "one range per thread", calls.load(),
          threads);
}

// Part 0 runs on the caller; every part exactly once; the parts run at once (each waits for all to
// have started, which only a pool of `parts` threads can satisfy when nobody else holds it).
void parts_run_together(int parts) {
    const std::thread::id caller = std::this_thread::get_id();
    std::vector<std::atomic<int>> runs(static_cast<size_t>(parts));
    std::atomic<int> started{0};
    std::atomic<bool> caller_ran_zero{false};
    parallel_parts(parts, [&](int part) {
        runs[size_t(part)].fetch_add(1);
        if (parts > 1) check(in_parallel_region(), "inside a part", part, parts);
        if (part == 0) caller_ran_zero = std::this_thread::get_id() == caller;
        started.fetch_add(1);
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (started.load() < parts && std::chrono::steady_clock::now() < until) std::this_thread::yield();
        check(started.load() == parts, "all parts run concurrently", started.load(), parts);
    });
    for (int p = 0; p < parts; ++p) check(runs[size_t(p)].load() == 1, "each part once", p, parts);
    check(caller_ran_zero.load(), "part 0 on the caller", parts);
    check(!in_parallel_region(), "outside after the call");
}

void nested_calls_run_every_index() {
    constexpr int64_t outer = 7, inner = 13;
    std::vector<std::atomic<int>> seen(size_t(outer * inner));
    parallel_for(outer, 3, [&](int64_t i) {
        parallel_for(inner, 4, [&](int64_t j) { seen[size_t(i * inner + j)].fetch_add(1); });
    });
    for (auto& s : seen) check(s.load() == 1, "nested index once");
}

// Several threads call at once (as JVM threads do): whoever does not get the pool runs serially.
void concurrent_callers() {
    constexpr int callers = 4, rounds = 300;
    std::atomic<int64_t> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < callers; ++t)
        threads.emplace_back([&, t] {
            std::mt19937 rng(1234 + t);
            for (int r = 0; r < rounds; ++r) {
                const int64_t count = 1 + 2 * int64_t(rng() % 500);  // odd
                const int nt = 1 + int(rng() % 5);
                std::vector<int> hits(size_t(count), 0);  // each index is written by one part only
                parallel_for(count, nt, [&](int64_t i) { hits[size_t(i)] += 1; });
                for (int h : hits) wrong += h != 1;
            }
        });
    for (auto& t : threads) t.join();
    check(wrong.load() == 0, "concurrent callers visit every index once", long(wrong.load()));
}

// Uneven parts: a worker done at once while the caller works, a worker that outlasts the spin (the
// caller then sleeps until it finishes), and pauses between jobs long enough for workers to sleep.
void uneven_parts_and_idle_gaps() {
    for (int round = 0; round < 40; ++round) {
        const int parts = 2 + round % 4;
        const int slow = round % parts;  // the part that takes long: the caller's or a worker's
        std::vector<std::atomic<int>> runs(static_cast<size_t>(parts));
        parallel_parts(parts, [&](int part) {
            if (part == slow) std::this_thread::sleep_for(std::chrono::microseconds(round % 2 ? 2000 : 200));
            runs[size_t(part)].fetch_add(1);  // the others return at once
        });
        for (int p = 0; p < parts; ++p) check(runs[size_t(p)].load() == 1, "uneven part once", p, round);
        if (round % 3 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));  // workers fall asleep
    }
}

// Many short jobs back to back (inference's regime): all finish, results exact.
void many_short_jobs() {
    std::vector<int64_t> out(101);
    for (int job = 0; job < 20000; ++job) {
        parallel_for(int64_t(out.size()), 1 + job % 5, [&](int64_t i) { out[size_t(i)] = i * job; });
        if (out[100] != 100 * int64_t(job)) {
            check(false, "short job result", job);
            return;
        }
    }
}

}  // namespace

int main() {
    for (int threads = 1; threads <= 5; ++threads)
        for (int64_t count : {0, 1, 2, 3, 5, 7, 13, 101, 1001, 4099}) every_index_once(count, threads);
    for (int parts = 1; parts <= 5; ++parts) parts_run_together(parts);
    nested_calls_run_every_index();
    concurrent_callers();
    uneven_parts_and_idle_gaps();
    many_short_jobs();
    if (failures != 0) {
        std::fprintf(stderr, "%d failures\n", failures);
        return 1;
    }
    std::printf("thread pool: all checks passed\n");
    return 0;
}
