#!/usr/bin/env bash
# The one test command (README): install what is missing, build native (CPU + CUDA compile) and Java,
# run the native tests and every JUnit test. CUDA tests report SKIPPED without a device.
# The training tests read Fashion-MNIST: install it too.
export COMPOFA_NEED_DATA=1
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
bash "$COMPOFA_ROOT/ci/build-native.sh"
(cd "$COMPOFA_ROOT/build" && ctest --output-on-failure)
cd "$COMPOFA_ROOT"
mvn -B -ntp verify
# The jars on a machine without system OpenBLAS/libgfortran/libgomp (a mount namespace hides them).
bash "$COMPOFA_ROOT/ci/check-no-system-blas.sh"
bash "$COMPOFA_ROOT/ci/check-device-script.sh"
