"""pyodide_env.py — where the tests find Node.js and the pinned Pyodide packages that
setup_pyodide.sh installs, shared by tests/e2e and tests/fidelity. In CI (CI=true) a missing
one is a failure; elsewhere a skip that says how to get it."""
import os
import shutil

# (npm version, the CPython it holds), as setup_pyodide.sh pins them.
PYODIDE_PACKAGES = [("0.27.7", "3.12.7"), ("0.29.3", "3.13.2"), ("314.0.8", "3.14.2"),
                    ("315.0.0-alpha.2", "3.15.0")]


from testmain import Skip  # noqa: F401 (the tests import it from here too)


def pyodide_cache():
    return os.environ.get("GCBENCH_PYODIDE_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "gcbench", "pyodide")


def pyodide_package(version, required=True):
    """The unpacked package setup_pyodide.sh installs for version. Missing: a failure in CI
    (CI=true), else a skip saying how to get it (or None when not required)."""
    path = os.path.join(pyodide_cache(), version, "package")
    if os.path.isfile(os.path.join(path, "pyodide.asm.wasm")):
        return path
    if not required:
        return None
    why = (f"no Pyodide package {version} in {pyodide_cache()}: run ./setup_pyodide.sh "
           f"(npm pack pyodide@{version})")
    if os.environ.get("CI") == "true":
        raise AssertionError(why)
    raise Skip(why)


def need_node():
    if not (os.environ.get("GCBENCH_NODE") or shutil.which("node")):
        if os.environ.get("CI") == "true":
            raise AssertionError("Node.js is missing: run ./setup.sh")
        raise Skip("Node.js (node) is not installed: run ./setup.sh")
