// cuBLAS as an optional GEMM library, loaded at run time with dlopen (compofa_context_set_gemm_library):
// this build neither includes cuBLAS's headers nor links it, so machines without it (our CI) build and
// run as before, and a machine that has one (a PyTorch install carries libcublas.so.12) can use it as
// an alternative path and as a peer for our kernels. The few declarations we need are restated here
// from cuBLAS's documented C API (cublas_api.h): handle, operations, compute types, cublasGemmEx.
// Row-major C = op(A) op(B) is the column-major C^T = op(B)^T op(A)^T, so A and B swap places.
#include <dlfcn.h>

#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

#include "common/error.h"
#include "cuda/cuda_check.h"
#include "cuda/cuda_services.h"

namespace compofa::cuda {

namespace {

using Handle = void*;                                  // cublasHandle_t
constexpr int kOpN = 0, kOpT = 1;                      // cublasOperation_t
constexpr int kCompute32F = 68, kCompute32FFast16BF = 75, kCompute32FFastTF32 = 77;  // cublasComputeType_t
constexpr int kR32F = 0;                               // cudaDataType CUDA_R_32F
constexpr int kGemmDefault = -1;                       // cublasGemmAlgo_t CUBLAS_GEMM_DEFAULT

struct Cublas {
    int (*create)(Handle*) = nullptr;
    int (*set_stream)(Handle, cudaStream_t) = nullptr;
    int (*gemm_ex)(Handle, int, int, int, int, int, const void*, const void*, int, int, const void*, int, int,
                   const void*, void*, int, int, int, int) = nullptr;
    std::string name;                                  // the library that was loaded
    std::string why;                                   // why none was, when name is empty
    std::mutex lock;                                   // one handle per device, set to each call's stream
    std::vector<Handle> handles;
};

Cublas& cublas() {
    static Cublas* lib = [] {
        auto* c = new Cublas();  // never freed: the handles live as long as the process
        std::vector<std::string> names;
        if (const char* path = std::getenv("COMPOFA_CUBLAS_LIBRARY"); path != nullptr && *path != '\0')
            names.emplace_back(path);
        for (const char* n : {"libcublas.so.13", "libcublas.so.12", "libcublas.so"}) names.emplace_back(n);
        std::string tried;
        for (const std::string& n : names) {
            void* so = dlopen(n.c_str(), RTLD_NOW | RTLD_LOCAL);
            if (so == nullptr) {
                tried += (tried.empty() ? "" : ", ") + n;
                continue;
            }
            c->create = reinterpret_cast<decltype(c->create)>(dlsym(so, "cublasCreate_v2"));
            c->set_stream = reinterpret_cast<decltype(c->set_stream)>(dlsym(so, "cublasSetStream_v2"));
            c->gemm_ex = reinterpret_cast<decltype(c->gemm_ex)>(dlsym(so, "cublasGemmEx"));
            if (c->create != nullptr && c->set_stream != nullptr && c->gemm_ex != nullptr) {
                c->name = n;
                return c;
            }
            tried += (tried.empty() ? "" : ", ") + n + " (lacks cublasCreate_v2/cublasSetStream_v2/cublasGemmEx)";
        }
        c->why = "cuBLAS not found (tried " + tried + "); set COMPOFA_CUBLAS_LIBRARY to its path";
        return c;
    }();
    return *lib;
}

void check_cublas(int status, const char* what) {
    if (status != 0) throw Error(COMPOFA_ERR_DEVICE, std::string(what) + " failed: cublasStatus " + std::to_string(status));
}

}  // namespace

std::string vendor_blas_load(std::string* why) {
    Cublas& c = cublas();
    if (c.name.empty() && why != nullptr) *why = c.why;
    return c.name;
}

void vendor_gemm(int device, const Gemm& op, void* stream) {
    Cublas& c = cublas();
    if (c.name.empty()) throw Error(COMPOFA_ERR_UNSUPPORTED, c.why);
    set_device(device);
    std::lock_guard<std::mutex> guard(c.lock);
    if (c.handles.size() <= size_t(device)) c.handles.resize(size_t(device) + 1, nullptr);
    if (c.handles[size_t(device)] == nullptr) check_cublas(c.create(&c.handles[size_t(device)]), "cublasCreate_v2");
    Handle h = c.handles[size_t(device)];
    check_cublas(c.set_stream(h, as_stream(stream)), "cublasSetStream_v2");
    const int compute = op.precision == COMPOFA_PRECISION_TF32   ? kCompute32FFastTF32
                        : op.precision == COMPOFA_PRECISION_BF16 ? kCompute32FFast16BF
                                                                 : kCompute32F;
    // Column-major view: C^T (n x m) = op(B)^T (n x k) * op(A)^T (k x m); B's stored layout is B^T's.
    check_cublas(c.gemm_ex(h, op.trans_b ? kOpT : kOpN, op.trans_a ? kOpT : kOpN, op.n, op.m, op.k, &op.alpha, op.b,
                           kR32F, op.ldb, op.a, kR32F, op.lda, &op.beta, op.c, kR32F, op.ldc, compute, kGemmDefault),
                 "cublasGemmEx");
}

}  // namespace compofa::cuda
