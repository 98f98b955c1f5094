/* test_report.c — `bench report`: report_print's exact lines on small folders, every format
 * (text, markdown, csv) cell by cell on hand-made folders (failed runs, missing optional
 * columns, quoted commas, several settings and both runtimes side by side), and cmd_report's
 * options, exit codes and messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "csvio.h"
#include "dataset.h"
#include "fixture.h"
#include "report.h"

/* report_write of the folder in dir (filtered by scenarios) in format as one string; free()
 * it. */
static char *write_folder(const char *dir, report_format format, const char *const *scenarios,
                          size_t nscenarios)
{
    ds d;
    char err[512] = "";
    if (ds_load(&d, dir, err, sizeof err) != 0)
        fail_msg("ds_load: %s", err);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    int rc = format == REPORT_TEXT ? report_print(out, &d, scenarios, nscenarios)
                                   : report_write(out, &d, format, scenarios, nscenarios);
    assert_int_equal(rc, 0);
    assert_int_equal(fclose(out), 0);
    ds_free(&d);
    return text;
}

static char *print_folder(const char *dir, const char *const *scenarios, size_t nscenarios)
{
    return write_folder(dir, REPORT_TEXT, scenarios, nscenarios);
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
                              "verdict: none (summary.csv has no row for this setting)\n"
                              "\n"
                              "beta: settings side by side (medians over the repeats that "
                              "succeeded)\n"
                              "                                                   final RSS  "
                              "peak RSS    growth               objects      pause   pause   "
                              "pause  wall\n"
                              "runtime  policy  allocator  threshold  mode              MiB     "
                              "  MiB  MiB/iter  collections  scanned  median ms  p95 ms  max ms "
                              "    s  verdict\n"
                              "native                                 Without GC          \u2014 "
                              "        \u2014         \u2014            \u2014        \u2014     "
                              "     \u2014       \u2014       \u2014     \u2014  \u2014\n"
                              "python                                 Without GC          \u2014 "
                              "        \u2014         \u2014            \u2014        \u2014     "
                              "     \u2014       \u2014       \u2014     \u2014  \u2014\n");
    free(text);
    text = print_folder(dir, NULL, 0);
    char line[256];
    assert_string_equal(fx_line(text, 0, line, sizeof line), "alpha (runtime native)");
    assert_string_equal(fx_line(text, 3, line, sizeof line), "verdict: released");
    free(text);
    fx_rmtree(dir);
    free(dir);
}

/* ==== several settings and runtimes: every format ========================================== */

static void test_side_text(void **state)
{
    (void)state;
    char *dir = fx_mkdtemp();
    fx_write_side(dir);
    char *text = print_folder(dir, NULL, 0);
    assert_string_equal(
        text,
        "side (runtime native, policy py311, allocator pymalloc, threshold 700/10/10)\n"
        "iteration  With GC  Without GC\n"
        "start        10.00       10.00\n"
        "1            12.00       20.00\n"
        "2            12.00       30.00\n"
        "verdict: delayed \u2014 growth per iteration: With GC +0.00 MiB, Without GC +10.00 MiB; "
        "gc.garbage +0/iter\n"
        "reason: flat with forced collection, grows without it\n"
        "native beside CPython:  growth per iteration (MiB)    peak above baseline (MiB)\n"
        "                 native   CPython  ratio      native   CPython  ratio\n"
        "  With GC         +0.00     +0.00    \u2014       10.00     10.00   1.00\n"
        "  Without GC     +10.00    +10.00   1.00       20.00     20.00   1.00\n"
        "\n"
        "side (runtime native, policy py311, allocator pymalloc, threshold 2000/10/10)\n"
        "iteration  With GC  Without GC (stopped early)\n"
        "start        10.00                       10.00\n"
        "1            11.00                       25.00\n"
        "2            11.00                           \u2014\n"
        "verdict: released \u2014 growth per iteration: With GC +0.00 MiB; gc.garbage +0/iter\n"
        "reason: flat in every mode that ran\n"
        "failed: n4 Without GC repeat 1: failed at iteration 1 (25.00 MiB) \u2014 boom, at step 2\n"
        "\n"
        "side (runtime python, policy cpython, allocator pymalloc, threshold 700/10/10)\n"
        "iteration  With GC  Without GC\n"
        "start        20.00       20.00\n"
        "1            22.00       30.00\n"
        "2            22.00       40.00\n"
        "verdict: delayed \u2014 growth per iteration: With GC +0.00 MiB, Without GC +10.00 MiB; "
        "gc.garbage +0/iter\n"
        "reason: flat with forced collection, grows without it\n"
        "\n"
        "side: settings side by side (medians over the repeats that succeeded)\n"
        "                                                     final RSS  peak RSS    growth     "
        "          objects      pause   pause   pause  wall\n"
        "runtime  policy   allocator  threshold   mode              MiB       MiB  MiB/iter  "
        "collections  scanned  median ms  p95 ms  max ms     s  verdict\n"
        "native   py311    pymalloc   700/10/10   With GC         12.00     20.00     +0.00     "
        "       5        \u2014       1.50       \u2014    2.50  1.00  delayed\n"
        "native   py311    pymalloc   700/10/10   Without GC      30.00     30.00    +10.00     "
        "       2        \u2014       3.00       \u2014    4.00  1.20  delayed\n"
        "native   py311    pymalloc   2000/10/10  With GC         11.00     11.00     +0.00     "
        "       2        \u2014       1.00       \u2014    1.00  0.90  released\n"
        "native   py311    pymalloc   2000/10/10  Without GC          \u2014         \u2014     "
        "    \u2014            \u2014        \u2014          \u2014       \u2014       \u2014     "
        "\u2014  released\n"
        "python   cpython  pymalloc   700/10/10   With GC         22.00     22.00     +0.00     "
        "       3        \u2014       2.00       \u2014    2.00  2.00  delayed\n"
        "python   cpython  pymalloc   700/10/10   Without GC      40.00     40.00    +10.00     "
        "       1        \u2014       5.00       \u2014    5.00  2.50  delayed\n");
    free(text);
    fx_rmtree(dir);
    free(dir);
}

