"""ctypes binding of the compofa C ABI (native/include/compofa.h), for checks and benchmarks.

Only what the device checks need: contexts, wrapped streams, the depthwise conv and the GEMM.
Pointers are raw addresses (ints): host memory for the CPU/REFERENCE backends, device memory for
CUDA (e.g. a torch tensor's data_ptr()). Every failed call raises CompofaError with the status name
and compofa_last_error().
"""
import ctypes as C

REFERENCE, CPU, CUDA = 0, 1, 2
TRANSFORM_NONE, TRANSFORM_OFA = 0, 1
ABI_VERSION = 1


class DwShape(C.Structure):
    """compofa_dwconv_shape: n, h, w, c, c_max, k, k_max, stride, transform (all int32)."""
    _fields_ = [(name, C.c_int32) for name in
                ("n", "h", "w", "c", "c_max", "k", "k_max", "stride", "transform")]

    def __repr__(self):
        return "n%d_%dx%d_c%d/%d_k%d/%d_s%d_%s" % (
            self.n, self.h, self.w, self.c, self.c_max, self.k, self.k_max, self.stride,
            "ofa" if self.transform == TRANSFORM_OFA else "none")


class CompofaError(RuntimeError):
    def __init__(self, status, name, message, call):
        super().__init__("%s: %s: %s" % (call, name, message))
        self.status = status


_P, _U64, _I32, _F = C.c_void_p, C.c_uint64, C.c_int32, C.c_float
_SIGNATURES = {
    "compofa_abi_version": ([], _I32),
    "compofa_status_name": ([_I32], C.c_char_p),
    "compofa_last_error": ([], C.c_char_p),
    "compofa_backend_available": ([_I32, C.POINTER(_I32)], _I32),
    "compofa_backend_describe": ([_I32, _I32, C.c_char_p, _U64], _I32),
    "compofa_context_create": ([_I32, _I32, C.POINTER(_P)], _I32),
    "compofa_context_destroy": ([_P], _I32),
    "compofa_context_synchronize": ([_P], _I32),
    "compofa_stream_wrap": ([_P, _P, C.POINTER(_P)], _I32),
    "compofa_stream_destroy": ([_P], _I32),
    "compofa_dwconv_output_size": ([C.POINTER(DwShape), C.POINTER(_I32), C.POINTER(_I32)], _I32),
    "compofa_dwconv_forward": ([_P, _P, C.POINTER(DwShape)] + [_P, _U64] * 5, _I32),
    "compofa_dwconv_backward": ([_P, _P, C.POINTER(DwShape)] + [_P, _U64] * 9, _I32),
    "compofa_gemm": ([_P, _P, _I32, _I32, _I32, _I32, _I32, _F, _P, _U64, _I32, _P, _U64, _I32,
                      _F, _P, _U64, _I32], _I32),
}


class Compofa:
    """The loaded library. lib_path: path of libcompofa.so."""

    def __init__(self, lib_path):
        self.lib = C.CDLL(lib_path)
        for name, (args, res) in _SIGNATURES.items():
            fn = getattr(self.lib, name)
            fn.argtypes, fn.restype = args, res
        version = self.lib.compofa_abi_version()
        if version != ABI_VERSION:
            raise RuntimeError("libcompofa ABI version %d, this binding speaks %d" % (version, ABI_VERSION))

    def call(self, name, *args):
        status = getattr(self.lib, name)(*args)
        if status != 0:
            raise CompofaError(status, self.lib.compofa_status_name(status).decode(),
                               self.lib.compofa_last_error().decode(), name)

    def available(self, backend):
        flag = _I32(0)
        self.call("compofa_backend_available", backend, C.byref(flag))
        return flag.value == 1

    def describe(self, backend, device=0):
        buf = C.create_string_buffer(512)
        self.call("compofa_backend_describe", backend, device, buf, len(buf))
        return buf.value.decode()

    def context(self, backend, device=0):
        ctx = _P()
        self.call("compofa_context_create", backend, device, C.byref(ctx))
        return ctx

    def wrap_stream(self, ctx, native_stream):
        """A compofa stream on a foreign cudaStream_t (an int address); not owned by us."""
        s = _P()
        self.call("compofa_stream_wrap", ctx, _P(native_stream), C.byref(s))
        return s

    def output_size(self, shape):
        ho, wo = _I32(0), _I32(0)
        self.call("compofa_dwconv_output_size", C.byref(shape), C.byref(ho), C.byref(wo))
        return ho.value, wo.value

    # Each tensor argument is (address, length in floats); (0, 0) for "none".
    def dwconv_forward(self, ctx, stream, shape, x, w, t75, t53, y):
        self.call("compofa_dwconv_forward", ctx, stream, C.byref(shape),
                  *_flat(x, w, t75, t53, y))

    def dwconv_backward(self, ctx, stream, shape, x, w, t75, t53, dy, dx, dw, dt75, dt53):
        self.call("compofa_dwconv_backward", ctx, stream, C.byref(shape),
                  *_flat(x, w, t75, t53, dy, dx, dw, dt75, dt53))

    def gemm(self, ctx, stream, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc):
        self.call("compofa_gemm", ctx, stream, trans_a, trans_b, m, n, k, alpha,
                  _P(a[0]), a[1], lda, _P(b[0]), b[1], ldb, beta, _P(c[0]), c[1], ldc)


def _flat(*tensors):
    out = []
    for addr, length in tensors:
        out += [_P(addr or None), _U64(length)]
    return out
