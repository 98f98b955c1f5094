/* test_compare.c — `bench compare`: the Mann–Whitney U test against values listed by hand,
 * and cmd_compare's exact output (text, markdown, csv) on small results folders written
 * here: repeats that differ clearly and repeats that do not, too few repeats for a mark, a
 * single repeat, rows in only one folder, a failed run, an older folder without optional
 * files and columns, a quoted comma, malformed files and bad options. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "compare.h"
#include "fixture.h"

/* ==== helpers ============================================================================== */

/* printf into a new string; free() it. */
static char *fmt(const char *format, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    char *s = NULL;
    assert_true(vasprintf(&s, format, ap) >= 0);
    va_end(ap);
    return s;
}

typedef struct cli_result {
    int rc;
    char *out, *err;
} cli_result;

/* cmd_compare on "compare" followed by args (NULL-terminated), stdout and stderr captured. */
static cli_result run_compare(const char *const *args)
{
    char *argv[40] = {(char *)"compare"};
    int argc = 1;
    for (; args[argc - 1] != NULL; argc++) {
        assert_true(argc < 39);
        argv[argc] = (char *)args[argc - 1];
    }
    fx_capture out, err;
    fx_capture_begin(&out, STDOUT_FILENO);
    fx_capture_begin(&err, STDERR_FILENO);
    cli_result r;
    r.rc = cmd_compare(argc, argv);
    r.err = fx_capture_end(&err);
    r.out = fx_capture_end(&out);
    return r;
}

static void free_result(cli_result *r)
{
    free(r->out);
    free(r->err);
}

/* Two folders "a" and "b" in a fresh temp dir. */
typedef struct pair {
    char *root, *a, *b;
} pair;

static pair make_pair(void)
{
    pair p;
    p.root = fx_mkdtemp();
    p.a = fx_path(p.root, "a");
    p.b = fx_path(p.root, "b");
    assert_int_equal(mkdir(p.a, 0700), 0);
    assert_int_equal(mkdir(p.b, 0700), 0);
    return p;
}

static void free_pair(pair *p)
{
    fx_rmtree(p->root);
    free(p->root);
    free(p->a);
    free(p->b);
}

/* s as a CSV cell: quoted when it holds a comma, a quote or a line break. */
static void put_cell(FILE *f, const char *s)
{
    if (strpbrk(s, ",\"\n") == NULL) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* One run: native, py311, pymalloc, 700/10/10; its RSS after iterations 0, 1, 2 in KiB (a
 * negative one: no sample). */
typedef struct run_spec {
    const char *scenario, *mode, *status, *message;
    int64_t rss_kib[3];
    int64_t peak_kib, wall_ms, collections, pause_us;
} run_spec;

/* runs.csv and samples.csv of runs[0..n): ids r1, r2, …; each run's repeat is its number
 * among the runs of its scenario and mode. */
static void write_runs(const char *dir, const run_spec *runs, size_t n)
{
    char *runs_text = NULL, *samples_text = NULL;
    size_t runs_len = 0, samples_len = 0;
    FILE *r = open_memstream(&runs_text, &runs_len);
    FILE *s = open_memstream(&samples_text, &samples_len);
    assert_non_null(r);
    assert_non_null(s);
    fputs("run_id,scenario,runtime,policy,allocator,threshold,mode,repeat,iterations,params,cpu,"
          "status,message,wall_ns,peak_rss_bytes,collections,pause_ns_median\n",
          r);
    fputs("run_id,kind,iteration,t_ns,rss_bytes,rss_anon_bytes,garbage\n", s);
    for (size_t i = 0; i < n; i++) {
        const run_spec *x = &runs[i];
        int repeat = 1;
        for (size_t k = 0; k < i; k++)
            repeat +=
                strcmp(runs[k].scenario, x->scenario) == 0 && strcmp(runs[k].mode, x->mode) == 0;
        fprintf(r, "r%zu,", i + 1);
        put_cell(r, x->scenario);
        fprintf(r, ",native,py311,pymalloc,700/10/10,%s,%d,2,,0,%s,", x->mode, repeat, x->status);
        put_cell(r, x->message);
        fprintf(r, ",%lld,%lld,%lld,%lld\n", (long long)x->wall_ms * 1000000,
                (long long)x->peak_kib * 1024, (long long)x->collections,
                (long long)x->pause_us * 1000);
        for (int it = 0; it < 3; it++)
            if (x->rss_kib[it] >= 0)
                fprintf(s, "r%zu,iter,%d,%d,%lld,%lld,0\n", i + 1, it, 100 * (it + 1),
                        (long long)x->rss_kib[it] * 1024, (long long)x->rss_kib[it] * 1024);
    }
    fclose(r);
    fclose(s);
    fx_write(dir, "runs.csv", runs_text);
    fx_write(dir, "samples.csv", samples_text);
    free(runs_text);
    free(samples_text);
}

static void write_machine(const char *dir, const char *host, const char *cpu, int cores,
                          long long memory_bytes, const char *kernel)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    fprintf(f, "key,value\nhost,%s\ncpu_model,", host);
    put_cell(f, cpu);
    fprintf(f, "\ncores,%d\nmemory_bytes,%lld\nkernel,%s\n", cores, memory_bytes, kernel);
    fclose(f);
    fx_write(dir, "machine.csv", text);
    free(text);
}

/* summary.csv of scenario "leaky": growth per iteration (bytes) of forced and auto, and the
 * verdict on both rows. */
static void write_summary(const char *dir, long long forced_growth, long long auto_growth,
                          const char *verdict)
{
    char *text = fmt("scenario,runtime,policy,allocator,threshold,mode,repeats,"
                     "rss_growth_bytes_per_iter,verdict,verdict_reason\n"
                     "leaky,native,py311,pymalloc,700/10/10,forced,4,%lld,%s,\"a reason, with a "
                     "comma\"\n"
                     "leaky,native,py311,pymalloc,700/10/10,auto,4,%lld,%s,\"a reason, with a "
                     "comma\"\n",
                     forced_growth, verdict, auto_growth, verdict);
    fx_write(dir, "summary.csv", text);
    free(text);
}

