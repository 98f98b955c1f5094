/* test_policies.c — the collectors of CPython 3.12-3.15 as the runtime's policies: the
 * deferred collection of 3.12+ (scheduled by an allocation, run at the eval breaker), 3.14.0-
 * 3.14.4's incremental collector step by step (its young count, its MARK and COLLECT phases,
 * work_to_do, the spaces, gc.collect(0/1/2), get_objects, freeze), 3.14+'s dict and tuple
 * tracking, 3.11's comprehension function objects, and the interpreter's own objects. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "gcr.h"
#include "rt_test.h"

static gcr_runtime *open_policy(gcr_policy policy, size_t interpreter_objects)
{
    gcr_config config = {.policy = policy, .interpreter_objects = interpreter_objects};
    gcr_runtime *rt = gcr_open(&config);
    assert_non_null(rt);
    return rt;
}

/* n lists, each holding itself (a = []; a.append(a); del a): garbage only a collection
 * frees. */
static void make_self_cycles(gcr_runtime *rt, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        gcr_object *a = gcr_list_new(rt);
        assert_non_null(a);
        assert_int_equal(gcr_list_append(rt, a, a), 0);
        gcr_decref(rt, a);
    }
}

static void assert_consistent(const gcr_runtime *rt)
{
    char why[160];
    if (!gcr_gc_check(rt, why, sizeof why))
        fail_msg("gcr_gc_check: %s", why);
}

static uint64_t collections_of(const gcr_runtime *rt, int generation)
{
    gcr_gen_stats stats[GCR_GENERATIONS];
    gcr_gc_get_stats(rt, stats);
    return stats[generation].collections;
}

/* ---------------------------------------------------------------------------------------
 * Names and thresholds
 * ------------------------------------------------------------------------------------- */

static void test_names_and_thresholds(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        int threshold[3];
    } expect[] = {
        {"py311", {700, 10, 10}},  {"py313", {2000, 10, 10}},   {"py27", {700, 10, 10}},
        {"py312", {700, 10, 10}},  {"py314inc", {2000, 10, 0}}, {"py314", {2000, 10, 10}},
        {"py315", {2000, 10, 10}},
    };
    assert_int_equal(sizeof expect / sizeof expect[0], GCR_POLICIES);
    for (int p = 0; p < GCR_POLICIES; p++) {
        assert_string_equal(gcr_policy_name((gcr_policy)p), expect[p].name);
        gcr_policy parsed;
        assert_int_equal(gcr_policy_parse(expect[p].name, &parsed), 0);
        assert_int_equal(parsed, p);
        gcr_runtime *rt = open_policy((gcr_policy)p, 0);
        int t[GCR_GENERATIONS];
        gcr_gc_get_threshold(rt, t);
        assert_memory_equal(t, expect[p].threshold, sizeof t);
        gcr_close(rt);
    }
    gcr_policy parsed;
    assert_int_equal(gcr_policy_parse("py314.2", &parsed), -1);
    assert_null(gcr_policy_name((gcr_policy)GCR_POLICIES));
}

/* ---------------------------------------------------------------------------------------
 * 3.11 collects in the allocation; 3.12+ at the next eval-breaker check
 * ------------------------------------------------------------------------------------- */

/* py311: the 701st allocation collects at once, before the new object is tracked. */
static void test_py311_collects_in_the_allocation(void **state)
{
    (void)state;
    gcr_runtime *rt = open_policy(GCR_POLICY_PY311, 0);
    rt_events ev = {0};
    gcr_gc_set_callback(rt, rt_record, &ev);
    gcr_object *keep = rt_list_of_lists(rt, 699); /* 700 allocations */
    assert_int_equal(ev.n, 0);
    gcr_object *one_more = gcr_list_new(rt);
    assert_int_equal(ev.n, 2);
    assert_int_equal(ev.info[1].objects_scanned, 700);
    assert_false(gcr_gc_scheduled(rt));
    gcr_eval_breaker(rt); /* nothing to do */
    assert_int_equal(ev.n, 2);
    gcr_decref(rt, one_more);
    gcr_decref(rt, keep);
    gcr_close(rt);
}

/* py312: the 701st allocation only schedules; the check runs it, and it sees the objects
 * made in between. */