static void test_side_markdown(void **state)
{
    (void)state;
    char *dir = fx_mkdtemp();
    fx_write_side(dir);
    char *text = write_folder(dir, REPORT_MARKDOWN, NULL, 0);
    assert_string_equal(
        text,
        "## side\n"
        "\n"
        "### runtime native, policy py311, allocator pymalloc, threshold 700/10/10\n"
        "\n"
        "| iteration | With GC | Without GC |\n"
        "|:--|--:|--:|\n"
        "| start | 10.00 | 10.00 |\n"
        "| 1 | 12.00 | 20.00 |\n"
        "| 2 | 12.00 | 30.00 |\n"
        "\n"
        "**Verdict: delayed** \u2014 growth per iteration: With GC +0.00 MiB, Without GC +10.00 "
        "MiB; gc.garbage +0/iter\n"
        "\n"
        "Reason: flat with forced collection, grows without it\n"
        "\n"
        "Native beside CPython:\n"
        "\n"
        "| mode | growth native (MiB/iter) | growth CPython (MiB/iter) | growth ratio | peak "
        "native (MiB above baseline) | peak CPython (MiB above baseline) | peak ratio |\n"
        "|:--|--:|--:|--:|--:|--:|--:|\n"
        "| With GC | +0.00 | +0.00 | \u2014 | 10.00 | 10.00 | 1.00 |\n"
        "| Without GC | +10.00 | +10.00 | 1.00 | 20.00 | 20.00 | 1.00 |\n"
        "\n"
        "### runtime native, policy py311, allocator pymalloc, threshold 2000/10/10\n"
        "\n"
        "| iteration | With GC | Without GC (stopped early) |\n"
        "|:--|--:|--:|\n"
        "| start | 10.00 | 10.00 |\n"
        "| 1 | 11.00 | 25.00 |\n"
        "| 2 | 11.00 | \u2014 |\n"
        "\n"
        "**Verdict: released** \u2014 growth per iteration: With GC +0.00 MiB; gc.garbage "
        "+0/iter\n"
        "\n"
        "Reason: flat in every mode that ran\n"
        "\n"
        "Failed runs:\n"
        "\n"
        "- n4 Without GC repeat 1: failed at iteration 1 (25.00 MiB) \u2014 boom, at step 2\n"
        "\n"
        "### runtime python, policy cpython, allocator pymalloc, threshold 700/10/10\n"
        "\n"
        "| iteration | With GC | Without GC |\n"
        "|:--|--:|--:|\n"
        "| start | 20.00 | 20.00 |\n"
        "| 1 | 22.00 | 30.00 |\n"
        "| 2 | 22.00 | 40.00 |\n"
        "\n"
        "**Verdict: delayed** \u2014 growth per iteration: With GC +0.00 MiB, Without GC +10.00 "
        "MiB; gc.garbage +0/iter\n"
        "\n"
        "Reason: flat with forced collection, grows without it\n"
        "\n"
        "### Settings side by side\n"
        "\n"
        "Medians over the repeats that succeeded, from summary.csv.\n"
        "\n"
        "| runtime | policy | allocator | threshold | mode | final RSS MiB | peak RSS MiB | "
        "growth MiB/iter | collections | objects scanned | pause median ms | pause p95 ms | "
        "pause max ms | wall s | verdict |\n"
        "|:--|:--|:--|:--|:--|--:|--:|--:|--:|--:|--:|--:|--:|--:|:--|\n"
        "| native | py311 | pymalloc | 700/10/10 | With GC | 12.00 | 20.00 | +0.00 | 5 | \u2014 "
        "| 1.50 | \u2014 | 2.50 | 1.00 | delayed |\n"
        "| native | py311 | pymalloc | 700/10/10 | Without GC | 30.00 | 30.00 | +10.00 | 2 | "
        "\u2014 | 3.00 | \u2014 | 4.00 | 1.20 | delayed |\n"
        "| native | py311 | pymalloc | 2000/10/10 | With GC | 11.00 | 11.00 | +0.00 | 2 | \u2014 "
        "| 1.00 | \u2014 | 1.00 | 0.90 | released |\n"
        "| native | py311 | pymalloc | 2000/10/10 | Without GC | \u2014 | \u2014 | \u2014 | "
        "\u2014 | \u2014 | \u2014 | \u2014 | \u2014 | \u2014 | released |\n"
        "| python | cpython | pymalloc | 700/10/10 | With GC | 22.00 | 22.00 | +0.00 | 3 | "
        "\u2014 | 2.00 | \u2014 | 2.00 | 2.00 | delayed |\n"
        "| python | cpython | pymalloc | 700/10/10 | Without GC | 40.00 | 40.00 | +10.00 | 1 | "
        "\u2014 | 5.00 | \u2014 | 5.00 | 2.50 | delayed |\n");
    free(text);
    fx_rmtree(dir);
    free(dir);
}