/* ==== the main pair: a clear difference and none ========================================== */

/* Scenario "leaky", forced and auto, `repeats` (3 or 4) runs each. Final RSS (KiB): forced
 * A 10240 10400 10560 10720, B 20480 20640 20800 20960 — every B above every A; auto A 30720
 * 31744 32768 33792, B 31232 32256 33280 34304 — interleaved. Wall (ms): A 100 200 300 400,
 * B 150 250 350 450 — interleaved. */
static void write_main_pair(const pair *p, int repeats)
{
    static const int64_t final_kib[2][2][4] = {
        {{10240, 10400, 10560, 10720}, {30720, 31744, 32768, 33792}},
        {{20480, 20640, 20800, 20960}, {31232, 32256, 33280, 34304}},
    };
    static const int64_t wall_ms[2][4] = {{100, 200, 300, 400}, {150, 250, 350, 450}};
    static const int64_t peak_kib[2][2] = {{12288, 34816}, {24576, 34816}};
    static const int64_t pause_us[2][2] = {{1000, 2000}, {3000, 2000}};
    static const char *const modes[2] = {"forced", "auto"};
    for (int f = 0; f < 2; f++) {
        run_spec runs[8];
        size_t n = 0;
        for (int m = 0; m < 2; m++)
            for (int i = 0; i < repeats; i++)
                runs[n++] = (run_spec){"leaky",
                                       modes[m],
                                       "ok",
                                       "",
                                       {8192, m == 0 ? 9216 : 19456, final_kib[f][m][i]},
                                       peak_kib[f][m],
                                       wall_ms[f][i],
                                       m == 0 ? 2 : 1,
                                       pause_us[f][m]};
        write_runs(f == 0 ? p->a : p->b, runs, n);
    }
    write_machine(p->a, "alpha", "Test CPU", 4, 8589934592LL, "Linux 6.1.0 x86_64");
    write_machine(p->b, "beta", "Other CPU, rev 2", 8, 17179869184LL, "Linux 6.5.0 x86_64");
    write_summary(p->a, 1048576, 11534336, "leak");
    write_summary(p->b, 2097152, 11534336, "delayed");
}

static void test_text(void **state)
{
    (void)state;
    pair p = make_pair();
    write_main_pair(&p, 4);
    cli_result r = run_compare((const char *[]){p.a, p.b, NULL});
    char *want =
        fmt("A: %s \u2014 alpha, Test CPU, 4 cores, 8.00 GiB, Linux 6.1.0 x86_64\n"
            "B: %s \u2014 beta, Other CPU, rev 2, 8 cores, 16.00 GiB, Linux 6.5.0 x86_64\n"
            "\n"
            "all rows: runtime native, policy py311, allocator pymalloc, threshold 700/10/10\n"
            "\n"
            "repeats (successful runs)\n"
            "scenario  mode    A  B\n"
            "leaky     forced  4  4\n"
            "leaky     auto    4  4\n"
            "\n"
            "final RSS (MiB, median over repeats)\n"
            "scenario  mode        A      B   B/A\n"
            "leaky     forced  10.23  20.23  1.98*\n"
            "leaky     auto    31.50  32.00  1.02\n"
            "\n"
            "peak RSS (MiB, median over repeats)\n"
            "scenario  mode        A      B   B/A\n"
            "leaky     forced  12.00  24.00  2.00\n"
            "leaky     auto    34.00  34.00  1.00\n"
            "\n"
            "growth per iteration (MiB)\n"
            "scenario  mode         A       B   B/A\n"
            "leaky     forced   +1.00   +2.00  2.00\n"
            "leaky     auto    +11.00  +11.00  1.00\n"
            "\n"
            "collections (median over repeats)\n"
            "scenario  mode    A  B   B/A\n"
            "leaky     forced  2  2  1.00\n"
            "leaky     auto    1  1  1.00\n"
            "\n"
            "median pause (ms, median over repeats)\n"
            "scenario  mode       A     B   B/A\n"
            "leaky     forced  1.00  3.00  3.00\n"
            "leaky     auto    2.00  2.00  1.00\n"
            "\n"
            "wall time (s, median over repeats)\n"
            "scenario  mode        A      B   B/A\n"
            "leaky     forced  0.250  0.300  1.20\n"
            "leaky     auto    0.250  0.300  1.20\n"
            "\n"
            "verdict (summary.csv)\n"
            "scenario  mode    A     B\n"
            "leaky     forced  leak  delayed\n"
            "leaky     auto    leak  delayed\n"
            "\n"
            "* differs from A beyond run-to-run noise: Mann\u2013Whitney U over repeats, two-sided "
            "p < 0.05\n",
            p.a, p.b);
    assert_string_equal(r.err, "");
    assert_string_equal(r.out, want);
    assert_int_equal(r.rc, 0);
    free(want);
    free_result(&r);
    free_pair(&p);
}

