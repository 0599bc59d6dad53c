#!/usr/bin/env bash
# The one prepared script for a lent GPU machine (H100/H200: nvcc, cmake, PyTorch; no network, no
# Java, maybe no OpenBLAS). In one call it: checks that the Python scripts start
# (ci/device/check_scripts.py; a failure stops everything here, before the build: fix it, see
# ci/check-device-script.sh); prints the machine; builds libcompofa for sm_90 only; checks the ctypes
# binding on the build's CPU and CUDA backends (ci/device/check_binding.py); runs the native tests
# (ctest); runs one-rank NCCL through the communicator ABI (compofa_comm_test cuda); runs the Java tests on the CUDA build when a JRE bundle was carried (.jre/, made by
# ci/make-jre-bundle.sh); compares our CUDA kernels with PyTorch (ci/device/compare_torch.py); times
# the compound training step in PyTorch (eager, torch.compile; ci/device/compound_step_torch.py) and
# ours (`compofa step-bench`, JRE bundle); benchmarks the kernels (compofa_bench --backend cuda);
# prints a summary table LAST. A failing stage is recorded and reported; later stages still run.
# Exit 0 only when no stage failed (a skipped stage is not a failure).
#
# Files written to $OUT (or ./device-out): device-check.log, bench-cuda.csv, torch-compare.csv,
# step-torch.csv, step-ours.csv, step-ours-tf32.csv, step-ours-tf32-cublas.csv (when cuBLAS is
# found), summary.txt. Budget: COMPOFA_DEVICE_BUDGET_S seconds in all (default 470, about 8 minutes
# on an H100); each stage has its own cap too. Typical device call (see .library/device/README.md):
#   run(command="bash ci/device-check.sh", carry=[".jre"], timeout_s=560)
# COMPOFA_DEVICE_PREFLIGHT=warn goes on after a failed start-up check. Sourced (as
# ci/check-device-script.sh does in CI), it defines the stages and the runner and runs nothing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${OUT:-$ROOT/device-out}"
BUILD="${COMPOFA_DEVICE_BUILD:-$ROOT/build-device}"   # inside the repo: a rerun on a warm machine is incremental
# cuBLAS for the optional GEMM library (compofa_context_set_gemm_library): PyTorch's pip install carries one.
if [ -z "${COMPOFA_CUBLAS_LIBRARY:-}" ]; then
  COMPOFA_CUBLAS_LIBRARY="$(python3 -c 'import glob, os, nvidia.cublas as c; print(sorted(glob.glob(os.path.join(list(c.__path__)[0], "lib", "libcublas.so*")))[-1])' 2>/dev/null || true)"
fi
export COMPOFA_CUBLAS_LIBRARY
# NCCL for communicators (compofa_comm_*): PyTorch's pip install carries libnccl.so.2 too.
if [ -z "${COMPOFA_NCCL_LIBRARY:-}" ]; then
  COMPOFA_NCCL_LIBRARY="$(python3 -c 'import glob, os, nvidia.nccl as n; print(sorted(glob.glob(os.path.join(list(n.__path__)[0], "lib", "libnccl.so*")))[-1])' 2>/dev/null || true)"
fi
export COMPOFA_NCCL_LIBRARY
BUDGET="${COMPOFA_DEVICE_BUDGET_S:-470}"
STAGE_LOGS="$(mktemp -d)"
COMMIT="${COMPOFA_COMMIT:-$(git -C "$ROOT" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)}"
if [ "$COMMIT" != unknown ] && [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  COMMIT="$COMMIT-dirty"
fi
export ROOT OUT BUILD COMMIT COMPOFA_COMMIT="$COMMIT" PYTHONUNBUFFERED=1
mkdir -p "$OUT"

# ---- stages: each runs as its own `bash -euo pipefail` under a time limit ---------------------------
stage_env() {
  nvidia-smi -L
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm,clocks.mem --format=csv || true
  ldd --version 2>&1 | head -n 1 || true
  nvcc --version | tail -n 2 || echo "nvcc: not found"
  cmake --version | head -n 1 || echo "cmake: not found"
  python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.get_device_name())' \
    || echo "torch: not importable with CUDA"
  echo "commit $COMMIT; $(nproc) cores"
}

