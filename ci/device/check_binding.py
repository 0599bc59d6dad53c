#!/usr/bin/env python3
"""Checks the ctypes binding (compofa_ctypes.py) against a built libcompofa, on any backend, with no
numpy or torch: the first thing the device script runs after its build, and CI on every commit.

usage: check_binding.py LIBCOMPOFA_SO [--backends cpu,reference,cuda]

What it checks: the library's ABI version and symbols match compofa.h (Compofa() refuses otherwise);
every status code of compofa.h has that name in compofa_status_name; each backend asked for is
available; the elastic depthwise conv (forward; backward dx, dweight, dt75, dt53; transforms NONE
and OFA, c < c_max, k < k_max, stride 2, kernel larger than the input) and the slice GEMM (every
transpose, leading dimensions above the minimum, beta 0 over NaN, beta 1 accumulation) against a
naive float64 Python reference on seeded random inputs of odd sizes, through compofa buffers (so the
same code runs on host and device memory); bad input gives ERR_INVALID_ARGUMENT and
ERR_BUFFER_TOO_SMALL with a message. Outputs start as NaN, so an element left unwritten fails.

Tolerance, per element: |ours - ref| <= gamma(m) * bound, gamma(m) = m u / (1 - m u), u = 2^-24,
where bound is the same computation on the absolute values of every input (the sum of |terms|) and
m the longest chain of roundings in it (every sum's length plus the products along the way): the
standard float32 error bound for sums of products in any order, blocked, tree or FMA.
Exit status: 0 all checks passed, 1 otherwise.
"""
import argparse
import ctypes as C
import math
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compofa_ctypes as cc  # noqa: E402

U = 2.0 ** -24
NAN = float("nan")
BACKENDS = {"reference": cc.REFERENCE, "cpu": cc.CPU, "cuda": cc.CUDA}


def gamma(m):
    return m * U / (1 - m * U)


def f32(v):
    return C.c_float(v).value


class Checker:
    def __init__(self):
        self.checks, self.failures = 0, 0

    def record(self, ok, line):
        self.checks += 1
        self.failures += 0 if ok else 1
        print("%-4s %s" % ("ok" if ok else "FAIL", line), flush=True)

    def close(self, name, ours, ref, bound, m):
        worst, bad = 0.0, 0
        for o, r, b in zip(ours, ref, bound):
            tol = gamma(m) * b + 1e-30
            err = abs(o - r)
            if math.isnan(o) or err > tol:
                bad += 1
            elif err / tol > worst:
                worst = err / tol
        ok = bad == 0 and len(ours) == len(ref)
        self.record(ok, "%-58s max err/tol %.3g%s" % (name, worst, "" if ok else " (%d of %d bad)" % (bad, len(ref))))

    def same(self, name, ours, expected):
        ok = all(o == e or (math.isnan(o) and math.isnan(e)) for o, e in zip(ours, expected))
        self.record(ok and len(ours) == len(expected), "%-58s %s" % (name, "untouched" if ok else "CHANGED"))


# ---- naive float64 reference of the elastic depthwise conv (layouts of compofa.h) --------------------
def crop(grid, size, c):
    """grid: taps (s*s) of per-channel lists -> the centre size x size taps."""
    s = int(round(math.sqrt(len(grid))))
    o = (s - size) // 2
    return [grid[(o + i) * s + o + j][:c] for i in range(size) for j in range(size)]


def matvec_taps(t, taps, c):
    """t [q][q] row-major (flat) applied to q taps per channel."""
    q = len(taps)
    return [[sum(t[i * q + j] * taps[j][ch] for j in range(q)) for ch in range(c)] for i in range(q)]


def effective_kernel(s, w, t75, t53):
    """Per channel: the centre crop, or the OFA chain 7 -> 5 (t75) -> 3 (t53). Returns (weff, chain)."""
    grid = [[w[tap * s.c_max + ch] for ch in range(s.c)] for tap in range(s.k_max * s.k_max)]
    chain = []   # (matrix, input taps) of each transform applied, for the backward
    if s.transform == cc.TRANSFORM_OFA and s.k_max == 7 and s.k <= 5:
        src = crop(grid, 5, s.c)
        grid = matvec_taps(t75, src, s.c)
        chain.append(("t75", src))
    if s.transform == cc.TRANSFORM_OFA and s.k == 3 and s.k_max >= 5:
        src = crop(grid, 3, s.c)
        grid = matvec_taps(t53, src, s.c)
        chain.append(("t53", src))
    return crop(grid, s.k, s.c), chain