static void test_markdown(void **state)
{
    (void)state;
    pair p = make_pair();
    write_main_pair(&p, 4);
    cli_result r = run_compare((const char *[]){p.a, p.b, "--format", "markdown", NULL});
    char *want = fmt(
        "- **A**: %s \u2014 alpha, Test CPU, 4 cores, 8.00 GiB, Linux 6.1.0 x86_64\n"
        "- **B**: %s \u2014 beta, Other CPU, rev 2, 8 cores, 16.00 GiB, Linux 6.5.0 x86_64\n"
        "\n"
        "all rows: runtime native, policy py311, allocator pymalloc, threshold 700/10/10\n"
        "\n"
        "**repeats (successful runs)**\n"
        "\n"
        "| scenario | mode | A | B |\n"
        "|:--|:--|--:|--:|\n"
        "| leaky | forced | 4 | 4 |\n"
        "| leaky | auto | 4 | 4 |\n"
        "\n"
        "**final RSS (MiB, median over repeats)**\n"
        "\n"
        "| scenario | mode | A | B | B/A |\n"
        "|:--|:--|--:|--:|--:|\n"
        "| leaky | forced | 10.23 | 20.23 | 1.98 \\* |\n"
        "| leaky | auto | 31.50 | 32.00 | 1.02 |\n"
        "\n"
        "**peak RSS (MiB, median over repeats)**\n"
        "\n"
        "| scenario | mode | A | B | B/A |\n"
        "|:--|:--|--:|--:|--:|\n"
        "| leaky | forced | 12.00 | 24.00 | 2.00 |\n"
        "| leaky | auto | 34.00 | 34.00 | 1.00 |\n"
        "\n"
        "**growth per iteration (MiB)**\n"
        "\n"
        "| scenario | mode | A | B | B/A |\n"
        "|:--|:--|--:|--:|--:|\n"
        "| leaky | forced | +1.00 | +2.00 | 2.00 |\n"
        "| leaky | auto | +11.00 | +11.00 | 1.00 |\n"
        "\n"
        "**collections (median over repeats)**\n"
        "\n"
        "| scenario | mode | A | B | B/A |\n"
        "|:--|:--|--:|--:|--:|\n"
        "| leaky | forced | 2 | 2 | 1.00 |\n"
        "| leaky | auto | 1 | 1 | 1.00 |\n"
        "\n"
        "**median pause (ms, median over repeats)**\n"
        "\n"
        "| scenario | mode | A | B | B/A |\n"
        "|:--|:--|--:|--:|--:|\n"
        "| leaky | forced | 1.00 | 3.00 | 3.00 |\n"
        "| leaky | auto | 2.00 | 2.00 | 1.00 |\n"
        "\n"
        "**wall time (s, median over repeats)**\n"
        "\n"
        "| scenario | mode | A | B | B/A |\n"
        "|:--|:--|--:|--:|--:|\n"
        "| leaky | forced | 0.250 | 0.300 | 1.20 |\n"
        "| leaky | auto | 0.250 | 0.300 | 1.20 |\n"
        "\n"
        "**verdict (summary.csv)**\n"
        "\n"
        "| scenario | mode | A | B |\n"
        "|:--|:--|:--|:--|\n"
        "| leaky | forced | leak | delayed |\n"
        "| leaky | auto | leak | delayed |\n"
        "\n"
        "\\* differs from A beyond run-to-run noise: Mann\u2013Whitney U over repeats, two-sided "
        "p < 0.05\n"
        "\n",
        p.a, p.b);
    assert_string_equal(r.err, "");
    assert_string_equal(r.out, want);
    assert_int_equal(r.rc, 0);
    free(want);
    free_result(&r);
    free_pair(&p);
}

/* p of final RSS, forced: every B above every A, 4 and 4 runs: 2/C(8,4) = 2/70. Wall and
 * auto's final RSS: ranks 1 3 5 7 against 2 4 6 8, p = 48/70 (listed by hand: 24 of the 70
 * choices have a rank sum ≤ 16). */
#define KEY "leaky,native,py311,pymalloc,700/10/10"
static void test_csv(void **state)
{
    (void)state;
    pair p = make_pair();
    write_main_pair(&p, 4);
    cli_result r = run_compare((const char *[]){"--format", "csv", p.a, p.b, NULL});
    /* clang-format off */
    const char *want =
        "scenario,runtime,policy,allocator,threshold,mode,figure,value_a,value_b,ratio_b_a,p_b_a\n"
        KEY ",forced,repeats,4,4,,\n"
        KEY ",forced,failed_runs,0,0,,\n"
        KEY ",forced,final_rss_bytes,10731520,21217280,1.9771,0.0285714\n"
        KEY ",forced,peak_rss_bytes,12582912,25165824,2,\n"
        KEY ",forced,rss_growth_bytes_per_iter,1048576,2097152,2,\n"
        KEY ",forced,collections,2,2,1,\n"
        KEY ",forced,pause_ns_median,1000000,3000000,3,\n"
        KEY ",forced,wall_ns,250000000,300000000,1.2,0.685714\n"
        KEY ",forced,verdict,leak,delayed,,\n"
        KEY ",auto,repeats,4,4,,\n"
        KEY ",auto,failed_runs,0,0,,\n"
        KEY ",auto,final_rss_bytes,33030144,33554432,1.01587,0.685714\n"
        KEY ",auto,peak_rss_bytes,35651584,35651584,1,\n"
        KEY ",auto,rss_growth_bytes_per_iter,11534336,11534336,1,\n"
        KEY ",auto,collections,1,1,1,\n"
        KEY ",auto,pause_ns_median,2000000,2000000,1,\n"
        KEY ",auto,wall_ns,250000000,300000000,1.2,0.685714\n"
        KEY ",auto,verdict,leak,delayed,,\n";
    /* clang-format on */
    assert_string_equal(r.err, "");
    assert_string_equal(r.out, want);
    assert_int_equal(r.rc, 0);
    free_result(&r);
    free_pair(&p);
}

/* With 3 and 3 repeats the clear difference gets no mark (its p is 2/20 = 0.1), and a line
 * says that no p can get below 0.05. */
