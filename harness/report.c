/* report.c — `bench report DIR`: the seeds' table per setting, its verdict from summary.csv
 * and its failed runs (see report.h for the layout). Reads only the results folder. */
#include "report.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "stats.h"
#include "util.h"

#define MISSING_CELL "\u2014" /* "—": no ok run has this iteration */
#define CELL_LEN 64

/* ==== the table ============================================================================ */

void report_setting_title(const ds *d, size_t setting, char *buf, size_t len)
{
    const ds_setting *set = &d->settings[setting];
    const char *keys[] = {"runtime", "policy", "allocator", "threshold"};
    const char *values[] = {set->runtime, set->policy, set->allocator, set->threshold};
    size_t used = (size_t)snprintf(buf, len, "%s", set->scenario);
    const char *sep = " (";
    for (size_t i = 0; i < sizeof keys / sizeof keys[0] && used < len; i++) {
        if (*values[i] == '\0')
            continue;
        used += (size_t)snprintf(buf + used, len - used, "%s%s %s", sep, keys[i], values[i]);
        sep = ", ";
    }
    if (used < len && strcmp(sep, ", ") == 0)
        snprintf(buf + used, len - used, ")");
}

/* Columns on screen: UTF-8 continuation bytes take none. */
static size_t display_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

static bool group_has_ok_run(const ds *d, size_t setting, int mode)
{
    const ds_setting *set = &d->settings[setting];
    for (size_t i = 0; i < set->nruns[mode]; i++)
        if (d->runs[set->runs[mode][i]].ok)
            return true;
    return false;
}

/* Like ds_iter_stat's RSS, over the group's runs that stopped early: what the table shows
 * for a mode none of whose runs succeeded (a leak stopped by --max-rss, say), so that the
 * column still says how far memory grew. Returns how many runs had the sample. */
static size_t stopped_runs_rss(const ds *d, size_t setting, int mode, int64_t iteration,
                               int64_t *median, int64_t *min, int64_t *max)
{
    const ds_setting *set = &d->settings[setting];
    int64_t *v = malloc((set->nruns[mode] + 1) * sizeof *v);
    size_t n = 0;
    for (size_t i = 0; v != NULL && i < set->nruns[mode]; i++) {
        const ds_run *run = &d->runs[set->runs[mode][i]];
        for (size_t k = 0; k < run->niters && run->iters[k].iteration <= iteration; k++)
            if (run->iters[k].iteration == iteration && run->iters[k].rss_bytes != DS_MISSING)
                v[n++] = run->iters[k].rss_bytes;
    }
    if (n > 0) {
        *median = stats_median_i64(v, n); /* sorts v */
        *min = v[0];
        *max = v[n - 1];
    }
    free(v);
    return n;
}

/* "49.69", or "49.69 (49.10–50.20)" over several runs, or "—" over none. The runs are the
 * group's successful ones, or its stopped ones when stopped is set. */
static void format_rss_cell(char *buf, const ds *d, size_t setting, int mode, int64_t iteration,
                            bool stopped)
{
    int64_t median, min, max;
    size_t n = stopped ? stopped_runs_rss(d, setting, mode, iteration, &median, &min, &max)
                       : ds_iter_stat(d, setting, mode, iteration, offsetof(ds_sample, rss_bytes),
                                      &median, &min, &max);
    if (n == 0) {
        snprintf(buf, CELL_LEN, "%s", MISSING_CELL);
        return;
    }
    char med[24], lo[24], hi[24];
    gcb_fmt_mib(med, sizeof med, median);
    if (n == 1) {
        snprintf(buf, CELL_LEN, "%s", med);
        return;
    }
    gcb_fmt_mib(lo, sizeof lo, min);
    gcb_fmt_mib(hi, sizeof hi, max);
    snprintf(buf, CELL_LEN, "%s (%s\u2013%s)", med, lo, hi);
}

