/* test_refcount.c — reference counting, object sizes and live-memory accounting of the gcr
 * runtime (sizes against CPython's own table are checked in test_reference.c). */
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

/* ---------------------------------------------------------------------------------------
 * Reference counting and accounting
 * ------------------------------------------------------------------------------------- */

static void test_float_lifecycle(void **state)
{
    gcr_runtime *rt = *state;
    gcr_counters c = rt_counters(rt);
    assert_int_equal(c.live_objects, 0);
    assert_int_equal(c.live_bytes, 0);

    gcr_object *f = gcr_float_new(rt, 1.5);
    assert_non_null(f);
    assert_int_equal(f->refcnt, 1);
    assert_true(gcr_float_value(f) == 1.5);
    assert_string_equal(gcr_type_name(f), "float");
    assert_int_equal(rt_live_objects(rt), 1);
    assert_int_equal(rt_live_bytes(rt), 24);

    gcr_incref(f);
    assert_int_equal(f->refcnt, 2);
    gcr_decref(rt, f);
    assert_int_equal(f->refcnt, 1);
    assert_int_equal(rt_live_objects(rt), 1);
    gcr_decref(rt, f);

    c = rt_counters(rt);
    assert_int_equal(c.live_objects, 0);
    assert_int_equal(c.live_bytes, 0);
    assert_int_equal(c.allocated_objects_total, 1);
    assert_int_equal(c.freed_objects_total, 1);
    assert_int_equal(c.tracked_objects, 0);
}

static void test_xdecref_null(void **state)
{
    gcr_runtime *rt = *state;
    gcr_xdecref(rt, NULL);
    assert_int_equal(rt_live_objects(rt), 0);
}

static void test_str(void **state)
{
    gcr_runtime *rt = *state;
    const char text[] = "hello, world";
    gcr_object *s = gcr_str_new(rt, text, 5); /* not NUL-terminated at 5 */
    assert_non_null(s);
    assert_string_equal(gcr_type_name(s), "str");
    assert_int_equal(gcr_str_len(s), 5);
    assert_string_equal(gcr_str_data(s), "hello");
    assert_int_equal(gcr_sizeof(s), 54);
    assert_int_equal(rt_live_bytes(rt), 54);

    gcr_object *empty = gcr_str_new(rt, NULL, 0);
    assert_non_null(empty);
    assert_string_equal(gcr_str_data(empty), "");
    assert_int_equal(rt_live_bytes(rt), 54 + 49);
    assert_int_equal(rt_live_objects(rt), 2);
    gcr_decref(rt, s);
    gcr_decref(rt, empty);
    assert_int_equal(rt_live_bytes(rt), 0);
    assert_int_equal(rt_live_objects(rt), 0);
}

static void test_bytes(void **state)
{
    gcr_runtime *rt = *state;
    gcr_object *b = gcr_bytes_new(rt, 1000);
    assert_non_null(b);
    assert_string_equal(gcr_type_name(b), "bytes");
    assert_int_equal(gcr_bytes_len(b), 1000);
    assert_int_equal(gcr_sizeof(b), 1033);
    assert_int_equal(rt_live_bytes(rt), 1033);
    gcr_decref(rt, b);
    assert_int_equal(rt_live_bytes(rt), 0);
    assert_int_equal(rt_live_objects(rt), 0);
}

/* ---------------------------------------------------------------------------------------
 * list
 * ------------------------------------------------------------------------------------- */

/* (length at which append reallocates, new capacity), from the CSV's growth row. */
static const size_t growth[][2] = {
    {1, 4},   {5, 8},   {9, 16},   {17, 24},   {25, 32},   {33, 40},   {41, 52},   {53, 64},
    {65, 76}, {77, 92}, {93, 108}, {109, 128}, {129, 148}, {149, 172}, {173, 200},
};

static void test_list_growth(void **state)
{
    gcr_runtime *rt = *state;
    gcr_object *list = gcr_list_new(rt);
    gcr_object *f = gcr_float_new(rt, 0.0);
    assert_non_null(list);
    assert_non_null(f);
    assert_int_equal(gcr_list_capacity(list), 0);
    assert_int_equal(gcr_sizeof(list), 56);
    assert_int_equal(rt_live_bytes(rt), 56 + 24);

    size_t next = 0, old_capacity = 0;
    for (size_t n = 1; n <= 10000; n++) {
        assert_int_equal(gcr_list_append(rt, list, f), 0);
        size_t capacity = gcr_list_capacity(list);
        if (capacity != old_capacity && next < sizeof growth / sizeof growth[0]) {
            assert_int_equal(n, growth[next][0]);
            assert_int_equal(capacity, growth[next][1]);
            next++;
        }
        old_capacity = capacity;
        assert_int_equal(gcr_list_len(list), n);
        assert_int_equal(rt_live_bytes(rt), 56 + 8 * capacity + 24);
    }
    assert_int_equal(next, sizeof growth / sizeof growth[0]);
    assert_int_equal(gcr_list_capacity(list), 10640);
    assert_int_equal(gcr_sizeof(list), 85176); /* list_10000_appended */
    assert_int_equal(f->refcnt, 10001);
    assert_int_equal(rt_live_objects(rt), 2);

    gcr_decref(rt, list);
    assert_int_equal(f->refcnt, 1);
    assert_int_equal(rt_live_objects(rt), 1);
    assert_int_equal(rt_live_bytes(rt), 24);
    gcr_decref(rt, f);
    assert_int_equal(rt_live_bytes(rt), 0);
}

