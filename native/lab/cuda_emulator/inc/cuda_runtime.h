// Host emulation of the bits of CUDA that src/cuda uses: one std::thread per CUDA thread,
// blocks run one after another, __shared__ == static (per kernel instance, blocks sequential).
#pragma once
#include <atomic>
#include <barrier>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <thread>
#include <vector>
#include <algorithm>

#define __global__
#define __device__
#define __host__
#define __shared__ static
#define __launch_bounds__(...)

struct dim3 { unsigned x = 1, y = 1, z = 1; dim3(unsigned a = 1, unsigned b = 1, unsigned c = 1) : x(a), y(b), z(c) {} };
struct uint3e { unsigned x = 0, y = 0, z = 0; };
inline thread_local uint3e threadIdx, blockIdx;
inline thread_local dim3 blockDim, gridDim;
inline thread_local std::barrier<>* emu_bar = nullptr;
inline void __syncthreads() { emu_bar->arrive_and_wait(); }

struct float4 { float x, y, z, w; };
inline float4 make_float4(float a, float b, float c, float d) { return {a, b, c, d}; }
inline float __ldg(const float* p) { return *p; }
inline float4 __ldg(const float4* p) {
    if (reinterpret_cast<uintptr_t>(p) % 16) { std::fprintf(stderr, "misaligned float4\n"); std::abort(); }
    return *p;
}
inline float atomicAdd(float* p, float v) { return std::atomic_ref<float>(*p).fetch_add(v); }
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
        for (unsigned bz = 0; bz < g.z; ++bz) for (unsigned by = 0; by < g.y; ++by) for (unsigned bx = 0; bx < g.x; ++bx) {
            std::barrier<> bar(nt);
            std::vector<std::thread> ts;
            ts.reserve(nt);
            for (unsigned t = 0; t < nt; ++t)
                ts.emplace_back([&, t] {
                    threadIdx = {t % b.x, (t / b.x) % b.y, t / (b.x * b.y)};
                    blockIdx = {bx, by, bz};
                    blockDim = b; gridDim = g; emu_bar = &bar;
                    std::apply(fn, args);
                    bar.arrive_and_drop();
                });
            for (auto& th : ts) th.join();
        }
    }
};
template <class... P>
EmuLauncher<P...> emu_launch(void (*fn)(P...), dim3 g, dim3 b, size_t = 0, cudaStream_t = nullptr) { return {fn, g, b}; }
