#!/usr/bin/env python3
"""e2e_report.py — end-to-end tests of `bench report` and `bench plot` on real results folders
of a scenario run under several policies and runtimes: the summary's new columns, the
side-by-side table, the live-instances table, the pictures; and a Pyodide runtime beside the
native one, whose RSS never stands beside native RSS. Each test runs `bench` into a temporary
folder and reads back what it wrote with Python's csv module. Usage: e2e_report.py BENCH TEST |
e2e_report.py --list. Exit 0 pass, 1 fail, 77 skip."""

import csv
import glob
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from pyodide_env import need_node, pyodide_package  # noqa: E402
from testmain import Tests, check, main  # noqa: E402

BENCH = None
test = TESTS = Tests()
OBJECTS = 30  # B objects per iteration (and as many A)
ITERATIONS = 20
SMALL = ["--scenario", "cross_reference", "--gc", "auto,forced", "--param", f"objects={OBJECTS}",
         "--param", "floats=200", "--iterations", str(ITERATIONS)]


def bench(*args):
    """Runs bench; returns (exit code, stdout, stderr)."""
    p = subprocess.run([BENCH, *args], capture_output=True, text=True, timeout=600)
    return p.returncode, p.stdout, p.stderr


def run_ok(out, *args):
    """bench run … --out out --quiet; returns the results folder."""
    rc, _, err = bench("run", *args, "--out", out, "--quiet")
    check(rc == 0, f"bench run {' '.join(args)}: exit {rc}: {err}")
    return os.path.realpath(os.path.join(out, "latest"))


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def summary_rows(folder):
    return {(r["runtime"], r["policy"], r["mode"]): r
            for r in read_csv(os.path.join(folder, "summary.csv"))}


def table_after(text, title):
    """The lines of the text table whose title line starts with title (up to a blank line)."""
    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if line.startswith(title)]
    check(len(starts) == 1, f"one '{title}' in the report, found {len(starts)}:\n{text}")
    table = []
    for line in lines[starts[0] + 1:]:
        if not line:
            break
        table.append(line)
    return table


def is_png(path):
    with open(path, "rb") as f:
        return f.read(8) == b"\x89PNG\r\n\x1a\n" and os.path.getsize(path) > 2048


@test
def policies_report_and_plots():
    """cross_reference under py311 and py314inc: summary.csv's new columns; the report's side
    table and live-instances table (py314inc's B climbing by 30 every iteration, py311's falling
    back at a collection); the instances, comparable-RSS and overview pictures."""
    with tempfile.TemporaryDirectory() as out:
        folder = run_ok(out, *SMALL, "--policy", "py311,py314inc")
        rows = summary_rows(folder)
        check(len(rows) == 4, f"summary rows {sorted(rows)}")
        for key, r in rows.items():
            check(r["rss_comparable"] == "1" and r["verdict_basis"] == "rss", f"{key}: {r}")
            check(r["verdict"] == "delayed", f"{key}: verdict {r['verdict']}")
            check(r["class_objects_final"] != "", f"{key}: no class_objects_final")
            if key[2] == "forced":
                check(r["class_objects_final"] == "0", f"{key}: {r['class_objects_final']}")
                check(r["collections_gen2"] == str(ITERATIONS), f"{key}: {r['collections_gen2']}")
        inc = rows[("native", "py314inc", "auto")]
        check(inc["class_objects_final"] == str(2 * OBJECTS * ITERATIONS), f"py314inc: {inc}")
        check(float(inc["class_objects_growth_per_iter"]) == 2 * OBJECTS, f"py314inc: {inc}")
        check(inc["collections_gen0"] == "0", f"py314inc collected: {inc}")

        rc, text, err = bench("report", folder)
        check(rc == 0 and err == "", f"bench report: {rc} {err}")
        side = table_after(text, "cross_reference: settings side by side")
        check("instances" in side[0] and "verdict" in side[1], f"side header: {side[:2]}")
        check(side[-1].startswith("instances: live instances"), f"no note: {side}")
        side = side[:-1]
        check(len(side) == 6, f"side table rows: {side}")
        check(all("n/c" not in line for line in side), "n/c in a native-only folder")
        live = table_after(text, "cross_reference: live B instances per iteration, Without GC")
        check(live[0].split() == ["native", "native"] and
              live[1].split() == ["iteration", "py311", "py314inc"], f"live header: {live[:2]}")
        cells = [line.split() for line in live[2:]]
        check([c[0] for c in cells] == ["start"] + [str(k) for k in range(1, ITERATIONS + 1)],
              f"live rows: {cells}")
        py311 = [int(c[1]) for c in cells]
        inc = [int(c[2]) for c in cells]
        check(inc == [OBJECTS * k for k in range(ITERATIONS + 1)], f"py314inc: {inc}")
        check(any(b < a for a, b in zip(py311, py311[1:])), f"py311 never collected: {py311}")

        rc, md, err = bench("report", folder, "--format", "markdown")
        check(rc == 0 and "### Live B instances per iteration, Without GC" in md, md[-800:])
        rc, csv_text, err = bench("report", folder, "--format", "csv")
        header = csv_text.split("\n")[0].split(",")
        check(header[-7:] == ["rss_comparable", "verdict_basis", "class_objects_final",
                              "class_objects_growth_per_iter", "collections_gen0",
                              "collections_gen1", "collections_gen2"], f"csv header {header}")

        plots = os.path.join(folder, "plots")
        for name in ["cross_reference-instances", "cross_reference-rss-compared", "overview",
                     "cross_reference-native-py314inc-pymalloc-2000_10_0"]:
            check(is_png(os.path.join(plots, name + ".png")), f"{name}.png: {os.listdir(plots)}")
        with open(os.path.join(plots, "overview.list")) as f:
            panels = [line for line in f if not line.startswith("#")]
        check(len(panels) == 2 and all('"lines"' in p for p in panels), f"overview: {panels}")
        rc, _, err = bench("plot", folder, "--format", "svg")
        check(rc == 0 and err == "", f"bench plot --format svg: {rc} {err}")
        svgs = glob.glob(os.path.join(plots, "*.svg"))
        check(len(svgs) == 5, f"svg pictures: {sorted(map(os.path.basename, svgs))}")
        with open(os.path.join(plots, "cross_reference-instances.svg")) as f:
            svg = f.read()
        check("native py314inc" in svg and "live B instances" in svg, "instances.svg's text")


