#!/usr/bin/env python3
"""Start-up check of the device scripts (ci/device/*.py), with no library and no GPU: seconds.

usage: check_scripts.py [--require-torch] [--fixtures DIR]

Byte-compiles every script; reads compofa.h through the ctypes binding (compofa_ctypes.py), which
fails when the header holds something it cannot follow; imports every module each script imports
and checks that every name a script imports from a sibling module (e.g. `from compofa_ctypes import
TRANSFORM_OFA`) exists. PyTorch may be missing (CI has none; the torch stages then fail on their own)
unless --require-torch. --fixtures DIR: also checks that the sample CSVs there (torch-compare.csv,
step-torch.csv) have the header that compare_torch.py / compound_step_torch.py write. Run by ci/device-check.sh before it builds anything and by
ci/check-device-script.sh on every commit. Exit status: 0 all passed, 1 otherwise.
"""
import argparse
import ast
import csv
import glob
import importlib
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OPTIONAL = {"torch"}   # third-party modules a machine may lack
# sample CSV -> (the script writing it, the variable its header is the first element of)
FIXTURES = {"torch-compare.csv": ("compare_torch.py", "lines"), "step-torch.csv": ("compound_step_torch.py", "rows")}


def written_header(script, variable):
    """The header a script writes: the first element of its first `variable = [...]` (a str or a list)."""
    with open(os.path.join(HERE, script)) as f:
        tree = ast.parse(f.read(), script)
    for node in ast.walk(tree):
        if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id == variable and isinstance(node.value, ast.List) and node.value.elts):
            first = ast.literal_eval(node.value.elts[0])
            return first.split(",") if isinstance(first, str) else list(first)
    return None


def check_fixtures(directory):
    problems = []
    for name, (script, variable) in FIXTURES.items():
        expected = written_header(script, variable)
        with open(os.path.join(directory, name)) as f:
            header = next(csv.reader(f))
        if expected is None:
            problems.append("%s: no '%s = [header, ...]' found (update check_scripts.FIXTURES)" % (script, variable))
        elif header != expected:
            problems.append("%s: header %s, but %s writes %s" % (name, header, script, expected))
    return problems


def check(require_torch, fixtures):
    sys.path.insert(0, HERE)
    problems, notes = check_fixtures(fixtures) if fixtures else [], set()
    scripts = sorted(glob.glob(os.path.join(HERE, "*.py")))
    for path in scripts:
        name = os.path.basename(path)
        with open(path) as f:
            source = f.read()
        try:
            compile(source, path, "exec")   # byte-compiles without writing a .pyc
        except SyntaxError as e:
            problems.append("%s line %s: %s" % (name, e.lineno, e.msg))
            continue
        tree = ast.parse(source, name)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                wanted = [(alias.name, None) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                wanted = [(node.module, [alias.name for alias in node.names])]
            else:
                continue
            for module, names in wanted:
                top = module.split(".")[0]
                try:
                    loaded = importlib.import_module(module)
                except ImportError as e:
                    if top in OPTIONAL and not require_torch:
                        notes.add("%s not installed: %s's imports of it not checked" % (top, name))
                    else:
                        problems.append("%s line %d: import %s: %s" % (name, node.lineno, module, e))
                    continue
                except Exception as e:   # e.g. compofa_ctypes reading a header it cannot follow
                    problems.append("%s line %d: import %s: %s: %s" % (name, node.lineno, module,
                                                                       type(e).__name__, e))
                    continue
                for attr in names or []:
                    if attr != "*" and not hasattr(loaded, attr):
                        problems.append("%s line %d: %s has no '%s'" % (name, node.lineno, module, attr))
    for note in sorted(notes):
        print("check_scripts: note: " + note)
    for problem in problems:
        print("check_scripts: FAIL: " + problem)
    print("check_scripts: %d scripts, %d problems" % (len(scripts), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--require-torch", action="store_true", help="a missing torch is a failure")
    ap.add_argument("--fixtures", help="directory of the sample CSVs to check")
    args = ap.parse_args()
    sys.exit(check(args.require_torch, args.fixtures))
