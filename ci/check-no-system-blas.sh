#!/usr/bin/env bash
# Proves that the built jars run on a machine without a system OpenBLAS (issue #17): in a private mount
# namespace, every system copy of libopenblas/libblas/liblapack, libgfortran, libquadmath and libgomp
# (libcompofa needs no OpenMP runtime either) is hidden (an empty file bound over it, tmpfs over OpenBLAS's folders); a control library that needs
# libopenblas.so.0 must then fail to resolve, and ci/NoSystemBlasCheck.java (a GEMM through the CPU
# backend, then /proc/self/maps) must pass with the library extracted from the bindings jar into a
# fresh folder. Needs root and unshare (CI has both); without them it prints SKIPPED and exits 0.
# Run after `mvn package` / `mvn verify` (ci/test.sh runs it).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
ROOT="$COMPOFA_ROOT"
JARS="$ROOT/java/target/compofa-0.1.0-SNAPSHOT.jar:$ROOT/bindings/target/compofa-bindings-0.1.0-SNAPSHOT.jar:$ROOT/java/target/lib/*"
for jar in "$ROOT/java/target/compofa-0.1.0-SNAPSHOT.jar" "$ROOT/bindings/target/compofa-bindings-0.1.0-SNAPSHOT.jar"; do
  [ -f "$jar" ] || { echo "[no-system-blas] FAILED: $jar missing (run mvn package first)"; exit 1; }
done
if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null || ! unshare -m --propagation private true 2>/dev/null; then
  echo "[no-system-blas] SKIPPED: needs root and a working 'unshare -m' (user $(id -un), unshare: $(command -v unshare || echo none))"
  exit 0
fi
echo "[no-system-blas] bindings jar: $(stat -c %s "$ROOT/bindings/target/compofa-bindings-0.1.0-SNAPSHOT.jar") bytes;" \
  "packaged: $("$JAVA_HOME/bin/jar" tvf "$ROOT/bindings/target/compofa-bindings-0.1.0-SNAPSHOT.jar" | awk '/native\/.*\.so/{printf "%s (%s B) ", $NF, $1}')"

WORK="$(mktemp -d /tmp/compofa-no-blas.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
# The control: a library that links the system OpenBLAS, as libcompofa did before #17.
cc -shared -fPIC -x c /dev/null -o "$WORK/libneeds_openblas.so" -Wl,--no-as-needed \
   -L/usr/lib/x86_64-linux-gnu/openblas-pthread -lopenblas
mkdir -p "$WORK/tmp"

# Every system file to hide, by its real path (symlinks and /lib -> /usr/lib resolve to one file).
HIDE="$(for d in /usr/lib/x86_64-linux-gnu /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu/openblas-pthread \
              /usr/lib/x86_64-linux-gnu/blas /usr/lib/x86_64-linux-gnu/lapack /usr/lib64 /usr/local/lib; do
          [ -d "$d" ] && find -L "$d" -maxdepth 1 \( -name 'libopenblas*.so*' -o -name 'libblas.so*' \
            -o -name 'liblapack.so*' -o -name 'libgfortran.so*' -o -name 'libquadmath.so*' -o -name 'libgomp.so*' \) \
            -exec realpath {} \; 2>/dev/null
        done | sort -u)"
FOLDERS="$(ls -d /usr/lib/x86_64-linux-gnu/openblas* /usr/lib/x86_64-linux-gnu/blas /usr/lib/x86_64-linux-gnu/lapack 2>/dev/null || true)"

export WORK JARS HIDE FOLDERS ROOT JAVA_HOME
unshare -m --propagation private bash -euo pipefail -c '
  for f in $HIDE; do mount --bind /dev/null "$f"; done
  for d in $FOLDERS; do mount -t tmpfs none "$d"; done
  echo "[no-system-blas] hidden: $(echo $HIDE | wc -w) files, folders: $(echo $FOLDERS)"
  control="$(ldd "$WORK/libneeds_openblas.so" 2>&1 || true)"   # not piped into grep -q: SIGPIPE + pipefail
  if grep -q "libopenblas.so.0 => not found" <<<"$control"; then
    echo "[no-system-blas] control: a library linking libopenblas.so.0 no longer resolves it (hiding works)"
  else
    echo "[no-system-blas] FAILED: the control still finds a system OpenBLAS:"; ldd "$WORK/libneeds_openblas.so"; exit 1
  fi
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Djava.io.tmpdir="$WORK/tmp" -cp "$JARS" \
    "$ROOT/ci/NoSystemBlasCheck.java" 2>&1 | grep -v "^WARNING\|org.compofa.bindings.NativeLibrary\|^INFO: compofa" | sed "s/^/[no-system-blas] /"
  echo "[no-system-blas] the README inference example (java/src/test/.../examples/InferenceExample.java):"
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Djava.io.tmpdir="$WORK/tmp" \
    -cp "$JARS:$ROOT/java/target/test-classes" "$ROOT/ci/ReadmeExampleCheck.java" "$WORK" 2>&1 \
    | grep -v "^WARNING\|org.compofa\.\|^INFO: " | sed "s/^/[no-system-blas]   /" | tee "$WORK/example.out"
  grep -q "%\$" "$WORK/example.out" || { echo "[no-system-blas] FAILED: the example printed no prediction"; exit 1; }
  echo "[no-system-blas] ldd of the extracted library:"
  ldd "$WORK"/tmp/compofa-native-*/libcompofa.so | sed "s/^/[no-system-blas]   /"
'
