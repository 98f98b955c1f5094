/* test_freelist.c — CPython 3.11's free lists in the gcr runtime: lists (80), dicts (80) and
 * their 8-slot str-keyed tables (80), tuples of 1..20 items (2000 each; 20 kept, never
 * reused), floats (100). A trip through one moves neither generation 0's count nor a
 * collection; what waits on one is not live but keeps its block; a full collection (and only
 * a full one) empties them, which uncounts the containers it frees. */
#include <stdlib.h>

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

static gcr_freelist_stats freelists(const gcr_runtime *rt)
{
    gcr_freelist_stats s;
    gcr_freelists_get(rt, &s);
    return s;
}

static uint64_t blocks_in_use(const gcr_runtime *rt)
{
    gcr_alloc_stats s;
    gcr_alloc_stats_get(rt, &s);
    return s.blocks_in_use;
}

static int count0(const gcr_runtime *rt)
{
    int count[GCR_GENERATIONS];
    gcr_gc_get_count(rt, count);
    return count[0];
}

/* ---------------------------------------------------------------------------------------
 * Lists
 * ------------------------------------------------------------------------------------- */

/* A list freed and made again: the same block, generation 0's count unmoved both ways. */
static void test_list_reused_uncounted(void **state)
{
    gcr_runtime *rt = *state;
    gcr_object *l = gcr_list_new(rt);
    gcr_object *f = gcr_float_new(rt, 1.0);
    assert_int_equal(gcr_list_append(rt, l, f), 0); /* an item buffer, freed with the list */
    gcr_decref(rt, f);
    assert_int_equal(count0(rt), 1);
    uint64_t blocks = blocks_in_use(rt);
    gcr_decref(rt, l);
    assert_int_equal(count0(rt), 1); /* no PyObject_GC_Del */
    assert_int_equal(freelists(rt).lists, 1);
    /* the list's block stays; its buffer and the float (onto its own free list) go */
    assert_int_equal(blocks_in_use(rt), blocks - 1);
    gcr_object *m = gcr_list_new(rt);
    assert_ptr_equal(m, l);
    assert_int_equal(count0(rt), 1); /* no _PyObject_GC_Link */
    assert_int_equal(freelists(rt).lists, 0);
    assert_true(gcr_gc_is_tracked(m));
    assert_int_equal(gcr_list_len(m), 0);
    assert_int_equal(gcr_list_capacity(m), 0);
    assert_int_equal(m->refcnt, 1);
    gcr_decref(rt, m);
}

/* Lists taken off the free list start no automatic collection: 700 counted allocations, then
 * 80 from the free list, and only the next counted one collects. */
static void test_freelist_allocations_do_not_collect(void **state)
{
    gcr_runtime *rt = *state;
    gcr_object *held = rt_list_of_lists(rt, 80);
    gcr_decref(rt, held);                       /* 81 lists: 80 to the free list, 1 freed */
    assert_int_equal(gcr_gc_collect(rt, 0), 0); /* count0 = 0; the free lists stay */
    assert_int_equal(freelists(rt).lists, 80);
    gcr_object *outer = gcr_list_new(rt); /* off the free list */
    for (int i = 0; i < 700 + 79; i++) {
        gcr_object *inner = i < 79 ? gcr_list_new(rt) : gcr_dict_new(rt);
        assert_int_equal(gcr_list_append(rt, outer, inner), 0);
        gcr_decref(rt, inner);
    }
    assert_int_equal(count0(rt), 700);
    assert_int_equal(rt_counters(rt).collections, 1);
    gcr_object *one_more = gcr_dict_new(rt);
    assert_int_equal(rt_counters(rt).collections, 2);
    gcr_decref(rt, one_more);
    gcr_decref(rt, outer);
}

