"""ctypes binding of the compofa C ABI (native/include/compofa.h), for checks and benchmarks.

Only what the device checks need: contexts, wrapped streams, the depthwise conv and the GEMM.
Pointers are raw addresses (ints): host memory for the CPU/REFERENCE backends, device memory for
CUDA (e.g. a torch tensor's data_ptr()), or compofa buffers (alloc/upload/download) on any backend.
Every failed call raises CompofaError with the status name and compofa_last_error(). The version,
constants, structs and every signature are read from compofa.h at import time, so they cannot drift
from the header; Compofa(lib) then refuses a library of another ABI version or one that lacks a
declared function. Needs only the standard library (no numpy, no torch).
"""
import ctypes as C
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compofa_header  # noqa: E402

# Everything below comes from compofa.h at import time (ci/device/compofa_header.py): the ABI
# version, every enum constant without its COMPOFA_ prefix (OK, ERR_INVALID_ARGUMENT, BACKEND_CPU,
# TRANSFORM_OFA, PRECISION_TF32, ...; the backends also as REFERENCE, CPU, CUDA), the structs and
# every function's signature. A header this reader cannot follow raises HeaderError here.
HEADER = compofa_header.parse()
ABI_VERSION = HEADER.abi_version
STATUS = dict(HEADER.enums["compofa_status_code"])   # {"COMPOFA_OK": 0, ...}
globals().update({name[len("COMPOFA_"):]: value for name, value in HEADER.constants.items()})
globals().update({name[len("COMPOFA_BACKEND_"):]: value
                  for name, value in HEADER.enums["compofa_backend_kind"].items()})
# The names the device scripts import, spelled out (a KeyError here when compofa.h renames one).
REFERENCE, CPU, CUDA = (HEADER.constants["COMPOFA_BACKEND_" + b] for b in ("REFERENCE", "CPU", "CUDA"))
TRANSFORM_NONE, TRANSFORM_OFA = HEADER.constants["COMPOFA_TRANSFORM_NONE"], HEADER.constants["COMPOFA_TRANSFORM_OFA"]


class DwShape(HEADER.structs["compofa_dwconv_shape"]):
    """compofa_dwconv_shape (fields from compofa.h: n, h, w, c, c_max, k, k_max, stride, transform)."""

    def __repr__(self):
        return "n%d_%dx%d_c%d/%d_k%d/%d_s%d_%s" % (
            self.n, self.h, self.w, self.c, self.c_max, self.k, self.k_max, self.stride,
            "ofa" if self.transform == TRANSFORM_OFA else "none")


class CompofaError(RuntimeError):
    def __init__(self, status, name, message, call):
        super().__init__("%s: %s: %s" % (call, name, message))
        self.status = status
        self.name = name


_P, _U64, _I32 = C.c_void_p, C.c_uint64, C.c_int32


class Compofa:
    """The loaded library. lib_path: path of libcompofa.so."""

    def __init__(self, lib_path):
        # As the Java loader does (ThreadingDefaults): OpenMP reads its wait policy once, when dlopen
        # pulls libgomp in; spinning workers cost 2.6x on a 2-vCPU EPYC. A user's setting wins.
        if "GOMP_SPINCOUNT" not in os.environ:
            os.environ.setdefault("OMP_WAIT_POLICY", "passive")
        self.lib = C.CDLL(lib_path)
        version_fn = self.lib.compofa_abi_version
        version_fn.argtypes, version_fn.restype = [], _I32
        version = version_fn()
        if version != ABI_VERSION:
            raise RuntimeError("%s has ABI version %d, %s declares %d: the library was built from another "
                               "compofa.h (rebuild it)" % (lib_path, version, HEADER.path, ABI_VERSION))
        missing = []
        for name, (args, res) in HEADER.functions.items():
            fn = getattr(self.lib, name, None)
            if fn is None:
                missing.append(name)
                continue
            fn.argtypes, fn.restype = args, res
        if missing:
            raise RuntimeError("%s lacks %d functions that %s declares: %s" % (
                lib_path, len(missing), HEADER.path, ", ".join(missing)))

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

    # Buffers: memory of the context's backend (host or device), filled from / read into Python lists.
    def alloc(self, ctx, floats):
        buf = _P()
        self.call("compofa_buffer_alloc", ctx, _U64(4 * floats), C.byref(buf))
        return buf

    def free(self, buf):
        self.call("compofa_buffer_free", buf)

    def address(self, buf):
        """(address, length in floats) of a buffer: a tensor argument of the ops below."""
        addr, nbytes = _P(), _U64(0)
        self.call("compofa_buffer_address", buf, C.byref(addr), C.byref(nbytes))
        return addr.value, nbytes.value // 4

    def upload(self, buf, values, stream=None):
        host = (C.c_float * len(values))(*values)
        self.call("compofa_copy_to_buffer", buf, _U64(0), host, _U64(4 * len(values)), stream)

    def download(self, buf, floats, stream=None):
        host = (C.c_float * floats)()
        self.call("compofa_copy_from_buffer", buf, _U64(0), host, _U64(4 * floats), stream)
        return list(host)

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
