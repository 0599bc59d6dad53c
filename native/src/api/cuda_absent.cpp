// Linked instead of src/cuda/*.cu in a build without CUDA: no devices, every service refuses.
#include "common/error.h"
#include "common/kernels.h"
#include "common/nn_kernels.h"
#include "cuda/cuda_services.h"

namespace compofa {

namespace {
[[noreturn]] void absent() { fail(COMPOFA_ERR_BACKEND_UNAVAILABLE, "this build of compofa has no CUDA backend"); }
void fwd(const DwForward&, void*) { absent(); }
void bwd(const DwBackward&, void*) { absent(); }
void gemm(const Gemm&, void*) { absent(); }
void gather(const Gather&, void*) { absent(); }
void scatter(const ScatterAdd&, void*) { absent(); }
void fill(float*, int64_t, float, void*) { absent(); }
}  // namespace

const KernelTable& cuda_kernels() {
    static const KernelTable table{fwd, bwd, gemm, gather, scatter, fill};
    return table;
}

namespace {
// Network ops: every entry refuses the same way, whatever its signature.
template <class... Args>
void nn_absent(Args...) { absent(); }
}  // namespace

const NnKernelTable& cuda_nn_kernels() {
    static const NnKernelTable table{
        nn_absent<const ConvShape&, const float*, float*, void*>,
        nn_absent<const ConvShape&, const float*, float*, void*>,
        nn_absent<const BnTrain&, void*>,
        nn_absent<const BnEval&, void*>,
        nn_absent<const BnBackward&, void*>,
        nn_absent<int32_t, const float*, float*, int64_t, void*>,
        nn_absent<int32_t, const float*, const float*, float*, int64_t, void*>,
        nn_absent<int64_t, int32_t, float*, const float*, void*>,
        nn_absent<int64_t, int32_t, const float*, float*, void*>,
        nn_absent<int32_t, int32_t, int32_t, const float*, float*, void*>,
        nn_absent<int32_t, int32_t, int32_t, const float*, float*, void*>,
        nn_absent<int32_t, int32_t, int32_t, const float*, const float*, float*, void*>,
        nn_absent<int32_t, int32_t, int32_t, const float*, const float*, const float*, float*, float*, void*>,
        nn_absent<int64_t, float, const float*, float, float*, void*>,
        nn_absent<int64_t, float, uint64_t, const float*, float*, void*>,
        nn_absent<int64_t, float, uint64_t, const float*, float*, void*>,
        nn_absent<const CrossEntropy&, void*>,
        nn_absent<const SoftCrossEntropy&, void*>,
        nn_absent<const Resize&, void*>,
        nn_absent<const SgdStep&, void*>,
        nn_absent<const FusedConv1x1&, void*>,
        nn_absent<const DwForward&, const Epilogue&, void*>,
        nn_absent<const SeForward&, void*>,
        nn_absent<const SeBackward&, void*>,
    };
    return table;
}

namespace cuda {
std::string vendor_blas_load(std::string* why) {
    if (why != nullptr) *why = "this build has no CUDA backend, so no cuBLAS either";
    return "";
}
void vendor_gemm(int, const Gemm&, void*) { absent(); }
bool compiled_in() { return false; }
int device_count(std::string* why_none) {
    if (why_none) *why_none = "this build of compofa has no CUDA backend";
    return 0;
}
std::string describe(int) { absent(); }
void set_device(int) { absent(); }
void* malloc_zeroed(int, size_t) { absent(); }
void free(int, void*) { absent(); }
void copy_to_device(int, void*, const void*, size_t, void*) { absent(); }
void copy_to_host(int, void*, const void*, size_t, void*) { absent(); }
void copy_device(int, void*, const void*, size_t, void*) { absent(); }
void* stream_create(int) { absent(); }
void stream_destroy(int, void*) { absent(); }
void stream_synchronize(int, void*) { absent(); }
void device_synchronize(int) { absent(); }
void* event_create(int) { absent(); }
void event_destroy(int, void*) { absent(); }
void event_record(int, void*, void*) { absent(); }
void event_synchronize(int, void*) { absent(); }
float event_elapsed_ms(void*, void*) { absent(); }
bool is_device_pointer(int, const void*) { return false; }
bool is_device_only_pointer(const void*) { return false; }
}  // namespace cuda

}  // namespace compofa
