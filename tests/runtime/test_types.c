/* test_types.c — the gcr runtime's int, tuple, dict and callable types (sizes, growth, key
 * equality, tracking), its error reporting, and the per-type statistics. */
#include <stdio.h>
#include <string.h>

#include "rt_test.h"

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

static gcr_object *str(gcr_runtime *rt, const char *s)
{
    gcr_object *o = gcr_str_new(rt, s, strlen(s));
    assert_non_null(o);
    return o;
}

/* ---------------------------------------------------------------------------------------
 * int
 * ------------------------------------------------------------------------------------- */

static void test_int_sizes_and_values(void **state)
{
    gcr_runtime *rt = *state;
    static const struct {
        int64_t value;
        size_t size;
    } cases[] = {
        {0, 24},
        {1, 28},
        {-5, 28},
        {256, 28},
        {257, 28},
        {-6, 28},
        {(1 << 30) - 1, 28},
        {1 << 30, 32},
        {-(1 << 30), 32},
        {INT64_C(1) << 60, 36},
        {INT64_C(1) << 62, 36},
        {INT64_MAX, 36},
        {INT64_MIN, 36},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gcr_object *o = gcr_int_new(rt, cases[i].value);
        assert_non_null(o);
        assert_string_equal(gcr_type_name(o), "int");
        assert_int_equal(gcr_int_value(o), cases[i].value);
        assert_int_equal(gcr_sizeof(o), cases[i].size);
        assert_false(gcr_gc_is_tracked(o));
        gcr_decref(rt, o);
    }
    assert_int_equal(rt_live_objects(rt), 0);
    assert_int_equal(rt_live_bytes(rt), 0);
}

/* -5..256 are shared and never allocated (CPython's static small ints); others are objects. */
static void test_small_ints_shared(void **state)
{
    gcr_runtime *rt = *state;
    gcr_object *a = gcr_int_new(rt, 7), *b = gcr_int_new(rt, 7);
    assert_ptr_equal(a, b);
    assert_int_equal(rt_live_objects(rt), 0);
    gcr_object *c = gcr_int_new(rt, 1000), *d = gcr_int_new(rt, 1000);
    assert_ptr_not_equal(c, d);
    assert_int_equal(rt_live_objects(rt), 2);
    assert_int_equal(rt_live_bytes(rt), 56);
    gcr_decref(rt, a);
    gcr_decref(rt, b);
    gcr_decref(rt, c);
    gcr_decref(rt, d);
    assert_int_equal(rt_live_objects(rt), 0);
}

/* ---------------------------------------------------------------------------------------
 * tuple
 * ------------------------------------------------------------------------------------- */

static void test_tuple(void **state)
{
    gcr_runtime *rt = *state;
    gcr_object *e1 = gcr_tuple_new(rt, 0, NULL), *e2 = gcr_tuple_new(rt, 0, NULL);
    assert_ptr_equal(e1, e2); /* the empty tuple is a singleton */
    assert_int_equal(gcr_sizeof(e1), 40);
    assert_false(gcr_gc_is_tracked(e1));
    assert_int_equal(rt_live_objects(rt), 0);
    gcr_decref(rt, e1);
    gcr_decref(rt, e2);

    gcr_object *f = gcr_float_new(rt, 1.5), *l = gcr_list_new(rt);
    gcr_object *items[] = {f, l, f};
    gcr_object *t = gcr_tuple_new(rt, 3, items);
    assert_non_null(t);
    assert_string_equal(gcr_type_name(t), "tuple");
    assert_int_equal(gcr_sizeof(t), 40 + 3 * 8);
    assert_true(gcr_gc_is_tracked(t));
    assert_int_equal(gcr_tuple_len(t), 3);
    assert_ptr_equal(gcr_tuple_get(t, 1), l);
    assert_int_equal(f->refcnt, 3);
    rt_assert_count(rt, 2, 0, 0); /* a tuple counts as a container allocation */
    gcr_decref(rt, f);
    gcr_decref(rt, l);
    gcr_decref(rt, t);
    assert_int_equal(rt_live_objects(rt), 0);
    assert_int_equal(rt_live_bytes(rt), 0);
}

