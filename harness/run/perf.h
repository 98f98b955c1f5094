/* perf.h — `bench perf`'s measurement: the workloads, each timed in a fresh native runtime and
 * in a CPython subprocess (harness/cmd/perf_cpython.py --serve), round by round in turn
 * (native round 1, CPython round 1, native round 2, …) so that both sides share the machine's
 * noise; per workload, the median nanoseconds per object of each side.
 *
 * A bench is opened once (the CPython subprocess started), measures the workloads it is asked
 * for, and is closed. A CPython side that is missing or fails leaves its figures absent, with a
 * warning on stderr; only the native side failing a workload is an error.
 *
 *   perf_bench b;
 *   if (perf_open(&b, rounds, objects, "python3") != 0)
 *       return GCB_EXIT_FAILED;
 *   for (size_t w = 0; w < PERF_WORKLOADS; w++)
 *       perf_measure(&b, w, &results[w]);
 *   perf_progress_end();
 *   … print results[], perf_cpython_version(&b) …
 *   perf_close(&b);
 */
#ifndef GCB_PERF_H
#define GCB_PERF_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* The workloads, in the order `bench perf` runs and prints them (perf_workload_name):
 * collect_reachable, collect_garbage, alloc_free, scenario_step. */
enum { PERF_WORKLOADS = 4 };

/* The name of workload 0 ≤ w < PERF_WORKLOADS, also perf_cpython.py's name for it. */
const char *perf_workload_name(size_t w);

/* The CPython side: perf_cpython.py --serve, one round per request. */
typedef struct perf_python {
    pid_t pid;  /* 0 when not running */
    FILE *to;   /* its stdin: requests "WORKLOAD OBJECTS" */
    FILE *from; /* its stdout: answers "WORKLOAD OBJECTS NS" */
    char version[32];
} perf_python;

/* One measurement: rounds per workload and side, objects per collection and allocation
 * workload, the CPython subprocess, and room for each round's figure. */
typedef struct perf_bench {
    int64_t rounds, objects;
    perf_python py;
    double *native, *cpython; /* rounds each: ns per object of each round */
} perf_bench;

/* A workload's result: median ns per object of each side, < 0 when that side has none. */
typedef struct perf_result {
    int64_t objects;
    double native_ns, cpython_ns;
} perf_result;

/* Opens b for rounds ≥ 1 rounds of objects ≥ 2 objects: ignores SIGPIPE (a subprocess that
 * dies makes writes fail instead of killing us) and starts `python perf_cpython.py --serve`
 * (its script: $GCBENCH_PERF_SCRIPT, else share/gcbench/ beside the executable, else the
 * source tree's harness/cmd/). Returns 0 — also when CPython did not start, after a warning:
 * its figures are then absent — or -1 when memory ran out ("bench: out of memory" on stderr,
 * nothing to close). */
int perf_open(perf_bench *b, int64_t rounds, int64_t objects, const char *python);

/* Runs every round of workload w (< PERF_WORKLOADS) on both sides in turn into *res, a
 * progress line on stderr when it is a terminal. Returns 0, or -1 when the native side failed
 * ("bench: native WORKLOAD: …" on stderr; *res then holds no native figure). A CPython round
 * that fails leaves the workload's CPython figure absent, with a warning; a CPython subprocess
 * that ends leaves every later one absent. */
int perf_measure(perf_bench *b, size_t w, perf_result *res);

/* Clears the progress line perf_measure left on stderr, when stderr is a terminal. */
void perf_progress_end(void);

/* The CPython version that answered ("3.11.2"), or "" when none started or it has ended. */
const char *perf_cpython_version(const perf_bench *b);

/* Stops the CPython subprocess and frees b. */
void perf_close(perf_bench *b);

#endif /* GCB_PERF_H */