/* The csv written, read back through csvio (quoting included), compared cell by cell. */
static void test_side_csv(void **state)
{
    (void)state;
    static const char *const header[] = {REPORT_CSV_COLUMNS};
    enum { NCOLS = sizeof header / sizeof header[0] };
    static const char *const want[][NCOLS] = {
        {"side",      "native", "py311",   "pymalloc",
         "700/10/10", "forced", "1",       "0",
         "12.000",    "20.000", "0.000",   "0.000",
         "0.000",     "0.000",  "5",       "",
         "1.500",     "",       "2.500",   "1.000",
         "",          "1.000",  "delayed", "flat with forced collection, grows without it",
         "1",         "",       "",        "",
         "",          "",       ""},
        {"side",      "native", "py311",   "pymalloc",
         "700/10/10", "auto",   "1",       "0",
         "30.000",    "30.000", "10.000",  "10.000",
         "10.000",    "0.000",  "2",       "",
         "3.000",     "",       "4.000",   "1.200",
         "1.000",     "1.000",  "delayed", "flat with forced collection, grows without it",
         "1",         "",       "",        "",
         "",          "",       ""},
        {"side",  "native", "py311",  "pymalloc", "2000/10/10", "forced",
         "1",     "0",      "11.000", "11.000",   "0.000",      "0.000",
         "0.000", "0.000",  "2",      "",         "1.000",      "",
         "1.000", "0.900",  "",       "",         "released",   "flat in every mode that ran",
         "1",     "",       "",       "",         "",           "",
         ""},
        {"side", "native", "py311", "pymalloc", "2000/10/10", "auto",
         "0",    "1",      "",      "",         "",           "",
         "",     "",       "",      "",         "",           "",
         "",     "",       "",      "",         "released",   "flat in every mode that ran",
         "1",    "",       "",      "",         "",           "",
         ""},
        {"side",      "python", "cpython", "pymalloc",
         "700/10/10", "forced", "1",       "0",
         "22.000",    "22.000", "0.000",   "0.000",
         "0.000",     "0.000",  "3",       "",
         "2.000",     "",       "2.000",   "2.000",
         "",          "",       "delayed", "flat with forced collection, grows without it",
         "1",         "",       "",        "",
         "",          "",       ""},
        {"side",      "python", "cpython", "pymalloc",
         "700/10/10", "auto",   "1",       "0",
         "40.000",    "40.000", "10.000",  "10.000",
         "10.000",    "0.000",  "1",       "",
         "5.000",     "",       "5.000",   "2.500",
         "",          "",       "delayed", "flat with forced collection, grows without it",
         "1",         "",       "",        "",
         "",          "",       ""},
    };
    char *dir = fx_mkdtemp();
    fx_write_side(dir);
    char *text = write_folder(dir, REPORT_CSV, NULL, 0);
    char *out = fx_mkdtemp();
    fx_write(out, "report.csv", text);
    char *path = fx_path(out, "report.csv"), err[512] = "";
    csvt t;
    if (csvt_load(&t, path, err, sizeof err) != 0)
        fail_msg("csvt_load: %s", err);
    assert_int_equal(t.ncols, NCOLS);
    for (size_t c = 0; c < NCOLS; c++)
        assert_string_equal(t.header[c], header[c]);
    assert_int_equal(t.nrows, sizeof want / sizeof want[0]);
    for (size_t r = 0; r < t.nrows; r++)
        for (size_t c = 0; c < NCOLS; c++)
            if (strcmp(csvt_get(&t, r, (int)c), want[r][c]) != 0)
                fail_msg("row %zu, %s: '%s', want '%s'", r + 1, header[c], csvt_get(&t, r, (int)c),
                         want[r][c]);
    /* the quoted comma is a quoted cell in the file */
    assert_non_null(strstr(text, ",delayed,\"flat with forced collection, grows without it\",1,"));
    csvt_free(&t);
    free(path);
    free(text);
    fx_rmtree(out);
    free(out);
    fx_rmtree(dir);
    free(dir);
}