/* The 81st list freed is really freed: its block goes, and generation 0 counts it out. */
static void test_81st_list_freed(void **state)
{
    gcr_runtime *rt = *state;
    uint64_t blocks = blocks_in_use(rt);
    gcr_object *l[81];
    for (int i = 0; i < 81; i++)
        l[i] = gcr_list_new(rt);
    assert_int_equal(count0(rt), 81);
    assert_int_equal(blocks_in_use(rt), blocks + 81);
    for (int i = 0; i < 80; i++)
        gcr_decref(rt, l[i]);
    assert_int_equal(count0(rt), 81);
    assert_int_equal(freelists(rt).lists, 80);
    gcr_decref(rt, l[80]);
    assert_int_equal(count0(rt), 80);
    assert_int_equal(freelists(rt).lists, 80);
    assert_int_equal(blocks_in_use(rt), blocks + 80);
}

/* What waits on a free list is not live: not in live_objects, live_bytes, the type's
 * statistics; it is in blocks_in_use and gcr_freelists_get. */
static void test_freelisted_not_live(void **state)
{
    gcr_runtime *rt = *state;
    gcr_counters c0 = rt_counters(rt);
    gcr_object *l = gcr_list_new(rt), *d = gcr_dict_new(rt);
    gcr_decref(rt, l);
    gcr_decref(rt, d);
    gcr_counters c1 = rt_counters(rt);
    assert_int_equal(c1.live_objects, c0.live_objects);
    assert_int_equal(c1.live_bytes, c0.live_bytes);
    assert_int_equal(c1.allocated_objects_total - c0.allocated_objects_total, 2);
    assert_int_equal(c1.freed_objects_total - c0.freed_objects_total, 2);
    assert_int_equal(gcr_types_stats(rt, NULL, 0), 0); /* no type has live objects */
    gcr_freelist_stats s = freelists(rt);
    assert_int_equal(s.lists, 1);
    assert_int_equal(s.dicts, 1);
    assert_int_equal(s.bytes, 56 + 64);
    gcr_object *again = gcr_list_new(rt);
    assert_int_equal(rt_live_objects(rt), 1);
    assert_int_equal(rt_live_bytes(rt), 56);
    gcr_decref(rt, again);
}

/* ---------------------------------------------------------------------------------------
 * Full collections
 * ------------------------------------------------------------------------------------- */

/* Only a full collection empties the free lists; their blocks go back to the allocator. */
static void test_full_collection_empties(void **state)
{
    gcr_runtime *rt = *state;
    uint64_t blocks = blocks_in_use(rt);
    gcr_object *outer = rt_list_of_lists(rt, 10);
    for (int i = 0; i < 5; i++) {
        gcr_object *d = gcr_dict_new(rt), *k = gcr_str_new(rt, "k", 1);
        gcr_object *t = gcr_tuple_new(rt, 1, &k), *f = gcr_float_new(rt, i);
        assert_int_equal(gcr_dict_set(rt, d, k, f), 0);
        assert_int_equal(gcr_list_append(rt, outer, d), 0);
        assert_int_equal(gcr_list_append(rt, outer, t), 0);
        gcr_decref(rt, d);
        gcr_decref(rt, k);
        gcr_decref(rt, t);
        gcr_decref(rt, f);
    }
    gcr_decref(rt, outer);
    gcr_freelist_stats s = freelists(rt);
    assert_int_equal(s.lists, 11);
    assert_int_equal(s.dicts, 5);
    assert_int_equal(s.dict_keys, 5);
    assert_int_equal(s.tuples, 5);
    assert_int_equal(s.floats, 5);
    assert_int_equal(blocks_in_use(rt), blocks + 11 + 5 + 5 + 5 + 5);
    assert_int_equal(rt_live_objects(rt), 0);
    assert_int_equal(gcr_gc_collect(rt, 0), 0);
    assert_int_equal(gcr_gc_collect(rt, 1), 0);
    assert_int_equal(freelists(rt).lists, 11); /* younger collections keep them */
    assert_int_equal(gcr_gc_collect(rt, 2), 0);
    s = freelists(rt);
    assert_int_equal(s.lists + s.dicts + s.dict_keys + s.tuples + s.floats + s.bytes, 0);
    assert_int_equal(blocks_in_use(rt), blocks);
}

