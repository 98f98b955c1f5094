#!/usr/bin/env python3
"""make_corpus.py — makes the fuzz targets' seed corpus from real results folders:

  make_corpus.py BENCH OUT

runs `bench run` into a temporary folder for a few small plans that between them write every
kind of row (iter, tick, class, type, site, holder), every status cell we can cause cheaply
(ok, rss_limit, failed) and both runtimes, then writes
  OUT/csv/NAME-FILE.csv   each CSV file of each folder, and tests/reference's CSV files;
  OUT/dataset/NAME        each folder as fuzz_dataset reads it: runs.csv, samples.csv,
                          machine.csv, summary.csv, each followed by a line "@@";
  OUT/wire/NAME           a worker's record stream (bench-worker, bench-worker-python beside
                          BENCH, run with fuzz_wire.c's token), after fuzz_wire's two bytes:
                          the planned iterations and the size of the reads.
Files are trimmed to a few KiB (whole rows) so that the corpus stays small and fast; what
is in tests/fuzz/corpus was made by this script, plus the regression seeds (crash-*)."""
import csv
import glob
import io
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
LEAKS = os.path.join(ROOT, "tests", "e2e", "leaks")
FILES = ["runs.csv", "samples.csv", "machine.csv", "summary.csv"]
MAX_BYTES = 12000

PLANS = {
    "self_cycle": ["--scenario", "self_cycle", "--iterations", "3", "--gc", "forced,auto,off"],
    "cross_python": ["--scenario", "cross_reference", "--runtime", "native,python",
                     "--iterations", "3", "--param", "objects=10", "--repeat", "2"],
    "global_cache_policies": ["--scenario", "global_cache", "--iterations", "4",
                              "--policy", "py311,py314inc", "--gc", "auto"],
    "rss_limit": ["--scenario", "cross_reference", "--iterations", "6", "--max-rss", "30M",
                  "--gc", "off"],
    "leak_traced": ["--scenario", os.path.join(LEAKS, "global_list.py"), "--runtime", "python",
                    "--iterations", "4", "--trace-alloc", "3", "--gc", "forced"],
    "leak_holder": ["--scenario", os.path.join(LEAKS, "closure_registry.py"),
                    "--runtime", "python", "--iterations", "4", "--gc", "forced,auto"],
}


# name -> (worker, its arguments, environment, read size byte)
STREAMS = {
    "native_forced": ("bench-worker", ["--scenario", "self_cycle", "--mode", "forced"], {}, 0),
    "native_auto": ("bench-worker", ["--scenario", "cross_reference", "--mode", "auto",
                                     "--param", "objects=10"], {}, 65),
    "native_fail": ("bench-worker", ["--scenario", "global_cache", "--mode", "off"],
                    {"GCBENCH_FAULT": "fail@2"}, 255),
    "python_types": ("bench-worker-python", ["--file", os.path.join(LEAKS, "global_list.py"),
                                             "--mode", "forced"], {}, 3),
    "python_holder": ("bench-worker-python", ["--file", os.path.join(LEAKS, "closure_registry.py"),
                                              "--mode", "forced"], {}, 130),
    "python_sites": ("bench-worker-python", ["--file", os.path.join(LEAKS, "global_list.py"),
                                             "--mode", "forced", "--trace-alloc", "3"], {}, 64),
}
WIRE_TOKEN = "305419896"  # fuzz_wire.c's FUZZ_WIRE_TOKEN
WIRE_ITERATIONS = 3
WIRE_RECORD_BYTES = 2408  # sizeof(wire_msg): the streams are cut at 20 records
WIRE_MAX_RECORDS = 20


def wire_stream(bench, worker, args, env):
    """The records the worker writes to its descriptor 3, at most WIRE_MAX_RECORDS."""
    exe = os.path.join(os.path.dirname(os.path.abspath(bench)), worker)
    with tempfile.TemporaryFile() as out:
        subprocess.run([exe, "--fd", str(out.fileno()), "--iterations", str(WIRE_ITERATIONS),
                        *args], pass_fds=(out.fileno(),), stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=300,
                       env={**os.environ, "GCBENCH_WIRE_TOKEN": WIRE_TOKEN, **env})
        out.seek(0)
        data = out.read()
    if len(data) < WIRE_RECORD_BYTES or len(data) % WIRE_RECORD_BYTES:
        raise SystemExit(f"{worker} {args}: {len(data)} bytes, not whole records")
    # every record but TYPE and SITE (3, 5), of which the first two of each after each ITER
    # (1): still a stream in the worker's order, with a HOLDER and the DONE at its end
    kept, counts = [], {}
    for at in range(0, len(data), WIRE_RECORD_BYTES):
        record = data[at:at + WIRE_RECORD_BYTES]
        kind = int.from_bytes(record[:4], "little")
        counts = {} if kind == 1 else counts
        counts[kind] = counts.get(kind, 0) + 1
        if kind not in (3, 5) or counts[kind] <= 2:
            kept.append(record)
    return b"".join(kept[:WIRE_MAX_RECORDS])


def trimmed(path):
    """The file's text, smaller: samples.csv keeps every row but its ticks (the parent's /proc
    reads, most of the file), of which two per run and iteration; then whole rows up to
    MAX_BYTES (the header always)."""
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    if os.path.basename(path) == "samples.csv" and rows:
        kind, it, ticks, kept = rows[0].index("kind"), rows[0].index("iteration"), {}, rows[:1]
        for r in rows[1:]:
            key = (r[0], r[it])
            if r[kind] == "tick":
                ticks[key] = ticks.get(key, 0) + 1
                if ticks[key] > 2:
                    continue
            kept.append(r)
        rows = kept
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    for i, r in enumerate(rows):
        line = io.StringIO()
        csv.writer(line, lineterminator="\n").writerow(r)
        if i > 0 and len(out.getvalue()) + len(line.getvalue()) > MAX_BYTES:
            break
        w.writerow(r)
    return out.getvalue().encode()


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    bench, out = argv[1], argv[2]
    os.makedirs(os.path.join(out, "csv"), exist_ok=True)
    os.makedirs(os.path.join(out, "dataset"), exist_ok=True)
    os.makedirs(os.path.join(out, "wire"), exist_ok=True)
    for name, (worker, args, env, reads) in STREAMS.items():
        data = wire_stream(bench, worker, args, env)
        with open(os.path.join(out, "wire", name), "wb") as w:
            w.write(bytes([WIRE_ITERATIONS, reads]) + data)
    with tempfile.TemporaryDirectory() as tmp:
        for name, args in PLANS.items():
            res = os.path.join(tmp, name)
            p = subprocess.run([bench, "run", "--quiet", "--no-plot", "--out", res, *args],
                               capture_output=True, text=True)
            folder = os.path.realpath(os.path.join(res, "latest"))
            if not os.path.isfile(os.path.join(folder, "runs.csv")):
                print(f"{name}: no folder (exit {p.returncode}): {p.stderr}", file=sys.stderr)
                return 1
            joined = b""
            for f in FILES:
                path = os.path.join(folder, f)
                data = trimmed(path) if os.path.exists(path) else b""
                with open(os.path.join(out, "csv", f"{name}-{f}"), "wb") as w:
                    w.write(data)
                joined += data + b"@@\n"
            with open(os.path.join(out, "dataset", name), "wb") as w:
                w.write(joined)
    for path in glob.glob(os.path.join(ROOT, "tests", "reference", "*.csv")):
        shutil.copy(path, os.path.join(out, "csv", "reference-" + os.path.basename(path)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