/* --scenario applies to every format; a scenario run in one setting has no side table. */
static void test_formats_filter(void **state)
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
    const char *only_beta[] = {"beta"};
    char *csv = write_folder(dir, REPORT_CSV, only_beta, 1);
    char line[1024];
    assert_string_equal(fx_line(csv, 1, line, sizeof line),
                        "beta,native,,,,auto,,,,,,,,,,,,,,,,,,,1,,,,,,");
    assert_string_equal(fx_line(csv, 2, line, sizeof line),
                        "beta,python,,,,auto,,,,,,,,,,,,,,,,,,,1,,,,,,");
    assert_string_equal(fx_line(csv, 3, line, sizeof line), "");
    free(csv);
    char *md = write_folder(dir, REPORT_MARKDOWN, only_beta, 1);
    assert_null(strstr(md, "alpha"));
    assert_non_null(strstr(md, "## beta\n\n### runtime native\n"));
    assert_non_null(strstr(md, "\n### Settings side by side\n"));
    free(md);
    char *text = print_folder(dir, only_beta, 1);
    assert_non_null(strstr(text, "\nbeta: settings side by side"));
    free(text);
    fx_rmtree(dir);
    free(dir);

    dir = fx_mkdtemp();
    fx_write_tiny(dir);
    md = write_folder(dir, REPORT_MARKDOWN, NULL, 0);
    assert_null(strstr(md, "side by side"));
    assert_non_null(strstr(md, "## tiny\n\n### runtime native, policy py311, allocator pymalloc, "
                               "threshold 700/10/10\n\n| iteration | With GC | Without GC |\n"));
    free(md);
    text = print_folder(dir, NULL, 0);
    assert_null(strstr(text, "side by side"));
    free(text);
    csv = write_folder(dir, REPORT_CSV, NULL, 0);
    /* summary.csv of tiny has only a few columns: the others are empty */
    assert_string_equal(fx_line(csv, 1, line, sizeof line),
                        "tiny,native,py311,pymalloc,700/10/10,forced,1,,,,0.000,,,0.000,,,,,,,,,"
                        "delayed,\"grows without forced collection, flat with it\",1,,,,,,");
    free(csv);
    fx_rmtree(dir);
    free(dir);
}

/* No summary.csv at all: every figure of the side table is missing, nothing fails. */
static void test_side_without_summary(void **state)
{
    (void)state;
    char *dir = fx_mkdtemp();
    fx_write_side(dir);
    char *summary = fx_path(dir, "summary.csv");
    assert_int_equal(unlink(summary), 0);
    free(summary);
    char *text = print_folder(dir, NULL, 0);
    char line[1024];
    assert_non_null(strstr(text, "verdict: none (no summary.csv in this folder)\n"));
    const char *side = strstr(text, "side: settings side by side");
    assert_non_null(side);
    assert_string_equal(fx_line(side, 3, line, sizeof line),
                        "native   py311    pymalloc   700/10/10   With GC             \u2014  "
                        "       \u2014         \u2014            \u2014        \u2014          "
                        "\u2014       \u2014       \u2014     \u2014  \u2014");
    free(text);
    char *csv = write_folder(dir, REPORT_CSV, NULL, 0);
    assert_string_equal(fx_line(csv, 4, line, sizeof line),
                        "side,native,py311,pymalloc,2000/10/10,auto,,,,,,,,,,,,,,,,,,,1,,,,,,");
    free(csv);
    fx_rmtree(dir);
    free(dir);
}

