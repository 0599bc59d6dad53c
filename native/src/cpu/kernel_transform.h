// Effective k x k kernel of an elastic depthwise subnet, and its backward (the OFA transform chain).
//   no chain (transform NONE or k == k_max): the centre k x k crop of weight[k_max][k_max][c_max],
//                                            read in place;
//   OFA chain: w5 = t75 * centre5(W7) (k_max 7), w3 = t53 * centre3(w5 or W5) (k 3),
//              matrices acting on flat tap indices: out[i][ch] = sum_j t[i][j] * in[j][ch].
#pragma once
#include <cstdint>
#include <vector>

#include "common/kernels.h"

namespace compofa::cpu {

// A k x k x c kernel view: tap (kh, kw) of channel ch at data[kh*row + kw*col + ch].
struct KernelView {
    const float* data;
    int64_t row, col;
};

// True when the subnet's kernel goes through the transform chain (else it is a plain crop).
inline bool chain_active(const DwShape& s) { return s.transform != 0 && s.k < s.k_max; }

// The subnet's kernel: the stored weight in place, or (chain active) a [k*k][c] kernel built into
// `storage`, which must outlive the view.
KernelView effective_kernel(const DwShape& s, const float* weight, const float* t75, const float* t53,
                            std::vector<float>& storage);

// Chain rule from dkeff[(kh*k + kw)*c + ch] to dweight (its subnet slice), dt75, dt53, all
// accumulated (+=); a null output is skipped.
void effective_kernel_backward(const DwShape& s, const float* weight, const float* t75, const float* t53,
                               const float* dkeff, float* dweight, float* dt75, float* dt53);

}  // namespace compofa::cpu
