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

typedef enum { PLAN_NATIVE, PLAN_PYTHON, PLAN_RUNTIMES } plan_runtime;
extern const char *const plan_runtime_names[PLAN_RUNTIMES]; /* "native", "python" */

/* CPython 3.11's own gc thresholds: what a python run without --threshold runs with. */
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
    bool runtimes[PLAN_RUNTIMES];
    bool modes[PLAN_MODES];
    int thresholds[PLAN_MAX_THRESHOLDS][3]; /* none given: the policy's default */
    size_t nthresholds;
    const char *param_keys[PLAN_MAX_PARAMS]; /* --param KEY=VALUE, as given */
    const char *param_values[PLAN_MAX_PARAMS];
    size_t nparams;
    int64_t iterations;
    int64_t repeat;
    gcr_config config; /* the native runtime's policy and allocator */
} plan_options;

typedef struct plan_run {
    char run_id[16];
    const plan_scenario *scenario;
    plan_runtime runtime;
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
} plan_run;

/* "py311" … for a native run, "cpython" for a python run (CPython 3.11 itself). */
const char *plan_policy_name(const plan_run *r);

/* Expands options into runs (malloc'd, *count of them), ordered scenario, runtime, setting,
 * repeat, mode, so that a setting's modes run back to back. Returns NULL when memory ran
 * out. */
plan_run *plan_expand(const plan_options *o, size_t *count);

#endif /* GCB_PLAN_H */