static void test_three_repeats(void **state)
{
    (void)state;
    pair p = make_pair();
    write_main_pair(&p, 3);
    cli_result r = run_compare((const char *[]){p.a, p.b, NULL});
    char line[512];
    assert_string_equal(fx_line(r.out, 10, line, sizeof line),
                        "final RSS (MiB, median over repeats)");
    assert_string_equal(fx_line(r.out, 11, line, sizeof line),
                        "scenario  mode        A      B   B/A");
    assert_string_equal(fx_line(r.out, 12, line, sizeof line),
                        "leaky     forced  10.16  20.16  1.98");
    assert_string_equal(fx_line(r.out, 13, line, sizeof line),
                        "leaky     auto    31.00  31.50  1.02");
    const char *tail =
        "\n* differs from A beyond run-to-run noise: Mann\u2013Whitney U over repeats, two-sided "
        "p < 0.05\n"
        "B/A: 3 and 3 repeats are too few for p < 0.05 (the smallest p is 0.10; run 4 or more): "
        "all rows\n";
    assert_true(strlen(r.out) > strlen(tail));
    assert_string_equal(r.out + strlen(r.out) - strlen(tail), tail);
    assert_null(strstr(r.out, "*\n")); /* no mark at the end of any row */
    assert_int_equal(r.rc, 0);
    free_result(&r);
    free_pair(&p);

    /* csv: the p is there all the same */
    p = make_pair();
    write_main_pair(&p, 3);
    r = run_compare((const char *[]){p.a, p.b, "--format=csv", NULL});
    assert_non_null(strstr(r.out, "\nleaky,native,py311,pymalloc,700/10/10,forced,final_rss_bytes,"
                                  "10649600,21135360,1.98462,0.1\n"));
    assert_int_equal(r.rc, 0);
    free_result(&r);
    free_pair(&p);
}

/* ==== RSS that is not comparable =========================================================== */

/* Two "policies" folders (native py311 and py314inc, pyodide-3.12.7): the Pyodide rows' RSS
 * figures are "n/c" in A and B and never make a ratio (nor, in csv, a value); a note names
 * them; their other figures are compared as usual. */
static void test_not_comparable(void **state)
{
    (void)state;
    pair p = make_pair();
    fx_write_policies(p.a);
    fx_write_policies(p.b);
    cli_result r = run_compare((const char *[]){p.a, p.b, NULL});
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.err, "");
    assert_non_null(strstr(r.out,
                           "final RSS (MiB, median over repeats)\n"
                           "scenario  runtime         policy    allocator  threshold  mode "
                           "        A       B   B/A\n"
                           "xr        native          py311     pymalloc   700/10/10  forced "
                           "  12.00   12.00  1.00\n"
                           "xr        native          py311     pymalloc   700/10/10  auto   "
                           "  50.00   50.00  1.00\n"
                           "xr        native          py314inc  pymalloc   2000/10/0  forced "
                           "  12.00   12.00  1.00\n"
                           "xr        native          py314inc  pymalloc   2000/10/0  auto   "
                           " 130.00  130.00  1.00\n"
                           "xr        pyodide-3.12.7  cpython   malloc     700/10/10  forced "
                           "    n/c     n/c     \u2014\n"
                           "xr        pyodide-3.12.7  cpython   malloc     700/10/10  auto   "
                           "    n/c     n/c     \u2014\n"));
    /* the growth table, the last before collections, says n/c too */
    assert_non_null(strstr(r.out,
                           "xr        pyodide-3.12.7  cpython   malloc     700/10/10  auto   "
                           "    n/c     n/c     \u2014\n\ncollections"));
    /* the note (its lines wrapped at 100 columns) */
    assert_non_null(strstr(r.out, "\nn/c: RSS not comparable (Pyodide: the Node.js process's "
                                  "RSS, and WebAssembly memory only grows), so\n  no RSS figure "
                                  "or ratio is given: xr pyodide-3.12.7 cpython malloc 700/10/10 "
                                  "forced,\n  xr pyodide-3.12.7 cpython malloc 700/10/10 auto\n"));
    assert_null(strstr(r.out, "240.00"));
    assert_null(strstr(r.out, "150.00"));
    free_result(&r);
    r = run_compare((const char *[]){p.a, p.b, "--format", "csv", NULL});
    assert_int_equal(r.rc, 0);
    assert_non_null(strstr(r.out, "\nxr,pyodide-3.12.7,cpython,malloc,700/10/10,auto,"
                                  "final_rss_bytes,,,,"));
    assert_non_null(strstr(r.out, "\nxr,pyodide-3.12.7,cpython,malloc,700/10/10,auto,"
                                  "rss_growth_bytes_per_iter,,,,"));
    assert_non_null(strstr(r.out, "\nxr,pyodide-3.12.7,cpython,malloc,700/10/10,auto,"
                                  "collections,1,1,1,"));
    assert_non_null(strstr(r.out, "\nxr,native,py314inc,pymalloc,2000/10/0,auto,"
                                  "final_rss_bytes,136314880,136314880,1,"));
    free_result(&r);
    free_pair(&p);
}

/* ==== single repeats, rows in one folder =================================================== */

