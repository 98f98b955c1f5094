/* test_plot.c — `bench plot`: the images and data files plot_results writes (when gnuplot is
 * installed) — per setting with tick samples, the overview, against threshold, native against
 * CPython, several runtimes and policies side by side (live instances; comparable RSS only);
 * each a valid PNG or SVG of a non-trivial size — their names, the "gnuplot not
 * found" path (PATH emptied), a failing or missing script, and cmd_plot's options.
 * GCBENCH_PLOTS_DIR points at the source plots/ (tests/unit/meson.build).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "dataset.h"
#include "fixture.h"
#include "plot.h"

/* True when an executable gnuplot is on PATH. */
static bool have_gnuplot(void)
{
    const char *path = getenv("PATH");
    char *copy = strdup(path != NULL ? path : ""), *save = NULL;
    bool found = false;
    for (char *d = strtok_r(copy, ":", &save); d != NULL && !found;
         d = strtok_r(NULL, ":", &save)) {
        char *exe = fx_path(d, "gnuplot");
        found = access(exe, X_OK) == 0;
        free(exe);
    }
    free(copy);
    return found;
}

static void load(ds *d, const char *dir)
{
    char err[512] = "";
    if (ds_load(d, dir, err, sizeof err) != 0)
        fail_msg("ds_load: %s", err);
}

static bool exists(const char *dir, const char *name)
{
    char *path = fx_path(dir, name);
    bool yes = access(path, F_OK) == 0;
    free(path);
    return yes;
}

static void test_png(void **state)
{
    (void)state;
    if (!have_gnuplot())
        skip();
    char *dir = fx_mkdtemp();
    fx_write_tiny(dir);
    ds d;
    load(&d, dir);
    fx_capture out;
    fx_capture_begin(&out, STDOUT_FILENO);
    int rc = plot_results(&d, dir, "png", false);
    char *printed = fx_capture_end(&out);
    assert_int_equal(rc, 0);
    char *png_path = fx_path(dir, "plots/tiny.png");
    char want[1024];
    snprintf(want, sizeof want, "plot: %s\n", png_path);
    assert_string_equal(printed, want);
    size_t len = 0;
    char *png = fx_read(png_path, &len);
    assert_non_null(png);
    assert_true(len > 2048);
    assert_memory_equal(png, "\x89PNG\r\n\x1a\n", 8);

    char *dat_path = fx_path(dir, "plots/tiny.dat");
    char *dat = fx_read(dat_path, NULL);
    assert_non_null(dat);
    assert_non_null(strstr(dat, "# gcbench: RSS against iteration for tiny (runtime native"));
    assert_non_null(strstr(dat, "\n# series: forced auto\n"));
    assert_non_null(strstr(dat, "\n\"iteration\" \"With GC\" \"min\" \"max\" \"Without GC\" "
                                "\"min\" \"max\"\n"));
    assert_non_null(strstr(dat, "\n2 10.0000 10.0000 10.0000 20.0000 20.0000 20.0000\n"));
    free(dat);
    free(dat_path);
    free(png);
    free(png_path);
    free(printed);
    ds_free(&d);
    fx_rmtree(dir);
    free(dir);
}

/* summary.csv is read, not trusted: a late_first_iteration outside the mode's iterations (a
 * forged -10^18 or 10^300, NaN, past the last) draws no fitted line, and allocates nothing by
 * it (under ASan and UBSan, the old cast and malloc of last - first failed here). */