stage_configure() {
  local gen=()
  command -v ninja >/dev/null && gen=(-G Ninja)
  cmake -S "$ROOT" -B "$BUILD" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release -DCOMPOFA_CUDA=ON \
    -DCOMPOFA_CUDA_ARCHS=90-real -DCOMPOFA_BLAS=OFF -DCOMPOFA_COMMIT="$COMMIT"
}

stage_build() {
  cmake --build "$BUILD" -j "$(nproc)"
  ls -l "$BUILD/lib/libcompofa.so"
}

stage_binding() {
  # The ctypes binding (compare_torch's) against this build, on the host and device backends: seconds.
  python3 "$ROOT/ci/device/check_binding.py" "$BUILD/lib/libcompofa.so" --backends "${COMPOFA_BINDING_BACKENDS:-cpu,cuda}"
}

stage_ctest() {
  # enable_testing() lives in native/, so the tests are registered there (zero tests is a failure).
  local dir="$BUILD"
  [ -f "$BUILD/CTestTestfile.cmake" ] || dir="$BUILD/native"
  ctest --test-dir "$dir" --output-on-failure --no-tests=error --timeout 60
}

stage_nccl() {
  # One rank (a lent machine has one GPU): NCCL loaded, all-reduce SUM/AVG and broadcast on the
  # context's stream through compofa_comm_create_local; exit 77 (SKIPPED) without CUDA or NCCL.
  "$BUILD/bin/compofa_comm_test" cuda
}

unpack_bundle() {   # the carried JRE bundle into /tmp/compofa-java (fresh each time); exit 77 without one
  if [ ! -f "$ROOT/.jre/jre.tar.gz" ] || [ ! -f "$ROOT/.jre/tests.tar.gz" ]; then
    echo "SKIPPED: no JRE bundle (.jre/jre.tar.gz and .jre/tests.tar.gz); make it here with"
    echo "  bash ci/make-jre-bundle.sh   and carry [\".jre\"] in the device call"
    exit 77
  fi
  rm -rf /tmp/compofa-java && mkdir -p /tmp/compofa-java
  tar -C /tmp/compofa-java -xzf "$ROOT/.jre/jre.tar.gz"
  tar -C /tmp/compofa-java -xzf "$ROOT/.jre/tests.tar.gz"
}
bundle_java() {   # bundle_java ARGS...: the unpacked bundle's java on its test classpath, loading $BUILD/lib
  local dir=/tmp/compofa-java cp
  cp="$(sed "s|^|$dir/tests/|" "$dir/tests/classpath.txt" | paste -sd:)"
  "$dir/jre/bin/java" --enable-native-access=ALL-UNNAMED -Xss4m -Dcompofa.library.path="$BUILD/lib" -cp "$cp" "$@"
}
stage_java() {
  unpack_bundle
  local dir=/tmp/compofa-java
  "$dir/jre/bin/java" -version
  local cp scan
  cp="$(sed "s|^|$dir/tests/|" "$dir/tests/classpath.txt" | paste -sd:)"
  scan="$(sed "s|^|$dir/tests/|" "$dir/tests/scan.txt" | paste -sd:)"
  # Selection: every test class of the bundle (COMPOFA_JAVA_TEST_ARGS replaces it, e.g.
  # "--include-tag cuda --scan-class-path=<dirs>"); the CUDA build is loaded from $BUILD/lib.
  # shellcheck disable=SC2086
  "$dir/jre/bin/java" --enable-native-access=ALL-UNNAMED -Xss4m -Dcompofa.library.path="$BUILD/lib" \
    -jar "$dir/tests/lib/junit-platform-console-standalone.jar" execute --disable-banner \
    --details=summary --fail-if-no-tests --class-path "$cp" ${COMPOFA_JAVA_TEST_ARGS:---scan-class-path=$scan}
}

stage_torch() {
  python3 "$ROOT/ci/device/compare_torch.py" "$BUILD/lib/libcompofa.so" --csv "$OUT/torch-compare.csv"
}