static void test_py312_defers_to_the_eval_breaker(void **state)
{
    (void)state;
    gcr_runtime *rt = open_policy(GCR_POLICY_PY312, 0);
    rt_events ev = {0};
    gcr_gc_set_callback(rt, rt_record, &ev);
    gcr_object *keep = rt_list_of_lists(rt, 699);
    gcr_object *more = rt_list_of_lists(rt, 4); /* 5 allocations past the threshold */
    assert_int_equal(ev.n, 0);
    assert_true(gcr_gc_scheduled(rt));
    rt_assert_count(rt, 705, 0, 0);
    gcr_eval_breaker(rt);
    assert_false(gcr_gc_scheduled(rt));
    assert_int_equal(ev.n, 2);
    assert_int_equal(ev.info[0].generation, 0);
    assert_int_equal(ev.info[1].objects_scanned, 705);
    rt_assert_count(rt, 0, 1, 0);
    gcr_decref(rt, more);
    gcr_decref(rt, keep);
    gcr_close(rt);
}

/* The generation is chosen when the check runs: frees in between can leave nothing due, and
 * a collector disabled in between runs nothing; the bit is spent either way (_Py_RunGC). */
static void test_scheduled_collection_chosen_at_the_check(void **state)
{
    (void)state;
    gcr_runtime *rt = open_policy(GCR_POLICY_PY313, 0);
    rt_events ev = {0};
    gcr_gc_set_callback(rt, rt_record, &ev);
    gcr_object *keep = rt_list_of_lists(rt, 1999);
    gcr_class *cls = gcr_class_new(rt, "C", NULL, 0); /* instances have no free list */
    gcr_object *extra = gcr_instance_new(rt, cls);    /* the 2001st: scheduled */
    assert_true(gcr_gc_scheduled(rt));
    gcr_decref(rt, extra); /* PyObject_GC_Del: count back to 2000, not above threshold0 */
    rt_assert_count(rt, 2000, 0, 0);
    gcr_eval_breaker(rt);
    assert_false(gcr_gc_scheduled(rt));
    assert_int_equal(ev.n, 0);

    extra = gcr_list_new(rt);
    gcr_object *extra2 = gcr_list_new(rt);
    assert_true(gcr_gc_scheduled(rt));
    gcr_gc_disable(rt);
    gcr_eval_breaker(rt);
    assert_false(gcr_gc_scheduled(rt));
    assert_int_equal(ev.n, 0);
    gcr_gc_enable(rt);
    gcr_decref(rt, extra2);
    gcr_decref(rt, extra);
    gcr_decref(rt, keep);
    gcr_close(rt);
}

/* An explicit gc.collect() leaves the bit set: the check after it runs the automatic
 * collection on the counts gc.collect() left (none due: nothing runs). */
static void test_explicit_collect_keeps_the_bit(void **state)
{
    (void)state;
    gcr_runtime *rt = open_policy(GCR_POLICY_PY312, 0);
    rt_events ev = {0};
    gcr_gc_set_callback(rt, rt_record, &ev);
    gcr_object *keep = rt_list_of_lists(rt, 700);
    assert_true(gcr_gc_scheduled(rt));
    gcr_gc_collect(rt, 2);
    assert_true(gcr_gc_scheduled(rt));
    assert_int_equal(ev.n, 2);
    gcr_eval_breaker(rt);
    assert_int_equal(ev.n, 2);
    assert_false(gcr_gc_scheduled(rt));
    gcr_decref(rt, keep);
    gcr_close(rt);
}

/* ---------------------------------------------------------------------------------------
 * 3.14.0-3.14.4: the incremental collector
 * ------------------------------------------------------------------------------------- */

/* The young count counts trackings minus untrackings: dicts (tracked at creation), tuples
 * made by PyTuple_New, not tuples of untrackable items made by BUILD_TUPLE; a free list
 * changes nothing about that. */
