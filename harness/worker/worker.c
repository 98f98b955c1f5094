/* worker.c — bench-worker, the process that runs one scenario run in the gcbench runtime:
 * the runtime with the run's policy, allocator and GC settings, the native scenario from the
 * registry, and worker_core's loop (arguments, samples and exit status: worker_core.h). It
 * is started by `bench run` (fork + exec), already pinned; users never call it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gcr.h"
#include "scenario.h"
#include "util.h"
#include "worker_core.h"

typedef struct native {
    const wk_args *a;
    const scn_scenario *scenario;
    scn_values params;
    gcr_runtime *rt;
    void *state; /* the scenario's */
    wk_pauses *pauses;
    uint64_t gc_calls;      /* STOP callbacks so far (worker.py's gc_calls) */
    uint64_t gc_calls_read; /* gc_calls when worker.py would last have read gc.get_stats() */
} native;

/* The scenario, its parameters and the runtime's configuration from the arguments; exits 2
 * on a bad one (bench checked them: this is a bug). */
static void resolve(native *n, const wk_args *a, gcr_config *config)
{
    n->a = a;
    if (a->scenario == NULL || (n->scenario = scn_find(a->scenario)) == NULL)
        wk_die_usage("unknown native scenario '%s'", a->scenario ? a->scenario : a->file);
    scn_defaults(n->scenario, &n->params);
    for (size_t i = 0; i < a->nparams; i++) {
        int k = scn_param_index(n->scenario, a->param_keys[i]);
        int64_t v;
        if (k < 0 || gcb_parse_i64(a->param_values[i], 0, INT64_MAX, &v) != 0)
            wk_die_usage("bad --param %s=%s", a->param_keys[i], a->param_values[i]);
        n->params.v[k] = (long)v;
    }
    memset(config, 0, sizeof *config);
    if (a->policy != NULL && gcr_policy_parse(a->policy, &config->policy) != 0)
        wk_die_usage("unknown policy '%s'", a->policy);
    if (a->allocator != NULL && gcr_allocator_parse(a->allocator, &config->allocator) != 0)
        wk_die_usage("unknown allocator '%s'", a->allocator);
    config->interpreter_objects = (size_t)a->interpreter_objects;
    if (a->trace_frames > 0)
        wk_die_usage("the native runtime has no --trace-alloc (tracemalloc is CPython's)");
}

static void on_collection(void *ctx, gcr_gc_phase phase, const gcr_gc_info *info)
{
    native *n = ctx;
    if (phase == GCR_GC_STOP) {
        wk_pauses_add(n->pauses, (int64_t)info->pause_ns);
        n->gc_calls++;
    }
}

static int n_setup(void *ctx, wk_pauses *pauses, char *err, size_t errlen)
{
    native *n = ctx;
    if (n->a->threshold_set)
        gcr_gc_set_threshold(n->rt, n->a->threshold[0], n->a->threshold[1], n->a->threshold[2]);
    if (n->a->mode == WK_OFF)
        gcr_gc_disable(n->rt);
    n->pauses = pauses;
    n->gc_calls_read = UINT64_MAX; /* gc.get_stats() not read yet */
    gcr_gc_set_callback(n->rt, on_collection, n);
    const scn_scenario *s = n->scenario;
    return s->setup == NULL ? 0 : s->setup(n->rt, &n->params, &n->state, err, errlen);
}

/* One iteration, then the check of the eval breaker that the Python worker's next call
 * makes (its clock read): a collection the step's last allocations scheduled runs there. */
static int n_step(void *ctx, char *err, size_t errlen)
{
    native *n = ctx;
    int rc = n->scenario->step(n->rt, &n->params, n->state, err, errlen);
    gcr_eval_breaker(n->rt);
    return rc;
}

/* gc.collect(), then the check of the eval breaker after that call into C. */
static void n_collect(void *ctx)
{
    gcr_runtime *rt = ((native *)ctx)->rt;
    gcr_gc_collect(rt, 2);
    gcr_eval_breaker(rt);
}

/* The containers the Python worker's sample() makes (harness/worker/worker.py, which lists them:
 * gc.get_count()'s tuple; gc.get_stats()'s list and a dict per generation when a collection
 * ran since the last sample; the list of /proc/self/status's words; gc.get_objects()'s list),
 * made and dropped here in the same order with the collector disabled: CPython's collector
 * counts them (and its free lists keep some: after a full collection, which empties them, a
 * sample leaves generation 0's count a few higher), so the model must make them too for its
 * collections to fall where CPython's do. Returns len(gc.get_objects()), or -1 when memory
 * ran out. */
