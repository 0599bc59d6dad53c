// Per-channel work over (segs, seg_rows, c) tensors (a (rows, c) view is segs = 1; (n, hw, c) with
// a per-sample result is segs = n): the column map and column reduction that batch norm, bias,
// channel scale and global average pooling share, plus warp reductions.
//
// A ColumnPlan splits the tensor into 256-thread blocks in which every thread owns ONE column: the
// channels are cut into `tiles` tiles of `width` <= 256 channels, a block covers one tile of one
// row chunk of one segment, and its 256 / width lanes walk the chunk's rows `lanes` apart. A block
// thus reads lanes runs of width consecutive floats per step (one run of lanes * c floats when a
// single tile spans c), at least 80% of its threads are busy for any c, per-channel parameters sit
// in registers, and no index division happens inside the row loop. Row chunks are added until
// there are ~8 blocks per SM.
//
// Reductions are deterministic: each block sums its lanes in shared memory in a fixed order and
// writes one partial per (chunk, segment, column); with several chunks a second kernel sums the
// partials with one warp per output (fixed butterfly order). The epilogue functor then sees the
// column total exactly once per (segment, column).
#pragma once
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>

#include "cuda/cuda_check.h"
#include "cuda/dwconv_common.cuh"  // StreamScratch

namespace compofa::cuda {

constexpr int kColumnThreads = 256;
constexpr int kWarp = 32;
constexpr unsigned kFullMask = 0xffffffffu;

// Butterfly reductions: every lane ends with the same, order-independent bits.
__device__ inline float warp_sum(float v) {
#pragma unroll
    for (int o = kWarp / 2; o > 0; o >>= 1) v += __shfl_xor_sync(kFullMask, v, o);
    return v;
}
__device__ inline float warp_max(float v) {
#pragma unroll
    for (int o = kWarp / 2; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(kFullMask, v, o));
    return v;
}

struct ColumnPlan {
    int32_t segs;
    int64_t seg_rows;
    int32_t c;
    int32_t width;  // channels per tile, <= kColumnThreads
    int32_t lanes;  // kColumnThreads / width: rows a block visits per step
    int32_t tiles;  // ceil(c / width)
    int64_t chunks;      // row chunks per segment
    int64_t chunk_rows;  // rows per chunk (the last one may be shorter)

    __host__ __device__ int64_t blocks() const { return int64_t(segs) * chunks * tiles; }
    int64_t partial_floats(int nv) const { return chunks * segs * nv * int64_t(c); }
};

// Grid for a plan: one block per (tile, chunk, segment) up to 2^20; kernels loop over the rest.
inline unsigned column_grid(const ColumnPlan& p) {
    return static_cast<unsigned>(std::clamp<int64_t>(p.blocks(), 1, int64_t(1) << 20));
}

// min_rows_per_thread bounds the chunking from below: a reduction wants each thread to sum enough
// rows that partials stay few; a map only wants to amortise the per-thread parameter loads.
inline ColumnPlan plan_columns(int32_t segs, int64_t seg_rows, int32_t c, int64_t min_rows_per_thread) {
    ColumnPlan p{};
    p.segs = segs;
    p.seg_rows = seg_rows;
    p.c = c;
    // Fewest tiles, or up to 3 more (tiles >= 32 channels wide) when that keeps more threads busy:
    // busy fraction = c * lanes / (tiles * 256), >= 80% for every c (c = 129: 4 tiles of 33 x 7 lanes).
    const int32_t fewest = (c + kColumnThreads - 1) / kColumnThreads;
    double best = -1.0;
    for (int32_t t = fewest; t <= fewest + 3; ++t) {
        const int32_t width = (c + t - 1) / t;
        if (t > fewest && width < kWarp) break;
        const int32_t lanes = kColumnThreads / width;
        const double busy = double(c) * lanes / (double(t) * kColumnThreads);
        if (busy > best + 1e-9) best = busy, p.tiles = t, p.width = width, p.lanes = lanes;
    }
    int device = 0, sms = 0;
    check(cudaGetDevice(&device), "cudaGetDevice");
    check(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device), "cudaDeviceGetAttribute");
    const int64_t base = int64_t(segs) * p.tiles;
    const int64_t target = std::max<int64_t>(1, int64_t(sms) * 8);
    const int64_t max_chunks = std::max<int64_t>(1, seg_rows / (int64_t(p.lanes) * min_rows_per_thread));
    // Floor: a grid already within 2x of the target stays unchunked (no partials, no second pass).
    const int64_t want = std::clamp<int64_t>(target / base, 1, max_chunks);
    p.chunk_rows = std::max<int64_t>(1, (seg_rows + want - 1) / want);
    p.chunks = std::max<int64_t>(1, (seg_rows + p.chunk_rows - 1) / p.chunk_rows);
    return p;
}

