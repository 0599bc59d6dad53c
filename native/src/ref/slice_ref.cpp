// Reference strided 3-D slice copies and fill.
//   gather:      dst[(i*d1 + j)*d2 + l]  = src[i*s0 + j*s1 + l]
//   scatter_add: dst[i*s0 + j*s1 + l]   += alpha * src[(i*d1 + j)*d2 + l]
#include "ref/ref_ops.h"

namespace compofa::ref {

void gather(const Gather& op, void*) {
    const Slice& sl = op.sl;
    for (int i = 0; i < sl.d0; ++i)
        for (int j = 0; j < sl.d1; ++j)
            for (int l = 0; l < sl.d2; ++l)
                op.dst[((int64_t)i * sl.d1 + j) * sl.d2 + l] = op.src[i * sl.s0 + j * sl.s1 + l];
}

void scatter_add(const ScatterAdd& op, void*) {
    const Slice& sl = op.sl;
    for (int i = 0; i < sl.d0; ++i)
        for (int j = 0; j < sl.d1; ++j)
            for (int l = 0; l < sl.d2; ++l)
                op.dst[i * sl.s0 + j * sl.s1 + l] += op.alpha * op.src[((int64_t)i * sl.d1 + j) * sl.d2 + l];
}

void fill(float* dst, int64_t len, float value, void*) {
    for (int64_t i = 0; i < len; ++i) dst[i] = value;
}

}  // namespace compofa::ref
