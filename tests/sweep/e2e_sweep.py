#!/usr/bin/env python3
"""e2e_sweep.py — a sweep run by real engines: `bench plan` writes a plan folder (jobs.txt, one
`bench run --shard K/N` command a line, and slurm.sbatch, a SLURM array over them); a real
engine runs it; `bench merge` joins the shards; and the merged folder must hold what one
plain `bench run` of the same options holds. Usage: e2e_sweep.py BENCH TEST |
e2e_sweep.py --list. Exit 0 pass, 1 fail (never skip: a missing or broken engine fails with
its reason).

  slurm_array   a one-node SLURM cluster started for the test (slurm_local.py: its own
                munged, slurmctld, slurmd on free ports in a temporary folder), the plan's
                slurm.sbatch submitted with sbatch, every array task COMPLETED with exit 0
  gnu_parallel  GNU parallel --jobs 2 --halt now,fail=1 over jobs.txt, every job exit 0
  gnu_parallel_ssh  the same in parallel's remote mode (--sshloginfile of two hosts,
                --workdir .) with --ssh a stand-in that runs each line here as sshd would

Both then compare the merged folder with its twin run by `bench run`: the same runs (run_id,
scenario, runtime, policy, mode, repeat), the same counts (runs.csv's collections,
collected, uncollectable, garbage, iterations_done; every kind=iter sample's live_objects,
collections, collected), the same summary settings, and — in the plain build only
(GCBENCH_SANITIZED unset: a sanitizer's allocator changes RSS) — each run's final RSS within
RSS_TOLERANCE of its twin's. `bench report` of the merged folder exits 0."""

import csv
import glob
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, HERE)
from slurm_local import ClusterError, LocalSlurm  # noqa: E402
from testmain import Tests, check, main  # noqa: E402

BENCH = None
test = TESTS = Tests()
SANITIZED = os.environ.get("GCBENCH_SANITIZED") == "1"
MIB = 1024 * 1024
# A run's final RSS and its twin's (the same run, another process, maybe beside another run)
# may differ by the allocator's and the kernel's noise: at most 25 % of the larger or 4 MiB,
# whichever is more (4 MiB: a few arenas and the interpreter's own pages on a small RSS).
RSS_TOLERANCE_FRACTION = 0.25
RSS_TOLERANCE_BYTES = 4 * MIB
# The plan: 2 scenarios x 2 modes x 2 repeats = 8 runs, a few seconds in all.
PLAN_OPTIONS = ["--scenario", "self_cycle,weakref_cycle", "--runtime", "native",
                "--gc", "forced,off", "--repeat", "2", "--iterations", "6"]
PLAN_RUNS = 8
RUN_KEYS = ["scenario", "runtime", "policy", "allocator", "threshold", "mode", "repeat",
            "iterations", "params"]
RUN_COUNTS = ["collections", "collected", "uncollectable", "garbage", "iterations_done"]
ITER_COUNTS = ["live_objects", "collections", "collected"]
SUMMARY_KEYS = ["scenario", "runtime", "policy", "allocator", "threshold", "mode", "repeats"]
ENGINE_TIMEOUT_S = 420


