/* schema.h — the column names of the results folder's CSV files (DESIGN.md §5).
 *
 * These names are an interface: scripts and other machines read them. Add columns freely
 * (at the end), never rename or remove one. Units are in the names; bytes and nanoseconds
 * are integers; an empty cell means "not measured".
 */
#ifndef GCB_SCHEMA_H
#define GCB_SCHEMA_H

#include <stddef.h>

#define GCB_MACHINE_CSV "machine.csv"
#define GCB_RUNS_CSV "runs.csv"
#define GCB_SAMPLES_CSV "samples.csv"
#define GCB_SUMMARY_CSV "summary.csv"

/* The most iterations a run has: `bench run --iterations`' upper bound, and what a reader
 * accepts in runs.csv's iterations column. */
#define GCB_ITERATIONS_MAX 1000000000

/* machine.csv: key,value,machine_id. A folder bench run wrote holds one machine (every row's
 * machine_id the same); a merged folder (bench merge) holds every machine its runs ran on, each
 * machine's keys under its id. */
#define GCB_MACHINE_COLUMNS "key", "value", "machine_id"

/* runs.csv: one row per run (one worker process). rss_comparable: 1 when the run's RSS is
 * CPython's on this machine (native, python, an interpreter), 0 in Pyodide (a Node.js process;
 * WebAssembly's memory only grows). interpreter_objects: the interpreter's own containers the
 * native runtime modelled (empty for the CPythons). jobs: the --jobs of the bench run that made
 * the run (how many workers could run beside it: its timing columns felt them, its memory
 * figures and counts did not). machine_id: the machine it ran on (machine.csv). plan_index: its
 * 1-based place in the whole plan, the same in every shard of it (run_id is r%04d of it). */
#define GCB_RUNS_COLUMNS                                                                           \
    "run_id", "scenario", "runtime", "policy", "allocator", "threshold", "mode", "repeat",         \
        "iterations", "params", "cpu", "status", "message", "wall_ns", "peak_rss_bytes",           \
        "baseline_rss_bytes", "final_rss_bytes", "iterations_done", "collections", "collected",    \
        "uncollectable", "garbage", "objects_scanned", "pause_ns_total", "pause_ns_median",        \
        "pause_ns_p95", "pause_ns_max", "user_cpu_ns", "sys_cpu_ns", "iter_peak_supported",        \
        "exit_code", "signal", "rusage_maxrss_bytes", "rss_comparable", "interpreter_objects",     \
        "trace_alloc_frames", "jobs", "machine_id", "plan_index"

/* samples.csv: one row per sample. kind "iter" rows are boundary samples taken by the worker
 * (iteration 0 = after setup, before the first step; iteration k = after step k and, in
 * forced mode, its collection); kind "tick" rows are the parent's /proc/PID/statm reads, with
 * the iteration in progress and only the RSS columns filled; kind "type" rows are, at every
 * iteration, the types that grew most over the run (type_name, module-qualified; live_objects,
 * live_bytes, type_growth_objects since the baseline); kind "class" rows, after each boundary
 * sample, the live instances of each class the scenario defines (the same four columns); kind
 * "site" rows (traced runs only: runs.csv's trace_alloc_frames > 0), at every iteration, the
 * allocation sites whose retained size grew most (alloc_site "file:line", innermost frame
 * first; live_bytes retained, live_objects blocks); a kind "holder" row (forced-mode runs whose
 * types grew), after the run: who holds the fastest-growing type, as one chain of referrers
 * from a root (holder_chain). */
#define GCB_SAMPLES_COLUMNS                                                                        \
    "run_id", "kind", "iteration", "t_ns", "rss_bytes", "rss_anon_bytes", "iter_peak_rss_bytes",   \
        "live_objects", "live_bytes", "collections", "collected", "uncollectable", "garbage",      \
        "pause_ns", "rss_file_bytes", "count0", "count1", "count2", "step_wall_ns", "step_cpu_ns", \
        "gc_wall_ns", "gc_cpu_ns", "objects_scanned", "arenas_current", "arenas_allocated_total",  \
        "arenas_reclaimed_total", "arenas_highwater", "blocks_in_use", "type_name",                \
        "type_growth_objects", "collections_gen0", "collections_gen1", "collections_gen2",         \
        "heap_objects", "alloc_site", "holder_chain"

/* summary.csv: one row per (scenario, runtime, policy, allocator, threshold, mode). The last
 * columns: rss_comparable (the setting's runs' RSS is comparable: 1, or 0 in Pyodide);
 * verdict_basis ("rss", or "class_objects" where RSS is not comparable: the verdict was made on
 * the live instances of the scenario's classes); the class instances after the last iteration,
 * their growth per iteration (Theil–Sen over iterations 1..N), mean over 1..N, the most one
 * iteration added, and the growth limit (class_objects basis only), medians over repeats; the
 * collections per generation since the baseline (median); then the verdict's own figures:
 * the first iteration of the later half it judges (verdict.h), the growth per iteration over
 * that half (RSS, and class instances), and how the limit was made (verdict_rule). */
#define GCB_SUMMARY_COLUMNS                                                                        \
    "scenario", "runtime", "policy", "allocator", "threshold", "mode", "repeats",                  \
        "baseline_rss_bytes", "final_rss_bytes", "peak_rss_bytes", "rss_growth_bytes_per_iter",    \
        "rss_growth_bytes_per_iter_min", "rss_growth_bytes_per_iter_max",                          \
        "garbage_growth_per_iter", "collections", "objects_scanned", "pause_ns_median",            \
        "pause_ns_p95", "pause_ns_max", "wall_ns", "verdict", "mean_rss_bytes",                    \
        "step_footprint_bytes", "growth_limit_bytes_per_iter", "failed_repeats", "verdict_reason", \
        "peak_above_baseline_bytes", "cpython_rss_growth_bytes_per_iter",                          \
        "growth_ratio_to_cpython", "cpython_peak_above_baseline_bytes", "peak_ratio_to_cpython",   \
        "rss_comparable", "verdict_basis", "class_objects_final", "class_objects_growth_per_iter", \
        "class_objects_mean", "class_objects_step_max", "class_objects_growth_limit_per_iter",     \
        "collections_gen0", "collections_gen1", "collections_gen2", "late_first_iteration",        \
        "rss_growth_late_bytes_per_iter", "class_objects_growth_late_per_iter", "verdict_rule"

#endif /* GCB_SCHEMA_H */
