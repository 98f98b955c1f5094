#!/usr/bin/env python3
"""run_versions.py DIFF_CASES WORKER_PYODIDE POLICY — the differential cases (cases.py, with
the seeds' gc examples of gc_cases.csv among them) run by a newer CPython and by the runtime
under the policy that models it: py312, py313, py314inc and py315 against the Pyodide builds
of CPython 3.12.7, 3.13.2, 3.14.2 and 3.15.0rc1 (run under Node.js by WORKER_PYODIDE's
--script mode). Each case must print the same line, except the cases KNOWN names, which
must differ exactly as recorded. Exit 0 same, 1 different, 77 skip (outside CI, no Node.js
or package)."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from pyodide_env import Skip, need_node, pyodide_package  # noqa: E402

PACKAGES = {"py312": "0.27.7", "py313": "0.29.3", "py314inc": "314.0.8",
            "py315": "315.0.0-alpha.2"}

# (policy or "*", case) -> (the line the interpreter prints, why it is not the runtime's).
# Where a version behaves differently from 3.11 and the model follows it (threshold_fires:
# 3.14.0-3.14.4 make no young collection; every case's collect() results), the lines agree
# and nothing is listed.
KNOWN = {
    ("py312", "freeze_unfreeze"): (
        "frozen=1 while_frozen=0 after_unfreeze=1 count=375",
        "Pyodide 0.27.7 freezes 375 objects of its own at start-up, which gc.unfreeze() "
        "leaves frozen: the package, not the collector"),
    ("*", "slots_cycle"): (
        "size=24 tracked=1 weakref=refused collect=2",
        "sys.getsizeof under WebAssembly: 4-byte pointers (the runtime's sizes are x86-64's)"),
}


def lines(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        raise AssertionError(f"{' '.join(cmd[:4])}…: exit {p.returncode}\n{p.stderr}")
    return p.stdout.splitlines()


def main():
    binary, host, policy = sys.argv[1:4]
    here = os.path.dirname(os.path.abspath(__file__))
    cases_py = os.path.join(here, "cases.py")
    names = lines([sys.executable, cases_py, "--names"])
    try:
        need_node()
        package = pyodide_package(PACKAGES[policy])
    except Skip as e:
        print(f"SKIP: {e}")
        return 77
    node = os.environ.get("GCBENCH_NODE") or "node"
    real = lines([node, host, "--script", package, cases_py, "--any-version"] + names)
    model = lines([binary, "--policy", policy] + names)
    if len(real) != len(names) or len(model) != len(names):
        print(f"FAIL: {len(names)} cases, {len(real)} lines from CPython, {len(model)} from "
              f"the runtime", file=sys.stderr)
        return 1
    failed = 0
    for name, a, b in zip(names, real, model):
        known = KNOWN.get((policy, name)) or KNOWN.get(("*", name))
        if known is not None:
            if a != known[0] or a == b:
                print(f"FAIL: {name}: recorded as CPython printing {known[0]!r} beside the "
                      f"runtime's line; CPython printed {a!r}, the runtime {b!r}",
                      file=sys.stderr)
                failed += 1
            else:
                print(f"{name}: differs as recorded ({known[1]})")
            continue
        if a != b:
            print(f"FAIL: {name}: CPython {a!r}, the runtime under {policy} {b!r}",
                  file=sys.stderr)
            failed += 1
        else:
            print(f"{name}: {a}")
    print(f"{len(names) - failed} of {len(names)} cases as recorded under {policy}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
