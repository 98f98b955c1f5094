/* test_summary.c — summary.csv from hand-made results folders: the growth estimator (a
 * one-time step is not growth, a steady leak is its exact rate, a sawtooth without collection
 * is growth) and the verdicts that follow, on RSS or, where RSS is not comparable (Pyodide), on
 * the live instances of the scenario's classes, read back cell by cell. */
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

/* ==== RSS not comparable: the verdict on the live instances of the scenario's classes ====== */

/* A folder with scenario s run by runtime (rss_comparable as given) in forced and auto mode,
 * n iterations: RSS rss[m][k] in MiB; class B's live instances b[m][k] (with A's equal), or no
 * class rows at all when b is NULL. */
static char *make_class_folder(const char *runtime, int comparable, double rss[2][11], int (*b)[11],
                               int n)
{
    char *dir = fx_mkdtemp();
    char runs[1024];
    snprintf(runs, sizeof runs,
             "run_id,scenario,runtime,policy,allocator,threshold,mode,repeat,iterations,status,"
             "rss_comparable\n"
             "r1,s,%s,cpython,malloc,700/10/10,forced,1,10,ok,%d\n"
             "r2,s,%s,cpython,malloc,700/10/10,auto,1,10,ok,%d\n",
             runtime, comparable, runtime, comparable);
    fx_write(dir, "runs.csv", runs);
    char *samples = malloc(65536);
    size_t used = (size_t)snprintf(samples, 65536,
                                   "run_id,kind,iteration,rss_bytes,garbage,live_objects,"
                                   "type_name,collections_gen0,collections_gen1,"
                                   "collections_gen2\n");
    for (int m = 0; m < 2; m++)
        for (int k = 0; k <= n; k++) {
            used += (size_t)snprintf(samples + used, 65536 - used, "r%d,iter,%d,%ld,0,,,%d,0,%d\n",
                                     m + 1, k, (long)(rss[m][k] * MIB), m == 1 ? k / 3 : 0,
                                     m == 0 ? k : 0);
            for (int c = 0; b != NULL && c < 2; c++)
                used += (size_t)snprintf(samples + used, 65536 - used, "r%d,class,%d,,,%d,%s,,,\n",
                                         m + 1, k, b[m][k], c == 0 ? "A" : "B");
        }
    fx_write(dir, "samples.csv", samples);
    free(samples);
    return dir;
}

/* summary.csv's cell (row r, column) of dir, into buf. */
static const char *summary_cell(const char *dir, size_t r, const char *column, char *buf,
                                size_t len)
{
    char *path = fx_path(dir, "summary.csv"), err[512];
    csvt t;
    assert_int_equal(csvt_load(&t, path, err, sizeof err), 0);
    assert_true(csvt_col(&t, column) >= 0);
    snprintf(buf, len, "%s", csvt_get(&t, r, csvt_col(&t, column)));
    csvt_free(&t);
    free(path);
    return buf;
}

/* Pyodide's RSS (a Node.js process, growing in both modes) would say "leak"; its classes'
 * instances, 0 with forced collection and a sawtooth without, say "delayed". */
static void not_comparable_judged_by_instances(void **state)
{
    (void)state;
    double rss[2][11];
    for (int k = 0; k <= 10; k++)
        rss[0][k] = rss[1][k] = 150 + 30.0 * k;
    static int b[2][11] = {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
                           {0, 100, 200, 100, 200, 132, 232, 332, 224, 324, 424}};
    char *dir = make_class_folder("pyodide-3.12.7", 0, rss, b, 10);
    double growth[2];
    char verdict[2][32], cell[512];
    summarize(dir, growth, verdict);
    assert_string_equal(verdict[0], "delayed");
    assert_string_equal(verdict[1], "delayed");
    assert_string_equal(summary_cell(dir, 0, "rss_comparable", cell, sizeof cell), "0");
    assert_string_equal(summary_cell(dir, 0, "verdict_basis", cell, sizeof cell), "class_objects");
    assert_string_equal(summary_cell(dir, 0, "growth_limit_bytes_per_iter", cell, sizeof cell),
                        ""); /* no RSS rule was applied */
    /* the largest one-iteration increase is 200 (A + B): limit 5 % of it */
    assert_string_equal(
        summary_cell(dir, 1, "class_objects_growth_limit_per_iter", cell, sizeof cell), "10");
    assert_string_equal(summary_cell(dir, 1, "class_objects_final", cell, sizeof cell), "848");
    assert_string_equal(summary_cell(dir, 1, "class_objects_step_max", cell, sizeof cell), "200");
    assert_string_equal(summary_cell(dir, 0, "class_objects_final", cell, sizeof cell), "0");
    assert_string_equal(summary_cell(dir, 0, "collections_gen2", cell, sizeof cell), "10");
    assert_string_equal(summary_cell(dir, 1, "collections_gen0", cell, sizeof cell), "3");
    summary_cell(dir, 1, "verdict_reason", cell, sizeof cell);
    assert_non_null(strstr(cell, "by live instances of the scenario's classes (RSS not "
                                 "comparable): flat with forced collection (+0.0 objects/iter) "
                                 "but not without it"));
    assert_null(strstr(cell, "MiB"));
    fx_rmtree(dir);
    free(dir);
}

