#!/usr/bin/python3
"""Writes the small torch.save fixtures the Java tests read (TorchCheckpointTest) and expected.txt.

Run from this directory with a python3 that has torch (made with Debian's torch 1.13):
    /usr/bin/python3 make_fixtures.py
expected.txt lines: <file> <key> <f32|i64> <dims joined by ',' or '-' for a scalar> <values>
floats as float32 bit patterns in hex (what torch's .float() gives), ints in decimal.
"""
import collections
import struct

import torch

torch.manual_seed(1021)


def state_dict():
    sd = collections.OrderedDict()
    sd["conv.weight"] = torch.randn(3, 2, 3, 3)                      # float32
    base = torch.randn(7 * 5 + 4)
    sd["view.weight"] = base[4:].view(7, 5)                           # non-zero storage offset
    shared = torch.randn(13)
    sd["shared.a"] = shared[:6]                                        # two views of one storage
    sd["shared.b"] = shared[6:].view(7, 1)
    sd["half.weight"] = torch.randn(5, 3).half()                      # float16
    sd["double.bias"] = torch.randn(11, dtype=torch.float64)          # float64, rounded to float32
    sd["bf16.weight"] = torch.randn(2, 3).bfloat16()                  # bfloat16
    sd["bn.num_batches_tracked"] = torch.tensor(12345678901, dtype=torch.long)  # 0-dim int64
    sd["ints"] = torch.tensor([-3, 0, 2 ** 40], dtype=torch.long)
    sd["empty"] = torch.zeros(0, 4)
    return sd


def with_module_prefix(sd):
    return collections.OrderedDict(("module." + k, v) for k, v in sd.items())


def expected_lines(name, sd):
    lines = []
    for key, t in sd.items():
        dims = ",".join(str(d) for d in t.shape) or "-"
        if t.dtype == torch.long:
            vals = " ".join(str(v) for v in t.reshape(-1).tolist())
            lines.append(f"{name} {key} i64 {dims} {vals}".rstrip())
        else:
            f = t.float().reshape(-1).tolist()
            vals = " ".join("%08x" % struct.unpack("<I", struct.pack("<f", v))[0] for v in f)
            lines.append(f"{name} {key} f32 {dims} {vals}".rstrip())
    return lines


def main():
    sd = state_dict()
    lines = []
    torch.save(sd, "zip_bare.pth")
    lines += expected_lines("zip_bare.pth", sd)
    torch.save(sd, "legacy_bare.pth", _use_new_zipfile_serialization=False)
    lines += expected_lines("legacy_bare.pth", sd)
    wrapped = {"epoch": 3, "best_acc": 0.5, "state_dict": with_module_prefix(sd)}
    torch.save(wrapped, "legacy_wrapped_module.pth.tar", _use_new_zipfile_serialization=False)
    torch.save(wrapped, "zip_wrapped_module.pth")
    with open("expected.txt", "w") as out:
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
