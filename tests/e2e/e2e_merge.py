#!/usr/bin/env python3
"""e2e_merge.py — `bench merge DIR... --out OUT` on real shard folders (`bench run --shard K/N`)
against the plain `bench run` of the same options, and every way a merge is refused. Each test
runs bench into a temporary folder and reads the CSV files back with Python's csv module.

  shards_equal_plain  shards 1/2 and 2/2 (one with --jobs 2) merged hold the plain run's runs:
                      the same run_ids, settings and counts per run (runs.csv, every iter
                      sample), each run's machine_id and jobs kept, each run's sample rows
                      those of its shard; machine.csv's folder keys; inputs given as --out
                      parents (latest) or as the folders themselves
  two_machines        the second shard's machine_id edited to another machine: machine.csv
                      holds both machines' rows once each, in the order of their first runs
  different_plans     a shard of another plan: exit 2 naming both folders, nothing written
  duplicate_run       a shard given twice (a copy), and the plain run beside a shard: exit 2
                      naming both folders and the run, nothing written
  missing_shard       shards 1/3 and 3/3: exit 2 naming the plan, runs r0003-r0005 and shard
                      2/3, nothing written
  incomplete_folder   status interrupted / running: exit 1 naming the folder and its status
  before_sweeps       a folder without plan_id (an older bench's): exit 1, "rerun it"
  damaged_folder      a malformed runs.csv: exit 1 naming FILE:LINE, nothing written
  idempotent          the same folders again, in the other order, the merged folder alone (to
                      a new folder and onto itself): byte-identical files
  out_refused         --out a folder that is not a results folder, a file, a link: exit 2 and
                      left as it was; a results folder and an empty folder are replaced
  readers             report (text, json), plot and compare (merged beside plain) exit 0
  usage               no folder, no --out, an unknown option: exit 2; --help: exit 0

Usage: e2e_merge.py BENCH TEST | e2e_merge.py --list. Exit 0 pass, 1 fail, 77 skip."""

import csv
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from testmain import Tests, check, main  # noqa: E402

BENCH = None
test = TESTS = Tests()

# The plan: 2 scenarios x 2 modes x 2 repeats = 8 runs of 3 iterations, a second or two.
PLAN = ["--scenario", "self_cycle,cross_reference", "--iterations", "3", "--repeat", "2",
        "--no-plot", "--quiet"]
PLAN_RUNS = 8
# What makes a run the run it is, and the counts that do not depend on timing or RSS.
RUN_KEYS = ["scenario", "runtime", "policy", "allocator", "threshold", "mode", "repeat",
            "iterations", "params", "plan_index"]
RUN_COUNTS = ["collections", "collected", "uncollectable", "garbage", "iterations_done",
              "objects_scanned"]
ITER_COUNTS = ["live_objects", "collections", "collected", "uncollectable", "garbage"]
FOLDER_KEYS = ["plan_id", "plan_runs", "shard", "merged_from", "status", "runs_planned",
               "runs_done"]
FILES = ["machine.csv", "runs.csv", "samples.csv", "summary.csv"]
OTHER_MACHINE = "node2-0badcafe"


