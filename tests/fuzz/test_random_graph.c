/* test_random_graph.c — randomized test of the runtime's memory management: thousands of
 * random sequences of create / link / unlink / drop / collect on lists, instances and floats,
 * held against a shadow graph kept by the test. After every forced full collection the live
 * objects must be exactly those reachable from the roots (the objects the test holds a
 * reference to), and every reachable container must hold exactly what the shadow says.
 *
 * No finalizers, so nothing may survive that is unreachable, and nothing reachable may die.
 * Automatic collections run too (random small thresholds), scheduled ones at random checks of
 * the eval breaker, and young collections and increments: after those nothing reachable may
 * have died and the collector's lists must be consistent (gcr_gc_check). Each sequence runs
 * under one policy, all of them in turn. The test touches only objects the
 * shadow knows to be reachable; unreachable ones may already be freed.
 *
 * GCR_RANDOM_SEQS sequences (default 3000) of GCR_RANDOM_OPS operations (default 150); the
 * seed of a failing sequence is printed, and GCR_RANDOM_SEED=S replays that one sequence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gcr.h"

#define MAX_OBJS 96
#define MAX_EDGES 8
#define ATTRS 3

typedef enum { K_FLOAT, K_LIST, K_INST } kind;

/* One object as the shadow sees it. */
typedef struct shadow_obj {
    bool exists; /* created and (as far as the shadow knows) maybe alive */
    kind k;
    gcr_object *o;        /* valid only while reachable */
    int root;             /* references the test holds (0 or 1) */
    int edges[MAX_EDGES]; /* list items in order, or attribute slots (-1 = unset) */
    int nedges;           /* list length (instances: ATTRS) */
} shadow_obj;

typedef struct world {
    gcr_runtime *rt;
    bool instance_dicts;     /* py27: each instance has a dict object too */
    size_t interpreter_live; /* live objects of gcr_config.interpreter_objects */
    gcr_class *cls;
    shadow_obj objs[MAX_OBJS];
    bool reachable[MAX_OBJS];
    uint64_t rng;
    double next_value;
} world;

static uint64_t rnd(world *w)
{
    w->rng ^= w->rng << 13;
    w->rng ^= w->rng >> 7;
    w->rng ^= w->rng << 17;
    return w->rng;
}

static int pick(world *w, int n) { return (int)(rnd(w) % (uint64_t)n); }

/* reachable[] := the objects reachable from roots, by the shadow's edges. */
static size_t mark_reachable(world *w)
{
    int stack[MAX_OBJS * (MAX_EDGES + 1)], top = 0;
    size_t n = 0;
    memset(w->reachable, 0, sizeof w->reachable);
    for (int i = 0; i < MAX_OBJS; i++)
        if (w->objs[i].exists && w->objs[i].root)
            stack[top++] = i;
    while (top > 0) {
        int i = stack[--top];
        if (w->reachable[i])
            continue;
        w->reachable[i] = true;
        n++;
        const shadow_obj *s = &w->objs[i];
        for (int e = 0; e < s->nedges; e++)
            if (s->edges[e] >= 0 && !w->reachable[s->edges[e]])
                stack[top++] = s->edges[e];
    }
    /* what is not reachable is never touched again */
    for (int i = 0; i < MAX_OBJS; i++)
        if (w->objs[i].exists && !w->reachable[i])
            w->objs[i].exists = false;
    return n;
}

/* A random reachable object satisfying want (or any kind when want < 0), or -1. */
static int pick_reachable(world *w, int want)
{
    int cand[MAX_OBJS], n = 0;
    for (int i = 0; i < MAX_OBJS; i++)
        if (w->reachable[i] && (want < 0 || w->objs[i].k == (kind)want))
            cand[n++] = i;
    return n ? cand[pick(w, n)] : -1;
}

static int pick_container(world *w)
{
    int c = pick_reachable(w, pick(w, 2) ? K_LIST : K_INST);
    return c >= 0 ? c : pick_reachable(w, pick(w, 2) ? K_INST : K_LIST);
}

static void op_create(world *w)
{
    int slot = -1;
    for (int i = 0; i < MAX_OBJS && slot < 0; i++)
        if (!w->objs[i].exists)
            slot = i;
    if (slot < 0)
        return;
    shadow_obj *s = &w->objs[slot];
    memset(s, 0, sizeof *s);
    s->k = (kind)pick(w, 3);
    s->o = s->k == K_FLOAT  ? gcr_float_new(w->rt, w->next_value++)
           : s->k == K_LIST ? gcr_list_new(w->rt)
                            : gcr_instance_new(w->rt, w->cls);
    assert_non_null(s->o);
    s->exists = true;
    s->root = 1;
    s->nedges = s->k == K_INST ? ATTRS : 0;
    for (int e = 0; e < MAX_EDGES; e++)
        s->edges[e] = -1;
    w->reachable[slot] = true;
}

static void op_link(world *w)
{
    int x = pick_container(w), y = pick_reachable(w, -1);
    if (x < 0 || y < 0)
        return;
    shadow_obj *s = &w->objs[x];
    if (s->k == K_LIST) {
        if (s->nedges == MAX_EDGES)
            return;
        assert_int_equal(gcr_list_append(w->rt, s->o, w->objs[y].o), 0);
        s->edges[s->nedges++] = y;
    } else {
        int a = pick(w, ATTRS);
        gcr_instance_set(w->rt, s->o, a, w->objs[y].o);
        s->edges[a] = y;
    }
}

