/* test_verdict.c — the verdict rule (verdict.h), case by case, at its boundaries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "verdict.h"

#define MIB (1024.0 * 1024.0)

/* forced and auto present; footprint 40 MiB, so the limit is 2 MiB/iteration */
static verdict_input both(double forced_growth, double auto_growth, double auto_excess)
{
    verdict_input in = {0};
    in.footprint = 40 * MIB;
    in.mode[0] = (verdict_mode){true, forced_growth, 40 * MIB, 0};
    in.mode[1] = (verdict_mode){true, auto_growth, 40 * MIB + auto_excess, 0};
    return in;
}

static const char *decide(verdict_input in)
{
    static verdict v;
    verdict_decide(&in, &v);
    return v.name;
}

static void released_when_flat_in_both(void **state)
{
    (void)state;
    assert_string_equal(decide(both(0, 0.5 * MIB, 0)), "released");
    verdict v;
    verdict_input in = both(0, 0, 0);
    verdict_decide(&in, &v);
    assert_true(v.limit_per_iter == 2 * MIB);
    assert_non_null(strstr(v.reason, "flat with forced collection"));
}

static void delayed_when_auto_grows_or_holds_more(void **state)
{
    (void)state;
    assert_string_equal(decide(both(0, 9 * MIB, 60 * MIB)), "delayed");
    assert_string_equal(decide(both(0, 2.01 * MIB, 0)), "delayed"); /* just over the limit */
    assert_string_equal(decide(both(0, 2.0 * MIB, 0)), "released"); /* at the limit: flat */
    assert_string_equal(decide(both(0, 0, 21 * MIB)), "delayed");   /* > half a footprint */
    assert_string_equal(decide(both(0, 0, 19 * MIB)), "released");
}

static void leak_and_uncollectable_when_forced_grows(void **state)
{
    (void)state;
    assert_string_equal(decide(both(38.6 * MIB, 38.6 * MIB, 0)), "leak");
    verdict_input in = both(38.6 * MIB, 38.6 * MIB, 0);
    in.mode[0].garbage_growth_per_iter = 200;
    assert_string_equal(decide(in), "uncollectable");
    in.mode[0].garbage_growth_per_iter = 0.4; /* less than one object per iteration */
    assert_string_equal(decide(in), "leak");
}

static void small_footprints_use_the_floor(void **state)
{
    (void)state;
    verdict_input in = both(100 * 1024, 0, 0);
    in.footprint = 100 * 1024; /* 5 % would be 5 KiB: the 64 KiB floor applies */
    verdict v;
    verdict_decide(&in, &v);
    assert_true(v.limit_per_iter == VERDICT_MIN_LIMIT_BYTES);
    assert_string_equal(v.name, "leak"); /* 100 KiB/iteration is more than 64 KiB */
    in.mode[0].growth_per_iter = 60 * 1024;
    assert_string_equal(decide(in), "released");
}

static void inconclusive_when_a_mode_is_missing(void **state)
{
    (void)state;
    verdict_input in = both(0, 0, 0);
    in.mode[1].present = false;
    assert_string_equal(decide(in), "inconclusive"); /* flat forced: released or delayed? */
    in.mode[0].growth_per_iter = 10 * MIB;
    assert_string_equal(decide(in), "leak"); /* forced alone proves a leak */
    in = both(0, 10 * MIB, 0);
    in.mode[0].present = false;
    assert_string_equal(decide(in), "inconclusive"); /* auto grows: leak or delayed? */
    in.mode[1].growth_per_iter = 0;
    assert_string_equal(decide(in), "released"); /* auto flat: released */
}

/* ==== class_objects: live instances of the scenario's classes ============================== */

/* forced and auto on the class_objects basis: the largest one-iteration increase is 100
 * instances, so the limit is max(0.5, 5) = 5 instances per iteration; forced holds 0 */
