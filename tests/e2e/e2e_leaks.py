#!/usr/bin/env python3
"""e2e_leaks.py — end-to-end tests of leak hunting on user scenario files modelled on real
leaks (tests/e2e/leaks/): a method cache, a closure registry, loggers per request, a stored
exception, a bounded cache and a plain global list. Each test runs `bench run` on the file
into a temporary folder and checks the verdict (summary.csv), the types that grow, the
allocation sites of the traced run and the chain of referrers (`bench report --format json`,
validated against its schema), and `--fail-on`'s exit status. Usage: e2e_leaks.py BENCH TEST |
e2e_leaks.py --list. Exit 0 pass, 1 fail, 77 skip.

RSS verdicts are checked only in the plain build (GCBENCH_SANITIZED unset): a sanitizer's
allocator is not CPython's. Types, sites and chains are counts and names: checked in every
build."""

import csv
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from testmain import Skip, Tests, check, main  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
LEAKS = os.path.join(HERE, "leaks")
SCHEMAS = os.path.join(HERE, "..", "..", "harness", "read", "schemas")
SANITIZED = os.environ.get("GCBENCH_SANITIZED") == "1"
BENCH = None
test = TESTS = Tests()


def bench(*args):
    p = subprocess.run([BENCH, *args], capture_output=True, text=True, timeout=900)
    return p.returncode, p.stdout, p.stderr


def scenario(name):
    return os.path.join(LEAKS, name + ".py")


def run(out, name, *extra, expect=0):
    """bench run on leaks/NAME.py into out; returns the results folder."""
    rc, _, err = bench("run", "--scenario", scenario(name), "--out", out, "--quiet", "--no-plot",
                       *extra)
    check(rc == expect, f"bench run {name} {' '.join(extra)}: exit {rc}, expected {expect}: {err}")
    return os.path.realpath(os.path.join(out, "latest"))


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def verdicts(folder):
    return {r["verdict"] for r in read_csv(os.path.join(folder, "summary.csv"))}


def validator(name):
    try:
        import jsonschema
    except ImportError:
        raise Skip("python3-jsonschema is not installed (setup.sh installs it)")
    with open(os.path.join(SCHEMAS, name)) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def report_json(folder):
    """bench report --format json, validated against report.schema.json."""
    rc, out, err = bench("report", folder, "--format", "json")
    check(rc == 0, f"report --format json: exit {rc}: {err}")
    doc = json.loads(out)
    errors = sorted(validator("report.schema.json").iter_errors(doc), key=str)
    check(not errors, f"report JSON does not match its schema: {errors[:3]}")
    check(len(doc["settings"]) == 1, f"one setting: {len(doc['settings'])}")
    return doc["settings"][0]


def mode(setting, name):
    found = [m for m in setting["modes"] if m["mode"] == name]
    check(len(found) == 1, f"one {name} mode in {[m['mode'] for m in setting['modes']]}")
    return found[0]


def line_of(name, marker):
    """The line number of the first line of leaks/NAME.py containing marker."""
    with open(scenario(name)) as f:
        for n, line in enumerate(f, 1):
            if marker in line:
                return n
    raise AssertionError(f"no '{marker}' in {name}.py")


def hunt(name, verdict, iterations=10, trace=True):
    """Runs leaks/NAME.py (with a traced run when trace), checks the verdict in the plain
    build, returns (folder, the report's setting)."""
    with tempfile.TemporaryDirectory() as out:
        extra = ["--iterations", str(iterations)] + (["--trace-alloc", "1"] if trace else [])
        folder = run(out, name, *extra)
        if not SANITIZED:
            got = verdicts(folder)
            check(got <= set(verdict) and len(got) == 1,
                  f"{name}: verdict {got}, expected one of {verdict}")
        runs = read_csv(os.path.join(folder, "runs.csv"))
        traced = [r for r in runs if r["trace_alloc_frames"] not in ("", "0")]
        check(len(traced) == (2 if trace else 0),
              f"{name}: {len(traced)} traced runs (one per mode expected with --trace-alloc)")
        rows = read_csv(os.path.join(folder, "summary.csv"))
        check(all(r["repeats"] == "1" for r in rows), "traced runs are not repeats of a setting")
        return folder, report_json(folder)


@test
def method_cache():
    """lru_cache on a method: leak; the service class (module-qualified) tops the growth; the
    traced run names the line that allocates the rows; the chain starts at the class
    attribute that holds the cache."""
    _, s = hunt("method_cache", ["leak"])
    forced = mode(s, "forced")
    top = forced["types"][0]
    check(top["name"] == "method_cache.ReportService" and top["objects_per_iter"] == 400,
          f"top type {top}")
    site = forced["alloc_sites"][0]
    want = "method_cache.py:%d" % line_of("method_cache", "# allocates the rows")
    check(site["name"] == want, f"top site {site['name']}, expected {want}")
    check(site["bytes_per_iter"] > 400 * 60 * 24 * 0.9, f"site growth {site['bytes_per_iter']}")
    chain = s["holder_chain"] or ""
    check(chain.startswith("class attribute method_cache.ReportService.render -> "
                           "functools._lru_cache_wrapper") and
          chain.endswith("-> method_cache.ReportService"), f"chain: {chain}")