static int64_t mirror_python_sample(native *n)
{
    gcr_runtime *rt = n->rt;
    bool enabled = gcr_gc_isenabled(rt);
    gcr_gc_disable(rt);
    gcr_object *zero = gcr_int_new(rt, 0);
    gcr_object *items[3] = {zero, zero, zero};
    gcr_object *count = zero != NULL ? gcr_tuple_new_tracked(rt, 3, items) : NULL;
    gcr_xdecref(rt, count); /* count = None */
    if (n->gc_calls != n->gc_calls_read) {
        gcr_object *stats = gcr_list_new(rt);
        for (int g = 0; stats != NULL && g < GCR_GENERATIONS; g++) {
            gcr_object *d = gcr_dict_new(rt);
            if (d != NULL && gcr_dict_set(rt, d, zero, zero) == 0)
                (void)gcr_list_append(rt, stats, d);
            gcr_xdecref(rt, d);
        }
        gcr_xdecref(rt, stats);
        n->gc_calls_read = n->gc_calls;
    }
    gcr_object *words = gcr_list_new(rt); /* status().split() (its strs: no containers) */
    gcr_xdecref(rt, words);
    gcr_object *objects = gcr_gc_get_objects(rt, -1);
    int64_t heap_objects = objects != NULL ? (int64_t)gcr_list_len(objects) : -1;
    gcr_xdecref(rt, objects);
    gcr_xdecref(rt, zero);
    if (enabled)
        gcr_gc_enable(rt);
    return heap_objects;
}

static void n_sample(void *ctx, wire_iter *s)
{
    native *n = ctx;
    gcr_runtime *rt = n->rt;
    /* The Python worker's sample() is a function: its first instruction checks the eval
     * breaker, and runs the collection the step's last allocations scheduled. */
    gcr_eval_breaker(rt);
    gcr_counters c;
    gcr_counters_get(rt, &c);
    gcr_alloc_stats a;
    gcr_alloc_stats_get(rt, &a);
    int count[3];
    gcr_gc_get_count(rt, count);
    s->live_objects = (int64_t)c.live_objects;
    s->live_bytes = (int64_t)c.live_bytes;
    s->collections = (int64_t)c.collections;
    s->collected = (int64_t)c.collected;
    s->uncollectable = (int64_t)c.uncollectable;
    s->garbage = (int64_t)c.garbage_len;
    s->pause_ns = (int64_t)c.pause_ns_total;
    s->objects_scanned = (int64_t)c.objects_scanned;
    for (int g = 0; g < 3; g++)
        s->count[g] = count[g];
    s->arenas_current = (int64_t)a.arenas_current;
    s->arenas_allocated_total = (int64_t)a.arenas_allocated_total;
    s->arenas_reclaimed_total = (int64_t)a.arenas_reclaimed_total;
    s->arenas_highwater = (int64_t)a.arenas_highwater;
    s->blocks_in_use = (int64_t)a.blocks_in_use;
    gcr_gen_stats gens[GCR_GENERATIONS];
    gcr_gc_get_stats(rt, gens);
    for (int g = 0; g < 3; g++)
        s->collections_gen[g] = (int64_t)gens[g].collections;
    s->heap_objects = mirror_python_sample(n);
}

static void n_mark_types(void *ctx) { gcr_types_mark(((native *)ctx)->rt); }

/* Whether name is one of the scenario's classes (gcr_classes_stats). */
static bool is_class(gcr_runtime *rt, const char *name)
{
    gcr_type_stat cls[32];
    size_t n = gcr_classes_stats(rt, cls, 32);
    for (size_t i = 0; i < n && i < 32; i++)
        if (strcmp(cls[i].name, name) == 0)
            return true;
    return false;
}

static size_t n_types(void *ctx, wire_type *out, size_t max)
{
    native *nat = ctx;
    gcr_type_stat top[256];
    size_t cap = max < 256 ? max : 256;
    size_t n = gcr_types_stats(nat->rt, top, cap); /* how many types are live */
    n = n < cap ? n : cap;
    for (size_t i = 0; i < n; i++) {
        memset(&out[i], 0, sizeof out[i]);
        out[i].live_objects = (int64_t)top[i].live_objects;
        out[i].live_bytes = (int64_t)top[i].live_bytes;
        out[i].growth_objects = top[i].growth_objects;
        if (is_class(nat->rt, top[i].name)) /* as CPython's module.Class */
            snprintf(out[i].name, sizeof out[i].name, "%s.%s", nat->scenario->name, top[i].name);
        else
            snprintf(out[i].name, sizeof out[i].name, "%s", top[i].name);
    }
    return n;
}

static size_t n_classes(void *ctx, wire_type *out, size_t max)
{
    gcr_type_stat cls[32];
    size_t cap = max < 32 ? max : 32;
    size_t n = gcr_classes_stats(((native *)ctx)->rt, cls, cap);
    n = n < cap ? n : cap;
    for (size_t i = 0; i < n; i++) {
        memset(&out[i], 0, sizeof out[i]);
        out[i].live_objects = (int64_t)cls[i].live_objects;
        out[i].live_bytes = (int64_t)cls[i].live_bytes;
        out[i].growth_objects = cls[i].growth_objects;
        snprintf(out[i].name, sizeof out[i].name, "%s", cls[i].name);
    }
    return n;
}

#define HOLDER_MAX_NODES 400 /* objects whose referrers the search asks for, at most */
#define HOLDER_MAX_ROOTS 8

