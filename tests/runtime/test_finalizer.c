/* test_finalizer.c — __del__ in the gcr runtime: PEP 442 under py311 (called once, by
 * reference counting or by the collector, resurrection respected), and Python 2.7's legacy
 * finalizers under py27 (called by reference counting at every death; a cycle holding one
 * is uncollectable and goes to gc.garbage with everything it reaches). */
#include <stdio.h>
#include <string.h>

#include "rt_test.h"

/* What a finalizer does and saw. */
typedef struct fin_ctx {
    int calls;
    gcr_object *keep;      /* resurrect: the finalizer appends self to this list */
    gcr_object *weak;      /* a weak reference to look through during the call */
    gcr_object *weak_seen; /* what it pointed to then */
    int allocate;          /* lists to allocate and drop during the call */
} fin_ctx;

static void finalizer(gcr_runtime *rt, gcr_object *self, void *ctx)
{
    fin_ctx *f = ctx;
    f->calls++;
    assert_true(self->refcnt >= 1);
    if (f->weak != NULL)
        f->weak_seen = gcr_weakref_get(f->weak);
    for (int i = 0; i < f->allocate; i++) {
        gcr_object *l = gcr_list_new(rt);
        assert_non_null(l);
        gcr_decref(rt, l);
    }
    if (f->keep != NULL)
        assert_int_equal(gcr_list_append(rt, f->keep, self), 0);
}

static gcr_class *fin_class(gcr_runtime *rt, const char *name, fin_ctx *f)
{
    static const char *const attrs[] = {"peer", "payload"};
    gcr_class *cls = gcr_class_new(rt, name, attrs, 2);
    assert_non_null(cls);
    if (f != NULL)
        gcr_class_set_finalizer(cls, finalizer, f);
    return cls;
}

static gcr_runtime *open_policy(gcr_policy policy)
{
    gcr_config config = {.policy = policy};
    gcr_runtime *rt = gcr_open(&config);
    assert_non_null(rt);
    return rt;
}

/* x.peer = y; y.peer = x, then both names go. */
static void make_pair(gcr_runtime *rt, gcr_class *cx, gcr_class *cy, gcr_object **x_out)
{
    gcr_object *x = gcr_instance_new(rt, cx), *y = gcr_instance_new(rt, cy);
    gcr_instance_set(rt, x, 0, y);
    gcr_instance_set(rt, y, 0, x);
    if (x_out != NULL)
        *x_out = x;
    gcr_decref(rt, x);
    gcr_decref(rt, y);
}

/* ---------------------------------------------------------------------------------------
 * py311: PEP 442
 * ------------------------------------------------------------------------------------- */

static void test_refcount_finalizer(void **state)
{
    (void)state;
    gcr_runtime *rt = open_policy(GCR_POLICY_PY311);
    fin_ctx f = {0};
    gcr_object *x = gcr_instance_new(rt, fin_class(rt, "Fin", &f));
    gcr_object *payload = gcr_float_new(rt, 1);
    gcr_instance_set(rt, x, 1, payload);
    gcr_decref(rt, payload);
    f.weak = gcr_weakref_new(rt, x, NULL);
    gcr_decref(rt, x);
    assert_int_equal(f.calls, 1);
    assert_ptr_equal(f.weak_seen, x); /* 3.x: weak references cleared after __del__ */
    assert_null(gcr_weakref_get(f.weak));
    gcr_decref(rt, f.weak);
    assert_int_equal(rt_live_objects(rt), 0);
    assert_int_equal(rt_counters(rt).tracked_objects, 0);
    gcr_close(rt);
}

/* A finalizer that stores self: the object lives on (tracked, with what it holds); when it
 * dies again its finalizer is not called a second time. */
static void test_refcount_resurrection(void **state)
{
    (void)state;
    gcr_runtime *rt = open_policy(GCR_POLICY_PY311);
    fin_ctx f = {.keep = gcr_list_new(rt)};
    gcr_object *x = gcr_instance_new(rt, fin_class(rt, "Phoenix", &f));
    gcr_object *payload = gcr_bytes_new(rt, 100);
    gcr_instance_set(rt, x, 1, payload);
    gcr_decref(rt, payload);
    gcr_decref(rt, x);
    assert_int_equal(f.calls, 1);
    assert_int_equal(gcr_list_len(f.keep), 1);
    assert_ptr_equal(gcr_list_get(f.keep, 0), x);
    assert_int_equal(x->refcnt, 1);
    assert_true(gcr_gc_is_tracked(x));
    assert_ptr_equal(gcr_instance_get(x, 1), payload);
    assert_int_equal(rt_live_objects(rt), 3);
    gcr_object *keep = f.keep;
    f.keep = NULL;
    gcr_list_clear(rt, keep);
    assert_int_equal(f.calls, 1); /* once only */
    assert_int_equal(rt_live_objects(rt), 1);
    gcr_decref(rt, keep);
    gcr_close(rt);
}

