/* Uses compofa.h from strict C11: a delta kernel must reproduce its input on every host backend,
 * bad input must come back as a status with a message, timing events must follow the host clock,
 * and CUDA absence must not be a failure. */
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

/* Timing events on a host backend (a steady-clock reading): non-negative and monotone across a busy
 * loop, and misuse comes back as the documented status instead of a crash. */
static void timing_events_follow_host_clock(int32_t backend) {
    compofa_context* ctx = NULL;
    compofa_context* other = NULL;
    compofa_event *start = NULL, *mid = NULL, *end = NULL, *foreign = NULL;
    EXPECT(compofa_context_create(backend, 0, &ctx) == COMPOFA_OK, "context_create");
    EXPECT(compofa_context_create(backend, 0, &other) == COMPOFA_OK, "second context_create");
    EXPECT(compofa_event_create(ctx, &start) == COMPOFA_OK && compofa_event_create(ctx, &mid) == COMPOFA_OK &&
           compofa_event_create(ctx, &end) == COMPOFA_OK && compofa_event_create(other, &foreign) == COMPOFA_OK,
           "event_create");
    float ms = -1.0f, ms_mid = -1.0f, ms_end = -1.0f;
    EXPECT(compofa_event_elapsed_ms(start, end, &ms) == COMPOFA_ERR_INVALID_ARGUMENT, "unrecorded events refused");
    EXPECT(strstr(compofa_last_error(), "recorded first") != NULL, "message says record first");
    EXPECT(compofa_event_synchronize(start) == COMPOFA_ERR_INVALID_ARGUMENT, "synchronize before record refused");

    EXPECT(compofa_event_record(start, NULL) == COMPOFA_OK, "record start");
    EXPECT(compofa_event_record(mid, NULL) == COMPOFA_OK, "record mid");
    volatile double sink = 0.0; /* busy loop the compiler cannot drop */
    for (int i = 0; i < 5000000; i++) sink += (double)i * 1e-9;
    EXPECT(compofa_event_record(end, NULL) == COMPOFA_OK, "record end");
    EXPECT(compofa_event_synchronize(end) == COMPOFA_OK, "synchronize end");
    EXPECT(compofa_event_elapsed_ms(start, mid, &ms_mid) == COMPOFA_OK, "elapsed start..mid");
    EXPECT(compofa_event_elapsed_ms(start, end, &ms_end) == COMPOFA_OK, "elapsed start..end");
    EXPECT(ms_mid >= 0.0f, "elapsed is >= 0");
    EXPECT(ms_end >= ms_mid, "an interval that contains another is at least as long");
    EXPECT(ms_end > 0.0f, "a busy loop takes time on a steady clock");

    EXPECT(compofa_event_elapsed_ms(start, end, NULL) == COMPOFA_ERR_INVALID_ARGUMENT, "NULL ms refused");
    EXPECT(compofa_event_elapsed_ms(NULL, end, &ms) == COMPOFA_ERR_INVALID_HANDLE, "NULL start refused");
    EXPECT(compofa_event_elapsed_ms(start, (const compofa_event*)ctx, &ms) == COMPOFA_ERR_INVALID_HANDLE,
           "a context passed as an event refused");
    EXPECT(compofa_event_record(foreign, NULL) == COMPOFA_OK, "record foreign");
    EXPECT(compofa_event_elapsed_ms(start, foreign, &ms) == COMPOFA_ERR_INVALID_ARGUMENT, "events of two contexts refused");
    EXPECT(compofa_event_create(ctx, NULL) == COMPOFA_ERR_INVALID_ARGUMENT, "NULL out refused");
    compofa_event* refused = start;
    EXPECT(compofa_event_create(NULL, &refused) == COMPOFA_ERR_INVALID_HANDLE && refused == NULL,
           "NULL context refused, out cleared");
    EXPECT(compofa_context_destroy(ctx) == COMPOFA_ERR_INVALID_ARGUMENT, "context with live events not destroyed");

    EXPECT(compofa_event_destroy(start) == COMPOFA_OK && compofa_event_destroy(mid) == COMPOFA_OK &&
           compofa_event_destroy(end) == COMPOFA_OK && compofa_event_destroy(foreign) == COMPOFA_OK,
           "event_destroy");
    EXPECT(compofa_event_destroy(start) == COMPOFA_ERR_INVALID_HANDLE, "double destroy refused");
    EXPECT(compofa_event_record(end, NULL) == COMPOFA_ERR_INVALID_HANDLE, "destroyed event refused");
    EXPECT(compofa_context_destroy(ctx) == COMPOFA_OK && compofa_context_destroy(other) == COMPOFA_OK,
           "context_destroy");
}

int main(void) {
    EXPECT(compofa_abi_version() == COMPOFA_ABI_VERSION, "abi version");
    delta_kernel_is_identity(COMPOFA_BACKEND_REFERENCE);
    delta_kernel_is_identity(COMPOFA_BACKEND_CPU);
    timing_events_follow_host_clock(COMPOFA_BACKEND_REFERENCE);
    timing_events_follow_host_clock(COMPOFA_BACKEND_CPU);
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
