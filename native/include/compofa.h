/*
 * compofa.h -- the one public C ABI of the compofa native library.
 *
 * Everything else in native/ is private. Java (FFM), Python (ctypes) and any other caller use
 * only what is declared here. The header compiles on its own as C11.
 *
 * Conventions
 * - Every function returns an int32_t status (COMPOFA_OK == 0) unless it says otherwise; on a
 *   failure compofa_last_error() gives a message for the calling thread that says what was wrong
 *   and what is allowed. Arguments are checked before anything is allocated or launched.
 * - Handles are opaque tokens, not addresses: never dereference one. A value is never issued twice,
 *   so a NULL, already destroyed or foreign handle gives COMPOFA_ERR_INVALID_HANDLE even after new
 *   handles were created. A call keeps the handles it was given alive until it returns: destroying
 *   a handle that a running call (on another thread) uses gives COMPOFA_ERR_BUSY and frees nothing;
 *   a call that starts while its handle is being destroyed gives COMPOFA_ERR_INVALID_HANDLE.
 *   Raw data pointers are not handles: keep their memory alive until the ops using them return
 *   (on CUDA, until the stream's work that uses them has finished).
 * - Tensors are float32. Activations are channels-last (NHWC), contiguous in their active channels.
 * - Every pointer to tensor data comes with its length in floats (not bytes); a length smaller than
 *   the op needs gives COMPOFA_ERR_BUFFER_TOO_SMALL. Data pointers are raw addresses: host memory
 *   for the REFERENCE and CPU backends, device memory for CUDA, so memory owned by other code
 *   (e.g. JavaCPP device pointers) can be passed directly.
 * - A NULL stream means the context's default stream. CPU and REFERENCE ops run synchronously on
 *   the calling thread; CUDA ops are asynchronous on the stream.
 * - Contexts are thread-safe; the last-error message is per thread.
 */
#ifndef COMPOFA_H
#define COMPOFA_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever a signature, struct, status code or handle rule below changes.
 * 3: COMPOFA_ERR_BUSY; handles are opaque tokens never reissued (not addresses).
 * 4: communicators (compofa_comm_*): MPI across processes, NCCL for device buffers;
 *    COMPOFA_ERR_COMMUNICATION. */
#define COMPOFA_ABI_VERSION 4

/* ---- status codes ---------------------------------------------------------------------------- */
enum compofa_status_code {
    COMPOFA_OK = 0,
    COMPOFA_ERR_INVALID_ARGUMENT = 1,    /* a size, option or pointer outside what is allowed */
    COMPOFA_ERR_UNSUPPORTED = 2,         /* a valid request this build or backend cannot do */
    COMPOFA_ERR_BACKEND_UNAVAILABLE = 3, /* backend not compiled in, or no device found */
    COMPOFA_ERR_OUT_OF_MEMORY = 4,
    COMPOFA_ERR_INVALID_HANDLE = 5,      /* NULL, destroyed or foreign handle */
    COMPOFA_ERR_WRONG_BACKEND = 6,       /* memory or handle that belongs to another backend */
    COMPOFA_ERR_BUFFER_TOO_SMALL = 7,
    COMPOFA_ERR_DEVICE = 8,              /* the CUDA runtime reported a failure */
    COMPOFA_ERR_INTERNAL = 9,            /* an unexpected failure caught at the ABI barrier */
    COMPOFA_ERR_BUSY = 10,               /* a destroy of a handle that a running call still uses */
    COMPOFA_ERR_COMMUNICATION = 11       /* MPI or NCCL reported a failure */
};

/* ---- backends -------------------------------------------------------------------------------- */
enum compofa_backend_kind {
    COMPOFA_BACKEND_REFERENCE = 0, /* naive, obviously-correct kernels on the host: the test oracle */
    COMPOFA_BACKEND_CPU = 1,       /* thread pool + BLAS production kernels on the host */
    COMPOFA_BACKEND_CUDA = 2       /* our CUDA kernels on an NVIDIA device */
};

/* Kernel transform modes of the elastic depthwise convolution. */
enum compofa_kernel_transform {
    COMPOFA_TRANSFORM_NONE = 0, /* active k x k kernel = centre crop of the stored kernel */
    COMPOFA_TRANSFORM_OFA = 1   /* OFA chain: 7->5 through a 25x25 matrix, 5->3 through a 9x9 one */
};

typedef struct compofa_context compofa_context;
typedef struct compofa_buffer compofa_buffer;
typedef struct compofa_stream compofa_stream;
typedef struct compofa_event compofa_event;
typedef struct compofa_comm compofa_comm;

/* ---- library, errors ------------------------------------------------------------------------- */
int32_t compofa_abi_version(void);                 /* returns COMPOFA_ABI_VERSION of the library */
const char* compofa_status_name(int32_t status);   /* e.g. "COMPOFA_ERR_INVALID_ARGUMENT"; never NULL */
const char* compofa_last_error(void);              /* this thread's last failure message; "" if none */
void compofa_clear_error(void);

/* 1 in *available when contexts of that backend can be created now, else 0. For CUDA, "no driver"
 * (cudaErrorInsufficientDriver, 35) and "no device" (cudaErrorNoDevice, 100) mean 0, not a failure. */
