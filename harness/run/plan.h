/* plan.h — what `bench run` will do: its options, and the list of runs they expand to, one
 * per (scenario, runtime, setting, repeat, mode), each run a fresh worker process.
 *
 * A scenario is a built-in (a native scenario from the registry and its Python twin,
 * scenarios/NAME.py) or a user's file (Python only). A run exists for each runtime the
 * scenario has: a user's file never runs in the native runtime. */
#ifndef GCB_PLAN_H
#define GCB_PLAN_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gcr.h"
#include "scenario.h"

#define PLAN_MAX_THRESHOLDS 64
#define PLAN_MAX_PARAMS 16

typedef enum { PLAN_FORCED, PLAN_AUTO, PLAN_OFF, PLAN_MODES } plan_mode;
extern const char *const plan_mode_names[PLAN_MODES]; /* "forced", "auto", "off" */

/* The kinds of runtime a run can have, each with its own worker (runner.c). */
typedef enum {
    PLAN_NATIVE,      /* the gcbench runtime: bench-worker */
    PLAN_PYTHON,      /* CPython 3.11 embedded: bench-worker-python running worker.py */
    PLAN_INTERPRETER, /* a CPython on the machine (--python PATH): PATH -I worker.py */
    PLAN_PYODIDE,     /* a Pyodide package's CPython under Node.js (--pyodide DIR) */
    PLAN_KINDS
} plan_kind;
/* The names of --runtime: "native", "python", "pyodide" (interpreters come from --python). */
#define PLAN_RUNTIME_CHOICES 3
extern const char *const plan_runtime_choices[PLAN_RUNTIME_CHOICES];

#define PLAN_MAX_RUNTIMES 16

/* One runtime runs are made in: its kind, and the name runs.csv gives it. */
typedef struct plan_runtime {
    plan_kind kind;
    char name[64];            /* "native", "python", "cpython-3.13.2", "pyodide-3.14.2" (unique) */
    char path[PATH_MAX];      /* interpreter: the path given; pyodide: the package folder */
    char version[256];        /* interpreter, pyodide: sys.version on one line */
    char npm_version[64];     /* pyodide: package.json's version */
    int default_threshold[3]; /* interpreter, pyodide: its gc.get_threshold() */
    char same_version_as[64]; /* the first runtime of the same version, when this one is not */
} plan_runtime;

/* CPython 3.11's own gc thresholds: what an embedded python run without --threshold runs
 * with (an interpreter's or a Pyodide package's are its own: plan_runtime.default_threshold). */
#define PLAN_CPYTHON_THRESHOLDS                                                                    \
    {                                                                                              \
        700, 10, 10                                                                                \
    }

typedef struct plan_scenario {
    char name[128];             /* the built-in's name, or the file's name without .py */
    const scn_scenario *native; /* the built-in, or NULL for a user's file */
    char py_path[PATH_MAX];     /* scenarios/NAME.py or the user's file; "" when unknown */
} plan_scenario;

typedef struct plan_options {
    const plan_scenario *scenarios;
    size_t nscenarios;
    plan_runtime runtimes[PLAN_MAX_RUNTIMES]; /* in the order they run */
    size_t nruntimes;
    bool modes[PLAN_MODES];
    int thresholds[PLAN_MAX_THRESHOLDS][3]; /* none given: the policy's default */
    size_t nthresholds;
    const char *param_keys[PLAN_MAX_PARAMS]; /* --param KEY=VALUE, as given */
    const char *param_values[PLAN_MAX_PARAMS];
    size_t nparams;
    int64_t iterations;
    int64_t repeat;
    gcr_config config; /* the native runtime's allocator (and policy, when policies is empty) */
    /* --policy, in the order given: the native runtime runs each (a setting each, before
     * the thresholds); none given: config.policy alone */
    gcr_policy policies[GCR_POLICIES];
    size_t npolicies;
    /* --interpreter-objects; -1: each policy's own (gcr_policy_interpreter_objects) */
    int64_t interpreter_objects;
    /* --trace-alloc N: besides the measured runs, one traced run (tracemalloc, N frames) per
     * CPython setting and mode; 0: none */
    int trace_frames;
} plan_options;

typedef struct plan_run {
    char run_id[16]; /* r%04zu of index */
    size_t index;    /* 1-based place in the whole plan (runs.csv plan_index) */
    const plan_scenario *scenario;
    size_t runtime;              /* index into options->runtimes */
    scn_values params;           /* native runs: every parameter's value */
    char params_text[256];       /* "objects=100;floats=10000" (a user's file: the --param given) */
    const plan_options *options; /* for the --param strings a python run passes on */
    bool threshold_set;
    int threshold[3];
    char threshold_text[48]; /* "700/10/10" */
    plan_mode mode;
    int64_t repeat; /* 1-based */
    int64_t iterations;
    gcr_config config;
    /* > 0: a traced run (tracemalloc with this many frames): its own run, recorded as such,
     * whose RSS and timings never enter a summary (tracing changes both) */
    int trace_frames;
} plan_run;

/* Whether runs in r's runtime can be traced (--trace-alloc): the CPythons on this machine
 * (embedded, --python). */
bool plan_can_trace(const plan_runtime *rt);

/* The runtime r runs in. */
const plan_runtime *plan_run_runtime(const plan_run *r);
/* "py311" … for a native run, "cpython" for every CPython (embedded, interpreter, Pyodide). */
const char *plan_policy_name(const plan_run *r);
/* The allocator r runs with: the options' ("pymalloc", "malloc"), except in Pyodide, whose
 * CPython is built without pymalloc: "malloc" there. */
const char *plan_allocator_name(const plan_run *r);
/* Whether r's RSS is comparable with CPython's on this machine: 1, except in Pyodide (the
 * Node.js process, and WebAssembly's linear memory, which only grows): 0. */
int plan_rss_comparable(const plan_run *r);

/* Appends a runtime (name unique) to o's table; returns it, or NULL when the table is full. */
plan_runtime *plan_add_runtime(plan_options *o, plan_kind kind, const char *name);
/* The runtime named name in o's table, or NULL. */
const plan_runtime *plan_find_runtime(const plan_options *o, const char *name);

/* Expands options into runs (malloc'd, *count of them), ordered scenario, runtime, policy
 * (native runs), setting, repeat, mode, so that a setting's modes run back to back; with
 * --trace-alloc, each traceable setting's traced runs (one per mode) after its repeats.
 * Returns NULL when memory ran out. */
plan_run *plan_expand(const plan_options *o, size_t *count);

/* The plan's id (machine.csv plan_id): 16 hex digits of a hash of every run's defining fields
 * (id, scenario, runtime, policy, allocator, threshold, mode, repeat, iterations, parameters,
 * tracing), so that the shards of one plan, run anywhere, carry the same id, and shards of
 * different plans do not. */
void plan_id(const plan_run *runs, size_t n, char out[17]);

/* `--shard K/N`: the K-th (1-based, K <= N) of N equal parts of n runs, contiguous (a
 * setting's modes stay together): runs [*first, *first + *count). */
void plan_shard(size_t n, size_t k, size_t parts, size_t *first, size_t *count);

#endif /* GCB_PLAN_H */
