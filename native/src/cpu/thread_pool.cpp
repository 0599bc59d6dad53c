// The pool of thread_pool.h. Each worker owns a ticket word: the caller publishes the job, bumps the
// tickets of the workers it needs and wakes only those asleep; workers it does not need are never
// touched. Completion is a countdown the caller waits on the same way (spin, then futex).
#include "cpu/thread_pool.h"

#include <immintrin.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <sched.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <climits>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace compofa::cpu {

namespace {

// How long an idle worker (or a caller waiting for the last part) polls before it sleeps. Ops of an
// inference pass follow each other within microseconds, so a polling worker is there at once; longer
// gaps (the JVM between ops of a training step) end with the worker asleep. The poll yields the CPU
// (sched_yield) every 32 pauses: a pure pause-spin was measured 2-4x slower on a 2-vCPU EPYC whenever
// anything else was runnable (the spinning worker loses the scheduler's favour and then misses its
// part by a time slice: compound step 1546 ms at 200 us of pure spin vs 383 ms at none), while
// yielding kept batch-1 inference at or below the no-spin times (measurements: the pool report, #19).
constexpr auto kSpin = std::chrono::microseconds(50);

long futex(std::atomic<uint32_t>* word, int op, uint32_t value) {
    static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t));
    return syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), op, value, nullptr, nullptr, 0);
}

// Returns once `word` differs from `seen` (acquire): polls for kSpin, then sleeps on the futex with
// `sleeping` raised, which the writer checks after its store (both seq_cst, so one sees the other).
uint32_t await_change(std::atomic<uint32_t>& word, uint32_t seen, std::atomic<uint32_t>& sleeping) {
    const auto deadline = std::chrono::steady_clock::now() + kSpin;
    for (;;) {
        for (int i = 0; i < 32; ++i) {
            const uint32_t now = word.load(std::memory_order_acquire);
            if (now != seen) return now;
            _mm_pause();
        }
        sched_yield();  // anything else runnable on this CPU goes first
        if (std::chrono::steady_clock::now() >= deadline) break;
    }
    for (;;) {
        sleeping.store(1, std::memory_order_seq_cst);
        const uint32_t now = word.load(std::memory_order_seq_cst);
        if (now != seen) {
            sleeping.store(0, std::memory_order_relaxed);
            return now;
        }
        futex(&word, FUTEX_WAIT_PRIVATE, seen);  // returns at once when word != seen already
    }
}

void wake_if_sleeping(std::atomic<uint32_t>& word, std::atomic<uint32_t>& sleeping) {
    if (sleeping.load(std::memory_order_seq_cst) != 0) futex(&word, FUTEX_WAKE_PRIVATE, INT_MAX);
}

thread_local bool t_in_region = false;

struct alignas(64) Worker {
    std::atomic<uint32_t> ticket{0};    // bumped by the caller: run part `index` of the current job
    std::atomic<uint32_t> sleeping{0};  // 1 while the worker may be in FUTEX_WAIT on ticket
};

class Pool {
public:
    void run(int parts, PartFn fn, void* context) {
        std::unique_lock<std::mutex> own(owner_, std::try_to_lock);
        if (t_in_region || !own.owns_lock()) {  // nested, or another thread has the pool: serially
            run_serially(parts, fn, context);
            return;
        }
        grow(parts - 1);
        fn_ = fn;
        context_ = context;
        remaining_.store(uint32_t(parts - 1), std::memory_order_relaxed);
        for (int w = 0; w < parts - 1; ++w) {
            Worker& worker = *workers_[size_t(w)];
            worker.ticket.fetch_add(1, std::memory_order_seq_cst);  // publishes fn_, context_ too
            wake_if_sleeping(worker.ticket, worker.sleeping);
        }
        t_in_region = true;
        call(fn, context, 0);
        t_in_region = false;
        uint32_t left = remaining_.load(std::memory_order_acquire);
        while (left != 0) left = await_change(remaining_, left, caller_sleeping_);
    }

private:
    static void run_serially(int parts, PartFn fn, void* context) {
        const bool outer = t_in_region;
        t_in_region = true;
        for (int part = 0; part < parts; ++part) call(fn, context, part);
        t_in_region = outer;
    }

    // A part that throws ends the process, as in an OpenMP region (the pool would be left waiting).
    static void call(PartFn fn, void* context, int part) noexcept { fn(context, part); }

    void grow(int count) {
        while (int(workers_.size()) < count) {
            workers_.push_back(std::make_unique<Worker>());
            const int part = int(workers_.size());
            std::thread([this, part, worker = workers_.back().get()] { serve(part, *worker); }).detach();
        }
    }

    // Worker `part`'s loop: the pool is never destroyed (workers live as long as the process).
    void serve(int part, Worker& worker) {
        t_in_region = true;
        uint32_t seen = 0;
        for (;;) {
            seen = await_change(worker.ticket, seen, worker.sleeping);
            call(fn_, context_, part);
            if (remaining_.fetch_sub(1, std::memory_order_seq_cst) == 1)
                wake_if_sleeping(remaining_, caller_sleeping_);
        }
    }

    std::mutex owner_;                              // held by the caller whose parts run
    std::vector<std::unique_ptr<Worker>> workers_;  // worker w runs part w + 1; grown under owner_
    PartFn fn_ = nullptr;                           // the current job, written under owner_
    void* context_ = nullptr;
    alignas(64) std::atomic<uint32_t> remaining_{0};  // parts still running on workers
    std::atomic<uint32_t> caller_sleeping_{0};
};

Pool& pool() {
    static Pool* const instance = new Pool();  // never destroyed: detached workers use it until exit
    return *instance;
}

}  // namespace

void run_parts(int parts, PartFn fn, void* context) {
    if (parts <= 1) {
        if (parts == 1) fn(context, 0);
        return;
    }
    pool().run(parts, fn, context);
}

bool in_parallel_region() { return t_in_region; }

}  // namespace compofa::cpu
