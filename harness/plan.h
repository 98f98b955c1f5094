/* plan.h — what `bench run` will do: its options, and the list of runs they expand to, one
 * per (scenario, runtime, setting, repeat, mode), each run a fresh worker process. */
#ifndef GCB_PLAN_H
#define GCB_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gcr.h"
#include "scenario.h"

#define PLAN_MAX_THRESHOLDS 64
#define PLAN_MAX_PARAMS 16

typedef enum { PLAN_FORCED, PLAN_AUTO, PLAN_OFF, PLAN_MODES } plan_mode;
extern const char *const plan_mode_names[PLAN_MODES]; /* "forced", "auto", "off" */

typedef struct plan_options {
    const scn_scenario **scenarios;
    size_t nscenarios;
    bool modes[PLAN_MODES];
    int thresholds[PLAN_MAX_THRESHOLDS][3]; /* none given: the policy's default */
    size_t nthresholds;
    const char *param_keys[PLAN_MAX_PARAMS];
    long param_values[PLAN_MAX_PARAMS];
    size_t nparams;
    int64_t iterations;
    int64_t repeat;
    gcr_config config;
} plan_options;

typedef struct plan_run {
    char run_id[16];
    const scn_scenario *scenario;
    scn_values params;
    char params_text[256]; /* "objects=100;floats=10000" */
    bool threshold_set;
    int threshold[3];
    char threshold_text[48]; /* "700/10/10" */
    plan_mode mode;
    int64_t repeat; /* 1-based */
    int64_t iterations;
    gcr_config config;
} plan_run;

/* Expands options into runs (malloc'd, *count of them), ordered scenario, setting, repeat,
 * mode, so that a setting's modes run back to back. Returns NULL when memory ran out. */
plan_run *plan_expand(const plan_options *o, size_t *count);

#endif /* GCB_PLAN_H */