/* a (with __del__ storing self) <-> b (plain, holding a payload): the collection finds both
 * unreachable, calls a's finalizer, sees a resurrected and keeps the whole cycle. */
static void test_collector_resurrection(void **state)
{
    (void)state;
    gcr_runtime *rt = open_policy(GCR_POLICY_PY311);
    fin_ctx f = {.keep = gcr_list_new(rt)};
    gcr_class *phoenix = fin_class(rt, "Phoenix", &f), *plain = fin_class(rt, "Plain", NULL);
    gcr_object *a;
    make_pair(rt, phoenix, plain, &a);
    gcr_object *b = gcr_instance_get(a, 0);
    gcr_object *payload = gcr_float_new(rt, 3);
    gcr_instance_set(rt, b, 1, payload);
    gcr_decref(rt, payload);
    /* a separate garbage pair whose finalizers do not resurrect */
    fin_ctx g = {0};
    gcr_class *mortal = fin_class(rt, "Mortal", &g);
    make_pair(rt, mortal, mortal, NULL);

    rt_events ev = {0};
    gcr_gc_set_callback(rt, rt_record, &ev);
    assert_int_equal(gcr_gc_collect(rt, 2), 2); /* the mortal pair only */
    assert_int_equal(ev.info[1].collected, 2);
    assert_int_equal(ev.info[1].uncollectable, 0);
    assert_int_equal(f.calls, 1);
    assert_int_equal(g.calls, 2);
    assert_int_equal(gcr_list_len(f.keep), 1);
    assert_ptr_equal(gcr_list_get(f.keep, 0), a);
    assert_ptr_equal(gcr_instance_get(a, 0), b); /* not cleared */
    assert_ptr_equal(gcr_instance_get(b, 1), payload);
    assert_true(gcr_gc_is_tracked(a) && gcr_gc_is_tracked(b));
    assert_int_equal(rt_live_objects(rt), 4); /* keep, a, b, payload */
    assert_int_equal(rt_counters(rt).garbage_len, 0);

    /* Garbage again: this time it goes, and __del__ is not called twice. */
    gcr_object *keep = f.keep;
    f.keep = NULL;
    gcr_list_clear(rt, keep);
    assert_int_equal(gcr_gc_collect(rt, 2), 2);
    assert_int_equal(f.calls, 1);
    assert_int_equal(rt_live_objects(rt), 1);
    gcr_decref(rt, keep);
    gcr_gc_set_callback(rt, NULL, NULL);
    gcr_close(rt);
}

/* handle_weakrefs runs before finalize_garbage: during __del__ called by the collector,
 * weak references to the garbage are already dead. */
static void test_collector_clears_weakrefs_before_finalizers(void **state)
{
    (void)state;
    gcr_runtime *rt = open_policy(GCR_POLICY_PY311);
    fin_ctx f = {0};
    gcr_class *cls = fin_class(rt, "Fin", &f);
    gcr_object *x;
    make_pair(rt, cls, cls, &x);
    f.weak = gcr_weakref_new(rt, x, NULL);
    f.weak_seen = x;
    assert_int_equal(gcr_gc_collect(rt, 2), 2);
    assert_int_equal(f.calls, 2);
    assert_null(f.weak_seen);
    gcr_decref(rt, f.weak);
    assert_int_equal(rt_live_objects(rt), 0);
    gcr_close(rt);
}

/* A finalizer that allocates enough to start automatic collections, from a dealloc and from
 * a collection: the collection in the dealloc sees the dying object alive; the collector
 * does not nest. */