int32_t compofa_backend_available(int32_t backend, int32_t* available);
/* Number of usable CUDA devices (0 without a driver or device, or in a build without CUDA). */
int32_t compofa_cuda_device_count(int32_t* count);
/* A one-line description of a backend (device name, compute capability, threads, BLAS, or why it
 * is unavailable), NUL-terminated and truncated to capacity bytes. */
int32_t compofa_backend_describe(int32_t backend, int32_t device, char* text, uint64_t capacity);

/* ---- contexts -------------------------------------------------------------------------------- */
int32_t compofa_context_create(int32_t backend, int32_t device, compofa_context** out);
int32_t compofa_context_destroy(compofa_context* ctx);
int32_t compofa_context_backend(const compofa_context* ctx, int32_t* backend);
/* Waits for all work of the context (every stream) to finish. */
int32_t compofa_context_synchronize(compofa_context* ctx);
/* Threads of the CPU backend's kernels (1..1024); ignored by other backends. 0 = one per CPU. */
int32_t compofa_context_set_threads(compofa_context* ctx, int32_t threads);
/* The arithmetic of the context's GEMMs (compofa_gemm, compofa_conv1x1_fused_forward): FP32 (the
 * default) or, on CUDA, tensor cores with each operand rounded to TF32 (10-bit mantissa) or BF16
 * (7-bit) as it is loaded and the products summed in fp32. Tensors, weights and gradients stay fp32
 * in memory (fp32 master weights). The REFERENCE and CPU backends accept every setting and compute
 * fp32. Allowed: a compofa_precision value. */
enum compofa_precision {
    COMPOFA_PRECISION_FP32 = 0,
    COMPOFA_PRECISION_TF32 = 1,
    COMPOFA_PRECISION_BF16 = 2
};
int32_t compofa_context_set_precision(compofa_context* ctx, int32_t precision);
int32_t compofa_context_precision(const compofa_context* ctx, int32_t* precision);
/* Which library runs compofa_gemm on a CUDA context: our kernels (the default) or cuBLAS, loaded at
 * run time (dlopen of $COMPOFA_CUBLAS_LIBRARY, else libcublas.so.13/.12/.so) as an alternative path
 * and a peer; it honours the precision setting through cublasGemmEx's compute type. The fused and
 * statistics 1x1 convolutions always run ours. Setting CUBLAS where it cannot run (a host backend, no
 * cuBLAS found) returns COMPOFA_ERR_UNSUPPORTED with the reason and leaves the setting unchanged. */
enum compofa_gemm_library {
    COMPOFA_GEMM_OURS = 0,
    COMPOFA_GEMM_CUBLAS = 1
};
int32_t compofa_context_set_gemm_library(compofa_context* ctx, int32_t library);
int32_t compofa_context_gemm_library(const compofa_context* ctx, int32_t* library);

/* ---- memory ---------------------------------------------------------------------------------- */
/* Host memory (REFERENCE/CPU) or device memory (CUDA), 256-byte aligned, zero-filled. */
int32_t compofa_buffer_alloc(compofa_context* ctx, uint64_t bytes, compofa_buffer** out);
int32_t compofa_buffer_free(compofa_buffer* buffer);
int32_t compofa_buffer_address(const compofa_buffer* buffer, void** address, uint64_t* bytes);
/* Copies between a buffer and host memory. They return when the host memory may be read or reused. */
int32_t compofa_copy_to_buffer(compofa_buffer* dst, uint64_t dst_offset, const void* src,
                               uint64_t bytes, compofa_stream* stream);
int32_t compofa_copy_from_buffer(const compofa_buffer* src, uint64_t src_offset, void* dst,
                                 uint64_t bytes, compofa_stream* stream);
/* Buffer to buffer, within one backend (stream-ordered on CUDA). */
int32_t compofa_copy_buffer(compofa_buffer* dst, uint64_t dst_offset, const compofa_buffer* src,
                            uint64_t src_offset, uint64_t bytes, compofa_stream* stream);

/* ---- streams and events ---------------------------------------------------------------------- */
int32_t compofa_stream_create(compofa_context* ctx, compofa_stream** out);
/* Wraps a foreign cudaStream_t (not owned, not destroyed by us) so our kernels run on it. */
int32_t compofa_stream_wrap(compofa_context* ctx, void* native_stream, compofa_stream** out);
int32_t compofa_stream_destroy(compofa_stream* stream);
int32_t compofa_stream_synchronize(compofa_stream* stream);
int32_t compofa_stream_native(const compofa_stream* stream, void** native_stream);

/* Timing events: CUDA events on CUDA, a steady host clock on the host backends. Recorded on a stream,
 * they mark a point in its work; elapsed_ms waits for end to complete and gives the device time
 * between the two records (on the host backends, whose ops are synchronous, the wall time). */
int32_t compofa_event_create(compofa_context* ctx, compofa_event** out);
int32_t compofa_event_destroy(compofa_event* event);
int32_t compofa_event_record(compofa_event* event, compofa_stream* stream);
int32_t compofa_event_synchronize(compofa_event* event);
int32_t compofa_event_elapsed_ms(const compofa_event* start, const compofa_event* end, float* ms);