static void test_forged_fit(void **state)
{
    (void)state;
    if (!have_gnuplot())
        skip();
    static const char *const forged[] = {"-1e18", "1e300", "nan", "7", "-inf"};
    for (size_t i = 0; i < sizeof forged / sizeof forged[0]; i++) {
        char *dir = fx_mkdtemp();
        fx_write(dir, "runs.csv",
                 "run_id,scenario,runtime,policy,allocator,threshold,mode,repeat,iterations,"
                 "status\n"
                 "r1,fit,native,py311,pymalloc,700/10/10,forced,1,6,ok\n");
        fx_write(dir, "samples.csv",
                 "run_id,kind,iteration,t_ns,rss_bytes\n"
                 "r1,iter,0,100,10485760\nr1,iter,1,200,11534336\nr1,iter,2,300,12582912\n"
                 "r1,iter,3,400,13631488\nr1,iter,4,500,14680064\nr1,iter,5,600,16777216\n"
                 "r1,iter,6,700,16777216\n");
        char summary[512];
        snprintf(summary, sizeof summary,
                 "scenario,runtime,policy,allocator,threshold,mode,repeats,verdict,"
                 "late_first_iteration,rss_growth_late_bytes_per_iter\n"
                 "fit,native,py311,pymalloc,700/10/10,forced,1,leak,%s,1048576\n",
                 forged[i]);
        fx_write(dir, "summary.csv", summary);
        ds d;
        load(&d, dir);
        fx_capture out;
        fx_capture_begin(&out, STDOUT_FILENO);
        int rc = plot_results(&d, dir, "svg", true);
        free(fx_capture_end(&out));
        assert_int_equal(rc, 0);
        char *path = fx_path(dir, "plots/fit-fit.dat");
        char *text = fx_read(path, NULL);
        if (text != NULL)
            fail_msg("late_first_iteration %s: a fitted line: %s", forged[i], text);
        free(path);
        ds_free(&d);
        fx_rmtree(dir);
        free(dir);
    }
}

/* The verdict's fitted growth: a straight line per mode over the later half (summary.csv's
 * late_first_iteration..N), slope as summary.csv says, through the medians (Theil–Sen's
 * intercept); the title names the verdict. */
static void test_fitted_growth_line(void **state)
{
    (void)state;
    if (!have_gnuplot())
        skip();
    char *dir = fx_mkdtemp();
    fx_write(dir, "runs.csv",
             "run_id,scenario,runtime,policy,allocator,threshold,mode,repeat,iterations,params,"
             "cpu,status,message,wall_ns,peak_rss_bytes\n"
             "r1,fit,native,py311,pymalloc,700/10/10,forced,1,6,,0,ok,,1000,20971520\n");
    /* 10 MiB, then +1 MiB per iteration, with iteration 5 one MiB off the line */
    fx_write(dir, "samples.csv",
             "run_id,kind,iteration,t_ns,rss_bytes\n"
             "r1,iter,0,100,10485760\nr1,iter,1,200,11534336\nr1,iter,2,300,12582912\n"
             "r1,iter,3,400,13631488\nr1,iter,4,500,14680064\nr1,iter,5,600,16777216\n"
             "r1,iter,6,700,16777216\n");
    fx_write(dir, "summary.csv",
             "scenario,runtime,policy,allocator,threshold,mode,repeats,rss_growth_bytes_per_iter,"
             "garbage_growth_per_iter,verdict,verdict_reason,late_first_iteration,"
             "rss_growth_late_bytes_per_iter\n"
             "fit,native,py311,pymalloc,700/10/10,forced,1,1048576,0,leak,grows,4,1048576\n");
    ds d;
    load(&d, dir);
    fx_capture out;
    fx_capture_begin(&out, STDOUT_FILENO);
    int rc = plot_results(&d, dir, "svg", true);
    free(fx_capture_end(&out));
    assert_int_equal(rc, 0);
    char *path = fx_path(dir, "plots/fit-fit.dat"); /* NAME-fit.dat; NAME: the scenario's */
    char *text = fx_read(path, NULL);
    assert_non_null(text);
    /* residuals over 4..6: 14-4, 16-5, 16-6 MiB = 10, 11, 10: intercept 10 MiB */
    assert_non_null(strstr(text, "\n\"forced\" \"iteration\" \"fit\"\n4 14.000000\n6 16.000000\n"));
    assert_null(strstr(text, "auto"));
    free(text);
    free(path);
    path = fx_path(dir, "plots/fit.svg");
    text = fx_read(path, NULL);
    assert_non_null(text);
    assert_non_null(strstr(text, ">fit \u2014 verdict: leak<"));
    assert_non_null(strstr(text, "verdict's growth fit (later half)"));
    free(text);
    free(path);
    ds_free(&d);
    fx_rmtree(dir);
    free(dir);
}

