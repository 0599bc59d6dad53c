// CUDA runtime services for the ABI layer (see cuda_services.h): devices, memory, streams, events.
// Every function with a device makes it current first; failures throw compofa::Error.
#include <cuda_runtime.h>

#include <cstdio>
#include <string>

#include "cuda/cuda_check.h"
#include "cuda/cuda_services.h"

namespace compofa::cuda {

namespace {

std::string version_text(int v) {  // 13000 -> "13.0"
    return std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10);
}

}  // namespace

bool compiled_in() { return true; }

int device_count(std::string* why_none) {
    try {
        int count = 0;
        const cudaError_t status = cudaGetDeviceCount(&count);
        if (status != cudaSuccess) {
            (void)cudaGetLastError();  // 35 and 100 are not sticky; leave no trace for later checks
            if (why_none != nullptr) {
                if (status == cudaErrorInsufficientDriver)
                    *why_none = "no usable CUDA driver (cudaErrorInsufficientDriver: driver missing or older than the runtime)";
                else if (status == cudaErrorNoDevice)
                    *why_none = "no CUDA device (cudaErrorNoDevice)";
                else
                    *why_none = std::string("cudaGetDeviceCount failed: ") + cudaGetErrorName(status) + " (" +
                                cudaGetErrorString(status) + ")";
            }
            return 0;
        }
        if (count == 0 && why_none != nullptr) *why_none = "no CUDA device";
        return count;
    } catch (...) {  // only std::string can throw (bad_alloc); a count query must never throw
        return 0;
    }
}

std::string describe(int device) {
    set_device(device);
    cudaDeviceProp prop{};
    check(cudaGetDeviceProperties(&prop, device), "cudaGetDeviceProperties");
    int driver = 0, runtime = 0;
    check(cudaDriverGetVersion(&driver), "cudaDriverGetVersion");
    check(cudaRuntimeGetVersion(&runtime), "cudaRuntimeGetVersion");
    char gib[32];
    std::snprintf(gib, sizeof gib, "%.1f", double(prop.totalGlobalMem) / (1024.0 * 1024.0 * 1024.0));
    return std::string(prop.name) + ", sm_" + std::to_string(prop.major) + std::to_string(prop.minor) + ", " +
           std::to_string(prop.multiProcessorCount) + " SMs, " + gib + " GiB, driver " + version_text(driver) +
           ", runtime " + version_text(runtime);
}

void set_device(int device) { check(cudaSetDevice(device), "cudaSetDevice"); }

void* malloc_zeroed(int device, size_t bytes) {
    set_device(device);
    const size_t size = bytes == 0 ? 1 : bytes;  // a real, distinct address even for 0 bytes
    void* ptr = nullptr;
    const cudaError_t status = cudaMalloc(&ptr, size);
    if (status != cudaSuccess) {
        (void)cudaGetLastError();
        const int code = status == cudaErrorMemoryAllocation ? COMPOFA_ERR_OUT_OF_MEMORY : COMPOFA_ERR_DEVICE;
        throw Error(code, "cudaMalloc of " + std::to_string(bytes) + " bytes on device " + std::to_string(device) +
                              " failed: " + cudaGetErrorString(status));
    }
    // Zeroed before it is returned: callers may use it on any stream, including non-blocking ones.
    cudaError_t zeroed = cudaMemsetAsync(ptr, 0, size, nullptr);
    if (zeroed == cudaSuccess) zeroed = cudaStreamSynchronize(nullptr);
    if (zeroed != cudaSuccess) {
        (void)cudaFree(ptr);
        check(zeroed, ("zero-filling " + std::to_string(bytes) + " bytes (cudaMemset)").c_str());
    }
    return ptr;
}

void free(int device, void* ptr) {
    set_device(device);
    check(cudaFree(ptr), "cudaFree");
}

void copy_to_device(int device, void* dst, const void* host_src, size_t bytes, void* stream) {
    set_device(device);
    check(cudaMemcpyAsync(dst, host_src, bytes, cudaMemcpyHostToDevice, as_stream(stream)), "cudaMemcpyAsync (host to device)");
    check(cudaStreamSynchronize(as_stream(stream)), "cudaStreamSynchronize after a copy to the device");
}

void copy_to_host(int device, void* host_dst, const void* src, size_t bytes, void* stream) {
    set_device(device);
    check(cudaMemcpyAsync(host_dst, src, bytes, cudaMemcpyDeviceToHost, as_stream(stream)), "cudaMemcpyAsync (device to host)");
    check(cudaStreamSynchronize(as_stream(stream)), "cudaStreamSynchronize after a copy to the host");
}

void copy_device(int device, void* dst, const void* src, size_t bytes, void* stream) {
    set_device(device);
    check(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice, as_stream(stream)), "cudaMemcpyAsync (device to device)");
}

void* stream_create(int device) {
    set_device(device);
    cudaStream_t stream = nullptr;
    // Non-blocking: our work does not serialise with the legacy default stream of other libraries.
    check(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), "cudaStreamCreateWithFlags");
    return stream;
}

void stream_destroy(int device, void* stream) {
    set_device(device);
    check(cudaStreamDestroy(as_stream(stream)), "cudaStreamDestroy");
}

void stream_synchronize(int device, void* stream) {
    set_device(device);
    check(cudaStreamSynchronize(as_stream(stream)), "cudaStreamSynchronize");
}

void device_synchronize(int device) {
    set_device(device);
    check(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
}

void* event_create(int device) {
    set_device(device);
    cudaEvent_t event = nullptr;
    check(cudaEventCreate(&event), "cudaEventCreate");
    return event;
}

void event_destroy(int device, void* event) {
    set_device(device);
    check(cudaEventDestroy(static_cast<cudaEvent_t>(event)), "cudaEventDestroy");
}

void event_record(int device, void* event, void* stream) {
    set_device(device);
    check(cudaEventRecord(static_cast<cudaEvent_t>(event), as_stream(stream)), "cudaEventRecord");
}

void event_synchronize(int device, void* event) {
    set_device(device);
    check(cudaEventSynchronize(static_cast<cudaEvent_t>(event)), "cudaEventSynchronize");
}

float event_elapsed_ms(void* start, void* end) {
    float ms = 0.0f;
    check(cudaEventElapsedTime(&ms, static_cast<cudaEvent_t>(start), static_cast<cudaEvent_t>(end)),
          "cudaEventElapsedTime");
    return ms;
}

bool is_device_pointer(int device, const void* ptr) {
    set_device(device);
    if (ptr == nullptr) return false;
    cudaPointerAttributes attr{};
    if (cudaPointerGetAttributes(&attr, ptr) != cudaSuccess) {
        (void)cudaGetLastError();  // unregistered host memory may report an error: not ours to keep
        return false;
    }
    if (attr.type == cudaMemoryTypeManaged) return true;  // reachable from every device
    return attr.type == cudaMemoryTypeDevice && attr.device == device;
}

bool is_device_only_pointer(const void* ptr) {
    if (ptr == nullptr) return false;
    cudaPointerAttributes attr{};
    if (cudaPointerGetAttributes(&attr, ptr) != cudaSuccess) {
        (void)cudaGetLastError();
        return false;
    }
    return attr.type == cudaMemoryTypeDevice;  // managed memory is readable by the host
}

}  // namespace compofa::cuda
