// Host emulation of the bits of CUDA that src/cuda uses: one std::thread per CUDA thread,
// blocks run one after another, __shared__ == static (per kernel instance, blocks sequential).
// Warp shuffles are emulated with a barrier per warp (full masks only).
#pragma once
#include <atomic>
#include <barrier>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <thread>
#include <tuple>
#include <vector>
#include <algorithm>

#define __global__
#define __device__
#define __host__
#define __shared__ static
#define __launch_bounds__(...)
#define __align__(n) __attribute__((aligned(n)))

struct dim3 { unsigned x = 1, y = 1, z = 1; dim3(unsigned a = 1, unsigned b = 1, unsigned c = 1) : x(a), y(b), z(c) {} };
struct uint3e { unsigned x = 0, y = 0, z = 0; };
inline thread_local uint3e threadIdx, blockIdx;
inline thread_local dim3 blockDim, gridDim;
inline thread_local std::barrier<>* emu_bar = nullptr;
inline void __syncthreads() { emu_bar->arrive_and_wait(); }

// Warps: the block's threads in linear order (x fastest), 32 to a warp (the last one may be
// shorter). A shuffle publishes the value in the warp's slots, waits for the whole warp, reads the
// source lane's slot, then waits again before the slots can be reused. Only full masks are
// emulated; every thread of the warp must take part (as CUDA requires for a full mask).
struct EmuWarp {
    std::barrier<> bar;
    uint64_t slot[32] = {};
    explicit EmuWarp(std::ptrdiff_t threads) : bar(threads) {}
};
inline thread_local EmuWarp* emu_warp = nullptr;
inline thread_local unsigned emu_lane = 0;
inline void emu_check_mask(unsigned mask) {
    if (mask != 0xffffffffu) { std::fprintf(stderr, "emulator: only full warp masks are supported\n"); std::abort(); }
}
template <class T>
inline T emu_exchange(T v, unsigned src_lane) {
    static_assert(sizeof(T) <= sizeof(uint64_t), "shuffle of a type wider than 8 bytes");
    uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof(T));
    emu_warp->slot[emu_lane] = bits;
    emu_warp->bar.arrive_and_wait();
    const uint64_t got = emu_warp->slot[src_lane & 31u];
    emu_warp->bar.arrive_and_wait();
    T r;
    std::memcpy(&r, &got, sizeof(T));
    return r;
}
inline void __syncwarp(unsigned mask = 0xffffffffu) { emu_check_mask(mask); emu_warp->bar.arrive_and_wait(); }
template <class T>
inline T __shfl_sync(unsigned mask, T v, int src, int width = 32) {
    emu_check_mask(mask);
    return emu_exchange(v, (emu_lane / width) * width + unsigned(src) % width);
}
template <class T>
inline T __shfl_xor_sync(unsigned mask, T v, int lane_mask, int width = 32) {
    emu_check_mask(mask);
    const unsigned src = emu_lane ^ unsigned(lane_mask);
    return emu_exchange(v, src / width == emu_lane / width ? src : emu_lane);
}
template <class T>
inline T __shfl_down_sync(unsigned mask, T v, unsigned delta, int width = 32) {
    emu_check_mask(mask);
    const unsigned src = emu_lane + delta;
    return emu_exchange(v, src / width == emu_lane / width ? src : emu_lane);
}

struct float4 { float x, y, z, w; };
inline float4 make_float4(float a, float b, float c, float d) { return {a, b, c, d}; }
inline float __ldg(const float* p) { return *p; }
inline float4 __ldg(const float4* p) {
    if (reinterpret_cast<uintptr_t>(p) % 16) { std::fprintf(stderr, "misaligned float4\n"); std::abort(); }
    return *p;
}
inline float atomicAdd(float* p, float v) { return std::atomic_ref<float>(*p).fetch_add(v); }
inline double atomicAdd(double* p, double v) { return std::atomic_ref<double>(*p).fetch_add(v); }
inline int64_t min(int64_t a, int64_t b) { return a < b ? a : b; }