@test
def no_pause_is_a_dash():
    """A setting that timed no pause (threshold0 above what the run allocates): its side-table
    pause cells are "—", not 0.00; the other setting's are numbers."""
    with tempfile.TemporaryDirectory() as out:
        folder = run_ok(out, "--scenario", "cross_reference", "--gc", "auto", "--iterations",
                        "3", "--param", "objects=300", "--param", "floats=10", "--threshold",
                        "100000,10,10", "--threshold", "700,10,10", "--no-plot")
        rows = {r["threshold"]: r for r in read_csv(os.path.join(folder, "summary.csv"))}
        check(rows["100000/10/10"]["pause_ns_max"] == "0", f"{rows['100000/10/10']}")
        check(int(rows["700/10/10"]["pause_ns_max"]) > 0, f"{rows['700/10/10']}")
        rc, text, err = bench("report", folder)
        check(rc == 0 and err == "", f"bench report: {rc} {err}")
        side = table_after(text, "cross_reference: settings side by side")
        check(side[1].split()[-8:] == ["median", "ms", "p95", "ms", "max", "ms", "s", "verdict"],
              f"side header: {side[:2]}")
        for line in side[2:4]:
            cells = line.split()
            pauses = cells[-5:-2]  # pause median, p95, max; then wall s and the verdict
            if cells[3] == "100000/10/10":
                check(pauses == ["\u2014"] * 3, f"no pause shown as {pauses}: {line}")
            else:
                check(all(float(p) > 0 for p in pauses), f"pauses {pauses}: {line}")


@test
def pyodide_beside_native():
    """cross_reference in the native runtime (py314inc) and Pyodide's CPython 3.14.2: the Pyodide
    rows' verdict is on live instances; the report's RSS cells for them are n/c (csv: empty);
    its RSS appears in no picture beside the native one; both climb alike."""
    need_node()
    pkg = pyodide_package("314.0.8")
    with tempfile.TemporaryDirectory() as out:
        folder = run_ok(out, *SMALL, "--runtime", "native", "--policy", "py314inc", "--pyodide",
                        pkg)
        rows = summary_rows(folder)
        wasm = [r for key, r in rows.items() if key[0] == "pyodide-3.14.2"]
        check(len(wasm) == 2, f"summary rows {sorted(rows)}")
        for r in wasm:
            check(r["rss_comparable"] == "0" and r["verdict_basis"] == "class_objects", f"{r}")
            check(r["growth_limit_bytes_per_iter"] == "", f"an RSS limit: {r}")
            check("live instances" in r["verdict_reason"] and "MiB" not in r["verdict_reason"],
                  r["verdict_reason"])
            check(r["verdict"] == "delayed", f"pyodide verdict {r['verdict']}")
        check(rows[("pyodide-3.14.2", "cpython", "auto")]["class_objects_final"] ==
              rows[("native", "py314inc", "auto")]["class_objects_final"], "3.14.2 vs py314inc")

        rc, text, err = bench("report", folder)
        check(rc == 0, f"bench report: {rc} {err}")
        side = table_after(text, "cross_reference: settings side by side")
        check(side[-1].startswith("n/c: RSS not comparable"), f"no n/c note: {side}")
        for line in side[2:-2]:
            want = 3 if line.startswith("pyodide") else 0
            check(line.count("n/c") == want, f"RSS cells: {line}")
        live = table_after(text, "cross_reference: live B instances per iteration, Without GC")
        last = live[-1].split()
        check(last == [str(ITERATIONS), str(OBJECTS * ITERATIONS), str(OBJECTS * ITERATIONS)],
              f"last row of the live table: {last}")
        rc, csv_text, _ = bench("report", folder, "--format", "csv")
        for r in csv.DictReader(csv_text.splitlines()):
            if r["runtime"].startswith("pyodide"):
                check(r["final_rss_mib"] == "" and r["peak_rss_mib"] == "" and
                      r["rss_growth_mib_per_iter"] == "", f"pyodide RSS in csv: {r}")
        plots = os.path.join(folder, "plots")
        # one comparable setting: the overview's RSS panel, no picture of its own
        check(not os.path.exists(os.path.join(plots, "cross_reference-rss-compared.png")),
              "an RSS comparison of one setting")
        with open(os.path.join(plots, "cross_reference-rss-compared.dat")) as f:
            check("pyodide" not in f.read(), "pyodide RSS in the compared RSS")
        with open(os.path.join(plots, "cross_reference-instances.dat")) as f:
            check("pyodide-3.14.2" in f.read(), "pyodide missing from the instances")
        check(is_png(os.path.join(plots, "overview.png")), "overview.png")


def run(bench, name):
    global BENCH
    BENCH = bench
    TESTS[name]()


if __name__ == "__main__":
    sys.exit(main(TESTS, run, __doc__))
