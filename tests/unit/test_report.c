/* test_report.c — `bench report`: report_print's exact lines on small folders, and
 * report_main's options, exit codes and messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dataset.h"
#include "fixture.h"
#include "report.h"

/* report_print of the folder in dir (filtered by scenarios) as one string; free() it. */
static char *print_folder(const char *dir, const char *const *scenarios, size_t nscenarios)
{
    ds d;
    char err[512] = "";
    if (ds_load(&d, dir, err, sizeof err) != 0)
        fail_msg("ds_load: %s", err);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    assert_int_equal(report_print(out, &d, scenarios, nscenarios), 0);
    assert_int_equal(fclose(out), 0);
    ds_free(&d);
    return text;
}

static void test_tiny_table(void **state)
{
    (void)state;
    char *dir = fx_mkdtemp();
    fx_write_tiny(dir);
    char *text = print_folder(dir, NULL, 0);
    assert_string_equal(
        text,
        "tiny (runtime native, policy py311, allocator pymalloc, threshold 700/10/10)\n"
        "iteration  With GC  Without GC\n"
        "start        10.00       10.00\n"
        "1            10.00       15.00\n"
        "2            10.00       20.00\n"
        "verdict: delayed \u2014 growth per iteration: With GC +0.00 MiB, Without GC +5.00 MiB; "
        "gc.garbage +0/iter\n"
        "reason: grows without forced collection, flat with it\n");
    free(text);
    fx_rmtree(dir);
    free(dir);
}

/* Three forced repeats, an auto run that failed with a two-line message holding a comma,
 * an off run that failed before its first sample; no summary.csv. */
static void write_repeats_folder(const char *dir)
{
    fx_write(dir, "runs.csv",
             "run_id,scenario,runtime,policy,allocator,threshold,mode,repeat,status,message\n"
             "r0001,rep,native,py311,pymalloc,700/10/10,forced,1,ok,\n"
             "r0002,rep,native,py311,pymalloc,700/10/10,forced,2,ok,\n"
             "r0003,rep,native,py311,pymalloc,700/10/10,forced,3,ok,\n"
             "r0004,rep,native,py311,pymalloc,700/10/10,auto,1,ok,\n"
             "r0005,rep,native,py311,pymalloc,700/10/10,auto,2,failed,"
             "\"Traceback, most recent call last:\n  ValueError: x\n\"\n"
             "r0006,rep,native,py311,pymalloc,700/10/10,off,1,crashed,killed by signal 11\n");
    fx_write(dir, "samples.csv",
             "run_id,kind,iteration,rss_bytes\n"
             "r0001,iter,0,10485760\n"
             "r0001,iter,1,20971520\n"
             "r0002,iter,0,11534336\n"
             "r0002,iter,1,22020096\n"
             "r0003,iter,0,12582912\n"
             "r0003,iter,1,26214400\n"
             "r0004,iter,0,10485760\n"
             "r0004,iter,1,31457280\n"
             "r0005,iter,0,10485760\n"
             "r0005,iter,1,31457280\n");
}

static void test_repeats_and_failed_runs(void **state)
{
    (void)state;
    char *dir = fx_mkdtemp();
    write_repeats_folder(dir);
    char *text = print_folder(dir, NULL, 0);
    assert_string_equal(
        text,
        "rep (runtime native, policy py311, allocator pymalloc, threshold 700/10/10)\n"
        "iteration              With GC  Without GC  GC off (stopped early)\n"
        "start      11.00 (10.00\u201312.00)       10.00                       \u2014\n"
        "1          21.00 (20.00\u201325.00)       30.00                       \u2014\n"
        "verdict: none (no summary.csv in this folder)\n"
        "failed: r0005 Without GC repeat 2: failed at iteration 1 (30.00 MiB) \u2014 Traceback, "
        "most recent call last:\n"
        "      ValueError: x\n"
        "failed: r0006 GC off repeat 1: crashed before the first sample \u2014 killed by signal "
        "11\n");
    free(text);
    fx_rmtree(dir);
    free(dir);
}