static void test_list_get_set_clear(void **state)
{
    gcr_runtime *rt = *state;
    gcr_object *list = gcr_list_new(rt);
    gcr_object *a = gcr_float_new(rt, 1.0);
    gcr_object *b = gcr_float_new(rt, 2.0);
    assert_int_equal(gcr_list_append(rt, list, a), 0);
    assert_int_equal(gcr_list_append(rt, list, a), 0);
    gcr_decref(rt, a); /* the list holds a twice */
    assert_int_equal(a->refcnt, 2);
    assert_ptr_equal(gcr_list_get(list, 1), a);

    gcr_list_set(rt, list, 0, b);
    assert_ptr_equal(gcr_list_get(list, 0), b);
    assert_int_equal(b->refcnt, 2);
    assert_int_equal(a->refcnt, 1);
    gcr_list_set(rt, list, 1, b); /* drops a's last reference */
    assert_int_equal(b->refcnt, 3);
    assert_int_equal(rt_live_objects(rt), 2);
    gcr_list_set(rt, list, 1, b); /* replacing an item by itself */
    assert_int_equal(b->refcnt, 3);

    gcr_list_clear(rt, list);
    assert_int_equal(gcr_list_len(list), 0);
    assert_int_equal(gcr_list_capacity(list), 0);
    assert_int_equal(gcr_sizeof(list), 56);
    assert_int_equal(b->refcnt, 1);
    assert_int_equal(rt_live_bytes(rt), 56 + 24);
    gcr_list_clear(rt, list);                          /* clearing an empty list */
    assert_int_equal(gcr_list_append(rt, list, b), 0); /* grows again from nothing */
    assert_int_equal(gcr_list_capacity(list), 4);
    gcr_decref(rt, b);
    gcr_decref(rt, list);
    assert_int_equal(rt_live_objects(rt), 0);
    assert_int_equal(rt_live_bytes(rt), 0);
}

static void test_list_nested_free(void **state)
{
    gcr_runtime *rt = *state;
    gcr_object *outer = rt_list_of_lists(rt, 100);
    gcr_object *f = gcr_float_new(rt, 3.0);
    assert_int_equal(gcr_list_append(rt, gcr_list_get(outer, 99), f), 0);
    gcr_decref(rt, f);
    assert_int_equal(rt_live_objects(rt), 102);
    assert_int_equal(rt_counters(rt).tracked_objects, 101);
    gcr_decref(rt, outer);
    gcr_counters c = rt_counters(rt);
    assert_int_equal(c.live_objects, 0);
    assert_int_equal(c.live_bytes, 0);
    assert_int_equal(c.tracked_objects, 0);
    assert_int_equal(c.collections, 0);
}

/* ---------------------------------------------------------------------------------------
 * class and instance
 * ------------------------------------------------------------------------------------- */

static void test_instance(void **state)
{
    gcr_runtime *rt = *state;
    static const char *const attrs[] = {"x", "y", "name"};
    gcr_class *cls = gcr_class_new(rt, "Point", attrs, 3);
    assert_non_null(cls);
    assert_int_equal(gcr_class_attr(cls, "x"), 0);
    assert_int_equal(gcr_class_attr(cls, "y"), 1);
    assert_int_equal(gcr_class_attr(cls, "name"), 2);
    assert_int_equal(gcr_class_attr(cls, "z"), -1);
    assert_int_equal(rt_live_bytes(rt), 0); /* a class is metadata, not object memory */

    gcr_object *p = gcr_instance_new(rt, cls);
    assert_non_null(p);
    assert_string_equal(gcr_type_name(p), "Point");
    assert_int_equal(gcr_sizeof(p), 56);
    assert_true(gcr_gc_is_tracked(p));
    /* 56-byte object and a values array of an 8-byte prefix and 3 slots */
    assert_int_equal(rt_live_bytes(rt), 56 + 8 + 3 * 8);
    assert_int_equal(rt_live_objects(rt), 1);
    for (int i = 0; i < 3; i++)
        assert_null(gcr_instance_get(p, i));

    gcr_object *x = gcr_float_new(rt, 1.0);
    gcr_object *name = gcr_str_new(rt, "p", 1);
    gcr_instance_set(rt, p, 0, x);
    gcr_instance_set(rt, p, 1, x);
    gcr_instance_set(rt, p, 2, name);
    assert_int_equal(x->refcnt, 3);
    assert_ptr_equal(gcr_instance_get(p, 2), name);
    gcr_decref(rt, name);
    gcr_instance_set(rt, p, 1, NULL); /* del p.y */
    assert_null(gcr_instance_get(p, 1));
    assert_int_equal(x->refcnt, 2);
    gcr_decref(rt, x);
    gcr_instance_set(rt, p, 0, gcr_instance_get(p, 0)); /* p.x = p.x, its last reference */
    assert_int_equal(x->refcnt, 1);
    assert_int_equal(rt_live_objects(rt), 3);

    gcr_decref(rt, p); /* drops x and name */
    assert_int_equal(rt_live_objects(rt), 0);
    assert_int_equal(rt_live_bytes(rt), 0);
}