// What one thread of virtual block vb owns: column col of segment seg, rows row0 + lane,
// row0 + lane + lanes, ... < row1 (segment-relative); element (seg, r, col) at base + r * c.
struct ColumnSlot {
    int64_t seg, chunk;
    int32_t col, lane;
    bool active;  // lane < lanes and col < c
    int64_t row0, row1;
    int64_t base;
};

__device__ inline ColumnSlot column_slot(const ColumnPlan& p, int64_t vb) {
    ColumnSlot s;
    const int64_t tile = vb % p.tiles;
    const int64_t q = vb / p.tiles;
    s.chunk = q % p.chunks;
    s.seg = q / p.chunks;
    const int tid = threadIdx.x;
    s.lane = tid / p.width;
    s.col = int32_t(tile * p.width + tid % p.width);
    s.active = s.lane < p.lanes && s.col < p.c;
    s.row0 = s.chunk * p.chunk_rows;
    s.row1 = s.row0 + p.chunk_rows < p.seg_rows ? s.row0 + p.chunk_rows : p.seg_rows;
    s.base = s.seg * p.seg_rows * p.c + s.col;
    return s;
}

// ---- column map: every element (seg, r, col) gets op.write(state, e, op.read(state, e)) ----------
// `Op` provides: struct State; State load(int64_t seg, int32_t col) const (per-thread parameters);
// Vals read(const State&, int64_t e) const; void write(const State&, int64_t e, const Vals&) const.
// Reads of kMapBatch rows go out before their writes; an element is read and written by the same
// thread only, so in-place ops (output == input) are safe.
constexpr int kMapBatch = 4;

template <class Op>
__global__ void __launch_bounds__(kColumnThreads) column_map_kernel(ColumnPlan p, Op op) {
    using Vals = decltype(op.read(op.load(0, 0), 0));
    for (int64_t vb = blockIdx.x; vb < p.blocks(); vb += gridDim.x) {
        const ColumnSlot s = column_slot(p, vb);
        if (!s.active) continue;
        const auto st = op.load(s.seg, s.col);
        const int64_t step = int64_t(p.lanes) * p.c;
        int64_t r = s.row0 + s.lane;
        int64_t e = s.base + r * p.c;
        for (; r + int64_t(kMapBatch - 1) * p.lanes < s.row1; r += int64_t(kMapBatch) * p.lanes) {
            Vals v[kMapBatch];
#pragma unroll
            for (int u = 0; u < kMapBatch; ++u) v[u] = op.read(st, e + u * step);
#pragma unroll
            for (int u = 0; u < kMapBatch; ++u) op.write(st, e + u * step, v[u]);
            e += kMapBatch * step;
        }
        for (; r < s.row1; r += p.lanes, e += step) op.write(st, e, op.read(st, e));
    }
}

template <class Op>
void column_map(const ColumnPlan& p, const Op& op, cudaStream_t stream, const char* name) {
    if (p.blocks() <= 0 || p.seg_rows <= 0) return;
    column_map_kernel<Op><<<column_grid(p), kColumnThreads, 0, stream>>>(p, op);
    check_launch(name);
}

