/* worker_core.h — what every worker executable shares, whatever runtime it drives: its
 * arguments, the iteration loop with its timing and boundary samples, the pause record,
 * fault injection, and the wire records to the parent. A runtime plugs in as a wk_backend
 * (worker.c: the gcbench runtime; worker_python.c: embedded CPython).
 *
 *   WORKER --fd N (--scenario NAME | --file PATH) --mode forced|auto|off --iterations N
 *          [--threshold T0,T1,T2] [--policy P] [--allocator A] [--param KEY=VALUE]…
 *          [--python-env] [--interpreter-objects N] [--trace-alloc FRAMES]
 *
 * Exit status: 0 every iteration ran; 1 the scenario failed (the DONE record says why);
 * 2 bad arguments (a bug in bench: the message goes to stderr).
 *
 * Test hook (fault injection, like SQLite's): GCBENCH_FAULT=crash@K | fail@K | hang@K makes
 * iteration K raise SIGSEGV, fail with a message, or sleep forever.
 */
#ifndef GCB_WORKER_CORE_H
#define GCB_WORKER_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire.h"

#define WK_MAX_PARAMS 16

typedef enum { WK_FORCED, WK_AUTO, WK_OFF } wk_mode;

typedef struct wk_args {
    int fd;
    uint32_t token;       /* the run's (wire.h): GCBENCH_WIRE_TOKEN, 0 when unset */
    const char *scenario; /* a built-in name (native), or NULL */
    const char *file;     /* a scenario file (python), or NULL */
    wk_mode mode;
    int64_t iterations;
    bool threshold_set;
    int threshold[3];
    const char *policy;    /* NULL: the runtime's default */
    const char *allocator; /* NULL: the runtime's default */
    const char *param_keys[WK_MAX_PARAMS];
    const char *param_values[WK_MAX_PARAMS];
    size_t nparams;
    bool python_env;             /* python: let PYTHON* variables and the user site in */
    int64_t interpreter_objects; /* native: gcr_config.interpreter_objects */
    int64_t trace_frames;        /* python: tracemalloc's frames in a traced run (0: none) */
} wk_args;

/* Parses argv into a, or prints the problem and exits 2. */
void wk_parse_args(int argc, char **argv, wk_args *a);
/* Prints "NAME: message" on stderr and exits 2 (a bad argument: a bug in bench). */
void wk_die_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* The pause of every collection of a run, for its median / p95 / max. */
typedef struct wk_pauses {
    int64_t *ns;
    size_t len, cap;
} wk_pauses;
/* Records one pause (dropped, not fatal, when memory runs out: the totals still have it). */
void wk_pauses_add(wk_pauses *p, int64_t pause_ns);

/* A runtime as the loop drives it. Each returns 0, or -1 with a message in err. */
typedef struct wk_backend {
    void *ctx;
    /* Applies the GC settings, records every collection's pause in pauses, runs the
     * scenario's setup. */
    int (*setup)(void *ctx, wk_pauses *pauses, char *err, size_t errlen);
    /* One iteration. */
    int (*step)(void *ctx, char *err, size_t errlen);
    /* gc.collect(): a full collection. */
    void (*collect)(void *ctx);
    /* The runtime's counters into s (live objects, gc totals, counts, allocator); a value
     * the runtime cannot give is -1. */
    void (*sample)(void *ctx, wire_iter *s);
    /* Marks the per-type baseline (after setup). */
    void (*mark_types)(void *ctx);
    /* The live types, most live objects first, names module-qualified (a scenario's class as
     * "SCENARIO.Class"): fills out, returns how many (<= max). May be NULL. */
    size_t (*types)(void *ctx, wire_type *out, size_t max);
    /* The scenario's own classes and their live instances (growth since mark_types), in the
     * order they were defined: fills out, returns how many (<= max). May be NULL. */
    size_t (*classes)(void *ctx, wire_type *out, size_t max);
    /* The effective parameters as "k=v;k=v" into buf. */
    void (*params)(void *ctx, char *buf, size_t len);
    /* Who holds type_name (the census' fastest-growing type): one chain of referrers from a
     * root to a live instance into buf ("global _x (mod) -> list -> mod.B"); 0, or -1 when
     * none was found. Called after the last sample of a forced-mode run. May be NULL. */
    int (*holder)(void *ctx, const char *type_name, char *buf, size_t len);
    /* The scenario's teardown (may be NULL). */
    void (*teardown)(void *ctx);
} wk_backend;

/* Runs setup, a full collection (as seed 004 does before each test), the baseline sample, the
 * iterations (with the forced collection and the samples, each with its per-type census), the
 * types that grew (census.h) and teardown,
 * and sends DONE. DONE's gc figures (collections, collected, uncollectable, garbage, objects
 * scanned, pauses) are the last boundary sample's: what the iterations did, not what the
 * loop's own ending or the teardown made the collector do. Returns the exit status. */
int wk_run(const wk_args *a, const wk_backend *b);

#endif /* GCB_WORKER_CORE_H */
