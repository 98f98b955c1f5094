/* weakref_cycle.c — seed 004's test_weakref (seeds 001 and 003 give the same advice): the
 * objects of cross_reference, but A's back-pointer is weakref.proxy(B). No reference cycle:
 * reference counting frees everything as soon as the iteration drops its list (verdict:
 * released). */
#include "scenario.h"
#include "seed004.h"

static int step(gcr_runtime *rt, const scn_values *p, void *state, char *err, size_t errlen)
{
    return seed004_step(rt, p, state, SEED004_PROXY, err, errlen);
}

const scn_scenario scn_weakref_cycle = {
    .name = "weakref_cycle",
    .summary = "cross_reference with A's back-pointer a weakref.proxy: no cycle to collect",
    .seed = "004, 001, 003",
    .expected = "released",
    .params = {{"objects", 100, "B objects built per iteration"},
               {"floats", 10000, "floats in each A's _cache list"}},
    .param_count = 2,
    .setup = seed004_setup,
    .step = step,
    .teardown = seed004_teardown,
};