static void test_single_repeat(void **state)
{
    (void)state;
    pair p = make_pair();
    fx_write_tiny(p.a);
    fx_write_tiny(p.b);
    cli_result r = run_compare((const char *[]){p.a, p.b, NULL});
    char *want =
        fmt("A: %s \u2014 tinybox, unknown CPU, unknown cores, unknown memory, unknown kernel\n"
            "B: %s \u2014 tinybox, unknown CPU, unknown cores, unknown memory, unknown kernel\n"
            "\n"
            "all rows: runtime native, policy py311, allocator pymalloc, threshold 700/10/10\n"
            "\n"
            "repeats (successful runs)\n"
            "scenario  mode    A  B\n"
            "tiny      forced  1  1\n"
            "tiny      auto    1  1\n"
            "\n"
            "final RSS (MiB, median over repeats)\n"
            "scenario  mode        A      B   B/A\n"
            "tiny      forced  10.00  10.00  1.00\n"
            "tiny      auto    20.00  20.00  1.00\n"
            "\n"
            "peak RSS (MiB, median over repeats)\n"
            "scenario  mode        A      B   B/A\n"
            "tiny      forced  10.00  10.00  1.00\n"
            "tiny      auto    20.00  20.00  1.00\n"
            "\n"
            "growth per iteration (MiB)\n"
            "scenario  mode        A      B   B/A\n"
            "tiny      forced  +0.00  +0.00     \u2014\n"
            "tiny      auto    +5.00  +5.00  1.00\n"
            "\n"
            "collections (median over repeats)\n"
            "scenario  mode    A  B  B/A\n"
            "tiny      forced  \u2014  \u2014    \u2014\n"
            "tiny      auto    \u2014  \u2014    \u2014\n"
            "\n"
            "median pause (ms, median over repeats)\n"
            "scenario  mode    A  B  B/A\n"
            "tiny      forced  \u2014  \u2014    \u2014\n"
            "tiny      auto    \u2014  \u2014    \u2014\n"
            "\n"
            "wall time (s, median over repeats)\n"
            "scenario  mode        A      B   B/A\n"
            "tiny      forced  0.000  0.000  1.00\n"
            "tiny      auto    0.000  0.000  1.00\n"
            "\n"
            "verdict (summary.csv)\n"
            "scenario  mode    A        B\n"
            "tiny      forced  delayed  delayed\n"
            "tiny      auto    delayed  delayed\n"
            "\n"
            "* differs from A beyond run-to-run noise: Mann\u2013Whitney U over repeats, two-sided "
            "p < 0.05\n"
            "B/A: no significance can be given where A or B has a single repeat: all rows\n",
            p.a, p.b);
    assert_string_equal(r.err, "");
    assert_string_equal(r.out, want);
    assert_int_equal(r.rc, 0);
    free(want);
    free_result(&r);
    free_pair(&p);
}

/* A has x forced and x auto, B x forced and y forced, C y forced and z off: x forced and y
 * forced are compared, x auto and z off listed as only in A and only in C. */
static void test_only_in(void **state)
{
    (void)state;
    pair p = make_pair();
    char *c = fx_path(p.root, "c");
    assert_int_equal(mkdir(c, 0700), 0);
    const run_spec a[] = {{"x", "forced", "ok", "", {1024, 2048, 2048}, 2048, 10, 1, 5},
                          {"x", "auto", "ok", "", {1024, 2048, 4096}, 4096, 10, 0, 0}};
    const run_spec b[] = {{"x", "forced", "ok", "", {1024, 2048, 3072}, 3072, 10, 1, 5},
                          {"y", "forced", "ok", "", {1024, 1024, 1024}, 1024, 10, 1, 5}};
    const run_spec cc[] = {{"y", "forced", "ok", "", {1024, 1024, 1536}, 1536, 10, 1, 5},
                           {"z", "off", "ok", "", {1024, 1024, 1024}, 1024, 10, 0, 0}};
    write_runs(p.a, a, 2);
    write_runs(p.b, b, 2);
    write_runs(c, cc, 2);
    cli_result r = run_compare((const char *[]){p.a, p.b, c, NULL});
    char *want = fmt(
        "A: %s \u2014 unknown host, unknown CPU, unknown cores, unknown memory, unknown kernel\n"
        "B: %s \u2014 unknown host, unknown CPU, unknown cores, unknown memory, unknown kernel\n"
        "C: %s \u2014 unknown host, unknown CPU, unknown cores, unknown memory, unknown kernel\n"
        "\n"
        "all rows: runtime native, policy py311, allocator pymalloc, threshold 700/10/10\n"
        "\n"
        "repeats (successful runs)\n"
        "scenario  mode    A  B  C\n"
        "x         forced  1  1  \u2014\n"
        "y         forced  \u2014  1  1\n"
        "\n"
        "final RSS (MiB, median over repeats)\n"
        "scenario  mode       A     B   B/A     C  C/A\n"
        "x         forced  2.00  3.00  1.50     \u2014    \u2014\n"
        "y         forced     \u2014  1.00     \u2014  1.50    \u2014\n",
        p.a, p.b, c);
    assert_string_equal(r.err, "");
    assert_true(strncmp(r.out, want, strlen(want)) == 0);
    const char *tail =
        "B/A: no significance can be given where A or B has a single repeat: x forced\n"
        "\n"
        "only in A:\n"
        "  x (runtime native, policy py311, allocator pymalloc, threshold 700/10/10), mode auto\n"
        "\n"
        "only in C:\n"
        "  z (runtime native, policy py311, allocator pymalloc, threshold 700/10/10), mode off\n";
    assert_true(strlen(r.out) > strlen(tail));
    assert_string_equal(r.out + strlen(r.out) - strlen(tail), tail);
    assert_int_equal(r.rc, 0);
    free(want);
    free_result(&r);

    /* csv: every row of every folder, the folders that lack it empty */
    r = run_compare((const char *[]){"--format", "csv", p.a, p.b, c, NULL});
    char line[512];
    assert_string_equal(fx_line(r.out, 0, line, sizeof line),
                        "scenario,runtime,policy,allocator,threshold,mode,figure,value_a,value_b,"
                        "ratio_b_a,p_b_a,value_c,ratio_c_a,p_c_a");
    assert_string_equal(fx_line(r.out, 1, line, sizeof line),
                        "x,native,py311,pymalloc,700/10/10,forced,repeats,1,1,,,,,");
    assert_string_equal(fx_line(r.out, 3, line, sizeof line),
                        "x,native,py311,pymalloc,700/10/10,forced,final_rss_bytes,2097152,"
                        "3145728,1.5,,,,");
    assert_string_equal(fx_line(r.out, 10, line, sizeof line),
                        "x,native,py311,pymalloc,700/10/10,auto,repeats,1,,,,,,");
    assert_string_equal(fx_line(r.out, 21, line, sizeof line),
                        "y,native,py311,pymalloc,700/10/10,forced,final_rss_bytes,,1048576,,,"
                        "1572864,,");
    assert_string_equal(fx_line(r.out, 28, line, sizeof line),
                        "z,native,py311,pymalloc,700/10/10,off,repeats,,,,,1,,");
    assert_string_equal(fx_line(r.out, 37, line, sizeof line), "");
    assert_int_equal(r.rc, 0);
    free_result(&r);
    fx_rmtree(c);
    free(c);
    free_pair(&p);
}