static void test_incremental_counts_trackings(void **state)
{
    (void)state;
    gcr_runtime *rt = open_policy(GCR_POLICY_PY314INC, 0);
    rt_assert_count(rt, 0, 0, 0);
    gcr_object *d = gcr_dict_new(rt);
    assert_true(gcr_gc_is_tracked(d));
    rt_assert_count(rt, 1, 0, 0);
    gcr_object *one = gcr_int_new(rt, 1);
    gcr_object *items[2] = {one, one};
    gcr_object *t = gcr_tuple_new(rt, 2, items);
    assert_false(gcr_gc_is_tracked(t));
    rt_assert_count(rt, 1, 0, 0);
    gcr_object *tt = gcr_tuple_new_tracked(rt, 2, items);
    assert_true(gcr_gc_is_tracked(tt));
    rt_assert_count(rt, 2, 0, 0);
    gcr_decref(rt, tt); /* to the tuple free list, untracked: uncounted */
    rt_assert_count(rt, 1, 0, 0);
    gcr_object *l = gcr_list_new(rt);
    rt_assert_count(rt, 2, 0, 0);
    gcr_decref(rt, l);
    gcr_decref(rt, d);
    rt_assert_count(rt, 0, 0, 0);
    gcr_decref(rt, t);
    gcr_decref(rt, one);
    /* Past threshold0 a tracking schedules an increment; nothing runs in the allocation. */
    rt_events ev = {0};
    gcr_gc_set_callback(rt, rt_record, &ev);
    gcr_object *keep = rt_list_of_lists(rt, 2000);
    assert_true(gcr_gc_scheduled(rt));
    assert_int_equal(ev.n, 0);
    gcr_eval_breaker(rt);
    assert_int_equal(ev.n, 2);
    assert_int_equal(ev.info[0].generation, 1); /* _Py_RunGC: an increment */
    rt_assert_count(rt, 0, 0, 0);
    gcr_decref(rt, keep);
    assert_consistent(rt);
    gcr_close(rt);
}

/* After gc.collect() the next increment only marks (MARK phase) and frees nothing; the
 * next one, with work_to_do positive, collects the young generation. No interpreter objects:
 * the marking finds no root, and work_to_do stays positive. */
static void test_incremental_mark_then_collect(void **state)
{
    (void)state;
    gcr_runtime *rt = open_policy(GCR_POLICY_PY314INC, 0);
    gcr_gc_collect(rt, 2);
    uint64_t increments = collections_of(rt, 1);
    make_self_cycles(rt, 2001); /* the 2001st tracking schedules */
    assert_true(gcr_gc_scheduled(rt));
    gcr_eval_breaker(rt);
    /* work_to_do = 2001 + 2001 / 10 / 10 = 2021 >= 0: MARK, nothing freed, not counted */
    assert_int_equal(collections_of(rt, 1), increments);
    assert_int_equal(rt_live_objects(rt), 2001);
    rt_assert_count(rt, 0, 0, 0);
    assert_consistent(rt);
    make_self_cycles(rt, 2001);
    gcr_eval_breaker(rt);
    /* work_to_do = 2021 + 2001 + 4002 / 100 = 4062: the increment is the young generation,
     * every cycle of both batches, which frees them all. */
    assert_int_equal(collections_of(rt, 1), increments + 1);
    assert_int_equal(rt_live_objects(rt), 0);
    gcr_gen_stats stats[GCR_GENERATIONS];
    gcr_gc_get_stats(rt, stats);
    assert_int_equal(stats[1].collected, 4002);
    assert_consistent(rt);
    gcr_close(rt);
}

/* The marking subtracts twice the objects it marked (mark_at_start and its caller, as
 * 3.14.2 does): with 3000 interpreter objects the first collecting increment is the third
 * scheduled one, not the second:
 *   1st: 2001 + (3000 + 2001) / 100 = 2051 >= 0: MARK 3000 objects: 2051 - 6000 = -3949
 *   2nd: -3949 + 2001 + 7002 / 100 = -1878 < 0: nothing (and the young count restarts)
 *   3rd: -1878 + 2001 + 9003 / 100 = 213 >= 0: the young generation, 6003 cycles, freed. */
static void test_incremental_work_to_do(void **state)
{
    (void)state;
    gcr_runtime *rt = open_policy(GCR_POLICY_PY314INC, 3000);
    assert_int_equal(rt_live_objects(rt), 3000);
    gcr_gc_collect(rt, 2);
    uint64_t increments = collections_of(rt, 1);
    for (int trigger = 1; trigger <= 3; trigger++) {
        make_self_cycles(rt, 2001);
        assert_true(gcr_gc_scheduled(rt));
        gcr_eval_breaker(rt);
        assert_int_equal(collections_of(rt, 1), increments + (trigger == 3));
        assert_int_equal(rt_live_objects(rt), trigger < 3 ? 3000 + 2001 * (uint64_t)trigger : 3000);
        assert_consistent(rt);
    }
    gcr_close(rt);
}

