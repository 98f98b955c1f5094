#!/usr/bin/env python3
"""e2e_readers.py — the readers (`bench report`, `plot`, `compare`) on results folders damaged
or forged on purpose: a results folder is untrusted input. Each test runs `bench run` once into
a temporary folder, spoils a copy of it, and requires every reader to stop at once with exit 1
and one message naming the file and line (never a hang, a crash or an allocation the size of a
forged number). Usage: e2e_readers.py BENCH TEST | e2e_readers.py --list. Exit 0 pass, 1 fail,
77 skip."""

import csv
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from testmain import Tests, check, main  # noqa: E402

BENCH = None
test = TESTS = Tests()

# "Does not hang" only: a slow or sanitized machine answers in well under a second, and the
# bug this guards against took minutes. What the tests assert is the message and exit status.
HANG_SECONDS = 60
# csvio.h's caps
CELL_MAX_BYTES = 64 * 1024
ROW_MAX_BYTES = 1024 * 1024
MAX_COLUMNS = 1024


def bench(*args, timeout=HANG_SECONDS):
    """Runs bench; returns (exit code, stdout, stderr). A hang is a failure, not an error."""
    try:
        p = subprocess.run([BENCH, *args], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"bench {' '.join(args)} still running after {timeout} s")
    return p.returncode, p.stdout, p.stderr


def make_folder(tmp):
    """A real results folder: self_cycle, 3 iterations, no plots. Returns its path."""
    out = os.path.join(tmp, "res")
    rc, so, se = bench("run", "--scenario", "self_cycle", "--iterations", "3", "--no-plot",
                       "--quiet", "--out", out, timeout=600)
    check(rc == 0, f"bench run exited {rc}\nstdout:\n{so}\nstderr:\n{se}")
    return os.path.realpath(os.path.join(out, "latest"))


def copy_folder(src, tmp, name):
    dst = os.path.join(tmp, name)
    shutil.copytree(src, dst)
    return dst


