/* Uses compofa.h from strict C11: a delta kernel must reproduce its input on every host backend,
 * bad input must come back as a status with a message, and CUDA absence must not be a failure. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "compofa.h"

static int failures = 0;
#define EXPECT(cond, what)                                      \
    do {                                                        \
        if (!(cond)) {                                          \
            printf("FAIL %s (last error: %s)\n", what, compofa_last_error()); \
            failures++;                                         \
        }                                                       \
    } while (0)

static void delta_kernel_is_identity(int32_t backend) {
    enum { N = 1, H = 5, W = 3, C = 7, CMAX = 9, K = 5, KMAX = 7 };
    float x[N * H * W * C], y[N * H * W * C], weight[KMAX * KMAX * CMAX];
    for (int i = 0; i < N * H * W * C; i++) x[i] = (float)(i % 13) - 6.0f;
    memset(weight, 0, sizeof weight);
    for (int c = 0; c < CMAX; c++) weight[(3 * KMAX + 3) * CMAX + c] = 1.0f; /* centre tap */
    compofa_context* ctx = NULL;
    EXPECT(compofa_context_create(backend, 0, &ctx) == COMPOFA_OK, "context_create");
    compofa_dwconv_shape s = {N, H, W, C, CMAX, K, KMAX, 1, COMPOFA_TRANSFORM_NONE};
    EXPECT(compofa_dwconv_forward(ctx, NULL, &s, x, N * H * W * C, weight, KMAX * KMAX * CMAX, NULL, 0, NULL, 0,
                                  y, N * H * W * C) == COMPOFA_OK, "dwconv_forward");
    for (int i = 0; i < N * H * W * C; i++) EXPECT(fabsf(y[i] - x[i]) < 1e-6f, "delta kernel reproduces x");
    s.k = 4;
    EXPECT(compofa_dwconv_forward(ctx, NULL, &s, x, N * H * W * C, weight, KMAX * KMAX * CMAX, NULL, 0, NULL, 0,
                                  y, N * H * W * C) == COMPOFA_ERR_INVALID_ARGUMENT, "even kernel refused");
    EXPECT(strstr(compofa_last_error(), "allowed 3, 5, 7") != NULL, "message says what is allowed");
    s.k = 5;
    EXPECT(compofa_dwconv_forward(ctx, NULL, &s, x, N * H * W * C - 1, weight, KMAX * KMAX * CMAX, NULL, 0, NULL, 0,
                                  y, N * H * W * C) == COMPOFA_ERR_BUFFER_TOO_SMALL, "short x refused");
    EXPECT(compofa_context_destroy(ctx) == COMPOFA_OK, "context_destroy");
    EXPECT(compofa_context_destroy(ctx) == COMPOFA_ERR_INVALID_HANDLE, "double destroy refused");
}

int main(void) {
    EXPECT(compofa_abi_version() == COMPOFA_ABI_VERSION, "abi version");
    delta_kernel_is_identity(COMPOFA_BACKEND_REFERENCE);
    delta_kernel_is_identity(COMPOFA_BACKEND_CPU);
    int32_t available = -1, count = -1;
    EXPECT(compofa_backend_available(COMPOFA_BACKEND_CUDA, &available) == COMPOFA_OK, "cuda availability query");
    EXPECT(compofa_cuda_device_count(&count) == COMPOFA_OK && count == available, "device count agrees");
    char text[256];
    EXPECT(compofa_backend_describe(COMPOFA_BACKEND_CUDA, 0, text, sizeof text) == COMPOFA_OK, "describe cuda");
    printf("%s\n", text);
    EXPECT(compofa_backend_describe(COMPOFA_BACKEND_CPU, 0, text, sizeof text) == COMPOFA_OK, "describe cpu");
    printf("%s\n", text);
    return failures ? 1 : 0;
}