/* gc.collect(0): the young generation alone, its survivors to the visited space, counted in
 * the visited space's count; gc.collect(1): one increment; get_objects(1) is always empty
 * and get_objects(2) the old generation (3.14's _PyGC_GetObjects). */
static void test_incremental_generations(void **state)
{
    (void)state;
    gcr_runtime *rt = open_policy(GCR_POLICY_PY314INC, 0);
    gcr_object *keep = rt_list_of_lists(rt, 3); /* 4 containers */
    make_self_cycles(rt, 5);
    assert_int_equal(gcr_gc_collect(rt, 0), 5);
    rt_assert_count(rt, 0, 1, 0);
    assert_int_equal(collections_of(rt, 0), 1);
    gcr_object *young = gcr_gc_get_objects(rt, 0);
    gcr_object *middle = gcr_gc_get_objects(rt, 1);
    gcr_object *old = gcr_gc_get_objects(rt, 2);
    assert_int_equal(gcr_list_len(young), 0);
    assert_int_equal(gcr_list_len(middle), 0);
    assert_int_equal(gcr_list_len(old), 4);
    gcr_decref(rt, young);
    gcr_decref(rt, middle);
    gcr_decref(rt, old);
    assert_consistent(rt);
    make_self_cycles(rt, 2);
    assert_int_equal(gcr_gc_collect(rt, 2), 2);
    rt_assert_count(rt, 0, 0, 0);
    assert_int_equal(collections_of(rt, 2), 1);
    assert_consistent(rt);
    gcr_decref(rt, keep);
    gcr_close(rt);
}

/* gc.freeze() moves everything to the permanent generation in the visited space; a scavenge
 * completes without flipping the spaces; unfreeze puts them back in the visited space. */
static void test_incremental_freeze(void **state)
{
    (void)state;
    gcr_runtime *rt = open_policy(GCR_POLICY_PY314INC, 10);
    gcr_object *keep = rt_list_of_lists(rt, 9);
    gcr_gc_freeze(rt);
    assert_int_equal(gcr_gc_get_freeze_count(rt), 20);
    rt_assert_count(rt, 0, 0, 0);
    assert_consistent(rt);
    make_self_cycles(rt, 3);
    assert_int_equal(gcr_gc_collect(rt, 2), 3);
    assert_consistent(rt);
    assert_int_equal(gcr_gc_get_freeze_count(rt), 20);
    gcr_gc_unfreeze(rt);
    assert_int_equal(gcr_gc_get_freeze_count(rt), 0);
    assert_consistent(rt);
    assert_int_equal(gcr_gc_collect(rt, 2), 0);
    assert_consistent(rt);
    gcr_decref(rt, keep);
    gcr_close(rt);
}

/* ---------------------------------------------------------------------------------------
 * Tracking rules and the interpreter's own objects
 * ------------------------------------------------------------------------------------- */

/* Dicts: untracked until they hold a container before 3.14 (and untracked again by a full
 * collection), tracked from creation and for good since. Tuples of untrackable items:
 * tracked at creation before 3.14, not since; gcr_tuple_new_tracked always. */
