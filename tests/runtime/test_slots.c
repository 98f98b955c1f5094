/* test_slots.c — classes with __slots__ (gcr_class_new_slots) against CPython 3.11: sizes
 * (32 + 8 per slot), live bytes, attributes, the slot order CPython lays out (names sorted,
 * private names mangled), cycles, weak references (refused without a "__weakref__" slot),
 * finalizers under py311 and py27, and the names type_new refuses. */
#include <string.h>

#include "rt_test.h"

static gcr_runtime *open_policy(gcr_policy policy)
{
    gcr_config config = {.policy = policy};
    gcr_runtime *rt = gcr_open(&config);
    assert_non_null(rt);
    return rt;
}

static int setup(void **state)
{
    *state = gcr_open(NULL);
    return *state == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    gcr_close(*state);
    return 0;
}

static gcr_class *slots_class(gcr_runtime *rt, const char *name, const char *const *slots, size_t n)
{
    gcr_class *cls = gcr_class_new_slots(rt, name, slots, n);
    assert_non_null(cls);
    return cls;
}

/* The live objects and bytes of type name (0, 0 when it has none). */
static gcr_type_stat type_stat(gcr_runtime *rt, const char *name)
{
    gcr_type_stat stats[32];
    size_t n = gcr_types_stats(rt, stats, 32);
    for (size_t i = 0; i < n && i < 32; i++)
        if (strcmp(stats[i].name, name) == 0)
            return stats[i];
    return (gcr_type_stat){.name = name};
}

/* ---------------------------------------------------------------------------------------
 * Sizes and accounting
 * ------------------------------------------------------------------------------------- */

/* sys.getsizeof: `class S: __slots__ = ('a', 'b')` is 48; 32 + 8 per slot; "__weakref__"
 * adds its 8 bytes. Always tracked (3.11's heap types are all GC types), no dict. */
static void test_sizes(void **state)
{
    gcr_runtime *rt = *state;
    static const struct {
        const char *slots[3];
        size_t n;
        size_t size;
    } cases[] = {
        {{NULL}, 0, 32},
        {{"o"}, 1, 40},
        {{"a", "b"}, 2, 48},
        {{"a", "__weakref__"}, 2, 48},
        {{"a", "b", "__weakref__"}, 3, 56},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gcr_class *cls = slots_class(rt, "S", cases[i].slots, cases[i].n);
        gcr_object *o = gcr_instance_new(rt, cls);
        assert_non_null(o);
        assert_int_equal(gcr_sizeof(o), cases[i].size);
        assert_true(gcr_gc_is_tracked(o));
        assert_string_equal(gcr_type_name(o), "S");
        assert_null(gcr_instance_dict(o));
        gcr_decref(rt, o);
    }
    assert_int_equal(rt_live_objects(rt), 0);
}

/* One block per instance: live_bytes and the class's statistics grow by getsizeof. */
static void test_live_bytes(void **state)
{
    gcr_runtime *rt = *state;
    gcr_class *cls = slots_class(rt, "S", (const char *[]){"a", "b"}, 2);
    gcr_counters before = rt_counters(rt);
    gcr_object *o[3];
    for (int i = 0; i < 3; i++)
        o[i] = gcr_instance_new(rt, cls);
    gcr_counters after = rt_counters(rt);
    assert_int_equal(after.live_objects - before.live_objects, 3);
    assert_int_equal(after.live_bytes - before.live_bytes, 3 * 48);
    assert_int_equal(after.tracked_objects - before.tracked_objects, 3);
    gcr_type_stat s = type_stat(rt, "S");
    assert_int_equal(s.live_objects, 3);
    assert_int_equal(s.live_bytes, 3 * 48);
    int count[GCR_GENERATIONS];
    gcr_gc_get_count(rt, count);
    assert_int_equal(count[0], 3); /* one container allocation each */
    for (int i = 0; i < 3; i++)
        gcr_decref(rt, o[i]);
    assert_int_equal(rt_live_bytes(rt), before.live_bytes);
    assert_int_equal(type_stat(rt, "S").live_objects, 0);
    rt_assert_count(rt, 0, 0, 0);
}