/* A table of nrows × ncols cells of CELL_LEN bytes; row 0 is the header. */
typedef struct table {
    size_t nrows, ncols;
    char *cells;
    size_t widths[1 + DS_MODES];
} table;

static char *cell(table *t, size_t row, size_t col)
{
    return t->cells + (row * t->ncols + col) * CELL_LEN;
}

/* Fills t for setting: header, then iterations 0..last of the modes present. A mode with no
 * successful run shows its stopped runs instead, its title saying so. */
static int build_table(table *t, const ds *d, size_t setting, int64_t last)
{
    const ds_setting *set = &d->settings[setting];
    int modes[DS_MODES];
    t->ncols = 1;
    for (int m = 0; m < DS_MODES; m++)
        if (set->nruns[m] > 0)
            modes[t->ncols++ - 1] = m;
    t->nrows = (size_t)last + 2;
    t->cells = calloc(t->nrows * t->ncols, CELL_LEN);
    if (t->cells == NULL)
        return -1;
    bool stopped[DS_MODES];
    snprintf(cell(t, 0, 0), CELL_LEN, "iteration");
    for (size_t c = 1; c < t->ncols; c++) {
        stopped[c - 1] = !group_has_ok_run(d, setting, modes[c - 1]);
        snprintf(cell(t, 0, c), CELL_LEN, "%s%s", ds_mode_titles[modes[c - 1]],
                 stopped[c - 1] ? " (stopped early)" : "");
    }
    for (int64_t it = 0; it <= last; it++) {
        size_t row = (size_t)it + 1;
        if (it == 0)
            snprintf(cell(t, row, 0), CELL_LEN, "start");
        else
            snprintf(cell(t, row, 0), CELL_LEN, "%lld", (long long)it);
        for (size_t c = 1; c < t->ncols; c++)
            format_rss_cell(cell(t, row, c), d, setting, modes[c - 1], it, stopped[c - 1]);
    }
    for (size_t c = 0; c < t->ncols; c++) {
        t->widths[c] = 0;
        for (size_t r = 0; r < t->nrows; r++)
            if (display_width(cell(t, r, c)) > t->widths[c])
                t->widths[c] = display_width(cell(t, r, c));
    }
    return 0;
}

/* The first column left-aligned, the others right-aligned, two spaces apart; no trailing
 * spaces. */
static void print_table(FILE *out, table *t)
{
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            const char *s = cell(t, r, c);
            int pad = (int)(t->widths[c] - display_width(s));
            if (c == 0)
                fprintf(out, "%s%*s", s, t->ncols > 1 ? pad : 0, "");
            else
                fprintf(out, "  %*s%s", pad, "", s);
        }
        fputc('\n', out);
    }
}

static int64_t setting_last_iteration(const ds *d, size_t setting)
{
    int64_t last = -1;
    for (int m = 0; m < DS_MODES; m++) {
        int64_t l = ds_last_iteration(d, setting, m);
        if (l > last)
            last = l;
    }
    return last;
}

/* ==== verdict ============================================================================== */

/* What summary.csv says about one setting. */
typedef struct verdict {
    const char *verdict, *reason;
    bool has_growth[DS_MODES];
    double growth_bytes[DS_MODES];
    bool has_garbage;
    double garbage_per_iter; /* the forced row's, else the first row's that has one */
    int garbage_mode;
} verdict;

static bool summary_row_matches(const csvt *t, size_t row, const ds_setting *set)
{
    const char *keys[] = {"scenario", "runtime", "policy", "allocator", "threshold"};
    const char *values[] = {set->scenario, set->runtime, set->policy, set->allocator,
                            set->threshold};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strcmp(csvt_get(t, row, csvt_col(t, keys[i])), values[i]) != 0)
            return false;
    return true;
}

