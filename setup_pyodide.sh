#!/bin/sh
# setup_pyodide.sh — installs what the Pyodide runtimes need (bench run --pyodide DIR): Node.js
# and npm from Debian's packages when `node` or `npm` is missing, then the four pinned Pyodide
# packages (real CPython 3.12–3.15 builds for WebAssembly) from the npm registry, each unpacked
# into the cache folder ${GCBENCH_PYODIDE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gcbench/pyodide}
# as <version>/package (what `npm pack pyodide@V && tar xzf …` makes). A package already there
# is kept. Nothing goes into the repository. Called by setup.sh; safe to run again.
set -eu
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
# CPython 3.12.7, 3.13.2, 3.14.2 (the incremental collector), 3.15.0rc1
PYODIDE_VERSIONS="0.27.7 0.29.3 314.0.8 315.0.0-alpha.2"
CACHE="${GCBENCH_PYODIDE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gcbench/pyodide}"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "setup_pyodide.sh: installing Node.js and npm (Debian's nodejs, npm)"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends nodejs npm
fi

# A complete package: the files bench looks for, and package.json of that version.
complete() {
    [ -f "$1/package/pyodide.js" ] && [ -f "$1/package/pyodide.asm.wasm" ] &&
        [ -f "$1/package/python_stdlib.zip" ] &&
        grep -q "\"version\": *\"$2\"" "$1/package/package.json" 2>/dev/null
}

mkdir -p "$CACHE"
for v in $PYODIDE_VERSIONS; do
    dest="$CACHE/$v"
    complete "$dest" "$v" && continue
    echo "setup_pyodide.sh: fetching pyodide@$v into $dest"
    tmp=$(mktemp -d "$CACHE/.fetch-$v.XXXXXX")
    if (cd "$tmp" && npm pack --silent "pyodide@$v" >/dev/null && tar xzf "pyodide-$v.tgz"); then
        rm -rf "$dest"
        mkdir -p "$dest"
        mv "$tmp/package" "$dest/package"
        rm -rf "$tmp"
    else
        rm -rf "$tmp"
        echo "setup_pyodide.sh: cannot fetch pyodide@$v (npm pack failed)" >&2
        exit 1
    fi
done
