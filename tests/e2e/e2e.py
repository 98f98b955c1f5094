#!/usr/bin/env python3
"""e2e.py — end-to-end tests of the bench program: each test runs `bench` on a temporary
folder and reads back its CSV with Python's csv module (independent of gcbench's own CSV
code). Usage: e2e.py BENCH TEST | e2e.py --list. Exit 0 pass, 1 fail, 77 skip."""

import csv
import glob
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from pyodide_env import PYODIDE_PACKAGES, Skip, need_node, pyodide_package  # noqa: E402
from testmain import Tests, check, main  # noqa: E402

BENCH = None
test = TESTS = Tests()

RUNS_COLUMNS = ["run_id", "scenario", "runtime", "policy", "allocator", "threshold", "mode",
                "repeat", "iterations", "params", "cpu", "status", "message", "wall_ns",
                "peak_rss_bytes"]
SAMPLES_COLUMNS = ["run_id", "kind", "iteration", "t_ns", "rss_bytes", "rss_anon_bytes",
                   "iter_peak_rss_bytes", "live_objects", "live_bytes", "collections",
                   "collected", "uncollectable", "garbage", "pause_ns"]
SUMMARY_COLUMNS = ["scenario", "runtime", "policy", "allocator", "threshold", "mode", "repeats",
                   "baseline_rss_bytes", "final_rss_bytes", "peak_rss_bytes",
                   "rss_growth_bytes_per_iter", "rss_growth_bytes_per_iter_min",
                   "rss_growth_bytes_per_iter_max", "garbage_growth_per_iter", "collections",
                   "objects_scanned", "pause_ns_median", "pause_ns_p95", "pause_ns_max",
                   "wall_ns", "verdict"]
MIB = 1024 * 1024
# The largest relative difference allowed between the runtime's and CPython's peak RSS above
# the baseline, cross_reference without forced collection (the aim: 0.10).
FIDELITY_PEAK_TOLERANCE = 0.10
# DESIGN.md §4: each scenario's verdict under py311
EXPECTED = {"cross_reference": "delayed", "weakref_cycle": "released", "global_cache": "leak",
            "dict_cache": "leak", "weak_dict_cache": "released", "finalizer_cycle": "delayed",
            "self_cycle": "delayed"}



def bench(*args, env=None, timeout=600):
    """Runs bench; returns (exit code, stdout, stderr)."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    p = subprocess.run([BENCH, *args], capture_output=True, text=True, env=full_env,
                       timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def read_csv(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    check(len(rows) >= 1, f"{path}: no header")
    header = rows[0]
    for i, r in enumerate(rows[1:], start=2):
        check(len(r) == len(header), f"{path}:{i}: {len(r)} cells, header has {len(header)}")
    return [dict(zip(header, r)) for r in rows[1:]], header


def results_dir(out):
    latest = os.path.join(out, "latest")
    check(os.path.islink(latest), f"{latest} is not a symlink")
    return os.path.realpath(latest)


def load(out):
    d = results_dir(out)
    runs, rh = read_csv(os.path.join(d, "runs.csv"))
    samples, sh = read_csv(os.path.join(d, "samples.csv"))
    for col in RUNS_COLUMNS:
        check(col in rh, f"runs.csv lacks column {col}")
    for col in SAMPLES_COLUMNS:
        check(col in sh, f"samples.csv lacks column {col}")
    return d, runs, samples


def summary(d):
    rows, header = read_csv(os.path.join(d, "summary.csv"))
    for col in SUMMARY_COLUMNS:
        check(col in header, f"summary.csv lacks column {col}")
    return rows


def verdicts(rows):
    return {(r["scenario"], r["threshold"]): r["verdict"] for r in rows}


def run_ok(out, *args, env=None, quiet=True):
    rc, so, se = bench("run", "--out", out, *(["--quiet"] if quiet else []), *args, env=env)
    check(rc == 0, f"bench run exited {rc}\nstdout:\n{so}\nstderr:\n{se}")
    return so, se


def usage_error(args, needle, env=None):
    """bench ARGS must exit 2 with one 'bench: ' line naming needle, writing nothing."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "res")
        full = list(args)
        if full and full[0] == "run" and "--out" not in full:
            full += ["--out", out]
        rc, so, se = bench(*full, env=env)
        check(rc == 2, f"{full}: exit {rc}, expected 2; stderr: {se}")
        first = se.splitlines()[0] if se else ""
        check(first.startswith("bench: "), f"stderr does not start with 'bench: ': {se!r}")
        check(needle in first, f"message does not name {needle!r}: {first!r}")
        check(not os.path.exists(out), f"{out} was created for a usage error")


# ---- the main job ------------------------------------------------------------------------

@test
def run_all_defaults():
    """`bench run --scenario all` with the defaults: 4 CSV files, one PNG per scenario, the
    verdicts of DESIGN.md §4, the report tables."""
    with tempfile.TemporaryDirectory() as out:
        so, _ = run_ok(out, "--scenario", "all", quiet=False)
        d, runs, samples = load(out)
        check(os.path.isfile(os.path.join(d, "machine.csv")), "no machine.csv")
        scen = sorted({r["scenario"] for r in runs})
        check(scen == sorted(EXPECTED), f"scenarios {scen}")
        check(len(runs) == 2 * len(EXPECTED), f"{len(runs)} runs, expected 2 per scenario")
        for r in runs:
            check(r["status"] == "ok", f"run {r['run_id']} status {r['status']}: {r['message']}")
            check(r["iterations"] == "10", f"iterations {r['iterations']}")
            check(r["runtime"] == "native" and r["policy"] == "py311", "runtime/policy")
            check(r["threshold"] == "700/10/10", f"threshold {r['threshold']}")
            check(int(r["peak_rss_bytes"]) > 8 * MIB, f"peak {r['peak_rss_bytes']}")
            iters = [s for s in samples if s["run_id"] == r["run_id"] and s["kind"] == "iter"]
            check([int(s["iteration"]) for s in iters] == list(range(11)),
                  f"{r['run_id']}: iterations {[s['iteration'] for s in iters]}")
        check(any(s["kind"] == "tick" for s in samples), "no tick samples")
        v = verdicts(summary(d))
        for name, want in EXPECTED.items():
            check(v[(name, "700/10/10")] == want, f"{name}: {v[(name, '700/10/10')]}, want {want}")
        if shutil.which("gnuplot"):
            for name in scen:
                png = os.path.join(d, "plots", name + ".png")
                check(os.path.isfile(png), f"no {png}")
                with open(png, "rb") as f:
                    check(f.read(4) == b"\x89PNG", f"{png} is not a PNG")
        check("With GC" in so and "Without GC" in so, "run did not print the tables")


