// Batch statistics of an output's columns (channels) gathered while the output is still in cache, for
// the batch norm after a training convolution (compofa_conv1x1_stats_forward,
// compofa_dwconv_stats_forward). The rows are split into a fixed sequence of parts; each part sums its
// rows as they are written (ColumnSums, shifted by the part's first row so a large common offset costs
// no precision), and the parts are merged in order by Chan et al.'s pairwise update, so the result does
// not depend on which thread ran which part.
#pragma once
#include "cpu/isa.h"
#include <algorithm>
#include <cstdint>
#include <vector>

namespace compofa::cpu {
COMPOFA_ISA_BEGIN

// One part's running sums over c columns: float partials over at most kBlock rows (SIMD-wide, no
// conversions in the inner loop; shifted values, so <= 64 terms lose nothing that matters), folded
// into double sums between blocks.
class ColumnSums {
public:
    static constexpr int64_t kBlock = 64;

    explicit ColumnSums(int c) : c_(c), shift_(c), fa_(c), fb_(c), a_(c, 0.0), b_(c, 0.0) {}

    // Adds `rows` rows of c floats at y (contiguous).
    void add(const float* y, int64_t rows) {
        if (rows <= 0) return;
        if (count_ == 0) std::copy(y, y + c_, shift_.begin());
        const float* __restrict s = shift_.data();
        float* __restrict fa = fa_.data();
        float* __restrict fb = fb_.data();
        for (int64_t r0 = 0; r0 < rows; r0 += kBlock) {
            const int64_t r1 = std::min(rows, r0 + kBlock);
            std::fill(fa, fa + c_, 0.0f);
            std::fill(fb, fb + c_, 0.0f);
            for (int64_t r = r0; r < r1; ++r) {
                const float* yr = y + r * c_;
#pragma omp simd
                for (int j = 0; j < c_; ++j) {
                    const float d = yr[j] - s[j];
                    fa[j] += d;
                    fb[j] += d * d;
                }
            }
            for (int j = 0; j < c_; ++j) {
                a_[j] += fa[j];
                b_[j] += fb[j];
            }
        }
        count_ += rows;
    }

    // The part's row count, then its column means and sums of squared deviations (m2), into part[0..2c).
    int64_t finish(double* part) const {
        const double n = double(std::max<int64_t>(count_, 1));
        for (int j = 0; j < c_; ++j) {
            part[j] = double(shift_[j]) + a_[j] / n;
            part[c_ + j] = std::max(0.0, b_[j] - a_[j] * a_[j] / n);
        }
        return count_;
    }

private:
    int c_;
    std::vector<float> shift_, fa_, fb_;
    std::vector<double> a_, b_;
    int64_t count_ = 0;
};

// The parts of a problem's output rows: part q covers rows [q*part_rows, (q+1)*part_rows) and leaves
// its count and (mean, m2) block in counts[q] and parts[q*2c ..). Sized independently of the thread
// count so the merged statistics are the same however many threads ran.
class ColumnParts {
public:
    // rows of c columns cut into parts of part_rows rows.
    ColumnParts(int64_t rows, int c, int64_t part_rows)
        : c_(c), part_rows_(part_rows), counts_(std::size_t((rows + part_rows - 1) / part_rows), 0),
          parts_(counts_.size() * 2 * std::size_t(c), 0.0) {}

    // Parts sized by work for rows of `row_floats` floats: at most 64 of at least ~8K floats (fewer for
    // small problems, where each part's set-up would cost more than its sums).
    static ColumnParts by_work(int64_t rows, int c, int64_t row_floats) {
        const int64_t by_work = rows * row_floats / (int64_t(1) << 13);
        const int64_t n = std::max<int64_t>(1, std::min({rows, int64_t(64), by_work}));
        return ColumnParts(rows, c, (rows + n - 1) / n);
    }

    int64_t count() const { return int64_t(counts_.size()); }
    int64_t part_rows() const { return part_rows_; }

    // Records part q's sums (each part is written by one thread).
    void finish(int64_t q, const ColumnSums& sums) { counts_[q] = sums.finish(parts_.data() + q * 2 * c_); }

    // The parts merged in order by Chan et al.'s pairwise update: the mean and biased variance of all
    // their rows, into mean_out[0..c) and var_out[0..c). Empty parts are skipped.
    void merge(float* mean_out, float* var_out) const {
        std::vector<double> mean(c_, 0.0), m2(c_, 0.0);
        double n = 0.0;
        for (std::size_t q = 0; q < counts_.size(); ++q) {
            if (counts_[q] == 0) continue;
            const double nb = double(counts_[q]);
            const double* mb = parts_.data() + q * 2 * std::size_t(c_);
            const double total = n + nb;
            for (int j = 0; j < c_; ++j) {
                const double delta = mb[j] - mean[j];
                mean[j] += delta * nb / total;
                m2[j] += mb[c_ + j] + delta * delta * n * nb / total;
            }
            n = total;
        }
        for (int j = 0; j < c_; ++j) {
            mean_out[j] = float(mean[j]);
            var_out[j] = float(n > 0.0 ? m2[j] / n : 0.0);
        }
    }

private:
    int c_;
    int64_t part_rows_;
    std::vector<int64_t> counts_;
    std::vector<double> parts_;
};

COMPOFA_ISA_END
}  // namespace compofa::cpu
