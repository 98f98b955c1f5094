/* test_parse.c — the option parsers of util.h: numbers, sizes, seconds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "util.h"

static void sizes(void **state)
{
    (void)state;
    uint64_t v = 0;
    assert_int_equal(gcb_parse_size("512", &v), 0);
    assert_int_equal(v, 512);
    assert_int_equal(gcb_parse_size("4K", &v), 0);
    assert_int_equal(v, 4096);
    assert_int_equal(gcb_parse_size("100M", &v), 0);
    assert_int_equal(v, 100u << 20);
    assert_int_equal(gcb_parse_size("1.5GiB", &v), 0);
    assert_int_equal(v, 3u << 29);
    assert_int_equal(gcb_parse_size("2g", &v), 0);
    assert_int_equal(v, 2ull << 30);
    assert_int_equal(gcb_parse_size("7b", &v), 0);
    assert_int_equal(v, 7);
    v = 99;
    assert_int_equal(gcb_parse_size("12Q", &v), -1);
    assert_int_equal(gcb_parse_size("", &v), -1);
    assert_int_equal(gcb_parse_size("-1M", &v), -1);
    assert_int_equal(gcb_parse_size("M", &v), -1);
    assert_int_equal(gcb_parse_size("99999999T", &v), -1); /* past 2^64 */
    assert_int_equal(v, 99);                               /* untouched on error */
}

static void integers(void **state)
{
    (void)state;
    int64_t v = 0;
    assert_int_equal(gcb_parse_i64("10", 1, 100, &v), 0);
    assert_int_equal(v, 10);
    assert_int_equal(gcb_parse_i64("0", 1, 100, &v), -1);
    assert_int_equal(gcb_parse_i64("101", 1, 100, &v), -1);
    assert_int_equal(gcb_parse_i64("1x", 1, 100, &v), -1);
    assert_int_equal(gcb_parse_i64("", 1, 100, &v), -1);
    assert_int_equal(gcb_parse_i64("99999999999999999999", 0, INT64_MAX, &v), -1);
}

static void seconds(void **state)
{
    (void)state;
    double s = 0;
    assert_int_equal(gcb_parse_seconds("2.5", &s), 0);
    assert_true(s == 2.5);
    assert_int_equal(gcb_parse_seconds("0", &s), -1);
    assert_int_equal(gcb_parse_seconds("-1", &s), -1);
    assert_int_equal(gcb_parse_seconds("soon", &s), -1);
    assert_int_equal(gcb_parse_seconds("nan", &s), -1);
}

static void mib(void **state)
{
    (void)state;
    char buf[32];
    gcb_fmt_mib(buf, sizeof buf, 40484864);
    assert_string_equal(buf, "38.61");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sizes),
        cmocka_unit_test(integers),
        cmocka_unit_test(seconds),
        cmocka_unit_test(mib),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