@test
def samples_are_consistent():
    """Boundary samples: forced cross_reference returns to the same RSS every iteration,
    frees every object, and the iteration peak is at least the RSS after it."""
    with tempfile.TemporaryDirectory() as out:
        run_ok(out, "--scenario", "cross_reference,global_cache", "--iterations", "6")
        d, runs, samples = load(out)
        by_id = {r["run_id"]: r for r in runs}
        for s in samples:
            if s["kind"] != "iter":
                continue
            r = by_id[s["run_id"]]
            if s["iter_peak_rss_bytes"]:
                check(int(s["iter_peak_rss_bytes"]) >= int(s["rss_bytes"]) - 4096,
                      f"peak below rss in {s}")
            if r["scenario"] == "cross_reference" and r["mode"] == "forced":
                # every object of the iteration is freed by the forced collection: what is
                # left are the keyword names "name" and "b" (constants of the seed's code)
                # and the interpreter's own objects
                check(int(s["live_objects"]) == 2 + int(r["interpreter_objects"]),
                      f"live objects after forced gc: {s}")
                if int(s["iteration"]) >= 1:
                    check(int(s["collected"]) == 300 * int(s["iteration"]),
                          f"collected {s['collected']} at iteration {s['iteration']}")
            if r["scenario"] == "global_cache" and r["mode"] == "forced":
                k = int(s["iteration"])
                # per B: the B, its name str, its A, the list and 10 000 floats; plus the
                # global list itself and the keyword names "name" and "b"
                if k >= 1:
                    check(int(s["live_objects"]) ==
                          3 + int(r["interpreter_objects"]) + k * 100 * (4 + 10000),
                          f"live objects {s['live_objects']} at iteration {k}")
        rows = summary(d)
        g = [r for r in rows if r["scenario"] == "global_cache" and r["mode"] == "forced"][0]
        growth = int(g["rss_growth_bytes_per_iter"]) / MIB
        # CPython 3.11: 100 lists of 10 000 floats = 38.7 MiB per iteration. Under ASan every
        # block carries redzones, so only the normal build can match it.
        if not os.environ.get("GCBENCH_SANITIZED"):
            check(36 < growth < 42, f"global_cache growth {growth:.2f} MiB/iter")
        c = [r for r in rows if r["scenario"] == "cross_reference" and r["mode"] == "forced"][0]
        check(abs(int(c["rss_growth_bytes_per_iter"])) < MIB,
              f"cross_reference forced growth {c['rss_growth_bytes_per_iter']}")


@test
def repeats_and_modes():
    """--repeat 2 --gc forced,auto,off: 6 runs, repeats=2 in the summary, min <= median <= max,
    the collector never runs in off mode."""
    with tempfile.TemporaryDirectory() as out:
        run_ok(out, "--scenario", "cross_reference", "--repeat", "2", "--gc", "forced,auto,off",
               "--iterations", "5", "--no-plot")
        d, runs, _ = load(out)
        check(len(runs) == 6, f"{len(runs)} runs")
        check(sorted(r["repeat"] for r in runs) == ["1", "1", "1", "2", "2", "2"], "repeats")
        for r in runs:
            if r["mode"] == "off":
                check(r["collections"] == "0", f"collections in off mode: {r['collections']}")
        rows = summary(d)
        check(sorted(r["mode"] for r in rows) == ["auto", "forced", "off"], "summary modes")
        for r in rows:
            check(r["repeats"] == "2", f"repeats {r['repeats']}")
            lo, med, hi = (int(r[k]) for k in ("rss_growth_bytes_per_iter_min",
                                               "rss_growth_bytes_per_iter",
                                               "rss_growth_bytes_per_iter_max"))
            check(lo <= med <= hi, f"min {lo} median {med} max {hi}")
        check(not os.path.exists(os.path.join(d, "plots")), "--no-plot still plotted")


@test
def threshold_settings():
    """Two --threshold settings: one summary setting each; a smaller threshold0 collects
    more often."""
    with tempfile.TemporaryDirectory() as out:
        run_ok(out, "--scenario", "cross_reference", "--threshold", "700,10,10",
               "--threshold", "100,10,10", "--gc", "auto", "--iterations", "4", "--no-plot")
        d, runs, _ = load(out)
        check(sorted(r["threshold"] for r in runs) == ["100/10/10", "700/10/10"], "thresholds")
        coll = {r["threshold"]: int(r["collections"]) for r in runs}
        check(coll["100/10/10"] > coll["700/10/10"], f"collections {coll}")
        rows = summary(d)
        check(len(rows) == 2, f"{len(rows)} summary rows")


@test
def threshold_sweep():
    """--threshold0 START:STOP:xF expands to one setting per threshold0; with more garbage
    per collection, a larger threshold0 collects less often."""
    with tempfile.TemporaryDirectory() as out:
        run_ok(out, "--scenario", "cross_reference", "--threshold0", "100:100000:x10", "--gc",
               "auto", "--iterations", "3", "--no-plot")
        d, runs, _ = load(out)
        th = [r["threshold"] for r in runs]
        check(th == ["100/10/10", "1000/10/10", "10000/10/10", "100000/10/10"], f"{th}")
        coll = [int(r["collections"]) for r in runs]
        check(coll == sorted(coll, reverse=True) and coll[0] > coll[-1], f"collections {coll}")
        check(len(summary(d)) == 4, "one summary row per setting")
    usage_error(["run", "--threshold0", "100:10:x10"], "100:10:x10")
    usage_error(["run", "--threshold0", "100:1000:x1"], "100:1000:x1")
    usage_error(["run", "--threshold0", "100:1000"], "100:1000")


@test
def params_change_the_work():
    """--param objects=10 shrinks the work tenfold and is recorded in runs.csv."""
    with tempfile.TemporaryDirectory() as out:
        run_ok(out, "--scenario", "global_cache", "--param", "objects=10", "--gc", "forced",
               "--iterations", "4", "--no-plot")
        d, runs, samples = load(out)
        check(runs[0]["params"] == "objects=10;floats=10000", f"params {runs[0]['params']}")
        last = [s for s in samples if s["kind"] == "iter"][-1]
        # the global list, 4 x 10 x (name str, B, A, _cache list, 10 000 floats), and the
        # keyword names "name" and "b" (constants of the seed's code)
        check(int(last["live_objects"]) == 1 + 4 * 10 * 10004 + 2 +
              int(runs[0]["interpreter_objects"]), f"live {last['live_objects']}")


@test
def pinning():
    """--pin auto pins to the last CPU when no other bench holds it, and to another one when
    one does (its flock on /tmp/gcbench-puN.lock: benches side by side spread out); --pin none
    records no CPU; --pin 0 records 0."""
    import fcntl
    ncpu = os.cpu_count() or 1

    def cpu_of(pin):
        with tempfile.TemporaryDirectory() as out:
            run_ok(out, "--scenario", "cross_reference", "--gc", "forced", "--iterations", "1",
                   "--pin", pin, "--no-plot", "--param", "objects=1")
            _, runs, _ = load(out)
            return runs[0]["cpu"]

    last = ncpu - 1
    with open(f"/tmp/gcbench-pu{last}.lock", "a+") as held:
        deadline = time.monotonic() + 120
        while True:  # another bench on this machine may hold it for a while
            try:
                fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError:
                check(time.monotonic() < deadline, f"another bench held CPU {last} "
                      f"(/tmp/gcbench-pu{last}.lock) for 2 minutes")
                time.sleep(0.2)
        if ncpu > 1:
            got = cpu_of("auto")
            check(got != str(last) and got != "",
                  f"--pin auto with CPU {last} held by another bench: cpu {got!r}")
        fcntl.flock(held, fcntl.LOCK_UN)
    for pin, want in (("auto", str(last)), ("none", ""), ("0", "0")):
        got = cpu_of(pin)
        check(got == want, f"--pin {pin}: cpu {got!r}, want {want!r}")


