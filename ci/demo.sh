#!/usr/bin/env bash
# The main job (README's first command): builds everything, then runs `compofa demo` on this
# machine's best backend. Arguments pass through to the CLI (e.g. `bash ci/demo.sh selfcheck --seed 3`).
# The demo trains on Fashion-MNIST: install it too.
export COMPOFA_NEED_DATA=1
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
bash "$COMPOFA_ROOT/ci/build-native.sh"
cd "$COMPOFA_ROOT"
mvn -B -ntp -q -DskipTests package
exec "$COMPOFA_ROOT/ci/compofa.sh" "${@:-demo}"