def dwconv_reference(s, x, w, t75, t53, dy):
    """float64 y, dx, dweight (full supernet layout), dt75, dt53 for upstream dy."""
    ho, wo, p = (s.h - 1) // s.stride + 1, (s.w - 1) // s.stride + 1, s.k // 2
    weff, chain = effective_kernel(s, w, t75, t53)
    y = [0.0] * (s.n * ho * wo * s.c)
    dx = [0.0] * (s.n * s.h * s.w * s.c)
    dweff = [[0.0] * s.c for _ in range(s.k * s.k)]
    for n in range(s.n):
        for o in range(ho):
            for q in range(wo):
                out = ((n * ho + o) * wo + q) * s.c
                for a in range(s.k):
                    i = o * s.stride + a - p
                    if not 0 <= i < s.h:
                        continue
                    for b in range(s.k):
                        j = q * s.stride + b - p
                        if not 0 <= j < s.w:
                            continue
                        src = ((n * s.h + i) * s.w + j) * s.c
                        tap = weff[a * s.k + b]
                        dtap = dweff[a * s.k + b]
                        for ch in range(s.c):
                            y[out + ch] += x[src + ch] * tap[ch]
                            dx[src + ch] += dy[out + ch] * tap[ch]
                            dtap[ch] += dy[out + ch] * x[src + ch]
    grads = {"t75": [0.0] * 625, "t53": [0.0] * 81}
    d = dweff
    for name, src in reversed(chain):   # back through t53, then t75: d(src) = t^T d, d(t) = d src^T
        t, q = (t53 if name == "t53" else t75), len(src)
        grads[name] = [sum(d[i][ch] * src[j][ch] for ch in range(s.c)) for i in range(q) for j in range(q)]
        d = [[sum(t[i * q + j] * d[i][ch] for i in range(q)) for ch in range(s.c)] for j in range(q)]
        if name == "t53" and len(chain) == 2:
            d = embed(d, 5, s.c)   # src was the centre 3 x 3 of the t75 chain's 5 x 5
    d = embed(d, s.k_max, s.c)
    dweight = [0.0] * (s.k_max * s.k_max * s.c_max)
    for tap in range(s.k_max * s.k_max):
        dweight[tap * s.c_max:tap * s.c_max + s.c] = d[tap]
    return y, dx, dweight, grads["t75"], grads["t53"]


def embed(taps, size, c):
    """The centre of a zero size x size grid of taps set to taps (a smaller square grid)."""
    inner = int(round(math.sqrt(len(taps))))
    o = (size - inner) // 2
    grid = [[0.0] * c for _ in range(size * size)]
    for i in range(inner):
        for j in range(inner):
            grid[(o + i) * size + o + j] = list(taps[i * inner + j])
    return grid


def uniform(rng, count):
    return [f32(rng.uniform(-1, 1)) for _ in range(count)]