@test
def policies():
    """py27: cycles with __del__ are uncollectable and fill gc.garbage; py313: threshold0 2000;
    both recorded in runs.csv and summary.csv."""
    with tempfile.TemporaryDirectory() as out:
        run_ok(out, "--scenario", "finalizer_cycle", "--policy", "py27", "--iterations", "5",
               "--no-plot")
        d, runs, samples = load(out)
        check({r["policy"] for r in runs} == {"py27"}, "policy column")
        rows = summary(d)
        check({r["verdict"] for r in rows} == {"uncollectable"}, f"py27: {rows[0]['verdict']}")
        forced = [r for r in rows if r["mode"] == "forced"][0]
        # 5 pairs per iteration; each MemLeak and its attribute dict (py27) go to gc.garbage
        check(float(forced["garbage_growth_per_iter"]) == 10, forced["garbage_growth_per_iter"])
    with tempfile.TemporaryDirectory() as out:
        run_ok(out, "--scenario", "finalizer_cycle", "--policy", "py311", "--iterations", "5",
               "--no-plot")
        d, _, _ = load(out)
        check({r["verdict"] for r in summary(d)} == {"delayed"}, "py311 finalizer_cycle")
    with tempfile.TemporaryDirectory() as out:
        run_ok(out, "--scenario", "cross_reference", "--policy", "py313", "--gc", "auto",
               "--iterations", "3", "--no-plot", "--param", "objects=10")
        _, runs, _ = load(out)
        check(runs[0]["policy"] == "py313" and runs[0]["threshold"] == "2000/10/10",
              f"{runs[0]['policy']} {runs[0]['threshold']}")


@test
def allocators_and_types():
    """pymalloc (default): arena counters sampled, global_cache grows within 10 % of CPython
    3.11's 38.7 MiB per iteration; malloc: no arenas. Both write the types that grew, at every
    iteration, as kind=type rows (a scenario's class named after it: global_cache.B)."""
    for allocator in ("pymalloc", "malloc"):
        with tempfile.TemporaryDirectory() as out:
            run_ok(out, "--scenario", "global_cache", "--allocator", allocator, "--gc", "forced",
                   "--iterations", "4", "--no-plot")
            d, runs, samples = load(out)
            check(runs[0]["allocator"] == allocator, runs[0]["allocator"])
            last = [s for s in samples if s["kind"] == "iter"][-1]
            arenas = int(last["arenas_current"])
            check(arenas > 30 if allocator == "pymalloc" else arenas == 0, f"arenas {arenas}")
            types = {s["type_name"]: s for s in samples if s["kind"] == "type"}
            check(int(types["float"]["live_objects"]) == 4 * 100 * 10000, f"floats {types}")
            check(int(types["float"]["type_growth_objects"]) == 4 * 100 * 10000, "float growth")
            check(int(types["global_cache.B"]["live_objects"]) == 400, f"B instances {types}")
            floats = [int(s["live_objects"]) for s in samples
                      if s["kind"] == "type" and s["type_name"] == "float"]
            check(floats == [k * 100 * 10000 for k in range(5)], f"floats per iteration {floats}")
            # who holds the leak: from the scenario's named root, the twin's module global
            chains = [s["holder_chain"] for s in samples if s["kind"] == "holder"]
            check(len(chains) == 1 and chains[0] in (
                "global _global_cache (global_cache) -> list -> global_cache.B",
                "global _global_cache (global_cache) -> list -> global_cache.B -> global_cache.A"),
                f"holder chains {chains}")
            if allocator == "pymalloc" and not os.environ.get("GCBENCH_SANITIZED"):
                g = [r for r in summary(d) if r["mode"] == "forced"][0]
                growth = int(g["rss_growth_bytes_per_iter"]) / MIB
                check(abs(growth - 38.7) / 38.7 <= 0.10, f"growth {growth:.2f} MiB/iter")


# ---- the python runtime: real CPython 3.11 embedded ------------------------------------

def write_file(folder, name, text):
    path = os.path.join(folder, name)
    with open(path, "w") as f:
        f.write(text)
    return path


@test
def python_all_verdicts():
    """Every scenario's Python twin in CPython 3.11, with the verdicts of DESIGN.md §4."""
    with tempfile.TemporaryDirectory() as out:
        run_ok(out, "--runtime", "python", "--scenario", "all", "--iterations", "6", "--no-plot")
        d, runs, samples = load(out)
        check({r["runtime"] for r in runs} == {"python"}, "runtime column")
        check({r["policy"] for r in runs} == {"cpython"}, "policy column")
        check({r["threshold"] for r in runs} == {"700/10/10"}, "CPython's thresholds")
        for r in runs:
            check(r["status"] == "ok", f"{r['scenario']} {r['mode']}: {r['status']} {r['message']}")
        v = verdicts(summary(d))
        for name, want in EXPECTED.items():
            check(v[(name, "700/10/10")] == want, f"{name}: {v[(name, '700/10/10')]}, want {want}")
        machine = {r["key"]: r["value"] for r in read_csv(os.path.join(d, "machine.csv"))[0]}
        check(machine["python_version"].startswith("CPython 3.11"), machine["python_version"])
        it = [s for s in samples if s["kind"] == "iter"]
        check(all(s["blocks_in_use"] for s in it), "sys.getallocatedblocks() not sampled")
        check(all(s["live_objects"] == "" for s in it), "CPython has no live-object count")
        types = [s for s in samples if s["kind"] == "type"]
        check(any(t["type_name"] == "_seed004.B" for t in types), "no per-type rows from CPython")


@test
def both_runtimes_side_by_side():
    """--runtime native,python: each native summary row carries its CPython twin's figures,
    and the report sets them side by side."""
    with tempfile.TemporaryDirectory() as out:
        so, _ = run_ok(out, "--runtime", "native,python", "--scenario", "global_cache",
                       "--iterations", "4", "--no-plot", quiet=False)
        d, runs, _ = load(out)
        check(sorted({r["runtime"] for r in runs}) == ["native", "python"], "runtimes")
        rows = summary(d)
        native = [r for r in rows if r["runtime"] == "native"]
        python = [r for r in rows if r["runtime"] == "python"]
        check(len(native) == 2 and len(python) == 2, f"{len(native)} native, {len(python)} python")
        for r in native:
            py = [p for p in python if p["mode"] == r["mode"]][0]
            check(r["cpython_rss_growth_bytes_per_iter"] == py["rss_growth_bytes_per_iter"],
                  "the twin's growth")
            ratio = float(r["growth_ratio_to_cpython"])
            expect = int(r["rss_growth_bytes_per_iter"]) / int(py["rss_growth_bytes_per_iter"])
            check(abs(ratio - expect) < 1e-4, f"ratio {ratio} vs {expect}")
        check(all(p["growth_ratio_to_cpython"] == "" for p in python), "ratio on python rows")
        check("native beside CPython" in so, "no side-by-side table in the report")


