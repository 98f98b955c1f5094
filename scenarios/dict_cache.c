/* dict_cache.c — seed 003's dict cache, and its weakref.WeakValueDictionary cure
 * (weak_dict_cache.c shares this file's code):
 *
 *   dict_leak = {}                        # or weakref.WeakValueDictionary()
 *   for index in range(6):
 *       key = create_uuid()
 *       value = np.random.random([1000, 1000, 100])
 *       dict_leak[key] = value
 *
 * (the twin, scenarios/dict_cache.py: `dict_leak[new_key()] = ndarray()`, value first, as
 * CPython evaluates it).
 *
 * A plain dict keeps every array (verdict: leak); a WeakValueDictionary drops each entry when
 * its array dies, at the end of the iteration (verdict: released). One iteration is one pass
 * of the loop; the array is dropped when it ends (the seed's loop variable holds the latest
 * one a little longer, until it is rebound). The seed's arrays are 800 MB; the default here
 * is one 1000 x 1000 slice of it, 8 MB (--param payload_bytes=800000000 for the seed's). */
#include <stdio.h>
#include <stdlib.h>

#include "dict_cache.h"
#include "payload.h"

enum { P_ENTRIES, P_PAYLOAD };

typedef struct state {
    payload_kit kit;
    gcr_object *cache; /* the module-level dict (or weak dict): the scenario's only root */
    bool weak;
} state;

static int setup(gcr_runtime *rt, bool weak, void **out, char *err, size_t errlen)
{
    state *s = malloc(sizeof *s);
    if (s == NULL || payload_kit_init(rt, &s->kit) != 0 ||
        (s->cache = weak ? gcr_weakvaluedict_new(rt) : gcr_dict_new(rt)) == NULL) {
        free(s);
        snprintf(err, errlen, "out of memory in setup");
        return -1;
    }
    s->weak = weak;
    *out = s;
    return 0;
}

int dict_cache_setup(gcr_runtime *rt, const scn_values *p, void **out, char *err, size_t errlen)
{
    (void)p;
    return setup(rt, false, out, err, errlen);
}

int dict_cache_setup_weak(gcr_runtime *rt, const scn_values *p, void **out, char *err,
                          size_t errlen)
{
    (void)p;
    return setup(rt, true, out, err, errlen);
}

int dict_cache_step(gcr_runtime *rt, const scn_values *p, void *st, char *err, size_t errlen)
{
    state *s = st;
    gcr_eval_breaker(rt); /* step(): its first instruction */
    gcr_eval_breaker(rt); /* range(entries): a call into C */
    for (long i = 0; i < p->v[P_ENTRIES]; i++) {
        /* dict_leak[new_key()] = ndarray(): the value is evaluated first */
        gcr_object *value = payload_new(rt, &s->kit, p->v[P_PAYLOAD]);
        gcr_object *key = value != NULL ? payload_uuid(rt, &s->kit) : NULL;
        int rc = value == NULL || key == NULL ? -1
                 : s->weak                    ? gcr_weakdict_set(rt, s->cache, key, value)
                                              : gcr_dict_set(rt, s->cache, key, value);
        gcr_xdecref(rt, key);
        gcr_xdecref(rt, value); /* the iteration ends: only the cache may still hold it */
        if (rc != 0) {
            snprintf(err, errlen, "cannot store a %ld-byte payload: %s", p->v[P_PAYLOAD],
                     gcr_error(rt)[0] ? gcr_error(rt) : "out of memory");
            return -1;
        }
        gcr_eval_breaker(rt); /* the loop's back edge */
    }
    return 0;
}

void dict_cache_teardown(gcr_runtime *rt, const scn_values *p, void *st)
{
    (void)p;
    state *s = st;
    gcr_decref(rt, s->cache);
    free(s);
}

size_t dict_cache_roots(void *st, scn_root *out, size_t max)
{
    const state *s = st;
    if (max > 0)
        out[0] = (scn_root){s->weak ? "global dict_leak (weak_dict_cache)"
                                    : "global dict_leak (dict_cache)",
                            s->cache};
    return 1;
}

const scn_scenario scn_dict_cache = {
    .name = "dict_cache",
    .summary = "an 8 MB array per iteration stored in a module-level dict under a uuid key",
    .seed = "003",
    .expected = "leak",
    .params = {{"entries", 1, "arrays stored per iteration"},
               {"payload_bytes", 8000000, "bytes per array (the seed's: 800000000)"}},
    .param_count = 2,
    .setup = dict_cache_setup,
    .step = dict_cache_step,
    .teardown = dict_cache_teardown,
    .roots = dict_cache_roots,
};