def check_dwconv(lib, ctx, chk, label, s, rng):
    ho, wo = lib.output_size(s)
    x = uniform(rng, s.n * s.h * s.w * s.c)
    w = uniform(rng, s.k_max * s.k_max * s.c_max)
    t75 = [f32((i % 26 == 0) + 0.2 * v) for i, v in enumerate(uniform(rng, 625))]   # near identity
    t53 = [f32((i % 10 == 0) + 0.2 * v) for i, v in enumerate(uniform(rng, 81))]
    dy = uniform(rng, s.n * ho * wo * s.c)
    dw0, dt75_0, dt53_0 = uniform(rng, len(w)), uniform(rng, 625), uniform(rng, 81)
    uses75 = s.transform == cc.TRANSFORM_OFA and s.k_max == 7 and s.k <= 5
    uses53 = s.transform == cc.TRANSFORM_OFA and s.k == 3 and s.k_max >= 5
    inputs = {"x": x, "w": w, "t75": t75, "t53": t53, "dy": dy, "y": [NAN] * len(dy), "dx": [NAN] * len(x),
              "dw": dw0, "dt75": dt75_0, "dt53": dt53_0}
    bufs = {}
    try:
        for key, values in inputs.items():
            bufs[key] = lib.alloc(ctx, len(values))
            lib.upload(bufs[key], values)
        a = {key: lib.address(b) for key, b in bufs.items()}
        none = (0, 0)
        lib.dwconv_forward(ctx, None, s, a["x"], a["w"], a["t75"], a["t53"], a["y"])
        lib.dwconv_backward(ctx, None, s, a["x"], a["w"], a["t75"], a["t53"], a["dy"], a["dx"], a["dw"],
                            a["dt75"] if uses75 else none, a["dt53"] if uses53 else none)
        lib.call("compofa_context_synchronize", ctx)
        out = {key: lib.download(bufs[key], len(inputs[key])) for key in ("y", "dx", "dw", "dt75", "dt53")}
    except cc.CompofaError as e:
        chk.record(False, "%s dwconv %r: %s" % (label, s, e))
        return
    finally:
        for b in bufs.values():
            lib.free(b)
    ref = dwconv_reference(s, x, w, t75, t53, dy)
    bound = dwconv_reference(s, *[[abs(v) for v in vs] for vs in (x, w, t75, t53, dy)])
    name = "%s dwconv %r" % (label, s)
    # Longest rounding chains: the transforms' 25- and 9-term sums, then k*k taps (forward, dx) or
    # n*ho*wo positions (dweight and the transforms' gradients), then the accumulation (+1).
    chain = (26 if uses75 else 0) + (10 if uses53 else 0)
    taps, positions = s.k * s.k + 1, s.n * ho * wo + 1
    chk.close(name + " fwd", out["y"], ref[0], bound[0], chain + taps)
    chk.close(name + " dx", out["dx"], ref[1], bound[1], chain + taps)
    inside = [i for i in range(len(w)) if i % s.c_max < s.c]
    outside = [i for i in range(len(w)) if i % s.c_max >= s.c]
    chk.close(name + " dweight +=", [out["dw"][i] for i in inside], [dw0[i] + ref[2][i] for i in inside],
              [abs(dw0[i]) + bound[2][i] for i in inside], chain + positions + 1)
    if outside:
        chk.same(name + " dweight[c:]", [out["dw"][i] for i in outside], [dw0[i] for i in outside])
    for key, used, start, r, b in (("dt75", uses75, dt75_0, ref[3], bound[3]), ("dt53", uses53, dt53_0, ref[4], bound[4])):
        if used:
            chk.close(name + " " + key + " +=", out[key], [v + g for v, g in zip(start, r)],
                      [abs(v) + g for v, g in zip(start, b)], chain + positions + s.c + 1)
        else:
            chk.same(name + " " + key + " (unused)", out[key], start)


def check_gemm(lib, ctx, chk, label, ta, tb, m, n, k, alpha, beta, rng):
    """C[m][n] (ldc n + 2) = alpha op(A) op(B) + beta C, leading dimensions above the minimum."""
    lda, ldb, ldc = (m if ta else k) + 3, (k if tb else n) + 1, n + 2
    a, b = uniform(rng, (k if ta else m) * lda), uniform(rng, (n if tb else k) * ldb)
    c0 = uniform(rng, m * ldc) if beta else [NAN] * (m * ldc)
    opa = (lambda i, l: a[l * lda + i]) if ta else (lambda i, l: a[i * lda + l])
    opb = (lambda l, j: b[j * ldb + l]) if tb else (lambda l, j: b[l * ldb + j])
    bufs = []
    try:
        for values in (a, b, c0):
            bufs.append(lib.alloc(ctx, len(values)))
            lib.upload(bufs[-1], values)
        pa, pb, pc = (lib.address(x) for x in bufs)
        lib.gemm(ctx, None, ta, tb, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc)
        c = lib.download(bufs[2], len(c0))
    except cc.CompofaError as e:
        chk.record(False, "%s gemm: %s" % (label, e))
        return
    finally:
        for x in bufs:
            lib.free(x)
    ref, bound, got = [], [], []
    for i in range(m):
        for j in range(n):
            s = sum(opa(i, l) * opb(l, j) for l in range(k))
            sa = sum(abs(opa(i, l) * opb(l, j)) for l in range(k))
            ref.append(alpha * s + (beta * c0[i * ldc + j] if beta else 0.0))
            bound.append(abs(alpha) * sa + (abs(beta * c0[i * ldc + j]) if beta else 0.0))
            got.append(c[i * ldc + j])
    name = "%s gemm ta%d tb%d m%d n%d k%d lda%d ldb%d ldc%d alpha %g beta %g" % (
        label, ta, tb, m, n, k, lda, ldb, ldc, alpha, beta)
    chk.close(name, got, ref, bound, k + 3)
    pad = [i * ldc + j for i in range(m) for j in range(n, ldc)]
    chk.same(name + " C[:, n:ldc]", [c[i] for i in pad], [c0[i] for i in pad])