/* ---------------------------------------------------------------------------------------
 * Attributes
 * ------------------------------------------------------------------------------------- */

static void test_attributes(void **state)
{
    gcr_runtime *rt = *state;
    gcr_class *cls = slots_class(rt, "S", (const char *[]){"b", "__weakref__", "a"}, 3);
    int a = gcr_class_attr(cls, "a"), b = gcr_class_attr(cls, "b");
    assert_int_equal(b, 0); /* positions in slot_names, "__weakref__" left out */
    assert_int_equal(a, 1);
    assert_int_equal(gcr_class_attr(cls, "__weakref__"), -1);
    assert_int_equal(gcr_class_attr(cls, "c"), -1);
    gcr_object *o = gcr_instance_new(rt, cls);
    assert_null(gcr_instance_get(o, a));
    assert_null(gcr_instance_get(o, b));
    gcr_object *x = gcr_float_new(rt, 1.0), *y = gcr_str_new(rt, "y", 1);
    gcr_instance_set(rt, o, a, x);
    gcr_instance_set(rt, o, b, y);
    assert_ptr_equal(gcr_instance_get(o, a), x);
    assert_ptr_equal(gcr_instance_get(o, b), y);
    assert_int_equal(x->refcnt, 2);
    gcr_instance_set(rt, o, a, y); /* replaces: x loses the slot's reference */
    assert_int_equal(x->refcnt, 1);
    assert_int_equal(y->refcnt, 3);
    gcr_instance_set(rt, o, b, NULL); /* del o.b */
    assert_null(gcr_instance_get(o, b));
    assert_int_equal(y->refcnt, 2);
    gcr_decref(rt, x);
    gcr_decref(rt, y);
    gcr_decref(rt, o); /* drops a's reference to y with it */
    assert_int_equal(rt_live_objects(rt), 0);
}

/* gc.get_referents walks the slots in CPython's layout order: the names sorted after
 * mangling. Measured in CPython 3.11 with __slots__ = ('b', 'a', '__x', '_T'): class S gives
 * [x, T, a, b] ('_S__x' < '_T' < 'a' < 'b'); class __, whose name is only underscores,
 * mangles nothing: [T, x, a, b] ('_T' < '__x'). */
static void test_slot_order(void **state)
{
    gcr_runtime *rt = *state;
    static const char *const names[] = {"b", "a", "__x", "_T"};
    static const struct {
        const char *cls;
        const char *order; /* each slot name's last letter, in traversal order */
    } cases[] = {{"S", "xTab"}, {"__", "Txab"}, {"_S", "xTab"}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        gcr_class *cls = slots_class(rt, cases[c].cls, names, 4);
        gcr_object *o = gcr_instance_new(rt, cls);
        for (int i = 0; i < 4; i++) {
            gcr_object *s = gcr_str_new(rt, names[i] + strlen(names[i]) - 1, 1);
            gcr_instance_set(rt, o, gcr_class_attr(cls, names[i]), s);
            gcr_decref(rt, s);
        }
        gcr_object *referents = gcr_gc_get_referents(rt, &o, 1);
        assert_int_equal(gcr_list_len(referents), 4);
        for (size_t i = 0; i < 4; i++)
            assert_int_equal(gcr_str_data(gcr_list_get(referents, i))[0], cases[c].order[i]);
        gcr_decref(rt, referents);
        for (int i = 0; i < 4; i++) /* set and get by the given positions */
            assert_int_equal(gcr_str_data(gcr_instance_get(o, i))[0],
                             names[i][strlen(names[i]) - 1]);
        gcr_decref(rt, o);
    }
    assert_int_equal(rt_live_objects(rt), 0);
}

