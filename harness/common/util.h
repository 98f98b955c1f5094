/* util.h — small shared pieces of the bench program: user messages, number and size
 * parsing, paths, clocks. Nothing here keeps state. */
#ifndef GCB_UTIL_H
#define GCB_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exit codes (DESIGN.md §5). */
/* 3: bench run --fail-on: a scenario got one of the named verdicts (every run succeeded). */
enum {
    GCB_EXIT_OK = 0,
    GCB_EXIT_FAILED = 1,
    GCB_EXIT_USAGE = 2,
    GCB_EXIT_VERDICT = 3,
    GCB_EXIT_INTERRUPTED = 128 /* + the signal that stopped bench run */
};

/* "bench: <message>\n" on stderr. */
void gcb_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "bench: <message>\n" on stderr, plus "Try 'bench CMD --help'." — for usage errors. */
void gcb_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* getopt_long's refusal of ARG (argv[optind - 1]) for bench CMD, as a usage error: C is what
   getopt returned, ':' for an option whose value is missing (optstring starts with ':'),
   anything else for an option it does not know. */
void gcb_usage_getopt(const char *cmd, int c, const char *arg);

/* The index of value among names[0..n) (an option's choices, e.g. --format's), or -1 after
 * the usage error of command cmd: "OPT 'VALUE' is not one of a, b or c". */
int gcb_parse_choice(const char *cmd, const char *opt, const char *value, const char *const *names,
                     size_t n);

/* Whole decimal number in [min, max]. Returns 0, or -1 (not a number, out of range). */
int gcb_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out);
/* A size: a number with an optional suffix K, M, G, T (powers of 1024; KiB/MiB/… and
 * lower case accepted, B alone means bytes). Returns 0, or -1. */
int gcb_parse_size(const char *s, uint64_t *out);
/* Seconds, possibly fractional ("2", "0.5"); > 0. Returns 0, or -1. */
int gcb_parse_seconds(const char *s, double *out);

/* CLOCK_MONOTONIC and CLOCK_PROCESS_CPUTIME_ID in nanoseconds. */
int64_t gcb_now_ns(void);
int64_t gcb_cpu_ns(void);

/* The folder holding the running executable (from /proc/self/exe), in buf. 0 or -1. */
int gcb_exe_dir(char *buf, size_t len);
/* A data folder of gcbench (sub: "plots", "scenarios"): $env when set, else the installed
 * <exe>/../share/gcbench/SUB, else the source tree's SUB/. Returns 0 with the path in buf,
 * or -1 when none of them is a folder. */
int gcb_share_dir(const char *sub, const char *env, char *buf, size_t len);
/* The gnuplot scripts' folder: gcb_share_dir("plots", "GCBENCH_PLOTS_DIR", …). */
int gcb_plots_dir(char *buf, size_t len);

/* A worker executable called name: next to the running executable (a build folder), or in
 * <exe>/../libexec/gcbench (installed). Returns 0 with its path in buf, or -1. */
int gcb_find_worker(const char *name, char *buf, size_t len);

/* A file gcbench installs in share/gcbench (worker.py, _gcbench_wire.py, worker_pyodide.mjs):
 * next to the running executable (a build folder holds them beside the programs), else
 * <exe>/../share/gcbench/NAME (bench in bin/), else <exe>/../../share/gcbench/NAME (a worker in
 * libexec/gcbench/). Returns 0 with its path in buf, or -1. */
int gcb_find_share_file(const char *name, char *buf, size_t len);

/* Runs argv (no shell) and keeps the first line of its standard output in out. Returns 0
 * when it exited 0, else -1 (out is then ""). */
int gcb_capture_line(char *const argv[], char *out, size_t len);

/* FNV-1a of n strings, each part ended by a byte no name holds (0x1f), so that ("ab","c") and
 * ("a","bc") differ. For the readers' hash tables. */
uint64_t gcb_hash_strings(const char *const *parts, size_t n);

/* mkdir -p. Returns 0, or -1 with errno. */
int gcb_mkdirs(const char *path);

/* Columns s[0..len) takes on screen: UTF-8 continuation bytes take none. */
size_t gcb_display_width(const char *s, size_t len);

/* Formats bytes as MiB with two decimals ("38.66"). */
void gcb_fmt_mib(char *buf, size_t len, int64_t bytes);

#endif /* GCB_UTIL_H */