/* ---- communicators (data-parallel training across processes) ------------------------------------
 * A communicator joins the processes of one job (one per GPU or CPU socket, started by mpirun or
 * srun) and reduces float32 data in the memory of its context: host buffers (REFERENCE and CPU
 * contexts) through MPI, device buffers (CUDA contexts) through NCCL on the given stream, NCCL being
 * loaded at run time (dlopen of $COMPOFA_NCCL_LIBRARY, else libnccl.so.2) and its unique id
 * broadcast over MPI. MPI is optional: libcompofa.so does not link it but loads the plugin
 * libcompofa_mpi.so (built when CMake finds MPI; it links libmpi) on first use, from the folder of
 * libcompofa.so, else $COMPOFA_MPI_PLUGIN (the file or its folder). Without the plugin or its libmpi,
 * compofa_comm_create_world returns COMPOFA_ERR_UNSUPPORTED with the reason and what to install,
 * while compofa_comm_create_local always works.
 * Every process must call the collectives of a communicator in the same order with the same len
 * (and root); a mismatch is undefined in MPI and NCCL (typically a hang), not a status.
 * Host collectives return when data holds the result; CUDA collectives are asynchronous on the stream.
 * All-reduce sums in float32; every process gets the same bits (MPI's and NCCL's all-reduce give
 * each rank one result); AVG is the sum multiplied by 1/size afterwards (NCCL's ncclAvg where the
 * library has it), the same on every rank. */
enum compofa_reduce_op {
    COMPOFA_REDUCE_SUM = 0,
    COMPOFA_REDUCE_AVG = 1
};
/* What moves a communicator's bytes (compofa_comm_transport). */
enum compofa_comm_transport {
    COMPOFA_COMM_SELF = 0, /* one process, no library: collectives leave data as it is */
    COMPOFA_COMM_MPI = 1,  /* MPI on host memory */
    COMPOFA_COMM_NCCL = 2  /* NCCL on device memory (MPI only to bootstrap a world) */
};
/* 1 in *mpi when the MPI plugin and its libmpi load, 1 in *nccl when a CUDA build can load NCCL
 * now; else 0.
 * compofa_comm_describe says which libraries (versions) or why not. */
int32_t compofa_comm_available(int32_t* mpi, int32_t* nccl);
int32_t compofa_comm_describe(char* text, uint64_t capacity);
/* The world of an MPI job: initialises MPI (MPI_Init_thread, SERIALIZED) unless the caller already
 * did, and duplicates MPI_COMM_WORLD; rank, size and local rank (rank among the processes of this
 * node, MPI_COMM_TYPE_SHARED) come from MPI. On a CUDA context an NCCL communicator of the same ranks
 * is made on the context's device (the caller picks it, usually the local rank); without NCCL this
 * fails with COMPOFA_ERR_UNSUPPORTED. Collective: every process of the job must call it. Inside a JVM,
 * variables that stop the transports' own SIGSEGV handlers (UCX_ERROR_SIGNALS="",
 * IPATH_NO_BACKTRACE=1, HFI_NO_BACKTRACE=1) are set unless already set, and the MPI library is made
 * global so its plugins load. If this library initialised MPI, MPI_Finalize runs at process exit,
 * but only when every communicator was destroyed: a process that exits with one live has failed, and
 * the launcher then ends the whole job. Started without a launcher, MPI makes a world of one process. */
int32_t compofa_comm_create_world(compofa_context* ctx, compofa_comm** out);
/* A communicator of this process alone (rank 0, size 1), in any build, with no MPI: host collectives
 * leave data as it is; on a CUDA context one-rank NCCL runs them when NCCL loads (transport NCCL),
 * else they leave data as it is (transport SELF). */
int32_t compofa_comm_create_local(compofa_context* ctx, compofa_comm** out);
/* Waits for the communicator's device work (on CUDA) and frees it; collective for a world. */
int32_t compofa_comm_destroy(compofa_comm* comm);
int32_t compofa_comm_rank(const compofa_comm* comm, int32_t* rank);
int32_t compofa_comm_size(const compofa_comm* comm, int32_t* size);
int32_t compofa_comm_local_rank(const compofa_comm* comm, int32_t* local_rank);
int32_t compofa_comm_transport(const compofa_comm* comm, int32_t* transport);
/* data[0..len) = op over every process's data[0..len), in place. data is memory of the
 * communicator's context (host or device, as for the ops); stream NULL = the context's default.
 * Allowed: 1 <= len <= 2^40; op a compofa_reduce_op. */
int32_t compofa_comm_allreduce(compofa_comm* comm, compofa_stream* stream, float* data, uint64_t len, int32_t op);
/* data[0..len) of process root copied into every process's data[0..len). Allowed: 0 <= root < size. */
int32_t compofa_comm_broadcast(compofa_comm* comm, compofa_stream* stream, float* data, uint64_t len,
                               int32_t root);