static void op_unlink(world *w)
{
    int x = pick_container(w);
    if (x < 0)
        return;
    shadow_obj *s = &w->objs[x];
    if (s->k == K_LIST) {
        gcr_list_clear(w->rt, s->o);
        s->nedges = 0;
    } else {
        int a = pick(w, ATTRS);
        gcr_instance_set(w->rt, s->o, a, NULL);
        s->edges[a] = -1;
    }
}

static void op_drop(world *w)
{
    int cand[MAX_OBJS], n = 0;
    for (int i = 0; i < MAX_OBJS; i++)
        if (w->objs[i].exists && w->objs[i].root)
            cand[n++] = i;
    if (n == 0)
        return;
    shadow_obj *s = &w->objs[cand[pick(w, n)]];
    s->root = 0;
    gcr_decref(w->rt, s->o);
}

/* The live objects that the reachable objects of the shadow account for: each one, py27's
 * instance dicts, and the interpreter's objects. */
static size_t expected_live(world *w)
{
    size_t n = mark_reachable(w) + w->interpreter_live;
    for (int i = 0; w->instance_dicts && i < MAX_OBJS; i++)
        n += w->reachable[i] && w->objs[i].k == K_INST;
    return n;
}

/* After a full collection: live objects == reachable ones, contents as the shadow says. */
static void check(world *w, uint64_t seed, int step)
{
    size_t reachable = expected_live(w);
    gcr_counters c;
    gcr_counters_get(w->rt, &c);
    if (c.live_objects != reachable)
        fail_msg("seed %llu step %d: %llu live objects, %zu reachable", (unsigned long long)seed,
                 step, (unsigned long long)c.live_objects, reachable);
    for (int i = 0; i < MAX_OBJS; i++) {
        const shadow_obj *s = &w->objs[i];
        if (!w->reachable[i] || s->k == K_FLOAT)
            continue;
        if (s->k == K_LIST) {
            assert_int_equal(gcr_list_len(s->o), s->nedges);
            for (int e = 0; e < s->nedges; e++)
                assert_ptr_equal(gcr_list_get(s->o, (size_t)e), w->objs[s->edges[e]].o);
        } else {
            for (int a = 0; a < ATTRS; a++)
                assert_ptr_equal(gcr_instance_get(s->o, a),
                                 s->edges[a] >= 0 ? w->objs[s->edges[a]].o : NULL);
        }
    }
}

/* After a young collection or an increment: nothing reachable died, the contents are the
 * shadow's, and the collector's lists are consistent. */
static void check_partial(world *w, uint64_t seed, int step)
{
    size_t reachable = expected_live(w);
    gcr_counters c;
    gcr_counters_get(w->rt, &c);
    if (c.live_objects < reachable)
        fail_msg("seed %llu step %d: %llu live objects, %zu reachable", (unsigned long long)seed,
                 step, (unsigned long long)c.live_objects, reachable);
    char why[160];
    if (!gcr_gc_check(w->rt, why, sizeof why))
        fail_msg("seed %llu step %d: %s", (unsigned long long)seed, step, why);
}

static void run_sequence(uint64_t seed, int ops)
{
    static const char *const attrs[] = {"a", "b", "c"};
    world *w = calloc(1, sizeof *w);
    assert_non_null(w);
    /* every policy in turn: the generational designs and 3.14's incremental one */
    gcr_config config = {.policy = (gcr_policy)(seed % GCR_POLICIES),
                         .interpreter_objects = seed % 3 == 0 ? 50 : 0};
    w->rt = gcr_open(&config);
    w->instance_dicts = config.policy == GCR_POLICY_PY27;
    w->interpreter_live = config.interpreter_objects;
    w->cls = gcr_class_new(w->rt, "Node", attrs, ATTRS);
    w->rng = seed * 0x9E3779B97F4A7C15ull | 1;
    gcr_gc_set_threshold(w->rt, 1 + pick(w, 40), 1 + pick(w, 5), 1 + pick(w, 5));
    for (int step = 0; step < ops; step++) {
        int r = pick(w, 100);
        if (r < 30)
            op_create(w);
        else if (r < 60)
            op_link(w);
        else if (r < 72)
            op_unlink(w);
        else if (r < 88)
            op_drop(w);
        else if (r < 92) {
            gcr_eval_breaker(w->rt); /* a scheduled collection runs (3.12+) */
            check_partial(w, seed, step);
        } else if (r < 95) {
            gcr_gc_collect(w->rt, pick(w, 2)); /* young, or (3.14.0-3.14.4) an increment */
            check_partial(w, seed, step);
        } else {
            gcr_gc_collect(w->rt, 2);
            check(w, seed, step);
            continue;
        }
        mark_reachable(w); /* keeps the touchable set current */
    }
    /* drop every root: a full collection must leave nothing */
    for (int i = 0; i < MAX_OBJS; i++)
        if (w->objs[i].exists && w->objs[i].root) {
            w->objs[i].root = 0;
            gcr_decref(w->rt, w->objs[i].o);
        }
    gcr_gc_collect(w->rt, 2);
    check(w, seed, ops);
    gcr_close(w->rt);
    free(w);
}

static long env_long(const char *name, long def)
{
    const char *s = getenv(name);
    return s != NULL && *s ? strtol(s, NULL, 10) : def;
}

static void random_sequences(void **state)
{
    (void)state;
    long seqs = env_long("GCR_RANDOM_SEQS", 3000), ops = env_long("GCR_RANDOM_OPS", 150);
    long only = env_long("GCR_RANDOM_SEED", 0);
    for (long s = only ? only : 1; s <= (only ? only : seqs); s++)
        run_sequence((uint64_t)s, (int)ops);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(random_sequences)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