using cudaError_t = int;
constexpr cudaError_t cudaSuccess = 0, cudaErrorMemoryAllocation = 2;
using cudaStream_t = struct CUstream_st*;
enum cudaDeviceAttr { cudaDevAttrMultiProcessorCount = 16 };
inline const char* cudaGetErrorName(cudaError_t) { return "emu"; }
inline const char* cudaGetErrorString(cudaError_t) { return "emu"; }
inline cudaError_t cudaGetLastError() { return 0; }
inline cudaError_t cudaGetDevice(int* d) { *d = 0; return 0; }
inline cudaError_t cudaDeviceGetAttribute(int* v, cudaDeviceAttr, int) { *v = 3; return 0; }
inline std::atomic<long> emu_live_allocs{0};
inline cudaError_t cudaMallocAsync(void** p, size_t bytes, cudaStream_t) {
    *p = std::aligned_alloc(256, (bytes + 255) / 256 * 256 + 256);
    // poison so that reading unwritten scratch shows
    std::memset(*p, 0xff, (bytes + 255) / 256 * 256);
    ++emu_live_allocs;
    return 0;
}
inline cudaError_t cudaFreeAsync(void* p, cudaStream_t) { std::free(p); --emu_live_allocs; return 0; }
inline cudaError_t cudaMemsetAsync(void* p, int v, size_t bytes, cudaStream_t) { std::memset(p, v, bytes); return 0; }

inline long emu_launches = 0;
template <class... P>
struct EmuLauncher {
    void (*fn)(P...);
    dim3 g, b;
    template <class... A>
    void operator()(A&&... a) {
        ++emu_launches;
        if (g.x == 0 || g.y == 0 || b.x * b.y * b.z > 1024 || b.x * b.y * b.z == 0) { std::fprintf(stderr, "bad launch\n"); std::abort(); }
        std::tuple<P...> args(static_cast<P>(a)...);
        const unsigned nt = b.x * b.y * b.z;
        // One host thread per CUDA thread for the whole launch; the blocks run one after another.
        // Between blocks every thread waits at `between`, whose completion step (run once, while
        // all threads wait) gives the next block fresh block and warp barriers.
        struct Block {
            std::barrier<> bar;
            std::vector<std::unique_ptr<EmuWarp>> warps;
            explicit Block(unsigned n) : bar(n) {
                for (unsigned w = 0; w * 32 < n; ++w) warps.push_back(std::make_unique<EmuWarp>(std::min(32u, n - w * 32)));
            }
        };
        auto block = std::make_unique<Block>(nt);
        auto fresh_block = [&]() noexcept { block = std::make_unique<Block>(nt); };
        std::barrier<decltype(fresh_block)> between(nt, fresh_block);
        const unsigned long blocks = (unsigned long)g.x * g.y * g.z;
        std::vector<std::thread> ts;
        ts.reserve(nt);
        for (unsigned t = 0; t < nt; ++t)
            ts.emplace_back([&, t] {
                threadIdx = {t % b.x, (t / b.x) % b.y, t / (b.x * b.y)};
                blockDim = b; gridDim = g; emu_lane = t % 32;
                for (unsigned long bi = 0; bi < blocks; ++bi) {
                    blockIdx = {unsigned(bi % g.x), unsigned(bi / g.x % g.y), unsigned(bi / g.x / g.y)};
                    emu_bar = &block->bar;
                    emu_warp = block->warps[t / 32].get();
                    std::apply(fn, args);
                    emu_warp->bar.arrive_and_drop();
                    emu_bar->arrive_and_drop();
                    between.arrive_and_wait();
                }
            });
        for (auto& th : ts) th.join();
    }
};
template <class... P>
EmuLauncher<P...> emu_launch(void (*fn)(P...), dim3 g, dim3 b, size_t = 0, cudaStream_t = nullptr) { return {fn, g, b}; }