/* Returns when every process has called it (host-side: it does not wait for device work). */
int32_t compofa_comm_barrier(compofa_comm* comm);
/* Ends every process of the job with exit code (0..255): MPI_Abort on a world, _exit on a local
 * communicator. It does not return unless the arguments are wrong. Write the failure's message to
 * stderr first: the launcher shows it. */
int32_t compofa_comm_abort(compofa_comm* comm, int32_t code);
/* compofa_comm_abort without a communicator, for failures after the last one was destroyed (an
 * exception that unwinds through its cleanup): MPI_Abort on MPI_COMM_WORLD while MPI is initialised and
 * not finalised, else _exit(code). */
int32_t compofa_comm_abort_job(int32_t code);

/* ---- elastic depthwise convolution ------------------------------------------------------------
 * x      [n][h][w][c]                 NHWC input, c active channels
 * weight [k_max][k_max][c_max]        the supernet's depthwise weight, tap-major, channels innermost;
 *                                     the subnet reads its first c channels and the centre k x k taps
 *                                     in place
 * t75    [25][25]  (transform, k_max == 7, k <= 5)  w5[i] = sum_j t75[i][j] * centre5(W7)[j]
 * t53    [9][9]    (transform, k == 3, k_max >= 5)   w3[i] = sum_j t53[i][j] * centre3(w5)[j]
 *                                     (the 3x3 is cropped from the transformed 5x5, as in OFA)
 * y      [n][ho][wo][c]               ho = (h - 1) / stride + 1, padding k / 2, zeros outside
 * Allowed: n,h,w >= 1; 1 <= c <= c_max; k and k_max in {3,5,7}; k <= k_max; stride 1 or 2;
 * transform NONE or OFA. Matrices that the chain does not use may be NULL. */
typedef struct compofa_dwconv_shape {
    int32_t n, h, w;    /* batch and input spatial size */
    int32_t c, c_max;   /* active channels; channels of the supernet weight */
    int32_t k, k_max;   /* active kernel; stored kernel of the supernet weight */
    int32_t stride;     /* 1 or 2 */
    int32_t transform;  /* compofa_kernel_transform */
} compofa_dwconv_shape;

/* Output height and width of the shape, after checking it. */
int32_t compofa_dwconv_output_size(const compofa_dwconv_shape* shape, int32_t* ho, int32_t* wo);

int32_t compofa_dwconv_forward(compofa_context* ctx, compofa_stream* stream,
                               const compofa_dwconv_shape* shape,
                               const float* x, uint64_t x_len,
                               const float* weight, uint64_t weight_len,
                               const float* t75, uint64_t t75_len,
                               const float* t53, uint64_t t53_len,
                               float* y, uint64_t y_len);

/* dx (overwritten) and the gradients of weight, t75, t53 (accumulated: +=) for upstream dy.
 * dweight has the layout of weight and only its subnet slice is touched, so several subnets add
 * into one supernet gradient. Any output may be NULL to skip it (with length 0). */
int32_t compofa_dwconv_backward(compofa_context* ctx, compofa_stream* stream,
                                const compofa_dwconv_shape* shape,
                                const float* x, uint64_t x_len,
                                const float* weight, uint64_t weight_len,
                                const float* t75, uint64_t t75_len,
                                const float* t53, uint64_t t53_len,
                                const float* dy, uint64_t dy_len,
                                float* dx, uint64_t dx_len,
                                float* dweight, uint64_t dweight_len,
                                float* dt75, uint64_t dt75_len,
                                float* dt53, uint64_t dt53_len);

/* ---- weight-slice sharing ---------------------------------------------------------------------
 * Row-major GEMM on sub-blocks of larger matrices: C = alpha * op(A) * op(B) + beta * C, with
 * op(A) m x k and op(B) k x n. A is m x k (lda >= k) or, transposed, k x m (lda >= m); likewise B.
 * C is m x n with ldc >= n. A 1x1 convolution Y[P][cout] = X[P][cin] * W[:cout, :cin]^T uses the
 * supernet's W[Cout_max][Cin_max] in place with trans_b = 1, ldb = Cin_max. beta == 0 overwrites C
 * (NaN in C is not propagated); beta == 1 accumulates gradients of several subnets.
 * Allowed: m, n, k >= 1; leading dimensions as above; trans flags 0 or 1. */
int32_t compofa_gemm(compofa_context* ctx, compofa_stream* stream,
                     int32_t trans_a, int32_t trans_b, int32_t m, int32_t n, int32_t k,
                     float alpha, const float* a, uint64_t a_len, int32_t lda,
                     const float* b, uint64_t b_len, int32_t ldb,
                     float beta, float* c, uint64_t c_len, int32_t ldc);

/* Strided 3-D slice copies: dst[i][j][l] = src[offset + i*s0 + j*s1 + l] for i < d0, j < d1, l < d2,
 * dst contiguous (d0*d1*d2 floats). A 2-D slice W[:rows, :cols] of W[R][C] is d0 = 1, d1 = rows,
 * d2 = cols, s1 = C; a depthwise crop is d0 = d1 = k, d2 = c, s0 = k_max*c_max, s1 = c_max.
 * Allowed: d0, d1, d2 >= 1; s1 >= d2; s0 >= (d1 - 1) * s1 + d2 (slices never overlap themselves). */