/* Reads a number of summary.csv; a cell that is not one is reported on stderr (-1). */
static int summary_f64(const csvt *t, size_t row, const char *column, bool *has, double *out)
{
    bool bad = false;
    int col = csvt_col(t, column);
    *has = csvt_f64(t, row, col, out, &bad);
    if (bad) {
        gcb_error("%s:%zu: %s is '%s', not a number", t->path, t->lines[row], column,
                  csvt_get(t, row, col));
        return -1;
    }
    return 0;
}

/* Collects the summary rows of setting into v. Returns 1 found, 0 none, -1 malformed. */
static int find_verdict(const ds *d, size_t setting, verdict *v)
{
    const csvt *t = &d->summary;
    memset(v, 0, sizeof *v);
    int found = 0;
    for (size_t row = 0; d->has_summary && row < t->nrows; row++) {
        if (!summary_row_matches(t, row, &d->settings[setting]))
            continue;
        if (!found) {
            v->verdict = csvt_get(t, row, csvt_col(t, "verdict"));
            v->reason = csvt_get(t, row, csvt_col(t, "verdict_reason"));
            found = 1;
        }
        int m = ds_mode_index(csvt_get(t, row, csvt_col(t, "mode")));
        if (m < 0)
            continue;
        bool has_garbage;
        double garbage;
        if (summary_f64(t, row, "rss_growth_bytes_per_iter", &v->has_growth[m],
                        &v->growth_bytes[m]) != 0 ||
            summary_f64(t, row, "garbage_growth_per_iter", &has_garbage, &garbage) != 0)
            return -1;
        if (has_garbage && (!v->has_garbage || m < v->garbage_mode)) {
            v->has_garbage = true;
            v->garbage_per_iter = garbage;
            v->garbage_mode = m;
        }
    }
    return found;
}

/* "+9.30": a signed MiB figure that never reads "-0.00". */
static void format_signed_mib(char *buf, size_t len, double bytes)
{
    double mib = bytes / 1048576.0;
    if (mib > -0.005 && mib < 0.005)
        mib = 0.0;
    snprintf(buf, len, "%+.2f", mib);
}

/* "verdict: delayed — growth per iteration: With GC +0.01 MiB, …; gc.garbage +0/iter" and,
 * when summary.csv gives one, "reason: …". */
static int print_verdict(FILE *out, const ds *d, size_t setting)
{
    verdict v;
    int found = find_verdict(d, setting, &v);
    if (found < 0)
        return -1;
    if (!d->has_summary) {
        fprintf(out, "verdict: none (no %s in this folder)\n", GCB_SUMMARY_CSV);
        return 0;
    }
    if (found == 0) {
        fprintf(out, "verdict: none (%s has no row for this setting)\n", GCB_SUMMARY_CSV);
        return 0;
    }
    fprintf(out, "verdict: %s", *v.verdict ? v.verdict : "none");
    const char *sep = " \u2014 growth per iteration: ";
    for (int m = 0; m < DS_MODES; m++) {
        if (!v.has_growth[m])
            continue;
        char mib[32];
        format_signed_mib(mib, sizeof mib, v.growth_bytes[m]);
        fprintf(out, "%s%s %s MiB", sep, ds_mode_titles[m], mib);
        sep = ", ";
    }
    if (v.has_garbage)
        fprintf(out, "; gc.garbage %+.4g/iter", v.garbage_per_iter == 0 ? 0.0 : v.garbage_per_iter);
    fputc('\n', out);
    if (*v.reason)
        fprintf(out, "reason: %s\n", v.reason);
    return 0;
}

/* ==== native beside CPython ================================================================ */

