#!/usr/bin/env bash
# Builds and runs compofa's JMH benchmarks (CPU backend), then writes
#   benchmarks/results/jmh-<UTC date>.json   JMH's JSON result
#   benchmarks/results/jmh-<UTC date>.md     machine, command and the Markdown tables of jmh_report.py
#
# Usage: benchmarks/run-jmh.sh [REGEX [JMH options...]]
#   benchmarks/run-jmh.sh                                   everything (~15 min on 2 cores, libtorch peer included)
#   benchmarks/run-jmh.sh 'Depthwise.*forward' -p batch=64  a subset; JMH options pass through
# Environment: JAVA_HOME (a JDK >= 22; else the first one under /usr/lib/jvm), COMPOFA_LIBRARY_PATH
# (a directory with another libcompofa.so to measure instead of the packaged one), SKIP_BUILD=1.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.specification.version = //p'; }
find_jdk() {
  local home major
  for home in ${JAVA_HOME:-} /usr/lib/jvm/*; do
    [ -x "$home/bin/javac" ] || continue
    major="$(java_major "$home")"
    if [ -n "$major" ] && [ "$major" -ge 22 ] 2>/dev/null; then echo "$home"; return 0; fi
  done
  echo "run-jmh: no JDK >= 22 found (JAVA_HOME, /usr/lib/jvm/*)" >&2
  return 1
}
JAVA_HOME="$(find_jdk)"
export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  # The bindings jar packages build/lib/libcompofa.so: bring it up to date first.
  if [ ! -f build/CMakeCache.txt ]; then
    cmake -S . -B build -G Ninja -DCOMPOFA_CUDA=OFF >/dev/null
  fi
  cmake --build build >/dev/null
  mvn -B -ntp -q -pl benchmarks -am package -DskipTests
fi
JAR=benchmarks/target/compofa-benchmarks.jar

FILTER=()
if [ $# -gt 0 ]; then FILTER=("$1"); shift; fi
JVM_FLAGS=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)
if [ -n "${COMPOFA_LIBRARY_PATH:-}" ]; then
  JVM_FLAGS+=("-Dcompofa.library.path=$COMPOFA_LIBRARY_PATH")  # forks inherit the host JVM's flags
fi

# On a shared machine, start when nothing else runs: at most one runnable task (this check) for
# three samples in a row, waiting at most 120 s. CALM_WAIT=0 skips the wait.
wait_calm() {
  local calm=0 i l1 l5 l15 tasks
  for i in $(seq 240); do
    read -r l1 l5 l15 tasks _ </proc/loadavg  # a builtin: the check itself is the one runnable task
    if [ "${tasks%%/*}" -le 1 ]; then calm=$((calm + 1)); else calm=0; fi
    [ "$calm" -ge 3 ] && return 0
    sleep 0.5
  done
  echo "run-jmh: the machine stayed busy for 120 s; running anyway" >&2
}
[ "${CALM_WAIT:-1}" = 0 ] || wait_calm
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
START="$(date -u '+%Y-%m-%d %H:%M UTC')"
# The source state the jar was just built from.
SOURCE="$(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- native bindings java 2>/dev/null \
  || echo " + uncommitted changes: $(git diff --name-only HEAD -- native bindings java | tr '\n' ' ')")"

STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p benchmarks/results
JSON="benchmarks/results/jmh-$STAMP.json"
MD="benchmarks/results/jmh-$STAMP.md"
CMD=("$JAVA" "${JVM_FLAGS[@]}" -jar "$JAR" "${FILTER[@]}" -rf json -rff "$JSON" "$@")
echo "run-jmh: ${CMD[*]}"
"${CMD[@]}"

{
  echo "## JMH run $START"
  echo
  echo "- machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores ($(lscpu | sed -n 's/^Flags:.*\(avx512f\).*/\1/p' | head -1)), $(free -g | awk '/^Mem:/{print $2}') GiB"
  echo "- compofa: $SOURCE"
  echo "- CPU backend: $("$JAVA" --enable-native-access=ALL-UNNAMED -cp "$JAR" org.compofa.cli.Main info 2>/dev/null | sed -n 's/^ *CPU *available *//p')"
  echo "- JDK: $("$JAVA" -version 2>&1 | head -1); JMH 1.37"
  echo "- command: \`$(printf '%q ' benchmarks/run-jmh.sh "${FILTER[@]}" "$@" | sed 's/ $//')\`"
  echo "- load average (1/5/15 min) before: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  python3 benchmarks/src/scripts/jmh_report.py "$JSON"
} | tee "$MD"
echo "run-jmh: wrote $JSON and $MD"
