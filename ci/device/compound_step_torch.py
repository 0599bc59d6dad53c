#!/usr/bin/env python3
"""The CompOFA compound training step written directly in PyTorch: the GPU peer of `compofa step-bench`.

The same step as our TrainingStep (and as the libtorch CPU peer benchmarks/.../torch/TorchSupernet.java,
which a test checks against ours): the OFA MobileNetV3 supernet stored at its largest shapes, each subnet
slicing the weights per call (weight[:out, :in], the centre k x k depthwise taps) as the reference's
dynamic modules do; the frozen teacher's logits once (train-mode BN, no grad, nothing updated), then for
each of the 4 subnets forward + (CE with label smoothing 0.1 + KD soft CE) * 2 / (kd + 1) + backward,
then one SGD-Nesterov step (momentum 0.9, weight decay 3e-5 except bn/bias). Synthetic data.

Modes: eager, and torch.compile of the whole step per subnet forward (mode "max-autotune-no-cudagraphs"
is not used: the default mode, as a user would). Prints one CSV row per (mode, resolution, batch):
median ms/step, images/s and peak device memory (torch.cuda.max_memory_allocated).

Precisions: fp32 (torch.backends.cuda.matmul.allow_tf32 and cudnn.allow_tf32 off) and tf32 (both on;
PyTorch's default for convolutions), the peers of our --precision fp32 / tf32.

Usage: compound_step_torch.py [--subnets ID,ID,ID,ID] [--resolutions 128,160,192,224] [--batches 64,256]
       [--steps 5] [--warmup 2] [--modes eager,compile] [--precisions fp32,tf32] [--csv FILE]
The default subnets are the ones `compofa step-bench --net imagenet` draws (seeds 100-103).
"""
import argparse
import csv
import re
import sys
import time

import torch
import torch.nn.functional as F

# The subnets StepThroughput.subnets(IMAGENET, r) draws (seeds 100..103); the resolution is set per case.
DEFAULT_SUBNETS = ("d22424-k3300.5500.3333.3300.5555-e3300.3300.6666.3300.6666-r128,"
                   "d34322-k3330.5555.3330.3300.5500-e4440.6666.4440.3300.3300-r128,"
                   "d34324-k3330.5555.3330.3300.5555-e4440.6666.4440.3300.6666-r128,"
                   "d34333-k3330.5555.3330.3330.5550-e4440.6666.4440.4440.4440-r128")
BASE_WIDTHS = [16, 16, 24, 40, 80, 112, 160, 960, 1280]
STRIDES = [2, 2, 2, 1, 2]
ACTS = ["relu", "relu", "hswish", "hswish", "hswish"]
SE = [False, True, False, True, True]
SLOTS, MAX_KERNEL, MAX_EXPAND = 4, 7, 6
LABEL_SMOOTHING, KD_RATIO, MOMENTUM, WEIGHT_DECAY = 0.1, 1.0, 0.9, 3e-5