def bench(*args, timeout=300):
    """Runs bench; returns (exit code, stdout, stderr)."""
    p = subprocess.run([BENCH, *args], capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def bench_ok(*args):
    rc, so, se = bench(*args)
    check(rc == 0, f"bench {' '.join(args)}: exit {rc}\nstdout:\n{so}\nstderr:\n{se}")
    return so


def read_csv(path):
    check(os.path.isfile(path), f"no {path}")
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def results_folder(path):
    """The results folder an --out PATH names: PATH/latest's target when bench left that
    link, else PATH itself when it holds runs.csv."""
    latest = os.path.join(path, "latest")
    if os.path.islink(latest):
        return os.path.realpath(latest)
    check(os.path.isfile(os.path.join(path, "runs.csv")),
          f"{path} is no results folder: no latest link, no runs.csv "
          f"(holds {sorted(os.listdir(path)) if os.path.isdir(path) else 'nothing'})")
    return path


# ---- the plan ----------------------------------------------------------------------------

def make_plan(tmp):
    """bench plan PLAN_OPTIONS --out TMP/plan; checks jobs.txt and slurm.sbatch against the
    contract and returns (plan folder, its job lines)."""
    plan = os.path.join(tmp, "plan")
    bench_ok("plan", *PLAN_OPTIONS, "--out", plan)
    jobs_path = os.path.join(plan, "jobs.txt")
    check(os.path.isfile(jobs_path), f"bench plan wrote no {jobs_path}")
    with open(jobs_path) as f:
        jobs = [line for line in f.read().splitlines() if line.strip()]
    check(len(jobs) == PLAN_RUNS, f"jobs.txt has {len(jobs)} lines, expected one per run "
                                  f"({PLAN_RUNS}):\n" + "\n".join(jobs))
    bench_abs = os.path.realpath(BENCH)
    for k, line in enumerate(jobs, start=1):
        words = shlex.split(line)
        # 'cd DIR && ' may come first: relative paths in the options resolve where bench
        # plan ran
        if words[0] == "cd" and len(words) > 3 and words[2] == "&&":
            words = words[3:]
        check(os.path.isabs(words[0]) and os.path.realpath(words[0]) == bench_abs,
              f"jobs.txt:{k}: bench is not called by its absolute path {bench_abs}: {line}")
        check(words[1] == "run", f"jobs.txt:{k}: not a bench run: {line}")
        check(f"{k}/{PLAN_RUNS}" in words and words[words.index(f"{k}/{PLAN_RUNS}") - 1]
              == "--shard", f"jobs.txt:{k}: no --shard {k}/{PLAN_RUNS}: {line}")
        check("--out" in words, f"jobs.txt:{k}: no --out: {line}")
        out = words[words.index("--out") + 1]
        check(os.path.realpath(out) == os.path.realpath(os.path.join(plan, "shards", str(k))),
              f"jobs.txt:{k}: --out {out}, expected {plan}/shards/{k}")
    sbatch = os.path.join(plan, "slurm.sbatch")
    check(os.path.isfile(sbatch), f"bench plan wrote no {sbatch}")
    with open(sbatch) as f:
        text = f.read()
    check(re.search(rf"^#SBATCH\s+--array[= ]1-{PLAN_RUNS}\b", text, re.M),
          f"{sbatch}: no '#SBATCH --array=1-{PLAN_RUNS}':\n{text}")
    return plan, jobs


def twin(tmp):
    """The same plan run by one plain bench run: its results folder."""
    out = os.path.join(tmp, "twin")
    bench_ok("run", *PLAN_OPTIONS, "--out", out, "--quiet", "--no-plot")
    return results_folder(out)


def shard_folders(plan):
    shards = sorted(glob.glob(os.path.join(plan, "shards", "*")),
                    key=lambda p: int(os.path.basename(p)) if os.path.basename(p).isdigit()
                    else 0)
    check(len(shards) == PLAN_RUNS, f"{len(shards)} shard folders in {plan}/shards, expected "
                                    f"{PLAN_RUNS}: {[os.path.basename(s) for s in shards]}")
    return shards


def merge(plan, tmp):
    """bench merge PLAN/shards/* --out TMP/merged; bench report of it exits 0. Returns the
    merged results folder."""
    merged = os.path.join(tmp, "merged")
    bench_ok("merge", *shard_folders(plan), "--out", merged)
    folder = results_folder(merged)
    bench_ok("report", folder)
    return folder


# ---- the comparison ----------------------------------------------------------------------

def by_run(rows):
    out = {}
    for r in rows:
        check(r["run_id"] not in out, f"run_id {r['run_id']} twice")
        out[r["run_id"]] = r
    return out


def iter_samples(folder):
    """(run_id, iteration) -> the kind=iter sample row."""
    out = {}
    for s in read_csv(os.path.join(folder, "samples.csv")):
        if s["kind"] == "iter":
            key = (s["run_id"], int(s["iteration"]))
            check(key not in out, f"{folder}: two iter samples for {key}")
            out[key] = s
    return out


def rss_close(a, b):
    return abs(a - b) <= max(RSS_TOLERANCE_BYTES, RSS_TOLERANCE_FRACTION * max(a, b))


def compare_with_twin(merged, plain, engine):
    """The merged folder of ENGINE's shards holds the plain run's runs, counts and
    settings; RSS within the tolerance (plain build only)."""
    m_runs = by_run(read_csv(os.path.join(merged, "runs.csv")))
    p_runs = by_run(read_csv(os.path.join(plain, "runs.csv")))
    check(len(m_runs) == len(p_runs) == PLAN_RUNS,
          f"{engine}: {len(m_runs)} runs merged, {len(p_runs)} in the plain run, expected "
          f"{PLAN_RUNS}")
    check(sorted(m_runs) == sorted(p_runs),
          f"{engine}: run_ids {sorted(m_runs)} merged, {sorted(p_runs)} plain")
    machines = set()
    for run_id, p in p_runs.items():
        m = m_runs[run_id]
        check(m["status"] == "ok", f"{engine}: merged {run_id} status {m['status']}: "
                                   f"{m['message']}")
        for key in RUN_KEYS + RUN_COUNTS:
            check(m[key] == p[key], f"{engine}: {run_id} {key} {m[key]!r} merged, {p[key]!r} "
                                    f"plain")
        if "plan_index" in m and "plan_index" in p:
            check(m["plan_index"] == p["plan_index"],
                  f"{engine}: {run_id} plan_index {m['plan_index']} merged, {p['plan_index']}")
        machines.add(m.get("machine_id", ""))
        if not SANITIZED:
            a, b = int(m["final_rss_bytes"]), int(p["final_rss_bytes"])
            check(rss_close(a, b),
                  f"{engine}: {run_id} ({p['scenario']} {p['mode']}) final RSS "
                  f"{a / MIB:.2f} MiB merged, {b / MIB:.2f} MiB plain: more than "
                  f"max({RSS_TOLERANCE_FRACTION:.0%}, {RSS_TOLERANCE_BYTES // MIB} MiB) apart")
    m_iter, p_iter = iter_samples(merged), iter_samples(plain)
    check(sorted(m_iter) == sorted(p_iter),
          f"{engine}: iter samples differ: merged only {sorted(set(m_iter) - set(p_iter))}, "
          f"plain only {sorted(set(p_iter) - set(m_iter))}")
    for key, p in p_iter.items():
        for col in ITER_COUNTS:
            check(m_iter[key][col] == p[col], f"{engine}: {key[0]} iteration {key[1]} {col} "
                                              f"{m_iter[key][col]} merged, {p[col]} plain")
    settings = [sorted(tuple(r[k] for k in SUMMARY_KEYS)
                       for r in read_csv(os.path.join(folder, "summary.csv")))
                for folder in (merged, plain)]
    check(settings[0] == settings[1],
          f"{engine}: summary settings {settings[0]} merged, {settings[1]} plain")
    return len(p_iter)


# ---- the engines -------------------------------------------------------------------------

@test
def slurm_array():
    """bench plan → sbatch PLAN/slurm.sbatch on a one-node cluster started here → every
    array task COMPLETED, exit 0 → bench merge → the plain run's twin."""
    with tempfile.TemporaryDirectory(prefix="gcbench-sweep-") as tmp:
        os.chmod(tmp, 0o755)
        plan, jobs = make_plan(tmp)
        cluster = LocalSlurm(start_timeout_s=60)
        t0 = time.monotonic()
        try:
            cluster.start()
        except ClusterError as e:
            check(False, f"slurm_array: {e}")
        try:
            print(f"cluster up in {time.monotonic() - t0:.1f} s ({cluster.conf})")
            t1 = time.monotonic()
            try:
                job = cluster.submit(os.path.join(plan, "slurm.sbatch"), cwd=plan)
                tasks = cluster.wait_job(job, timeout_s=ENGINE_TIMEOUT_S)
            except ClusterError as e:
                check(False, f"slurm_array: {e}")
            print(f"array job {job}: {len(tasks)} tasks in {time.monotonic() - t1:.1f} s")
            logs = sorted(glob.glob(os.path.join(plan, "logs", "*")))
            check(len(tasks) == len(jobs),
                  f"array job {job} has {len(tasks)} tasks, jobs.txt {len(jobs)} lines: "
                  f"{tasks}")
            bad = [t for t in tasks if not t.ok]
            check(not bad, "array tasks failed:\n" + "\n".join(
                f"  {t}\n{read_log(t.std_out)}" for t in bad) + f"\n  logs: {logs}")
            check([t.task_id for t in tasks] == list(range(1, len(jobs) + 1)),
                  f"task ids {[t.task_id for t in tasks]}")
            starts = [t.start for t in tasks]
            side_by_side = max(starts.count(s) for s in starts)
            print(f"at most {side_by_side} tasks started in the same second "
                  f"({cluster.cpus} CPUs)")
        finally:
            cluster.stop()
        merged = merge(plan, tmp)
        samples = compare_with_twin(merged, twin(tmp), "slurm")
        print(f"slurm: {PLAN_RUNS} runs, {samples} iter samples equal to the plain run's")


def read_log(path):
    try:
        with open(path, errors="replace") as f:
            return "\n".join("    " + line for line in f.read().splitlines()[-20:])
    except OSError as e:
        return f"    ({path}: {e.strerror})"


def gnu_parallel_program():
    """GNU parallel's path; fails when it is missing or another program (moreutils' parallel
    has the same name)."""
    path = shutil.which("parallel")
    check(path is not None, "gnu_parallel: no 'parallel' on PATH (apt-get install parallel; "
                            "./setup.sh installs it)")
    r = subprocess.run([path, "--will-cite", "--version"], capture_output=True, text=True,
                       timeout=60, stdin=subprocess.DEVNULL)
    check(r.returncode == 0 and "GNU parallel" in r.stdout,
          f"gnu_parallel: {path} is not GNU parallel (exit {r.returncode}): "
          f"{(r.stdout + r.stderr).strip()[:300]}")
    return path


# A stand-in for ssh: `FAKESSH [ssh options] HOST [--] COMMAND...` runs COMMAND here through
# sh -c, as sshd runs it through the login shell; each call is logged with its host. Like sshd
# it sets SHELL to the user's login shell: parallel's remote wrapper execs $SHELL, and with
# SHELL unset (a CI job's environment) every job "succeeds" without running (seen in CI).
FAKE_SSH = """#!/bin/sh
echo "$*" >> "$0.log"
SHELL=$(getent passwd "$(id -u)" | cut -d: -f7)
case "$SHELL" in */nologin|*/false|"") SHELL=/bin/sh ;; esac
[ -x "$SHELL" ] || SHELL=/bin/sh
export SHELL
while [ $# -gt 0 ]; do
  case "$1" in
    -[bcDEeFIiJLlmOopQRSWw]) shift 2 ;;
    --) shift; break ;;
    -*) shift ;;
    *) break ;;
  esac
done
host=$1; shift
[ "${1:-}" = "--" ] && shift
exec env GCBENCH_FAKE_SSH_HOST="$host" sh -c "$*"
"""


def run_parallel(engine, tmp, *options):
    """bench plan, then PLAN/jobs.txt on GNU parallel's stdin with OPTIONS (and --joblog,
    --halt now,fail=1); every job exit 0; bench merge against the plain run's twin. Returns
    parallel's joblog rows."""
    program = gnu_parallel_program()
    plan, jobs = make_plan(tmp)
    joblog = os.path.join(tmp, "parallel.joblog")
    t0 = time.monotonic()
    with open(os.path.join(plan, "jobs.txt")) as stdin:
        r = subprocess.run([program, "--will-cite", "--halt", "now,fail=1", "--joblog", joblog,
                            *options], stdin=stdin, capture_output=True, text=True,
                           timeout=ENGINE_TIMEOUT_S, cwd=plan)
    print(f"{engine}: {len(jobs)} jobs in {time.monotonic() - t0:.1f} s")
    check(r.returncode == 0, f"{engine}: parallel {' '.join(options)} exited {r.returncode}\n"
                             f"stdout:\n{r.stdout}\nstderr:\n{r.stderr}")
    log = read_csv_tab(joblog)
    check(len(log) == len(jobs), f"{engine}: parallel's joblog has {len(log)} jobs, jobs.txt "
                                 f"{len(jobs)}:\n{log}")
    bad = [j for j in log if j["Exitval"] != "0" or j["Signal"] != "0"]
    check(not bad, f"{engine}: parallel jobs failed: {bad}\nstderr:\n{r.stderr}")
    merged = merge(plan, tmp)
    samples = compare_with_twin(merged, twin(tmp), engine)
    print(f"{engine}: {PLAN_RUNS} runs, {samples} iter samples equal to the plain run's")
    return log


@test
def gnu_parallel():
    """bench plan → parallel --jobs 2 --halt now,fail=1 < PLAN/jobs.txt → every job exit 0
    (its --joblog) → bench merge → the plain run's twin."""
    with tempfile.TemporaryDirectory(prefix="gcbench-sweep-") as tmp:
        run_parallel("parallel", tmp, "--jobs", "2")


@test
def gnu_parallel_ssh():
    """The same through GNU parallel's remote mode: --sshloginfile of two hosts, --workdir .,
    --jobs 1 a host, and --ssh a stand-in that runs each command here as sshd would (so the
    lines go through parallel's quoting for ssh; the file system is shared, nothing is
    copied back). Both hosts must have run jobs."""
    with tempfile.TemporaryDirectory(prefix="gcbench-sweep-") as tmp:
        ssh = os.path.join(tmp, "fakessh")
        with open(ssh, "w") as f:
            f.write(FAKE_SSH)
        os.chmod(ssh, 0o755)
        hosts = os.path.join(tmp, "hosts")
        with open(hosts, "w") as f:
            f.write("alpha\nbeta\n")
        log = run_parallel("parallel-ssh", tmp, "--jobs", "1", "--sshloginfile", hosts,
                           "--workdir", ".", "--ssh", ssh)
        used = sorted({j["Host"] for j in log})
        check(used == ["alpha", "beta"], f"parallel-ssh: jobs ran on {used}, expected both "
                                         f"alpha and beta")
        with open(ssh + ".log") as f:
            calls = f.read().splitlines()
        check(len(calls) >= PLAN_RUNS, f"parallel-ssh: {len(calls)} calls of the ssh stand-in "
                                       f"for {PLAN_RUNS} jobs")


def read_csv_tab(path):
    check(os.path.isfile(path), f"parallel wrote no joblog {path}")
    with open(path, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def run(bench_path, name):
    global BENCH
    BENCH = bench_path
    TESTS[name]()


if __name__ == "__main__":
    sys.exit(main(TESTS, run, __doc__))