def read_rows(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


def write_rows(path, rows):
    with open(path, "w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def set_cell(path, line, column, value):
    """Sets the cell of column on line (1-based, the header is line 1) of the CSV file."""
    rows = read_rows(path)
    rows[line - 1][rows[0].index(column)] = value
    write_rows(path, rows)


def readers_refuse(good, bad, needle):
    """report, plot and compare (bad alone, and beside good) each exit 1 with one message that
    starts with 'bench: ' and holds needle ("FILE:LINE: what"); good alone still reports."""
    rc, so, se = bench("report", good)
    check(rc == 0, f"report of the unspoilt folder exited {rc}: {se}")
    for args in (["report", bad], ["report", bad, "--format", "json"], ["plot", bad],
                 ["compare", bad, bad], ["compare", good, bad]):
        rc, so, se = bench(*args)
        check(rc == 1, f"bench {args[0]}: exit {rc}, expected 1 (a malformed folder)\n"
                       f"stderr: {se[:2000]}")
        check(se.startswith("bench: "), f"bench {args[0]}: stderr is not one 'bench: ' message: "
                                        f"{se[:2000]!r}")
        check(needle in se, f"bench {args[0]}: the message does not say {needle!r}: {se[:2000]!r}")
        check(len(se) < 2000, f"bench {args[0]}: a message of {len(se)} bytes (the cell echoed?)")


@test
def ten_mb_cell():
    """The issue's report: one 10 MB cell (a run's message) in runs.csv made report, plot and
    compare run for minutes under ASan (libcsv grew its buffer 128 bytes at a time). Now each
    stops at the cell cap, naming runs.csv and the line."""
    with tempfile.TemporaryDirectory() as tmp:
        good = make_folder(tmp)
        bad = copy_folder(good, tmp, "bad")
        set_cell(os.path.join(bad, "runs.csv"), 2, "message", "x" * 10_000_000)
        readers_refuse(good, bad, f"runs.csv:2: a cell longer than {CELL_MAX_BYTES} bytes")
        # the same in samples.csv, quoted and spread over lines (the cap is crossed on line 3)
        bad2 = copy_folder(good, tmp, "bad2")
        set_cell(os.path.join(bad2, "samples.csv"), 2, "holder_chain", "y\n" * 5_000_000)
        readers_refuse(good, bad2, f"samples.csv:{2 + CELL_MAX_BYTES // 2}: a cell longer than")


@test
def long_rows():
    """A row whose cells are each under the cap but add up to more than the row cap, and a
    header of more columns than the cap: errors naming the file and line."""
    with tempfile.TemporaryDirectory() as tmp:
        good = make_folder(tmp)
        bad = copy_folder(good, tmp, "bad")
        path = os.path.join(bad, "runs.csv")
        rows = read_rows(path)
        rows[1] = ["z" * 60_000] * len(rows[0])  # 36 × 60 000 bytes > 1 MiB
        write_rows(path, rows)
        readers_refuse(good, bad, f"runs.csv:2: a row longer than {ROW_MAX_BYTES} bytes")
        bad2 = copy_folder(good, tmp, "bad2")
        path = os.path.join(bad2, "summary.csv")
        rows = read_rows(path)
        rows[0] += [f"extra{i}" for i in range(MAX_COLUMNS)]
        write_rows(path, rows)
        readers_refuse(good, bad2, f"summary.csv:1: a row of more than {MAX_COLUMNS} cells")


@test
def forged_iterations():
    """Iteration numbers size the readers' tables (one row per iteration 0..last): an iteration
    beyond the run's in samples.csv (10^12), any number beyond what a run measures (10^18), an
    iterations count beyond bench run's in runs.csv, or a gap in a run's iterations is an error
    naming the line, not a table of 10^12 rows."""
    with tempfile.TemporaryDirectory() as tmp:
        good = make_folder(tmp)
        samples = read_rows(os.path.join(good, "samples.csv"))
        it = samples[0].index("iteration")
        # the last iter sample of the first run: iteration 3
        line = max(i for i, r in enumerate(samples, start=1)
                   if r[1] == "iter" and r[0] == samples[1][0])
        check(samples[line - 1][it] == "3", f"samples.csv:{line}: expected iteration 3")
        bad = copy_folder(good, tmp, "huge")
        set_cell(os.path.join(bad, "samples.csv"), line, "iteration", str(10**12))
        readers_refuse(good, bad, f"samples.csv:{line}: iteration 1000000000000 of run "
                                  f"'{samples[1][0]}'; expected 0 to 3")
        bad = copy_folder(good, tmp, "beyond")
        set_cell(os.path.join(bad, "samples.csv"), line, "iteration", str(10**18))
        readers_refuse(good, bad, f"samples.csv:{line}: iteration is 1000000000000000000, beyond "
                                  "what a run measures")
        bad = copy_folder(good, tmp, "count")
        set_cell(os.path.join(bad, "runs.csv"), 2, "iterations", str(10**12))
        readers_refuse(good, bad, "runs.csv:2: iterations is 1000000000000; expected 0 to "
                                  "1000000000")
        bad = copy_folder(good, tmp, "gap")
        line2 = next(i for i, r in enumerate(samples, start=1)
                     if r[0] == samples[1][0] and r[1] == "iter" and r[it] == "2")
        set_cell(os.path.join(bad, "samples.csv"), line2, "kind", "tick")  # no iter sample 2
        readers_refuse(good, bad, f"samples.csv:{line}: run '{samples[1][0]}' has an iter sample "
                                  "for iteration 3 but none for iteration 2")


@test
def many_settings_and_names():
    """Reading is linear in the folder whatever it holds: 16384 settings (the cap), each its own
    scenario with its summary.csv row, and 100 000 type names each grow once, answer at once
    (they took minutes when settings, names and summary rows were searched); one setting more
    is an error naming the run's line."""
    settings, names = 16384, 100_000
    with tempfile.TemporaryDirectory() as tmp:
        d = os.path.join(tmp, "many")
        os.makedirs(d)
        runs = [["run_id", "scenario", "runtime", "mode", "status", "iterations"]]
        runs += [[f"r{i}", f"s{i}", "native", "forced", "ok", "3"] for i in range(settings)]
        write_rows(os.path.join(d, "runs.csv"), runs)
        samples = [["run_id", "kind", "iteration", "rss_bytes", "live_objects", "live_bytes",
                    "type_name"]]
        for i in range(settings):
            samples += [[f"r{i}", "iter", str(it), "1048576", "", "", ""] for it in range(2)]
        samples += [["r0", "type", str(i % 2), "", str(i), str(i), f"m.T{i}"]
                    for i in range(names)]
        write_rows(os.path.join(d, "samples.csv"), samples)
        summary = [["scenario", "runtime", "policy", "allocator", "threshold", "mode", "repeats",
                    "rss_growth_bytes_per_iter", "verdict"]]
        summary += [[f"s{i}", "native", "", "", "", "forced", "1", "0", "released"]
                    for i in range(settings)]
        write_rows(os.path.join(d, "summary.csv"), summary)
        for args in (["report", d], ["report", d, "--format", "json"], ["compare", d, d]):
            rc, so, se = bench(*args)
            check(rc == 0, f"bench {' '.join(args[:1])}: exit {rc}: {se[:2000]}")
        write_rows(os.path.join(d, "runs.csv"),
                   runs + [[f"r{settings}", "one_more", "native", "forced", "ok", "3"]])
        rc, so, se = bench("report", d)
        check(rc == 1 and f"runs.csv:{settings + 2}: a setting (scenario, runtime, policy, "
              f"allocator, threshold) beyond the {settings} a folder may hold" in se,
              f"one setting too many: exit {rc}: {se[:2000]}")


def run(bench_path, name):
    global BENCH
    BENCH = bench_path
    TESTS[name]()


if __name__ == "__main__":
    sys.exit(main(TESTS, run, __doc__))