/* ==== a failed run, an old folder, a quoted comma ========================================= */

/* B's fourth forced run failed (message with a comma, over two lines) at a huge RSS: it is
 * counted beside the repeats and moves no median. */
static void test_failed_run(void **state)
{
    (void)state;
    pair p = make_pair();
    write_main_pair(&p, 3);
    const run_spec b[] = {
        {"leaky", "forced", "ok", "", {8192, 9216, 20480}, 24576, 150, 2, 3000},
        {"leaky", "forced", "ok", "", {8192, 9216, 20640}, 24576, 250, 2, 3000},
        {"leaky", "forced", "ok", "", {8192, 9216, 20800}, 24576, 350, 2, 3000},
        {"leaky",
         "forced",
         "failed",
         "Traceback, most recent call last:\nMemoryError",
         {8192, 512000, -1},
         512000,
         9999,
         0,
         0},
    };
    write_runs(p.b, b, 4);
    cli_result r = run_compare((const char *[]){p.a, p.b, NULL});
    char line[512];
    assert_string_equal(fx_line(r.out, 6, line, sizeof line), "scenario  mode    A             B");
    assert_string_equal(fx_line(r.out, 7, line, sizeof line), "leaky     forced  3  3 (1 failed)");
    assert_string_equal(fx_line(r.out, 11, line, sizeof line),
                        "leaky     forced  10.16  20.16  1.98");
    assert_string_equal(fx_line(r.out, 31, line, sizeof line),
                        "leaky     forced  0.200  0.250  1.25");
    const char *tail = "\nonly in A:\n"
                       "  leaky (runtime native, policy py311, allocator pymalloc, threshold "
                       "700/10/10), mode auto\n";
    assert_string_equal(r.out + strlen(r.out) - strlen(tail), tail);
    assert_int_equal(r.rc, 0);
    free_result(&r);

    r = run_compare((const char *[]){p.a, p.b, "--format", "csv", NULL});
    assert_string_equal(fx_line(r.out, 2, line, sizeof line),
                        "leaky,native,py311,pymalloc,700/10/10,forced,failed_runs,0,1,,");
    assert_string_equal(fx_line(r.out, 3, line, sizeof line),
                        "leaky,native,py311,pymalloc,700/10/10,forced,final_rss_bytes,10649600,"
                        "21135360,1.98462,0.1");
    assert_int_equal(r.rc, 0);
    free_result(&r);
    free_pair(&p);
}

/* A as an older gcbench wrote it: no machine.csv, no summary.csv, runs.csv without wall,
 * peak, gc and pause columns, samples.csv with only the required ones. Its growth comes
 * from the samples: Theil–Sen over iterations 1..3, run 1 (9, 11, 12 MiB: slopes 2, 1.5,
 * 1) 1.5 MiB, run 2 (10, 11, 12: all 1) 1 MiB; median 1.25 MiB. */
static void test_old_folder(void **state)
{
    (void)state;
    pair p = make_pair();
    fx_write(p.a, "runs.csv",
             "run_id,scenario,runtime,policy,allocator,threshold,mode,repeat,status,message\n"
             "r1,leaky,native,py311,pymalloc,700/10/10,forced,1,ok,\n"
             "r2,leaky,native,py311,pymalloc,700/10/10,forced,2,ok,\n");
    fx_write(p.a, "samples.csv",
             "run_id,kind,iteration,rss_bytes\n"
             "r1,iter,0,8388608\nr1,iter,1,9437184\nr1,iter,2,11534336\nr1,iter,3,12582912\n"
             "r2,iter,0,8388608\nr2,iter,1,10485760\nr2,iter,2,11534336\nr2,iter,3,12582912\n");
    const run_spec b[] = {{"leaky", "forced", "ok", "", {8192, 10240, 12288}, 13312, 100, 3, 500},
                          {"leaky", "forced", "ok", "", {8192, 10240, 12288}, 13312, 100, 3, 500}};
    write_runs(p.b, b, 2);
    write_machine(p.b, "beta", "Other CPU", 8, 17179869184LL, "Linux 6.5.0 x86_64");
    write_summary(p.b, 1048576, 1048576, "leak");
    cli_result r = run_compare((const char *[]){p.a, p.b, NULL});
    char *want = fmt(
        "A: %s \u2014 unknown host, unknown CPU, unknown cores, unknown memory, unknown kernel\n"
        "B: %s \u2014 beta, Other CPU, 8 cores, 16.00 GiB, Linux 6.5.0 x86_64\n"
        "\n"
        "all rows: runtime native, policy py311, allocator pymalloc, threshold 700/10/10\n"
        "\n"
        "repeats (successful runs)\n"
        "scenario  mode    A  B\n"
        "leaky     forced  2  2\n"
        "\n"
        "final RSS (MiB, median over repeats)\n"
        "scenario  mode        A      B   B/A\n"
        "leaky     forced  12.00  12.00  1.00\n"
        "\n"
        "peak RSS (MiB, median over repeats)\n"
        "scenario  mode    A      B  B/A\n"
        "leaky     forced  \u2014  13.00    \u2014\n"
        "\n"
        "growth per iteration (MiB)\n"
        "scenario  mode        A      B   B/A\n"
        "leaky     forced  +1.25  +1.00  0.80\n"
        "\n"
        "collections (median over repeats)\n"
        "scenario  mode    A  B  B/A\n"
        "leaky     forced  \u2014  3    \u2014\n"
        "\n"
        "median pause (ms, median over repeats)\n"
        "scenario  mode    A     B  B/A\n"
        "leaky     forced  \u2014  0.50    \u2014\n"
        "\n"
        "wall time (s, median over repeats)\n"
        "scenario  mode    A      B  B/A\n"
        "leaky     forced  \u2014  0.100    \u2014\n"
        "\n"
        "verdict (summary.csv)\n"
        "scenario  mode    A  B\n"
        "leaky     forced  \u2014  leak\n"
        "\n"
        "* differs from A beyond run-to-run noise: Mann\u2013Whitney U over repeats, two-sided "
        "p < 0.05\n"
        "B/A: 2 and 2 repeats are too few for p < 0.05 (the smallest p is 0.33; run 4 or more): "
        "all rows\n",
        p.a, p.b);
    assert_string_equal(r.err, "");
    assert_string_equal(r.out, want);
    assert_int_equal(r.rc, 0);
    free(want);
    free_result(&r);

    r = run_compare((const char *[]){p.a, p.b, "--format", "csv", NULL});
    char line[512];
    assert_string_equal(fx_line(r.out, 3, line, sizeof line),
                        "leaky,native,py311,pymalloc,700/10/10,forced,final_rss_bytes,12582912,"
                        "12582912,1,1");
    assert_string_equal(fx_line(r.out, 5, line, sizeof line),
                        "leaky,native,py311,pymalloc,700/10/10,forced,rss_growth_bytes_per_iter,"
                        "1310720,1048576,0.8,");
    assert_string_equal(fx_line(r.out, 8, line, sizeof line),
                        "leaky,native,py311,pymalloc,700/10/10,forced,wall_ns,,100000000,,");
    assert_string_equal(fx_line(r.out, 9, line, sizeof line),
                        "leaky,native,py311,pymalloc,700/10/10,forced,verdict,,leak,,");
    free_result(&r);
    free_pair(&p);
}

