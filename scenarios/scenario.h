/* scenario.h — the contract of a native scenario and the registry that lists them all.
 *
 * A scenario reproduces one of the seed articles' experiments as C code against the gcbench
 * runtime. One iteration is one call of step(); the harness samples memory between calls.
 *
 *   setup(rt, params, &state)   once, before the first iteration (may be NULL)
 *   step(rt, params, state)     once per iteration
 *   teardown(rt, params, state) once, after the last iteration (may be NULL); must drop
 *                               every reference the scenario holds, so that closing the
 *                               runtime finds nothing but what the collector never freed.
 *   roots(state, out, max)      the objects the scenario holds as its twin's module globals
 *                               would (may be NULL), each named as Python names a root
 *                               ("global _global_cache (global_cache)"): where a chain of
 *                               referrers (who holds a leak) ends.
 *
 * Each returns 0, or -1 with a message in err (errlen bytes) when it cannot go on (memory
 * ran out). Parameters are integers with defaults that reproduce the seed's sizes; the
 * harness overrides them with --param KEY=VALUE.
 */
#ifndef SCN_SCENARIO_H
#define SCN_SCENARIO_H

#include <stddef.h>

#include "gcr.h"

#define SCN_MAX_PARAMS 8

typedef struct scn_param {
    const char *key;
    long value; /* the default */
    const char *help;
} scn_param;

/* Parameter values, in the order of the scenario's params[]. */
typedef struct scn_values {
    long v[SCN_MAX_PARAMS];
} scn_values;

/* A root of the scenario's objects, as its Python twin holds it: a module global. */
typedef struct scn_root {
    const char *name; /* "global NAME (module)" */
    gcr_object *object;
} scn_root;

typedef struct scn_scenario {
    const char *name;
    const char *summary;  /* one line, for `bench list` */
    const char *seed;     /* which seed article(s) it reproduces, e.g. "004, 001" */
    const char *expected; /* expected verdict under py311, e.g. "delayed" */
    scn_param params[SCN_MAX_PARAMS];
    size_t param_count;
    int (*setup)(gcr_runtime *rt, const scn_values *p, void **state, char *err, size_t errlen);
    int (*step)(gcr_runtime *rt, const scn_values *p, void *state, char *err, size_t errlen);
    void (*teardown)(gcr_runtime *rt, const scn_values *p, void *state);
    /* fills out (at most max), returns how many roots the scenario holds; may be NULL */
    size_t (*roots)(void *state, scn_root *out, size_t max);
} scn_scenario;

/* All built-in scenarios, in a stable order; *count receives their number. */
const scn_scenario *const *scn_all(size_t *count);

/* The scenario of that name, or NULL. */
const scn_scenario *scn_find(const char *name);

/* The index of parameter key in s->params, or -1. */
int scn_param_index(const scn_scenario *s, const char *key);

/* Fills p with s's defaults. */
void scn_defaults(const scn_scenario *s, scn_values *p);

#endif /* SCN_SCENARIO_H */