def bench(*args, timeout=300):
    p = subprocess.run([BENCH, *args], capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def bench_ok(*args):
    rc, so, se = bench(*args)
    check(rc == 0, f"bench {' '.join(args)}: exit {rc}\nstdout:\n{so}\nstderr:\n{se}")
    return so


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def read_rows(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


def write_rows(path, rows):
    with open(path, "w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def run_into(out, *extra):
    """bench run PLAN EXTRA --out OUT; returns OUT (its latest link names the folder)."""
    bench_ok("run", *PLAN, *extra, "--out", out)
    return out


def folder(out):
    return os.path.realpath(os.path.join(out, "latest"))


def shards(tmp, parts, jobs=None):
    """bench run --shard K/PARTS for each K into TMP/sK; returns the --out folders."""
    outs = []
    for k in range(1, parts + 1):
        extra = ["--shard", f"{k}/{parts}"]
        if jobs and k == parts:
            extra += ["--jobs", str(jobs)]
        outs.append(run_into(os.path.join(tmp, f"s{k}"), *extra))
    return outs


def machine_rows(d):
    return read_csv(os.path.join(d, "machine.csv"))


def machine_value(d, key):
    vals = [r["value"] for r in machine_rows(d) if r["key"] == key]
    check(vals, f"{d}/machine.csv has no key {key}")
    return vals[0]


def by_run(d):
    rows = read_csv(os.path.join(d, "runs.csv"))
    out = {}
    for r in rows:
        check(r["run_id"] not in out, f"{d}: run_id {r['run_id']} twice")
        out[r["run_id"]] = r
    return out


def samples_by_run(d):
    """run_id -> its sample rows (every column but run_id), in file order."""
    out = {}
    for r in read_csv(os.path.join(d, "samples.csv")):
        out.setdefault(r.pop("run_id"), []).append(r)
    return out


def copy_folder(src, tmp, name):
    dst = os.path.join(tmp, name)
    shutil.copytree(src, dst)
    return dst


def set_machine(d, key, value):
    path = os.path.join(d, "machine.csv")
    rows = read_rows(path)
    for r in rows[1:]:
        if r[0] == key:
            r[1] = value
    write_rows(path, rows)


def nothing_written(out, se):
    """OUT is not there, and no temporary folder of a merge is left beside it."""
    check(not os.path.lexists(out), f"a refused merge left {out}: {se}")
    parent, base = os.path.split(out)
    left = [n for n in os.listdir(parent) if n.startswith(f".{base}.merge-")]
    check(not left, f"a refused merge left {left} in {parent}")


def refused(args, rc_expected, needles, out):
    """bench merge ARGS --out OUT exits rc_expected, with one 'bench: ' message holding every
    needle; nothing is written."""
    rc, so, se = bench("merge", *args, "--out", out)
    check(rc == rc_expected, f"bench merge {args}: exit {rc}, expected {rc_expected}\n"
                             f"stderr: {se}")
    check(se.startswith("bench: "), f"stderr is not a 'bench: ' message: {se!r}")
    for n in needles:
        check(n in se, f"the message does not say {n!r}: {se!r}")
    check(so == "", f"a refused merge printed {so!r}")
    nothing_written(out, se)
    return se


def same_files(a, b, what):
    for name in FILES:
        check(filecmp.cmp(os.path.join(a, name), os.path.join(b, name), shallow=False),
              f"{what}: {name} differs between {a} and {b}")
    check(sorted(os.listdir(a)) == sorted(FILES), f"{a} holds {sorted(os.listdir(a))}")


# ---- the merge against the plain run ---------------------------------------------------------

@test
def shards_equal_plain():
    """Shards 1/2 and 2/2 merged hold the plain run's runs, counts and samples."""
    with tempfile.TemporaryDirectory() as tmp:
        plain = folder(run_into(os.path.join(tmp, "plain")))
        s1, s2 = shards(tmp, 2, jobs=2)
        merged = os.path.join(tmp, "merged")
        # one input as its --out parent (latest followed), one as the folder itself
        so = bench_ok("merge", s1, folder(s2), "--out", merged)
        check(f"merged: {merged} ({PLAN_RUNS} runs" in so, f"merge said {so!r}")
        check(sorted(os.listdir(merged)) == sorted(FILES), f"merged holds "
                                                           f"{sorted(os.listdir(merged))}")
        m_runs, p_runs = by_run(merged), by_run(plain)
        ids = [f"r{i:04d}" for i in range(1, PLAN_RUNS + 1)]
        check(list(m_runs) == ids, f"merged run_ids {list(m_runs)}, expected {ids} in order")
        check(sorted(p_runs) == ids, f"plain run_ids {sorted(p_runs)}")
        shard_runs = {**by_run(folder(s1)), **by_run(folder(s2))}
        shard_samples = {**samples_by_run(folder(s1)), **samples_by_run(folder(s2))}
        m_samples, p_samples = samples_by_run(merged), samples_by_run(plain)
        for rid in ids:
            m, p, s = m_runs[rid], p_runs[rid], shard_runs[rid]
            check(m["status"] == "ok", f"merged {rid} status {m['status']}: {m['message']}")
            for key in RUN_KEYS + RUN_COUNTS:
                check(m[key] == p[key], f"{rid} {key}: {m[key]!r} merged, {p[key]!r} plain")
            check(int(m["plan_index"]) == int(rid[1:]), f"{rid}: plan_index {m['plan_index']}")
            # every cell of the run's row is its shard's (the run_id aside: already its own)
            check(m == s, f"{rid}: merged row {m} is not its shard's {s}")
            check(m["machine_id"] == machine_value(folder(s1), "machine_id"),
                  f"{rid}: machine_id {m['machine_id']!r}")
            check(m["jobs"] == ("2" if int(rid[1:]) > PLAN_RUNS // 2 else "1"),
                  f"{rid}: jobs {m['jobs']!r} (shard 2/2 ran with --jobs 2)")
            check(m_samples[rid] == shard_samples[rid],
                  f"{rid}: its {len(m_samples[rid])} sample rows are not its shard's "
                  f"{len(shard_samples[rid])}")
            m_iter = [r for r in m_samples[rid] if r["kind"] == "iter"]
            p_iter = [r for r in p_samples[rid] if r["kind"] == "iter"]
            check([r["iteration"] for r in m_iter] == [r["iteration"] for r in p_iter] ==
                  [str(i) for i in range(4)], f"{rid}: iterations {m_iter} / {p_iter}")
            for a, b in zip(m_iter, p_iter):
                for col in ITER_COUNTS:
                    check(a[col] == b[col], f"{rid} iteration {a['iteration']} {col}: "
                                            f"{a[col]} merged, {b[col]} plain")
        rows = sum(len(v) for v in m_samples.values())
        check(rows == sum(len(v) for v in shard_samples.values()),
              f"merged samples.csv has {rows} rows, the shards "
              f"{sum(len(v) for v in shard_samples.values())}")
        # machine.csv: the machine once (its keys from shard 1), then the folder's keys
        rows = machine_rows(merged)
        mid = machine_value(folder(s1), "machine_id")
        folder_rows = {r["key"]: r for r in rows if r["key"] in FOLDER_KEYS}
        check(sorted(folder_rows) == sorted(FOLDER_KEYS), f"folder keys {sorted(folder_rows)}")
        check(all(r["machine_id"] == "" for r in folder_rows.values()),
              f"the folder's keys name a machine: {folder_rows}")
        want = {"plan_id": machine_value(plain, "plan_id"), "plan_runs": str(PLAN_RUNS),
                "shard": "1/1", "merged_from": "2", "status": "complete",
                "runs_planned": str(PLAN_RUNS), "runs_done": str(PLAN_RUNS)}
        got = {k: r["value"] for k, r in folder_rows.items()}
        check(got == want, f"folder keys {got}, expected {want}")
        check(machine_value(folder(s1), "plan_id") == want["plan_id"] ==
              machine_value(folder(s2), "plan_id"), "the shards and the plain run: one plan_id")
        mrows = [r for r in rows if r["key"] not in FOLDER_KEYS]
        s1rows = [r for r in machine_rows(folder(s1)) if r["key"] not in FOLDER_KEYS]
        check(mrows == s1rows, f"the machine's rows are not shard 1's:\n{mrows}\n{s1rows}")
        check(all(r["machine_id"] == mid for r in mrows), f"a machine row not of {mid}")
        # summary.csv: recomputed, the plain run's settings and verdicts' places
        key = ["scenario", "runtime", "policy", "allocator", "threshold", "mode", "repeats"]
        m_sum = [tuple(r[k] for k in key) for r in read_csv(os.path.join(merged, "summary.csv"))]
        p_sum = [tuple(r[k] for k in key) for r in read_csv(os.path.join(plain, "summary.csv"))]
        check(m_sum == p_sum, f"summary settings {m_sum} merged, {p_sum} plain")
        check(all(r["verdict"] for r in read_csv(os.path.join(merged, "summary.csv"))),
              "a summary row without a verdict")


@test
def two_machines():
    """The second shard from another machine: both machines' rows, once each."""
    with tempfile.TemporaryDirectory() as tmp:
        s1, s2 = shards(tmp, 2)
        other = copy_folder(folder(s2), tmp, "other")
        mid = machine_value(other, "machine_id")
        path = os.path.join(other, "machine.csv")
        rows = read_rows(path)
        for r in rows[1:]:
            r[2] = OTHER_MACHINE
            if r[0] == "machine_id":
                r[1] = OTHER_MACHINE
            if r[0] == "host":
                r[1] = "node2"
        write_rows(path, rows)
        path = os.path.join(other, "runs.csv")
        rows = read_rows(path)
        col = rows[0].index("machine_id")
        for r in rows[1:]:
            check(r[col] == mid, f"shard 2's run on {r[col]!r}, not {mid!r}")
            r[col] = OTHER_MACHINE
        write_rows(path, rows)
        merged = os.path.join(tmp, "merged")
        so = bench_ok("merge", other, s1, "--out", merged)
        check("2 machines" in so, f"merge said {so!r}")
        runs = by_run(merged)
        for rid, r in runs.items():
            want = mid if int(rid[1:]) <= PLAN_RUNS // 2 else OTHER_MACHINE
            check(r["machine_id"] == want, f"{rid} on {r['machine_id']!r}, expected {want!r}")
        rows = [r for r in machine_rows(merged) if r["key"] not in FOLDER_KEYS]
        ids = [r["machine_id"] for r in rows]
        order = [i for n, i in enumerate(ids) if n == 0 or ids[n - 1] != i]
        check(order == [mid, OTHER_MACHINE],
              f"machine rows by machine {order}, expected {mid} (runs 1-4) then {OTHER_MACHINE}")
        for m_id, src in ((mid, folder(s1)), (OTHER_MACHINE, other)):
            mine = [(r["key"], r["value"]) for r in rows if r["machine_id"] == m_id]
            theirs = [(r["key"], r["value"]) for r in machine_rows(src)
                      if r["key"] not in FOLDER_KEYS]
            check(mine == theirs, f"{m_id}'s rows {mine}, its shard's {theirs}")
            keys = [k for k, _ in mine]
            check(len(keys) == len(set(keys)), f"{m_id}: a key twice: {keys}")
        hosts = {r["machine_id"]: r["value"] for r in rows if r["key"] == "host"}
        check(hosts[OTHER_MACHINE] == "node2", f"hosts {hosts}")
        check(machine_value(merged, "merged_from") == "2", "merged_from")


# ---- refusals --------------------------------------------------------------------------------

@test
def different_plans():
    """A shard of another plan (one more iteration): exit 2, both folders named."""
    with tempfile.TemporaryDirectory() as tmp:
        s1, s2 = shards(tmp, 2)
        other = os.path.join(tmp, "other")
        bench_ok("run", *PLAN[:3], "4", *PLAN[4:], "--shard", "2/2", "--out", other)
        a, b = machine_value(folder(s1), "plan_id"), machine_value(folder(other), "plan_id")
        check(a != b, f"two plans, one plan_id {a}")
        refused([s1, other], 2, [f"{s1}/latest and {other}/latest are parts of different plans",
                                 a, b], os.path.join(tmp, "merged"))


@test
def duplicate_run():
    """A shard given twice (a copy of it), and the plain run beside a shard: exit 2."""
    with tempfile.TemporaryDirectory() as tmp:
        s1, s2 = shards(tmp, 2)
        copy = copy_folder(folder(s2), tmp, "copy")
        out = os.path.join(tmp, "merged")
        refused([s1, s2, copy], 2, [f"run r0005 (plan_index 5 of plan", f"{s2}/latest",
                                    copy, "give each shard once"], out)
        plain = run_into(os.path.join(tmp, "plain"))
        refused([plain, s2], 2, [f"run r0005", f"{plain}/latest", f"{s2}/latest"], out)
        refused([s1, s1], 2, [f"{s1} and {s1} are the same folder"], out)


@test
def missing_shard():
    """Shards 1/3 and 3/3 of 8 runs: runs 3-5 (shard 2/3) are missing."""
    with tempfile.TemporaryDirectory() as tmp:
        s1, s2, s3 = shards(tmp, 3)
        plan = machine_value(folder(s1), "plan_id")
        refused([s1, s3], 2, [f"plan {plan} has {PLAN_RUNS} runs and 3 of them are in none of "
                              "the folders given: r0003-r0005; not given: shard 2/3"],
                os.path.join(tmp, "merged"))
        refused([s2], 2, ["5 of them", "r0001-r0002, r0006-r0008", "not given: shards 1/3, 3/3"],
                os.path.join(tmp, "merged"))


@test
def incomplete_folder():
    """A shard whose status is not complete: exit 1, the folder and its status named."""
    with tempfile.TemporaryDirectory() as tmp:
        s1, s2 = shards(tmp, 2)
        for status in ("interrupted", "running"):
            bad = copy_folder(folder(s2), tmp, status)
            set_machine(bad, "status", status)
            refused([s1, bad], 1, [f"{bad} is not complete: its status is '{status}'",
                                   "rerun shard 2/2"], os.path.join(tmp, "merged"))


@test
def before_sweeps():
    """A folder of a bench before sweeps (machine.csv key,value, no plan_id): exit 1."""
    with tempfile.TemporaryDirectory() as tmp:
        s1, s2 = shards(tmp, 2)
        old = copy_folder(folder(s2), tmp, "old")
        path = os.path.join(old, "machine.csv")
        rows = [r[:2] for r in read_rows(path)
                if r[0] not in ("machine_id", "jobs", "plan_id", "plan_runs", "shard")]
        write_rows(path, rows)
        path = os.path.join(old, "runs.csv")
        rows = [r[:-3] for r in read_rows(path)]
        check(read_rows(path)[0][-3:] == ["jobs", "machine_id", "plan_index"], "runs.csv's end")
        write_rows(path, rows)
        refused([s1, old], 1, [f"{old} has no plan_id: made by a bench before sweeps; rerun it"],
                os.path.join(tmp, "merged"))


@test
def damaged_folder():
    """A malformed shard: exit 1 naming the file and line; a plan_index out of the plan."""
    with tempfile.TemporaryDirectory() as tmp:
        s1, s2 = shards(tmp, 2)
        bad = copy_folder(folder(s2), tmp, "bad")
        path = os.path.join(bad, "runs.csv")
        with open(path, "a") as f:
            f.write('r0009,"open quote\n')
        refused([s1, bad], 1, [f"{bad}/runs.csv:"], os.path.join(tmp, "merged"))
        bad2 = copy_folder(folder(s2), tmp, "bad2")
        path = os.path.join(bad2, "runs.csv")
        rows = read_rows(path)
        rows[2][rows[0].index("plan_index")] = "99"
        write_rows(path, rows)
        refused([s1, bad2], 1, [f"{bad2}/runs.csv:3: plan_index is '99'; expected 1 to 8"],
                os.path.join(tmp, "merged"))


# ---- idempotence -----------------------------------------------------------------------------

@test
def idempotent():
    """Merging again, the other way round, or the merged folder alone gives the same bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        s1, s2, s3 = shards(tmp, 3)
        a, b, c, d = (os.path.join(tmp, n) for n in ("a", "b", "c", "d"))
        bench_ok("merge", s1, s2, s3, "--out", a)
        bench_ok("merge", s1, s2, s3, "--out", b)
        same_files(a, b, "the same shards merged twice")
        bench_ok("merge", s3, s1, s2, "--out", c)
        same_files(a, c, "the shards in another order")
        bench_ok("merge", a, "--out", d)
        same_files(a, d, "the merged folder merged alone")
        bench_ok("merge", d, "--out", d)
        same_files(a, d, "the merged folder merged onto itself")
        # beside a shard it holds: that shard's runs are in two folders
        rc, so, se = bench("merge", a, s3, "--out", os.path.join(tmp, "e"))
        check(rc == 2 and "r0006" in se and "give each shard once" in se,
              f"the merged folder beside shard 3/3: exit {rc}: {se!r}")
        check(machine_value(d, "merged_from") == "3", "merged_from of the merged folder")


# ---- --out -----------------------------------------------------------------------------------

@test
def out_refused():
    """--out anything but a new name, an empty folder or a results folder: exit 2, untouched."""
    with tempfile.TemporaryDirectory() as tmp:
        s1, s2 = shards(tmp, 2)
        mine = os.path.join(tmp, "mine")
        os.mkdir(mine)
        with open(os.path.join(mine, "notes.txt"), "w") as f:
            f.write("keep me\n")
        refused_in_place([s1, s2], mine, ["--out '" + mine + "' exists and is not a "
                                               "results folder (it holds 'notes.txt')"])
        with open(os.path.join(mine, "notes.txt")) as f:
            check(f.read() == "keep me\n", "notes.txt changed")
        # bench run's --out parent: a results folder inside, not one itself
        refused_in_place([s1, s2], s1, ["it holds '"])
        a_file = os.path.join(tmp, "file")
        with open(a_file, "w") as f:
            f.write("x")
        refused_in_place([s1, s2], a_file, ["exists and is not a folder"])
        link = os.path.join(tmp, "link")
        os.symlink(folder(s1), link)
        refused_in_place([s1, s2], link, ["is a symbolic link"])
        check(os.path.islink(link), "the link went")
        # a results folder (another plan's) is replaced whole; an empty folder is filled
        other = os.path.join(tmp, "other")
        bench_ok("run", *PLAN[:3], "2", *PLAN[4:], "--out", other)
        target = folder(other)
        bench_ok("merge", s1, s2, "--out", target)
        check(len(by_run(target)) == PLAN_RUNS and
              machine_value(target, "plan_id") == machine_value(folder(s1), "plan_id"),
              "the results folder at --out was not replaced by the merge")
        check(sorted(os.listdir(target)) == sorted(FILES), f"{sorted(os.listdir(target))}")
        empty = os.path.join(tmp, "empty")
        os.mkdir(empty)
        bench_ok("merge", s1, s2, "--out", empty)
        same_files(target, empty, "into a results folder and into an empty folder")
        leftovers = [n for n in os.listdir(tmp) if n.startswith(".")]
        check(not leftovers, f"temporary folders left: {leftovers}")
        # a new folder in new parents
        deep = os.path.join(tmp, "x", "y", "merged")
        bench_ok("merge", s1, s2, "--out", deep + "/")
        same_files(target, deep, "into new parents")


def refused_in_place(args, out, needles):
    """bench merge ARGS --out OUT, OUT existing: exit 2, the message, OUT as it was."""
    before = sorted(os.listdir(out)) if os.path.isdir(out) and not os.path.islink(out) else None
    rc, so, se = bench("merge", *args, "--out", out)
    check(rc == 2, f"--out {out}: exit {rc}, expected 2: {se}")
    for n in needles:
        check(n in se, f"the message does not say {n!r}: {se!r}")
    if before is not None:
        check(sorted(os.listdir(out)) == before, f"{out} changed: {sorted(os.listdir(out))}")
    parent, base = os.path.split(out)
    left = [n for n in os.listdir(parent) if n.startswith(f".{base}.merge-")]
    check(not left, f"a refused merge left {left}")
    return se


# ---- the readers -----------------------------------------------------------------------------

@test
def readers():
    """report (text and json), plot and compare read the merged folder: exit 0."""
    with tempfile.TemporaryDirectory() as tmp:
        plain = folder(run_into(os.path.join(tmp, "plain")))
        s1, s2 = shards(tmp, 2)
        merged = os.path.join(tmp, "merged")
        bench_ok("merge", s1, s2, "--out", merged)
        text = bench_ok("report", merged)
        check("self_cycle" in text and "cross_reference" in text, f"report: {text[:2000]}")
        check(bench_ok("report", merged, "--format", "json").lstrip().startswith("{"),
              "report --format json")
        rc, so, se = bench("plot", merged)
        check(rc == 0, f"plot: exit {rc}: {se}")
        compared = bench_ok("compare", merged, plain)
        check("cross_reference" in compared, f"compare: {compared[:2000]}")
        # plot's pictures live in the folder: merging onto it again replaces them with it
        if os.path.isdir(os.path.join(merged, "plots")):
            bench_ok("merge", merged, "--out", merged)
            check(sorted(os.listdir(merged)) == sorted(FILES), "plots/ kept by a merge onto it")


@test
def usage():
    """Usage errors: exit 2 with 'Try'; --help: exit 0 and says what --out is."""
    with tempfile.TemporaryDirectory() as tmp:
        for args, needle in ((["merge"], "which folders?"),
                             (["merge", tmp], "--out OUT names the merged folder"),
                             (["merge", tmp, "--out"], "option '--out' needs a value"),
                             (["merge", tmp, "--bogus", "--out", "x"], "unknown option")):
            rc, so, se = bench(*args)
            check(rc == 2 and needle in se and "Try 'bench merge --help'" in se,
                  f"bench {' '.join(args)}: exit {rc}: {se!r}")
        rc, so, se = bench("merge", tmp, "--out", os.path.join(tmp, "m"))
        check(rc == 1 and "is not a results folder" in se, f"an empty folder: {rc} {se!r}")
        so = bench_ok("merge", "--help")
        for word in ("--out OUT", "latest", "plan_id", "exit 2", "same bytes"):
            check(word in so, f"--help does not say {word!r}")
        check("merge" in bench_ok("--help"), "bench --help does not list merge")


def run(bench_path, name):
    global BENCH
    BENCH = bench_path
    TESTS[name]()


if __name__ == "__main__":
    sys.exit(main(TESTS, run, __doc__))