static void test_dict_and_tuple_tracking(void **state)
{
    (void)state;
    static const struct {
        gcr_policy policy;
        bool modern;
    } cases[] = {{GCR_POLICY_PY311, false},
                 {GCR_POLICY_PY313, false},
                 {GCR_POLICY_PY314, true},
                 {GCR_POLICY_PY314INC, true},
                 {GCR_POLICY_PY315, true}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        gcr_runtime *rt = open_policy(cases[c].policy, 0);
        gcr_object *d = gcr_dict_new(rt);
        assert_int_equal(gcr_gc_is_tracked(d), cases[c].modern);
        gcr_object *l = gcr_list_new(rt);
        gcr_object *k = gcr_str_new(rt, "k", 1);
        assert_int_equal(gcr_dict_set(rt, d, k, l), 0);
        assert_true(gcr_gc_is_tracked(d));
        assert_int_equal(gcr_dict_del(rt, d, k), 0);
        gcr_gc_collect(rt, 2);
        assert_int_equal(gcr_gc_is_tracked(d), cases[c].modern);
        gcr_object *items[1] = {k};
        gcr_object *t = gcr_tuple_new(rt, 1, items);
        assert_int_equal(gcr_gc_is_tracked(t), !cases[c].modern);
        gcr_object *tt = gcr_tuple_new_tracked(rt, 1, items);
        assert_true(gcr_gc_is_tracked(tt));
        gcr_decref(rt, tt);
        gcr_decref(rt, t);
        gcr_decref(rt, k);
        gcr_decref(rt, l);
        gcr_decref(rt, d);
        assert_consistent(rt);
        gcr_close(rt);
    }
}

/* A comprehension's function object exists before 3.12 only (PEP 709). */
static void test_comprehension_function(void **state)
{
    (void)state;
    gcr_runtime *rt = open_policy(GCR_POLICY_PY311, 0);
    gcr_object *fn = NULL;
    assert_int_equal(gcr_comprehension_enter(rt, &fn), 0);
    assert_non_null(fn);
    assert_true(gcr_gc_is_tracked(fn));
    rt_assert_count(rt, 1, 0, 0);
    gcr_comprehension_exit(rt, fn);
    rt_assert_count(rt, 0, 0, 0);
    gcr_close(rt);
    for (gcr_policy p = GCR_POLICY_PY312; p <= GCR_POLICY_PY315; p++) {
        rt = open_policy(p, 0);
        fn = (gcr_object *)rt;
        assert_int_equal(gcr_comprehension_enter(rt, &fn), 0);
        assert_null(fn);
        rt_assert_count(rt, 0, 0, 0);
        gcr_comprehension_exit(rt, fn);
        gcr_close(rt);
    }
}

/* The interpreter's objects: n live containers in the oldest generation, long-lived (a
 * generational full collection waits until a quarter as many were promoted), not among the
 * scenario's classes. */
static void test_interpreter_objects(void **state)
{
    (void)state;
    gcr_runtime *rt = open_policy(GCR_POLICY_PY311, 400);
    assert_int_equal(rt_live_objects(rt), 400);
    assert_int_equal(rt_counters(rt).tracked_objects, 400);
    rt_assert_count(rt, 0, 0, 0);
    gcr_object *old = gcr_gc_get_objects(rt, 2);
    assert_int_equal(gcr_list_len(old), 400);
    gcr_decref(rt, old);
    gcr_type_stat cls[4];
    assert_int_equal(gcr_classes_stats(rt, cls, 4), 0);
    /* generation 2's count past its threshold, but fewer than 100 promoted since: no full
     * collection, the oldest due being generation 1 */
    gcr_gc_set_threshold(rt, 1, 1, 1);
    rt_events ev = {0};
    gcr_gc_set_callback(rt, rt_record, &ev);
    gcr_object *keep = gcr_list_new(rt);
    for (int i = 0; i < 6; i++) {
        gcr_object *l = gcr_list_new(rt);
        assert_int_equal(gcr_list_append(rt, keep, l), 0);
        gcr_decref(rt, l);
    }
    for (size_t e = 0; e < ev.n; e++)
        assert_int_not_equal(ev.info[e].generation, 2);
    gcr_decref(rt, keep);
    gcr_close(rt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_and_thresholds),
        cmocka_unit_test(test_py311_collects_in_the_allocation),
        cmocka_unit_test(test_py312_defers_to_the_eval_breaker),
        cmocka_unit_test(test_scheduled_collection_chosen_at_the_check),
        cmocka_unit_test(test_explicit_collect_keeps_the_bit),
        cmocka_unit_test(test_incremental_counts_trackings),
        cmocka_unit_test(test_incremental_mark_then_collect),
        cmocka_unit_test(test_incremental_work_to_do),
        cmocka_unit_test(test_incremental_generations),
        cmocka_unit_test(test_incremental_freeze),
        cmocka_unit_test(test_dict_and_tuple_tracking),
        cmocka_unit_test(test_comprehension_function),
        cmocka_unit_test(test_interpreter_objects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