@test
def fidelity_against_cpython():
    """The runtime against CPython on the same work, default sizes: global_cache's growth per
    iteration with forced collection within 10 %; cross_reference's peak above the baseline
    without forced collection within FIDELITY_PEAK_TOLERANCE."""
    if os.environ.get("GCBENCH_SANITIZED"):
        raise Skip("RSS under ASan is ASan's")
    with tempfile.TemporaryDirectory() as out:
        run_ok(out, "--runtime", "native,python", "--scenario", "global_cache,cross_reference",
               "--no-plot")
        d, _, _ = load(out)
        rows = {(r["scenario"], r["mode"]): r for r in summary(d) if r["runtime"] == "native"}
        growth = float(rows[("global_cache", "forced")]["growth_ratio_to_cpython"])
        peak = float(rows[("cross_reference", "auto")]["peak_ratio_to_cpython"])
        print(f"global_cache growth native/CPython {growth:.3f}; "
              f"cross_reference auto peak native/CPython {peak:.3f}")
        check(abs(growth - 1) <= 0.10, f"global_cache growth ratio {growth:.3f}")
        check(abs(peak - 1) <= FIDELITY_PEAK_TOLERANCE, f"cross_reference peak ratio {peak:.3f}")


LEAKY = """
PARAMS = {"kib": 512, "label": "x"}
kept = []

def setup(params):
    kept.clear()

def step(params):
    kept.append(b"\\x5a" * (params["kib"] * 1024))

def teardown():
    kept.clear()
"""


@test
def user_scenario_file():
    """A user's .py file runs in the python runtime (no --runtime needed), with its PARAMS,
    --param overrides typed by their defaults, and its verdict."""
    with tempfile.TemporaryDirectory() as tmp:
        path = write_file(tmp, "my_leak.py", LEAKY)
        out = os.path.join(tmp, "res")
        run_ok(out, "--scenario", path, "--param", "kib=1024", "--iterations", "6", "--no-plot")
        d, runs, _ = load(out)
        check({r["runtime"] for r in runs} == {"python"}, "runtime")
        check(runs[0]["scenario"] == "my_leak", runs[0]["scenario"])
        check(runs[0]["params"] == "kib=1024;label=x", runs[0]["params"])
        rows = summary(d)
        check({r["verdict"] for r in rows} == {"leak"}, rows[0]["verdict"])
        if not os.environ.get("GCBENCH_SANITIZED"):
            # RSS under a sanitizer is the sanitizer's (redzones, shadow memory): checked only
            # in the plain build.
            g = int([r for r in rows if r["mode"] == "forced"][0]["rss_growth_bytes_per_iter"])
            check(abs(g / MIB - 1.0) < 0.1, f"growth {g / MIB:.3f} MiB/iter, expected 1")


def failing_python(source, needle, env=None, args=()):
    """A user scenario that fails: both modes recorded as failed with the traceback (needle)
    in runs.csv and on stderr; exit 1."""
    with tempfile.TemporaryDirectory() as tmp:
        path = write_file(tmp, "bad.py", source)
        out = os.path.join(tmp, "res")
        rc, _, se = bench("run", "--out", out, "--scenario", path, "--iterations", "4",
                          "--no-plot", "--quiet", *args, env=env)
        check(rc == 1, f"exit {rc}, expected 1; stderr {se}")
        _, runs, _ = load(out)
        check(len(runs) == 2, f"{len(runs)} runs: the other mode must run too")
        for r in runs:
            check(r["status"] == "failed", f"status {r['status']}")
            check(needle in r["message"], f"{needle!r} not in message {r['message']!r}")
        check(needle in se, f"{needle!r} not on stderr")
        return runs


@test
def python_errors():
    runs = failing_python("def step(params):\n    return (\n", "SyntaxError")
    check(all(r["iterations_done"] == "0" for r in runs), "syntax error ran iterations")
    failing_python("import gcbench_no_such_module\ndef step(params):\n    pass\n",
                   "ModuleNotFoundError")
    failing_python("def setup(params):\n    pass\n", "has no step(params) function")
    runs = failing_python("n = 0\ndef step(params):\n    global n\n    n += 1\n"
                          "    if n == 3:\n        1 / 0\n", "ZeroDivisionError")
    check(all(r["iterations_done"] == "2" for r in runs), "iterations before the exception")
    check(all("Traceback (most recent call last)" in r["message"] for r in runs), "traceback")
    failing_python(LEAKY, "has no parameter 'nosuch'", args=("--param", "nosuch=1"))


@test
def python_isolated():
    """The interpreter is isolated: PYTHONPATH does not reach it, unless --python-env."""
    source = ("import sys\n"
              "def step(params):\n"
              "    assert '/gcbench-not-a-path' not in sys.path, 'PYTHONPATH leaked in'\n")
    with tempfile.TemporaryDirectory() as tmp:
        path = write_file(tmp, "iso.py", source)
        env = {"PYTHONPATH": "/gcbench-not-a-path"}
        rc, _, se = bench("run", "--out", os.path.join(tmp, "a"), "--scenario", path,
                          "--iterations", "1", "--no-plot", "--quiet", env=env)
        check(rc == 0, f"isolated run failed: {se}")
        rc, _, se = bench("run", "--out", os.path.join(tmp, "b"), "--scenario", path,
                          "--iterations", "1", "--no-plot", "--quiet", "--python-env", env=env)
        check(rc == 1 and "PYTHONPATH leaked in" in se, f"--python-env: exit {rc} {se}")


@test
def installed_layout():
    """After meson install, bench finds its workers, plot scripts and Python twins from any
    working directory (here: a temporary one)."""
    build = os.path.dirname(os.path.dirname(os.path.abspath(BENCH)))
    with tempfile.TemporaryDirectory() as tmp:
        dest = os.path.join(tmp, "dest")
        p = subprocess.run(["meson", "install", "-C", build, "--no-rebuild", "--quiet",
                            "--destdir", dest], capture_output=True, text=True)
        if p.returncode != 0:
            raise Skip(f"meson install failed here: {p.stderr.strip()[:200]}")
        installed = [os.path.join(root, f) for root, _, files in os.walk(dest) for f in files
                     if f == "bench" and os.path.basename(root) == "bin"]
        check(len(installed) == 1, f"installed bench: {installed}")
        env = dict(os.environ)
        env.pop("GCBENCH_PLOTS_DIR", None)
        out = os.path.join(tmp, "res")
        p = subprocess.run([installed[0], "run", "--runtime", "native,python", "--scenario",
                            "weakref_cycle", "--iterations", "2", "--param", "objects=5",
                            "--out", out, "--quiet"], cwd=tmp, env=env, capture_output=True,
                           text=True)
        check(p.returncode == 0, f"installed bench run: {p.returncode} {p.stderr}")
        _, runs, _ = load(out)
        check(sorted({r["runtime"] for r in runs}) == ["native", "python"], "runtimes")
        if shutil.which("gnuplot"):
            pngs = sorted(os.path.basename(p) for p in
                          glob.glob(os.path.join(results_dir(out), "plots", "*.png")))
            want = ["weakref_cycle-native-py311-pymalloc-700_10_10.png",
                    "weakref_cycle-python-cpython-pymalloc-700_10_10.png"]
            check(all(w in pngs for w in want), f"plots from the installed scripts: {pngs}")


@test
def bad_scenario_files():
    with tempfile.TemporaryDirectory() as tmp:
        usage_error(["run", "--scenario", os.path.join(tmp, "missing.py")], "missing.py")
        txt = write_file(tmp, "notes.txt", "")
        usage_error(["run", "--scenario", txt], "notes.txt")
        os.mkdir(os.path.join(tmp, "dir.py"))
        usage_error(["run", "--scenario", os.path.join(tmp, "dir.py")], "dir.py")
        ok = write_file(tmp, "ok.py", LEAKY)
        usage_error(["run", "--scenario", ok, "--runtime", "native"], "ok.py")
        usage_error(["run", "--runtime", "python", "--policy", "py27"], "--policy")