/* Emptying a free list frees its containers with PyObject_GC_Del, which takes them from
 * generation 0's count. CPython 3.11 measured: two instances in a cycle whose __del__ each
 * make four lists and keep two leave count0 at 6 - 2 (the instances) - 2 (the two lists on
 * the free list) = 2 after gc.collect() (1 in CPython, whose gc.get_count tuple also waits on
 * a free list). */
static gcr_object *kept;

static void make_lists(gcr_runtime *rt, gcr_object *self, void *ctx)
{
    (void)self;
    (void)ctx;
    for (int i = 0; i < 4; i++) {
        gcr_object *l = gcr_list_new(rt);
        if (i < 2)
            assert_int_equal(gcr_list_append(rt, kept, l), 0);
        gcr_decref(rt, l);
    }
}

static void test_clear_uncounts(void **state)
{
    gcr_runtime *rt = *state;
    kept = gcr_list_new(rt);
    gcr_class *cls = gcr_class_new(rt, "F", (const char *[]){"o"}, 1);
    gcr_class_set_finalizer(cls, make_lists, NULL);
    gcr_object *x = gcr_instance_new(rt, cls), *y = gcr_instance_new(rt, cls);
    gcr_instance_set(rt, x, 0, y);
    gcr_instance_set(rt, y, 0, x);
    gcr_decref(rt, x);
    gcr_decref(rt, y);
    assert_int_equal(freelists(rt).lists, 0);
    assert_int_equal(gcr_gc_collect(rt, 2), 2);
    assert_int_equal(count0(rt), 2);
    assert_int_equal(gcr_list_len(kept), 4);
    assert_int_equal(freelists(rt).lists, 0);
    gcr_decref(rt, kept);
}

/* ---------------------------------------------------------------------------------------
 * Dicts, tuples, floats
 * ------------------------------------------------------------------------------------- */

/* A dict's 8-slot str-keyed table waits on the keys free list; a general (int-keyed) one,
 * or a bigger one, is freed. A dict resized from the small table frees it onto the list. */
static void test_dict_keys(void **state)
{
    gcr_runtime *rt = *state;
    gcr_object *k = gcr_str_new(rt, "a", 1), *i = gcr_int_new(rt, 1000);
    gcr_object *d = gcr_dict_new(rt), *e = gcr_dict_new(rt);
    assert_int_equal(gcr_dict_set(rt, d, k, i), 0);
    assert_int_equal(gcr_dict_set(rt, e, i, k), 0);
    gcr_decref(rt, d);
    gcr_decref(rt, e);
    gcr_freelist_stats s = freelists(rt);
    assert_int_equal(s.dicts, 2);
    assert_int_equal(s.dict_keys, 1);
    assert_int_equal(s.bytes, 2 * 64 + 120);
    /* grown past 5 str keys: the old table goes to the free list, the new one is freed */
    d = gcr_dict_new(rt);
    assert_int_equal(freelists(rt).dict_keys, 1);
    for (char c = 'a'; c <= 'f'; c++) {
        gcr_object *key = gcr_str_new(rt, &c, 1);
        assert_int_equal(gcr_dict_set(rt, d, key, i), 0);
        gcr_decref(rt, key);
        assert_int_equal(freelists(rt).dict_keys, c == 'f' ? 1 : 0); /* first: taken back */
    }
    assert_int_equal(gcr_sizeof(d), 64 + 32 + 16 + 10 * 16);
    gcr_decref(rt, d);
    assert_int_equal(freelists(rt).dict_keys, 1);
    assert_int_equal(freelists(rt).dicts, 2);
    gcr_decref(rt, k);
    gcr_decref(rt, i);
    assert_int_equal(rt_live_objects(rt), 0);
}

/* Tuples of 1..19 items come back from their free list; tuples of 20 are kept but never
 * reused (CPython 3.11's maybe_freelist_pop takes lengths below 20); 21 are freed. */