static void test_svg_and_names(void **state)
{
    (void)state;
    if (!have_gnuplot())
        skip();
    char *dir = fx_mkdtemp();
    fx_write(dir, "runs.csv",
             "run_id,scenario,runtime,policy,allocator,threshold,mode,status\n"
             "r1,two,native,py311,pymalloc,700/10/10,forced,ok\n"
             "r2,two,native,py311,pymalloc,2000/10/10,forced,ok\n"
             "r3,one,native,py311,malloc,700/10/10,auto,rss_limit\n"
             "r4,none,native,py311,malloc,700/10/10,auto,crashed\n");
    fx_write(dir, "samples.csv",
             "run_id,kind,iteration,rss_bytes\n"
             "r1,iter,0,1048576\nr1,iter,1,2097152\n"
             "r2,iter,0,1048576\nr2,iter,1,3145728\n"
             "r3,iter,0,1048576\nr3,iter,1,9145728\n");
    ds d;
    load(&d, dir);
    fx_capture err;
    fx_capture_begin(&err, STDERR_FILENO);
    int rc = plot_results(&d, dir, "svg", true);
    char *errs = fx_capture_end(&err);
    assert_int_equal(rc, 0);
    assert_true(exists(dir, "plots/two-native-py311-pymalloc-700_10_10.svg"));
    assert_true(exists(dir, "plots/two-native-py311-pymalloc-2000_10_10.svg"));
    assert_true(exists(dir, "plots/one.svg")); /* only a failed run: drawn dashed */
    assert_false(exists(dir, "plots/none.svg"));
    assert_true(exists(dir, "plots/overview.svg"));
    assert_true(exists(dir, "plots/two-native-thresholds.svg")); /* 3 panels "not recorded" */
    assert_false(exists(dir, "plots/one-native-thresholds.svg"));
    assert_string_equal(errs, "bench: none (runtime native, policy py311, allocator malloc, "
                              "threshold 700/10/10): no RSS samples to plot; skipped\n");
    char *svg_path = fx_path(dir, "plots/one.svg");
    char *svg = fx_read(svg_path, NULL);
    assert_non_null(strstr(svg, "<svg"));
    assert_non_null(strstr(svg, "Without GC, r3 rss_limit"));
    free(svg);
    free(svg_path);
    free(errs);
    ds_free(&d);
    fx_rmtree(dir);
    free(dir);
}

static void test_gnuplot_not_found(void **state)
{
    (void)state;
    char *dir = fx_mkdtemp(), *empty = fx_mkdtemp();
    fx_write_tiny(dir);
    ds d;
    load(&d, dir);
    char *saved = strdup(getenv("PATH") != NULL ? getenv("PATH") : "/usr/bin:/bin");
    setenv("PATH", empty, 1);
    fx_capture out, err;
    fx_capture_begin(&out, STDOUT_FILENO);
    fx_capture_begin(&err, STDERR_FILENO);
    int rc = plot_results(&d, dir, "png", false);
    char *errs = fx_capture_end(&err);
    char *outs = fx_capture_end(&out);
    setenv("PATH", saved, 1);
    assert_int_equal(rc, 0);
    assert_string_equal(errs, "bench: gnuplot not found; plots skipped (install gnuplot-nox); "
                              "CSV and tables are unaffected\n");
    assert_string_equal(outs, "");
    assert_false(exists(dir, "plots/tiny.dat"));
    assert_false(exists(dir, "plots"));
    free(errs);
    free(outs);
    free(saved);
    ds_free(&d);
    fx_rmtree(dir);
    fx_rmtree(empty);
    free(dir);
    free(empty);
}

