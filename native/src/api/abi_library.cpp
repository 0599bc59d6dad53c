// ABI entry points about the library itself: version, errors, which backends exist.
#include <cstring>
#include <fstream>
#include <string>

#include "api/barrier.h"
#include "cpu/cpu_ops.h"
#include "cpu/isa.h"
#include "cuda/cuda_services.h"
#ifdef COMPOFA_HAVE_CBLAS
#include <cblas.h>
#endif

using namespace compofa;

namespace {

std::string cpu_model() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("model name", 0) == 0) {
            auto colon = line.find(':');
            if (colon != std::string::npos) return line.substr(colon + 2);
        }
    }
    return "unknown CPU";
}

std::string blas_name() {
#ifdef COMPOFA_HAVE_CBLAS
    return std::string("OpenBLAS (") + openblas_get_config() + ")";
#else
    return "built-in blocked GEMM (no BLAS)";
#endif
}

std::string describe(int32_t backend, int32_t device) {
    switch (backend) {
        case COMPOFA_BACKEND_REFERENCE: return "REFERENCE: naive host kernels (test oracle), " + cpu_model();
        case COMPOFA_BACKEND_CPU:
            return "CPU: " + cpu_model() + ", kernels: " + cpu::isa_label(cpu::active_isa()) + ", " +
                   std::to_string(cpu::default_threads()) + " threads (compofa pool), GEMM: " + blas_name();
        case COMPOFA_BACKEND_CUDA: {
            if (!cuda::compiled_in()) return "CUDA: unavailable (this build has no CUDA backend)";
            std::string why;
            int count = cuda::device_count(&why);
            if (count == 0) return "CUDA: unavailable (" + why + ")";
            if (device < 0 || device >= count)
                return "CUDA: no device " + std::to_string(device) + " (" + std::to_string(count) + " found)";
            return "CUDA: " + cuda::describe(device);
        }
        default: fail(COMPOFA_ERR_INVALID_ARGUMENT, "backend " + std::to_string(backend) + ": allowed 0 (REFERENCE), 1 (CPU), 2 (CUDA)");
    }
}

}  // namespace

extern "C" {

int32_t compofa_abi_version(void) { return COMPOFA_ABI_VERSION; }

const char* compofa_status_name(int32_t status) {
    switch (status) {
        case COMPOFA_OK: return "COMPOFA_OK";
        case COMPOFA_ERR_INVALID_ARGUMENT: return "COMPOFA_ERR_INVALID_ARGUMENT";
        case COMPOFA_ERR_UNSUPPORTED: return "COMPOFA_ERR_UNSUPPORTED";
        case COMPOFA_ERR_BACKEND_UNAVAILABLE: return "COMPOFA_ERR_BACKEND_UNAVAILABLE";
        case COMPOFA_ERR_OUT_OF_MEMORY: return "COMPOFA_ERR_OUT_OF_MEMORY";
        case COMPOFA_ERR_INVALID_HANDLE: return "COMPOFA_ERR_INVALID_HANDLE";
        case COMPOFA_ERR_WRONG_BACKEND: return "COMPOFA_ERR_WRONG_BACKEND";
        case COMPOFA_ERR_BUFFER_TOO_SMALL: return "COMPOFA_ERR_BUFFER_TOO_SMALL";
        case COMPOFA_ERR_DEVICE: return "COMPOFA_ERR_DEVICE";
        case COMPOFA_ERR_INTERNAL: return "COMPOFA_ERR_INTERNAL";
        case COMPOFA_ERR_BUSY: return "COMPOFA_ERR_BUSY";
        case COMPOFA_ERR_COMMUNICATION: return "COMPOFA_ERR_COMMUNICATION";
        default: return "COMPOFA_ERR_UNKNOWN_STATUS";
    }
}

const char* compofa_last_error(void) { return last_error(); }

void compofa_clear_error(void) { clear_last_error(); }

int32_t compofa_backend_available(int32_t backend, int32_t* available) {
    return guarded(__func__, [&] {
        if (available == nullptr) fail(COMPOFA_ERR_INVALID_ARGUMENT, "available must not be NULL");
        if (backend == COMPOFA_BACKEND_REFERENCE || backend == COMPOFA_BACKEND_CPU) {
            *available = 1;
        } else if (backend == COMPOFA_BACKEND_CUDA) {
            std::string why;
            *available = cuda::compiled_in() && cuda::device_count(&why) > 0 ? 1 : 0;
        } else {
            fail(COMPOFA_ERR_INVALID_ARGUMENT, "backend " + std::to_string(backend) + ": allowed 0 (REFERENCE), 1 (CPU), 2 (CUDA)");
        }
    });
}

int32_t compofa_cuda_device_count(int32_t* count) {
    return guarded(__func__, [&] {
        if (count == nullptr) fail(COMPOFA_ERR_INVALID_ARGUMENT, "count must not be NULL");
        std::string why;
        *count = cuda::compiled_in() ? cuda::device_count(&why) : 0;
    });
}

int32_t compofa_backend_describe(int32_t backend, int32_t device, char* text, uint64_t capacity) {
    return guarded(__func__, [&] {
        if (text == nullptr || capacity == 0) fail(COMPOFA_ERR_INVALID_ARGUMENT, "text must be a non-NULL buffer of capacity >= 1");
        std::string d = describe(backend, device);
        size_t n = d.size() < capacity - 1 ? d.size() : (size_t)(capacity - 1);
        std::memcpy(text, d.data(), n);
        text[n] = '\0';
    });
}

}  // extern "C"
