#!/usr/bin/env python3
"""e2e_untrusted.py — bench against scenarios it must not trust, and faults it must survive:
hostile scenario files (tests/e2e/hostile/: a write to every descriptor, forged records, a
daemonized grandchild, a bounded fork bomb; the same with --jobs 2, beside another run),
each of the signals that stop `bench run`,
SIGKILL of bench at random points of a multi-run plan, a disk that fills (a small tmpfs
mounted by the test), and --out paths bench must refuse. Each test runs `bench run` into a
temporary folder and reads its CSV back with Python's csv module.
Usage: e2e_untrusted.py BENCH TEST | e2e_untrusted.py --list. Exit 0 pass, 1 fail, 77 skip."""

import csv
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from testmain import Tests, check, main  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
HOSTILE = os.path.join(HERE, "hostile")
BENCH = None
test = TESTS = Tests()


def bench(*args, env=None, timeout=300):
    p = subprocess.run([BENCH, *args], capture_output=True, text=True, timeout=timeout,
                       env=env)
    return p.returncode, p.stdout, p.stderr


def hostile(name):
    return os.path.join(HOSTILE, name + ".py")


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def folder_of(out):
    """The one results folder under out (latest is not made when bench was killed)."""
    dirs = [d for d in os.listdir(out) if d[:1].isdigit()]
    check(len(dirs) == 1, f"one results folder under {out}: {dirs}")
    return os.path.join(out, dirs[0])


def machine(folder):
    return {r["key"]: r["value"] for r in read_csv(os.path.join(folder, "machine.csv"))}


def check_whole(folder):
    """Every row of runs.csv and samples.csv has exactly the header's cells; every run that
    ended ok has its samples of iterations 0..N; returns (runs, samples)."""
    for name in ("runs.csv", "samples.csv"):
        with open(os.path.join(folder, name), newline="") as f:
            rows = list(csv.reader(f))
        bad = [i + 1 for i, r in enumerate(rows) if len(r) != len(rows[0])]
        check(not bad, f"{name}: rows {bad[:5]} do not have {len(rows[0])} cells")
    runs = read_csv(os.path.join(folder, "runs.csv"))
    samples = read_csv(os.path.join(folder, "samples.csv"))
    ids = {r["run_id"] for r in runs}
    for r in runs:
        if r["status"] == "ok":
            iters = sorted(int(s["iteration"]) for s in samples
                           if s["run_id"] == r["run_id"] and s["kind"] == "iter")
            check(iters == list(range(int(r["iterations"]) + 1)),
                  f"run {r['run_id']} ok with iteration samples {iters}")
    return runs, samples, ids


def alive(pids):
    """The pids (from a hostile scenario's pid file) still running (zombies are dead)."""
    left = []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            left.append(pid)
    return left


def marked(mark):
    """The live processes whose environment holds GCBENCH_TEST_MARK=mark (bench's workers and
    what they started inherit it)."""
    found = []
    want = f"GCBENCH_TEST_MARK={mark}".encode()
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                if want in f.read().split(b"\0"):
                    found.append(int(pid))
        except OSError:
            pass
    return alive(found)


def pids_in(d):
    try:
        with open(os.path.join(d, "pids")) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def hostile_env(d):
    return dict(os.environ, GCBENCH_HOSTILE_DIR=d)


# ---- the wire: an untrusted peer ----------------------------------------------------------