static void test_gnuplot_fails(void **state)
{
    (void)state;
    if (!have_gnuplot())
        skip();
    char *dir = fx_mkdtemp(), *scripts = fx_mkdtemp();
    fx_write_tiny(dir);
    fx_write(scripts, "rss.gp", "plot this is not gnuplot (\n");
    ds d;
    load(&d, dir);
    char *saved = strdup(getenv("GCBENCH_PLOTS_DIR") != NULL ? getenv("GCBENCH_PLOTS_DIR") : "");
    setenv("GCBENCH_PLOTS_DIR", scripts, 1);
    fx_capture err;
    fx_capture_begin(&err, STDERR_FILENO);
    int rc = plot_results(&d, dir, "png", true);
    char *errs = fx_capture_end(&err);
    setenv("GCBENCH_PLOTS_DIR", saved, 1);
    assert_int_equal(rc, 1);
    char want[2048];
    snprintf(want, sizeof want,
             "bench: gnuplot failed (exit status 1) running %s/rss.gp on "
             "%s/plots/tiny.dat for %s/plots/tiny.png:\n  gnuplot: ",
             scripts, dir, dir);
    assert_memory_equal(errs, want, strlen(want));
    free(errs);
    free(saved);
    ds_free(&d);
    fx_rmtree(dir);
    fx_rmtree(scripts);
    free(dir);
    free(scripts);
}

/* The file dir/name is an image of the format, of a non-trivial size. */
static void assert_image(const char *dir, const char *name, const char *format)
{
    char *path = fx_path(dir, name);
    size_t len = 0;
    char *data = fx_read(path, &len);
    if (data == NULL)
        fail_msg("%s was not written", path);
    if (len <= 2048)
        fail_msg("%s has only %zu bytes", path, len);
    if (strcmp(format, "png") == 0)
        assert_memory_equal(data, "\x89PNG\r\n\x1a\n", 8);
    else if (strstr(data, "<svg") == NULL || strstr(data, "</svg>") == NULL)
        fail_msg("%s is not an SVG", path);
    free(data);
    free(path);
}

/* Each kind of picture of the "side" folder, in both formats; the numbers behind them. */
static void check_side_pictures(const char *format)
{
    static const char *const names[] = {"side-native-py311-pymalloc-700_10_10",
                                        "side-native-py311-pymalloc-2000_10_10",
                                        "side-python-cpython-pymalloc-700_10_10",
                                        "side-rss-compared",
                                        "overview",
                                        "side-native-thresholds",
                                        "side-native-vs-cpython"};
    char *dir = fx_mkdtemp();
    fx_write_side(dir);
    ds d;
    load(&d, dir);
    fx_capture out, err;
    fx_capture_begin(&out, STDOUT_FILENO);
    fx_capture_begin(&err, STDERR_FILENO);
    int rc = plot_results(&d, dir, format, false);
    char *errs = fx_capture_end(&err);
    char *printed = fx_capture_end(&out);
    assert_int_equal(rc, 0);
    assert_string_equal(errs, "");
    char want[8192] = "", file[256];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(file, sizeof file, "plots/%s.%s", names[i], format);
        assert_image(dir, file, format);
        snprintf(want + strlen(want), sizeof want - strlen(want), "plot: %s/%s\n", dir, file);
    }
    assert_string_equal(printed, want);
    assert_false(exists(dir, "plots/side-python-thresholds.dat")); /* one python threshold */
    free(printed);
    free(errs);
    ds_free(&d);
    fx_rmtree(dir);
    free(dir);
}

static void test_all_kinds_png(void **state)
{
    (void)state;
    if (!have_gnuplot())
        skip();
    check_side_pictures("png");
}

static void test_all_kinds_svg(void **state)
{
    (void)state;
    if (!have_gnuplot())
        skip();
    check_side_pictures("svg");
}