/* _PyTuple_MaybeUntrack in every collection: a tuple holding nothing that is or may become
 * tracked leaves the collector's lists; one holding a container stays. */
static void test_tuple_untracked_by_collection(void **state)
{
    gcr_runtime *rt = *state;
    gcr_object *i = gcr_int_new(rt, 1000), *s = str(rt, "x"), *l = gcr_list_new(rt);
    gcr_object *d = gcr_dict_new(rt); /* untracked, but may become tracked */
    gcr_object *empty = gcr_tuple_new(rt, 0, NULL);
    gcr_object *leaves_items[] = {i, s, empty};
    gcr_object *leaves = gcr_tuple_new(rt, 3, leaves_items);
    gcr_object *with_list = gcr_tuple_new(rt, 1, &l);
    gcr_object *with_dict = gcr_tuple_new(rt, 1, &d);
    gcr_object *nested = gcr_tuple_new(rt, 1, &leaves);
    assert_true(gcr_gc_is_tracked(leaves) && gcr_gc_is_tracked(nested));
    gcr_counters before = rt_counters(rt);
    assert_int_equal(gcr_gc_collect(rt, 0), 0);
    assert_false(gcr_gc_is_tracked(leaves));
    assert_true(gcr_gc_is_tracked(with_list));
    assert_true(gcr_gc_is_tracked(with_dict));
    /* leaves came first in the generation, so nested saw it untracked */
    assert_false(gcr_gc_is_tracked(nested));
    assert_int_equal(rt_counters(rt).tracked_objects, before.tracked_objects - 2);
    /* a tuple untracked stays so; the others are kept through later collections */
    assert_int_equal(gcr_gc_collect(rt, 2), 0);
    assert_true(gcr_gc_is_tracked(with_list) && gcr_gc_is_tracked(with_dict));
    gcr_object *all[] = {i, s, l, d, empty, leaves, with_list, with_dict, nested};
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++)
        gcr_decref(rt, all[k]);
    assert_int_equal(rt_live_objects(rt), 0);
    assert_int_equal(rt_counters(rt).tracked_objects, 0);
}

/* ---------------------------------------------------------------------------------------
 * dict
 * ------------------------------------------------------------------------------------- */

/* getsizeof after n insertions of distinct keys: 3.11's sizes (keys object of 32 + indices
 * + entries of 16 bytes with str keys, 24 otherwise; growth to 3 * used). */
static void test_dict_sizes(void **state)
{
    gcr_runtime *rt = *state;
    static const struct {
        size_t n, str_keys, int_keys;
    } sizes[] = {
        {0, 64, 64},    {1, 184, 224},  {5, 184, 224},  {6, 272, 352},
        {10, 272, 352}, {11, 464, 632}, {21, 464, 632}, {22, 832, 1168},
    };
    gcr_object *ds = gcr_dict_new(rt), *di = gcr_dict_new(rt);
    size_t inserted = 0;
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        for (; inserted < sizes[k].n; inserted++) {
            char key[16];
            snprintf(key, sizeof key, "k%zu", inserted);
            gcr_object *sk = str(rt, key), *ik = gcr_int_new(rt, (int64_t)inserted + 1000);
            assert_int_equal(gcr_dict_set(rt, ds, sk, sk), 0);
            assert_int_equal(gcr_dict_set(rt, di, ik, ik), 0);
            gcr_decref(rt, sk);
            gcr_decref(rt, ik);
        }
        assert_int_equal(gcr_dict_len(ds), sizes[k].n);
        assert_int_equal(gcr_sizeof(ds), sizes[k].str_keys);
        assert_int_equal(gcr_sizeof(di), sizes[k].int_keys);
    }
    /* live_bytes counts the dict objects, their keys objects, and the keys and values */
    gcr_counters c = rt_counters(rt);
    assert_int_equal(c.live_objects, 2 + 2 * 22);
    gcr_decref(rt, ds);
    gcr_decref(rt, di);
    assert_int_equal(rt_live_objects(rt), 0);
    assert_int_equal(rt_live_bytes(rt), 0);
}

/* A str-keyed table becomes general when a non-str key comes, resized to hold 3 * used:
 * 3 slots asked, 16 given, as CPython 3.11's calculate_log2_keysize does (gh-133703). */