@test
def write_to_every_descriptor():
    """A scenario that writes to every descriptor 0..1023: its run fails with a malformed
    record, the native run after it is ok, and no stray row reaches the results files (none
    is inherited)."""
    with tempfile.TemporaryDirectory() as out:
        rc, _, err = bench("run", "--scenario", hostile("every_fd") + ",self_cycle",
                           "--runtime", "native,python", "--gc", "forced", "--iterations", "4",
                           "--out", out, "--quiet", "--no-plot")
        check(rc == 1, f"exit {rc}, expected 1 (a run failed): {err}")
        folder = os.path.realpath(os.path.join(out, "latest"))
        runs, samples, _ = check_whole(folder)
        by = {(r["scenario"], r["runtime"]): r for r in runs}
        bad = by[("every_fd", "python")]
        check(bad["status"] == "failed" and
              bad["message"].startswith("worker sent a malformed record: "),
              f"every_fd: {bad['status']}: {bad['message']}")
        check(bad["iterations_done"] == "1", f"every_fd kept iteration 1: {bad['iterations_done']}")
        check(by[("self_cycle", "native")]["status"] == "ok", "the native run after it is ok")
        for name in ("runs.csv", "samples.csv", "machine.csv"):
            with open(os.path.join(folder, name)) as f:
                check("hostile,row" not in f.read(), f"the scenario's row is in {name}")
        rc, _, err = bench("report", folder)
        check(rc == 0, f"report: exit {rc}: {err}")


@test
def forged_records():
    """Records forged with the run's token (read out of the worker's own objects): a name with
    no NUL, a huge iteration, a huge count, an unknown kind, half a record. Each fails its run
    with the reason; bench neither crashes nor allocates from the numbers."""
    want = {1: "name is not NUL-ended within 512 bytes",
            2: "iteration 1000000000000000000 sample after iteration 1's",
            3: "live_objects 4611686018427387904 out of range",
            4: "unknown record kind 99",
            5: "the stream ended inside a record"}
    with tempfile.TemporaryDirectory() as out:
        for attack, why in want.items():
            sub = os.path.join(out, str(attack))
            rc, _, err = bench("run", "--scenario", hostile("forged_record"), "--param",
                               f"attack={attack}", "--gc", "forced", "--iterations", "4",
                               "--out", sub, "--quiet", "--no-plot")
            check(rc == 1, f"attack {attack}: exit {rc}, expected 1: {err}")
            runs, samples, _ = check_whole(folder_of(sub))
            msg = runs[0]["message"]
            check(runs[0]["status"] == "failed" and
                  msg.startswith("worker sent a malformed record: ") and why in msg,
                  f"attack {attack}: {runs[0]['status']}: {msg!r}, expected {why!r}")
            iters = [int(s["iteration"]) for s in samples if s["kind"] == "iter"]
            check(iters == [0, 1], f"attack {attack}: only the true samples kept: {iters}")


# ---- processes: no orphans, no hangs ------------------------------------------------------

@test
def daemonized_grandchild():
    """A daemon (double fork, setsid) and a child in the group, both holding the worker's
    pipes and sleeping 10 minutes: the run ends when the worker does, ok, and both are
    killed."""
    with tempfile.TemporaryDirectory() as out:
        t0 = time.monotonic()
        rc, _, err = bench("run", "--scenario", hostile("daemon"), "--gc", "forced",
                           "--iterations", "3", "--out", out, "--quiet", "--no-plot",
                           env=hostile_env(out), timeout=120)
        took = time.monotonic() - t0
        check(rc == 0, f"exit {rc}: {err}")
        pids = pids_in(out)
        check(len(pids) == 2, f"two processes left behind by the scenario: {pids}")
        check(not alive(pids), f"still running after bench: {alive(pids)}")
        check(took < 100, f"bench waited for the grandchildren: {took:.0f} s")
        runs, _, _ = check_whole(folder_of(out))
        check(runs[0]["status"] == "ok", f"{runs[0]['status']}: {runs[0]['message']}")


@test
def fork_bomb():
    """100 children each starting one more in a session of its own, then a step that never
    returns: --timeout stops the run, and every one of the 200 processes is killed."""
    with tempfile.TemporaryDirectory() as out:
        rc, _, err = bench("run", "--scenario", hostile("fork_bomb"), "--gc", "forced",
                           "--iterations", "2", "--timeout", "4", "--out", out, "--quiet",
                           "--no-plot", env=hostile_env(out), timeout=120)
        check(rc == 1, f"exit {rc}, expected 1: {err}")
        runs, _, _ = check_whole(folder_of(out))
        check(runs[0]["status"] == "timeout", f"{runs[0]['status']}: {runs[0]['message']}")
        pids = pids_in(out)
        check(len(pids) == 200, f"200 processes started: {len(pids)}")
        check(not alive(pids), f"{len(alive(pids))} still running after bench")