/* The search's own lists (get_objects', get_referrers'): never a referrer of anything real. */
typedef struct own_lists {
    gcr_object *list[HOLDER_MAX_NODES + 1];
    size_t n;
} own_lists;

static bool is_own(const own_lists *own, const gcr_object *o)
{
    for (size_t i = 0; i < own->n; i++)
        if (own->list[i] == o)
            return true;
    return false;
}

/* A type's name as the census gives it: a scenario's class as "SCENARIO.Class". */
static void qualified(const native *n, const gcr_object *o, char *buf, size_t len)
{
    const char *t = gcr_type_name(o);
    if (is_class(n->rt, t))
        snprintf(buf, len, "%s.%s", n->scenario->name, t);
    else
        snprintf(buf, len, "%s", t);
}

/* Breadth first over gc.get_referrers from the youngest live instance of type_name to one
 * of the scenario's named roots (scn_scenario.roots), as worker.py's holder_chain does in
 * CPython: "global _global_cache (global_cache) -> list -> global_cache.B". */
static int n_holder(void *ctx, const char *type_name, char *buf, size_t len)
{
    native *n = ctx;
    scn_root roots[HOLDER_MAX_ROOTS];
    size_t nroots =
        n->scenario->roots != NULL ? n->scenario->roots(n->state, roots, HOLDER_MAX_ROOTS) : 0;
    if (nroots == 0)
        return -1;
    nroots = nroots < HOLDER_MAX_ROOTS ? nroots : HOLDER_MAX_ROOTS;
    own_lists own = {.n = 0};
    gcr_object *all = gcr_gc_get_objects(n->rt, -1);
    if (all == NULL)
        return -1;
    own.list[own.n++] = all;
    gcr_object *target = NULL;
    char name[256];
    for (size_t i = 0; i < gcr_list_len(all); i++) {
        gcr_object *o = gcr_list_get(all, i);
        qualified(n, o, name, sizeof name);
        if (strcmp(name, type_name) == 0)
            target = o; /* the last found: among the youngest */
    }
    /* node[i] refers to node[down[i]]; node 0 is the target */
    gcr_object *node[HOLDER_MAX_NODES * 4];
    size_t down[HOLDER_MAX_NODES * 4], nn = 0, root_at = 0, found = SIZE_MAX;
    if (target != NULL)
        node[nn++] = target, down[0] = SIZE_MAX;
    for (size_t i = 0; i < nn && found == SIZE_MAX && own.n <= HOLDER_MAX_NODES; i++) {
        gcr_object *refs = gcr_gc_get_referrers(n->rt, &node[i], 1);
        if (refs == NULL)
            break;
        own.list[own.n++] = refs;
        for (size_t k = 0; k < gcr_list_len(refs) && found == SIZE_MAX; k++) {
            gcr_object *r = gcr_list_get(refs, k);
            bool seen = is_own(&own, r);
            for (size_t j = 0; j < nn && !seen; j++)
                seen = node[j] == r;
            if (seen || nn == sizeof node / sizeof node[0])
                continue;
            node[nn] = r;
            down[nn] = i;
            for (size_t q = 0; q < nroots && found == SIZE_MAX; q++)
                if (roots[q].object == r)
                    found = nn, root_at = q;
            nn++;
        }
    }
    int rc = -1;
    if (found != SIZE_MAX) {
        qualified(n, roots[root_at].object, name, sizeof name);
        size_t used = (size_t)snprintf(buf, len, "%s -> %s", roots[root_at].name, name);
        for (size_t i = down[found]; i != SIZE_MAX && used < len; i = down[i]) {
            qualified(n, node[i], name, sizeof name);
            used += (size_t)snprintf(buf + used, len - used, " -> %s", name);
        }
        rc = 0;
    }
    for (size_t i = 0; i < own.n; i++)
        gcr_decref(n->rt, own.list[i]);
    return rc;
}

static void n_params(void *ctx, char *buf, size_t len)
{
    native *n = ctx;
    size_t used = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < n->scenario->param_count && used < len; k++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s=%ld", k ? ";" : "",
                                 n->scenario->params[k].key, n->params.v[k]);
}

static void n_teardown(void *ctx)
{
    native *n = ctx;
    if (n->scenario->teardown != NULL)
        n->scenario->teardown(n->rt, &n->params, n->state);
}

int main(int argc, char **argv)
{
    wk_args a;
    wk_parse_args(argc, argv, &a);
    native n = {0};
    gcr_config config;
    resolve(&n, &a, &config);
    if ((n.rt = gcr_open(&config)) == NULL) {
        fprintf(stderr, "bench-worker: out of memory creating the runtime\n");
        return 1;
    }
    const wk_backend backend = {
        .ctx = &n,
        .setup = n_setup,
        .step = n_step,
        .collect = n_collect,
        .sample = n_sample,
        .mark_types = n_mark_types,
        .types = n_types,
        .classes = n_classes,
        .params = n_params,
        .holder = n_holder,
        .teardown = n_teardown,
    };
    int rc = wk_run(&a, &backend);
    gcr_close(n.rt);
    return rc;
}
