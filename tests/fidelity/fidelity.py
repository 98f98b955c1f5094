#!/usr/bin/env python3
"""fidelity.py — the model's collector designs held exactly against the real CPythons: each
scenario run by `bench` in the native runtime under a policy and, with the same parameters,
in that policy's real interpreter (py311: the embedded CPython 3.11; py312, py313, py314inc,
py315: the Pyodide builds of CPython 3.12.7, 3.13.2, 3.14.2 and 3.15.0rc1), forced and auto
modes. After every iteration the two must agree exactly on the live instances of each of the
scenario's classes, the collections per generation (gc.get_stats()'s entries) and
generation 0's count (gc.get_count()[0]).

Usage: fidelity.py BENCH CASE | fidelity.py --list. A CASE is POLICY-SCENARIO, or one of the
long runs (LONG: py314inc-first-increment, POLICY-older-generations). Exit 0 same, 1 different, 77 skip (no Node.js or package outside CI).

Why it can be exact: the scenarios' C code makes every container CPython makes running their
Python twins, in CPython's order, and checks the eval breaker where the twins' bytecode does
(scenarios/seed004.h); the native worker makes what worker.py's samples make (harness/
worker.c); the runtime keeps CPython's free lists and counts as each version counts.

KNOWN names the cases where the two differ and why; such a case must differ exactly as
recorded (so a fix, or a new difference, shows)."""

import csv
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from pyodide_env import Skip, need_node, pyodide_package  # noqa: E402
from testmain import main  # noqa: E402

BENCH = None

# policy -> the real interpreter: bench arguments that run it (a function: the Pyodide
# package's path is looked up when the case runs)
REAL = {
    "py311": lambda: ["--runtime", "python"],
    "py312": lambda: ["--pyodide", pyodide_package("0.27.7")],
    "py313": lambda: ["--pyodide", pyodide_package("0.29.3")],
    "py314inc": lambda: ["--pyodide", pyodide_package("314.0.8")],
    "py315": lambda: ["--pyodide", pyodide_package("315.0.0-alpha.2")],
}

# Reduced sizes with enough containers that every design collects (3.13+'s threshold0 is
# 2000), in seconds even in Pyodide.
SCENARIOS = {
    "cross_reference": (["objects=50", "floats=20"], 60),
    "weakref_cycle": (["objects=50", "floats=20"], 40),
    "global_cache": (["objects=50", "floats=20"], 40),
    "dict_cache": (["entries=50", "payload_bytes=100"], 40),
    "weak_dict_cache": (["entries=50", "payload_bytes=100"], 40),
    "finalizer_cycle": (["pairs=50", "payload_bytes=100"], 40),
    "self_cycle": (["objects=100", "payload_bytes=100"], 20),
}

# Long runs, auto mode only. Beyond the first scavenge of 3.14.2's incremental collector: with
# 300 new containers an iteration and Pyodide's 20 000 interpreter objects, the first increment
# that collects comes at iteration 114 (3.14.2 frees no cycle before: gc_versions.md). And the
# older generations of the generational designs: global_cache keeps 300 containers an
# iteration, long enough for a full collection (generation 2's count past 10, and the
# long-lived rule satisfied).
LONG = [
    ("py314inc-first-increment", "py314inc", "cross_reference", ["objects=100", "floats=2"],
     130, ["auto"]),
    ("py311-older-generations", "py311", "global_cache", ["objects=100", "floats=2"], 330,
     ["auto"]),
    ("py312-older-generations", "py312", "global_cache", ["objects=100", "floats=2"], 330,
     ["auto"]),
    ("py313-older-generations", "py313", "global_cache", ["objects=100", "floats=2"], 1000,
     ["auto"]),
    ("py315-older-generations", "py315", "global_cache", ["objects=100", "floats=2"], 1000,
     ["auto"]),
]

# (policy, scenario, mode) -> why the two differ. Empty: every case is exact.
KNOWN = {}


