#!/usr/bin/env python3
"""Side-by-side table of the compound step: ours (`compofa step-bench` CSV) vs PyTorch (compound_step_torch.py CSV)."""
import csv
import os
import sys


def rows(path):
    return list(csv.DictReader(open(path))) if os.path.exists(path) else []


def main(ours_csv, torch_csv):
    ours = {(r["resolution"], r["batch"]): r for r in rows(ours_csv)}
    torch = rows(torch_csv)
    keys = sorted(set(ours) | {(r["resolution"], r["batch"]) for r in torch}, key=lambda k: (int(k[0]), int(k[1])))
    print("compound step, ImageNet w1.0, images/s: ours (activation + state MiB) | torch mode: images/s, "
          "ours/torch, torch peak MiB")
    for k in keys:
        o = ours.get(k)
        line = "r%-4s b%-4s ours %8s" % (k[0], k[1], o["images_per_s"] if o else "-")
        if o and "activation_mib" in o:
            line += " (%.0f + %.0f)" % (float(o["activation_mib"]), float(o["state_mib"]))
        for t in (r for r in torch if (r["resolution"], r["batch"]) == k):
            ips = t["images_per_s"]
            speedup = "%.2fx" % (float(o["images_per_s"]) / float(ips)) if o and ips else "-"
            line += " | %s %s %s %s" % (t["mode"], ips or "-", speedup, t["peak_mib"])
        print(line)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