@test
def strays_of_one_run_beside_another():
    """--jobs 2: a run that leaves a daemon and a child behind ends while a slow run is still
    going. bench kills what the first left, and only that: the slow run's worker (a child of
    bench too) runs on to its end, ok, with all its iterations. Then two fork bombs side by
    side, each stopped by --timeout: both runs timeout and all 400 of their processes die."""
    with tempfile.TemporaryDirectory() as out:
        rc, _, err = bench("run", "--scenario", hostile("daemon") + "," + hostile("slow"),
                           "--gc", "forced", "--iterations", "5", "--jobs", "2", "--out", out,
                           "--quiet", "--no-plot", env=hostile_env(out), timeout=120)
        check(rc == 0, f"exit {rc}: {err}")
        runs, _, _ = check_whole(folder_of(out))
        by = {r["scenario"]: r for r in runs}
        check(by["daemon"]["status"] == "ok" and by["slow"]["status"] == "ok" and
              by["slow"]["iterations_done"] == "5",
              f"{[(r['scenario'], r['status'], r['message']) for r in runs]}")
        check(int(by["daemon"]["wall_ns"]) < int(by["slow"]["wall_ns"]),
              "the daemon's run did not end first: nothing was left to spare")
        pids = pids_in(out)
        check(len(pids) == 2 and not alive(pids), f"left behind: {pids}, alive {alive(pids)}")
    with tempfile.TemporaryDirectory() as out:
        rc, _, err = bench("run", "--scenario", hostile("fork_bomb"), "--gc", "forced,auto",
                           "--iterations", "2", "--timeout", "4", "--jobs", "2", "--out", out,
                           "--quiet", "--no-plot", env=hostile_env(out), timeout=120)
        check(rc == 1, f"exit {rc}, expected 1: {err}")
        runs, _, _ = check_whole(folder_of(out))
        check([r["status"] for r in runs] == ["timeout", "timeout"],
              f"statuses {[(r['status'], r['message']) for r in runs]}")
        check(len({r["cpu"] for r in runs}) == 2, f"CPUs {[r['cpu'] for r in runs]}")
        pids = pids_in(out)
        check(len(pids) == 400, f"400 processes started: {len(pids)}")
        check(not alive(pids), f"{len(alive(pids))} still running after bench")


def start_plan(out, mark):
    """bench run of a plan of several short native runs, in the background, its processes
    marked (marked())."""
    return subprocess.Popen([BENCH, "run", "--scenario", "self_cycle,weakref_cycle",
                             "--repeat", "3", "--iterations", "5", "--out", out, "--quiet",
                             "--no-plot"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, GCBENCH_TEST_MARK=mark))


