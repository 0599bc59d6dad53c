#!/usr/bin/env bash
# Makes .jre/ for ci/device-check.sh, which runs the Java tests on the GPU machine (it has no Java):
#   .jre/jre.tar.gz    a minimal JRE (Temurin 25's jlink: java.base, logging, xml, management,
#                      jdk.unsupported; stripped), unpacked there as jre/
#   .jre/tests.tar.gz  tests/lib/junit-platform-console-standalone.jar, tests/lib/*.jar (the test
#                      classpath's other jars), tests/classes/<module>-{main,test}/ and
#                      tests/classpath.txt + tests/scan.txt (entries relative to tests/)
# Compiles the Java test classes first (mvn test-compile; needs build/lib/libcompofa.so, see
# ci/build-native.sh). Fails when the bundle is over 64 MiB (what one device call can carry).
# Then: run(command="bash ci/device-check.sh", carry=[".jre"]).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/.jre"
JUNIT_VERSION=1.14.1
LIMIT=$((64 << 20))

find_jlink() {   # a JDK >= 22 with jlink: JAVA_HOME if it qualifies, else Temurin 25
  local home
  for home in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    [ -n "$home" ] && [ -x "$home/bin/jlink" ] || continue
    local major
    major="$("$home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.specification.version = //p')"
    if [ -n "$major" ] && [ "$major" -ge 22 ] 2>/dev/null; then echo "$home"; return 0; fi
  done
  echo "make-jre-bundle: no JDK >= 22 with jlink (looked at JAVA_HOME and /usr/lib/jvm/*)" >&2
  return 1
}

JDK="$(find_jlink)"
export JAVA_HOME="$JDK" PATH="$JDK/bin:$PATH"
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"   # quiets Maven's Unsafe warnings on JDK 25
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$DEST" "$WORK/tests/lib" "$WORK/tests/classes"

echo "[jre] jlink from $JDK"
"$JDK/bin/jlink" --add-modules java.base,java.logging,java.xml,java.management,jdk.unsupported \
  --strip-debug --no-header-files --no-man-pages --output "$WORK/jre"
tar -C "$WORK" -czf "$DEST/jre.tar.gz" jre

MODULES=()
for module in bindings java; do
  if [ -f "$ROOT/$module/pom.xml" ]; then MODULES+=("$module"); fi
done
[ ${#MODULES[@]} -gt 0 ] || { echo "make-jre-bundle: no bindings/ or java/ module" >&2; exit 1; }
echo "[tests] mvn test-compile (${MODULES[*]}) + the test classpath's jars (our modules, JUnit and ONNX Runtime -- 72 MB, CPU only, unused by the CUDA tests -- excluded)"
(cd "$ROOT" && mvn -B -q -ntp -pl "$(IFS=,; echo "${MODULES[*]}")" -am test-compile dependency:copy-dependencies \
  -DincludeScope=test \
  -DexcludeGroupIds=org.compofa,org.junit.jupiter,org.junit.platform,org.opentest4j,org.apiguardian,com.microsoft.onnxruntime \
  -DoutputDirectory="$WORK/tests/lib")

CONSOLE="junit-platform-console-standalone-$JUNIT_VERSION.jar"
M2_JAR="$HOME/.m2/repository/org/junit/platform/junit-platform-console-standalone/$JUNIT_VERSION/$CONSOLE"
if [ ! -f "$M2_JAR" ]; then
  (cd "$ROOT" && mvn -B -q -ntp -N dependency:copy \
    -Dartifact="org.junit.platform:junit-platform-console-standalone:$JUNIT_VERSION" -DoutputDirectory="$WORK")
  M2_JAR="$WORK/$CONSOLE"
fi
cp "$M2_JAR" "$WORK/tests/lib/junit-platform-console-standalone.jar"

: >"$WORK/tests/classpath.txt"
: >"$WORK/tests/scan.txt"
for module in "${MODULES[@]}"; do
  for kind in main test; do
    src="$ROOT/$module/target/classes"
    [ $kind = test ] && src="$ROOT/$module/target/test-classes"
    [ -d "$src" ] || continue
    cp -r "$src" "$WORK/tests/classes/$module-$kind"
    echo "classes/$module-$kind" >>"$WORK/tests/classpath.txt"
    [ $kind = main ] || echo "classes/$module-$kind" >>"$WORK/tests/scan.txt"
  done
done
# The packaged libcompofa.so (CPU build from here) is not needed there: the tests load the CUDA build
# through -Dcompofa.library.path.
find "$WORK/tests/classes" -name 'libcompofa.so' -delete
(cd "$WORK/tests" && find lib -name '*.jar' ! -name 'junit-platform-console-standalone.jar' | sort >>classpath.txt)
[ -s "$WORK/tests/scan.txt" ] || echo "make-jre-bundle: warning: no test classes under bindings/ or java/target" >&2
tar -C "$WORK" -czf "$DEST/tests.tar.gz" tests

total=$(cat "$DEST/jre.tar.gz" "$DEST/tests.tar.gz" | wc -c)
du -h "$DEST/jre.tar.gz" "$DEST/tests.tar.gz"
echo "[bundle] .jre/ holds $((total / 1024 / 1024)) MiB ($total bytes) of the 64 MiB a device call carries"
if [ "$total" -gt "$LIMIT" ]; then
  echo "make-jre-bundle: over 64 MiB; the largest jars:" >&2
  ls -S "$WORK/tests/lib" | head -n 5 >&2
  exit 1
fi