def make_divisible(v, d=8):
    r = max(d, int(v + d / 2) // d * d)
    return r + d if r < 0.9 * v else r


def parse_subnet(sid):
    m = re.fullmatch(r"d(\d+)-k([\d.]+)-e([\d.]+)-r(\d+)", sid)
    if not m:
        raise ValueError(f"subnet id '{sid}': expected d.....-k....(.)-e....(.)-rNNN")
    depths = [int(c) for c in m.group(1)]
    kernels = [[int(c) for c in g] for g in m.group(2).split(".")]
    expands = [[int(c) for c in g] for g in m.group(3).split(".")]
    return depths, kernels, expands


class Supernet:
    """Weights at the largest shapes (OIHW), He fan-out init; forward(subnet) slices them."""

    def __init__(self, device, classes=1000, in_ch=3, seed=1):
        g = torch.Generator().manual_seed(seed)
        self.p, self.bufs, self.device = {}, {}, device
        w = BASE_WIDTHS
        self.stem_w, self.first_w, self.final_w, self.mix_w = w[0], w[1], w[7], w[8]
        self.conv("stem.conv.weight", w[0], in_ch, 3, g)
        self.bn("stem.bn", w[0])
        self.blocks = [self.block("first_block", w[0], w[0], w[1], 3, 1, "relu", False, False, g)]
        self.stages = []
        cin = w[1]
        for s in range(5):
            stage = []
            for b in range(SLOTS):
                mid = make_divisible(round(cin * MAX_EXPAND))
                stage.append(self.block(f"stage{s + 1}.block{b + 1}", cin, mid, w[s + 2], MAX_KERNEL,
                                        STRIDES[s] if b == 0 else 1, ACTS[s], SE[s], True, g))
                cin = w[s + 2]
            self.stages.append(stage)
        self.conv("final_expand.conv.weight", w[7], w[6], 1, g)
        self.bn("final_expand.bn", w[7])
        self.conv("feature_mix.conv.weight", w[8], w[7], 1, g)
        bound = 1.0 / w[8] ** 0.5
        self.param("classifier.weight", (torch.rand(classes, w[8], generator=g) * 2 - 1) * bound)
        self.param("classifier.bias", torch.zeros(classes))

    def param(self, name, t):
        self.p[name] = t.to(self.device).requires_grad_(True)

    def conv(self, name, cout, cin, k, g):
        self.param(name, torch.randn(cout, cin, k, k, generator=g) * (2.0 / (k * k * cout)) ** 0.5)

    def bn(self, name, c):
        self.param(name + ".gamma", torch.ones(c))
        self.param(name + ".beta", torch.zeros(c))
        self.bufs[name + ".running_mean"] = torch.zeros(c, device=self.device)
        self.bufs[name + ".running_var"] = torch.ones(c, device=self.device)

    def block(self, n, cin, mid, cout, k, stride, act, se, expand, g):
        if expand:
            self.conv(n + ".expand.conv.weight", mid, cin, 1, g)
            self.bn(n + ".expand.bn", mid)
        self.p[n + ".depthwise.conv.weight"] = (torch.randn(mid, 1, k, k, generator=g) * (2.0 / (k * k * mid)) ** 0.5) \
            .to(self.device).requires_grad_(True)
        self.bn(n + ".depthwise.bn", mid)
        if se:
            s = make_divisible(mid // 4)
            self.conv(n + ".se.reduce.weight", s, mid, 1, g)
            self.param(n + ".se.reduce.bias", torch.zeros(s))
            self.conv(n + ".se.expand.weight", mid, s, 1, g)
            self.param(n + ".se.expand.bias", torch.zeros(mid))
        self.conv(n + ".project.conv.weight", cout, mid, 1, g)
        self.bn(n + ".project.bn", cout)
        return dict(name=n, cin=cin, cout=cout, kmax=k, stride=stride, act=act, se=se, expand=expand)

    def batch_norm(self, x, name, c, mode):
        rm = rv = None
        if mode != "batch":
            rm, rv = self.bufs[name + ".running_mean"][:c], self.bufs[name + ".running_var"][:c]
        return F.batch_norm(x, rm, rv, self.p[name + ".gamma"][:c], self.p[name + ".beta"][:c],
                            training=mode != "eval", momentum=0.1, eps=1e-5)

    @staticmethod
    def act(x, a):
        return F.relu(x) if a == "relu" else F.hardswish(x)

    def run_block(self, x, b, mid, k, mode):
        n, inp = b["name"], x
        if b["expand"]:
            x = F.conv2d(x, self.p[n + ".expand.conv.weight"][:mid])
            x = self.act(self.batch_norm(x, n + ".expand.bn", mid, mode), b["act"])
        off = (b["kmax"] - k) // 2
        w = self.p[n + ".depthwise.conv.weight"][:mid, :, off:off + k, off:off + k]
        x = F.conv2d(x, w, stride=b["stride"], padding=k // 2, groups=mid)
        x = self.act(self.batch_norm(x, n + ".depthwise.bn", mid, mode), b["act"])
        if b["se"]:
            s = make_divisible(mid // 4)
            g = x.mean((2, 3), keepdim=True)
            g = F.relu(F.conv2d(g, self.p[n + ".se.reduce.weight"][:s, :mid], self.p[n + ".se.reduce.bias"][:s]))
            g = F.hardsigmoid(F.conv2d(g, self.p[n + ".se.expand.weight"][:mid, :s], self.p[n + ".se.expand.bias"][:mid]))
            x = x * g
        x = F.conv2d(x, self.p[n + ".project.conv.weight"][:, :mid])
        x = self.batch_norm(x, n + ".project.bn", b["cout"], mode)
        return x + inp if b["stride"] == 1 and b["cin"] == b["cout"] else x

    def forward(self, subnet, x, mode):
        depths, kernels, expands = subnet
        x = F.conv2d(x, self.p["stem.conv.weight"], stride=2, padding=1)
        x = F.hardswish(self.batch_norm(x, "stem.bn", self.stem_w, mode))
        x = self.run_block(x, self.blocks[0], self.stem_w, 3, mode)
        for s, stage in enumerate(self.stages):
            for b in range(depths[s]):
                blk = stage[b]
                mid = make_divisible(round(blk["cin"] * expands[s][b]))
                x = self.run_block(x, blk, mid, kernels[s][b], mode)
        x = F.hardswish(self.batch_norm(F.conv2d(x, self.p["final_expand.conv.weight"]), "final_expand.bn",
                                        self.final_w, mode))
        x = x.mean((2, 3))
        x = F.hardswish(F.linear(x, self.p["feature_mix.conv.weight"].flatten(1)))
        x = F.dropout(x, 0.1, training=mode == "train")
        return F.linear(x, self.p["classifier.weight"], self.p["classifier.bias"])


def largest():
    return [SLOTS] * 5, [[MAX_KERNEL] * SLOTS] * 5, [[MAX_EXPAND] * SLOTS] * 5


class Step:
    def __init__(self, student, teacher, subnets, compile_forward):
        self.student, self.teacher, self.subnets = student, teacher, subnets
        self.momentum = {n: torch.zeros_like(p) for n, p in student.p.items()}
        self.decay = {n: 0.0 if ("bn" in n or "bias" in n) else WEIGHT_DECAY for n in student.p}
        self.student_fwd = student.forward
        self.teacher_fwd = teacher.forward
        if compile_forward:
            self.student_fwd = torch.compile(student.forward, dynamic=False)
            self.teacher_fwd = torch.compile(teacher.forward, dynamic=False)

    def run(self, images, labels, lr):
        scale = 2.0 / (KD_RATIO + 1.0)
        with torch.no_grad():
            target = F.softmax(self.teacher_fwd(largest(), images, "batch"), dim=1)
        for p in self.student.p.values():
            p.grad = None
        total = 0.0
        for sub in self.subnets:
            logits = self.student_fwd(sub, images, "train")
            loss = F.cross_entropy(logits, labels, label_smoothing=LABEL_SMOOTHING)
            loss = loss + KD_RATIO * -(target * F.log_softmax(logits, dim=1)).sum(1).mean()
            (loss * scale).backward()
            total += loss.detach() * scale
        with torch.no_grad():
            for n, p in self.student.p.items():
                g = p.grad if p.grad is not None else torch.zeros_like(p)
                wd = self.decay[n]
                d = g.add(p, alpha=wd) if wd else g
                buf = self.momentum[n].mul_(MOMENTUM).add_(d)
                p.sub_(d.add(buf, alpha=MOMENTUM), alpha=lr)
        return total


def measure(mode, r, n, subnet_ids, args, device):
    torch.manual_seed(0)
    student, teacher = Supernet(device, seed=1), Supernet(device, seed=2)
    subnets = [parse_subnet(s) for s in subnet_ids]
    step = Step(student, teacher, subnets, mode == "compile")
    images = torch.randn(n, 3, r, r, device=device)
    labels = torch.randint(0, 1000, (n,), device=device)
    for _ in range(args.warmup):
        step.run(images, labels, 1e-4)
    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats()
    times = []
    for _ in range(args.steps):
        t0 = time.perf_counter()
        step.run(images, labels, 1e-4).item()  # the loss back on the host, as ours
        times.append((time.perf_counter() - t0) * 1e3)
    times.sort()
    med = times[len(times) // 2] if len(times) % 2 else (times[len(times) // 2 - 1] + times[len(times) // 2]) / 2
    peak = torch.cuda.max_memory_allocated() / 2 ** 20
    del step, student, teacher
    torch.cuda.empty_cache()
    return med, times[0], times[-1], n / (med / 1e3), peak


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--subnets", default=DEFAULT_SUBNETS)
    ap.add_argument("--resolutions", default="128,160,192,224")
    ap.add_argument("--batches", default="64,256")
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--modes", default="eager,compile")
    ap.add_argument("--precisions", default="fp32,tf32")
    ap.add_argument("--csv")
    args = ap.parse_args()
    if not torch.cuda.is_available():
        print("compound_step_torch: no CUDA device", file=sys.stderr)
        return 77
    device = torch.device("cuda")
    torch.backends.cudnn.benchmark = True
    ids = [s.strip() for s in args.subnets.split(",")]
    rows = [["mode", "precision", "device", "resolution", "batch", "ms_per_step", "ms_min", "ms_max", "images_per_s",
             "peak_mib"]]
    print(f"{'mode':8} {'prec':5} {'res':>4} {'batch':>6} {'ms/step':>9} {'images/s':>9} {'peak MiB':>9}")
    for prec in args.precisions.split(","):
        tf32 = prec == "tf32"
        torch.backends.cuda.matmul.allow_tf32 = tf32
        torch.backends.cudnn.allow_tf32 = tf32
        for mode in args.modes.split(","):
            for r in [int(v) for v in args.resolutions.split(",")]:
                for n in [int(v) for v in args.batches.split(",")]:
                    try:
                        med, lo, hi, ips, peak = measure(mode, r, n, ids, args, device)
                    except Exception as e:  # a failed torch.compile or OOM is a result, not a crash of the script
                        print(f"{mode:8} {prec:5} {r:4d} {n:6d} FAILED: {type(e).__name__}: {str(e)[:200]}")
                        rows.append([mode, prec, torch.cuda.get_device_name(), r, n, "", "", "", "",
                                     f"FAILED {type(e).__name__}"])
                        continue
                    print(f"{mode:8} {prec:5} {r:4d} {n:6d} {med:9.1f} {ips:9.1f} {peak:9.0f}")
                    rows.append([mode, prec, torch.cuda.get_device_name(), r, n, f"{med:.3f}", f"{lo:.3f}",
                                 f"{hi:.3f}", f"{ips:.1f}", f"{peak:.0f}"])
    if args.csv:
        with open(args.csv, "w", newline="") as f:
            csv.writer(f).writerows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
