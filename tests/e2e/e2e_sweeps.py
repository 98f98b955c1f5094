#!/usr/bin/env python3
"""e2e_sweeps.py — sweeps on one machine (issue 11): `bench run --jobs N` against `--jobs 1`
on the same plan (counts exact, RSS within noise), --jobs capped by --pin, `--shard K/N`
parts of a plan, `bench plan`'s job list run line by line, the options' errors, and the
progress on stderr (a terminal of 40 columns through a pty, and no terminal).
Usage: e2e_sweeps.py BENCH TEST | e2e_sweeps.py --list. Exit 0 pass, 1 fail, 77 skip."""

import csv
import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import tempfile
import termios
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from testmain import Tests, check, main  # noqa: E402

BENCH = None
test = TESTS = Tests()
SANITIZED = bool(os.environ.get("GCBENCH_SANITIZED"))

# The plan the comparisons run: every built-in scenario natively, two modes, and the embedded
# CPython on two of them (its counts are CPython's own).
PLAN = ["--scenario", "all", "--runtime", "native", "--gc", "forced,auto", "--iterations", "6"]
PLAN_PY = ["--scenario", "self_cycle,weakref_cycle", "--runtime", "python", "--gc",
           "forced,off", "--iterations", "5"]

# Exact in runs.csv and in every kind=iter sample: what a neighbour must not change.
RUN_COUNTS = ["status", "scenario", "runtime", "policy", "threshold", "mode", "repeat",
              "iterations_done", "collections", "collected", "uncollectable", "garbage",
              "plan_index"]
ITER_COUNTS = ["live_objects", "collections", "collected", "uncollectable", "garbage",
               "count0", "count1", "count2", "heap_objects"]
# RSS: a run's final RSS within this of the same run's alone (run-to-run noise: allocator and
# page-cache effects of a few hundred KiB on a 8–30 MiB process).
RSS_TOLERANCE = (0.15, 2 << 20)  # 15%, or 2 MiB, whichever is larger


def bench(*args, env=None, timeout=600, cwd=None):
    p = subprocess.run([BENCH, *args], capture_output=True, text=True, timeout=timeout,
                       env=env, cwd=cwd)
    return p.returncode, p.stdout, p.stderr


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def latest(out):
    return os.path.realpath(os.path.join(out, "latest"))


def machine(folder):
    return {r["key"]: r["value"] for r in read_csv(os.path.join(folder, "machine.csv"))}


def runs_by_id(folder):
    return {r["run_id"]: r for r in read_csv(os.path.join(folder, "runs.csv"))}


def iter_samples(folder):
    """(run_id, iteration) -> the kind=iter sample row."""
    return {(s["run_id"], int(s["iteration"])): s
            for s in read_csv(os.path.join(folder, "samples.csv")) if s["kind"] == "iter"}


def same_counts(a, b, what):
    """Folders a and b hold the same runs with the same counts; RSS within noise (plain build
    only). Returns the largest RSS difference seen, as a fraction."""
    ra, rb = runs_by_id(a), runs_by_id(b)
    check(sorted(ra) == sorted(rb), f"{what}: runs differ: {sorted(ra)} vs {sorted(rb)}")
    for rid in ra:
        for col in RUN_COUNTS:
            check(ra[rid][col] == rb[rid][col],
                  f"{what}: {rid} {col}: {ra[rid][col]!r} vs {rb[rid][col]!r}")
    sa, sb = iter_samples(a), iter_samples(b)
    check(sorted(sa) == sorted(sb), f"{what}: iteration samples differ")
    for key in sa:
        for col in ITER_COUNTS:
            check(sa[key][col] == sb[key][col],
                  f"{what}: {key} {col}: {sa[key][col]!r} vs {sb[key][col]!r}")
    worst = 0.0
    if not SANITIZED:
        frac, floor = RSS_TOLERANCE
        for rid in ra:
            x, y = int(ra[rid]["final_rss_bytes"]), int(rb[rid]["final_rss_bytes"])
            check(abs(x - y) <= max(frac * max(x, y), floor),
                  f"{what}: {rid} final RSS {x} vs {y}: beyond run-to-run noise")
            worst = max(worst, abs(x - y) / max(x, y))
    return worst


