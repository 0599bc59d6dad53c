#!/usr/bin/env bash
# Runs the compofa CLI from the built jars (after ci/demo.sh or mvn package) with a JDK >= 22.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -z "${JAVA_HOME:-}" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -qE 'version "(2[2-9]|[3-9][0-9])'; then
  for home in /usr/lib/jvm/*; do
    "$home/bin/java" -version 2>&1 | grep -qE 'version "(2[2-9]|[3-9][0-9])' && JAVA_HOME="$home" && break
  done
fi
# Measured on the 2-core CPU (benchmarks/RESULTS.md): OpenBLAS's own thread pool and our OpenMP
# workers spin against each other (a third of the time in sched_yield), so GEMM runs on the calling
# thread; a training step is then ~1.4x faster. Override freely.
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
CP="$ROOT/java/target/compofa-0.1.0-SNAPSHOT.jar:$ROOT/bindings/target/compofa-bindings-0.1.0-SNAPSHOT.jar:$ROOT/java/target/lib/*"
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$CP" org.compofa.cli.Main "$@"