@test
def compare_folders():
    """bench compare on two real folders: machines, matched rows, ratios, the rows only in one
    folder; a missing folder is exit 1, one folder exit 2."""
    with tempfile.TemporaryDirectory() as tmp:
        a, b = os.path.join(tmp, "a"), os.path.join(tmp, "b")
        run_ok(a, "--scenario", "global_cache", "--gc", "forced", "--repeat", "2",
               "--iterations", "3", "--no-plot")
        run_ok(b, "--scenario", "global_cache,weakref_cycle", "--gc", "forced", "--repeat", "2",
               "--iterations", "3", "--param", "objects=50", "--no-plot")
        rc, so, se = bench("compare", results_dir(a), results_dir(b))
        check(rc == 0, f"compare exit {rc}: {se}")
        check(so.startswith("A: ") and "\nB: " in so, f"no machine lines:\n{so[:300]}")
        row = [l for l in so.splitlines() if l.startswith("global_cache") and "forced" in l]
        check(row, f"global_cache not matched:\n{so}")
        check("only in B" in so and "weakref_cycle" in so, "rows only in B not listed")
        rc, so, _ = bench("compare", results_dir(a), results_dir(b), "--format", "csv")
        rows = list(csv.DictReader(so.splitlines()))
        final = [r for r in rows if r["scenario"] == "global_cache" and
                 r["figure"] == "final_rss_bytes"][0]
        ratio = float(final["ratio_b_a"])
        check(0.4 < ratio < 0.6, f"half the objects: final RSS ratio {ratio}")
        rc, _, se = bench("compare", results_dir(a), os.path.join(tmp, "nosuch"))
        check(rc == 1 and "nosuch" in se, f"missing folder: {rc} {se}")
        rc, _, se = bench("compare", results_dir(a))
        check(rc == 2, f"one folder: {rc} {se}")


# ---- real interpreters: --python PATH and --pyodide DIR ----------------------------------

SYSTEM_PYTHON = "/usr/bin/python3"
# The Pyodide packages setup_pyodide.sh installs: (npm version, the CPython it holds)


def second_interpreter(tmp):
    """A second interpreter path: python3 on PATH when it is another binary than
    /usr/bin/python3 (e.g. pyenv's), else a link to /usr/bin/python3 (the same version at a
    second path). Returns (path, same_binary)."""
    found = shutil.which("python3")
    if found:
        p = subprocess.run([found, "-c", "import sys; print(sys.executable)"],
                           capture_output=True, text=True)
        exe = p.stdout.strip()
        if p.returncode == 0 and exe and os.path.realpath(exe) != os.path.realpath(SYSTEM_PYTHON):
            return exe, False
    link = os.path.join(tmp, "python3-again")
    os.symlink(SYSTEM_PYTHON, link)
    return link, True


def version_of(path):
    p = subprocess.run([path, "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"],
                       capture_output=True, text=True, check=True)
    return p.stdout.strip()


def machine_keys(d):
    return {r["key"]: r["value"] for r in read_csv(os.path.join(d, "machine.csv"))[0]}


def class_counts(samples, run_id, name):
    """A class's live instances after each iteration, from the kind=class rows."""
    return [int(s["live_objects"]) for s in samples
            if s["run_id"] == run_id and s["kind"] == "class" and s["type_name"] == name]


def check_iter_gc_columns(samples, run):
    """collections_gen0..2 filled on every iteration sample, summing to collections; runs.csv's
    gc figures are the last sample's (what the worker does after it is not the run's)."""
    last = None
    for s in samples:
        if s["run_id"] != run["run_id"] or s["kind"] != "iter":
            continue
        gens = [s["collections_gen%d" % g] for g in range(3)]
        check(all(g != "" for g in gens), f"collections_gen empty in {s}")
        check(sum(int(g) for g in gens) == int(s["collections"]),
              f"collections_gen {gens} do not add up to {s['collections']}")
        check(s["count0"] != "" and s["heap_objects"] != "", f"counts missing in {s}")
        last = s
    for key in ("collections", "collected", "uncollectable", "garbage"):
        check(run[key] == last[key], f"runs.csv {key} {run[key]}, last sample's {last[key]}")


@test
def python_interpreters():
    """--python /usr/bin/python3 and a second interpreter: a runtime each (cpython-X.Y.Z, made
    unique), machine.csv's keys, cross_reference's verdict, its B instances per iteration,
    the per-generation collections."""
    if not os.access(SYSTEM_PYTHON, os.X_OK):
        raise Skip(f"{SYSTEM_PYTHON} is not here")
    with tempfile.TemporaryDirectory() as tmp:
        second, same = second_interpreter(tmp)
        v1, v2 = version_of(SYSTEM_PYTHON), version_of(second)
        names = [f"cpython-{v1}", f"cpython-{v2}" + ("-2" if v1 == v2 else "")]
        out = os.path.join(tmp, "res")
        run_ok(out, "--python", SYSTEM_PYTHON, "--python", second, "--scenario",
               "cross_reference", "--iterations", "10", "--no-plot")
        d, runs, samples = load(out)
        check([r["runtime"] for r in runs] == [names[0], names[0], names[1], names[1]],
              f"runtimes {[r['runtime'] for r in runs]}, want {names}")
        for r in runs:
            check(r["status"] == "ok", f"{r['runtime']} {r['mode']}: {r['message']}")
            check(r["policy"] == "cpython" and r["rss_comparable"] == "1", f"{r}")
            check_iter_gc_columns(samples, r)
            b = class_counts(samples, r["run_id"], "B")
            check(len(b) == 11, f"{r['runtime']} {r['mode']}: B rows {b}")
            if r["mode"] == "forced":
                check(b == [0] * 11, f"forced: B alive {b}")
            else:  # 100 new cycles per iteration, none collected before the first collection
                check(b[:3] == [0, 100, 200], f"auto: B alive {b}")
            check({c["type_name"] for c in samples if c["run_id"] == r["run_id"] and
                   c["kind"] == "class"} == {"A", "B", "BWeakRef"}, "the scenario's classes")
        m = machine_keys(d)
        check(m[f"interpreter.{names[0]}.path"] == SYSTEM_PYTHON, f"path key: {m}")
        check(m[f"interpreter.{names[0]}.version"].startswith(v1), "version key")
        check(m[f"interpreter.{names[1]}.path"] == second, "second path key")
        if v1 == v2:
            check(m[f"interpreter.{names[1]}.same_version_as"] == names[0], "same version noted")
        check(m["python_version"].startswith("CPython 3.11"), "the embedded one stays")
        v = {(r["runtime"], r["scenario"]): r["verdict"] for r in summary(d)}
        if not os.environ.get("GCBENCH_SANITIZED"):
            # an RSS verdict: checked only in the plain build (a sanitized bench runs beside
            # a sanitized suite, and ten iterations leave little room for noise)
            for name in names:
                check(v[(name, "cross_reference")] == "delayed", f"{name}: {v}")
            # The worker keeps no number in an int object: one made while the floats fill
            # pymalloc's arenas would pin an arena after gc.collect() frees them (+0.9 to
            # +1.6 MiB per iteration on 3.11.2 with the pauses kept in a list; 0 since).
            for r in summary(d):
                if r["mode"] == "forced":
                    g = int(r["rss_growth_bytes_per_iter"])
                    check(g < 256 * 1024, f"{r['runtime']} forced: +{g} bytes/iter of RSS")
        print(f"second interpreter: {second} ({'same binary' if same else v2})")