/* A scenario named with a comma (a user's file): quoted in csv, as is in text and markdown;
 * a '|' in markdown escaped. */
static void test_quoted_comma(void **state)
{
    (void)state;
    pair p = make_pair();
    const run_spec a[] = {
        {"my,scenario|1", "forced", "ok", "", {1024, 2048, 2048}, 2048, 10, 1, 5}};
    write_runs(p.a, a, 1);
    write_runs(p.b, a, 1);
    cli_result r = run_compare((const char *[]){p.a, p.b, NULL});
    char line[512];
    assert_string_equal(fx_line(r.out, 6, line, sizeof line), "scenario       mode    A  B");
    assert_string_equal(fx_line(r.out, 7, line, sizeof line), "my,scenario|1  forced  1  1");
    free_result(&r);

    r = run_compare((const char *[]){p.a, p.b, "--format", "markdown", NULL});
    assert_non_null(strstr(r.out, "\n| my,scenario\\|1 | forced | 1 | 1 |\n"));
    free_result(&r);

    r = run_compare((const char *[]){p.a, p.b, "--format", "csv", NULL});
    assert_string_equal(fx_line(r.out, 1, line, sizeof line),
                        "\"my,scenario|1\",native,py311,pymalloc,700/10/10,forced,repeats,1,1,,");
    assert_int_equal(r.rc, 0);
    free_result(&r);
    free_pair(&p);
}

/* ==== errors =============================================================================== */

static void test_malformed(void **state)
{
    (void)state;
    pair p = make_pair();
    write_main_pair(&p, 4);
    /* a row with one cell too many, on line 3 */
    fx_write(p.b, "runs.csv",
             "run_id,scenario,runtime,policy,allocator,threshold,mode,repeat,status\n"
             "r1,leaky,native,py311,pymalloc,700/10/10,forced,1,ok\n"
             "r2,leaky,native,py311,pymalloc,700/10/10,forced,2,ok,extra\n");
    cli_result r = run_compare((const char *[]){p.a, p.b, NULL});
    char *want = fmt("bench: %s/runs.csv:3: 10 cells where the header has 9\n", p.b);
    assert_string_equal(r.err, want);
    assert_string_equal(r.out, "");
    assert_int_equal(r.rc, 1);
    free(want);
    free_result(&r);

    /* a growth in summary.csv that is not a number: stops before the first line */
    write_main_pair(&p, 4);
    fx_write(p.a, "summary.csv",
             "scenario,runtime,policy,allocator,threshold,mode,rss_growth_bytes_per_iter\n"
             "leaky,native,py311,pymalloc,700/10/10,forced,lots\n");
    r = run_compare((const char *[]){p.a, p.b, NULL});
    want = fmt("bench: %s/summary.csv:2: rss_growth_bytes_per_iter is 'lots', not a number\n", p.a);
    assert_string_equal(r.err, want);
    assert_string_equal(r.out, "");
    assert_int_equal(r.rc, 1);
    free(want);
    free_result(&r);

    /* a folder that is not there */
    char *missing = fx_path(p.root, "missing");
    r = run_compare((const char *[]){p.a, missing, NULL});
    want = fmt("bench: %s/runs.csv: cannot read: No such file or directory\n", missing);
    assert_string_equal(r.err, want);
    assert_string_equal(r.out, "");
    assert_int_equal(r.rc, 1);
    free(want);
    free(missing);
    free_result(&r);
    free_pair(&p);
}