static verdict_input by_objects(double forced_growth, double auto_growth, double auto_mean)
{
    verdict_input in = {.basis = VERDICT_BASIS_CLASS_OBJECTS, .footprint = 100};
    in.mode[0] = (verdict_mode){true, forced_growth, 0, 0};
    in.mode[1] = (verdict_mode){true, auto_growth, auto_mean, 0};
    return in;
}

static void objects_released_delayed_leak(void **state)
{
    (void)state;
    verdict v;
    /* weakref_cycle: every instance freed by reference counting, in both modes */
    verdict_input in = by_objects(0, 0, 0);
    verdict_decide(&in, &v);
    assert_string_equal(v.name, "released");
    assert_int_equal(v.basis, VERDICT_BASIS_CLASS_OBJECTS);
    assert_true(v.limit_per_iter == 5.0);
    assert_non_null(strstr(v.reason, "live instances of the scenario's classes"));
    assert_non_null(strstr(v.reason, "objects/iter"));
    assert_null(strstr(v.reason, "MiB"));
    /* cross_reference under 3.11: 100 200 100 200 131 231 331 222 322 422 in auto mode */
    assert_string_equal(decide(by_objects(0, 31.1, 236)), "delayed");
    /* under 3.14.0's incremental collector: 100 more every iteration */
    assert_string_equal(decide(by_objects(0, 100, 550)), "delayed");
    assert_string_equal(decide(by_objects(0, 5.0, 0)), "released"); /* at the limit: flat */
    assert_string_equal(decide(by_objects(0, 0, 51)), "delayed");   /* > half a footprint */
    /* global_cache: 100 kept per iteration even with forced collection */
    in = by_objects(100, 100, 550);
    verdict_decide(&in, &v);
    assert_string_equal(v.name, "leak");
    assert_non_null(strstr(v.reason, "grows +100.0 objects/iter even with forced collection"));
    in.mode[0].garbage_growth_per_iter = 100;
    assert_string_equal(decide(in), "uncollectable");
}

static void objects_floor_is_half_an_object(void **state)
{
    (void)state;
    verdict_input in = by_objects(0.6, 0, 0);
    in.footprint = 2; /* 5 % is 0.1: the floor of 0.5 applies */
    verdict v;
    verdict_decide(&in, &v);
    assert_true(v.limit_per_iter == VERDICT_MIN_LIMIT_OBJECTS);
    assert_string_equal(v.name, "leak"); /* one more instance every other iteration, or so */
    in.mode[0].growth_per_iter = 0.5;
    assert_string_equal(decide(in), "released");
}

/* RSS never enters a class_objects verdict: a huge RSS-sized growth figure on the RSS basis is
 * a leak, and without class counts the class_objects basis is inconclusive, never "leak". */
static void objects_missing_is_inconclusive(void **state)
{
    (void)state;
    verdict_input in = by_objects(0, 0, 0);
    in.basis_missing = true;
    in.mode[0].growth_per_iter = 38.6 * MIB;
    verdict v;
    verdict_decide(&in, &v);
    assert_string_equal(v.name, "inconclusive");
    assert_non_null(strstr(v.reason, "not comparable"));
    in.basis = VERDICT_BASIS_RSS; /* basis_missing means nothing to the RSS rule */
    verdict_decide(&in, &v);
    assert_string_equal(v.name, "leak");
    assert_string_equal(verdict_basis_names[v.basis], "rss");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(released_when_flat_in_both),
        cmocka_unit_test(delayed_when_auto_grows_or_holds_more),
        cmocka_unit_test(leak_and_uncollectable_when_forced_grows),
        cmocka_unit_test(small_footprints_use_the_floor),
        cmocka_unit_test(inconclusive_when_a_mode_is_missing),
        cmocka_unit_test(objects_released_delayed_leak),
        cmocka_unit_test(objects_floor_is_half_an_object),
        cmocka_unit_test(objects_missing_is_inconclusive),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
