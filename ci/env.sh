# Sourced by the ci/ scripts: installs what a fresh Debian machine lacks and exports JAVA_HOME
# to a JDK >= 22 (FFM is final from 22; the default java here is 17).
set -euo pipefail
COMPOFA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export COMPOFA_ROOT

install_packages() {
  local missing=()
  command -v cmake >/dev/null || missing+=(cmake)
  command -v ninja >/dev/null || missing+=(ninja-build)
  command -v g++ >/dev/null || missing+=(g++)
  command -v mvn >/dev/null || missing+=(maven)
  dpkg -s libopenblas-dev >/dev/null 2>&1 || missing+=(libopenblas-dev)
  # libjpeg-turbo's TurboJPEG API: the image loader's fast JPEG decoder (optional at run time, tested in CI).
  dpkg -s libturbojpeg0 >/dev/null 2>&1 || missing+=(libturbojpeg0)
  # MPI for communicators (compofa_comm_create_world) and the 2-rank tests (mpirun).
  dpkg -s libopenmpi-dev >/dev/null 2>&1 || missing+=(libopenmpi-dev)
  command -v mpirun >/dev/null || missing+=(openmpi-bin)
  if [ "${COMPOFA_NEED_DATA:-0}" = 1 ]; then
    dpkg -s dataset-fashion-mnist >/dev/null 2>&1 || missing+=(dataset-fashion-mnist)
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    echo "[compofa] installing: ${missing[*]}"
    local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.specification.version = //p'; }

find_jdk() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  candidates+=(/usr/lib/jvm/*)
  for home in "${candidates[@]}"; do
    [ -x "$home/bin/javac" ] || continue
    local major; major="$(java_major "$home")"
    if [ -n "$major" ] && [ "$major" -ge 22 ] 2>/dev/null; then echo "$home"; return 0; fi
  done
  echo "[compofa] no JDK >= 22 found (looked at JAVA_HOME and /usr/lib/jvm/*); install Temurin 25" >&2
  return 1
}

install_packages
JAVA_HOME="$(find_jdk)"
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
echo "[compofa] JAVA_HOME=$JAVA_HOME"