/* The data files behind the pictures, number by number. */
static void test_side_data_files(void **state)
{
    (void)state;
    if (!have_gnuplot())
        skip();
    char *dir = fx_mkdtemp();
    fx_write_side(dir);
    ds d;
    load(&d, dir);
    assert_int_equal(plot_results(&d, dir, "svg", true), 0);

    /* ticks at 150 and 250 ms fall half-way through iterations 1 and 2, the iteration samples
     * between them; the setting with the failed run has no tick at all */
    char *path = fx_path(dir, "plots/side-native-py311-pymalloc-700_10_10-ticks.dat");
    char *text = fx_read(path, NULL);
    assert_non_null(text);
    assert_non_null(strstr(text, "\n\"With GC, RSS every 100 ms (n1)\" \"RSS\" \"seconds\"\n"
                                 "0 10.0000 0.1000\n"
                                 "0.5000 20.0000 0.1500\n"
                                 "1 12.0000 0.2000\n"
                                 "1.5000 22.0000 0.2500\n"
                                 "2 12.0000 0.3000\n"
                                 "\n\n"
                                 "\"Without GC, RSS every 100 ms (n2)\" \"RSS\" \"seconds\"\n"
                                 "0 10.0000 0.1000\n"
                                 "0.5000 15.0000 0.1500\n"
                                 "1 20.0000 0.2000\n"
                                 "1.5000 25.0000 0.2500\n"
                                 "2 30.0000 0.3000\n"));
    free(text);
    free(path);
    assert_false(exists(dir, "plots/side-native-py311-pymalloc-2000_10_10-ticks.dat"));

    /* the failed auto run at 2000/10/10 leaves its figures out: NaN */
    path = fx_path(dir, "plots/side-native-thresholds.dat");
    text = fx_read(path, NULL);
    assert_non_null(text);
    assert_non_null(strstr(text, "\n700 \"700/10/10\" 12.0000 12.0000 12.0000 20.0000 20.0000 "
                                 "20.0000 5.0000 5.0000 5.0000 7.0000 7.0000 7.0000 30.0000 "
                                 "30.0000 30.0000 30.0000 30.0000 30.0000 2.0000 2.0000 2.0000 "
                                 "7.0000 7.0000 7.0000\n"
                                 "2000 \"2000/10/10\" 11.0000 11.0000 11.0000 11.0000 11.0000 "
                                 "11.0000 2.0000 2.0000 2.0000 2.0000 2.0000 2.0000 NaN NaN NaN "
                                 "NaN NaN NaN NaN NaN NaN NaN NaN NaN\n"));
    free(text);
    free(path);

    path = fx_path(dir, "plots/overview.list");
    text = fx_read(path, NULL);
    assert_non_null(text);
    /* no class rows: no live-instances panel, so each setting keeps its own panel */
    assert_non_null(strstr(text, "\n\"side-native-py311-pymalloc-700_10_10.dat\" \"forced auto\" "
                                 "\"side\" \"runtime native, policy py311, threshold 700/10/10\" "
                                 "\"rss\" \"0\" \"RSS (MiB)\" \"0\"\n"
                                 "\"side-native-py311-pymalloc-2000_10_10.dat\" \"forced "
                                 "auto:failed\" \"side\" \"runtime native, policy py311, "
                                 "threshold 2000/10/10\" \"rss\" \"0\" \"RSS (MiB)\" \"0\"\n"
                                 "\"side-python-cpython-pymalloc-700_10_10.dat\" \"forced auto\" "
                                 "\"side\" \"runtime python, policy cpython, threshold "
                                 "700/10/10\" \"rss\" \"0\" \"RSS (MiB)\" \"0\"\n"));
    free(text);
    free(path);

    /* titles in words, shown as they are (no enhanced text: the '_' stays) */
    path = fx_path(dir, "plots/side-native-vs-cpython.svg");
    text = fx_read(path, NULL);
    assert_non_null(strstr(text, "side: native runtime against CPython"));
    assert_non_null(strstr(text, "With GC, native runtime"));
    assert_non_null(strstr(text, "Without GC, CPython"));
    assert_non_null(strstr(text, "RSS (MiB)"));
    free(text);
    free(path);
    path = fx_path(dir, "plots/side-native-py311-pymalloc-700_10_10.svg");
    text = fx_read(path, NULL);
    /* the title's two lines: the scenario with its verdict, then the setting */
    assert_non_null(strstr(text, ">side \u2014 verdict: delayed<"));
    assert_non_null(strstr(text, ">runtime native, policy py311, allocator pymalloc, threshold "
                                 "700/10/10<"));
    assert_non_null(strstr(text, "thin: one run's RSS every 100 ms"));
    assert_non_null(strstr(text, "iteration (0 = start, after setup)"));
    free(text);
    free(path);
    path = fx_path(dir, "plots/side-native-thresholds.svg");
    text = fx_read(path, NULL);
    assert_non_null(strstr(text, "GC threshold 0 (first generation; log scale)"));
    assert_non_null(strstr(text, "total GC pause per run"));
    free(text);
    free(path);
    ds_free(&d);
    fx_rmtree(dir);
    free(dir);
}

