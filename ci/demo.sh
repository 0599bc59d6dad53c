#!/usr/bin/env bash
# The main job (README's first command): builds the native library and the CLI, then runs `compofa demo` on this
# machine's best backend. Arguments pass through to the CLI (e.g. `bash ci/demo.sh selfcheck --seed 3`).
# The demo trains on Fashion-MNIST: install it too.
export COMPOFA_NEED_DATA=1
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
bash "$COMPOFA_ROOT/ci/build-native.sh"
cd "$COMPOFA_ROOT"
# Only the library and the CLI: the benchmarks module (JMH, libtorch peer: ~110 MB of jars) is not needed.
mvn -B -ntp -q -DskipTests -pl java -am package
exec "$COMPOFA_ROOT/ci/compofa.sh" "${@:-demo}"
