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
    in.footprint_bytes = 40 * MIB;
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
    assert_true(v.limit_bytes_per_iter == 2 * MIB);
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
    in.footprint_bytes = 100 * 1024; /* 5 % would be 5 KiB: the 64 KiB floor applies */
    verdict v;
    verdict_decide(&in, &v);
    assert_true(v.limit_bytes_per_iter == VERDICT_MIN_LIMIT_BYTES);
    assert_string_equal(v.name, "leak"); /* 100 KiB/iteration is more than 64 KiB */
    in.mode[0].growth_bytes_per_iter = 60 * 1024;
    assert_string_equal(decide(in), "released");
}

static void inconclusive_when_a_mode_is_missing(void **state)
{
    (void)state;
    verdict_input in = both(0, 0, 0);
    in.mode[1].present = false;
    assert_string_equal(decide(in), "inconclusive"); /* flat forced: released or delayed? */
    in.mode[0].growth_bytes_per_iter = 10 * MIB;
    assert_string_equal(decide(in), "leak"); /* forced alone proves a leak */
    in = both(0, 10 * MIB, 0);
    in.mode[0].present = false;
    assert_string_equal(decide(in), "inconclusive"); /* auto grows: leak or delayed? */
    in.mode[1].growth_bytes_per_iter = 0;
    assert_string_equal(decide(in), "released"); /* auto flat: released */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(released_when_flat_in_both),
        cmocka_unit_test(delayed_when_auto_grows_or_holds_more),
        cmocka_unit_test(leak_and_uncollectable_when_forced_grows),
        cmocka_unit_test(small_footprints_use_the_floor),
        cmocka_unit_test(inconclusive_when_a_mode_is_missing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
