#!/usr/bin/env python3
"""run_diff.py DIFF_CASES CASE — one differential test: the case run by CPython (cases.py, in
this same interpreter, which must be CPython 3.11) and by the gcbench runtime (the
DIFF_CASES binary) must print the same line. Exit 0 same, 1 different, 77 skip (no 3.11)."""
import os
import subprocess
import sys


def main():
    binary, name = sys.argv[1], sys.argv[2]
    if sys.version_info[:2] != (3, 11) or sys.implementation.name != "cpython":
        print(f"SKIP: needs CPython 3.11, this is {sys.implementation.name} {sys.version.split()[0]}")
        return 77
    here = os.path.dirname(os.path.abspath(__file__))
    py = subprocess.run([sys.executable, "-I", os.path.join(here, "cases.py"), name],
                        capture_output=True, text=True, timeout=120)
    c = subprocess.run([binary, name], capture_output=True, text=True, timeout=120)
    if py.returncode != 0 or c.returncode != 0:
        print(f"cpython exit {py.returncode}: {py.stderr}\nruntime exit {c.returncode}: {c.stderr}",
              file=sys.stderr)
        return 1
    print(f"CPython {sys.version.split()[0]}: {py.stdout.strip()}")
    print(f"gcbench runtime: {c.stdout.strip()}")
    if py.stdout != c.stdout:
        print(f"FAIL: {name}: the runtime differs from CPython", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