static void test_dict_unicode_to_general(void **state)
{
    gcr_runtime *rt = *state;
    gcr_object *d = gcr_dict_new(rt);
    gcr_object *k1 = str(rt, "a"), *k2 = gcr_int_new(rt, 5);
    assert_int_equal(gcr_dict_set(rt, d, k1, k1), 0);
    assert_int_equal(gcr_sizeof(d), 184);
    assert_int_equal(gcr_dict_set(rt, d, k2, k2), 0);
    assert_int_equal(gcr_sizeof(d), 64 + 32 + 16 + 10 * 24);
    gcr_object *k = NULL, *v = NULL;
    gcr_dict_item(d, 0, &k, &v);
    assert_ptr_equal(k, k1); /* insertion order kept */
    gcr_dict_item(d, 1, &k, &v);
    assert_ptr_equal(k, k2);
    gcr_decref(rt, k1);
    gcr_decref(rt, k2);
    gcr_decref(rt, d);
}

/* Keys compare by value for str, bytes, int, float and tuples of those; by identity for
 * everything else; lists and dicts are unhashable. */
static void test_dict_key_equality(void **state)
{
    gcr_runtime *rt = *state;
    gcr_object *d = gcr_dict_new(rt);
    gcr_object *one = gcr_int_new(rt, 1), *one_f = gcr_float_new(rt, 1.0);
    gcr_object *big = gcr_int_new(rt, 123456789), *big2 = gcr_int_new(rt, 123456789);
    gcr_object *s1 = str(rt, "key"), *s2 = str(rt, "key");
    gcr_object *b1 = gcr_bytes_new(rt, 3), *b2 = gcr_bytes_new(rt, 3);
    gcr_object *t1_items[] = {s1, big}, *t2_items[] = {s2, big2};
    gcr_object *t1 = gcr_tuple_new(rt, 2, t1_items), *t2 = gcr_tuple_new(rt, 2, t2_items);
    gcr_class *cls = gcr_class_new(rt, "K", NULL, 0);
    gcr_object *i1 = gcr_instance_new(rt, cls), *i2 = gcr_instance_new(rt, cls);

    gcr_object *pairs[][2] = {{one, one_f}, {big, big2}, {s1, s2}, {b1, b2}, {t1, t2}};
    for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++) {
        assert_int_equal(gcr_dict_set(rt, d, pairs[k][0], one), 0);
        assert_ptr_equal(gcr_dict_get(d, pairs[k][1]), one);
    }
    assert_int_equal(gcr_dict_len(d), 5);
    assert_int_equal(gcr_dict_set(rt, d, i1, one), 0);
    assert_null(gcr_dict_get(d, i2)); /* identity */
    assert_ptr_equal(gcr_dict_get(d, i1), one);
    /* replacing through an equal key keeps the first key object */
    assert_int_equal(gcr_dict_set(rt, d, s2, big), 0);
    assert_int_equal(gcr_dict_len(d), 6);
    gcr_object *k = NULL, *v = NULL;
    gcr_dict_item(d, 2, &k, &v);
    assert_ptr_equal(k, s1);
    assert_ptr_equal(v, big);

    gcr_object *l = gcr_list_new(rt);
    gcr_clear_error(rt);
    assert_int_equal(gcr_dict_set(rt, d, l, one), -1);
    assert_string_equal(gcr_error(rt), "TypeError: unhashable type: 'list'");
    assert_int_equal(gcr_dict_set(rt, d, d, one), -1);
    assert_string_equal(gcr_error(rt), "TypeError: unhashable type: 'dict'");
    gcr_object *bad_items[] = {s1, l};
    gcr_object *bad = gcr_tuple_new(rt, 2, bad_items);
    assert_int_equal(gcr_dict_set(rt, d, bad, one), -1);
    assert_null(gcr_dict_get(d, bad));
    assert_int_equal(gcr_dict_len(d), 6);

    gcr_object *all[] = {one, one_f, big, big2, s1, s2, b1, b2, t1, t2, i1, i2, l, bad, d};
    for (size_t j = 0; j < sizeof all / sizeof all[0]; j++)
        gcr_decref(rt, all[j]);
    assert_int_equal(rt_live_objects(rt), 0);
}