def wait_for_runs(folder_parent, n, limit=60):
    """Waits until runs.csv of the one folder under folder_parent has n data rows."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        try:
            folder = folder_of(folder_parent)
            if len(read_csv(os.path.join(folder, "runs.csv"))) >= n:
                return folder
        except (AssertionError, OSError):
            pass
        time.sleep(0.02)
    raise AssertionError(f"no {n} runs in {folder_parent} after {limit} s")


def stop_with(sig):
    """Signal sig once a run has completed and the next is running: bench exits 128 + sig,
    keeps the completed runs and the interrupted one (status interrupted), writes the summary
    of what completed, records status interrupted, and leaves no worker behind."""
    with tempfile.TemporaryDirectory() as out:
        mark = f"{sig}-{os.getpid()}"
        p = subprocess.Popen([BENCH, "run", "--scenario", "self_cycle," + hostile("slow"),
                              "--gc", "forced", "--iterations", "5", "--out", out, "--quiet",
                              "--no-plot"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=dict(os.environ, GCBENCH_TEST_MARK=mark))
        folder = wait_for_runs(out, 1)
        time.sleep(0.4)  # inside slow.py's run (5 x 200 ms)
        p.send_signal(sig)
        _, err = p.communicate(timeout=60)
        name = signal.Signals(sig).name
        check(p.returncode == 128 + sig, f"{name}: exit {p.returncode}, expected {128 + sig}: "
              f"{err}")
        check(f"stopped by {name}" in err, f"{name}: stderr says why: {err}")
        runs, _, _ = check_whole(folder)
        check([r["status"] for r in runs] == ["ok", "interrupted"],
              f"{name}: statuses {[r['status'] for r in runs]}")
        check(runs[1]["message"].startswith(f"interrupted by {name} during iteration"),
              f"{name}: {runs[1]['message']}")
        m = machine(folder)
        check(m.get("status") == "interrupted" and m.get("runs_done") == "2" and
              m.get("runs_planned") == "2", f"{name}: machine.csv {m.get('status')} "
              f"{m.get('runs_done')}/{m.get('runs_planned')}")
        summary = read_csv(os.path.join(folder, "summary.csv"))
        check({r["scenario"] for r in summary} >= {"self_cycle"},
              f"{name}: the summary has the completed run: {summary}")
        rc, text, err = bench("report", folder)
        check(rc == 0 and "self_cycle" in text, f"{name}: report exit {rc}: {err}")
        check(not marked(mark), f"{name}: a worker is left running: {marked(mark)}")


@test
def sigint_stops():
    stop_with(signal.SIGINT)


@test
def sigterm_stops():
    stop_with(signal.SIGTERM)


@test
def sighup_stops():
    stop_with(signal.SIGHUP)


@test
def sigquit_stops():
    stop_with(signal.SIGQUIT)


@test
def sigkill_at_random_points():
    """bench killed with SIGKILL at random points of a 12-run plan, 25 times: every time,
    every run in runs.csv is whole (an ok run has all its samples), the folder says it is
    not complete, `bench report` reads it, and no worker outlives bench (PR_SET_PDEATHSIG)."""
    seed = int(os.environ.get("GCBENCH_TEST_SEED", time.time_ns() % 1000000))
    rnd = random.Random(seed)
    with tempfile.TemporaryDirectory() as top:
        # how long the whole plan takes here, to spread the kills over it
        t0 = time.monotonic()
        mark = f"sigkill-{os.getpid()}-{seed}"
        p = start_plan(os.path.join(top, "whole"), mark)
        p.communicate(timeout=300)
        check(p.returncode == 0, f"the plan alone: exit {p.returncode}")
        whole = time.monotonic() - t0
        completed = []
        for k in range(25):
            out = os.path.join(top, str(k))
            p = start_plan(out, mark)
            time.sleep(rnd.uniform(0.0, whole))
            p.kill()
            p.communicate()
            if not os.path.isdir(out) or not [d for d in os.listdir(out) if d[:1].isdigit()]:
                continue  # killed before the folder was made
            folder = folder_of(out)
            if not os.path.exists(os.path.join(folder, "samples.csv")):
                continue  # killed while creating it
            runs, _, _ = check_whole(folder)
            status = machine(folder).get("status")
            check(status in ("running", "complete"), f"kill {k} (seed {seed}): status {status}")
            rc, _, err = bench("report", folder)
            check(rc == 0, f"kill {k} (seed {seed}): report exit {rc}: {err}")
            if status == "running":
                check("is not complete" in err, f"kill {k}: report says incomplete: {err}")
            completed.append(len(runs))
        time.sleep(0.2)
        check(not marked(mark), f"workers outlived bench: {marked(mark)}")
        check(len(completed) >= 10, f"seed {seed}: only {len(completed)} folders to check")
        check(len(set(completed)) >= 3,
              f"seed {seed}: the kills did not spread over the plan: {completed}")


# ---- the disk -------------------------------------------------------------------------------

@test
def disk_full():
    """--out on a 384 KiB tmpfs (mounted by the test, as root or in a user namespace): the disk
    fills during the plan. bench says so once, exits 1, and the folder holds whole rows of the
    runs it committed, which `bench report` reads."""
    with tempfile.TemporaryDirectory() as top:
        mnt = os.path.join(top, "tiny")
        os.mkdir(mnt)
        script = (f'mount -t tmpfs -o size=384k tmpfs "{mnt}" || exit 90; '
                  f'"{BENCH}" run --scenario all --repeat 3 --iterations 10 --interval-ms 1 '
                  f'--out "{mnt}/r" --quiet --no-plot; echo "rc=$?"; '
                  f'"{BENCH}" report "$(ls -d "{mnt}"/r/2*)" > /dev/null 2>&1; echo "report=$?"; '
                  f'cp -r "{mnt}/r" "{top}/copy"; umount "{mnt}"')
        cmd = ["sh", "-c", script] if os.geteuid() == 0 else \
            ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        check(p.returncode != 90, f"cannot mount a tmpfs here ({' '.join(cmd[:4])}): "
              f"{p.stderr}")
        check("rc=1" in p.stdout, f"bench on a full disk: {p.stdout} {p.stderr}")
        errors = [line for line in p.stderr.splitlines() if line.startswith("bench: ")
                  and "[" not in line]
        check(len(errors) == 1 and "No space left on device" in errors[0],
              f"one clear error: {errors}")
        check("report=0" in p.stdout, f"report on the folder: {p.stdout} {p.stderr}")
        folder = folder_of(os.path.join(top, "copy"))
        runs, _, _ = check_whole(folder)
        check(0 < len(runs) < 7 * 3 * 3, f"{len(runs)} runs committed before the disk filled")
        check(machine(folder).get("status") in ("stopped", "running"),
              f"status {machine(folder).get('status')}")


# ---- paths ----------------------------------------------------------------------------------

@test
def out_paths_refused():
    """--out /, /dev, /proc, /sys (and below them, and through a link to them) and names with
    control characters: a usage error naming the reason, nothing written."""
    with tempfile.TemporaryDirectory() as top:
        link = os.path.join(top, "to-dev")
        os.symlink("/dev/shm", link)
        cases = {"/": "is the root folder", "/dev": "is in /dev", "/proc/self": "is in /proc",
                 "/sys/kernel": "is in /sys", link: "is in /dev",
                 os.path.join(top, "a\nb"): "control character (byte 0x0a)",
                 os.path.join(top, "x\x1b[31m"): "control character (byte 0x1b)"}
        for path, why in cases.items():
            rc, _, err = bench("run", "--scenario", "self_cycle", "--iterations", "2",
                               "--out", path, "--quiet", "--no-plot")
            check(rc == 2 and why in err, f"--out {path!r}: exit {rc}: {err}")
            check("\x1b" not in err and "a\nb" not in err, f"the name is escaped: {err!r}")
        check(sorted(os.listdir(top)) == ["to-dev"], f"written: {os.listdir(top)}")


@test
def latest_link():
    """<out>/latest: bench's own link is replaced by the next run; a folder or a link the user
    made under that name is left as it is, with a warning."""
    with tempfile.TemporaryDirectory() as out:
        args = ("run", "--scenario", "self_cycle", "--iterations", "2", "--out", out, "--quiet",
                "--no-plot")
        check(bench(*args)[0] == 0, "first run")
        first = os.readlink(os.path.join(out, "latest"))
        check(bench(*args)[0] == 0, "second run")
        second = os.readlink(os.path.join(out, "latest"))
        check(first != second and "/" not in second, f"latest: {first} then {second}")
        os.unlink(os.path.join(out, "latest"))
        os.symlink("/tmp", os.path.join(out, "latest"))
        rc, _, err = bench(*args)
        check(rc == 0 and "is not a link bench made" in err, f"exit {rc}: {err}")
        check(os.readlink(os.path.join(out, "latest")) == "/tmp", "the user's link stays")


def run_test(bench_path, name):
    global BENCH
    BENCH = bench_path
    TESTS[name]()


if __name__ == "__main__":
    sys.exit(main(list(TESTS), run_test, __doc__.split("\n\n")[0]))
