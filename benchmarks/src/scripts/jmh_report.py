#!/usr/bin/env python3
"""Turns a JMH JSON result of the compofa benchmarks into Markdown tables (stdlib only).

  python3 jmh_report.py RESULT.json [--bw GBS] [--peak GFLOPS] [--memory-bound-mib MIB]

One table per benchmark class: time per call (the median of the measurement iterations, so one
iteration disturbed by another process on a shared machine does not move it), the spread of the
iterations ((max - min) / median, as a percentage), GB/s and GFLOP/s (medians too) from the `bytes` and `flops` counters of the Traffic state (per-second rates),
and their percentage of this machine's measured bandwidth and BLAS peak:
- bandwidth = the best copy row (GB/s = 2 * size / time) of MemoryBandwidthBenchmark at its largest
  size in the same result (or --bw);
- BLAS peak = SliceGemmBenchmark.blasPeak (or --peak).
Then the bars: elastic depthwise forward >= 50% of the bandwidth on the memory-bound shapes (bytes
per call above --memory-bound-mib, default 16 MiB = 4x this machine's L2), and sliceInPlace within
10% of the same GEMM on a contiguous copy of the slice.
"""
import argparse
import json
import statistics
import sys

# Iterations further apart than this (relative to the median) mark a row as disturbed.
NOISY = 0.20
# Parameters shown even when a table has one value of them: they define the problem.
SHAPE_PARAMS = ("stage", "resolution", "batch", "shape", "n", "mib")
TIME_UNITS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0, "min": 60.0}


def iterations(metric):
    """The per-iteration scores of all forks (JMH's rawData), or the score alone."""
    raw = [v for fork in metric.get("rawData") or [] for v in fork]
    return raw or [metric["score"]]


def seconds_per_op(metric, mode):
    """Seconds per call of each iteration, from JMH's primary metric of a thrpt or avgt result."""
    unit = metric["scoreUnit"]
    if mode == "thrpt":  # e.g. ops/s, ops/ms
        return [TIME_UNITS[unit.split("/")[1]] / v for v in iterations(metric)]
    if mode == "avgt":  # e.g. ns/op
        return [v * TIME_UNITS[unit.split("/")[0]] for v in iterations(metric)]
    raise ValueError("unsupported mode " + mode + " (the report reads thrpt and avgt)")


def spread(values):
    """(max - min) / median of the iterations; None for a single iteration."""
    if len(values) < 2:
        return None
    return (max(values) - min(values)) / statistics.median(values)


def rate(row, name):
    """Median bytes/s or flop/s of a Traffic counter; None when the row has none or it is 0."""
    metric = row.get("secondaryMetrics", {}).get(name)
    if not metric or metric["score"] <= 0:
        return None
    unit = metric["scoreUnit"]  # ops/s: counted units per second of the iteration
    return statistics.median(iterations(metric)) / TIME_UNITS[unit.split("/")[1]]


def load(path):
    with open(path) as f:
        rows = json.load(f)
    out = []
    for r in rows:
        cls, method = r["benchmark"].rsplit(".", 1)
        secs = seconds_per_op(r["primaryMetric"], r["mode"])
        sec = statistics.median(secs)
        bps = rate(r, "bytes")
        fps = rate(r, "flops")
        out.append({
            "class": cls.rsplit(".", 1)[1],
            "method": method,
            "params": r.get("params", {}),
            "sec": sec,
            "err": spread(secs),
            "gbs": bps / 1e9 if bps else None,
            "gflops": fps / 1e9 if fps else None,
            "bytes_per_op": bps * sec if bps else None,
        })
    return out


def fmt(v, digits=3):
    if v is None:
        return ""
    if v == 0:
        return "0"
    if abs(v) >= 100:
        return "%.0f" % v
    return "%.*g" % (digits, v)