/* On instances, RSS never decides: flat RSS with instances kept by forced collection is a
 * leak; growing RSS with no instance kept is released. */
static void instances_leak_and_released(void **state)
{
    (void)state;
    double flat[2][11], growing[2][11];
    int kept[2][11], none[2][11] = {{0}};
    for (int k = 0; k <= 10; k++) {
        flat[0][k] = flat[1][k] = 150;
        growing[0][k] = growing[1][k] = 150 + 30.0 * k;
        kept[0][k] = kept[1][k] = 100 * k; /* global_cache: 100 kept per iteration */
    }
    char *dir = make_class_folder("pyodide-3.13.2", 0, flat, kept, 10);
    double growth[2];
    char verdict[2][32], cell[512];
    summarize(dir, growth, verdict);
    assert_string_equal(verdict[0], "leak");
    summary_cell(dir, 0, "verdict_reason", cell, sizeof cell);
    assert_non_null(strstr(cell, "grows +200.0 objects/iter even with forced collection"));
    assert_string_equal(summary_cell(dir, 0, "class_objects_growth_per_iter", cell, sizeof cell),
                        "200");
    fx_rmtree(dir);
    free(dir);
    dir = make_class_folder("pyodide-3.13.2", 0, growing, none, 10);
    summarize(dir, growth, verdict);
    assert_string_equal(verdict[0], "released");
    fx_rmtree(dir);
    free(dir);
    /* without class rows there is nothing to judge by: inconclusive, never RSS's "leak" */
    dir = make_class_folder("pyodide-3.13.2", 0, growing, NULL, 10);
    summarize(dir, growth, verdict);
    assert_string_equal(verdict[0], "inconclusive");
    assert_string_equal(verdict[1], "inconclusive");
    summary_cell(dir, 0, "verdict_reason", cell, sizeof cell);
    assert_non_null(strstr(cell, "not comparable"));
    fx_rmtree(dir);
    free(dir);
}

/* Comparable RSS keeps the RSS rule even when the classes were counted: the same growing RSS
 * with no instance kept is a leak there, and the class figures are still recorded. */
static void comparable_keeps_rss_basis(void **state)
{
    (void)state;
    double growing[2][11];
    int none[2][11] = {{0}};
    for (int k = 0; k <= 10; k++)
        growing[0][k] = growing[1][k] = 150 + 30.0 * k;
    char *dir = make_class_folder("cpython-3.11.2", 1, growing, none, 10);
    double growth[2];
    char verdict[2][32], cell[512];
    summarize(dir, growth, verdict);
    assert_string_equal(verdict[0], "leak");
    assert_string_equal(summary_cell(dir, 0, "verdict_basis", cell, sizeof cell), "rss");
    assert_string_equal(summary_cell(dir, 0, "rss_comparable", cell, sizeof cell), "1");
    assert_string_equal(summary_cell(dir, 0, "class_objects_final", cell, sizeof cell), "0");
    assert_string_equal(
        summary_cell(dir, 0, "class_objects_growth_limit_per_iter", cell, sizeof cell), "");
    summary_cell(dir, 0, "verdict_reason", cell, sizeof cell);
    assert_non_null(strstr(cell, "MiB/iter even with forced collection"));
    fx_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_time_step_is_not_growth),
        cmocka_unit_test(steady_leak_is_its_rate),
        cmocka_unit_test(sawtooth_without_collection_is_delayed),
        cmocka_unit_test(not_comparable_judged_by_instances),
        cmocka_unit_test(instances_leak_and_released),
        cmocka_unit_test(comparable_keeps_rss_basis),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
