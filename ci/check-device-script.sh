#!/usr/bin/env bash
# CI check of the device script (ci/device-check.sh) on a machine without a GPU: every part of it that
# can run on the CPU runs here, so a drift is caught on the commit that makes it, not on a lent GPU.
#   syntax   bash -n on every ci/*.sh (and shellcheck where installed)
#   scripts  ci/device/check_scripts.py: the Python scripts compile, their imports resolve (PyTorch
#            may be missing), compofa.h reads, the sample CSVs have the headers the scripts write
#   binding  device-check.sh's binding stage (ci/device/check_binding.py) on build/lib on the CPU and
#            REFERENCE backends: ABI version, symbols, status names, dwconv + GEMM vs naive Python
#   torch    compare_torch.py --cpu --quick, only where PyTorch is importable: CI has none, and
#            Debian's python3-torch took 5.4 minutes to install here (check_scripts covers the rest)
#   bundle   ci/make-jre-bundle.sh, then through device-check.sh's own runner and helpers: its java
#            stage on the CPU build (the library loader and a CUDA-tagged class; CUDA cases skip), a
#            tiny CPU step-bench through the bundle's launcher, compofa_bench on the CPU (one op)
#   summary  device-check.sh's summary on those real outputs plus the torch stages' samples
#            (ci/device/fixtures/), checked for the lines it must print
# Needs build/ (ci/build-native.sh) and Maven's offline repository (ci/test.sh runs it after mvn verify).
# usage: bash ci/check-device-script.sh [--no-bundle]   (--no-bundle: skip the JRE bundle and its stages)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUNDLE=1
[ "${1:-}" = --no-bundle ] && BUNDLE=0
LIB="$ROOT/build/lib/libcompofa.so"
[ -f "$LIB" ] || { echo "check-device-script: no $LIB (run ci/build-native.sh first)" >&2; exit 1; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
FAILED=() TIMES=()
T0=$SECONDS

part() {   # part NAME COMMAND...: runs one part, records its time and failure
  local name=$1 t=$SECONDS
  shift
  echo "---- check-device-script: $name"
  if "$@"; then
    TIMES+=("$name $((SECONDS - t))s")
  else
    TIMES+=("$name $((SECONDS - t))s FAILED")
    FAILED+=("$name")
  fi
}

syntax() {
  local f ok=0
  for f in "$ROOT"/ci/*.sh; do
    bash -n "$f" || { echo "bash -n $f: FAILED"; ok=1; }
  done
  if command -v shellcheck >/dev/null; then
    # env.sh is sourced (bash) and sets -e for every script, so an unchecked cd (SC2164) cannot go on.
    shellcheck -S warning --shell=bash -e SC2164 "$ROOT"/ci/*.sh || ok=1
  else
    echo "shellcheck not installed: bash -n only"
  fi
  return "$ok"
}

torch_cpu() {
  if ! python3 -c 'import torch' 2>/dev/null; then
    echo "no PyTorch here: compare_torch.py byte-compiled and its other imports checked (scripts)"
    return 0
  fi
  timeout 300 python3 "$ROOT/ci/device/compare_torch.py" "$LIB" --cpu --quick
}

# device-check.sh's stages and runner, on this machine: the CPU build, outputs in $WORK/out.
# No overall budget here (the device's 470 s would cut stages short on a slow CI machine).
export OUT="$WORK/out" COMPOFA_DEVICE_BUILD="$ROOT/build" COMPOFA_BINDING_BACKENDS=cpu,reference \
  COMPOFA_DEVICE_BUDGET_S=100000
# Not followed by shellcheck: the file's final exit would hide everything below from it.
# shellcheck source=/dev/null
source "$ROOT/ci/device-check.sh"
set +e   # the runner's way: a failed stage is recorded in STATES, not fatal

# CPU variants of the device's GPU stages, with the same helpers (bundle_java) and names (notes).
stage_step() {
  unpack_bundle
  bundle_java org.compofa.cli.Main step-bench --backend cpu --net fashion --resolutions 16 --batches 2 \
    --steps 1 --warmup 0 --csv "$OUT/step-ours.csv"
}
stage_bench() {
  "$BUILD/bin/compofa_bench" --backend cpu --quick --ops copy_buffer --out "$OUT/bench-cuda.csv"
}

device_stages() {
  run_stage binding 120
  if [ "$BUNDLE" = 1 ]; then
    local t=$SECONDS
    echo "==== make-jre-bundle"
    if ! bash "$ROOT/ci/make-jre-bundle.sh"; then
      NAMES+=(bundle) STATES+=("FAIL (make-jre-bundle)") SECS+=($((SECONDS - t)))
    fi
    COMPOFA_JAVA_TEST_ARGS="--select-class org.compofa.bindings.NativeLibraryLoaderTest"
    COMPOFA_JAVA_TEST_ARGS+=" --select-class org.compofa.runtime.DeviceTimerTest"
    export COMPOFA_JAVA_TEST_ARGS
    run_stage java 150
    run_stage step 120
  fi
  [ -x "$BUILD/bin/compofa_bench" ] && run_stage bench 60
  local i ok=0
  for i in "${!NAMES[@]}"; do
    case ${STATES[$i]} in PASS) ;; *) echo "stage ${NAMES[$i]}: ${STATES[$i]}"; ok=1 ;; esac
  done
  return "$ok"
}

summary_check() {   # the device summary on the stages' real outputs plus the torch samples
  cp "$ROOT/ci/device/fixtures/torch-compare.csv" "$ROOT/ci/device/fixtures/step-torch.csv" "$OUT/"
  cp "$ROOT/ci/device/fixtures/torch.log" "$STAGE_LOGS/torch.log"
  NAMES+=(torch) STATES+=("PASS (sample)") SECS+=(0)
  summary >"$WORK/summary.txt" 2>&1
  local rc=$? ok=0 want
  cat "$WORK/summary.txt"
  [ "$rc" = 0 ] || { echo "summary: exit $rc"; ok=1; }
  # The torch table row, the step table with ours and a torch row, each stage's note.
  local wants=('^dwconv_bwd +n64_7x7_c960/960_k5/7_s1_none +0\.081 +0\.305 +3\.75x +1103$'
    '^binding +PASS .*[0-9]+ checks, 0 failed' '^torch +PASS \(sample\) .*142 checks, 0 failed')
  if [ "$BUNDLE" = 1 ]; then
    wants+=('^fp32 r16 +b2 +ours +[0-9.]+ \([0-9]+ \+ [0-9]+\) \| eager 66\.4 [0-9.]+x 412'
      '^fp32 r128 +b64 +ours +- \| eager 540\.5 - 5210 \| compile - - FAILED RuntimeError'
      '^java +PASS .*[1-9][0-9]* successful, 0 failed')
  fi
  [ -x "$BUILD/bin/compofa_bench" ] && wants+=('^bench +PASS .*rows.*; copy_buffer [0-9.]+ GB/s')
  for want in "${wants[@]}"; do
    grep -Eq "$want" "$WORK/summary.txt" || { echo "summary: no line matching /$want/"; ok=1; }
  done
  return "$ok"
}

part syntax syntax
part scripts python3 "$ROOT/ci/device/check_scripts.py" --fixtures "$ROOT/ci/device/fixtures"
part torch torch_cpu
part device-stages device_stages
part summary summary_check
rm -rf "$STAGE_LOGS"

echo "---- check-device-script: $((SECONDS - T0))s in all: ${TIMES[*]/%/;}"
if [ ${#FAILED[@]} -gt 0 ]; then
  echo "check-device-script: FAILED: ${FAILED[*]}" >&2
  exit 1
fi
echo "check-device-script: every part passed"