/* One mode's row of the side-by-side table, from summary.csv's twin columns. */
static int print_twin_row(FILE *out, const csvt *t, size_t row, int m)
{
    static const char *const cols[] = {
        "rss_growth_bytes_per_iter", "cpython_rss_growth_bytes_per_iter", "growth_ratio_to_cpython",
        "peak_above_baseline_bytes", "cpython_peak_above_baseline_bytes", "peak_ratio_to_cpython"};
    bool has[6];
    double v[6];
    for (int i = 0; i < 6; i++)
        if (summary_f64(t, row, cols[i], &has[i], &v[i]) != 0)
            return -1;
    if (!has[1])
        return 0;
    char g0[32], g1[32], p0[32] = "—", p1[32] = "—", r0[32] = "—", r1[32] = "—";
    format_signed_mib(g0, sizeof g0, v[0]);
    format_signed_mib(g1, sizeof g1, v[1]);
    if (has[2])
        snprintf(r0, sizeof r0, "%.2f", v[2]);
    if (has[3])
        gcb_fmt_mib(p0, sizeof p0, (int64_t)v[3]);
    if (has[4])
        gcb_fmt_mib(p1, sizeof p1, (int64_t)v[4]);
    if (has[5])
        snprintf(r1, sizeof r1, "%.2f", v[5]);
    fprintf(out, "  %-11s %9s %9s %6s   %9s %9s %6s\n", ds_mode_titles[m], g0, g1, r0, p0, p1, r1);
    return 1;
}

/* For a native setting run beside CPython: growth per iteration and peak above the
 * baseline (MiB) of both runtimes per mode, and native / CPython. Nothing otherwise. */
static int print_twin(FILE *out, const ds *d, size_t setting)
{
    const csvt *t = &d->summary;
    if (!d->has_summary || csvt_col(t, "cpython_rss_growth_bytes_per_iter") < 0)
        return 0;
    bool header = false;
    for (int m = 0; m < DS_MODES; m++) {
        for (size_t row = 0; row < t->nrows; row++) {
            if (!summary_row_matches(t, row, &d->settings[setting]) ||
                ds_mode_index(csvt_get(t, row, csvt_col(t, "mode"))) != m ||
                !*csvt_get(t, row, csvt_col(t, "cpython_rss_growth_bytes_per_iter")))
                continue;
            if (!header)
                fprintf(out,
                        "native beside CPython:  %-28s  %s\n  %-11s %9s %9s %6s   %9s %9s %6s\n",
                        "growth per iteration (MiB)", "peak above baseline (MiB)", "", "native",
                        "CPython", "ratio", "native", "CPython", "ratio");
            header = true;
            if (print_twin_row(out, t, row, m) < 0)
                return -1;
        }
    }
    return 0;
}

/* ==== failed runs ========================================================================== */

/* The message on the line after "— ", later lines of it (a traceback) indented. */
static void print_message(FILE *out, const char *message)
{
    size_t len = strlen(message);
    while (len > 0 && (message[len - 1] == '\n' || message[len - 1] == '\r'))
        len--;
    if (len == 0)
        return;
    fputs(" \u2014 ", out);
    for (size_t i = 0; i < len; i++) {
        if (message[i] == '\r')
            continue;
        fputc(message[i], out);
        if (message[i] == '\n')
            fputs("    ", out);
    }
}

/* "failed: r0007 Without GC repeat 2: rss_limit at iteration 6 (512.00 MiB) — message" */
static void print_failed_run(FILE *out, const ds_run *run)
{
    fprintf(out, "failed: %s %s", run->run_id, ds_mode_titles[run->mode_index]);
    if (run->repeat != DS_MISSING)
        fprintf(out, " repeat %lld", (long long)run->repeat);
    fprintf(out, ": %s", *run->status ? run->status : "no status");
    if (run->niters == 0) {
        fputs(" before the first sample", out);
    } else {
        const ds_sample *s = &run->iters[run->niters - 1];
        fprintf(out, " at iteration %lld", (long long)s->iteration);
        if (s->rss_bytes != DS_MISSING) {
            char mib[24];
            gcb_fmt_mib(mib, sizeof mib, s->rss_bytes);
            fprintf(out, " (%s MiB)", mib);
        }
    }
    print_message(out, run->message);
    fputc('\n', out);
}