// ---- column reduction: t[v] = sum over rows of the segment of src's NV values -------------------
// `Src`: struct State; State load(int64_t seg, int32_t col) const (per-thread parameters);
// void add(const State&, int64_t e, float (&acc)[NV]) const adds element e's values into acc. `Epi`: void operator()(int64_t seg, int32_t col, const float (&t)[NV])
// const, called once per (segment, column) with the totals.
template <int NV, class Src, class Epi>
__global__ void __launch_bounds__(kColumnThreads)
    column_partials_kernel(ColumnPlan p, Src src, Epi epi, float* __restrict__ partial) {
    __shared__ float part[NV][kColumnThreads];
    for (int64_t vb = blockIdx.x; vb < p.blocks(); vb += gridDim.x) {
        const ColumnSlot s = column_slot(p, vb);
        float acc[NV];
#pragma unroll
        for (int v = 0; v < NV; ++v) acc[v] = 0.0f;
        if (s.active) {
            const auto st = src.load(s.seg, s.col);
            const int64_t step = int64_t(p.lanes) * p.c;
            int64_t e = s.base + (s.row0 + s.lane) * p.c;
#pragma unroll 4
            for (int64_t r = s.row0 + s.lane; r < s.row1; r += p.lanes, e += step) src.add(st, e, acc);
        }
#pragma unroll
        for (int v = 0; v < NV; ++v) part[v][threadIdx.x] = acc[v];
        __syncthreads();
        if (s.lane == 0 && s.col < p.c) {
            float t[NV];
#pragma unroll
            for (int v = 0; v < NV; ++v) {
                float sum = 0.0f;
                for (int l = 0; l < p.lanes; ++l) sum += part[v][l * p.width + threadIdx.x];
                t[v] = sum;
            }
            if (p.chunks == 1) {
                epi(s.seg, s.col, t);
            } else {
#pragma unroll
                for (int v = 0; v < NV; ++v) partial[((s.chunk * p.segs + s.seg) * NV + v) * p.c + s.col] = t[v];
            }
        }
        __syncthreads();  // part is rewritten by the next virtual block
    }
}

// One warp per (segment, column): lanes stride over the chunks' partials, then a butterfly sum.
template <int NV, class Epi>
__global__ void __launch_bounds__(kColumnThreads)
    column_finish_kernel(ColumnPlan p, Epi epi, const float* __restrict__ partial) {
    const int lane = threadIdx.x % kWarp;
    const int64_t warps = int64_t(gridDim.x) * (blockDim.x / kWarp);
    const int64_t outputs = int64_t(p.segs) * p.c;
    for (int64_t o = int64_t(blockIdx.x) * (blockDim.x / kWarp) + threadIdx.x / kWarp; o < outputs; o += warps) {
        const int64_t seg = o / p.c;
        const int32_t col = int32_t(o - seg * p.c);
        float t[NV];
#pragma unroll
        for (int v = 0; v < NV; ++v) {
            float sum = 0.0f;
            for (int64_t ch = lane; ch < p.chunks; ch += kWarp) sum += partial[((ch * p.segs + seg) * NV + v) * p.c + col];
            t[v] = warp_sum(sum);
        }
        if (lane == 0) epi(seg, col, t);
    }
}

// Runs the reduction; `scratch` must hold p.partial_floats(NV) floats when p.chunks > 1.
template <int NV, class Src, class Epi>
void column_reduce(const ColumnPlan& p, const Src& src, const Epi& epi, float* scratch, cudaStream_t stream,
                   const char* name) {
    column_partials_kernel<NV, Src, Epi><<<column_grid(p), kColumnThreads, 0, stream>>>(p, src, epi, scratch);
    check_launch(name);
    if (p.chunks == 1) return;
    const int64_t outputs = int64_t(p.segs) * p.c;
    constexpr int warps_per_block = kColumnThreads / kWarp;
    const unsigned grid = static_cast<unsigned>(
        std::clamp<int64_t>((outputs + warps_per_block - 1) / warps_per_block, 1, int64_t(1) << 20));
    column_finish_kernel<NV, Epi><<<grid, kColumnThreads, 0, stream>>>(p, epi, scratch);
    check_launch("column_finish_kernel");
}

// Column reduction with its own stream-ordered scratch for the partials (none when one chunk).
template <int NV, class Src, class Epi>
void column_reduce(const ColumnPlan& p, const Src& src, const Epi& epi, cudaStream_t stream, const char* name) {
    if (p.chunks == 1) {
        column_reduce<NV>(p, src, epi, nullptr, stream, name);
        return;
    }
    StreamScratch scratch(size_t(p.partial_floats(NV)), stream);
    column_reduce<NV>(p, src, epi, scratch.get(), stream, name);
    scratch.release();
}

}  // namespace compofa::cuda