def cases():
    names = {}
    for policy in REAL:
        for scenario, (params, iterations) in SCENARIOS.items():
            names[f"{policy}-{scenario}"] = (policy, scenario, params, iterations,
                                             ["auto", "forced"])
    for name, *rest in LONG:
        names[name] = tuple(rest)
    return names


def bench_run(out, args):
    p = subprocess.run([BENCH, "run", "--out", out, "--no-plot", "--quiet"] + args,
                       capture_output=True, text=True, timeout=1800)
    if p.returncode != 0:
        raise AssertionError(f"bench run {' '.join(args)}: exit {p.returncode}\n{p.stderr}")


def load(out):
    """(mode) -> {series name: [value per iteration 0..N]} for the one runtime in out."""
    latest = os.path.join(out, "latest")
    runs = {r["run_id"]: r for r in csv.DictReader(open(os.path.join(latest, "runs.csv")))}
    series = {}
    for r in runs.values():
        if r["status"] != "ok":
            raise AssertionError(f"{r['runtime']} {r['mode']}: {r['status']}: {r['message']}")
    for s in csv.DictReader(open(os.path.join(latest, "samples.csv"))):
        mode = runs[s["run_id"]]["mode"]
        d = series.setdefault(mode, {})
        if s["kind"] == "iter":
            for g in range(3):
                d.setdefault(f"collections_gen{g}", []).append(int(s[f"collections_gen{g}"]))
            d.setdefault("count0", []).append(int(s["count0"]))
        elif s["kind"] == "class":
            d.setdefault(f"live {s['type_name']}", []).append(int(s["live_objects"]))
    return series


def differences(real, model, iterations):
    """The series that differ (a class absent on one side counts as no instances)."""
    zeros = [0] * (iterations + 1)
    out = []
    for name in sorted(set(real) | set(model)):
        a, b = real.get(name, zeros), model.get(name, zeros)
        if a != b:
            out.append((name, a, b))
    return out


def show(name, a, b):
    first = next(i for i, (x, y) in enumerate(zip(a, b)) if x != y) if len(a) == len(b) else 0
    return (f"  {name}: first differs after iteration {first}\n"
            f"    real  {' '.join(map(str, a))}\n    model {' '.join(map(str, b))}")


def run_case(name):
    policy, scenario, params, iterations, modes = cases()[name]
    if policy != "py311":
        need_node()
    real_args = REAL[policy]()
    common = ["--scenario", scenario, "--iterations", str(iterations), "--gc", ",".join(modes)]
    for p in params:
        common += ["--param", p]
    with tempfile.TemporaryDirectory() as tmp:
        bench_run(os.path.join(tmp, "real"), common + real_args)
        bench_run(os.path.join(tmp, "model"), common + ["--runtime", "native", "--policy",
                                                        policy])
        real, model = load(os.path.join(tmp, "real")), load(os.path.join(tmp, "model"))
    failures = []
    for mode in modes:
        diffs = differences(real[mode], model[mode], iterations)
        known = KNOWN.get((policy, scenario, mode))
        if known is not None:
            if not diffs:
                failures.append(f"{mode}: recorded as differing ({known}), but now exact: "
                                f"remove it from KNOWN")
            else:
                print(f"{mode}: differs, as recorded: {known}")
            continue
        if diffs:
            failures.append(f"{mode}: the model differs from {' '.join(real_args[:1])} "
                            f"{os.path.basename(real_args[-1])}:\n" +
                            "\n".join(show(*d) for d in diffs))
        else:
            live = {k: v[-1] for k, v in real[mode].items() if k.startswith("live ") and v[-1]}
            gens = [real[mode][f"collections_gen{g}"][-1] for g in range(3)]
            print(f"{mode}: exact over {iterations} iterations (collections per generation "
                  f"{'/'.join(map(str, gens))}; live at the end {live})")
    if failures:
        raise AssertionError("\n".join(failures))


def run(bench, name):
    global BENCH
    BENCH = bench
    run_case(name)


if __name__ == "__main__":
    sys.exit(main(cases(), run, __doc__))