static void test_bad_options(void **state)
{
    (void)state;
    static const struct {
        const char *args[4];
        const char *err;
    } cases[] = {
        {{NULL},
         "bench: compare needs two results folders or more (0 given); e.g. bench compare "
         "results/before results/after\n"},
        {{"a", NULL},
         "bench: compare needs two results folders or more (1 given); e.g. bench compare "
         "results/before results/after\n"},
        {{"a", "b", "--format=xml", NULL},
         "bench: --format 'xml' is not one of text, markdown, csv or json\n"},
        {{"a", "b", "--format", NULL}, "bench: option '--format' needs a value\n"},
        {{"--bogus", "a", "b", NULL}, "bench: unknown option '--bogus'\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cli_result r = run_compare(cases[i].args);
        char *want = fmt("%sTry 'bench compare --help'.\n", cases[i].err);
        assert_string_equal(r.err, want);
        assert_string_equal(r.out, "");
        assert_int_equal(r.rc, 2);
        free(want);
        free_result(&r);
    }
    const char *many[28];
    for (int i = 0; i < 27; i++)
        many[i] = "a";
    many[27] = NULL;
    cli_result r = run_compare(many);
    assert_string_equal(r.err, "bench: at most 26 results folders (A to Z); 27 given\n"
                               "Try 'bench compare --help'.\n");
    assert_int_equal(r.rc, 2);
    free_result(&r);

    r = run_compare((const char *[]){"--help", NULL});
    assert_string_equal(r.err, "");
    const char *usage =
        "Usage: bench compare DIR_A DIR_B [DIR...] [--format text|markdown|csv|json]\n";
    assert_true(strncmp(r.out, usage, strlen(usage)) == 0);
    assert_non_null(strstr(r.out, "compare.schema.json"));
    assert_non_null(strstr(r.out, "value_b, ratio_b_a, p_b_a"));
    assert_int_equal(r.rc, 0);
    free_result(&r);
}

/* ==== Mann–Whitney U ======================================================================= */

/* Reference values: every choice of x's ranks listed (Python's itertools.combinations over
 * the pooled mid-ranks), p = min(1, 2·min(P(R ≤ r), P(R ≥ r))) — without ties the same as
 * scipy.stats.mannwhitneyu(x, y, method="exact"); beyond 50 runs the normal approximation
 * with tie and continuity corrections (scipy's method="asymptotic"), computed from its
 * formula with math.erfc:
 *   [1,2,3] vs [4,5,6]                   0.1                 (2/20)
 *   [1,2,3,4] vs [5,6,7,8]               0.02857142857142857 (2/70)
 *   [1,3,5,7] vs [2,4,6,8,10]            0.4126984126984127
 *   [1.5,2.5,9] vs [3,4,5,6,7,8]         0.5476190476190477
 *   [6,7,8] vs [1,2,3,4,5]               0.03571428571428571 (2/56)
 *   [1,1,2,3] vs [2,3,3,4]               0.2                 (ties)
 *   [5,5] vs [5,5,5]                     1.0                 (all tied)
 *   [1] vs [2]                           1.0
 *   10 vs 10, no ties (below)            0.12300547749464158 (184756 choices)
 *   10 vs 10, ties (below)               0.036978501374786206
 *   0..29 vs 7.5..31.5 (30 vs 25)        0.04000233106564061 (normal)
 *   i//2, i<30 vs i//2+3, i<30           0.016762535550069298 (normal, ties)
 */
static void expect_p(const double *x, size_t nx, const double *y, size_t ny, double want)
{
    double p = compare_mann_whitney_p(x, nx, y, ny);
    if (fabs(p - want) > 1e-12)
        fail_msg("p is %.17g, expected %.17g", p, want);
    /* the test is symmetric */
    p = compare_mann_whitney_p(y, ny, x, nx);
    if (fabs(p - want) > 1e-12)
        fail_msg("p (swapped) is %.17g, expected %.17g", p, want);
}

static void test_mann_whitney(void **state)
{
    (void)state;
    expect_p((double[]){1, 2, 3}, 3, (double[]){4, 5, 6}, 3, 0.1);
    expect_p((double[]){1, 2, 3, 4}, 4, (double[]){5, 6, 7, 8}, 4, 0.02857142857142857);
    expect_p((double[]){1, 3, 5, 7}, 4, (double[]){2, 4, 6, 8, 10}, 5, 0.4126984126984127);
    expect_p((double[]){1.5, 2.5, 9}, 3, (double[]){3, 4, 5, 6, 7, 8}, 6, 0.5476190476190477);
    expect_p((double[]){6, 7, 8}, 3, (double[]){1, 2, 3, 4, 5}, 5, 0.03571428571428571);
    expect_p((double[]){1, 1, 2, 3}, 4, (double[]){2, 3, 3, 4}, 4, 0.2);
    expect_p((double[]){5, 5}, 2, (double[]){5, 5, 5}, 3, 1.0);
    expect_p((double[]){1}, 1, (double[]){2}, 1, 1.0);
    expect_p((double[]){1, 2, 4, 5, 7, 9, 11, 12, 15, 18}, 10,
             (double[]){3, 6, 8, 10, 13, 14, 16, 17, 19, 20}, 10, 0.12300547749464158);
    expect_p((double[]){1, 1, 2, 4, 4, 7, 9, 9, 12, 15}, 10,
             (double[]){3, 4, 8, 9, 12, 14, 16, 16, 19, 20}, 10, 0.036978501374786206);
    double x[30], y[30];
    for (int i = 0; i < 30; i++) {
        x[i] = i;
        y[i] = i + 7.5;
    }
    expect_p(x, 30, y, 25, 0.04000233106564061);
    for (int i = 0; i < 30; i++) {
        x[i] = i / 2;
        y[i] = i / 2 + 3;
    }
    expect_p(x, 30, y, 30, 0.016762535550069298);
    assert_true(isnan(compare_mann_whitney_p(x, 0, y, 3)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mann_whitney),   cmocka_unit_test(test_text),
        cmocka_unit_test(test_markdown),       cmocka_unit_test(test_csv),
        cmocka_unit_test(test_three_repeats),  cmocka_unit_test(test_single_repeat),
        cmocka_unit_test(test_only_in),        cmocka_unit_test(test_failed_run),
        cmocka_unit_test(test_old_folder),     cmocka_unit_test(test_quoted_comma),
        cmocka_unit_test(test_malformed),      cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_not_comparable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
