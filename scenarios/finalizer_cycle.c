/* finalizer_cycle.c — cycles of objects with __del__ (seeds 000 §4.1, 002, 003):
 *
 *   class MemLeak:
 *       def __init__(self, name):
 *           self.name = name
 *           self.huge_memory = np.random.random(...)
 *           self.child = None
 *           self.parent = None
 *       def __del__(self): ...
 *
 *   fir = MemLeak('first'); sec = MemLeak('second')
 *   fir.child = sec; sec.parent = fir
 *   del sec; del fir
 *
 * (the twin, scenarios/finalizer_cycle.py, calls MemLeak() and sets name after: a class call
 * without arguments makes no argument tuple in any CPython version.)
 *
 * Since Python 3.4 (PEP 442) the collector finalizes and frees such cycles (py311 verdict:
 * delayed); Python 2 could not choose an order for the finalizers and left the cycles in
 * gc.garbage for ever (py27 verdict: uncollectable). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "payload.h"
#include "scenario.h"

enum { P_PAIRS, P_PAYLOAD };

typedef struct state {
    payload_kit kit;
    gcr_class *memleak;
    int name, huge_memory, child, parent;
    long finalized; /* __del__ calls so far */
} state;

static void memleak_del(gcr_runtime *rt, gcr_object *self, void *ctx)
{
    (void)rt;
    (void)self;
    ((state *)ctx)->finalized++; /* the seed prints "对象 … 已经被删除。" */
}

static int setup(gcr_runtime *rt, const scn_values *p, void **out, char *err, size_t errlen)
{
    (void)p;
    static const char *const attrs[] = {"name", "huge_memory", "child", "parent"};
    state *s = calloc(1, sizeof *s);
    if (s == NULL || payload_kit_init(rt, &s->kit) != 0 ||
        (s->memleak = gcr_class_new(rt, "MemLeak", attrs, 4)) == NULL) {
        free(s);
        snprintf(err, errlen, "out of memory in setup");
        return -1;
    }
    gcr_class_set_finalizer(s->memleak, memleak_del, s);
    s->name = gcr_class_attr(s->memleak, "name");
    s->huge_memory = gcr_class_attr(s->memleak, "huge_memory");
    s->child = gcr_class_attr(s->memleak, "child");
    s->parent = gcr_class_attr(s->memleak, "parent");
    *out = s;
    return 0;
}

/* MemLeak(), then x.name = name: a new instance holding its payload, or NULL. */
static gcr_object *memleak_new(gcr_runtime *rt, state *s, const char *name, long bytes)
{
    gcr_object *o = gcr_instance_new(rt, s->memleak);
    if (o == NULL)
        return NULL;
    gcr_eval_breaker(rt); /* MemLeak.__init__: its first instruction */
    gcr_object *huge = payload_new(rt, &s->kit, bytes); /* self.huge_memory = ndarray() */
    gcr_object *n = huge != NULL ? gcr_str_new(rt, name, strlen(name)) : NULL;
    if (n == NULL) {
        gcr_xdecref(rt, huge);
        gcr_decref(rt, o);
        return NULL;
    }
    gcr_instance_set(rt, o, s->huge_memory, huge);
    gcr_instance_set(rt, o, s->name, n);
    gcr_decref(rt, n);
    gcr_decref(rt, huge);
    return o;
}

static int step(gcr_runtime *rt, const scn_values *p, void *st, char *err, size_t errlen)
{
    state *s = st;
    gcr_eval_breaker(rt); /* step(): its first instruction */
    gcr_eval_breaker(rt); /* range(pairs): a call into C */
    for (long i = 0; i < p->v[P_PAIRS]; i++) {
        gcr_object *fir = memleak_new(rt, s, "first", p->v[P_PAYLOAD]);
        gcr_object *sec = fir != NULL ? memleak_new(rt, s, "second", p->v[P_PAYLOAD]) : NULL;
        if (sec == NULL) {
            gcr_xdecref(rt, fir);
            snprintf(err, errlen, "out of memory building a MemLeak pair");
            return -1;
        }
        gcr_instance_set(rt, fir, s->child, sec);
        gcr_instance_set(rt, sec, s->parent, fir);
        gcr_decref(rt, sec);  /* del sec */
        gcr_decref(rt, fir);  /* del fir: the pair is now unreachable garbage */
        gcr_eval_breaker(rt); /* the loop's back edge */
    }
    return 0;
}

static void teardown(gcr_runtime *rt, const scn_values *p, void *st)
{
    (void)rt;
    (void)p;
    free(st);
}

const scn_scenario scn_finalizer_cycle = {
    .name = "finalizer_cycle",
    .summary = "pairs of objects with __del__ in a parent/child cycle, each with a 4 MB array",
    .seed = "003, 000, 002",
    .expected = "delayed",
    .params = {{"pairs", 5, "parent/child pairs built per iteration"},
               {"payload_bytes", 4000000, "bytes of each object's array"}},
    .param_count = 2,
    .setup = setup,
    .step = step,
    .teardown = teardown,
};
