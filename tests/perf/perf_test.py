#!/usr/bin/env python3
"""perf_test.py — the behaviour of `bench perf` (never its speed): output formats, the
workload filter, usage errors, a missing CPython. Each test runs bench with few objects and
one round. Usage: perf_test.py BENCH TEST | perf_test.py --list. Exit 0 pass, 1 fail."""

import csv
import io
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from testmain import Tests, check, main  # noqa: E402

BENCH = None
test = TESTS = Tests()
HEADER = ["workload", "objects", "native_ns_per_object", "cpython_ns_per_object", "speedup"]
WORKLOADS = ["collect_reachable", "collect_garbage", "alloc_free", "scenario_step"]
SMALL = ["--rounds", "1", "--objects", "20000"]


def bench(*args):
    """Runs `bench perf ARGS`; returns (exit code, stdout, stderr)."""
    p = subprocess.run([BENCH, "perf", *args], capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def csv_rows(out):
    """The header row must be exactly HEADER; returns the other rows as dicts."""
    check(out.startswith(",".join(HEADER) + "\n"), f"header is not {','.join(HEADER)}:\n{out}")
    rows = list(csv.reader(io.StringIO(out)))
    for r in rows[1:]:
        check(len(r) == len(HEADER), f"row {r} has {len(r)} cells")
    return [dict(zip(HEADER, r)) for r in rows[1:]]


def positive(row, col):
    v = float(row[col])
    check(v > 0, f"{row['workload']}: {col} = {v}, expected > 0")


@test
def csv_all_workloads():
    rc, out, err = bench("--format", "csv", "--python", sys.executable, *SMALL)
    check(rc == 0, f"exit {rc}: {err}")
    rows = csv_rows(out)
    check([r["workload"] for r in rows] == WORKLOADS, f"workloads {[r['workload'] for r in rows]}")
    for r in rows:
        check(int(r["objects"]) > 0, f"{r['workload']}: objects {r['objects']}")
        for col in HEADER[2:]:
            positive(r, col)
    objects = {r["workload"]: int(r["objects"]) for r in rows}
    check(objects["collect_reachable"] == 20000 and objects["alloc_free"] == 20000,
          f"--objects 20000 not applied: {objects}")
    # 100 x (name str, B, A, _cache list, 10 000 floats, and what CPython 3.11 makes around
    # them: the clock's float and the "%" operator's tuple for the name, a dict of keyword
    # arguments and a tuple of their names for each of B() and A(), the comprehension's
    # function object) + b_list, objects the native runtime allocates as CPython does.
    check(objects["scenario_step"] == 100 * 10011 + 1, f"scenario_step objects {objects}")
    check("warning" not in err, f"unexpected warning: {err}")


@test
def workload_filter():
    rc, out, err = bench("--format", "csv", "--python", sys.executable, "--rounds", "2",
                         "--objects", "2000", "--workload", "alloc_free,collect_reachable")
    check(rc == 0, f"exit {rc}: {err}")
    names = [r["workload"] for r in csv_rows(out)]
    check(names == ["collect_reachable", "alloc_free"], f"workloads {names}")


@test
def text_format():
    rc, out, err = bench("--python", sys.executable, "--rounds", "1", "--objects", "2000",
                         "--workload", "collect_garbage")
    check(rc == 0, f"exit {rc}: {err}")
    lines = out.splitlines()
    check(lines[0].split() == ["WORKLOAD", "OBJECTS", "NATIVE", "ns/obj", "CPYTHON", "ns/obj",
                               "SPEEDUP"], f"header: {lines[0]}")
    words = lines[1].split()
    check(words[0] == "collect_garbage" and words[1] == "2000" and words[-1].endswith("x"),
          f"row: {lines[1]}")
    check(any(l.startswith("speedup = CPython ns per object / native ns per object")
              for l in lines), f"no line saying what the ratio means:\n{out}")


@test
def missing_python():
    rc, out, err = bench("--format", "csv", "--python", "/nonexistent/python3", "--rounds", "1",
                         "--objects", "2000", "--workload", "collect_reachable,alloc_free")
    check(rc == 0, f"exit {rc}, expected 0: {err}")
    check("warning" in err and "/nonexistent/python3" in err, f"no warning naming it: {err!r}")
    rows = csv_rows(out)
    check(len(rows) == 2, f"{len(rows)} rows")
    for r in rows:
        positive(r, "native_ns_per_object")
        check(r["cpython_ns_per_object"] == "" and r["speedup"] == "",
              f"{r['workload']}: CPython columns not empty: {r}")


@test
def bad_options():
    cases = [
        (["--rounds", "0"], "'0'"),
        (["--rounds", "many"], "'many'"),
        (["--objects", "1"], "'1'"),
        (["--objects", "-5"], "'-5'"),
        (["--format", "xml"], "'xml'"),
        (["--workload", "collect_everything"], "'collect_everything'"),
        (["--workload", "alloc_free,nope"], "'nope'"),
        (["--python", ""], "--python"),
        (["--frobnicate"], "unknown option '--frobnicate'"),
        (["--rounds"], "option '--rounds' needs a value"),
        (["stray"], "'stray'"),
    ]
    for args, named in cases:
        rc, out, err = bench(*args)
        check(rc == 2, f"{args}: exit {rc}, expected 2")
        check(err.startswith("bench: ") and named in err, f"{args}: message {err!r} lacks {named}")
        check(out == "", f"{args}: wrote to stdout: {out!r}")


@test
def help_text():
    rc, out, err = bench("--help")
    check(rc == 0 and out.startswith("Usage: bench perf"), f"exit {rc}: {out!r} {err!r}")
    for opt in ["--format", "--rounds", "--objects", "--workload", "--python"] + WORKLOADS:
        check(opt in out, f"--help does not mention {opt}")
    p = subprocess.run([BENCH, "--help"], capture_output=True, text=True)
    check(" perf " in p.stdout, "bench --help does not list perf")


def run(bench, name):
    global BENCH
    BENCH = bench
    TESTS[name]()


if __name__ == "__main__":
    sys.exit(main(TESTS, run, f"usage: {sys.argv[0]} BENCH TEST | --list"))