static void test_tuples(void **state)
{
    gcr_runtime *rt = *state;
    gcr_object *items[21];
    for (int i = 0; i < 21; i++)
        items[i] = gcr_int_new(rt, i);
    static const struct {
        size_t n;
        bool kept, reused;
    } cases[] = {{1, true, true}, {19, true, true}, {20, true, false}, {21, false, false}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        assert_int_equal(gcr_gc_collect(rt, 2), 0);
        gcr_object *t = gcr_tuple_new(rt, cases[c].n, items);
        assert_int_equal(count0(rt), 1);
        gcr_decref(rt, t);
        assert_int_equal(freelists(rt).tuples, cases[c].kept);
        assert_int_equal(count0(rt), cases[c].kept ? 1 : 0);
        gcr_object *u = gcr_tuple_new(rt, cases[c].n, items);
        if (cases[c].kept) /* (a freed block may come back from its pool too) */
            assert_int_equal(u == t, cases[c].reused);
        assert_int_equal(count0(rt), cases[c].reused ? 1 : cases[c].kept ? 2 : 1);
        assert_true(gcr_gc_is_tracked(u));
        assert_int_equal(gcr_tuple_len(u), cases[c].n);
        assert_ptr_equal(gcr_tuple_get(u, 0), items[0]);
        gcr_decref(rt, u);
    }
    for (int i = 0; i < 21; i++)
        gcr_decref(rt, items[i]);
}

/* At most 100 floats wait; a float made takes the last one freed. */
static void test_floats(void **state)
{
    gcr_runtime *rt = *state;
    uint64_t blocks = blocks_in_use(rt);
    gcr_object *f[150];
    for (int i = 0; i < 150; i++)
        f[i] = gcr_float_new(rt, i);
    for (int i = 0; i < 150; i++)
        gcr_decref(rt, f[i]);
    assert_int_equal(freelists(rt).floats, 100);
    assert_int_equal(blocks_in_use(rt), blocks + 100);
    gcr_object *g = gcr_float_new(rt, 0.25);
    assert_ptr_equal(g, f[99]);
    assert_true(gcr_float_value(g) == 0.25);
    assert_int_equal(freelists(rt).floats, 99);
    assert_int_equal(rt_live_objects(rt), 1);
    gcr_decref(rt, g);
    assert_int_equal(gcr_gc_collect(rt, 2), 0);
    assert_int_equal(blocks_in_use(rt), blocks);
}

/* gcr_close frees what waits on the free lists (under malloc too: valgrind sees any leak). */
static void test_close_frees_freelists(void **state)
{
    (void)state;
    gcr_config config = {.allocator = GCR_ALLOC_MALLOC};
    gcr_runtime *rt = gcr_open(&config);
    gcr_object *l = rt_list_of_lists(rt, 100);
    gcr_object *k = gcr_str_new(rt, "k", 1), *f = gcr_float_new(rt, 1.0);
    gcr_object *d = gcr_dict_new(rt), *t = gcr_tuple_new(rt, 1, &f);
    assert_int_equal(gcr_dict_set(rt, d, k, f), 0);
    gcr_decref(rt, l);
    gcr_decref(rt, k);
    gcr_decref(rt, f);
    gcr_decref(rt, d);
    gcr_decref(rt, t);
    gcr_freelist_stats s = freelists(rt);
    assert_int_equal(s.lists + s.dicts + s.dict_keys + s.tuples + s.floats, 80 + 1 + 1 + 1 + 1);
    gcr_close(rt);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_list_reused_uncounted),
        T(test_freelist_allocations_do_not_collect),
        T(test_81st_list_freed),
        T(test_freelisted_not_live),
        T(test_full_collection_empties),
        T(test_clear_uncounts),
        T(test_dict_keys),
        T(test_tuples),
        T(test_floats),
        cmocka_unit_test(test_close_frees_freelists),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