def table(rows, bw, peak):
    lines = []
    params = []
    for r in rows:
        for k in r["params"]:
            if k not in params:
                params.append(k)
    params.sort(key=lambda p: SHAPE_PARAMS.index(p) if p in SHAPE_PARAMS else len(SHAPE_PARAMS))
    # Drop parameters that have one value in the whole group: they say nothing per row.
    params = [p for p in params if len({r["params"].get(p) for r in rows}) > 1 or p in SHAPE_PARAMS]
    ns = all(r["sec"] < 1e-5 for r in rows)
    tcol = "ns/op" if ns else "ms/op"
    tscale = 1e9 if ns else 1e3
    has_gbs = any(r["gbs"] for r in rows)
    has_gflops = any(r["gflops"] for r in rows)
    head = ["benchmark"] + params + [tcol, "spread %"]
    if has_gbs:
        head += ["MiB/call", "GB/s", "% BW"]
    if has_gflops:
        head += ["GFLOP/s", "% peak"]
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "|".join(["---"] * len(head)) + "|")
    for r in rows:
        cells = [r["method"]] + [str(r["params"].get(p, "")) for p in params]
        noisy = r["err"] is not None and r["err"] > NOISY
        cells += [fmt(r["sec"] * tscale, 4),
                  (fmt(100 * r["err"], 2) + (" *" if noisy else "")) if r["err"] is not None else ""]
        if has_gbs:
            cells += [fmt(r["bytes_per_op"] / 2 ** 20) if r["bytes_per_op"] else "", fmt(r["gbs"]),
                      fmt(100 * r["gbs"] / bw, 3) if (r["gbs"] and bw) else ""]
        if has_gflops:
            cells += [fmt(r["gflops"]), fmt(100 * r["gflops"] / peak, 3) if (r["gflops"] and peak) else ""]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def bars(rows, bw, peak, mb_mib):
    lines = ["### Bars (this run, computed by jmh_report.py)", ""]
    fwd = [r for r in rows if r["class"] == "DepthwiseStageBenchmark" and r["method"] == "forward"
           and r["bytes_per_op"] and r["bytes_per_op"] > mb_mib * 2 ** 20]
    if not bw:
        lines.append("- depthwise forward vs bandwidth: no bandwidth measured in this result (pass --bw)")
    elif not fwd:
        lines.append("- depthwise forward vs bandwidth: no memory-bound forward rows (> %g MiB per call)" % mb_mib)
    else:
        worst = min(r["gbs"] / bw for r in fwd)
        ok = all(r["gbs"] / bw >= 0.5 for r in fwd)
        lines.append("- elastic depthwise forward >= 50%% of the measured bandwidth (%.1f GB/s) on the %d "
                     "memory-bound shapes (> %g MiB per call): **%s** (worst %.0f%%)"
                     % (bw, len(fwd), mb_mib, "met" if ok else "NOT met", 100 * worst))
        for r in fwd:
            p = r["params"]
            lines.append("  - stage %s r%s n%s block %s: %.1f GB/s = %.0f%%%s" % (
                p.get("stage"), p.get("resolution"), p.get("batch"), p.get("block"), r["gbs"],
                100 * r["gbs"] / bw, "" if r["gbs"] / bw >= 0.5 else " (below)"))
    gemm = {}
    for r in rows:
        if r["class"] == "SliceGemmBenchmark" and r["method"] in ("sliceInPlace", "contiguous"):
            gemm.setdefault(r["params"].get("shape"), {})[r["method"]] = r
    pairs = {s: m for s, m in gemm.items() if len(m) == 2}
    if pairs:
        ok_all = True
        detail = []
        for shape, m in pairs.items():
            ratio = m["sliceInPlace"]["sec"] / m["contiguous"]["sec"]
            ok = ratio <= 1.10
            ok_all &= ok
            errs = [m[k]["err"] for k in m if m[k]["err"] is not None]
            detail.append("  - %s: slice %.3f ms, contiguous %.3f ms: slice/contiguous = %.3f%s%s" % (
                shape, 1e3 * m["sliceInPlace"]["sec"], 1e3 * m["contiguous"]["sec"], ratio,
                "" if ok else " (over 1.10)",
                " (iteration spread up to %.0f%%)" % (100 * max(errs)) if errs else ""))
        lines.append("- slice GEMM within 10%% of the same GEMM on a contiguous copy: **%s**"
                     % ("met" if ok_all else "NOT met"))
        lines += detail
    if peak:
        lines.append("- BLAS peak (SliceGemmBenchmark.blasPeak): %.1f GFLOP/s" % peak)
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("result")
    ap.add_argument("--bw", type=float, help="measured bandwidth in GB/s (default: best MemoryBandwidthBenchmark row)")
    ap.add_argument("--peak", type=float, help="BLAS peak in GFLOP/s (default: SliceGemmBenchmark.blasPeak)")
    ap.add_argument("--memory-bound-mib", type=float, default=16.0)
    a = ap.parse_args()
    rows = load(a.result)
    if not rows:
        print("(no results in %s)" % a.result)
        return 0
    bw, bw_row = a.bw, None
    if bw is None:
        # The copies (GB/s = 2 * size / time) at the largest size measured: DRAM, not cache.
        cands = [r for r in rows if r["class"] == "MemoryBandwidthBenchmark" and r["gbs"]
                 and "opy" in r["method"]]
        if cands:
            size = max(int(r["params"].get("mib", 0)) for r in cands)
            cands = [r for r in cands if int(r["params"].get("mib", 0)) == size]
            bw_row = max(cands, key=lambda r: r["gbs"])
            bw = bw_row["gbs"]
    peak = a.peak
    if peak is None:
        cands = [r for r in rows if r["class"] == "SliceGemmBenchmark" and r["method"] == "blasPeak" and r["gflops"]]
        if cands:
            peak = max(r["gflops"] for r in cands)
    out = []
    out.append("Reference bandwidth: %s; BLAS peak: %s." % (
        ("%.2f GB/s (%s)" % (bw, "MemoryBandwidthBenchmark.%s, %s MiB" % (bw_row["method"], bw_row["params"].get("mib"))
                              if bw_row else "--bw")) if bw else "n/a",
        ("%.1f GFLOP/s" % peak) if peak else "n/a"))
    out.append("")
    order = []
    for r in rows:
        if r["class"] not in order:
            order.append(r["class"])
    for cls in order:
        group = [r for r in rows if r["class"] == cls]
        out.append("### " + cls)
        out.append("")
        out += table(group, bw, peak)
        out.append("")
    if any(r["err"] is not None and r["err"] > NOISY for r in rows):
        out.append("\\* iterations more than %d%% apart: disturbed (another process on the machine?); "
                   "the median is shown, rerun the row to confirm." % (100 * NOISY))
        out.append("")
    out += bars(rows, bw, peak, a.memory_bound_mib)
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
