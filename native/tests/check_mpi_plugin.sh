#!/usr/bin/env bash
# MPI is a plugin: libcompofa.so must not need libmpi (it loads on machines without Open MPI), and
# with the plugin hidden it must say why MPI is unavailable while a local communicator still works.
#   check_mpi_plugin.sh LIB_DIR PROBE WITH_MPI(ON|OFF)
set -euo pipefail
lib_dir=$1 probe=$2 with_mpi=$3
needed=$(readelf -d "$lib_dir/libcompofa.so" | grep NEEDED)
echo "$needed"
if grep -qi 'libmpi\|libopen-pal\|libopen-rte' <<<"$needed"; then
    echo "FAIL: libcompofa.so needs MPI" >&2
    exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$lib_dir"/libcompofa.so "$tmp"/   # a copy of the lib dir without the plugin
echo "-- plugin hidden, COMPOFA_MPI_PLUGIN pointing nowhere"
COMPOFA_MPI_PLUGIN="$tmp/nowhere/libcompofa_mpi.so" "$probe" "$tmp/libcompofa.so" absent "no file $tmp/nowhere"
echo "-- COMPOFA_MPI_PLUGIN naming a file that is not a library (the loader's error is passed on)"
echo "not a library" > "$tmp/fake_mpi_plugin.so"
COMPOFA_MPI_PLUGIN="$tmp/fake_mpi_plugin.so" "$probe" "$tmp/libcompofa.so" absent "cannot load $tmp/fake_mpi_plugin.so"
if [[ $with_mpi == ON ]]; then
    readelf -d "$lib_dir/libcompofa_mpi.so" | grep -q 'NEEDED.*libmpi' || { echo "FAIL: the plugin does not link libmpi" >&2; exit 1; }
    echo "-- plugin next to libcompofa.so"
    COMPOFA_MPI_PLUGIN= "$probe" "$lib_dir/libcompofa.so" present
    echo "-- plugin found through COMPOFA_MPI_PLUGIN (a directory)"
    COMPOFA_MPI_PLUGIN="$lib_dir" "$probe" "$tmp/libcompofa.so" present
fi