int32_t compofa_slice_gather(compofa_context* ctx, compofa_stream* stream,
                             const float* src, uint64_t src_len, uint64_t src_offset,
                             int32_t d0, int32_t d1, int32_t d2, int64_t s0, int64_t s1,
                             float* dst, uint64_t dst_len);
/* The inverse, adding: dst[offset + i*s0 + j*s1 + l] += alpha * src[(i*d1 + j)*d2 + l]. */
int32_t compofa_slice_scatter_add(compofa_context* ctx, compofa_stream* stream,
                                  const float* src, uint64_t src_len, float alpha,
                                  float* dst, uint64_t dst_len, uint64_t dst_offset,
                                  int32_t d0, int32_t d1, int32_t d2, int64_t s0, int64_t s1);

/* dst[0..len) = value. */
int32_t compofa_fill(compofa_context* ctx, compofa_stream* stream, float* dst, uint64_t len, float value);

/* ---- network ops (the rest of what an elastic MobileNetV3 needs) -------------------------------
 * All tensors float32 unless said otherwise; activations NHWC, so a (n, h, w, c) tensor is also a
 * (rows = n*h*w, c) matrix. Per-channel parameters of a subnet are the first c entries of the
 * supernet's vectors (gamma[:c], running_mean[:c], ...), read and written in place. Gradients of
 * parameters accumulate (+=); gradients of activations are overwritten. */

/* im2col for a dense k x k convolution (the stem), NHWC, zero padding `pad`:
 * col[((b*ho + oh)*wo + ow)][(kh*k + kw)*c + ci] = x[b][oh*stride-pad+kh][ow*stride-pad+kw][ci]
 * with ho = (h + 2*pad - k) / stride + 1. Then conv = gemm(col, W[cout][k*k*c]^T).
 * Allowed: n,h,w,c >= 1; k in 1..11; stride 1..4; 0 <= pad < k; ho, wo >= 1. */
typedef struct compofa_conv_shape {
    int32_t n, h, w, c;
    int32_t k, stride, pad;
} compofa_conv_shape;
int32_t compofa_conv_output_size(const compofa_conv_shape* shape, int32_t* ho, int32_t* wo);
int32_t compofa_im2col(compofa_context* ctx, compofa_stream* stream, const compofa_conv_shape* shape,
                       const float* x, uint64_t x_len, float* col, uint64_t col_len);
/* The adjoint, accumulating: dx[...] += dcol[...] for every (patch, tap) that reads it. */
int32_t compofa_col2im_add(compofa_context* ctx, compofa_stream* stream, const compofa_conv_shape* shape,
                           const float* dcol, uint64_t dcol_len, float* dx, uint64_t dx_len);

/* Batch normalisation over rows (n*h*w) of a (rows, c) tensor, PyTorch semantics.
 * Training: mean/var (biased) of the batch normalise x; batch_mean[:c], batch_var[:c] receive them;
 * running stats update in place: running = (1-momentum)*running + momentum*batch, with the unbiased
 * variance (var * rows/(rows-1)) for running_var; momentum 0 leaves them unchanged (recalibration
 * reads batch_mean/batch_var instead). running_mean/running_var may both be NULL (no update).
 * Allowed: rows >= 2 in training (>= 1 in eval), c >= 1, eps > 0, 0 <= momentum <= 1. */
int32_t compofa_batchnorm_forward_train(compofa_context* ctx, compofa_stream* stream, int64_t rows, int32_t c,
                                        const float* x, uint64_t x_len, const float* gamma, const float* beta,
                                        float* running_mean, float* running_var, uint64_t param_len,
                                        float momentum, float eps, float* y, uint64_t y_len,
                                        float* batch_mean, float* batch_var, uint64_t batch_len);
/* y = gamma * (x - running_mean) / sqrt(running_var + eps) + beta. */
int32_t compofa_batchnorm_forward_eval(compofa_context* ctx, compofa_stream* stream, int64_t rows, int32_t c,
                                       const float* x, uint64_t x_len, const float* gamma, const float* beta,
                                       const float* running_mean, const float* running_var, uint64_t param_len,
                                       float eps, float* y, uint64_t y_len);
/* Backward of the training forward with its batch_mean/batch_var: dx overwritten (NULL = skip),
 * dgamma and dbeta accumulated (NULL = skip). */
int32_t compofa_batchnorm_backward(compofa_context* ctx, compofa_stream* stream, int64_t rows, int32_t c,
                                   const float* x, uint64_t x_len, const float* dy, uint64_t dy_len,
                                   const float* gamma, uint64_t param_len,
                                   const float* batch_mean, const float* batch_var, uint64_t batch_len,
                                   float eps, float* dx, uint64_t dx_len, float* dgamma, float* dbeta);

/* Element-wise activations: relu(x) = max(x, 0); h_swish(x) = x * relu6(x+3)/6;
 * h_sigmoid(x) = relu6(x+3)/6. Backward takes the forward's input x and uses relu' = [x > 0];
 * h_sigmoid' = 1/6 for -3 < x < 3, else 0; h_swish' = 0 for x <= -3, 1 for x >= 3, (2x+3)/6 between.
 * y may equal x (in place) in the forward, dx may equal dy in the backward. */
