#!/usr/bin/env python3
"""jobs_bench.py — a benchmark (`meson test --benchmark`, never a test): one sweep, the
README's worked example unless other `bench run` options are given, run with --jobs 1 and
then --jobs N (default: this machine's cores, at most 2), back to back in one process;
prints both wall times, their ratio and whether every run's counts are equal.
Usage: jobs_bench.py BENCH [--jobs N] [RUN OPTION...]"""
import csv
import os
import subprocess
import sys
import tempfile
import time

WORKED_EXAMPLE = ["--scenario", "all", "--runtime", "native,python", "--gc", "forced,auto,off",
                  "--repeat", "3"]
COUNTS = ["status", "iterations_done", "collections", "collected", "uncollectable", "garbage"]


def runs(folder):
    with open(os.path.join(folder, "runs.csv"), newline="") as f:
        return {r["run_id"]: r for r in csv.DictReader(f)}


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    bench, rest = argv[1], argv[2:]
    jobs = min(os.cpu_count() or 1, 2)
    if rest[:1] == ["--jobs"]:
        jobs, rest = int(rest[1]), rest[2:]
    plan = rest or WORKED_EXAMPLE
    walls, folders = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for j in (1, jobs):
            out = os.path.join(tmp, f"jobs{j}")
            t0 = time.monotonic()
            p = subprocess.run([bench, "run", *plan, "--jobs", str(j), "--out", out, "--quiet",
                                "--no-plot"], capture_output=True, text=True)
            walls[j] = time.monotonic() - t0
            if p.returncode != 0:
                print(f"--jobs {j}: exit {p.returncode}: {p.stderr}", file=sys.stderr)
                return 1
            folders[j] = runs(os.path.realpath(os.path.join(out, "latest")))
        a, b = folders[1], folders[jobs]
        equal = sorted(a) == sorted(b) and all(a[r][c] == b[r][c] for r in a for c in COUNTS)
    print(f"plan: bench run {' '.join(plan)} ({len(a)} runs)")
    print(f"--jobs 1: {walls[1]:.1f} s")
    print(f"--jobs {jobs}: {walls[jobs]:.1f} s")
    print(f"ratio --jobs {jobs} / --jobs 1: {walls[jobs] / walls[1]:.3f}")
    print(f"counts equal: {'yes' if equal else 'NO'}")
    return 0 if equal else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