static void test_finalizer_allocating(void **state)
{
    (void)state;
    gcr_runtime *rt = open_policy(GCR_POLICY_PY311);
    fin_ctx f = {.allocate = 2000};
    gcr_class *cls = fin_class(rt, "Busy", &f);
    gcr_object *x = gcr_instance_new(rt, cls);
    uint64_t before = rt_counters(rt).collections;
    gcr_decref(rt, x);
    assert_int_equal(f.calls, 1);
    assert_true(rt_counters(rt).collections > before);
    assert_int_equal(rt_live_objects(rt), 0);
    make_pair(rt, cls, cls, NULL);
    before = rt_counters(rt).collections;
    assert_int_equal(gcr_gc_collect(rt, 2), 2);
    assert_int_equal(f.calls, 3);
    assert_int_equal(rt_counters(rt).collections, before + 1);
    assert_int_equal(rt_live_objects(rt), 0);
    gcr_close(rt);
}

/* ---------------------------------------------------------------------------------------
 * py27: legacy finalizers
 * ------------------------------------------------------------------------------------- */

/* Each collection of a new cycle with __del__ adds it to gc.garbage: 2 instances (and
 * their 2 dicts, uncollectable but not in gc.garbage) each time; __del__ is never called. */
static void test_py27_uncollectable_garbage_grows(void **state)
{
    (void)state;
    gcr_runtime *rt = open_policy(GCR_POLICY_PY27);
    fin_ctx f = {0};
    gcr_class *cls = fin_class(rt, "A", &f);
    for (int i = 1; i <= 3; i++) {
        make_pair(rt, cls, cls, NULL);
        assert_int_equal(gcr_gc_collect(rt, 2), 4);
        gcr_counters c = rt_counters(rt);
        assert_int_equal(c.garbage_len, 2 * i);
        assert_int_equal(c.uncollectable, 4 * i);
        assert_int_equal(c.collected, 0);
        assert_int_equal(c.live_objects, 4 * i);
    }
    assert_int_equal(f.calls, 0);
    gcr_object *garbage = gcr_gc_garbage(rt);
    for (size_t i = 0; i < gcr_list_len(garbage); i++)
        assert_string_equal(gcr_type_name(gcr_list_get(garbage, i)), "A");
    /* Collecting again finds them again (they are reachable only from gc.garbage, which is
     * a root): nothing new. */
    assert_int_equal(gcr_gc_collect(rt, 2), 0);
    /* The programmer breaks the cycles and empties gc.garbage: reference counting frees
     * them, calling __del__. */
    for (size_t i = 0; i < gcr_list_len(garbage); i++)
        gcr_instance_set(rt, gcr_list_get(garbage, i), 0, NULL);
    gcr_list_clear(rt, garbage);
    assert_int_equal(f.calls, 6);
    assert_int_equal(rt_live_objects(rt), 0);
    gcr_close(rt);
}

/* Everything reachable from a legacy finalizer is uncollectable too; a cycle without one
 * next to it is collected. */
static void test_py27_finalizer_reachable(void **state)
{
    (void)state;
    gcr_runtime *rt = open_policy(GCR_POLICY_PY27);
    fin_ctx f = {0};
    gcr_class *fin = fin_class(rt, "Fin", &f), *plain = fin_class(rt, "Plain", NULL);
    gcr_object *x;
    make_pair(rt, plain, plain, &x);                /* x <-> y, plain */
    gcr_object *holder = gcr_instance_new(rt, fin); /* holder -> x; holder <-> holder */
    gcr_instance_set(rt, holder, 0, holder);
    gcr_instance_set(rt, holder, 1, x);
    gcr_decref(rt, holder);
    make_pair(rt, plain, plain, NULL); /* an independent plain cycle */
    FILE *debug = tmpfile();
    gcr_gc_set_debug_stream(rt, debug);
    gcr_gc_set_debug(rt, GCR_DEBUG_UNCOLLECTABLE);
    rt_events ev = {0};
    gcr_gc_set_callback(rt, rt_record, &ev);
    /* uncollectable: holder, x, y and their 3 dicts; collected: the other pair and dicts */
    assert_int_equal(gcr_gc_collect(rt, 2), 10);
    assert_int_equal(ev.info[1].uncollectable, 6);
    assert_int_equal(ev.info[1].collected, 4);
    assert_int_equal(rt_counters(rt).garbage_len, 1); /* only the object with __del__ */
    assert_ptr_equal(gcr_list_get(gcr_gc_garbage(rt), 0), holder);
    char line[256];
    int fin_lines = 0, dict_lines = 0, plain_lines = 0, lines = 0;
    rewind(debug);
    while (fgets(line, sizeof line, debug) != NULL) {
        lines++;
        fin_lines += strncmp(line, "gc: uncollectable <Fin 0x", 25) == 0;
        plain_lines += strncmp(line, "gc: uncollectable <Plain 0x", 27) == 0;
        dict_lines += strncmp(line, "gc: uncollectable <dict 0x", 26) == 0;
    }
    assert_int_equal(lines, 6);
    assert_int_equal(fin_lines, 1);
    assert_int_equal(plain_lines, 2);
    assert_int_equal(dict_lines, 3);
    fclose(debug);
    gcr_gc_set_debug(rt, 0);
    gcr_gc_set_callback(rt, NULL, NULL);
    assert_int_equal(f.calls, 0);
    gcr_close(rt); /* frees gc.garbage's cycle without calling __del__ */
    assert_int_equal(f.calls, 0);
}

