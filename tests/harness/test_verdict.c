/* test_verdict.c — the verdict rule (verdict.h), case by case, at its boundaries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "verdict.h"

#define MIB (1024.0 * 1024.0)

/* A mode that grows at the same rate over the whole run and its later half, with no noise. */
static verdict_mode steady(double growth, double mean)
{
    return (verdict_mode){
        .present = true, .growth_per_iter = growth, .whole_growth_per_iter = growth, .mean = mean};
}

/* forced and auto present, 10 iterations; footprint 40 MiB, so the limit is 2 MiB/iteration */
static verdict_input both(double forced_growth, double auto_growth, double auto_excess)
{
    verdict_input in = {0};
    in.footprint = 40 * MIB;
    in.iterations = 10;
    in.mode[0] = steady(forced_growth, 40 * MIB);
    in.mode[1] = steady(auto_growth, 40 * MIB + auto_excess);
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
    in.mode[0].growth_per_iter = in.mode[0].whole_growth_per_iter = 60 * 1024;
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
    in.mode[1].growth_per_iter = in.mode[1].whole_growth_per_iter = 0;
    assert_string_equal(decide(in), "released"); /* auto flat: released */
}

/* A cache that fills in four iterations and then stays flat: the whole run's slope is 3 MiB per
 * iteration, the later half's 0. Not a leak: bounded. */
static void bounded_when_growth_stops(void **state)
{
    (void)state;
    verdict_input in = both(0, 0, 0);
    in.mode[0].whole_growth_per_iter = 3 * MIB;
    in.mode[1].whole_growth_per_iter = 3 * MIB;
    verdict v;
    verdict_decide(&in, &v);
    assert_string_equal(v.name, "bounded");
    assert_int_equal(v.late_first, 6);
    assert_non_null(strstr(v.reason, "grew +3.00 MiB/iter over iterations 1..10"));
    assert_non_null(strstr(v.reason, "then flat over 6..10"));
    /* only auto grew over the whole run: still bounded (it stopped), not delayed */
    in.mode[0].whole_growth_per_iter = 0;
    assert_string_equal(decide(in), "bounded");
    /* still growing in the later half: a leak, whatever the whole run says */
    in.mode[0].growth_per_iter = 3 * MIB;
    assert_string_equal(decide(in), "leak");
    /* under the limit over the whole run too: released */
    in = both(0, 0, 0);
    in.mode[0].whole_growth_per_iter = 1.9 * MIB;
    assert_string_equal(decide(in), "released");
}

/* Fewer than 5 iterations: the later half would have fewer than 3 samples. */
static void inconclusive_below_five_iterations(void **state)
{
    (void)state;
    verdict_input in = both(38.6 * MIB, 38.6 * MIB, 0);
    verdict v;
    for (int64_t n = 1; n < VERDICT_MIN_ITERATIONS; n++) {
        in.iterations = n;
        verdict_decide(&in, &v);
        assert_string_equal(v.name, "inconclusive");
        assert_int_equal(v.late_first, 0);
        assert_non_null(strstr(v.reason, "the rule needs at least 5"));
        assert_non_null(strstr(v.reason, "--iterations 10"));
    }
    assert_non_null(strstr(v.reason, "4 iterations:"));
    in.iterations = 5;
    verdict_decide(&in, &v);
    assert_string_equal(v.name, "leak");
    assert_int_equal(v.late_first, 3);
    assert_non_null(strstr(v.reason, "over iterations 3..5"));
}

/* The limit scales with the baseline and with the noise across repeats, mode by mode. */
static void limit_scales_with_baseline_and_noise(void **state)
{
    (void)state;
    verdict_input in = both(3 * MIB, 0, 0); /* 3 MiB/iter: over 5 % of 40 MiB */
    assert_string_equal(decide(in), "leak");
    in.baseline = 2048 * MIB; /* 0.2 % of 2 GiB: 4.1 MiB/iter */
    verdict v;
    verdict_decide(&in, &v);
    assert_string_equal(v.name, "released");
    assert_true(v.limit_per_iter > 4.09 * MIB && v.limit_per_iter < 4.1 * MIB);
    assert_non_null(strstr(v.rule, "0.2% of baseline 4.096"));
    assert_non_null(strstr(v.rule, "growth judged over iterations 6..10"));
    /* repeats that disagree by 8 MiB/iter in forced mode: 3 MiB is within their noise */
    in = both(3 * MIB, 0, 0);
    in.mode[0].noise = 4 * MIB;
    verdict_decide(&in, &v);
    assert_string_equal(v.name, "released");
    assert_true(v.limit_per_iter == 4 * MIB);
    /* auto's noise does not widen forced mode's limit */
    in = both(3 * MIB, 0, 0);
    in.mode[1].noise = 4 * MIB;
    assert_string_equal(decide(in), "leak");
    /* the class_objects basis has no baseline term */
    in = both(0, 0, 0);
    in.basis = VERDICT_BASIS_CLASS_OBJECTS;
    in.baseline = 1e12;
    verdict_decide(&in, &v);
    assert_null(strstr(v.rule, "baseline"));
}

/* ==== class_objects: live instances of the scenario's classes ============================== */

/* forced and auto on the class_objects basis: the largest one-iteration increase is 100
 * instances, so the limit is max(0.5, 5) = 5 instances per iteration; forced holds 0 */
static verdict_input by_objects(double forced_growth, double auto_growth, double auto_mean)
{
    verdict_input in = {.basis = VERDICT_BASIS_CLASS_OBJECTS, .footprint = 100, .iterations = 10};
    in.mode[0] = steady(forced_growth, 0);
    in.mode[1] = steady(auto_growth, auto_mean);
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
    in.mode[0].growth_per_iter = in.mode[0].whole_growth_per_iter = 0.5;
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
        cmocka_unit_test(bounded_when_growth_stops),
        cmocka_unit_test(inconclusive_below_five_iterations),
        cmocka_unit_test(limit_scales_with_baseline_and_noise),
        cmocka_unit_test(objects_released_delayed_leak),
        cmocka_unit_test(objects_floor_is_half_an_object),
        cmocka_unit_test(objects_missing_is_inconclusive),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