static void test_class_without_attributes(void **state)
{
    gcr_runtime *rt = *state;
    gcr_class *cls = gcr_class_new(rt, "Empty", NULL, 0);
    assert_non_null(cls);
    assert_int_equal(gcr_class_attr(cls, "x"), -1);
    gcr_object *e = gcr_instance_new(rt, cls);
    assert_non_null(e);
    assert_int_equal(rt_live_bytes(rt), 56 + 8);
    gcr_decref(rt, e);
    assert_int_equal(rt_live_bytes(rt), 0);
}

/* ---------------------------------------------------------------------------------------
 * Runtimes and names
 * ------------------------------------------------------------------------------------- */

static void test_names(void **state)
{
    (void)state;
    gcr_policy policy = (gcr_policy)42;
    gcr_allocator allocator = (gcr_allocator)42;
    assert_string_equal(gcr_policy_name(GCR_POLICY_PY311), "py311");
    assert_string_equal(gcr_policy_name(GCR_POLICY_PY313), "py313");
    assert_string_equal(gcr_policy_name(GCR_POLICY_PY27), "py27");
    assert_string_equal(gcr_allocator_name(GCR_ALLOC_PYMALLOC), "pymalloc");
    assert_int_equal(gcr_policy_parse("py27", &policy), 0);
    assert_int_equal(policy, GCR_POLICY_PY27);
    assert_int_equal(gcr_policy_parse("py313", &policy), 0);
    assert_int_equal(policy, GCR_POLICY_PY313);
    assert_string_equal(gcr_allocator_name(GCR_ALLOC_MALLOC), "malloc");
    assert_int_equal(gcr_policy_parse("py311", &policy), 0);
    assert_int_equal(policy, GCR_POLICY_PY311);
    assert_int_equal(gcr_allocator_parse("malloc", &allocator), 0);
    assert_int_equal(allocator, GCR_ALLOC_MALLOC);
    assert_int_equal(gcr_policy_parse("py99", &policy), -1);
    assert_int_equal(gcr_allocator_parse("jemalloc", &allocator), -1);
    assert_int_equal(gcr_policy_parse("", &policy), -1);
    assert_null(gcr_policy_name((gcr_policy)7));
}

static void test_open_config(void **state)
{
    (void)state;
    gcr_config config = {.policy = GCR_POLICY_PY311, .allocator = GCR_ALLOC_MALLOC};
    gcr_runtime *rt = gcr_open(&config);
    assert_non_null(rt);
    int threshold[GCR_GENERATIONS];
    gcr_gc_get_threshold(rt, threshold);
    assert_int_equal(threshold[0], 700);
    assert_int_equal(threshold[1], 10);
    assert_int_equal(threshold[2], 10);
    assert_true(gcr_gc_isenabled(rt));
    gcr_close(rt);

    config.policy = (gcr_policy)7;
    assert_null(gcr_open(&config));
    gcr_close(NULL);
}

static void test_two_runtimes(void **state)
{
    gcr_runtime *a = *state;
    gcr_runtime *b = gcr_open(NULL);
    assert_non_null(b);
    gcr_object *fa = gcr_float_new(a, 1.0);
    gcr_object *lb = gcr_list_new(b);
    gcr_object *fb = gcr_float_new(b, 2.0);
    assert_int_equal(gcr_list_append(b, lb, fb), 0);
    assert_int_equal(rt_live_objects(a), 1);
    assert_int_equal(rt_live_objects(b), 2);
    assert_int_equal(rt_live_bytes(a), 24);
    assert_int_equal(rt_live_bytes(b), 56 + 4 * 8 + 24);
    rt_assert_count(a, 0, 0, 0);
    rt_assert_count(b, 1, 0, 0);
    gcr_decref(b, fb);
    gcr_decref(b, lb);
    gcr_close(b);
    gcr_decref(a, fa);
    assert_int_equal(rt_live_objects(a), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_float_lifecycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_xdecref_null, setup, teardown),
        cmocka_unit_test_setup_teardown(test_str, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_growth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_get_set_clear, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_nested_free, setup, teardown),
        cmocka_unit_test_setup_teardown(test_instance, setup, teardown),
        cmocka_unit_test_setup_teardown(test_class_without_attributes, setup, teardown),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_open_config),
        cmocka_unit_test_setup_teardown(test_two_runtimes, setup, teardown),
    };
    return cmocka_run_group_tests_name("runtime refcount", tests, NULL, NULL);
}