static void print_failed_runs(FILE *out, const ds *d, size_t setting)
{
    const ds_setting *set = &d->settings[setting];
    for (int m = 0; m < DS_MODES; m++)
        for (size_t i = 0; i < set->nruns[m]; i++)
            if (!d->runs[set->runs[m][i]].ok)
                print_failed_run(out, &d->runs[set->runs[m][i]]);
}

/* ==== one setting, all settings ============================================================ */

static int print_setting(FILE *out, const ds *d, size_t setting)
{
    char title[1024];
    report_setting_title(d, setting, title, sizeof title);
    fprintf(out, "%s\n", title);
    int64_t last = setting_last_iteration(d, setting);
    if (last < 0) {
        fputs("no iteration samples\n", out);
    } else {
        table t = {0};
        if (build_table(&t, d, setting, last) != 0) {
            gcb_error("out of memory building the table of %s", title);
            return -1;
        }
        print_table(out, &t);
        free(t.cells);
    }
    if (print_verdict(out, d, setting) != 0 || print_twin(out, d, setting) != 0)
        return -1;
    print_failed_runs(out, d, setting);
    return 0;
}

static bool wanted(const char *scenario, const char *const *scenarios, size_t nscenarios)
{
    for (size_t i = 0; i < nscenarios; i++)
        if (strcmp(scenario, scenarios[i]) == 0)
            return true;
    return nscenarios == 0;
}

int report_print(FILE *out, const ds *d, const char *const *scenarios, size_t nscenarios)
{
    bool first = true;
    for (size_t s = 0; s < d->nsettings; s++) {
        if (!wanted(d->settings[s].scenario, scenarios, nscenarios))
            continue;
        if (!first)
            fputc('\n', out);
        first = false;
        if (print_setting(out, d, s) != 0)
            return -1;
    }
    return ferror(out) ? -1 : 0;
}

/* ==== bench report ========================================================================= */

static const char report_usage[] =
    "Usage: bench report DIR [--format text] [--scenario NAME[,NAME...]]\n"
    "\n"
    "Prints, for each scenario and setting (runtime, policy, allocator, threshold) in the\n"
    "results folder DIR, the table of seed 004: one row per iteration (\"start\" is the\n"
    "baseline after setup), one column per GC mode -- \"With GC\" (forced collection after\n"
    "every iteration), \"Without GC\" (automatic collection only), \"GC off\" (collector\n"
    "disabled) -- each cell the RSS in MiB, the median over the repeats that succeeded,\n"
    "with their min-max beside it when there are several. Then the verdict and its\n"
    "evidence from summary.csv, and the runs that failed with their status and message.\n"
    "Reads only DIR's CSV files; nothing is re-run.\n"
    "\n"
    "Options:\n"
    "  --format FORMAT          output format; only 'text' for now (the default)\n"
    "  --scenario NAME[,NAME...]\n"
    "                           only these scenarios (as named in DIR/runs.csv); may be\n"
    "                           given more than once\n"
    "  -h, --help               show this help and exit\n"
    "\n"
    "Exit status: 0 printed, 1 DIR unreadable or malformed (the message names the file and\n"
    "line), 2 usage error.\n";

/* The command line, parsed. names holds strdup'ed scenario names. */
typedef struct report_args {
    const char *dir;
    char **names;
    size_t nnames;
    bool help;
} report_args;

static void free_args(report_args *a)
{
    for (size_t i = 0; i < a->nnames; i++)
        free(a->names[i]);
    free(a->names);
}

/* Appends the names of "a,b,c" to a->names. Returns 0, or -1 after a usage error. */
static int add_scenarios(report_args *a, const char *list)
{
    const char *p = list;
    for (;;) {
        size_t n = strcspn(p, ",");
        if (n == 0) {
            gcb_usage_error("report", "--scenario '%s' has an empty name; give NAME[,NAME...]",
                            list);
            return -1;
        }
        char **names = realloc(a->names, (a->nnames + 1) * sizeof *names);
        if (names == NULL)
            return -1;
        a->names = names;
        a->names[a->nnames] = strndup(p, n);
        if (a->names[a->nnames] == NULL)
            return -1;
        a->nnames++;
        if (p[n] == '\0')
            return 0;
        p += n + 1;
    }
}

