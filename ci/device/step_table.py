#!/usr/bin/env python3
"""Side-by-side table of the compound step: ours (`compofa step-bench` CSVs) vs PyTorch (compound_step_torch.py CSV).

Usage: step_table.py OURS_CSV[,OURS_CSV...] TORCH_CSV  (rows matched on resolution, batch and precision)
"""
import csv
import os
import sys


def rows(path):
    return list(csv.DictReader(open(path))) if os.path.exists(path) else []


def key(r):
    return r["resolution"], r["batch"], r.get("precision", "fp32")


def main(ours_csvs, torch_csv):
    ours = {key(r): r for path in ours_csvs.split(",") for r in rows(path)}
    torch = rows(torch_csv)
    keys = sorted(set(ours) | {key(r) for r in torch}, key=lambda k: (k[2], int(k[0]), int(k[1])))
    print("compound step, ImageNet w1.0, images/s: ours (activation + state MiB) | torch mode: images/s, "
          "ours/torch, torch peak MiB")
    for k in keys:
        o = ours.get(k)
        line = "%-4s r%-4s b%-4s ours %8s" % (k[2], k[0], k[1], o["images_per_s"] if o else "-")
        if o and "activation_mib" in o:
            line += " (%.0f + %.0f)" % (float(o["activation_mib"]), float(o["state_mib"]))
        for t in (r for r in torch if key(r) == k):
            ips = t["images_per_s"]
            speedup = "%.2fx" % (float(o["images_per_s"]) / float(ips)) if o and ips else "-"
            line += " | %s %s %s %s" % (t["mode"], ips or "-", speedup, t["peak_mib"])
        print(line)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