enum compofa_activation_kind {
    COMPOFA_ACT_IDENTITY = 0,
    COMPOFA_ACT_RELU = 1,
    COMPOFA_ACT_HSWISH = 2,
    COMPOFA_ACT_HSIGMOID = 3
};
int32_t compofa_activation_forward(compofa_context* ctx, compofa_stream* stream, int32_t kind, const float* x,
                                   float* y, uint64_t len);
int32_t compofa_activation_backward(compofa_context* ctx, compofa_stream* stream, int32_t kind, const float* x,
                                    const float* dy, float* dx, uint64_t len);

/* Training batch norm and its activation in one op (issue #6's training fusion):
 *   y = act(bn_train(x)), the statistics, running-stat update and checks of
 * compofa_batchnorm_forward_train, activation a compofa_activation_kind. The normalised values are
 * never stored: compofa_batchnorm_act_backward recomputes them from x, batch_mean, batch_var, gamma
 * and beta, so the pair saves one tensor and two passes over memory per layer. IDENTITY gives
 * exactly compofa_batchnorm_forward_train / compofa_batchnorm_backward.
 * stats_given: 0 = gather the batch statistics here; 1 = batch_mean/batch_var already hold them (from
 * compofa_conv1x1_stats_forward, which gathered them while writing x): the op only normalises and
 * moves the running stats, one pass over x. */
int32_t compofa_batchnorm_act_forward_train(compofa_context* ctx, compofa_stream* stream, int64_t rows, int32_t c,
                                            int32_t activation, int32_t stats_given, const float* x, uint64_t x_len,
                                            const float* gamma, const float* beta,
                                            float* running_mean, float* running_var, uint64_t param_len,
                                            float momentum, float eps, float* y, uint64_t y_len,
                                            float* batch_mean, float* batch_var, uint64_t batch_len);
/* Its backward: dy is the gradient of y = act(bn(x)); dx overwritten (NULL = skip), dgamma and dbeta
 * accumulated (NULL = skip). beta (param_len entries like gamma) is required: the activation's
 * derivative is taken at bn(x). */
int32_t compofa_batchnorm_act_backward(compofa_context* ctx, compofa_stream* stream, int64_t rows, int32_t c,
                                       int32_t activation, const float* x, uint64_t x_len,
                                       const float* dy, uint64_t dy_len, const float* gamma, const float* beta,
                                       uint64_t param_len, const float* batch_mean, const float* batch_var,
                                       uint64_t batch_len, float eps, float* dx, uint64_t dx_len,
                                       float* dgamma, float* dbeta);

/* Per-channel bias over rows: y[r][j] += bias[j] (in place); its backward dbias[j] += sum_r dy[r][j]. */
int32_t compofa_bias_add(compofa_context* ctx, compofa_stream* stream, int64_t rows, int32_t c,
                         float* y, uint64_t y_len, const float* bias, uint64_t bias_len);
int32_t compofa_bias_backward(compofa_context* ctx, compofa_stream* stream, int64_t rows, int32_t c,
                              const float* dy, uint64_t dy_len, float* dbias, uint64_t dbias_len);

/* Global average pooling of (n, hw, c) to (n, c), and its backward (dx overwritten: dy / hw). */
int32_t compofa_global_avg_pool_forward(compofa_context* ctx, compofa_stream* stream, int32_t n, int32_t hw,
                                        int32_t c, const float* x, uint64_t x_len, float* y, uint64_t y_len);
int32_t compofa_global_avg_pool_backward(compofa_context* ctx, compofa_stream* stream, int32_t n, int32_t hw,
                                         int32_t c, const float* dy, uint64_t dy_len, float* dx, uint64_t dx_len);

/* Squeeze-excitation's scaling: y[b][p][j] = x[b][p][j] * s[b][j] for (n, hw, c) x and (n, c) s.
 * Backward: dx = dy * s (overwritten, NULL = skip); ds[b][j] = sum_p dy*x (overwritten, NULL = skip);
 * dx may equal dy (ds is computed first). */
int32_t compofa_channel_scale_forward(compofa_context* ctx, compofa_stream* stream, int32_t n, int32_t hw,
                                      int32_t c, const float* x, uint64_t x_len, const float* s, uint64_t s_len,
                                      float* y, uint64_t y_len);
int32_t compofa_channel_scale_backward(compofa_context* ctx, compofa_stream* stream, int32_t n, int32_t hw,
                                       int32_t c, const float* x, uint64_t x_len, const float* s, uint64_t s_len,
                                       const float* dy, uint64_t dy_len, float* dx, uint64_t dx_len,
                                       float* ds, uint64_t ds_len);

