#!/usr/bin/env bash
# Configures and builds libcompofa.so (CPU backend always; CUDA whenever nvcc is found) into build/.
# Extra CMake arguments pass through, e.g. ci/build-native.sh -DCOMPOFA_CUDA_ARCHS=90-real
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cmake -S "$COMPOFA_ROOT" -B "$COMPOFA_ROOT/build" -G Ninja "$@"
cmake --build "$COMPOFA_ROOT/build"