/* Every auto run stopped early: the column shows them, its title says so. */
static void test_stopped_mode(void **state)
{
    (void)state;
    char *dir = fx_mkdtemp();
    fx_write(dir, "runs.csv",
             "run_id,scenario,runtime,mode,repeat,status,message\n"
             "f1,leaky,native,forced,1,ok,\n"
             "a1,leaky,native,auto,1,rss_limit,over\n"
             "a2,leaky,native,auto,2,rss_limit,over\n");
    fx_write(dir, "samples.csv",
             "run_id,kind,iteration,rss_bytes\n"
             "f1,iter,0,1048576\nf1,iter,1,2097152\nf1,iter,2,3145728\n"
             "a1,iter,0,1048576\na1,iter,1,2097152\n"
             "a2,iter,0,1048576\na2,iter,1,4194304\na2,iter,2,5242880\n");
    char *text = print_folder(dir, NULL, 0);
    assert_string_equal(text, "leaky (runtime native)\n"
                              "iteration  With GC  Without GC (stopped early)\n"
                              "start         1.00            1.00 (1.00\u20131.00)\n"
                              "1             2.00            3.00 (2.00\u20134.00)\n"
                              "2             3.00                        5.00\n"
                              "verdict: none (no summary.csv in this folder)\n"
                              "failed: a1 Without GC repeat 1: rss_limit at iteration 1 (2.00 "
                              "MiB) \u2014 over\n"
                              "failed: a2 Without GC repeat 2: rss_limit at iteration 2 (5.00 "
                              "MiB) \u2014 over\n");
    free(text);
    fx_rmtree(dir);
    free(dir);
}

static void test_scenario_filter(void **state)
{
    (void)state;
    char *dir = fx_mkdtemp();
    fx_write(dir, "runs.csv",
             "run_id,scenario,runtime,mode,status\n"
             "a1,alpha,native,auto,ok\n"
             "b1,beta,native,auto,ok\n"
             "b2,beta,python,auto,ok\n");
    fx_write(dir, "samples.csv",
             "run_id,kind,iteration,rss_bytes\n"
             "a1,iter,0,1048576\n"
             "b1,iter,0,2097152\n"
             "b2,iter,0,3145728\n");
    fx_write(dir, "summary.csv",
             "scenario,runtime,mode,verdict\n"
             "alpha,native,auto,released\n");
    const char *only_beta[] = {"beta"};
    char *text = print_folder(dir, only_beta, 1);
    assert_string_equal(text, "beta (runtime native)\n"
                              "iteration  Without GC\n"
                              "start            2.00\n"
                              "verdict: none (summary.csv has no row for this setting)\n"
                              "\n"
                              "beta (runtime python)\n"
                              "iteration  Without GC\n"
                              "start            3.00\n"
                              "verdict: none (summary.csv has no row for this setting)\n");
    free(text);
    text = print_folder(dir, NULL, 0);
    char line[256];
    assert_string_equal(fx_line(text, 0, line, sizeof line), "alpha (runtime native)");
    assert_string_equal(fx_line(text, 3, line, sizeof line), "verdict: released");
    free(text);
    fx_rmtree(dir);
    free(dir);
}

/* ==== report_main ========================================================================== */

typedef struct cli_result {
    int rc;
    char *out, *err;
} cli_result;

/* Runs report_main on argv (NULL-terminated) with stdout and stderr captured. */
static cli_result run_report(const char **args)
{
    char *argv[16];
    int argc = 0;
    for (; args[argc] != NULL; argc++)
        argv[argc] = (char *)args[argc];
    argv[argc] = NULL;
    fx_capture out, err;
    fx_capture_begin(&out, STDOUT_FILENO);
    fx_capture_begin(&err, STDERR_FILENO);
    cli_result r;
    r.rc = report_main(argc, argv);
    r.err = fx_capture_end(&err);
    r.out = fx_capture_end(&out);
    return r;
}

static void free_result(cli_result *r)
{
    free(r->out);
    free(r->err);
}

static void test_main_ok_and_help(void **state)
{
    (void)state;
    char *dir = fx_mkdtemp();
    fx_write_tiny(dir);
    cli_result r = run_report((const char *[]){"report", dir, "--format", "text", NULL});
    assert_int_equal(r.rc, 0);
    char line[256];
    assert_string_equal(fx_line(r.out, 1, line, sizeof line), "iteration  With GC  Without GC");
    assert_string_equal(r.err, "");
    free_result(&r);

    r = run_report((const char *[]){"report", "--scenario", "tiny", dir, NULL});
    assert_int_equal(r.rc, 0);
    assert_non_null(strstr(r.out, "tiny (runtime native"));
    free_result(&r);

    r = run_report((const char *[]){"report", "--help", NULL});
    assert_int_equal(r.rc, 0);
    assert_non_null(strstr(r.out, "Usage: bench report DIR [--format text]"));
    assert_non_null(strstr(r.out, "--scenario"));
    free_result(&r);
    fx_rmtree(dir);
    free(dir);
}