/* Markdown: a multi-line message in a fenced block, markup characters escaped. */
static void test_markdown_failed_runs(void **state)
{
    (void)state;
    char *dir = fx_mkdtemp();
    write_repeats_folder(dir);
    char *text = write_folder(dir, REPORT_MARKDOWN, NULL, 0);
    const char *failed = strstr(text, "Failed runs:\n");
    assert_non_null(failed);
    assert_string_equal(failed,
                        "Failed runs:\n"
                        "\n"
                        "- r0005 Without GC repeat 2: failed at iteration 1 (30.00 MiB):\n"
                        "\n"
                        "  ```\n"
                        "  Traceback, most recent call last:\n"
                        "    ValueError: x\n"
                        "  ```\n"
                        "\n"
                        "- r0006 GC off repeat 1: crashed before the first sample \u2014 killed by "
                        "signal 11\n");
    free(text);
    fx_write(dir, "runs.csv",
             "run_id,scenario,runtime,mode,status,message\n"
             "x1,my_scen,native,auto,crashed,\"__del__ raised: a|b *c* <d> `e` [f]\"\n");
    fx_write(dir, "samples.csv", "run_id,kind,iteration,rss_bytes\n");
    text = write_folder(dir, REPORT_MARKDOWN, NULL, 0);
    assert_string_equal(text,
                        "## my_scen\n"
                        "\n"
                        "### runtime native\n"
                        "\n"
                        "No iteration samples.\n"
                        "\n"
                        "**Verdict: none** (no summary.csv in this folder)\n"
                        "\n"
                        "Failed runs:\n"
                        "\n"
                        "- x1 Without GC: crashed before the first sample \u2014 \\_\\_del\\_\\_ "
                        "raised: a\\|b \\*c\\* \\<d\\> \\`e\\` \\[f\\]\n");
    free(text);
    fx_rmtree(dir);
    free(dir);
}

/* ==== cmd_report ========================================================================== */

typedef struct cli_result {
    int rc;
    char *out, *err;
} cli_result;

/* Runs cmd_report on argv (NULL-terminated) with stdout and stderr captured. */
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
    r.rc = cmd_report(argc, argv);
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
    assert_non_null(strstr(r.out, "Usage: bench report DIR [--format text|markdown|csv|json]"));
    assert_non_null(strstr(r.out, "rss_growth_mib_per_iter"));
    assert_non_null(strstr(r.out, "--scenario"));
    free_result(&r);
    fx_rmtree(dir);
    free(dir);
}

static void test_main_formats(void **state)
{
    (void)state;
    char *dir = fx_mkdtemp();
    fx_write_side(dir);
    cli_result r = run_report((const char *[]){"report", dir, "--format", "csv", NULL});
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.err, "");
    char line[1024];
    assert_string_equal(fx_line(r.out, 0, line, sizeof line),
                        "scenario,runtime,policy,allocator,threshold,mode,repeats_ok,"
                        "repeats_failed,final_rss_mib,peak_rss_mib,rss_growth_mib_per_iter,"
                        "rss_growth_mib_per_iter_min,rss_growth_mib_per_iter_max,"
                        "garbage_growth_per_iter,collections,objects_scanned,pause_median_ms,"
                        "pause_p95_ms,pause_max_ms,wall_s,growth_ratio_to_cpython,"
                        "peak_ratio_to_cpython,verdict,verdict_reason,rss_comparable,"
                        "verdict_basis,class_objects_final,class_objects_growth_per_iter,"
                        "collections_gen0,collections_gen1,collections_gen2");
    free_result(&r);
    r = run_report(
        (const char *[]){"report", "--format", "markdown", "--scenario", "side", dir, NULL});
    assert_int_equal(r.rc, 0);
    assert_true(strncmp(r.out, "## side\n\n### runtime native, policy py311", 40) == 0);
    free_result(&r);

    /* A malformed number half-way: exit 1, the file and line named, nothing on stdout. */
    const char *formats[] = {"text", "markdown", "csv"};
    char *summary = fx_path(dir, "summary.csv");
    char *text = fx_read(summary, NULL);
    char *bad = strstr(text, "2500000000,delayed");
    assert_non_null(bad);
    memcpy(bad, "25000000x0", 10);
    fx_write(dir, "summary.csv", text);
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        r = run_report((const char *[]){"report", dir, "--format", formats[i], NULL});
        assert_int_equal(r.rc, 1);
        char want[1024];
        snprintf(want, sizeof want, "bench: %s:7: wall_ns is '25000000x0', not a number\n",
                 summary);
        assert_string_equal(r.err, want);
        assert_string_equal(r.out, "");
        free_result(&r);
    }
    free(text);
    free(summary);

    /* A quote left open in runs.csv */
    fx_write(dir, "runs.csv",
             "run_id,scenario,runtime,mode,status,message\n"
             "r1,s,native,forced,ok,\"open\n");
    r = run_report((const char *[]){"report", dir, "--format", "csv", NULL});
    assert_int_equal(r.rc, 1);
    char want[1024];
    snprintf(want, sizeof want,
             "bench: %s/runs.csv:2: malformed CSV: a quoted cell is never closed\n", dir);
    assert_string_equal(r.err, want);
    assert_string_equal(r.out, "");
    free_result(&r);
    fx_rmtree(dir);
    free(dir);
}

