/* test_sweep.c — the pieces of sweeps that need no worker: shards of a plan (plan_shard), the
 * plan's id (plan_id), the shell words of a job line (planfile_quote), and the live progress
 * line cut to the terminal's width (progress_format). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "planfile.h"
#include "progress.h"

static void shards_are_equal_contiguous_and_cover_the_plan(void **state)
{
    (void)state;
    for (size_t n = 1; n <= 40; n++)
        for (size_t parts = 1; parts <= n; parts++) {
            size_t next = 0, smallest = n, largest = 0;
            for (size_t k = 1; k <= parts; k++) {
                size_t first, count;
                plan_shard(n, k, parts, &first, &count);
                assert_int_equal(first, next); /* contiguous, in order, no gap or overlap */
                next = first + count;
                smallest = count < smallest ? count : smallest;
                largest = count > largest ? count : largest;
            }
            assert_int_equal(next, n);
            assert_true(largest - smallest <= 1);
            assert_true(smallest >= 1);
        }
}

static plan_run *expand(const plan_scenario *s, int64_t iterations, size_t *n)
{
    static plan_options o;
    memset(&o, 0, sizeof o);
    o.scenarios = s;
    o.nscenarios = 1;
    assert_non_null(plan_add_runtime(&o, PLAN_NATIVE, "native"));
    o.modes[PLAN_FORCED] = o.modes[PLAN_AUTO] = true;
    o.iterations = iterations;
    o.repeat = 2;
    plan_run *runs = plan_expand(&o, n);
    assert_non_null(runs);
    return runs;
}

static void plan_id_depends_on_the_runs_only(void **state)
{
    (void)state;
    plan_scenario s = {.native = scn_find("self_cycle")};
    assert_non_null(s.native);
    snprintf(s.name, sizeof s.name, "self_cycle");
    size_t n, m;
    plan_run *a = expand(&s, 10, &n), *b = expand(&s, 10, &m);
    char ia[17], ib[17];
    plan_id(a, n, ia);
    plan_id(b, m, ib);
    assert_int_equal(strlen(ia), 16);
    assert_string_equal(ia, ib); /* the same plan made twice */
    assert_int_equal(n, 4);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(a[i].index, i + 1);
    free(b);
    b = expand(&s, 11, &m);
    plan_id(b, m, ib);
    assert_string_not_equal(ia, ib); /* other iterations: another plan */
    plan_id(a, n - 1, ib);
    assert_string_not_equal(ia, ib); /* a run fewer: another plan */
    free(a);
    free(b);
}

static void quote(const char *in, const char *want)
{
    char buf[256] = "";
    size_t at = 0;
    assert_true(planfile_quote(buf, sizeof buf, &at, in));
    assert_string_equal(buf, want);
    assert_int_equal(at, strlen(want));
}

static void job_words_are_quoted_for_sh(void **state)
{
    (void)state;
    quote("--scenario", "--scenario");
    quote("/usr/bin/python3.11", "/usr/bin/python3.11");
    quote("objects=100", "objects=100");
    quote("my file.py", "'my file.py'");
    quote("it's", "'it'\\''s'");
    quote("$HOME;rm -rf", "'$HOME;rm -rf'");
    quote("", "''");
    char small[8] = "";
    size_t at = 0;
    assert_false(planfile_quote(small, sizeof small, &at, "a long word"));
}

static void progress_line_never_reaches_the_last_column(void **state)
{
    (void)state;
    plan_scenario s = {.native = scn_find("cross_reference")};
    snprintf(s.name, sizeof s.name, "cross_reference");
    size_t n;
    plan_run *runs = expand(&s, 10, &n);
    progress_slot slots[2] = {{&runs[0], 3}, {&runs[1], 7}};
    char line[1024];
    for (int cols = 1; cols <= 200; cols++) {
        progress_format(line, sizeof line, cols, 126, 5, slots, 2, 65000000000LL);
        assert_true(strlen(line) <= (size_t)(cols > 1 ? cols - 1 : 1));
    }
    progress_format(line, sizeof line, 200, 126, 5, slots, 2, 65000000000LL);
    /* 5 runs done and 3/11 + 7/11 of two more, in 65 s: 126 - 5.91 runs left at that pace */
    assert_non_null(strstr(line, "bench: 5/126 runs, 1m05s, ETA 22m"));
    assert_non_null(strstr(line, "| cross_reference native forced it 3/10"));
    assert_non_null(strstr(line, "| cross_reference native auto it 7/10"));
    progress_format(line, sizeof line, 200, 126, 0, slots, 0, 1000000000LL);
    assert_non_null(strstr(line, "ETA ?")); /* nothing done yet: no estimate */
    free(runs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shards_are_equal_contiguous_and_cover_the_plan),
        cmocka_unit_test(plan_id_depends_on_the_runs_only),
        cmocka_unit_test(job_words_are_quoted_for_sh),
        cmocka_unit_test(progress_line_never_reaches_the_last_column),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