/* A scenario run in several runtimes and policies ("policies" folder, a Pyodide setting among
 * them): the live instances side by side, the RSS of the comparable settings only, the overview
 * of both; the Pyodide setting's own picture counts instances, not RSS. */
static void check_policies_pictures(const char *format)
{
    static const char *const names[] = {"xr-native-py311-pymalloc-700_10_10",
                                        "xr-native-py314inc-pymalloc-2000_10_0",
                                        "xr-pyodide-3.12.7-cpython-malloc-700_10_10",
                                        "xr-instances",
                                        "xr-rss-compared",
                                        "overview"};
    char *dir = fx_mkdtemp();
    fx_write_policies(dir);
    ds d;
    load(&d, dir);
    fx_capture out, err;
    fx_capture_begin(&out, STDOUT_FILENO);
    fx_capture_begin(&err, STDERR_FILENO);
    int rc = plot_results(&d, dir, format, false);
    char *errs = fx_capture_end(&err);
    char *printed = fx_capture_end(&out);
    assert_int_equal(rc, 0);
    assert_string_equal(errs, "");
    char want[8192] = "", file[256];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(file, sizeof file, "plots/%s.%s", names[i], format);
        assert_image(dir, file, format);
        snprintf(want + strlen(want), sizeof want - strlen(want), "plot: %s/%s\n", dir, file);
    }
    assert_string_equal(printed, want);
    free(printed);
    free(errs);
    ds_free(&d);
    fx_rmtree(dir);
    free(dir);
}

static void test_policies_png(void **state)
{
    (void)state;
    if (!have_gnuplot())
        skip();
    check_policies_pictures("png");
}

static void test_policies_svg(void **state)
{
    (void)state;
    if (!have_gnuplot())
        skip();
    check_policies_pictures("svg");
}

/* The numbers behind the "policies" pictures: B instances per mode, auto first; the Pyodide
 * setting's RSS (150 to 240 MiB) in none of them; the overview's two lineup panels. */
