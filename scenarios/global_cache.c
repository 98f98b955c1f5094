/* global_cache.c — seed 004's test_global_cache: the B <-> A objects of cross_reference,
 * appended every iteration to a module-level list that is never cleared. They stay
 * reachable, so no collection can free them (verdict: leak). */
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"
#include "seed004.h"

enum { P_OBJECTS, P_FLOATS };

typedef struct state {
    seed004_classes classes;
    gcr_object *global_cache; /* the module-level list; the scenario's only root */
} state;

static int setup(gcr_runtime *rt, const scn_values *p, void **out, char *err, size_t errlen)
{
    (void)p;
    state *s = malloc(sizeof *s);
    if (s == NULL || seed004_classes_new(rt, &s->classes) != 0 ||
        (s->global_cache = gcr_list_new(rt)) == NULL) {
        free(s);
        snprintf(err, errlen, "out of memory in setup");
        return -1;
    }
    *out = s;
    return 0;
}

static int step(gcr_runtime *rt, const scn_values *p, void *st, char *err, size_t errlen)
{
    state *s = st;
    gcr_eval_breaker(rt); /* step(): its first instruction */
    gcr_object *b_list =
        seed004_new_b_list(rt, &s->classes, SEED004_STRONG, p->v[P_OBJECTS], p->v[P_FLOATS]);
    if (b_list == NULL) {
        snprintf(err, errlen, "out of memory building %ld objects", p->v[P_OBJECTS]);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < gcr_list_len(b_list); i++) /* global.extend(b_list) */
        rc = gcr_list_append(rt, s->global_cache, gcr_list_get(b_list, i));
    gcr_decref(rt, b_list);
    gcr_eval_breaker(rt); /* extend(), a call into C */
    if (rc != 0)
        snprintf(err, errlen, "out of memory extending the global cache");
    return rc;
}

static void teardown(gcr_runtime *rt, const scn_values *p, void *st)
{
    (void)p;
    state *s = st;
    gcr_decref(rt, s->global_cache);
    seed004_classes_drop(rt, &s->classes);
    free(s);
}

/* The twin's module-level list. */
static size_t roots(void *st, scn_root *out, size_t max)
{
    const state *s = st;
    if (max > 0)
        out[0] = (scn_root){"global _global_cache (global_cache)", s->global_cache};
    return 1;
}

const scn_scenario scn_global_cache = {
    .name = "global_cache",
    .summary = "the cross_reference objects kept in a module-level list that only grows",
    .seed = "004, 001, 003",
    .expected = "leak",
    .params = {{"objects", 100, "B objects appended to the global list per iteration"},
               {"floats", 10000, "floats in each A's _cache list"}},
    .param_count = 2,
    .setup = setup,
    .step = step,
    .teardown = teardown,
    .roots = roots,
};
