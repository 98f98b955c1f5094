#!/usr/bin/env python3
"""run_fuzz.py — runs one libFuzzer target for a fixed time, as `meson test --suite fuzz` does
(tests/fuzz/meson.build) and .ci/run's fuzz stage:

  run_fuzz.py FUZZER SEEDS WORK SECONDS [DICT]

FUZZER runs for SECONDS on the corpus WORK/corpus (kept between runs: what it learned) and the
seed corpus SEEDS (read only: the repository's tests/fuzz/corpus/NAME), with the dictionary
DICT; a crash, leak, timeout or sanitizer report leaves its input in WORK/artifacts/ (add it
to SEEDS as a regression seed once fixed). Prints libFuzzer's final statistics and one line
"fuzz NAME: N executions in S s" (stat::number_of_executed_units). Exit status: libFuzzer's
(0: no crash)."""
import os
import re
import subprocess
import sys


def main(argv):
    if len(argv) not in (5, 6):
        print(__doc__, file=sys.stderr)
        return 2
    fuzzer, seeds, work, seconds = argv[1], argv[2], argv[3], int(argv[4])
    corpus, artifacts = os.path.join(work, "corpus"), os.path.join(work, "artifacts")
    os.makedirs(corpus, exist_ok=True)
    os.makedirs(artifacts, exist_ok=True)
    cmd = [fuzzer, f"-max_total_time={seconds}", "-print_final_stats=1", "-close_fd_mask=3",
           "-timeout=20", "-rss_limit_mb=2560", "-max_len=131072",
           f"-artifact_prefix={artifacts}/"]
    if len(argv) == 6:
        cmd.append(f"-dict={argv[5]}")
    cmd += [corpus, seeds]
    env = dict(os.environ)
    # Any report of UBSan is a finding: stop there, as ASan does.
    env.setdefault("UBSAN_OPTIONS", "halt_on_error=1:abort_on_error=1:print_stacktrace=1")
    env.setdefault("ASAN_OPTIONS", "abort_on_error=1:detect_leaks=1")
    print(" ".join(cmd), flush=True)
    p = subprocess.run(cmd, stderr=subprocess.PIPE, text=True, errors="replace", env=env)
    lines = p.stderr.splitlines()
    # the fuzzer's progress lines are many: keep the start, the end and any report
    keep = lines if p.returncode != 0 else lines[:20] + ["…"] + lines[-25:]
    print("\n".join(keep))
    m = re.search(r"stat::number_of_executed_units:\s*(\d+)", p.stderr)
    execs = int(m.group(1)) if m else 0
    name = os.path.basename(fuzzer)
    print(f"fuzz {name}: {execs} executions in {seconds} s, exit {p.returncode}")
    if p.returncode == 0 and execs == 0:
        print(f"fuzz {name}: no executions counted", file=sys.stderr)
        return 1
    return p.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv))