static void test_main_usage_errors(void **state)
{
    (void)state;
    char *dir = fx_mkdtemp();
    fx_write_tiny(dir);
    cli_result r = run_report((const char *[]){"report", dir, "--format", "html", NULL});
    assert_int_equal(r.rc, 2);
    assert_non_null(
        strstr(r.err, "bench: --format 'html' is not one of text, markdown, csv or json\n"));
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

/* ==== several runtimes and policies: RSS that is not comparable, live instances ============ */

/* The whole text report of the "policies" folder: the pyodide setting's own table counts live
 * instances of the scenario's classes instead of RSS; its RSS cells in the side table are
 * "n/c", never a number beside the native rows'; the live-instances table sets every setting's
 * B instances side by side. */
static void test_policies_text(void **state)
{
    (void)state;
    char *dir = fx_mkdtemp();
    fx_write_policies(dir);
    char *text = print_folder(dir, NULL, 0);
    assert_string_equal(
        text, "xr (runtime native, policy py311, allocator pymalloc, threshold 700/10/10)\n"
              "iteration  With GC  Without GC\n"
              "start        10.00       10.00\n"
              "1            12.00       50.00\n"
              "2            12.00       90.00\n"
              "3            12.00       50.00\n"
              "verdict: delayed \u2014 growth per iteration: With GC +0.00 MiB, Without GC +0.00 Mi"
              "B; gc.garbage +0/iter\n"
              "reason: flat with forced collection (+0.00 MiB/iter) but not without it (+0.00 MiB/i"
              "ter, mean +51.33 MiB above forced; limit 2.00)\n"
              "\n"
              "xr (runtime native, policy py314inc, allocator pymalloc, threshold 2000/10/0)\n"
              "iteration  With GC  Without GC\n"
              "start        10.00       10.00\n"
              "1            12.00       50.00\n"
              "2            12.00       90.00\n"
              "3            12.00      130.00\n"
              "verdict: delayed \u2014 growth per iteration: With GC +0.00 MiB, Without GC +40.00 M"
              "iB; gc.garbage +0/iter\n"
              "reason: flat with forced collection (+0.00 MiB/iter) but not without it (+40.00 MiB/"
              "iter, mean +78.00 MiB above forced; limit 2.00)\n"
              "\n"
              "xr (runtime pyodide-3.12.7, policy cpython, allocator malloc, threshold 700/10/10)\n"
              "live instances of the scenario's classes (A + B) after each iteration: RSS is not co"
              "mparable here (a Node.js process; WebAssembly memory only grows)\n"
              "iteration  With GC  Without GC\n"
              "start            0           0\n"
              "1                0         200\n"
              "2                0         400\n"
              "3                0         200\n"
              "verdict: delayed \u2014 live instances of the scenario's classes per iteration: With"
              " GC +0.0, Without GC +0.0; gc.garbage +0/iter\n"
              "reason: by live instances of the scenario's classes (RSS not comparable): flat with "
              "forced collection (+0.0 objects/iter) but not without it (+0.0 objects/iter, mean +2"
              "66.7 objects above forced; limit 10.0)\n"
              "\n"
              "xr: settings side by side (medians over the repeats that succeeded)\n"
              "                                                            final RSS  peak RSS    g"
              "rowth  instances  instances               by gen  objects      pause   pause   pause"
              "  wall\n"
              "runtime         policy    allocator  threshold  mode              MiB       MiB  MiB"
              "/iter     at end   per iter  collections   0/1/2  scanned  median ms  p95 ms  max ms"
              "     s  verdict\n"
              "native          py311     pymalloc   700/10/10  With GC         12.00     12.00     "
              "+0.00          0       +0.0            3   0/0/3        \u2014          \u2014    2."
              "00       \u2014  1.00  delayed\n"
              "native          py311     pymalloc   700/10/10  Without GC      50.00     90.00     "
              "+0.00        200       +0.0            1   1/0/0        \u2014          \u2014    2."
              "00       \u2014  1.00  delayed\n"
              "native          py314inc  pymalloc   2000/10/0  With GC         12.00     12.00     "
              "+0.00          0       +0.0            3   0/0/3        \u2014          \u2014    2."
              "00       \u2014  1.00  delayed\n"
              "native          py314inc  pymalloc   2000/10/0  Without GC     130.00    130.00    +"
              "40.00        600     +200.0            0   0/0/0        \u2014          \u2014    2."
              "00       \u2014  1.00  delayed\n"
              "pyodide-3.12.7  cpython   malloc     700/10/10  With GC           n/c       n/c     "
              "  n/c          0       +0.0            3   0/0/3        \u2014          \u2014    2."
              "00       \u2014  1.00  delayed\n"
              "pyodide-3.12.7  cpython   malloc     700/10/10  Without GC        n/c       n/c     "
              "  n/c        200       +0.0            1   1/0/0        \u2014          \u2014    2."
              "00       \u2014  1.00  delayed\n"
              "instances: live instances of the scenario's classes, summed over its classes\n"
              "n/c: RSS not comparable (Pyodide: the Node.js process's RSS, and WebAssembly memory "
              "only grows); the verdict is made on the live instances of the scenario's classes\n"
              "\n"
              "xr: live B instances per iteration, Without GC (B: the scenario's class with the mos"
              "t live instances at the end; median over repeats)\n"
              "           native    native\n"
              "iteration   py311  py314inc  pyodide-3.12.7\n"
              "start           0         0               0\n"
              "1             100       100             100\n"
              "2             200       200             200\n"
              "3             100       300             100\n");
    free(text);
    fx_rmtree(dir);
    free(dir);
}

static void test_policies_markdown(void **state)
{
    (void)state;
    char *dir = fx_mkdtemp();
    fx_write_policies(dir);
    char *md = write_folder(dir, REPORT_MARKDOWN, NULL, 0);
    assert_non_null(strstr(md, "### runtime pyodide-3.12.7, policy cpython, allocator malloc, "
                               "threshold 700/10/10\n\nCells: live instances of the scenario's "
                               "classes (A + B) after each iteration: RSS is not comparable "
                               "here (a Node.js process; WebAssembly memory only grows).\n\n"
                               "| iteration | With GC | Without GC |\n|:--|--:|--:|\n"
                               "| start | 0 | 0 |\n| 1 | 0 | 200 |\n"));
    assert_non_null(strstr(md, "| pyodide-3.12.7 | cpython | malloc | 700/10/10 | Without GC | "
                               "n/c | n/c | n/c | 200 | +0.0 | 1 | 1/0/0 | \u2014 | \u2014 | "
                               "2.00 | \u2014 | 1.00 | delayed |\n"));
    assert_non_null(strstr(md, "| native | py314inc | pymalloc | 2000/10/0 | Without GC | 130.00 "
                               "| 130.00 | +40.00 | 600 | +200.0 | 0 | 0/0/0 |"));
    assert_non_null(strstr(md, "\n\nn/c: RSS not comparable (Pyodide: the Node.js process's "
                               "RSS, and WebAssembly memory only grows); the verdict is made on "
                               "the live instances of the scenario's classes.\n"));
    assert_non_null(strstr(md, "### Live B instances per iteration, Without GC\n\n"
                               "B is the scenario's class with the most live instances after the "
                               "last iteration (the later-defined on a tie); each cell the median "
                               "over the repeats that succeeded.\n\n"
                               "| iteration | native py311 | native py314inc | pyodide-3.12.7 |\n"
                               "|:--|--:|--:|--:|\n"
                               "| start | 0 | 0 | 0 |\n"
                               "| 1 | 100 | 100 | 100 |\n"
                               "| 2 | 200 | 200 | 200 |\n"
                               "| 3 | 100 | 300 | 100 |\n"));
    /* the pyodide RSS (150 to 240 MiB) appears nowhere */
    assert_null(strstr(md, "240.00"));
    assert_null(strstr(md, "150.00"));
    free(md);
    fx_rmtree(dir);
    free(dir);
}

/* The csv's pyodide rows have no RSS figure (empty cells), rss_comparable 0 and the
 * class_objects basis; the native rows keep theirs. */
static void test_policies_csv(void **state)
{
    (void)state;
    static const struct {
        size_t row;
        const char *column, *want;
    } cells[] = {
        {0, "runtime", "native"},
        {0, "final_rss_mib", "12.000"},
        {0, "rss_comparable", "1"},
        {0, "verdict_basis", "rss"},
        {0, "collections_gen2", "3"},
        {3, "policy", "py314inc"},
        {3, "rss_growth_mib_per_iter", "40.000"},
        {3, "class_objects_final", "600"},
        {3, "class_objects_growth_per_iter", "200.000"},
        {4, "runtime", "pyodide-3.12.7"},
        {4, "mode", "forced"},
        {4, "final_rss_mib", ""},
        {4, "peak_rss_mib", ""},
        {4, "rss_growth_mib_per_iter", ""},
        {4, "rss_comparable", "0"},
        {4, "verdict_basis", "class_objects"},
        {5, "mode", "auto"},
        {5, "final_rss_mib", ""},
        {5, "rss_growth_mib_per_iter_min", ""},
        {5, "class_objects_final", "200"},
        {5, "collections_gen0", "1"},
        {5, "collections_gen1", "0"},
        {5, "verdict", "delayed"},
    };
    char *dir = fx_mkdtemp();
    fx_write_policies(dir);
    char *text = write_folder(dir, REPORT_CSV, NULL, 0);
    fx_write(dir, "report.csv", text);
    char *path = fx_path(dir, "report.csv"), err[512] = "";
    csvt t;
    if (csvt_load(&t, path, err, sizeof err) != 0)
        fail_msg("csvt_load: %s", err);
    assert_int_equal(t.nrows, 6);
    for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++) {
        int col = csvt_col(&t, cells[i].column);
        assert_true(col >= 0);
        if (strcmp(csvt_get(&t, cells[i].row, col), cells[i].want) != 0)
            fail_msg("row %zu, %s: '%s', want '%s'", cells[i].row + 1, cells[i].column,
                     csvt_get(&t, cells[i].row, col), cells[i].want);
    }
    assert_non_null(strstr(csvt_get(&t, 5, csvt_col(&t, "verdict_reason")),
                           "by live instances of the scenario's classes (RSS not comparable)"));
    csvt_free(&t);
    free(path);
    free(text);
    fx_rmtree(dir);
    free(dir);
}