static void test_dict_delete(void **state)
{
    gcr_runtime *rt = *state;
    gcr_object *d = gcr_dict_new(rt);
    gcr_object *keys[8];
    for (int i = 0; i < 8; i++) {
        keys[i] = gcr_int_new(rt, 1000 + i);
        gcr_object *v = gcr_float_new(rt, i);
        assert_int_equal(gcr_dict_set(rt, d, keys[i], v), 0);
        gcr_decref(rt, v);
    }
    size_t size = gcr_sizeof(d);
    assert_int_equal(gcr_dict_del(rt, d, keys[2]), 0);
    assert_int_equal(gcr_dict_del(rt, d, keys[5]), 0);
    assert_int_equal(gcr_dict_len(d), 6);
    assert_int_equal(gcr_sizeof(d), size); /* deletion never shrinks */
    assert_null(gcr_dict_get(d, keys[2]));
    gcr_object *k = NULL, *v = NULL;
    gcr_dict_item(d, 2, &k, &v); /* deleted entries skipped, order kept */
    assert_ptr_equal(k, keys[3]);
    assert_true(gcr_float_value(v) == 3.0);
    gcr_dict_item(d, 5, &k, &v);
    assert_ptr_equal(k, keys[7]);
    gcr_clear_error(rt);
    assert_int_equal(gcr_dict_del(rt, d, keys[2]), -1);
    assert_string_equal(gcr_error(rt), "KeyError: 1002");
    gcr_object *s = str(rt, "missing");
    assert_int_equal(gcr_dict_del(rt, d, s), -1);
    assert_string_equal(gcr_error(rt), "KeyError: 'missing'");
    gcr_decref(rt, s);
    /* re-inserting after deletions: still found, still in order */
    assert_int_equal(gcr_dict_set(rt, d, keys[2], keys[2]), 0);
    assert_ptr_equal(gcr_dict_get(d, keys[2]), keys[2]);
    gcr_dict_item(d, 6, &k, &v);
    assert_ptr_equal(k, keys[2]);
    for (int i = 0; i < 8; i++)
        gcr_decref(rt, keys[i]);
    gcr_decref(rt, d);
    assert_int_equal(rt_live_objects(rt), 0);
    assert_int_equal(rt_live_bytes(rt), 0);
}

/* MAINTAIN_TRACKING and _PyDict_MaybeUntrack. */
static void test_dict_tracking(void **state)
{
    gcr_runtime *rt = *state;
    gcr_object *d = gcr_dict_new(rt);
    gcr_object *k = str(rt, "k"), *k2 = str(rt, "k2"), *f = gcr_float_new(rt, 1);
    gcr_object *l = gcr_list_new(rt);
    assert_false(gcr_gc_is_tracked(d));
    rt_assert_count(rt, 2, 0, 0); /* created untracked, counted all the same */
    assert_int_equal(gcr_dict_set(rt, d, k, f), 0);
    assert_false(gcr_gc_is_tracked(d)); /* a str and a float: nothing to track */
    gcr_object *t_items[] = {f};
    gcr_object *t = gcr_tuple_new(rt, 1, t_items);
    assert_int_equal(gcr_dict_set(rt, d, k2, t), 0);
    assert_true(gcr_gc_is_tracked(d)); /* a tracked tuple may hold anything */
    assert_int_equal(gcr_dict_set(rt, d, k2, l), 0);
    assert_true(gcr_gc_is_tracked(d));
    assert_int_equal(gcr_dict_del(rt, d, k2), 0);
    assert_true(gcr_gc_is_tracked(d)); /* deletion never untracks */
    assert_int_equal(gcr_gc_collect(rt, 1), 0);
    assert_true(gcr_gc_is_tracked(d)); /* only full collections untrack dicts */
    assert_int_equal(gcr_gc_collect(rt, 2), 0);
    assert_false(gcr_gc_is_tracked(d));
    assert_true(gcr_gc_is_tracked(l));
    assert_int_equal(gcr_dict_set(rt, d, k2, l), 0);
    assert_true(gcr_gc_is_tracked(d));
    assert_int_equal(gcr_gc_collect(rt, 2), 0);
    assert_true(gcr_gc_is_tracked(d)); /* holds a list */
    gcr_object *all[] = {d, k, k2, f, l, t};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        gcr_decref(rt, all[i]);
    assert_int_equal(rt_live_objects(rt), 0);
}

