/* cross_reference.c — seed 004's test_reference: each iteration builds 100 B <-> A cycles,
 * each A holding a list of 10 000 floats, and drops them. Only the cycle collector can free
 * them, so without a forced collection the memory comes back late (verdict: delayed). */
#include "scenario.h"
#include "seed004.h"

static int step(gcr_runtime *rt, const scn_values *p, void *state, char *err, size_t errlen)
{
    return seed004_step(rt, p, state, SEED004_STRONG, err, errlen);
}

const scn_scenario scn_cross_reference = {
    .name = "cross_reference",
    .summary = "100 x B<->A reference cycle per iteration, each A holding 10 000 floats",
    .seed = "004, 001",
    .expected = "delayed",
    .params = {{"objects", 100, "B objects (each a B<->A cycle) built per iteration"},
               {"floats", 10000, "floats in each A's _cache list"}},
    .param_count = 2,
    .setup = seed004_setup,
    .step = step,
    .teardown = seed004_teardown,
};
