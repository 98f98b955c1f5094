/* test_deep_chain.c — freeing without recursion: chains of containers as long as
 * GCR_DEEP_CHAIN (default 10 000 000) freed by one decref, and by the collector when a cycle
 * makes them garbage. A recursive dealloc would overflow the C stack long before (a million
 * frames of even 64 bytes is eight times the usual 8 MiB stack). */
#include <stdio.h>
#include <stdlib.h>

#include "rt_test.h"

static size_t chain_length(void)
{
    const char *env = getenv("GCR_DEEP_CHAIN");
    if (env == NULL || *env == '\0')
        return 10000000;
    char *end;
    unsigned long long n = strtoull(env, &end, 10);
    if (*end != '\0' || n < 2) {
        fprintf(stderr, "GCR_DEEP_CHAIN=%s: expected an integer >= 2\n", env);
        exit(2);
    }
    return (size_t)n;
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

/* Builds head → 2nd → … → n-th, each link a list holding the next one (and, every tenth
 * link, a float too); instances alternate with lists when cls is not NULL, linked through
 * attribute 0. Returns head, the only reference the caller gets; *last is the last link
 * (borrowed). */
static gcr_object *build_chain(gcr_runtime *rt, size_t n, gcr_class *cls, gcr_object **last)
{
    gcr_object *head = gcr_list_new(rt);
    assert_non_null(head);
    gcr_object *cur = head;
    for (size_t i = 1; i < n; i++) {
        bool instance = cls != NULL && i % 2 == 1;
        gcr_object *next = instance ? gcr_instance_new(rt, cls) : gcr_list_new(rt);
        assert_non_null(next);
        if (cur->type == head->type)
            assert_int_equal(gcr_list_append(rt, cur, next), 0);
        else
            gcr_instance_set(rt, cur, 0, next);
        gcr_decref(rt, next);
        if (i % 10 == 0) {
            gcr_object *f = gcr_float_new(rt, (double)i);
            assert_non_null(f);
            if (next->type == head->type)
                assert_int_equal(gcr_list_append(rt, next, f), 0);
            else
                gcr_instance_set(rt, next, 1, f);
            gcr_decref(rt, f);
        }
        cur = next;
    }
    *last = cur;
    return head;
}

static void test_list_chain_freed_by_decref(void **state)
{
    gcr_runtime *rt = *state;
    size_t n = chain_length();
    gcr_object *last;
    gcr_object *head = build_chain(rt, n, NULL, &last);
    assert_int_equal(rt_counters(rt).tracked_objects, n);
    assert_int_equal(rt_live_objects(rt), n + (n - 1) / 10);
    gcr_decref(rt, head);
    gcr_counters c = rt_counters(rt);
    assert_int_equal(c.live_objects, 0);
    assert_int_equal(c.live_bytes, 0);
    assert_int_equal(c.tracked_objects, 0);
    assert_int_equal(c.collected, 0);
}

static void test_mixed_chain_freed_by_decref(void **state)
{
    gcr_runtime *rt = *state;
    static const char *const attrs[] = {"next", "value"};
    gcr_class *cls = gcr_class_new(rt, "Node", attrs, 2);
    size_t n = chain_length() / 10 + 2; /* a tenth: the list chain already proves the depth */
    gcr_object *last;
    gcr_object *head = build_chain(rt, n, cls, &last);
    assert_int_equal(rt_counters(rt).tracked_objects, n);
    gcr_decref(rt, head);
    assert_int_equal(rt_live_objects(rt), 0);
    assert_int_equal(rt_live_bytes(rt), 0);
}

static void test_cyclic_chain_freed_by_collector(void **state)
{
    gcr_runtime *rt = *state;
    size_t n = chain_length();
    gcr_object *last;
    gcr_object *head = build_chain(rt, n, NULL, &last);
    assert_int_equal(gcr_list_append(rt, last, head), 0); /* last → head: one big cycle */
    gcr_decref(rt, head);
    assert_int_equal(rt_live_objects(rt), n + (n - 1) / 10);
    uint64_t before = rt_counters(rt).collected;
    assert_int_equal(gcr_gc_collect(rt, 2), (long)n);
    gcr_counters c = rt_counters(rt);
    assert_int_equal(c.collected - before, n);
    assert_int_equal(c.live_objects, 0);
    assert_int_equal(c.live_bytes, 0);
    assert_int_equal(c.tracked_objects, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_list_chain_freed_by_decref, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mixed_chain_freed_by_decref, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cyclic_chain_freed_by_collector, setup, teardown),
    };
    return cmocka_run_group_tests_name("runtime deep chain", tests, NULL, NULL);
}