@test
def python_interpreters_any_version():
    """worker.py in every CPython >= 3.9 found here (pyenv's, when present): a run each of a
    user's file, with its classes' instances counted."""
    found = sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.*/bin/python3")))
    found = [p for p in found if tuple(map(int, version_of(p).split(".")[:2])) >= (3, 9)]
    if not found:
        raise Skip("no other CPython 3.9+ on this machine (pyenv); python_interpreters covers "
                   "/usr/bin/python3")
    with tempfile.TemporaryDirectory() as tmp:
        path = write_file(tmp, "pairs.py", PAIRS)
        out = os.path.join(tmp, "res")
        run_ok(out, "--python", ",".join(found), "--scenario", path, "--iterations", "3",
               "--gc", "forced", "--no-plot")
        _, runs, samples = load(out)
        check(len(runs) == len(found), f"{len(runs)} runs for {found}")
        for r in runs:
            check(r["status"] == "ok", f"{r['runtime']}: {r['message']}")
            check(class_counts(samples, r["run_id"], "Pair") == [0, 10, 20, 30],
                  f"{r['runtime']}: {class_counts(samples, r['run_id'], 'Pair')}")


PAIRS = """
kept = []

class Pair:
    def __init__(self):
        self.other = self

def step(params):
    kept.extend([Pair() for _ in range(10)])
"""


@test
def embedded_equals_interpreter():
    """The embedded CPython and /usr/bin/python3 (the same 3.11) run the same worker.py: the
    same per-iteration counts, collections per generation and class instances."""
    if not os.access(SYSTEM_PYTHON, os.X_OK):
        raise Skip(f"{SYSTEM_PYTHON} is not here")
    rc, so, _ = bench("info")
    embedded = [l.split(None, 1)[1] for l in so.splitlines() if l.startswith("python_version")]
    if not embedded or not embedded[0].startswith("CPython " + version_of(SYSTEM_PYTHON)):
        raise Skip(f"the embedded CPython ({embedded}) is not {SYSTEM_PYTHON}'s version")
    with tempfile.TemporaryDirectory() as out:
        run_ok(out, "--runtime", "python", "--python", SYSTEM_PYTHON, "--scenario",
               "cross_reference,finalizer_cycle", "--iterations", "8", "--param", "floats=1000",
               "--param", "payload_bytes=100000", "--no-plot")
        _, runs, samples = load(out)
        fields = ("count0", "count1", "count2", "collections", "collections_gen0",
                  "collections_gen1", "collections_gen2", "collected", "garbage")
        seqs = {}
        for r in runs:
            rows = [s for s in samples if s["run_id"] == r["run_id"]]
            seqs[(r["scenario"], r["mode"], r["runtime"] == "python")] = (
                [tuple(s[f] for f in fields) for s in rows if s["kind"] == "iter"],
                [(s["iteration"], s["type_name"], s["live_objects"]) for s in rows
                 if s["kind"] == "class"])
        check(len(seqs) == 8, f"{len(seqs)} runs")
        for (scenario, mode, is_embedded), (iters, classes) in seqs.items():
            if not is_embedded:
                continue
            other = seqs[(scenario, mode, False)]
            check(len(iters) == 9 and iters == other[0],
                  f"{scenario} {mode}: embedded {iters} vs interpreter {other[0]}")
            check(classes and classes == other[1], f"{scenario} {mode}: class rows differ")


def bad_python_script(folder, name, lines):
    """An executable that answers the probe as another interpreter would."""
    path = os.path.join(folder, name)
    with open(path, "w") as f:
        f.write("#!/bin/sh\nprintf '%s\\n'\n" % "\\n".join(lines))
    os.chmod(path, 0o755)
    return path


@test
def bad_interpreters_and_packages():
    """Every bad --python and --pyodide: exit 2, one line naming the value and the fix, nothing
    written."""
    with tempfile.TemporaryDirectory() as tmp:
        usage_error(["run", "--python", os.path.join(tmp, "nopython")], "nopython")
        usage_error(["run", "--python", "gcbench-no-such-python"], "gcbench-no-such-python")
        plain = write_file(tmp, "plain.py", "")  # not executable
        usage_error(["run", "--python", plain], "plain.py")
        usage_error(["run", "--python", tmp], tmp)  # a folder
        usage_error(["run", "--python", "/bin/true"], "/bin/true")  # not a Python
        hello = bad_python_script(tmp, "hello", ["hello"])
        usage_error(["run", "--python", hello], "hello")
        pypy = bad_python_script(tmp, "pypy3", ["pypy", "3.10.14", "700,10,10", "3.10.14 PyPy"])
        usage_error(["run", "--python", pypy], "pypy3")
        old = bad_python_script(tmp, "python3.8", ["cpython", "3.8.10", "700,10,10", "3.8.10"])
        usage_error(["run", "--python", old], "python3.8")
        for args, needle in ((["--python", pypy], "not CPython"),
                             (["--python", old], "3.9 or newer"),
                             (["--python", "/bin/true"], "Python interpreter")):
            _, _, se = bench("run", "--out", os.path.join(tmp, "res"), *args)
            check(needle in se.splitlines()[0], f"{args}: {se.splitlines()[0]!r}")
        usage_error(["run", "--runtime", "pyodide"], "npm pack pyodide@")
        usage_error(["run", "--runtime", "native,pyodide", "--scenario", "cross_reference"],
                    "--pyodide DIR")
        usage_error(["run", "--pyodide", tmp], tmp)
        usage_error(["run", "--pyodide", os.path.join(tmp, "nosuch")], "nosuch")
        _, _, se = bench("run", "--out", os.path.join(tmp, "res"), "--pyodide", tmp)
        check("npm pack pyodide@" in se.splitlines()[0], f"no hint: {se}")
        pkg = pyodide_package(PYODIDE_PACKAGES[-1][0], required=False)
        if pkg:
            usage_error(["run", "--pyodide", pkg], "GCBENCH_NODE",
                        env={"GCBENCH_NODE": os.path.join(tmp, "nonode")})
        usage_error(["run", "--python", SYSTEM_PYTHON, "--policy", "py27"], "--policy")
        check(not os.path.exists(os.path.join(tmp, "res")), "a usage error wrote results")