/* type_new's refusals, and __dict__ (not modelled). */
static void test_bad_names(void **state)
{
    gcr_runtime *rt = *state;
    assert_null(gcr_class_new_slots(rt, "S", (const char *[]){"a", "1x"}, 2));
    assert_string_equal(gcr_error(rt), "TypeError: __slots__ must be identifiers");
    assert_null(gcr_class_new_slots(rt, "S", (const char *[]){""}, 1));
    assert_null(gcr_class_new_slots(rt, "S", (const char *[]){"__weakref__", "__weakref__"}, 2));
    assert_string_equal(gcr_error(rt), "TypeError: __weakref__ slot disallowed: either we already "
                                       "got one, or __itemsize__ != 0");
    assert_null(gcr_class_new_slots(rt, "S", (const char *[]){"__dict__"}, 1));
    assert_non_null(strstr(gcr_error(rt), "NotImplementedError"));
    gcr_clear_error(rt);
    /* a duplicate name is two slots, as in CPython (getsizeof 48) */
    gcr_class *cls = slots_class(rt, "S", (const char *[]){"a", "a"}, 2);
    gcr_object *o = gcr_instance_new(rt, cls);
    assert_int_equal(gcr_sizeof(o), 48);
    gcr_decref(rt, o);
}

/* ---------------------------------------------------------------------------------------
 * The collector
 * ------------------------------------------------------------------------------------- */

/* a.o = b; b.o = a; del a, b: collect() finds 2 under every policy (no dicts: Python 2's
 * new-style classes with __slots__ had none either). */
static void test_cycle_collected(void **state)
{
    (void)state;
    for (int p = GCR_POLICY_PY311; p <= GCR_POLICY_PY27; p++) {
        gcr_runtime *rt = open_policy((gcr_policy)p);
        gcr_class *cls = slots_class(rt, "N", (const char *[]){"o"}, 1);
        gcr_object *a = gcr_instance_new(rt, cls), *b = gcr_instance_new(rt, cls);
        gcr_instance_set(rt, a, 0, b);
        gcr_instance_set(rt, b, 0, a);
        gcr_decref(rt, a);
        gcr_decref(rt, b);
        assert_int_equal(rt_live_objects(rt), 2);
        assert_int_equal(gcr_gc_collect(rt, 2), 2);
        assert_int_equal(rt_live_objects(rt), 0);
        assert_int_equal(rt_counters(rt).tracked_objects, 0);
        gcr_close(rt);
    }
}

/* A reachable slots cycle survives; one held by a slot of a live object too. */
static void test_reachable_kept(void **state)
{
    gcr_runtime *rt = *state;
    gcr_class *cls = slots_class(rt, "N", (const char *[]){"o", "p"}, 2);
    gcr_object *root = gcr_instance_new(rt, cls);
    gcr_object *a = gcr_instance_new(rt, cls), *b = gcr_instance_new(rt, cls);
    gcr_instance_set(rt, a, 0, b);
    gcr_instance_set(rt, b, 1, a);
    gcr_instance_set(rt, root, 1, a);
    gcr_decref(rt, a);
    gcr_decref(rt, b);
    assert_int_equal(gcr_gc_collect(rt, 2), 0);
    assert_int_equal(rt_live_objects(rt), 3);
    gcr_decref(rt, root);
    assert_int_equal(gcr_gc_collect(rt, 2), 2);
    assert_int_equal(rt_live_objects(rt), 0);
}

/* ---------------------------------------------------------------------------------------
 * Weak references
 * ------------------------------------------------------------------------------------- */

static void test_weakref_refused(void **state)
{
    gcr_runtime *rt = *state;
    gcr_class *cls = slots_class(rt, "S", (const char *[]){"a", "b"}, 2);
    gcr_object *o = gcr_instance_new(rt, cls);
    assert_null(gcr_weakref_new(rt, o, NULL));
    assert_string_equal(gcr_error(rt), "TypeError: cannot create weak reference to 'S' object");
    gcr_clear_error(rt);
    assert_null(gcr_proxy_new(rt, o, NULL));
    assert_string_equal(gcr_error(rt), "TypeError: cannot create weak reference to 'S' object");
    gcr_decref(rt, o);
    assert_int_equal(rt_live_objects(rt), 0);
}