/* A dict in a cycle is garbage like any container, and so are its keys: d["self"] = d;
 * d[i] = l; l.append(d) (i an instance: a general table traverses its keys). */
static void test_dict_cycle_collected(void **state)
{
    gcr_runtime *rt = *state;
    gcr_object *d = gcr_dict_new(rt), *l = gcr_list_new(rt);
    gcr_object *i = gcr_instance_new(rt, gcr_class_new(rt, "I", NULL, 0));
    gcr_object *self = gcr_str_new(rt, "self", 4);
    assert_int_equal(gcr_dict_set(rt, d, self, d), 0);
    assert_true(gcr_gc_is_tracked(d));
    assert_int_equal(gcr_dict_set(rt, d, i, l), 0);
    assert_int_equal(gcr_list_append(rt, l, d), 0);
    gcr_object *ents = gcr_gc_get_referents(rt, &d, 1);
    assert_int_equal(gcr_list_len(ents), 4); /* d, "self", l, i: values then keys */
    assert_ptr_equal(gcr_list_get(ents, 0), d);
    assert_ptr_equal(gcr_list_get(ents, 1), self);
    assert_ptr_equal(gcr_list_get(ents, 2), l);
    assert_ptr_equal(gcr_list_get(ents, 3), i);
    gcr_decref(rt, ents);
    gcr_decref(rt, self);
    gcr_decref(rt, i);
    gcr_decref(rt, l);
    gcr_decref(rt, d);
    assert_int_equal(rt_live_objects(rt), 4);
    assert_int_equal(gcr_gc_collect(rt, 2), 3);
    assert_int_equal(rt_live_objects(rt), 0);
    assert_int_equal(rt_live_bytes(rt), 0);
}

/* ---------------------------------------------------------------------------------------
 * callable
 * ------------------------------------------------------------------------------------- */

typedef struct call_log {
    int calls;
    gcr_object *data, *arg;
} call_log;

static void log_call(gcr_runtime *rt, void *ctx, gcr_object *data, gcr_object *arg)
{
    (void)rt;
    call_log *log = ctx;
    log->calls++;
    log->data = data;
    log->arg = arg;
}

static void test_callable(void **state)
{
    gcr_runtime *rt = *state;
    call_log log = {0};
    gcr_object *data = gcr_list_new(rt);
    gcr_object *c = gcr_callable_new(rt, log_call, &log, data);
    assert_non_null(c);
    assert_string_equal(gcr_type_name(c), "function");
    assert_int_equal(gcr_sizeof(c), 48);
    assert_true(gcr_gc_is_tracked(c));
    assert_int_equal(rt_live_bytes(rt), 56 + 48);
    gcr_object *arg = gcr_float_new(rt, 2);
    gcr_call(rt, c, arg);
    assert_int_equal(log.calls, 1);
    assert_ptr_equal(log.data, data);
    assert_ptr_equal(log.arg, arg);
    gcr_call(rt, c, NULL);
    assert_null(log.arg);
    /* the data is traversed: a callable can be part of a cycle (a bound method whose self
     * holds it) */
    assert_int_equal(gcr_list_append(rt, data, c), 0);
    gcr_object *referents = gcr_gc_get_referents(rt, &c, 1);
    assert_int_equal(gcr_list_len(referents), 1);
    assert_ptr_equal(gcr_list_get(referents, 0), data);
    gcr_decref(rt, referents);
    gcr_decref(rt, c);
    gcr_decref(rt, data);
    gcr_decref(rt, arg);
    assert_int_equal(gcr_gc_collect(rt, 2), 2);
    assert_int_equal(rt_live_objects(rt), 0);
}

/* ---------------------------------------------------------------------------------------
 * Errors and per-type statistics
 * ------------------------------------------------------------------------------------- */