@test
def closure_registry():
    """A registry of closures: leak, held by the global list."""
    _, s = hunt("closure_registry", ["leak"])
    top = mode(s, "forced")["types"][0]
    check(top["name"] == "closure_registry.Session", f"top type {top}")
    chain = s["holder_chain"] or ""
    check(chain.startswith("global _handlers (closure_registry) -> list[") and
          chain.endswith("-> closure_registry.Session"), f"chain: {chain}")


@test
def request_loggers():
    """A logger per request: leak; logging.Logger grows by one per request; held by the
    logging manager, a class attribute of Logger."""
    _, s = hunt("request_loggers", ["leak"], trace=False)
    types = {t["name"]: t for t in mode(s, "forced")["types"][:3]}
    check("logging.Logger" in types and types["logging.Logger"]["objects_per_iter"] == 400,
          f"top types {list(types)}")
    chain = s["holder_chain"] or ""
    check(chain.startswith("class attribute logging.Logger.manager -> ") and
          chain.endswith("-> logging.Logger"), f"chain: {chain}")


@test
def stored_exception():
    """An exception kept in a local of the frame its traceback holds: delayed (a cycle the
    collector frees); without forced collection the error class grows by one per iteration."""
    _, s = hunt("stored_exception", ["delayed"], trace=False)
    auto = {t["name"]: t for t in mode(s, "auto")["types"]}
    check(auto.get("stored_exception.ParseError", {}).get("objects_per_iter") == 1,
          f"auto types {list(auto)}")
    check(not mode(s, "forced")["types"], f"forced: {mode(s, 'forced')['types']}")
    check(s["holder_chain"] is None, f"no chain for a delayed verdict's flat forced mode: "
                                     f"{s['holder_chain']}")


@test
def bounded_cache():
    """A bounded LRU cache at 10 iterations: bounded (or released), never leak; at 2
    iterations: inconclusive, with the reason."""
    hunt("bounded_cache", ["bounded", "released"], trace=False)
    with tempfile.TemporaryDirectory() as out:
        folder = run(out, "bounded_cache", "--iterations", "2")
        rows = read_csv(os.path.join(folder, "summary.csv"))
        check({r["verdict"] for r in rows} == {"inconclusive"}, f"{rows[0]['verdict']}")
        check("the rule needs at least 5" in rows[0]["verdict_reason"] and
              "--iterations 10" in rows[0]["verdict_reason"], rows[0]["verdict_reason"])


@test
def global_list():
    """A global list: leak, held by the global; --fail-on leak exits 3 and names it;
    --fail-on a verdict not reached exits 0; a bad verdict is a usage error."""
    if SANITIZED:
        raise Skip("exit 3 follows an RSS verdict: checked in the plain build")
    with tempfile.TemporaryDirectory() as out:
        folder = run(out, "global_list", "--iterations", "6", "--fail-on", "leak", expect=3)
        check(verdicts(folder) == {"leak"}, f"{verdicts(folder)}")
        s = report_json(folder)
        check((s["holder_chain"] or "").startswith("global _records (global_list) -> list["),
              f"chain: {s['holder_chain']}")
        rc, _, err = bench("run", "--scenario", scenario("global_list"), "--out", out,
                           "--quiet", "--no-plot", "--iterations", "6", "--fail-on",
                           "uncollectable,delayed")
        check(rc == 0, f"--fail-on uncollectable,delayed on a leak: exit {rc}: {err}")
        rc, _, err = bench("run", "--scenario", scenario("global_list"), "--out", out,
                           "--iterations", "6", "--fail-on", "leaky")
        check(rc == 2 and "--fail-on: unknown verdict 'leaky'" in err, f"exit {rc}: {err}")
        rc, _, err = bench("run", "--scenario", scenario("global_list"), "--out", out,
                           "--iterations", "6", "--fail-on", "leak", "--no-plot")
        check(rc == 3 and "--fail-on leak: global_list (runtime python" in err,
              f"exit {rc}: {err}")


@test
def compare_json():
    """bench compare --format json of two folders matches its schema, with B/A ratios."""
    v = validator("compare.schema.json")
    with tempfile.TemporaryDirectory() as out:
        a = run(os.path.join(out, "a"), "bounded_cache", "--iterations", "5")
        b = run(os.path.join(out, "b"), "bounded_cache", "--iterations", "5", "--param",
                "rows=80")
        rc, text, err = bench("compare", a, b, "--format", "json")
        check(rc == 0, f"compare: exit {rc}: {err}")
        doc = json.loads(text)
        errors = sorted(v.iter_errors(doc), key=str)
        check(not errors, f"compare JSON does not match its schema: {errors[:3]}")
        check([f["folder"] for f in doc["folders"]] == ["A", "B"], f"{doc['folders']}")
        check(len(doc["rows"]) == 2 and all(r["in_folders"] == 2 for r in doc["rows"]),
              f"rows {doc['rows']}")
        b_values = doc["rows"][0]["values"][1]
        check(b_values["ratio_to_a"]["collections"] is None or
              b_values["ratio_to_a"]["collections"] >= 0, f"{b_values}")
        check(b_values["repeats"] == 1 and b_values["p_to_a"]["final_rss_bytes"] is None,
              f"one repeat: no p: {b_values}")


def run_test(bench_path, name):
    global BENCH
    BENCH = bench_path
    TESTS[name]()


if __name__ == "__main__":
    sys.exit(main(list(TESTS), run_test, __doc__.split("\n\n")[0]))
