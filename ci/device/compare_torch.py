#!/usr/bin/env python3
"""Check compofa's CUDA kernels against PyTorch on the GPU machine, then time both.

usage: compare_torch.py LIBCOMPOFA_SO [--device N] [--csv FILE] [--quick] [--reps N] [--no-time] [--cpu]

Correctness: our elastic depthwise conv (forward; backward dx, dweight, dt75, dt53; transform NONE
and OFA) and our slice GEMM run on torch CUDA tensors, on torch's current stream (wrapped with
compofa_stream_wrap), and are compared with a float64 PyTorch reference: F.conv2d(groups=c) on the
same sliced (and, with OFA, transformed) weights, autograd for the gradients, matmul for the GEMM.
Shapes: the w1.0 supernet's stage shapes at batch 64, resolution 224, plus odd sizes.

Tolerance, per element: |ours - ref| <= 1e-4 + 1e-4 * |ref| + 4 * eps32 * bound, where bound is the
same computation run on the absolute values of every input (sum of |terms|). For outputs with few
terms (forward: <= 49 taps) the last term is far below 1e-4; for the reductions over n*ho*wo
positions (dweight, dt75, dt53, the GEMM's dW) it is the standard float32 summation error bound
(gamma_N * sum|terms|, with the N taken as 4 since blocked/tree sums grow far slower than N).
Outputs are poisoned with NaN first (so an unwritten element fails); accumulated gradients start
from random values and the part outside the subnet slice must come back bit-identical.

Timing (transform NONE, stage shapes): ours vs torch float32 (F.conv2d on a channels-last view,
aten.convolution_backward for dx + dweight; matmul on the sliced view for the GEMM, TF32 off).
Each rep: a 256 MiB scratch write (cold L2), a 50 us GPU sleep (hides the host's launch cost),
then the op between two torch.cuda.Events; the median of the reps is reported.
--cpu runs the same correctness checks on compofa's CPU backend with CPU tensors (no timing): a
check of this script, and of the CPU backend, wherever PyTorch exists without a GPU.
Exit status: 0 all checks passed, 1 a mismatch or an error, 2 no usable CUDA device.
"""
import argparse
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compofa_ctypes import CPU, CUDA, TRANSFORM_NONE, TRANSFORM_OFA, Compofa, CompofaError, DwShape  # noqa: E402

EPS32 = 2.0 ** -23
ATOL = RTOL = 1e-4
C_SUM = 4.0
DEV = "cuda"   # "cpu" with --cpu

# w1.0 supernet stages: (mid width first block, mid width others, k, stride first, hw first, hw others, width)
STAGES = [(96, 144, 3, 2, 112, 56, 24), (144, 240, 5, 2, 56, 28, 40), (240, 480, 3, 2, 28, 14, 80),
          (480, 672, 3, 1, 14, 14, 112), (672, 960, 5, 2, 14, 7, 160)]
# Odd sizes: n, h, w, c, c_max, k, k_max, stride, transform (tails, c < c_max, kernel > input, 1021).
ODD = [(3, 17, 13, 37, 53, 3, 7, 2, TRANSFORM_OFA), (2, 9, 11, 53, 53, 5, 7, 1, TRANSFORM_OFA),
       (1, 1, 1, 1, 8, 7, 7, 1, TRANSFORM_NONE), (5, 15, 15, 130, 200, 7, 7, 2, TRANSFORM_NONE),
       (2, 31, 7, 99, 101, 3, 5, 1, TRANSFORM_OFA), (4, 8, 8, 1021, 1021, 5, 5, 2, TRANSFORM_NONE),
       (1, 2, 3, 17, 24, 5, 7, 2, TRANSFORM_NONE), (7, 57, 57, 33, 40, 3, 3, 2, TRANSFORM_NONE)]