def expect_status(chk, name, status_name, fn):
    try:
        fn()
    except cc.CompofaError as e:
        ok = e.name == status_name and len(str(e)) > len(status_name) + 40
        chk.record(ok, "%-58s %s" % (name, e))
        return
    chk.record(False, "%-58s no error (expected %s)" % (name, status_name))


def check_backend(lib, chk, label, backend):
    if not lib.available(backend):
        chk.record(False, "%s: backend unavailable: %s" % (label, lib.describe(backend)))
        return
    print("%s: %s" % (label, lib.describe(backend)), flush=True)
    ctx = lib.context(backend)
    rng = random.Random(20261130 + backend)
    shapes = [(2, 7, 6, 5, 7, 3, 7, 2, cc.TRANSFORM_OFA), (1, 5, 9, 3, 3, 5, 7, 1, cc.TRANSFORM_OFA),
              (3, 4, 5, 6, 8, 3, 5, 1, cc.TRANSFORM_OFA), (2, 6, 7, 4, 4, 7, 7, 2, cc.TRANSFORM_NONE),
              (1, 3, 2, 9, 11, 5, 7, 2, cc.TRANSFORM_NONE), (1, 1, 1, 1, 1, 3, 3, 1, cc.TRANSFORM_NONE)]
    try:
        for shape in shapes:
            check_dwconv(lib, ctx, chk, label, cc.DwShape(*shape), rng)
        for ta in (0, 1):
            for tb in (0, 1):
                check_gemm(lib, ctx, chk, label, ta, tb, 13, 7, 11, 1.0, 0.0, rng)
        check_gemm(lib, ctx, chk, label, 1, 0, 5, 9, 37, 0.5, 1.0, rng)
        check_gemm(lib, ctx, chk, label, 0, 1, 1, 1, 1, -1.5, 1.0, rng)
        bad_kernel = cc.DwShape(1, 4, 4, 2, 2, 4, 7, 1, cc.TRANSFORM_NONE)
        expect_status(chk, label + " dwconv k=4", "COMPOFA_ERR_INVALID_ARGUMENT", lambda: lib.output_size(bad_kernel))
        buf = lib.alloc(ctx, 8)
        try:
            short = lib.address(buf)
            expect_status(chk, label + " gemm into 8 floats of 9", "COMPOFA_ERR_BUFFER_TOO_SMALL",
                          lambda: lib.gemm(ctx, None, 0, 0, 3, 3, 1, 1.0, short, 1, short, 3, 0.0, (short[0], 8), 3))
        finally:
            lib.free(buf)
    finally:
        lib.call("compofa_context_destroy", ctx)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("lib", help="path of libcompofa.so")
    ap.add_argument("--backends", default="cpu,reference", help="comma-separated: reference, cpu, cuda")
    args = ap.parse_args()
    chk = Checker()
    try:
        lib = cc.Compofa(args.lib)
    except (OSError, RuntimeError) as e:
        print("check_binding: FAIL: %s" % e)
        return 1
    print("check_binding: %s, ABI %d, %d functions and %d constants from %s" % (
        args.lib, cc.ABI_VERSION, len(cc.HEADER.functions), len(cc.HEADER.constants), cc.HEADER.path))
    for name, value in cc.STATUS.items():
        got = lib.lib.compofa_status_name(value).decode()
        chk.record(got == name, "%-58s %s" % ("status %d" % value, got))
    for label in args.backends.split(","):
        if label not in BACKENDS:
            print("check_binding: unknown backend '%s' (allowed: %s)" % (label, ", ".join(BACKENDS)))
            return 1
        check_backend(lib, chk, label, BACKENDS[label])
    print("check_binding: %d checks, %d failed" % (chk.checks, chk.failures))
    return 1 if chk.failures else 0


if __name__ == "__main__":
    sys.exit(main())