static void test_main_usage_errors(void **state)
{
    (void)state;
    char *dir = fx_mkdtemp();
    fx_write_tiny(dir);
    cli_result r = run_report((const char *[]){"report", dir, "--format", "markdown", NULL});
    assert_int_equal(r.rc, 2);
    assert_non_null(strstr(r.err, "bench: --format 'markdown' is not available"));
    assert_string_equal(r.out, "");
    free_result(&r);

    r = run_report((const char *[]){"report", "--scenario", "tiny,nope", dir, NULL});
    assert_int_equal(r.rc, 2);
    assert_non_null(strstr(r.err, "no scenario 'nope' in "));
    assert_non_null(strstr(r.err, "; it has: tiny\n"));
    assert_string_equal(r.out, "");
    free_result(&r);

    r = run_report((const char *[]){"report", NULL});
    assert_int_equal(r.rc, 2);
    assert_non_null(strstr(r.err, "bench: which results folder?"));
    free_result(&r);

    r = run_report((const char *[]){"report", dir, dir, NULL});
    assert_int_equal(r.rc, 2);
    free_result(&r);

    r = run_report((const char *[]){"report", "--bogus", dir, NULL});
    assert_int_equal(r.rc, 2);
    assert_non_null(strstr(r.err, "bench: unknown option '--bogus'"));
    assert_non_null(strstr(r.err, "Try 'bench report --help'."));
    free_result(&r);

    r = run_report((const char *[]){"report", dir, "--scenario", NULL});
    assert_int_equal(r.rc, 2);
    assert_non_null(strstr(r.err, "option '--scenario' needs a value"));
    free_result(&r);

    r = run_report((const char *[]){"report", "--scenario", "a,,b", dir, NULL});
    assert_int_equal(r.rc, 2);
    assert_non_null(strstr(r.err, "empty name"));
    free_result(&r);
    fx_rmtree(dir);
    free(dir);
}

static void test_main_bad_folder(void **state)
{
    (void)state;
    char *dir = fx_mkdtemp();
    cli_result r = run_report((const char *[]){"report", dir, NULL});
    assert_int_equal(r.rc, 1);
    char want[1024];
    snprintf(want, sizeof want, "bench: %s/runs.csv: cannot read: No such file or directory\n",
             dir);
    assert_string_equal(r.err, want);
    free_result(&r);

    fx_write_tiny(dir);
    fx_write(dir, "samples.csv", "run_id,kind,iteration,rss_bytes\nr0001,iter,0,1,2\n");
    r = run_report((const char *[]){"report", dir, NULL});
    assert_int_equal(r.rc, 1);
    snprintf(want, sizeof want, "bench: %s/samples.csv:2: 5 cells where the header has 4\n", dir);
    assert_string_equal(r.err, want);
    assert_string_equal(r.out, "");
    free_result(&r);

    fx_write_tiny(dir);
    fx_write(dir, "summary.csv",
             "scenario,runtime,policy,allocator,threshold,mode,"
             "rss_growth_bytes_per_iter\n"
             "tiny,native,py311,pymalloc,700/10/10,auto,lots\n");
    r = run_report((const char *[]){"report", dir, NULL});
    assert_int_equal(r.rc, 1);
    snprintf(want, sizeof want,
             "bench: %s/summary.csv:2: rss_growth_bytes_per_iter is 'lots', not a number\n", dir);
    assert_string_equal(r.err, want);
    free_result(&r);
    fx_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tiny_table),       cmocka_unit_test(test_repeats_and_failed_runs),
        cmocka_unit_test(test_stopped_mode),     cmocka_unit_test(test_scenario_filter),
        cmocka_unit_test(test_main_ok_and_help), cmocka_unit_test(test_main_usage_errors),
        cmocka_unit_test(test_main_bad_folder),
    };
    return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