static void test_policies_data_files(void **state)
{
    (void)state;
    if (!have_gnuplot())
        skip();
    char *dir = fx_mkdtemp();
    fx_write_policies(dir);
    ds d;
    load(&d, dir);
    assert_int_equal(plot_results(&d, dir, "svg", true), 0);
    char *path = fx_path(dir, "plots/xr-instances.dat");
    char *text = fx_read(path, NULL);
    assert_non_null(text);
    assert_non_null(strstr(text, "# gcbench: live B instances against iteration, xr's settings "
                                 "side by side\n"));
    assert_non_null(strstr(text, "\n\"iteration\" \"native py311\" \"native py314inc\" "
                                 "\"pyodide-3.12.7\" \"native py311\" \"native py314inc\" "
                                 "\"pyodide-3.12.7\"\n"
                                 "0 0 0 0 0 0 0\n"
                                 "1 100 100 100 0 0 0\n"
                                 "2 200 200 200 0 0 0\n"
                                 "3 100 300 100 0 0 0\n"));
    free(text);
    free(path);
    path = fx_path(dir, "plots/xr-rss-compared.dat");
    text = fx_read(path, NULL);
    assert_non_null(text);
    assert_non_null(strstr(text, "\n\"iteration\" \"native py311\" \"native py314inc\" "
                                 "\"native py311\" \"native py314inc\"\n"
                                 "0 10.0000 10.0000 10.0000 10.0000\n"
                                 "1 50.0000 50.0000 12.0000 12.0000\n"
                                 "2 90.0000 90.0000 12.0000 12.0000\n"
                                 "3 50.0000 130.0000 12.0000 12.0000\n"));
    assert_null(strstr(text, "pyodide"));
    free(text);
    free(path);
    path = fx_path(dir, "plots/xr-pyodide-3.12.7-cpython-malloc-700_10_10.dat");
    text = fx_read(path, NULL);
    assert_non_null(text);
    assert_non_null(strstr(text, "# RSS is not comparable in this runtime"));
    assert_non_null(strstr(text, "\n0 0 0 0 0 0 0\n1 0 0 0 200 200 200\n2 0 0 0 400 400 400\n"
                                 "3 0 0 0 200 200 200\n"));
    assert_null(strstr(text, "150.0000"));
    free(text);
    free(path);
    assert_false(exists(dir, "plots/xr-pyodide-3.12.7-cpython-malloc-700_10_10-ticks.dat"));
    path = fx_path(dir, "plots/overview.list");
    text = fx_read(path, NULL);
    assert_non_null(text);
    assert_non_null(strstr(text, "\n\"xr-instances.dat\" \"#0072B2:1:7 #D55E00:1:7 #56B4E9:4:8\" "
                                 "\"xr\" \"live B instances, Without GC\" \"lines\" \"1\" "
                                 "\"live B instances\" \"315\"\n"
                                 "\"xr-rss-compared.dat\" \"#0072B2:1:7 #D55E00:1:7\" \"xr\" "
                                 "\"RSS (MiB), Without GC\" \"lines\" \"1\" \"RSS (MiB)\" "
                                 "\"136.5\"\n"));
    assert_null(strstr(text, "xr-native-py311-pymalloc")); /* the lineup stands for them */
    free(text);
    free(path);
    path = fx_path(dir, "plots/xr-pyodide-3.12.7-cpython-malloc-700_10_10.svg");
    text = fx_read(path, NULL);
    assert_non_null(strstr(text, "live instances of the scenario's classes"));
    assert_null(strstr(text, "RSS (MiB)"));
    free(text);
    free(path);
    /* one y scale for both modes: the forced panel (all 0) is labelled up to 300 too */
    path = fx_path(dir, "plots/xr-instances.svg");
    text = fx_read(path, NULL);
    const char *tick = text;
    int tops = 0;
    while ((tick = strstr(tick, "> 300</text>")) != NULL)
        tops++, tick++;
    assert_int_equal(tops, 2);
    free(text);
    free(path);
    path = fx_path(dir, "plots/xr-rss-compared.svg");
    text = fx_read(path, NULL);
    assert_non_null(strstr(text, "Pyodide left out: its RSS is not comparable"));
    free(text);
    free(path);
    ds_free(&d);
    fx_rmtree(dir);
    free(dir);
}

/* gnuplot missing with several kinds of picture due: one message, success, nothing left. */
static void test_side_gnuplot_not_found(void **state)
{
    (void)state;
    char *dir = fx_mkdtemp(), *empty = fx_mkdtemp();
    fx_write_side(dir);
    ds d;
    load(&d, dir);
    char *saved = strdup(getenv("PATH") != NULL ? getenv("PATH") : "/usr/bin:/bin");
    setenv("PATH", empty, 1);
    fx_capture out, err;
    fx_capture_begin(&out, STDOUT_FILENO);
    fx_capture_begin(&err, STDERR_FILENO);
    int rc = plot_results(&d, dir, "png", false);
    char *errs = fx_capture_end(&err);
    char *outs = fx_capture_end(&out);
    setenv("PATH", saved, 1);
    assert_int_equal(rc, 0);
    assert_string_equal(errs, "bench: gnuplot not found; plots skipped (install gnuplot-nox); "
                              "CSV and tables are unaffected\n");
    assert_string_equal(outs, "");
    assert_false(exists(dir, "plots"));
    free(errs);
    free(outs);
    free(saved);
    ds_free(&d);
    fx_rmtree(dir);
    fx_rmtree(empty);
    free(dir);
    free(empty);
}

/* A scripts folder without overview.gp: the settings are still drawn, the overview is named
 * as what failed, the result is 1. */