@test
def pyodide_packages():
    """cross_reference at a reduced size, forced and auto, in each of the four Pyodide
    packages: runs ok, class rows after every iteration, rss_comparable 0, allocator malloc,
    machine.csv's keys."""
    need_node()
    pkgs = [pyodide_package(v) for v, _ in PYODIDE_PACKAGES]
    with tempfile.TemporaryDirectory() as out:
        run_ok(out, "--pyodide", ",".join(pkgs), "--scenario", "cross_reference", "--param",
               "objects=30", "--param", "floats=200", "--iterations", "20", "--no-plot")
        d, runs, samples = load(out)
        want = [f"pyodide-{py}" for _, py in PYODIDE_PACKAGES]
        check(sorted({r["runtime"] for r in runs}) == sorted(want),
              f"runtimes {sorted({r['runtime'] for r in runs})}")
        check(len(runs) == 8, f"{len(runs)} runs")
        for r in runs:
            check(r["status"] == "ok", f"{r['runtime']} {r['mode']}: {r['message']}")
            check(r["rss_comparable"] == "0", f"rss_comparable {r['rss_comparable']}")
            check(r["allocator"] == "malloc" and r["policy"] == "cpython", f"{r}")
            check_iter_gc_columns(samples, r)
            b = class_counts(samples, r["run_id"], "B")
            check(len(b) == 21, f"{r['runtime']} {r['mode']}: {len(b)} B rows")
            if r["mode"] == "forced":
                check(b == [0] * 21, f"{r['runtime']} forced: B alive {b}")
            else:
                check(b[1] == 30, f"{r['runtime']} auto: B alive {b}")
            blocks = {s["blocks_in_use"] for s in samples
                      if s["run_id"] == r["run_id"] and s["kind"] == "iter"}
            check(blocks == {"0"}, f"sys.getallocatedblocks() in Pyodide: {blocks}")
        m = machine_keys(d)
        for (npm, py), pkg in zip(PYODIDE_PACKAGES, pkgs):
            name = f"pyodide-{py}"
            check(m[f"pyodide.{name}.npm_version"] == npm, f"npm version of {name}")
            check(m[f"pyodide.{name}.path"] == os.path.realpath(pkg), f"path of {name}")
            check(m[f"pyodide.{name}.version"].startswith(py.rsplit(".", 1)[0]), name)
        check(m["node_version"].startswith("v"), f"node_version {m.get('node_version')}")


@test
def pyodide_folder_of_packages():
    """--pyodide FOLDER, a folder of packages (setup_pyodide.sh's cache is one): a runtime per
    package in it, in the version order of the subfolders' names; what is not a package is
    passed over; a folder with none is a usage error."""
    need_node()
    with tempfile.TemporaryDirectory() as tmp:
        folder = os.path.join(tmp, "pythons")
        os.makedirs(os.path.join(folder, "notes"))  # not a package: passed over
        write_file(folder, "README", "")
        # npm pack's layout (VERSION/package) and a package itself, named out of order
        os.symlink(os.path.dirname(pyodide_package("314.0.8")), os.path.join(folder, "314.0.8"))
        os.symlink(pyodide_package("0.27.7"), os.path.join(folder, "0.27.7"))
        out = os.path.join(tmp, "res")
        run_ok(out, "--pyodide", folder, "--scenario", "cross_reference", "--gc", "forced",
               "--iterations", "1", "--param", "objects=2", "--param", "floats=10", "--no-plot")
        _, runs, _ = load(out)
        check([r["runtime"] for r in runs] == ["pyodide-3.12.7", "pyodide-3.14.2"],
              f"runtimes {[r['runtime'] for r in runs]}")
        usage_error(["run", "--pyodide", os.path.join(folder, "notes")], "nor a folder of them")


@test
def pyodide_failures():
    """In Pyodide: a scenario that raises fails with its traceback in runs.csv; a crash
    (GCBENCH_FAULT=crash@2) is recorded as crashed; a hang is stopped by --timeout."""
    need_node()
    pkg = pyodide_package(PYODIDE_PACKAGES[-1][0])
    runs = failing_python("n = 0\ndef step(params):\n    global n\n    n += 1\n"
                          "    if n == 2:\n        raise ValueError('boom in pyodide')\n",
                          "boom in pyodide", args=("--pyodide", pkg))
    for r in runs:
        check(r["runtime"].startswith("pyodide-"), r["runtime"])
        check("Traceback (most recent call last)" in r["message"], r["message"])
        check(r["iterations_done"] == "1", f"iterations_done {r['iterations_done']}")
    runs, samples, _ = failing_run(["--pyodide", pkg, "--scenario", "cross_reference", "--gc",
                                    "forced", "--iterations", "3", "--param", "objects=2"],
                                   env={"GCBENCH_FAULT": "crash@2"})
    check(len(runs) == 1 and runs[0]["status"] == "crashed", f"{runs}")
    check(runs[0]["signal"] == "11", f"signal {runs[0]['signal']}")
    iters = [s["iteration"] for s in samples if s["kind"] == "iter"]
    check(iters == ["0", "1"], f"samples before the crash: {iters}")
    runs, _, _ = failing_run(["--pyodide", pkg, "--scenario", "cross_reference", "--gc", "auto",
                              "--iterations", "3", "--timeout", "20", "--param", "objects=2"],
                             env={"GCBENCH_FAULT": "hang@2"})
    check(runs[0]["status"] == "timeout" and runs[0]["iterations_done"] == "1",
          f"{runs[0]['status']} after {runs[0]['iterations_done']}")


# ---- failing runs: recorded, the others go on, exit 1 ------------------------------------

def failing_run(args, env=None):
    with tempfile.TemporaryDirectory() as out:
        rc, so, se = bench("run", "--out", out, "--quiet", "--no-plot", *args, env=env)
        check(rc == 1, f"exit {rc}, expected 1; stderr: {se}")
        d, runs, samples = load(out)
        summary(d)  # still written
        return runs, samples, se


@test
def max_rss_kills_a_runaway_worker():
    runs, _, se = failing_run(["--scenario", "global_cache", "--iterations", "50",
                               "--max-rss", "150M"])
    check(len(runs) == 2, f"{len(runs)} runs: the other mode must still run")
    for r in runs:
        check(r["status"] == "rss_limit", f"status {r['status']}")
        check("--max-rss" in r["message"], f"message {r['message']}")
        check(int(r["iterations_done"]) < 50, "ran to the end")
    check("rss_limit" in se, "not reported on stderr")


@test
def timeout_kills_a_hung_worker():
    runs, _, _ = failing_run(["--scenario", "cross_reference", "--gc", "forced,auto",
                              "--iterations", "3", "--timeout", "1", "--param", "objects=1"],
                             env={"GCBENCH_FAULT": "hang@2"})
    for r in runs:
        check(r["status"] == "timeout", f"status {r['status']}: {r['message']}")
        check(r["iterations_done"] == "1", f"iterations_done {r['iterations_done']}")


@test
def crashed_worker_is_recorded():
    runs, samples, _ = failing_run(["--scenario", "cross_reference,global_cache", "--gc",
                                    "forced", "--iterations", "3", "--param", "objects=2"],
                                   env={"GCBENCH_FAULT": "crash@2"})
    check(len(runs) == 2, "the second scenario did not run after the first crashed")
    for r in runs:
        check(r["status"] == "crashed", f"status {r['status']}")
        check(r["signal"] == "11" and "signal 11" in r["message"], f"message {r['message']}")
        iters = [s for s in samples if s["run_id"] == r["run_id"] and s["kind"] == "iter"]
        check([s["iteration"] for s in iters] == ["0", "1"], "samples before the crash kept")


@test
def failing_scenario_is_recorded():
    runs, _, se = failing_run(["--scenario", "cross_reference", "--iterations", "5",
                               "--param", "objects=2"], env={"GCBENCH_FAULT": "fail@3"})
    for r in runs:
        check(r["status"] == "failed", f"status {r['status']}")
        check(r["message"] == "injected failure at iteration 3", f"message {r['message']!r}")
        check(r["iterations_done"] == "2", f"iterations_done {r['iterations_done']}")
    check("injected failure at iteration 3" in se, "not reported on stderr")