/* Python 2 calls __del__ at every death (no FINALIZED flag), after clearing weak
 * references. */
static void test_py27_refcount_finalizer(void **state)
{
    (void)state;
    gcr_runtime *rt = open_policy(GCR_POLICY_PY27);
    fin_ctx f = {.keep = gcr_list_new(rt)};
    gcr_object *x = gcr_instance_new(rt, fin_class(rt, "Phoenix", &f));
    f.weak = gcr_weakref_new(rt, x, NULL);
    f.weak_seen = x;
    gcr_decref(rt, x);
    assert_int_equal(f.calls, 1);
    assert_null(f.weak_seen);                  /* 2.7: weak references cleared before __del__ */
    assert_int_equal(gcr_list_len(f.keep), 1); /* resurrected */
    gcr_object *keep = f.keep;
    f.keep = NULL;
    gcr_list_clear(rt, keep);
    assert_int_equal(f.calls, 2);             /* called again */
    assert_int_equal(rt_live_objects(rt), 2); /* keep and the weakref */
    gcr_decref(rt, keep);
    gcr_decref(rt, f.weak);
    gcr_close(rt);
}

/* py27 instances keep their attributes in a real dict; py311 has none. */
static void test_py27_instance_dict(void **state)
{
    (void)state;
    gcr_runtime *rt = open_policy(GCR_POLICY_PY27);
    gcr_class *cls = fin_class(rt, "Plain", NULL);
    gcr_object *x = gcr_instance_new(rt, cls);
    gcr_object *d = gcr_instance_dict(x);
    assert_non_null(d);
    assert_string_equal(gcr_type_name(d), "dict");
    assert_int_equal(rt_live_objects(rt), 2);
    assert_int_equal(rt_live_bytes(rt), 56 + 64);
    assert_false(gcr_gc_is_tracked(d)); /* untracked until it holds a container */
    gcr_object *f = gcr_float_new(rt, 2);
    gcr_instance_set(rt, x, 1, f);
    assert_ptr_equal(gcr_instance_get(x, 1), f);
    assert_null(gcr_instance_get(x, 0));
    assert_int_equal(gcr_dict_len(d), 1);
    gcr_object *key = NULL, *value = NULL;
    gcr_dict_item(d, 0, &key, &value);
    assert_string_equal(gcr_str_data(key), "payload");
    assert_ptr_equal(value, f);
    assert_int_equal(gcr_sizeof(d), 184);
    gcr_instance_set(rt, x, 0, x);
    assert_true(gcr_gc_is_tracked(d));
    gcr_instance_set(rt, x, 0, NULL);
    assert_int_equal(gcr_dict_len(d), 1);
    gcr_decref(rt, f);
    gcr_decref(rt, x);
    assert_int_equal(rt_live_objects(rt), 0);
    gcr_close(rt);

    rt = open_policy(GCR_POLICY_PY311);
    x = gcr_instance_new(rt, fin_class(rt, "Plain", NULL));
    assert_null(gcr_instance_dict(x));
    gcr_decref(rt, x);
    gcr_close(rt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refcount_finalizer),
        cmocka_unit_test(test_refcount_resurrection),
        cmocka_unit_test(test_collector_resurrection),
        cmocka_unit_test(test_collector_clears_weakrefs_before_finalizers),
        cmocka_unit_test(test_finalizer_allocating),
        cmocka_unit_test(test_py27_uncollectable_garbage_grows),
        cmocka_unit_test(test_py27_finalizer_reachable),
        cmocka_unit_test(test_py27_refcount_finalizer),
        cmocka_unit_test(test_py27_instance_dict),
    };
    return cmocka_run_group_tests_name("runtime finalizer", tests, NULL, NULL);
}