/* Squeeze-and-excitation in one op over x (n, hw, c), reading the supernet's SE weights in place:
 *   pooled[b][j] = mean_p x[b][p][j]
 *   hidden[b][i] = relu(sum_j pooled[b][j] * w1[i*ld1 + j] + b1[i])     i < se  (W1 = reduce[:se, :c])
 *   gate[b][j]   = h_sigmoid(sum_i hidden[b][i] * w2[j*ld2 + i] + b2[j])         (W2 = expand[:c, :se])
 *   y[b][p][j]   = x[b][p][j] * gate[b][j]
 * saved: NULL (inference) or n*(2c + se) floats that receive pooled, hidden and gate for the backward.
 * Backward, from the same x, weights and saved: dx overwritten; dw1, db1, dw2, db2 accumulated (+=),
 * dw1/dw2 laid out as w1/w2 and as long (w1_len, w2_len; only the slices are touched). The gates'
 * derivatives are PyTorch's: h_sigmoid' = 1/6 where 0 < gate < 1, relu' = 1 where hidden > 0.
 * Allowed: n, hw, c, se >= 1; ld1 >= c; ld2 >= se; x, y (and dx, dy) distinct. */
int32_t compofa_se_forward(compofa_context* ctx, compofa_stream* stream, int32_t n, int32_t hw, int32_t c,
                           int32_t se, const float* x, uint64_t x_len, const float* w1, uint64_t w1_len,
                           int32_t ld1, const float* b1, uint64_t b1_len, const float* w2, uint64_t w2_len,
                           int32_t ld2, const float* b2, uint64_t b2_len, float* y, uint64_t y_len, float* saved,
                           uint64_t saved_len);
int32_t compofa_se_backward(compofa_context* ctx, compofa_stream* stream, int32_t n, int32_t hw, int32_t c,
                            int32_t se, const float* x, uint64_t x_len, const float* w1, uint64_t w1_len,
                            int32_t ld1, const float* w2, uint64_t w2_len, int32_t ld2, const float* saved,
                            uint64_t saved_len, const float* dy, uint64_t dy_len, float* dx, uint64_t dx_len,
                            float* dw1, float* db1, uint64_t db1_len, float* dw2, float* db2, uint64_t db2_len);

/* y = alpha * x + beta * y (residual add: alpha = beta = 1; beta == 0 overwrites y). */
int32_t compofa_axpby(compofa_context* ctx, compofa_stream* stream, uint64_t len, float alpha, const float* x,
                      float beta, float* y);

/* Inverted dropout with a counter-based mask, identical on every backend: element i is kept iff
 * compofa_dropout_keep(seed, i, p) (SplitMix64 finaliser of seed + (i+1)*0x9E3779B97F4A7C15, top 24
 * bits / 2^24 >= p);
 * kept elements are scaled by 1/(1-p). Backward applies the same mask and scale to dy.
 * Allowed: 0 <= p < 1; y may equal x. */
int32_t compofa_dropout_forward(compofa_context* ctx, compofa_stream* stream, uint64_t len, float p, uint64_t seed,
                                const float* x, float* y);
int32_t compofa_dropout_backward(compofa_context* ctx, compofa_stream* stream, uint64_t len, float p, uint64_t seed,
                                 const float* dy, float* dx);

/* Cross-entropy with label smoothing over (n, classes) logits and int32 labels in [0, classes):
 * target = (1 - smoothing) * onehot + smoothing / classes; loss[b] = -sum_j target_j log_softmax_j;
 * dlogits[b][j] = grad_scale * (softmax_j - target_j) (overwritten; NULL = skip).
 * Allowed: n >= 1, classes >= 2, 0 <= smoothing < 1, grad_scale finite. Host backends reject an
 * out-of-range label with COMPOFA_ERR_INVALID_ARGUMENT before writing anything; on CUDA the labels
 * stay on the device, so such a row gets NaN loss and NaN dlogits instead. */
int32_t compofa_softmax_cross_entropy(compofa_context* ctx, compofa_stream* stream, int32_t n, int32_t classes,
                                      const float* logits, uint64_t logits_len, const int32_t* labels,
                                      uint64_t labels_len, float smoothing, float grad_scale,
                                      float* loss, uint64_t loss_len, float* dlogits, uint64_t dlogits_len);
/* Knowledge distillation (T = 1): loss[b] = -sum_j softmax(teacher)_j * log_softmax(student)_j;
 * dstudent[b][j] = grad_scale * (softmax(student)_j - softmax(teacher)_j) (overwritten; NULL = skip). */
int32_t compofa_soft_cross_entropy(compofa_context* ctx, compofa_stream* stream, int32_t n, int32_t classes,
                                   const float* student, const float* teacher, uint64_t logits_len,
                                   float grad_scale, float* loss, uint64_t loss_len,
                                   float* dstudent, uint64_t dstudent_len);

/* Bilinear resize of (n, h, w, c) to (n, ho, wo, c), PyTorch's align_corners=False without
 * antialiasing: src = (dst + 0.5) * in/out - 0.5, clamped at 0, neighbours clamped to the edge. */
int32_t compofa_resize_bilinear(compofa_context* ctx, compofa_stream* stream, int32_t n, int32_t h, int32_t w,
                                int32_t c, int32_t ho, int32_t wo, const float* x, uint64_t x_len,
                                float* y, uint64_t y_len);

