#!/bin/sh
# setup.sh — installs gcbench's build and test dependencies from Debian 12's packages, Node.js
# and the pinned Pyodide packages the pyodide runtime's tests use (setup_pyodide.sh), then
# configures and builds into build/. Safe to run again. Uses sudo when not root.
set -eu
cd "$(dirname "$0")"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
# clang and its runtimes (libFuzzer): the fuzz targets' build (tests/fuzz, .ci/run);
# GNU parallel, SLURM and munge: the engines the sweep tests run plans with (tests/sweep)
PACKAGES="gcc meson ninja-build pkg-config python3 libhwloc-dev libcsv-dev libcmocka-dev
libpython3.11-dev libjansson-dev python3-jsonschema gnuplot-nox valgrind git
clang libclang-rt-14-dev parallel slurm-wlm munge"
missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "setup.sh: installing:$missing"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
fi
./setup_pyodide.sh
if [ -f build/build.ninja ]; then
    meson setup --reconfigure build >/dev/null
else
    meson setup build
fi
meson compile -C build
