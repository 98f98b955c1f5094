#!/usr/bin/env python3
"""check_copies.py SRC_ROOT — the data files (.csv, .md) of tests/reference/ equal those of
../shared/reference/ (exit 0), differ (exit 1), or there is no shared folder (exit 77: skip)."""
import filecmp, os, sys

root = sys.argv[1]
ours = os.path.join(root, "tests", "reference")
theirs = os.path.join(os.path.dirname(os.path.abspath(root)), "shared", "reference")
if not os.path.isdir(theirs):
    print(f"SKIP: no {theirs}")
    sys.exit(77)
bad = [f for f in sorted(os.listdir(ours)) if f.endswith((".csv", ".md")) and f != "README.md"
       and not filecmp.cmp(os.path.join(ours, f), os.path.join(theirs, f), shallow=False)]
for f in bad:
    print(f"tests/reference/{f} differs from {theirs}/{f}: copy it again", file=sys.stderr)
sys.exit(1 if bad else 0)