stage_steptorch() {
  # The compound training step in PyTorch (eager, torch.compile) with the subnets ours draws.
  python3 "$ROOT/ci/device/compound_step_torch.py" --resolutions 128,224 --batches 64,256 --steps 3 --warmup 1 \
    --csv "$OUT/step-torch.csv"
}
stage_step() {
  # Ours: `compofa step-bench` on the CUDA build, from the carried JRE bundle.
  unpack_bundle
  bundle_java org.compofa.cli.Main step-bench --backend cuda --net imagenet --resolutions 128,224 --batches 64,256 \
    --steps 3 --warmup 1 --csv "$OUT/step-ours.csv"
  # The same with tensor cores (TF32 operands, fp32 sums): the peer of PyTorch's default TF32 convolutions.
  bundle_java org.compofa.cli.Main step-bench --backend cuda --net imagenet --resolutions 128,224 --batches 64,256 \
    --steps 3 --warmup 1 --precision tf32 --csv "$OUT/step-ours-tf32.csv"
  # cuBLAS for the plain GEMMs (an alternative path and a peer of ours), when the machine has it.
  if [ -n "${COMPOFA_CUBLAS_LIBRARY:-}" ]; then
    bundle_java org.compofa.cli.Main step-bench --backend cuda --net imagenet --resolutions 224 --batches 256 \
      --steps 3 --warmup 1 --precision tf32 --gemm cublas --csv "$OUT/step-ours-tf32-cublas.csv"
  fi
}
stage_bench() {
  "$BUILD/bin/compofa_bench" --backend cuda --out "$OUT/bench-cuda.csv"
}

# ---- runner ------------------------------------------------------------------------------------------
T0=$SECONDS
NAMES=() STATES=() SECS=()

run_stage() {   # run_stage NAME CAP_SECONDS
  local name=$1 cap=$2 left rc=0 t=$SECONDS state
  left=$((BUDGET - (SECONDS - T0) - 15))   # keep 15 s for the summary
  [ "$cap" -le "$left" ] || cap=$left
  if [ "$cap" -lt 10 ]; then
    echo "==== $name: SKIPPED (budget of ${BUDGET}s spent)"
    NAMES+=("$name") STATES+=("SKIPPED (no time)") SECS+=(0)
    return 0
  fi
  echo "==== $name (limit ${cap}s, $((SECONDS - T0))s elapsed)"
  # The runner itself runs under set +e (see the end): a stage's failure is recorded, not fatal.
  # Every function goes along (declare -f), so a stage may use any helper above.
  timeout -k 10 "$cap" bash -euo pipefail -c "$(declare -f); stage_$name" 2>&1 \
    | tee "$STAGE_LOGS/$name.log"
  rc=${PIPESTATUS[0]}
  case $rc in
    0) state=PASS ;;
    77) state=SKIPPED ;;
    124 | 137) state="TIMEOUT (${cap}s)" ;;
    *) state="FAIL (rc $rc)" ;;
  esac
  NAMES+=("$name") STATES+=("$state") SECS+=($((SECONDS - t)))
  echo "==== $name: $state in $((SECONDS - t))s"
}

note() {   # a one-line note for the summary: the stage's own line, else its log's last line
  local line
  line="$(stage_note "$1" 2>/dev/null || true)"
  [ -n "$line" ] || line="$(grep -v '^\s*$' "$STAGE_LOGS/$1.log" 2>/dev/null | tail -n 1 || true)"
  echo "${line:0:90}"
}

stage_note() {
  case $1 in
    env) grep -m1 '^GPU 0' "$STAGE_LOGS/env.log" ;;
    binding) grep -m1 '^check_binding: .* checks' "$STAGE_LOGS/binding.log" | sed 's/check_binding: //' ;;
    ctest) grep -m1 'tests passed' "$STAGE_LOGS/ctest.log" ;;
    nccl) grep -m1 -E '^(comm_test cuda|SKIPPED)' "$STAGE_LOGS/nccl.log" ;;
    java) grep -q '^SKIPPED' "$STAGE_LOGS/java.log" && { echo "no JRE bundle carried"; return 0; }
      # aborted = assumption failed: a CUDA test that found no device is aborted, never passed
      grep -E '^\[ +[0-9]+ tests (successful|failed|aborted)' "$STAGE_LOGS/java.log" | tr -d '[]' \
        | awk '{printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $3} END {print ""}' ;;
    torch) grep -m1 'checks,' "$STAGE_LOGS/torch.log" | sed 's/compare_torch: //' ;;
    bench) [ -f "$OUT/bench-cuda.csv" ] && python3 - "$OUT/bench-cuda.csv" "$STAGE_LOGS/bench.log" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
