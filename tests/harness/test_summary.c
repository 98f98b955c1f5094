/* test_summary.c — summary.csv from hand-made results folders: the growth estimator (a
 * one-time step is not growth, a steady leak is its exact rate, a sawtooth without collection
 * is growth) and the verdicts that follow, read back cell by cell. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "fixture.h"
#include "summary.h"

#define MIB 1048576L

/* A folder with one scenario run in forced and auto mode; rss[m][k] in MiB for k = 0..n. */
static char *make_folder(const double forced[], const double autom[], int n, int garbage_step)
{
    char *dir = fx_mkdtemp();
    fx_write(dir, "runs.csv",
             "run_id,scenario,runtime,policy,allocator,threshold,mode,repeat,iterations,status\n"
             "r1,s,native,py311,pymalloc,700/10/10,forced,1,10,ok\n"
             "r2,s,native,py311,pymalloc,700/10/10,auto,1,10,ok\n");
    char *samples = malloc(16384);
    size_t used = (size_t)snprintf(samples, 16384, "run_id,kind,iteration,rss_bytes,garbage\n");
    const double *series[2] = {forced, autom};
    for (int m = 0; m < 2; m++)
        for (int k = 0; k <= n; k++)
            used += (size_t)snprintf(samples + used, 16384 - used, "r%d,iter,%d,%ld,%d\n", m + 1, k,
                                     (long)(series[m][k] * MIB), m == 0 ? k * garbage_step : 0);
    fx_write(dir, "samples.csv", samples);
    free(samples);
    return dir;
}

/* Writes the summary and returns its rows' (growth MiB/iter, verdict) for forced and auto. */
static void summarize(const char *dir, double growth[2], char verdict[2][32])
{
    ds d;
    char err[512];
    if (ds_load(&d, dir, err, sizeof err) != 0)
        fail_msg("%s", err);
    char *path = fx_path(dir, "summary.csv");
    assert_int_equal(summary_write(&d, path), 0);
    ds_free(&d);
    csvt t;
    assert_int_equal(csvt_load(&t, path, err, sizeof err), 0);
    assert_int_equal(t.nrows, 2);
    for (size_t r = 0; r < 2; r++) {
        int64_t g = 0;
        assert_true(csvt_i64(&t, r, csvt_col(&t, "rss_growth_bytes_per_iter"), &g, NULL));
        int m = strcmp(csvt_get(&t, r, csvt_col(&t, "mode")), "forced") == 0 ? 0 : 1;
        growth[m] = (double)g / MIB;
        snprintf(verdict[m], 32, "%s", csvt_get(&t, r, csvt_col(&t, "verdict")));
    }
    csvt_free(&t);
    free(path);
}

static void one_time_step_is_not_growth(void **state)
{
    (void)state;
    /* weak_dict_cache as measured: a step between iterations 1 and 2, flat after */
    const double forced[] = {1.7, 1.8, 9.6, 9.6, 9.6, 9.6, 9.6, 9.6, 9.7, 9.7, 9.7};
    const double autom[] = {1.7, 1.8, 9.6, 9.6, 9.6, 9.6, 9.6, 9.6, 9.6, 9.6, 9.6};
    char *dir = make_folder(forced, autom, 10, 0);
    double growth[2];
    char verdict[2][32];
    summarize(dir, growth, verdict);
    assert_true(growth[0] >= 0 && growth[0] < 0.05);
    assert_true(growth[1] >= 0 && growth[1] < 0.05);
    assert_string_equal(verdict[0], "released");
    fx_rmtree(dir);
    free(dir);
}

static void steady_leak_is_its_rate(void **state)
{
    (void)state;
    double forced[11], autom[11];
    for (int k = 0; k <= 10; k++)
        forced[k] = autom[k] = 1.5 + 38.7 * k;
    char *dir = make_folder(forced, autom, 10, 0);
    double growth[2];
    char verdict[2][32];
    summarize(dir, growth, verdict);
    assert_true(growth[0] > 38.69 && growth[0] < 38.71);
    assert_string_equal(verdict[0], "leak");
    fx_rmtree(dir);
    free(dir);
    dir = make_folder(forced, autom, 10, 200); /* and gc.garbage grows 200 per iteration */
    summarize(dir, growth, verdict);
    assert_string_equal(verdict[0], "uncollectable");
    fx_rmtree(dir);
    free(dir);
}

static void sawtooth_without_collection_is_delayed(void **state)
{
    (void)state;
    /* cross_reference as measured: forced flat at 40, auto a staircase */
    const double forced[] = {1.4, 39.8, 40.0, 40.0, 40.0, 40.0, 40.0, 40.0, 40.0, 40.0, 40.0};
    const double autom[] = {1.4, 40.2, 78.8, 91.6, 91.7, 104.5, 104.5, 130.4, 130.1, 130.1, 130.8};
    char *dir = make_folder(forced, autom, 10, 0);
    double growth[2];
    char verdict[2][32];
    summarize(dir, growth, verdict);
    assert_true(growth[0] < 0.1);
    assert_true(growth[1] > 5);
    assert_string_equal(verdict[0], "delayed");
    assert_string_equal(verdict[1], "delayed"); /* the setting's verdict on each mode row */
    fx_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_time_step_is_not_growth),
        cmocka_unit_test(steady_leak_is_its_rate),
        cmocka_unit_test(sawtooth_without_collection_is_delayed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