/* The class the live-instances table shows: of those counted by the most settings, the most
 * live instances at the end, summed over the settings; on a tie the later-defined (B); the mode
 * auto, else another with two settings. */
static void test_instances_class(void **state)
{
    (void)state;
    char *dir = fx_mkdtemp();
    fx_write_policies(dir);
    ds d;
    char err[512];
    if (ds_load(&d, dir, err, sizeof err) != 0)
        fail_msg("%s", err);
    int mode = -1;
    long id = report_instances_class(&d, "xr", &mode);
    assert_true(id >= 0);
    assert_string_equal(d.class_names[id], "B");
    assert_int_equal(mode, 1);
    char label[128];
    report_setting_label(&d, 1, label, sizeof label, '/');
    assert_string_equal(label, "native/py314inc");
    report_setting_label(&d, 2, label, sizeof label, ' ');
    assert_string_equal(label, "pyodide-3.12.7");
    ds_free(&d);
    /* one more A than B at the end of a run: A is shown */
    fx_write(dir, "samples.csv",
             "run_id,kind,iteration,rss_bytes,live_objects,type_name\n"
             "n2,iter,0,1,,\nn2,class,0,,0,A\nn2,class,0,,0,B\n"
             "n2,iter,1,1,,\nn2,class,1,,7,A\nn2,class,1,,6,B\n"
             "i2,iter,0,1,,\ni2,class,0,,0,A\ni2,class,0,,0,B\n");
    if (ds_load(&d, dir, err, sizeof err) != 0)
        fail_msg("%s", err);
    id = report_instances_class(&d, "xr", &mode);
    assert_true(id >= 0);
    assert_string_equal(d.class_names[id], "A");
    ds_free(&d);
    /* all released (0 everywhere): of A and B, counted in both settings, B; BWeakRef, counted
     * in one setting only, stands for neither */
    fx_write(dir, "samples.csv",
             "run_id,kind,iteration,rss_bytes,live_objects,type_name\n"
             "n2,iter,0,1,,\nn2,class,0,,0,A\nn2,class,0,,0,B\n"
             "i2,iter,0,1,,\ni2,class,0,,0,A\ni2,class,0,,0,B\ni2,class,0,,0,BWeakRef\n");
    if (ds_load(&d, dir, err, sizeof err) != 0)
        fail_msg("%s", err);
    id = report_instances_class(&d, "xr", &mode);
    assert_true(id >= 0);
    assert_string_equal(d.class_names[id], "B");
    ds_free(&d);
    /* class rows in one setting only: no table */
    fx_write(dir, "samples.csv",
             "run_id,kind,iteration,rss_bytes,live_objects,type_name\n"
             "n2,iter,0,1,,\nn2,class,0,,0,A\ni2,iter,0,1,,\n");
    if (ds_load(&d, dir, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(report_instances_class(&d, "xr", &mode), -1);
    ds_free(&d);
    fx_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_policies_text),
        cmocka_unit_test(test_policies_markdown),
        cmocka_unit_test(test_policies_csv),
        cmocka_unit_test(test_instances_class),
        cmocka_unit_test(test_tiny_table),
        cmocka_unit_test(test_repeats_and_failed_runs),
        cmocka_unit_test(test_stopped_mode),
        cmocka_unit_test(test_scenario_filter),
        cmocka_unit_test(test_side_text),
        cmocka_unit_test(test_side_markdown),
        cmocka_unit_test(test_side_csv),
        cmocka_unit_test(test_formats_filter),
        cmocka_unit_test(test_side_without_summary),
        cmocka_unit_test(test_markdown_failed_runs),
        cmocka_unit_test(test_main_ok_and_help),
        cmocka_unit_test(test_main_formats),
        cmocka_unit_test(test_main_usage_errors),
        cmocka_unit_test(test_main_bad_folder),
    };
    return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
