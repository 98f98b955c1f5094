#!/usr/bin/env python3
"""test_wire.py — worker.py's records against wire.h: packs one record of each kind with
worker.py's Wire (every field a different value), has wire_decode (built from wire.h) read
them with the C structs, and checks every field. Fails when the Python packing and the C
layout disagree: a stale or wrong _gcbench_wire.py, or worker.py filling fields in the wrong
order. Usage: test_wire.py WIRE_DECODE HARNESS_BUILD_DIR"""

import os
import subprocess
import sys


TOKEN = 3735928559  # every record's header carries the run's token (above 2^31: unsigned)


def records(worker):
    """(record bytes, {field: expected text}) for each kind, with distinct values."""
    w = worker.Wire(TOKEN)
    iter_names = ["iteration", "t_ns", "rss_bytes", "rss_anon_bytes", "rss_file_bytes",
                  "iter_peak_rss_bytes", "live_objects", "live_bytes", "collections",
                  "collected", "uncollectable", "garbage", "pause_ns", "objects_scanned",
                  "count0", "count1", "count2", "step_wall_ns", "step_cpu_ns", "gc_wall_ns",
                  "gc_cpu_ns", "arenas_current", "arenas_allocated_total",
                  "arenas_reclaimed_total", "arenas_highwater", "blocks_in_use",
                  "collections_gen0", "collections_gen1", "collections_gen2", "heap_objects"]
    # distinct, signed, some beyond 32 bits
    values = [(i + 1) * 1000003 * (-1 if i % 5 == 3 else 1) + (i << 33) for i in
              range(len(iter_names))]
    out = [(bytes(w.pack_iter(values)), dict(zip(iter_names, map(str, values)),
                                               kind=str(w.kind_iter)))]
    done_ints = [1, 0, 12, 34, 56, 78, 9, -1, 123456789012, 11, 22, 33, 4444444444]
    done_names = ["ok", "iter_peak_supported", "iterations_done", "collections", "collected",
                  "uncollectable", "garbage", "objects_scanned", "pause_ns_total",
                  "pause_ns_median", "pause_ns_p95", "pause_ns_max", "peak_rss_bytes"]
    message = "Traceback (most recent call last):\n  ZeroDivisionError: é"
    rec = bytes(w.pack_done(*done_ints, "objects=3;floats=4", message))
    want = dict(zip(done_names, map(str, done_ints)), kind=str(w.kind_done),
                params="objects=3;floats=4", message=message.split("\n")[0])
    out.append((rec, want))
    rec = bytes(w.pack_type(w.kind_class, 7, 300, -1, 299, w.type_name("BWeakRef")))
    out.append((rec, dict(kind=str(w.kind_class), iteration="7", live_objects="300",
                          live_bytes="-1", growth_objects="299", name="BWeakRef")))
    long_name = "x" * 600
    rec = bytes(w.pack_type(w.kind_type, 9, 5, 6, -7, w.type_name(long_name)))
    out.append((rec, dict(kind=str(w.kind_type), iteration="9", live_objects="5",
                          live_bytes="6", growth_objects="-7", name="x" * 511)))
    return w, out


def parse(text):
    """wire_decode's output: one dict per record (a message's first line only)."""
    recs, cur, key = [], {}, None
    for line in text.split("\n"):
        if line == "" and cur:
            recs.append(cur)
            cur, key = {}, None
        elif "=" in line and (key is None or key != "message"):
            key, _, value = line.partition("=")
            cur[key] = value
    if cur:
        recs.append(cur)
    return recs


def main():
    decode, build = sys.argv[1], sys.argv[2]
    sys.path.insert(0, build)
    import worker  # the copy beside _gcbench_wire.py, as installed
    size = int(subprocess.run([decode, "--sizeof"], capture_output=True, text=True,
                              check=True).stdout)
    w, recs = records(worker)
    if w.size != size or any(len(r) != size for r, _ in recs):
        print(f"FAIL: sizeof(wire_msg) is {size}; worker.py packs "
              f"{[len(r) for r, _ in recs]} bytes")
        return 1
    p = subprocess.run([decode], input=b"".join(r for r, _ in recs), capture_output=True,
                       check=True)
    got = parse(p.stdout.decode("utf-8", "replace"))
    failures = []
    if len(got) != len(recs):
        failures.append(f"{len(got)} records decoded, {len(recs)} packed")
    for i, ((_, want), have) in enumerate(zip(recs, got)):
        for field, value in want.items():
            if have.get(field) != value:
                failures.append(f"record {i} field {field}: C reads {have.get(field)!r}, "
                                f"worker.py packed {value!r}")
        if have.get("token") != str(TOKEN):
            failures.append(f"record {i}: token is {have.get('token')}, packed {TOKEN}")
    for f in failures:
        print("FAIL:", f)
    if not failures:
        print(f"PASS: {len(recs)} records of {size} bytes, every field where wire.h has it")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
