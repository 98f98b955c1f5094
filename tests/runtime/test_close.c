/* test_close.c — gcr_close frees everything a runtime still holds: uncollected cycles,
 * objects the caller still references through containers, objects in every generation.
 * The proof is a clean run under valgrind (--leak-check=full) or LeakSanitizer. */
#include "rt_test.h"

/* Leaves a self list, a list pair, an instance cycle owning leaves, and a 10 000-link
 * cyclic chain as garbage nobody collected. */
static void make_garbage(gcr_runtime *rt)
{
    static const char *const attrs[] = {"t", "payload"};
    gcr_class *cls = gcr_class_new(rt, "A", attrs, 2);
    assert_non_null(cls);

    gcr_object *self = gcr_list_new(rt);
    assert_int_equal(gcr_list_append(rt, self, self), 0);
    gcr_decref(rt, self);

    gcr_object *a = gcr_list_new(rt), *b = gcr_list_new(rt);
    assert_int_equal(gcr_list_append(rt, a, b), 0);
    assert_int_equal(gcr_list_append(rt, b, a), 0);
    gcr_decref(rt, a);
    gcr_decref(rt, b);

    gcr_object *x = gcr_instance_new(rt, cls), *y = gcr_instance_new(rt, cls);
    gcr_object *payload = gcr_bytes_new(rt, 1 << 16);
    gcr_instance_set(rt, x, 0, y);
    gcr_instance_set(rt, y, 0, x);
    gcr_instance_set(rt, x, 1, payload);
    gcr_decref(rt, payload);
    gcr_decref(rt, x);
    gcr_decref(rt, y);

    gcr_object *head = rt_list_of_lists(rt, 9999);
    assert_int_equal(gcr_list_append(rt, gcr_list_get(head, 9998), head), 0);
    gcr_decref(rt, head);
}

static void test_close_empty(void **state)
{
    (void)state;
    gcr_runtime *rt = gcr_open(NULL);
    assert_non_null(rt);
    gcr_close(rt);
}

static void test_close_with_uncollected_cycles(void **state)
{
    (void)state;
    gcr_runtime *rt = gcr_open(NULL);
    assert_non_null(rt);
    gcr_gc_disable(rt);
    make_garbage(rt);
    assert_int_equal(rt_live_objects(rt), 1 + 2 + 3 + 10000);
    assert_int_equal(rt_counters(rt).collections, 0);
    gcr_close(rt);
}

/* Garbage spread over all three generations by automatic collections that could not free
 * it (kept alive by a held list until after they ran). */
static void test_close_with_objects_in_every_generation(void **state)
{
    (void)state;
    gcr_runtime *rt = gcr_open(NULL);
    assert_non_null(rt);
    gcr_gc_set_threshold(rt, 100, 2, 2);
    gcr_object *keeper = rt_list_of_lists(rt, 5000);
    make_garbage(rt);
    gcr_gen_stats stats[GCR_GENERATIONS];
    gcr_gc_get_stats(rt, stats);
    assert_true(stats[0].collections > 0 && stats[1].collections > 0 && stats[2].collections > 0);
    gcr_decref(rt, keeper);
    gcr_close(rt);
}

/* Containers the caller still references are emptied and freed, and so is everything they
 * hold, including objects shared between them and non-containers. */
static void test_close_with_live_objects_held(void **state)
{
    (void)state;
    gcr_runtime *rt = gcr_open(NULL);
    assert_non_null(rt);
    static const char *const attrs[] = {"items", "name", "self"};
    gcr_class *cls = gcr_class_new(rt, "Holder", attrs, 3);
    gcr_object *list = gcr_list_new(rt);
    gcr_object *inst = gcr_instance_new(rt, cls);
    gcr_object *inner = gcr_list_new(rt);
    for (int i = 0; i < 1000; i++) {
        gcr_object *f = gcr_float_new(rt, i);
        assert_int_equal(gcr_list_append(rt, inner, f), 0);
        gcr_decref(rt, f);
    }
    gcr_object *name = gcr_str_new(rt, "holder", 6);
    gcr_instance_set(rt, inst, 0, inner);
    gcr_instance_set(rt, inst, 1, name);
    gcr_instance_set(rt, inst, 2, inst);
    gcr_decref(rt, name);
    assert_int_equal(gcr_list_append(rt, list, inner), 0);
    assert_int_equal(gcr_list_append(rt, list, inst), 0);
    assert_int_equal(gcr_list_append(rt, list, list), 0);
    gcr_decref(rt, inner);
    make_garbage(rt);
    /* list and inst are still referenced by the caller at close */
    assert_true(rt_live_objects(rt) > 1000);
    gcr_close(rt);
}

/* Two runtimes side by side: closing one leaves the other intact. */
static void test_close_one_of_two(void **state)
{
    (void)state;
    gcr_runtime *a = gcr_open(NULL);
    gcr_runtime *b = gcr_open(NULL);
    assert_non_null(a);
    assert_non_null(b);
    gcr_gc_disable(b); /* keep b's garbage for the count below */
    make_garbage(a);
    make_garbage(b);
    gcr_object *held = rt_list_of_lists(b, 10);
    gcr_close(a);
    assert_int_equal(rt_live_objects(b), 1 + 2 + 3 + 10000 + 11);
    assert_int_equal(gcr_gc_collect(b, 2), 1 + 2 + 2 + 10000);
    assert_int_equal(rt_live_objects(b), 11);
    gcr_decref(b, held);
    assert_int_equal(rt_live_objects(b), 0);
    gcr_close(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_close_empty),
        cmocka_unit_test(test_close_with_uncollected_cycles),
        cmocka_unit_test(test_close_with_objects_in_every_generation),
        cmocka_unit_test(test_close_with_live_objects_held),
        cmocka_unit_test(test_close_one_of_two),
    };
    return cmocka_run_group_tests_name("runtime close", tests, NULL, NULL);
}