static void test_missing_script(void **state)
{
    (void)state;
    if (!have_gnuplot())
        skip();
    const char *source = getenv("GCBENCH_PLOTS_DIR");
    assert_non_null(source);
    char *dir = fx_mkdtemp(), *scripts = fx_mkdtemp();
    const char *copies[] = {"common.gp", "rss_panel.gp", "rss.gp",        "thresholds.gp",
                            "versus.gp", "lines.gp",     "lines_panel.gp"};
    for (size_t i = 0; i < sizeof copies / sizeof copies[0]; i++) {
        char *from = fx_path(source, copies[i]);
        char *text = fx_read(from, NULL);
        assert_non_null(text);
        fx_write(scripts, copies[i], text);
        free(text);
        free(from);
    }
    fx_write_side(dir);
    ds d;
    load(&d, dir);
    char *saved = strdup(source);
    setenv("GCBENCH_PLOTS_DIR", scripts, 1);
    fx_capture err;
    fx_capture_begin(&err, STDERR_FILENO);
    int rc = plot_results(&d, dir, "png", true);
    char *errs = fx_capture_end(&err);
    setenv("GCBENCH_PLOTS_DIR", saved, 1);
    assert_int_equal(rc, 1);
    char want[2048];
    snprintf(want, sizeof want,
             "bench: %s/overview.gp: cannot read: No such file or directory; plots skipped\n",
             scripts);
    assert_string_equal(errs, want);
    assert_image(dir, "plots/side-native-py311-pymalloc-700_10_10.png", "png");
    assert_image(dir, "plots/side-native-thresholds.png", "png");
    assert_image(dir, "plots/side-native-vs-cpython.png", "png");
    free(errs);
    free(saved);
    ds_free(&d);
    fx_rmtree(dir);
    fx_rmtree(scripts);
    free(dir);
    free(scripts);
}

static int run_cmd_plot(const char **args, char **errs)
{
    char *argv[16];
    int argc = 0;
    for (; args[argc] != NULL; argc++)
        argv[argc] = (char *)args[argc];
    argv[argc] = NULL;
    fx_capture out, err;
    fx_capture_begin(&out, STDOUT_FILENO);
    fx_capture_begin(&err, STDERR_FILENO);
    int rc = cmd_plot(argc, argv);
    *errs = fx_capture_end(&err);
    free(fx_capture_end(&out));
    return rc;
}

static void test_main_options(void **state)
{
    (void)state;
    char *dir = fx_mkdtemp(), *errs;
    fx_write_tiny(dir);
    assert_int_equal(run_cmd_plot((const char *[]){"plot", dir, "--format", "pdf", NULL}, &errs),
                     2);
    assert_non_null(strstr(errs, "bench: --format 'pdf' is not available; use png or svg\n"));
    free(errs);
    assert_int_equal(run_cmd_plot((const char *[]){"plot", "--help", NULL}, &errs), 0);
    free(errs);
    assert_int_equal(run_cmd_plot((const char *[]){"plot", NULL}, &errs), 2);
    free(errs);
    char *missing = fx_path(dir, "nope");
    assert_int_equal(run_cmd_plot((const char *[]){"plot", missing, NULL}, &errs), 1);
    assert_non_null(strstr(errs, "nope/runs.csv: cannot read"));
    free(errs);
    free(missing);
    if (have_gnuplot()) {
        assert_int_equal(
            run_cmd_plot((const char *[]){"plot", "--format", "svg", dir, NULL}, &errs), 0);
        assert_string_equal(errs, "");
        free(errs);
        assert_true(exists(dir, "plots/tiny.svg"));
    }
    fx_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_png),
        cmocka_unit_test(test_svg_and_names),
        cmocka_unit_test(test_fitted_growth_line),
        cmocka_unit_test(test_forged_fit),
        cmocka_unit_test(test_gnuplot_not_found),
        cmocka_unit_test(test_gnuplot_fails),
        cmocka_unit_test(test_all_kinds_png),
        cmocka_unit_test(test_all_kinds_svg),
        cmocka_unit_test(test_side_data_files),
        cmocka_unit_test(test_policies_png),
        cmocka_unit_test(test_policies_svg),
        cmocka_unit_test(test_policies_data_files),
        cmocka_unit_test(test_side_gnuplot_not_found),
        cmocka_unit_test(test_missing_script),
        cmocka_unit_test(test_main_options),
    };
    return cmocka_run_group_tests_name("plot", tests, NULL, NULL);
}