def stage_shapes(batch, res, transforms):
    out = []
    for cf, cr, k, sf, hf, hr, _ in STAGES:
        hf, hr = max(1, -(-hf * res // 224)), max(1, -(-hr * res // 224))
        for t in transforms:
            out.append(DwShape(batch, hf, hf, cf, cf, k, 7, sf, t))
            out.append(DwShape(batch, hr, hr, cr, cr, k, 7, 1, t))
    return out


def ptr(t):
    return (t.data_ptr(), t.numel())


def rand(gen, *shape, dtype=torch.float32):
    return torch.rand(*shape, generator=gen, device=DEV, dtype=dtype) * 2 - 1


def sync():
    if DEV == "cuda":
        torch.cuda.synchronize()


def crop(w, size):
    m = (w.shape[0] - size) // 2
    return w[m:m + size, m:m + size, :]


def effective_kernel(wt, t75, t53, k, k_max, transform):
    """wt [k_max][k_max][c] (first c channels) -> torch's depthwise weight [c][1][k][k], as OFA."""
    cur = wt
    if transform == TRANSFORM_OFA and k_max == 7 and k <= 5:
        cur = (t75 @ crop(cur, 5).reshape(25, -1)).reshape(5, 5, -1)
    if transform == TRANSFORM_OFA and k == 3 and k_max >= 5:
        cur = (t53 @ crop(cur, 3).reshape(9, -1)).reshape(3, 3, -1)
    return crop(cur, k).permute(2, 0, 1).unsqueeze(1)


def reference(s, x, w, t75, t53, dy):
    """float64 forward and gradients of x, w (supernet-shaped), t75, t53; all NHWC / our layouts."""
    x, w, t75, t53 = (v.double().detach().requires_grad_(True) for v in (x, w, t75, t53))
    weff = effective_kernel(w[:, :, :s.c], t75, t53, s.k, s.k_max, s.transform)
    y = F.conv2d(x.permute(0, 3, 1, 2), weff, stride=s.stride, padding=s.k // 2, groups=s.c)
    grads = torch.autograd.grad(y, (x, w, t75, t53), dy.double().permute(0, 3, 1, 2), allow_unused=True)
    grads = [g if g is not None else torch.zeros_like(v) for g, v in zip(grads, (x, w, t75, t53))]
    return [y.detach().permute(0, 2, 3, 1)] + [g.detach() for g in grads]


class Checker:
    def __init__(self):
        self.failures, self.checks, self.lines = 0, 0, []

    def compare(self, name, ours, ref, bound):
        """Element-wise tolerance (module doc); records and prints the worst error/tolerance ratio."""
        self.checks += 1
        ours = ours.double()
        tol = ATOL + RTOL * ref.abs() + C_SUM * EPS32 * bound
        err = (ours - ref).abs()
        bad = torch.isnan(ours) | (err > tol)
        ratio = (err / tol).max().item() if ours.numel() else 0.0
        ok = not bool(bad.any())
        line = "%-4s %-52s max err/tol %.3g%s" % ("ok" if ok else "FAIL", name, ratio,
                                                 "" if ok else " (%d bad of %d; max err %.3g)"
                                                 % (int(bad.sum()), ours.numel(), err.nan_to_num(float("inf")).max().item()))
        self.record(ok, line)

    def exact(self, name, ours, expected):
        self.checks += 1
        ok = torch.equal(ours, expected)
        self.record(ok, "%-4s %-52s %s" % ("ok" if ok else "FAIL", name, "untouched" if ok else "CHANGED"))

    def record(self, ok, line):
        self.failures += 0 if ok else 1
        self.lines.append(line)
        print(line, flush=True)


def check_dwconv(lib, ctx, stream, chk, s, gen):
    name = repr(s)
    ho, wo = lib.output_size(s)
    x = rand(gen, s.n, s.h, s.w, s.c)
    w = rand(gen, s.k_max, s.k_max, s.c_max)
    t75 = torch.eye(25, device=DEV) + 0.2 * rand(gen, 25, 25)
    t53 = torch.eye(9, device=DEV) + 0.2 * rand(gen, 9, 9)
    dy = rand(gen, s.n, ho, wo, s.c)
    y = torch.full((s.n, ho, wo, s.c), float("nan"), device=DEV)
    dx = torch.full_like(x, float("nan"))
    dw0, dt75_0, dt53_0 = rand(gen, *w.shape), rand(gen, 25, 25), rand(gen, 9, 9)
    dw, dt75, dt53 = dw0.clone(), dt75_0.clone(), dt53_0.clone()
    uses75 = s.transform == TRANSFORM_OFA and s.k_max == 7 and s.k <= 5
    uses53 = s.transform == TRANSFORM_OFA and s.k == 3 and s.k_max >= 5
    none = (0, 0)
    try:
        lib.dwconv_forward(ctx, stream, s, ptr(x), ptr(w), ptr(t75), ptr(t53), ptr(y))
        lib.dwconv_backward(ctx, stream, s, ptr(x), ptr(w), ptr(t75), ptr(t53), ptr(dy), ptr(dx), ptr(dw),
                            ptr(dt75) if uses75 else none, ptr(dt53) if uses53 else none)
        sync()
    except CompofaError as e:
        chk.record(False, "FAIL %-52s %s" % (name, e))
        return
    ref = reference(s, x, w, t75, t53, dy)
    bound = reference(s, x.abs(), w.abs(), t75.abs(), t53.abs(), dy.abs())
    chk.compare(name + " fwd", y, ref[0], bound[0])
    chk.compare(name + " dx", dx, ref[1], bound[1])
    chk.compare(name + " dweight", dw[:, :, :s.c], dw0[:, :, :s.c].double() + ref[2][:, :, :s.c], bound[2][:, :, :s.c])
    if s.c < s.c_max:
        chk.exact(name + " dweight[c:]", dw[:, :, s.c:], dw0[:, :, s.c:])
    if uses75:
        chk.compare(name + " dt75", dt75, dt75_0.double() + ref[3], bound[3])
    if uses53:
        chk.compare(name + " dt53", dt53, dt53_0.double() + ref[4], bound[4])


def check_gemm(lib, ctx, stream, chk, m, cout, cin, cout_max, cin_max, gen):
    """1x1 conv on W[:cout, :cin] of W[cout_max][cin_max]: forward, dX and dW += (beta 1, alpha 0.5)."""
    name = "gemm m%d n%d k%d of W[%d][%d]" % (m, cout, cin, cout_max, cin_max)
    X, W, dY = rand(gen, m, cin), rand(gen, cout_max, cin_max), rand(gen, m, cout)
    Y = torch.full((m, cout), float("nan"), device=DEV)
    dX = torch.full((m, cin), float("nan"), device=DEV)
    dW0 = rand(gen, cout_max, cin_max)
    dW = dW0.clone()
    try:
        lib.gemm(ctx, stream, 0, 1, m, cout, cin, 1.0, ptr(X), cin, ptr(W), cin_max, 0.0, ptr(Y), cout)
        lib.gemm(ctx, stream, 0, 0, m, cin, cout, 1.0, ptr(dY), cout, ptr(W), cin_max, 0.0, ptr(dX), cin)
        lib.gemm(ctx, stream, 1, 0, cout, cin, m, 0.5, ptr(dY), cout, ptr(X), cin, 1.0, ptr(dW), cin_max)
        sync()
    except CompofaError as e:
        chk.record(False, "FAIL %-52s %s" % (name, e))
        return
    Xd, Wd, dYd = X.double(), W[:cout, :cin].double(), dY.double()
    chk.compare(name + " Y=XW^T", Y, Xd @ Wd.t(), Xd.abs() @ Wd.abs().t())
    chk.compare(name + " dX=dYW", dX, dYd @ Wd, dYd.abs() @ Wd.abs())
    chk.compare(name + " dW+=", dW[:cout, :cin], dW0[:cout, :cin].double() + 0.5 * dYd.t() @ Xd,
                dW0[:cout, :cin].double().abs() + 0.5 * dYd.abs().t() @ Xd.abs())
    outside = torch.ones_like(dW, dtype=torch.bool)
    outside[:cout, :cin] = False
    chk.exact(name + " dW outside slice", dW[outside], dW0[outside])


def time_ms(fn, warmup, reps, scratch):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        scratch.zero_()
        torch.cuda._sleep(100_000)   # ~50 us: the host queues the events and the op meanwhile
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    return statistics.median(times)


def timed(chk, rows, op, shape, ours, theirs, nbytes, reps, scratch):
    """Appends (op, shape, ours ms, torch ms, bytes); an error of ours counts as a failed check."""
    try:
        rows.append((op, shape, time_ms(ours, 3, reps, scratch), time_ms(theirs, 3, reps, scratch), nbytes))
    except CompofaError as e:
        chk.checks += 1
        chk.record(False, "FAIL %-52s timing %s: %s" % (shape, op, e))


def timings(lib, ctx, stream, args, gen, device_text, commit, chk):
    scratch = torch.empty(64 << 20, device=DEV)   # 256 MiB
    rows = []
    date = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    for s in stage_shapes(8 if args.quick else 64, 224, [TRANSFORM_NONE]):
        ho, wo = lib.output_size(s)
        x, w, dy = rand(gen, s.n, s.h, s.w, s.c), rand(gen, s.k_max, s.k_max, s.c_max), rand(gen, s.n, ho, wo, s.c)
        y, dx, dw = torch.empty_like(dy), torch.empty_like(x), torch.zeros_like(w)
        wt = effective_kernel(w[:, :, :s.c], None, None, s.k, s.k_max, TRANSFORM_NONE).contiguous()
        xt, dyt = x.permute(0, 3, 1, 2), dy.permute(0, 3, 1, 2)   # channels-last views
        p, none = s.k // 2, (0, 0)
        fwd_bytes = 4.0 * (x.numel() + y.numel() + s.c * s.k * s.k)
        cases = [
            ("dwconv_fwd", fwd_bytes,
             lambda: lib.dwconv_forward(ctx, stream, s, ptr(x), ptr(w), none, none, ptr(y)),
             lambda: F.conv2d(xt, wt, stride=s.stride, padding=p, groups=s.c)),
            ("dwconv_bwd", fwd_bytes + 4.0 * x.numel(),
             lambda: lib.dwconv_backward(ctx, stream, s, ptr(x), ptr(w), none, none, ptr(dy), ptr(dx), ptr(dw),
                                         none, none),
             lambda: torch.ops.aten.convolution_backward(dyt, xt, wt, None, [s.stride] * 2, [p] * 2, [1, 1], False,
                                                          [0, 0], s.c, [True, True, False])),
        ]
        for op, nbytes, ours, theirs in cases:
            timed(chk, rows, op, repr(s), ours, theirs, nbytes, args.reps, scratch)
        del x, w, dy, y, dx, dw, wt, xt, dyt
    for _, cr, _, _, _, hr, width in STAGES:
        m, cout, cin, cin_max = (8 if args.quick else 64) * hr * hr, width, cr * 2 // 3, cr   # e = 4 of 6
        X, W, Y = rand(gen, m, cin), rand(gen, cout, cin_max), torch.empty(m, cout, device=DEV)
        nbytes = 4.0 * (m * cin + cout * cin + m * cout)
        timed(chk, rows, "gemm_slice", "m%d_n%d_k%d_ldb%d" % (m, cout, cin, cin_max),
              lambda: lib.gemm(ctx, stream, 0, 1, m, cout, cin, 1.0, ptr(X), cin, ptr(W), cin_max, 0.0, ptr(Y), cout),
              lambda: torch.matmul(X, W[:cout, :cin].t()), nbytes, args.reps, scratch)
    lines = ["date,device,commit,op,shape,ours_ms,torch_ms,speedup,ours_gb_s"]
    for op, shape, ours, theirs, nbytes in rows:
        lines.append('%s,"%s",%s,%s,%s,%.5f,%.5f,%.3f,%.1f' % (date, device_text.replace('"', "'"), commit, op, shape,
                                                              ours, theirs, theirs / ours, nbytes / ours * 1e-6))
    if args.csv:
        with open(args.csv, "w") as f:
            f.write("\n".join(lines) + "\n")
    print("\n%-18s %-36s %9s %9s %8s %8s" % ("op", "shape", "ours ms", "torch ms", "speedup", "our GB/s"))
    for op, shape, ours, theirs, nbytes in rows:
        print("%-18s %-36s %9.4f %9.4f %7.2fx %8.0f" % (op, shape, ours, theirs, theirs / ours, nbytes / ours * 1e-6))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("lib", help="path of libcompofa.so (a CUDA build)")
    ap.add_argument("--device", type=int, default=0)
    ap.add_argument("--csv", help="write the timing CSV here")
    ap.add_argument("--quick", action="store_true", help="stage shapes at batch 8 instead of 64")
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--no-time", action="store_true", help="correctness only")
    ap.add_argument("--cpu", action="store_true", help="check compofa's CPU backend on CPU tensors (no timing)")
    args = ap.parse_args()

    global DEV
    lib = Compofa(args.lib)
    commit = os.environ.get("COMPOFA_COMMIT", "unknown")
    if args.cpu:
        DEV, args.no_time = "cpu", True
        device_text = lib.describe(CPU)
        print("compare_torch: torch %s on the CPU; compofa %s" % (torch.__version__, device_text))
        ctx = lib.context(CPU)
        stream = None   # the context's default stream; host ops are synchronous
    else:
        if not torch.cuda.is_available():
            print("compare_torch: torch sees no CUDA device", file=sys.stderr)
            return 2
        torch.cuda.set_device(args.device)
        torch.backends.cudnn.allow_tf32 = False
        torch.backends.cuda.matmul.allow_tf32 = False
        if not lib.available(CUDA):
            print("compare_torch: compofa's CUDA backend is unavailable: " + lib.describe(CUDA, args.device),
                  file=sys.stderr)
            return 2
        device_text = lib.describe(CUDA, args.device)
        print("compare_torch: torch %s on %s; compofa %s" % (torch.__version__, torch.cuda.get_device_name(),
                                                             device_text))
        # Run torch and us on one real stream (torch's default is the legacy NULL stream, address 0).
        torch.cuda.set_stream(torch.cuda.Stream())
        ctx = lib.context(CUDA, args.device)
        stream = lib.wrap_stream(ctx, torch.cuda.current_stream().cuda_stream)
    gen = torch.Generator(device=DEV).manual_seed(20261127)
    chk = Checker()
    t0 = time.time()
    batch = 8 if args.quick else 64
    shapes = stage_shapes(batch, 224, [TRANSFORM_NONE, TRANSFORM_OFA])
    shapes += [DwShape(*o) for o in ODD]
    for s in shapes:
        check_dwconv(lib, ctx, stream, chk, s, gen)
    for _, cr, _, _, _, hr, width in STAGES:   # projection 1x1 conv, e = 4 of 6
        check_gemm(lib, ctx, stream, chk, batch * hr * hr, width, cr * 2 // 3, width, cr, gen)
    for m, cout, cin, cout_max, cin_max in [(1021, 37, 61, 45, 70), (1, 1, 1, 3, 5), (129, 257, 33, 300, 40)]:
        check_gemm(lib, ctx, stream, chk, m, cout, cin, cout_max, cin_max, gen)
    print("compare_torch: %d checks, %d failed (%.1f s)" % (chk.checks, chk.failures, time.time() - t0))
    if not args.no_time:
        timings(lib, ctx, stream, args, gen, device_text, commit, chk)
    lib.call("compofa_context_synchronize", ctx)
    if stream is not None:
        lib.call("compofa_stream_destroy", stream)
    lib.call("compofa_context_destroy", ctx)
    if chk.failures:
        print("compare_torch: MISMATCH in %d of %d checks:" % (chk.failures, chk.checks))
        for line in chk.lines:
            if line.startswith("FAIL"):
                print("  " + line)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