@test
def jobs_equal_counts():
    """The same plan with --jobs 1 and --jobs 2: equal counts, RSS within noise; jobs
    recorded in runs.csv and machine.csv; with --jobs 2 the runs went to two CPUs."""
    if (os.cpu_count() or 1) < 2:
        check(False, "this test needs 2 CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        for plan, name in ((PLAN, "native"), (PLAN_PY, "python")):
            folders = {}
            for jobs in (1, 2):
                out = os.path.join(tmp, f"{name}{jobs}")
                rc, _, err = bench("run", *plan, "--jobs", str(jobs), "--out", out, "--quiet",
                                   "--no-plot")
                check(rc == 0, f"{name} --jobs {jobs}: exit {rc}: {err}")
                folders[jobs] = latest(out)
                m = machine(folders[jobs])
                check(m["jobs"] == str(jobs), f"machine.csv jobs {m['jobs']}, expected {jobs}")
                runs = runs_by_id(folders[jobs])
                check({r["jobs"] for r in runs.values()} == {str(jobs)},
                      f"runs.csv jobs: {sorted({r['jobs'] for r in runs.values()})}")
                cpus = {r["cpu"] for r in runs.values()}
                check(len(cpus) == jobs, f"--jobs {jobs}: the runs used CPUs {sorted(cpus)}")
            worst = same_counts(folders[1], folders[2], f"{name}: --jobs 1 vs 2")
            print(f"{name}: {len(runs_by_id(folders[1]))} runs, counts equal, largest final "
                  f"RSS difference {worst:.1%}")


@test
def jobs_capped_by_pin():
    """--jobs beyond the cores --pin allows is capped, with a note; a --pin list caps it to
    its length; --pin none keeps the cores' cap."""
    with tempfile.TemporaryDirectory() as tmp:
        ncores = None
        for pin, jobs, want in (("auto", 64, None), ("0", 3, 1), ("none", 64, None)):
            out = os.path.join(tmp, pin)
            rc, _, err = bench("run", "--scenario", "self_cycle", "--iterations", "2", "--pin",
                               pin, "--jobs", str(jobs), "--out", out, "--quiet", "--no-plot")
            check(rc == 0, f"--pin {pin} --jobs {jobs}: exit {rc}: {err}")
            m = machine(latest(out))
            got = int(m["jobs"])
            if want is None:
                ncores = ncores or got
                check(got == ncores and 1 <= got <= os.cpu_count(),
                      f"--pin {pin} --jobs {jobs}: jobs {got}")
            else:
                check(got == want, f"--pin {pin} --jobs {jobs}: jobs {got}, expected {want}")
            check(f"--jobs {jobs} capped to {got}" in err, f"no note of the cap: {err!r}")


@test
def bad_sweep_options():
    """Each bad --jobs, --pin, --shard and bench plan option: exit 2, a message naming it,
    nothing written."""
    cases = [
        (["run", "--jobs", "0"], "--jobs"),
        (["run", "--jobs", "x"], "--jobs"),
        (["run", "--pin", "0,0"], "CPU 0 twice"),
        (["run", "--pin", "0,"], None),
        (["run", "--pin", "99999"], "no such CPU"),
        (["run", "--shard", "3/2"], "--shard"),
        (["run", "--shard", "0/2"], "--shard"),
        (["run", "--shard", "1"], "--shard"),
        (["run", "--scenario", "self_cycle", "--gc", "forced", "--shard", "2/3"],
         "only 1 run(s)"),
        (["plan", "--shard", "1/2"], "no --shard"),
        (["plan", "--scenario", "self_cycle", "--gc", "forced", "--shards", "2"],
         "only 1 run(s)"),
        (["plan", "--shards", "0"], "--shards"),
        (["plan", "--shards"], "option '--shards' needs a value"),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for args, says in cases:
            out = os.path.join(tmp, "out")
            rc, _, err = bench(*args, "--out", out) if args[-1] != "--shards" else \
                bench(*args)
            check(rc == 2, f"{args}: exit {rc}, expected 2: {err}")
            check(says is None or says in err, f"{args}: {err!r} does not say {says!r}")
            wrote = os.listdir(out) if os.path.exists(out) else []
            check(not wrote, f"{args}: wrote {wrote}")
        spaced = os.path.join(tmp, "a plan")
        rc, _, err = bench("plan", "--scenario", "self_cycle", "--out", spaced)
        check(rc == 2 and "no spaces" in err, f"plan into {spaced!r}: exit {rc}: {err}")


@test
def shards_partition_the_plan():
    """--shard 1/3, 2/3, 3/3: disjoint, together the whole plan (run ids, plan_index and
    settings as the plain run's), one plan_id, shard K/N and plan_runs in machine.csv."""
    with tempfile.TemporaryDirectory() as tmp:
        args = ["--scenario", "self_cycle,weakref_cycle,global_cache", "--gc", "forced,off",
                "--iterations", "3", "--quiet", "--no-plot"]
        rc, _, err = bench("run", *args, "--out", os.path.join(tmp, "whole"))
        check(rc == 0, f"whole: {err}")
        whole = runs_by_id(latest(os.path.join(tmp, "whole")))
        wm = machine(latest(os.path.join(tmp, "whole")))
        seen, ids = {}, set()
        for k in (1, 2, 3):
            out = os.path.join(tmp, f"s{k}")
            rc, _, err = bench("run", *args, "--shard", f"{k}/3", "--out", out)
            check(rc == 0, f"shard {k}: exit {rc}: {err}")
            m = machine(latest(out))
            check(m["shard"] == f"{k}/3" and m["plan_runs"] == str(len(whole)),
                  f"shard {k}: machine.csv shard {m['shard']} plan_runs {m['plan_runs']}")
            ids.add(m["plan_id"])
            runs = runs_by_id(latest(out))
            check(len(runs) == 2, f"shard {k}: {len(runs)} runs, expected 2 of 6")
            check(m["runs_planned"] == "2", f"shard {k}: runs_planned {m['runs_planned']}")
            for rid, r in runs.items():
                check(rid not in seen, f"{rid} in shards {seen.get(rid)} and {k}")
                seen[rid] = k
                for col in ("scenario", "mode", "plan_index"):
                    check(r[col] == whole[rid][col], f"{rid} {col}: {r[col]} vs {whole[rid][col]}")
                check(rid == "r%04d" % int(r["plan_index"]), f"{rid}: plan_index {r['plan_index']}")
        check(sorted(seen) == sorted(whole), f"shards hold {sorted(seen)}, plan {sorted(whole)}")
        check(ids == {wm["plan_id"]}, f"plan ids {ids} vs the whole plan's {wm['plan_id']}")
        # another plan has another id
        rc, _, _ = bench("run", *args[:-4], "--iterations", "4", "--quiet", "--no-plot",
                         "--shard", "1/3", "--out", os.path.join(tmp, "other"))
        check(machine(latest(os.path.join(tmp, "other")))["plan_id"] != wm["plan_id"],
              "a plan with other iterations has the same plan_id")


@test
def plan_lines_run_the_plan():
    """bench plan: jobs.txt has one `bench run --shard K/N` line per run, run where the plan
    was made (a relative --scenario FILE still resolves); slurm.sbatch is an array job of
    them; each line, run by sh, makes its shard; a second plan into the folder is refused."""
    with tempfile.TemporaryDirectory() as tmp:
        scen = os.path.join(tmp, "mine.py")
        with open(scen, "w") as f:
            f.write("PARAMS = {'n': 3}\n\ndef step(params):\n"
                    "    return [[] for _ in range(params['n'])]\n")
        plan = os.path.join(tmp, "p")
        rc, out, err = bench("plan", "--scenario", "mine.py", "--gc", "forced,off", "--repeat",
                             "2", "--iterations", "3", "--jobs", "2", "--out", plan, cwd=tmp)
        check(rc == 0, f"plan: exit {rc}: {err}")
        with open(os.path.join(plan, "jobs.txt")) as f:
            lines = f.read().splitlines()
        check(len(lines) == 4, f"{len(lines)} lines, expected 4 (2 modes x 2 repeats)")
        for k, line in enumerate(lines, 1):
            check(f"--shard {k}/4" in line and f"--out {plan}/shards/{k}" in line,
                  f"line {k}: {line}")
            check("--jobs" not in line and line.startswith(f"cd {tmp} && "), f"line {k}: {line}")
        with open(os.path.join(plan, "slurm.sbatch")) as f:
            script = f.read()
        check("#SBATCH --array=1-4" in script and os.access(os.path.join(plan, "slurm.sbatch"),
                                                               os.X_OK), "slurm.sbatch")
        check("sbatch" in out and "bench merge" in out, f"plan's output: {out}")
        ids = set()
        for k, line in enumerate(lines, 1):
            p = subprocess.run(["sh", "-c", line], capture_output=True, text=True, cwd="/")
            check(p.returncode == 0, f"line {k}: exit {p.returncode}: {p.stderr}")
            folder = latest(os.path.join(plan, "shards", str(k)))
            runs = runs_by_id(folder)
            check(list(runs) == ["r%04d" % k] and runs["r%04d" % k]["status"] == "ok",
                  f"shard {k}: {list(runs)}")
            ids.add(machine(folder)["plan_id"])
        check(len(ids) == 1, f"the shards carry plan ids {ids}")
        rc, _, err = bench("plan", "--scenario", "self_cycle", "--out", plan)
        check(rc == 2 and "earlier plan" in err, f"second plan: exit {rc}: {err}")


def run_in_pty(args, columns):
    """Runs bench with stderr (and stdout) on a pty `columns` wide; returns (rc, output)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    p = subprocess.Popen([BENCH, *args], stdout=slave, stderr=slave, stdin=subprocess.DEVNULL,
                         close_fds=True)
    os.close(slave)
    chunks = []
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        r, _, _ = select.select([master], [], [], 0.5)
        if r:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        elif p.poll() is not None:
            break
    os.close(master)
    return p.wait(), b"".join(chunks).decode("utf-8", "replace")


@test
def progress_fits_the_terminal():
    """On a 40-column terminal the live line (runs done, each running run's iteration,
    elapsed, ETA) never reaches the last column, so it never wraps; not on a terminal, stderr
    holds the final line only (no live line, no carriage return)."""
    with tempfile.TemporaryDirectory() as tmp:
        slow = os.path.join(tmp, "slow_steps.py")
        with open(slow, "w") as f:
            f.write("import time\n\ndef step(params):\n    time.sleep(0.04)\n")
        args = ["run", "--scenario", slow, "--gc", "forced,off", "--repeat", "2",
                "--iterations", "20", "--jobs", "2", "--no-plot", "--out",
                os.path.join(tmp, "tty")]
        rc, text = run_in_pty(args, 40)
        check(rc == 0, f"exit {rc}: {text[-2000:]}")
        live = []
        for piece in text.replace("\r\n", "\n").split("\r"):
            piece = piece.split("\n")[0]
            shown = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", piece)
            if shown.startswith("bench: ") and " runs, " in shown:
                live.append(shown)
        check(live, f"no live progress line in: {text[:2000]!r}")
        check(all(len(s) <= 39 for s in live),
              f"a live line of {max(len(s) for s in live)} columns on a 40-column terminal: "
              f"{max(live, key=len)!r}")
        check(any(re.match(r"bench: \d+/4 runs, ", s) for s in live), f"lines: {live[:5]}")
        rc, out, err = bench("run", *args[1:-1], os.path.join(tmp, "pipe"))
        check(rc == 0, f"exit {rc}: {err}")
        lines = [ln for ln in err.splitlines() if ln]
        check("\r" not in err and len(lines) == 1 and
              re.match(r"bench: 4 of 4 runs ended in \S+: 4 ok, 0 not ok$", lines[0]),
              f"stderr not on a terminal: {err!r}")
    wide = subprocess.run([BENCH, "run", "--help"], capture_output=True, text=True).stdout
    check("--jobs N" in wide and "--shard K/N" in wide, "--help lacks --jobs or --shard")


def run(bench_path, name):
    global BENCH
    BENCH = os.path.abspath(bench_path)
    TESTS[name]()


if __name__ == "__main__":
    sys.exit(main(list(TESTS), run, __doc__))
