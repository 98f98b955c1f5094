#!/usr/bin/env python3
"""perf_cpython.py — the CPython side of `bench perf`: the same heaps as harness/run/perf.c
builds in the native runtime, timed in this interpreter.

Two ways to run it:

  perf_cpython.py --serve
      What `bench perf` does. Prints "ready <python version>", then for every line
      "WORKLOAD OBJECTS" read on stdin runs one round and prints
      "WORKLOAD COUNTED_OBJECTS NS" (the round's wall time in nanoseconds), or
      "error WORKLOAD MESSAGE". An empty line or end of input stops it.

  perf_cpython.py [--rounds R] [--objects N] [WORKLOAD...]
      By hand: prints "WORKLOAD OBJECTS NS_PER_OBJECT" per workload, the median of R rounds.

Workloads (per object: the round's time divided by the objects it built or collected):
  collect_reachable  a full gc.collect() of N instances in two-object cycles, all held by a
                     list (built with the collector disabled)
  collect_garbage    the same heap, the list dropped first: every object is garbage
  alloc_free         create and drop one instance, N times
  scenario_step      one iteration of seed 004's test_reference (100 B <-> A cycles, each A
                     holding 10 000 floats), per object it leaves built
"""
import gc
import statistics
import sys
import time

perf_counter_ns = time.perf_counter_ns


class N:
    """The instance of the collection and allocation workloads (the reference script's)."""

    __slots__ = ("o",)


class A(object):
    """Seed 004's A, with the clock read once per list, as the native step does: the
    benchmark compares memory work, and 10 000 clock calls are none (the seed's own
    [i + time.time() for i in range(10000)] would double CPython's time here)."""

    def __init__(self, b):
        now = time.time()
        self._cache = [i + now for i in range(10000)]
        self.b = b


class B(object):
    """Seed 004's B."""

    def __init__(self, name):
        self.name = name
        self._a = A(b=self)


SCENARIO_BS = 100
SCENARIO_FLOATS = 10000
# What one step allocates, counted as the native runtime counts object blocks: per B the
# name str, B, A, the _cache list and its floats, and what CPython 3.11 makes around them
# (the clock's float and the formatting's tuple for the name, a dict of keyword arguments and
# a tuple of their names for each of B() and A(), the comprehension's function object); plus
# b_list itself.
SCENARIO_OBJECTS = SCENARIO_BS * (11 + SCENARIO_FLOATS) + 1


def build_pairs(n):
    """A list holding n // 2 pairs a <-> b (the list holds a; b is reachable through a)."""
    objs = []
    append = objs.append
    for _ in range(n // 2):
        a = N()
        b = N()
        a.o = b
        b.o = a
        append(a)
    return objs


def collect_round(n, garbage):
    """Builds the pairs with the collector off, then times one full collection with the list
    held (reachable) or dropped (garbage). Returns (objects, ns)."""
    objects = n // 2 * 2
    gc.disable()
    try:
        objs = build_pairs(n)
        if garbage:
            del objs
        t0 = perf_counter_ns()
        found = gc.collect()
        ns = perf_counter_ns() - t0
        expected = objects if garbage else 0
        if found != expected:
            raise RuntimeError(f"gc.collect() found {found} unreachable objects, "
                               f"expected {expected}")
        objs = None
        gc.collect()
    finally:
        gc.enable()
    return objects, ns


def alloc_free_round(n):
    t0 = perf_counter_ns()
    for _ in range(n):
        a = N()
    ns = perf_counter_ns() - t0
    del a
    return n, ns


def scenario_step_round(_n):
    """One test_reference iteration with the collector enabled, as the seed runs it; its
    cycles are collected afterwards, untimed."""
    t0 = perf_counter_ns()
    b_list = []
    for index in range(SCENARIO_BS):
        b_list.append(B(name="A-{}-{}".format(index, time.time())))
    del b_list
    ns = perf_counter_ns() - t0
    gc.collect()
    return SCENARIO_OBJECTS, ns


WORKLOADS = {
    "collect_reachable": lambda n: collect_round(n, garbage=False),
    "collect_garbage": lambda n: collect_round(n, garbage=True),
    "alloc_free": alloc_free_round,
    "scenario_step": scenario_step_round,
}


def prepare():
    """The interpreter's own objects move to the permanent generation, so that a collection
    examines only what a workload built, as the native runtime's does."""
    gc.collect()
    gc.freeze()


def serve():
    prepare()
    out = sys.stdout
    out.write("ready {}\n".format(sys.version.split()[0]))
    out.flush()
    for line in sys.stdin:
        words = line.split()
        if not words:
            break
        name = words[0]
        try:
            if len(words) != 2 or name not in WORKLOADS:
                raise ValueError(f"bad request {line.strip()!r}")
            objects, ns = WORKLOADS[name](int(words[1]))
            out.write(f"{name} {objects} {ns}\n")
        except Exception as e:  # reported to bench, which carries on without this column
            out.write(f"error {name} {type(e).__name__}: {e}\n")
        out.flush()


def by_hand(argv):
    import argparse

    p = argparse.ArgumentParser(description="CPython's side of 'bench perf'.")
    p.add_argument("--serve", action="store_true", help="answer bench perf on stdin/stdout")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--objects", type=int, default=1_000_000)
    p.add_argument("workloads", nargs="*", metavar="WORKLOAD", help=", ".join(WORKLOADS))
    args = p.parse_args(argv)
    for name in args.workloads:
        if name not in WORKLOADS:
            p.error(f"unknown workload {name!r}; workloads: {', '.join(WORKLOADS)}")
    if args.serve:
        serve()
        return
    prepare()
    for name in args.workloads or list(WORKLOADS):
        runs = [WORKLOADS[name](args.objects) for _ in range(args.rounds)]
        objects = runs[0][0]
        ns_per_object = statistics.median(ns / objects for _, ns in runs)
        print(f"{name} {objects} {ns_per_object:.2f}")


if __name__ == "__main__":
    by_hand(sys.argv[1:])