/* SGD step in place, PyTorch semantics: g = grad + weight_decay * param; buf = momentum * buf + g
 * (buf starts at zero); g = nesterov ? g + momentum * buf : buf; param -= lr * g.
 * Allowed: lr, weight_decay finite and >= 0; 0 <= momentum <= 1; nesterov 0 or 1; momentum_buf may be
 * NULL only when momentum == 0. */
int32_t compofa_sgd_step(compofa_context* ctx, compofa_stream* stream, uint64_t len, float* param,
                         const float* grad, float* momentum_buf, float lr, float momentum, float weight_decay,
                         int32_t nesterov);

/* The dropout mask bit as a pure function, so callers and tests can reproduce it. */
int32_t compofa_dropout_keep(uint64_t seed, uint64_t index, float p);

/* ---- fused inference ops -------------------------------------------------------------------------
 * For inference (no backward follows): an op with its per-output-channel epilogue applied before
 * the output is written, so a conv + batch norm + activation is one pass over memory:
 *   y[.., j] = act(bn(acc[.., j] + bias[j])),  bn(v) = gamma[j] (v - running_mean[j]) / sqrt(running_var[j] + eps) + beta[j]
 * with each part optional: bias NULL = none; gamma NULL = no batch norm (beta, running_mean,
 * running_var are then ignored); activation a compofa_activation_kind (IDENTITY = none). The batch
 * norm is compofa_batchnorm_forward_eval's; its four vectors share bn_len (>= the channels), the
 * first c entries of the supernet's vectors, read in place. Allowed: eps finite > 0 when gamma is set.
 * The result equals the unfused ops up to float rounding (the CPU backend folds bias and bn into one
 * multiply-add per element). */
typedef struct compofa_epilogue {
    const float* bias;
    uint64_t bias_len;
    const float* gamma;
    const float* beta;
    const float* running_mean;
    const float* running_var;
    uint64_t bn_len;
    float eps;
    int32_t activation;
} compofa_epilogue;

/* A 1x1 convolution of (rows, cin) x (NHWC as rows = n*h*w) reading the supernet weight W[:cout, :cin]
 * of W[Cout_max][ldw] in place: y[r][j] = epilogue(sum_i x[r][i] * w[j*ldw + i]), y (rows, cout).
 * A dense layer (x (n, cin)) and the stem after compofa_im2col are the same op.
 * Allowed: 1 <= rows < 2^31; cin, cout >= 1; ldw >= cin; w_len >= (cout-1)*ldw + cin. */
int32_t compofa_conv1x1_fused_forward(compofa_context* ctx, compofa_stream* stream, int64_t rows, int32_t cin,
                                      int32_t cout, const float* x, uint64_t x_len, const float* w, uint64_t w_len,
                                      int32_t ldw, const compofa_epilogue* epilogue, float* y, uint64_t y_len);

/* The training 1x1 convolution with the batch statistics of its output gathered in the same pass
 * (each block of y is summed while it is still in cache, or in the GEMM's store on CUDA):
 *   y[r][j] = sum_i x[r][i] * w[j*ldw + i]   (W[:cout, :cin] read in place, as above, no epilogue)
 *   batch_mean[j], batch_var[j] = mean and biased variance of y[:, j]
 * ready for compofa_batchnorm_act_forward_train with stats_given = 1. Allowed: rows >= 2. */
int32_t compofa_conv1x1_stats_forward(compofa_context* ctx, compofa_stream* stream, int64_t rows, int32_t cin,
                                      int32_t cout, const float* x, uint64_t x_len, const float* w, uint64_t w_len,
                                      int32_t ldw, float* y, uint64_t y_len, float* batch_mean, float* batch_var,
                                      uint64_t batch_len);

/* compofa_dwconv_forward with the epilogue over its c output channels. */
int32_t compofa_dwconv_fused_forward(compofa_context* ctx, compofa_stream* stream,
                                     const compofa_dwconv_shape* shape,
                                     const float* x, uint64_t x_len,
                                     const float* weight, uint64_t weight_len,
                                     const float* t75, uint64_t t75_len,
                                     const float* t53, uint64_t t53_len,
                                     const compofa_epilogue* epilogue, float* y, uint64_t y_len);

/* The training elastic depthwise convolution with the batch statistics of its output gathered in the
 * same pass (each output row is summed while it is still in cache, or by the kernel on CUDA):
 *   y = compofa_dwconv_forward(x, ...)   (same shape, weights and transforms, no epilogue)
 *   batch_mean[j], batch_var[j] = mean and biased variance of channel j of y over n*ho*wo positions
 * ready for compofa_batchnorm_act_forward_train with stats_given = 1. Allowed: n*ho*wo >= 2. */
int32_t compofa_dwconv_stats_forward(compofa_context* ctx, compofa_stream* stream,
                                     const compofa_dwconv_shape* shape,
                                     const float* x, uint64_t x_len,
                                     const float* weight, uint64_t weight_len,
                                     const float* t75, uint64_t t75_len,
                                     const float* t53, uint64_t t53_len,
                                     float* y, uint64_t y_len, float* batch_mean, float* batch_var,
                                     uint64_t batch_len);

#ifdef __cplusplus
}
#endif
#endif /* COMPOFA_H */