@test
def ctrl_c_leaves_valid_csv():
    """SIGINT during a run: exit 130, the finished runs and an 'interrupted' row in valid CSV,
    summary.csv written."""
    with tempfile.TemporaryDirectory() as out:
        env = dict(os.environ, GCBENCH_FAULT="hang@2")
        p = subprocess.Popen([BENCH, "run", "--out", out, "--quiet", "--no-plot", "--scenario",
                              "cross_reference", "--iterations", "3", "--param", "objects=1"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        time.sleep(1.5)
        p.send_signal(signal.SIGINT)
        so, se = p.communicate(timeout=60)
        check(p.returncode == 130, f"exit {p.returncode}; stderr {se}")
        d, runs, _ = load(out)
        check(len(runs) == 1 and runs[0]["status"] == "interrupted",
              f"runs {[(r['mode'], r['status']) for r in runs]}")
        summary(d)


# ---- bad input: exit 2, one line naming the value, nothing written -----------------------

@test
def bad_unknown_scenario():
    usage_error(["run", "--scenario", "nosuch"], "nosuch")


@test
def bad_unknown_command():
    usage_error(["frobnicate"], "frobnicate")


@test
def bad_iterations():
    usage_error(["run", "--iterations", "abc"], "abc")
    usage_error(["run", "--iterations", "0"], "--iterations")
    usage_error(["run", "--bogus"], "unknown option '--bogus'")
    with tempfile.TemporaryDirectory() as tmp:  # --out first: the option's value is the last word
        out = os.path.join(tmp, "res")
        rc, _, se = bench("run", "--out", out, "--iterations")
        check(rc == 2 and se.startswith("bench: option '--iterations' needs a value\n"),
              f"exit {rc}, stderr {se!r}")
        check(not os.path.exists(out), f"{out} was created for a usage error")



@test
def bad_leak_options():
    """--trace-alloc out of range or with no CPython runtime, an empty --fail-on."""
    usage_error(["run", "--trace-alloc", "0"], "--trace-alloc")
    usage_error(["run", "--trace-alloc", "2"], "--trace-alloc traces CPython's allocations")
    usage_error(["run", "--fail-on", ""], "--fail-on")


@test
def bad_threshold():
    usage_error(["run", "--threshold", "700,10"], "700,10")
    usage_error(["run", "--threshold", "700,-1,10"], "700,-1,10")


@test
def bad_sizes_and_times():
    usage_error(["run", "--max-rss", "12Q"], "12Q")
    usage_error(["run", "--timeout", "soon"], "soon")
    usage_error(["run", "--interval-ms", "-5"], "-5")
    usage_error(["run", "--repeat", "x"], "x")


@test
def bad_modes_pins_params():
    usage_error(["run", "--gc", "sometimes"], "sometimes")
    usage_error(["run", "--pin", "99999"], "99999")
    usage_error(["run", "--pin", "left"], "left")
    usage_error(["run", "--param", "nosuch=3"], "nosuch")
    usage_error(["run", "--param", "objects"], "objects")
    usage_error(["run", "--runtime", "jvm"], "jvm")
    usage_error(["run", "--policy", "py3"], "py3")
    usage_error(["run", "--allocator", "jemalloc"], "jemalloc")
    usage_error(["run", "--frobnicate"], "--frobnicate")
    usage_error(["run", "--scenario", "mine.py"], "mine.py")  # no such file


@test
def bad_out_folder():
    with tempfile.TemporaryDirectory() as tmp:
        blocker = os.path.join(tmp, "file")
        open(blocker, "w").close()
        rc, _, se = bench("run", "--out", os.path.join(blocker, "sub"), "--quiet")
        check(rc == 2, f"exit {rc}")
        check(se.startswith("bench: ") and "file/sub" in se.splitlines()[0], se)
        check(os.listdir(tmp) == ["file"], f"left behind {os.listdir(tmp)}")


# ---- the other commands ------------------------------------------------------------------

@test
def list_and_info():
    rc, so, _ = bench("list")
    check(rc == 0, f"list exit {rc}")
    for name, seed, verdict in (("cross_reference", "004, 001", "delayed"),
                                ("global_cache", "004, 001, 003", "leak")):
        line = [l for l in so.splitlines() if l.startswith(name)]
        check(line and seed in line[0] and verdict in line[0], f"list line for {name}: {line}")
    check("--param objects=100" in so and "--param floats=10000" in so, "params not listed")
    rc, so, _ = bench("info")
    check(rc == 0 and "cpu_model" in so and "memory_bytes" in so, f"info: {so}")


@test
def help_and_version():
    rc, so, _ = bench("--help")
    check(rc == 0 and "Commands:" in so, "bench --help")
    for cmd, opt in (("run", "--threshold"), ("run", "--python PATH"), ("run", "--pyodide DIR"),
                     ("report", "DIR"), ("plot", "DIR"),
                     ("list", "list"), ("info", "info")):
        rc, so, se = bench(cmd, "--help")
        check(rc == 0 and opt in so, f"bench {cmd} --help: {rc} {so} {se}")
    rc, so, _ = bench("--version")
    check(rc == 0 and so.startswith("bench (gcbench) "), f"--version: {so}")
    rc, _, se = bench()
    check(rc == 2 and "Usage" in se, "bench with no command")


@test
def report_and_plot_commands():
    """report and plot on a folder written by run; errors on a missing or malformed folder."""
    with tempfile.TemporaryDirectory() as out:
        run_ok(out, "--scenario", "cross_reference", "--iterations", "3", "--no-plot",
               "--param", "objects=10")
        d = results_dir(out)
        rc, so, se = bench("report", d)
        check(rc == 0, f"report exit {rc}: {se}")
        check("With GC" in so and "Without GC" in so and "verdict" in so, f"report:\n{so}")
        rows = [l.split()[0] for l in so.splitlines()
                if l.split() and (l.split()[0].isdigit() or l.split()[0] == "start")]
        check(rows == ["start", "1", "2", "3"], f"expected iteration rows start, 1..3:\n{so}")
        if shutil.which("gnuplot"):
            rc, so, se = bench("plot", d)
            check(rc == 0, f"plot exit {rc}: {se}")
            check(os.path.isfile(os.path.join(d, "plots", "cross_reference.png")), "no png")
        # gnuplot missing: a clear message, still exit 0
        with tempfile.TemporaryDirectory() as empty:
            rc, so, se = bench("plot", d, env={"PATH": empty})
            check(rc == 0 and "gnuplot" in se, f"no-gnuplot plot: {rc} {se}")
        rc, _, se = bench("report", os.path.join(out, "nosuch"))
        check(rc == 1 and se.startswith("bench: ") and "nosuch" in se, f"missing dir: {rc} {se}")
        with open(os.path.join(d, "samples.csv"), "a") as f:
            f.write("r0001,iter,99,1,2\n")
        rc, _, se = bench("report", d)
        check(rc == 1 and "samples.csv:" in se, f"malformed CSV: {rc} {se}")


def run(bench, name):
    global BENCH
    BENCH = bench
    TESTS[name]()


if __name__ == "__main__":
    sys.exit(main(TESTS, run, __doc__))
