/* cross_reference.c — seed 004's test_reference: each iteration builds 100 B <-> A cycles,
 * each A holding a list of 10 000 floats, and drops them. Only the cycle collector can free
 * them, so without a forced collection the memory comes back late (verdict: delayed). */
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"
#include "seed004.h"

enum { P_OBJECTS, P_FLOATS };

static int setup(gcr_runtime *rt, const scn_values *p, void **state, char *err, size_t errlen)
{
    (void)p;
    seed004_classes *c = malloc(sizeof *c);
    if (c == NULL || seed004_classes_new(rt, c) != 0) {
        free(c);
        snprintf(err, errlen, "out of memory creating classes A and B");
        return -1;
    }
    *state = c;
    return 0;
}

static int step(gcr_runtime *rt, const scn_values *p, void *state, char *err, size_t errlen)
{
    gcr_object *b_list = seed004_new_b_list(rt, state, p->v[P_OBJECTS], p->v[P_FLOATS]);
    if (b_list == NULL) {
        snprintf(err, errlen, "out of memory building %ld objects", p->v[P_OBJECTS]);
        return -1;
    }
    gcr_decref(rt, b_list); /* the function returns: b_list goes, the cycles stay */
    return 0;
}

static void teardown(gcr_runtime *rt, const scn_values *p, void *state)
{
    (void)rt;
    (void)p;
    free(state);
}

const scn_scenario scn_cross_reference = {
    .name = "cross_reference",
    .summary = "100 x B<->A reference cycle per iteration, each A holding 10 000 floats",
    .seed = "004, 001",
    .expected = "delayed",
    .params = {{"objects", 100, "B objects (each a B<->A cycle) built per iteration"},
               {"floats", 10000, "floats in each A's _cache list"}},
    .param_count = 2,
    .setup = setup,
    .step = step,
    .teardown = teardown,
};