/* With a "__weakref__" slot: weak references work and are cleared when it dies. */
static void test_weakref_slot(void **state)
{
    gcr_runtime *rt = *state;
    gcr_class *cls = slots_class(rt, "W", (const char *[]){"a", "__weakref__"}, 2);
    gcr_object *o = gcr_instance_new(rt, cls);
    gcr_object *x = gcr_float_new(rt, 1.0);
    gcr_instance_set(rt, o, 0, x);
    gcr_decref(rt, x);
    gcr_object *wr = gcr_weakref_new(rt, o, NULL);
    assert_non_null(wr);
    assert_ptr_equal(gcr_weakref_get(wr), o);
    assert_int_equal(gcr_weakref_count(o), 1);
    assert_ptr_equal(gcr_instance_get(o, 0), x); /* the list is not a slot */
    gcr_decref(rt, o);
    assert_null(gcr_weakref_get(wr));
    gcr_decref(rt, wr);
    assert_int_equal(rt_live_objects(rt), 0);
}

/* ---------------------------------------------------------------------------------------
 * Finalizers
 * ------------------------------------------------------------------------------------- */

typedef struct fin_ctx {
    int calls;
    gcr_object *keep; /* resurrect: the finalizer appends self to it */
} fin_ctx;

static void finalizer(gcr_runtime *rt, gcr_object *self, void *ctx)
{
    fin_ctx *f = ctx;
    f->calls++;
    if (f->keep != NULL)
        assert_int_equal(gcr_list_append(rt, f->keep, self), 0);
}

/* By reference counting, with a slot's value dropped after __del__ ran. */
static void test_finalizer_by_refcount(void **state)
{
    gcr_runtime *rt = *state;
    fin_ctx f = {0};
    gcr_class *cls = slots_class(rt, "F", (const char *[]){"o"}, 1);
    gcr_class_set_finalizer(cls, finalizer, &f);
    gcr_object *o = gcr_instance_new(rt, cls);
    gcr_object *x = gcr_float_new(rt, 1.0);
    gcr_instance_set(rt, o, 0, x);
    gcr_decref(rt, o);
    assert_int_equal(f.calls, 1);
    assert_int_equal(x->refcnt, 1);
    gcr_decref(rt, x);
    assert_int_equal(rt_live_objects(rt), 0);
}

/* py311: a cycle of two is finalized (once each) and collected (2); resurrection keeps it,
 * and __del__ is not called again when it dies for good. py27: the cycle is uncollectable
 * and goes to gc.garbage. */
static void test_finalizer_in_cycle(void **state)
{
    (void)state;
    static const gcr_policy policies[] = {GCR_POLICY_PY311, GCR_POLICY_PY27};
    for (size_t p = 0; p < 2; p++) {
        bool py27 = policies[p] == GCR_POLICY_PY27;
        gcr_runtime *rt = open_policy(policies[p]);
        fin_ctx f = {0};
        gcr_class *cls = slots_class(rt, "F", (const char *[]){"o"}, 1);
        gcr_class_set_finalizer(cls, finalizer, &f);
        gcr_object *a = gcr_instance_new(rt, cls), *b = gcr_instance_new(rt, cls);
        gcr_instance_set(rt, a, 0, b);
        gcr_instance_set(rt, b, 0, a);
        gcr_decref(rt, a);
        gcr_decref(rt, b);
        assert_int_equal(gcr_gc_collect(rt, 2), 2);
        assert_int_equal(f.calls, py27 ? 0 : 2);
        assert_int_equal(gcr_list_len(gcr_gc_garbage(rt)), py27 ? 2 : 0);
        assert_int_equal(rt_live_objects(rt), py27 ? 2 : 0);
        if (py27) {
            gcr_close(rt);
            continue;
        }
        f.keep = gcr_list_new(rt);
        a = gcr_instance_new(rt, cls);
        gcr_decref(rt, a);
        assert_int_equal(f.calls, 3);
        assert_int_equal(gcr_list_len(f.keep), 1); /* resurrected */
        gcr_object *keep = f.keep;
        f.keep = NULL;
        gcr_decref(rt, keep); /* dies for good: finalized already */
        assert_int_equal(f.calls, 3);
        assert_int_equal(rt_live_objects(rt), 0);
        gcr_close(rt);
    }
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_sizes),
        T(test_live_bytes),
        T(test_attributes),
        T(test_slot_order),
        T(test_bad_names),
        cmocka_unit_test(test_cycle_collected),
        T(test_reachable_kept),
        T(test_weakref_refused),
        T(test_weakref_slot),
        T(test_finalizer_by_refcount),
        cmocka_unit_test(test_finalizer_in_cycle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