copy = [r["gb_s"] for r in rows if r["op"] == "copy_buffer"]
done = [l.split(": ", 1)[1].strip() for l in open(sys.argv[2]) if " rows, " in l]
print("%s; copy_buffer %s GB/s" % (done[0] if done else "%d rows (cut short)" % len(rows), copy[0] if copy else "-"))
EOF
      ;;
  esac
}

summary() {
  echo
  echo "================ compofa device check: summary ================"
  if [ -f "$OUT/torch-compare.csv" ]; then
    python3 - "$OUT/torch-compare.csv" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print("%-14s %-34s %8s %8s %7s %7s" % ("op", "shape", "ours ms", "torch ms", "speedup", "GB/s"))
for r in rows:
    print("%-14s %-34s %8.3f %8.3f %6.2fx %7.0f" % (r["op"], r["shape"][:34], float(r["ours_ms"]),
          float(r["torch_ms"]), float(r["speedup"]), float(r["ours_gb_s"])))
EOF
    echo
  fi
  if [ -f "$OUT/step-ours.csv" ] || [ -f "$OUT/step-torch.csv" ]; then
    python3 "$ROOT/ci/device/step_table.py" "$OUT/step-ours.csv,$OUT/step-ours-tf32.csv" "$OUT/step-torch.csv"
    echo
  fi
  echo "device: $(nvidia-smi -L 2>/dev/null | head -n 1 | cut -c1-70); commit $COMMIT; $((SECONDS - T0))s of ${BUDGET}s"
  printf '%-10s %-18s %6s  %s\n' stage result secs note
  local i
  for i in "${!NAMES[@]}"; do
    printf '%-10s %-18s %6s  %s\n' "${NAMES[$i]}" "${STATES[$i]}" "${SECS[$i]}" "$(note "${NAMES[$i]}" || true)"
  done
}

preflight() {   # the Python scripts start at all (syntax, imports, compofa.h); no library needed
  if python3 "$ROOT/ci/device/check_scripts.py"; then return 0; fi
  echo "!!!! PREFLIGHT FAILED: the device scripts above would fail (check here with bash ci/check-device-script.sh)"
  if [ "${COMPOFA_DEVICE_PREFLIGHT:-}" = warn ]; then
    echo "!!!! COMPOFA_DEVICE_PREFLIGHT=warn: going on"
    return 0
  fi
  echo "!!!! stopping before the build, so the machine's time is not spent; COMPOFA_DEVICE_PREFLIGHT=warn goes on"
  return 1
}

main() {
  if ! preflight; then
    echo "preflight FAILED (ci/device/check_scripts.py): nothing built or run; see device-check.log" >"$OUT/summary.txt"
    return 1
  fi
  run_stage env 30
  run_stage configure 90
  run_stage build 240
  local built=1
  [ -f "$BUILD/lib/libcompofa.so" ] || built=0
  if [ $built = 1 ]; then
    run_stage binding 30
    run_stage ctest 60
    run_stage nccl 30
    run_stage java 90
    run_stage torch 150
    run_stage steptorch 210
    run_stage step 180
    run_stage bench 150
  else
    echo "==== no libcompofa.so: the test and benchmark stages are skipped"
    local st
    for st in binding ctest nccl java torch steptorch step bench; do
      NAMES+=("$st") STATES+=("SKIPPED (no build)") SECS+=(0)
    done
  fi
  summary | tee "$OUT/summary.txt"
  local s
  for s in "${STATES[@]}"; do
    case $s in PASS | SKIPPED*) ;; *) return 1 ;; esac
  done
}

# Sourced: the functions above only (ci/check-device-script.sh runs stages and the summary on the CPU).
if [ "${BASH_SOURCE[0]}" != "$0" ]; then return 0; fi

set +e
main 2>&1 | tee "$OUT/device-check.log"
rc=${PIPESTATUS[0]}
rm -rf "$STAGE_LOGS"
exit "$rc"