static void test_error_state(void **state)
{
    gcr_runtime *rt = *state;
    assert_string_equal(gcr_error(rt), "");
    gcr_object *l = gcr_list_new(rt);
    assert_null(gcr_weakref_new(rt, l, NULL));
    assert_string_equal(gcr_error(rt), "TypeError: cannot create weak reference to 'list' object");
    gcr_clear_error(rt);
    assert_string_equal(gcr_error(rt), "");
    assert_int_equal(gcr_gc_collect(rt, 3), -1);
    assert_string_equal(gcr_error(rt), "ValueError: invalid generation");
    gcr_decref(rt, l);
}

/* The entry of stats named name (the first), or NULL. */
static const gcr_type_stat *find_stat(const gcr_type_stat *stats, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(stats[i].name, name) == 0)
            return &stats[i];
    return NULL;
}

static void test_types_stats(void **state)
{
    gcr_runtime *rt = *state;
    static const char *const attrs[] = {"x"};
    gcr_class *a = gcr_class_new(rt, "A", attrs, 1);
    gcr_class *other_a = gcr_class_new(rt, "A", attrs, 1); /* its own type, same name */
    gcr_type_stat stats[16];
    assert_int_equal(gcr_types_stats(rt, stats, 16), 0);

    gcr_object *keep = gcr_list_new(rt);
    for (int i = 0; i < 3; i++) {
        gcr_object *o = gcr_instance_new(rt, a);
        gcr_object *f = gcr_float_new(rt, i);
        gcr_instance_set(rt, o, 0, f);
        assert_int_equal(gcr_list_append(rt, keep, o), 0);
        gcr_decref(rt, o);
        gcr_decref(rt, f);
    }
    gcr_object *o2 = gcr_instance_new(rt, other_a);
    gcr_object *d = gcr_dict_new(rt);
    size_t n = gcr_types_stats(rt, stats, 16);
    assert_int_equal(n, 5); /* A (3), float (3), A (1), dict, list */
    assert_string_equal(stats[0].name, "A");
    assert_int_equal(stats[0].live_objects, 3);
    assert_int_equal(stats[0].live_bytes, 3 * (56 + 8 + 8)); /* object and values array */
    assert_string_equal(stats[1].name, "float");
    assert_int_equal(stats[1].live_objects, 3);
    assert_int_equal(stats[1].live_bytes, 3 * 24);
    assert_string_equal(stats[2].name, "A"); /* 1 live: ties sorted by name */
    assert_string_equal(stats[3].name, "dict");
    assert_int_equal(stats[3].live_bytes, 64);
    assert_string_equal(stats[4].name, "list");
    assert_int_equal(stats[4].live_bytes, 56 + 4 * 8); /* with its item buffer */
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        total += stats[i].live_bytes;
        assert_int_equal(stats[i].growth_objects, (int64_t)stats[i].live_objects);
    }
    assert_int_equal(total, rt_live_bytes(rt));         /* every byte belongs to a type */
    assert_int_equal(gcr_types_stats(rt, stats, 2), 5); /* max entries, the top ones */

    gcr_types_mark(rt);
    gcr_object *more = gcr_instance_new(rt, a);
    gcr_decref(rt, d);
    n = gcr_types_stats(rt, stats, 16);
    assert_int_equal(n, 4);
    const gcr_type_stat *s = find_stat(stats, n, "A");
    assert_int_equal(s->live_objects, 4);
    assert_int_equal(s->growth_objects, 1);
    assert_int_equal(find_stat(stats, n, "float")->growth_objects, 0);
    assert_null(find_stat(stats, n, "dict")); /* no live objects: not listed */
    gcr_decref(rt, more);
    gcr_decref(rt, o2);
    gcr_decref(rt, keep);
    assert_int_equal(gcr_types_stats(rt, stats, 16), 0);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_int_sizes_and_values),
        T(test_small_ints_shared),
        T(test_tuple),
        T(test_tuple_untracked_by_collection),
        T(test_dict_sizes),
        T(test_dict_unicode_to_general),
        T(test_dict_key_equality),
        T(test_dict_delete),
        T(test_dict_tracking),
        T(test_dict_cycle_collected),
        T(test_callable),
        T(test_error_state),
        T(test_types_stats),
    };
#undef T
    return cmocka_run_group_tests_name("runtime types", tests, NULL, NULL);
}