static int check_format(const char *format)
{
    if (strcmp(format, "text") == 0)
        return 0;
    gcb_usage_error("report", "--format '%s' is not available; the only format for now is text",
                    format);
    return -1;
}

/* Parses argv (argv[0] "report"). Returns 0, or -1 after printing a usage error. */
static int parse_report_args(int argc, char **argv, report_args *a)
{
    static const struct option options[] = {
        {"format", required_argument, NULL, 'f'},
        {"scenario", required_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int saved_opterr = opterr, c, rc = 0;
    opterr = 0;
    optind = 0; /* a fresh scan of this argv (glibc) */
    while (rc == 0 && (c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        if (c == 'f')
            rc = check_format(optarg);
        else if (c == 's')
            rc = add_scenarios(a, optarg);
        else if (c == 'h')
            a->help = true;
        else {
            gcb_usage_error("report",
                            c == ':' ? "option '%s' needs a value" : "unknown option '%s'",
                            argv[optind - 1]);
            rc = -1;
        }
    }
    opterr = saved_opterr;
    if (rc != 0 || a->help)
        return rc;
    if (optind >= argc) {
        gcb_usage_error("report", "which results folder? e.g. bench report results/latest");
        return -1;
    }
    if (optind + 1 < argc) {
        gcb_usage_error("report", "one results folder at a time; '%s' is extra", argv[optind + 1]);
        return -1;
    }
    a->dir = argv[optind];
    return 0;
}

/* Every --scenario name must be in the folder; else a usage error listing what it has. */
static int check_scenarios(const ds *d, const report_args *a)
{
    for (size_t i = 0; i < a->nnames; i++) {
        bool found = false;
        for (size_t s = 0; s < d->nsettings && !found; s++)
            found = strcmp(d->settings[s].scenario, a->names[i]) == 0;
        if (found)
            continue;
        char have[2048] = "";
        size_t used = 0;
        for (size_t s = 0; s < d->nsettings && used < sizeof have; s++) {
            bool seen = false;
            for (size_t k = 0; k < s && !seen; k++)
                seen = strcmp(d->settings[k].scenario, d->settings[s].scenario) == 0;
            if (!seen)
                used += (size_t)snprintf(have + used, sizeof have - used, "%s%s", used ? ", " : "",
                                         d->settings[s].scenario);
        }
        gcb_usage_error("report", "no scenario '%s' in %s; it has: %s", a->names[i], d->dir,
                        used ? have : "no runs at all");
        return -1;
    }
    return 0;
}

int report_main(int argc, char **argv)
{
    report_args a = {0};
    if (parse_report_args(argc, argv, &a) != 0) {
        free_args(&a);
        return GCB_EXIT_USAGE;
    }
    if (a.help) {
        fputs(report_usage, stdout);
        free_args(&a);
        return GCB_EXIT_OK;
    }
    ds d;
    char err[4096];
    int rc = GCB_EXIT_OK;
    if (ds_load(&d, a.dir, err, sizeof err) != 0) {
        gcb_error("%s", err);
        free_args(&a);
        return GCB_EXIT_FAILED;
    }
    if (check_scenarios(&d, &a) != 0)
        rc = GCB_EXIT_USAGE;
    else if (report_print(stdout, &d, (const char *const *)a.names, a.nnames) != 0 ||
             fflush(stdout) != 0) {
        if (ferror(stdout))
            gcb_error("writing the report: %s", strerror(errno));
        rc = GCB_EXIT_FAILED;
    }
    ds_free(&d);
    free_args(&a);
    return rc;
}
