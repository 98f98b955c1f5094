/* cmd_report.c — `bench report DIR`: its options and help; the report itself is report.c's. */
#include "commands.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "report.h"
#include "util.h"

static const char report_usage[] =
    "Usage: bench report DIR [--format text|markdown|csv|json] [--scenario NAME[,NAME...]]\n"
    "\n"
    "Prints, for each scenario and setting (runtime, policy, allocator, threshold) in the\n"
    "results folder DIR, the table of seed 004: one row per iteration (\"start\" is the\n"
    "baseline after setup), one column per GC mode -- \"With GC\" (forced collection after\n"
    "every iteration), \"Without GC\" (automatic collection only), \"GC off\" (collector\n"
    "disabled) -- each cell the RSS in MiB, the median over the repeats that succeeded,\n"
    "with their min-max beside it when there are several. Then the verdict and its\n"
    "evidence from summary.csv (growth per iteration in each mode, gc.garbage growth), a\n"
    "native setting beside its CPython twin when both ran, and the runs that failed with\n"
    "their status and message. A setting whose RSS is not comparable (a Pyodide runtime:\n"
    "the Node.js process's RSS, and WebAssembly memory only grows) shows the live\n"
    "instances of the scenario's classes instead, the basis of its verdict. A scenario run\n"
    "in several settings, runtimes or policies ends with one table setting them side by\n"
    "side: per setting and mode, final and peak RSS (MiB; \"n/c\" where not comparable),\n"
    "growth per iteration (MiB), live instances at the end and their growth per\n"
    "iteration, collections (and per generation), objects scanned, pause median, p95 and\n"
    "max (ms), wall time (s) and the verdict, medians over the repeats from summary.csv\n"
    "(\"-\" where it has none); then the live instances of one of the scenario's classes\n"
    "(the one with the most at the end) after each iteration, a column per setting,\n"
    "without forced collection. Reads only DIR's CSV files; nothing is re-run.\n"
    "\n"
    "Formats:\n"
    "  text       for the terminal (the default; what `bench run` prints)\n"
    "  markdown   the same content, GitHub-flavoured: a heading per scenario and setting,\n"
    "             pipe tables, the verdict as a paragraph -- ready to paste into a report\n"
    "  csv        the side-by-side figures of every setting, for a spreadsheet: a header,\n"
    "             then one row per (scenario, setting, mode) with the columns\n"
    "               scenario, runtime, policy, allocator, threshold, mode (forced, auto,\n"
    "                 off)\n"
    "               repeats_ok, repeats_failed     runs counted, runs left out\n"
    "               final_rss_mib, peak_rss_mib    RSS after the last iteration; peak\n"
    "               rss_growth_mib_per_iter (and _min, _max over the repeats)\n"
    "               garbage_growth_per_iter        len(gc.garbage) growth per iteration\n"
    "               collections, objects_scanned   per run\n"
    "               pause_median_ms, pause_p95_ms, pause_max_ms, wall_s\n"
    "               growth_ratio_to_cpython, peak_ratio_to_cpython   native rows with a\n"
    "                 CPython twin: native / CPython (peak: above the baseline)\n"
    "               verdict, verdict_reason\n"
    "               rss_comparable                 0 for Pyodide (its RSS cells are empty)\n"
    "               verdict_basis                  rss, or class_objects (not comparable)\n"
    "               class_objects_final, class_objects_growth_per_iter   live instances\n"
    "                 of the scenario's classes after the last iteration; per iteration\n"
    "               collections_gen0, collections_gen1, collections_gen2\n"
    "             medians over the repeats that succeeded, as summary.csv has them; MiB,\n"
    "             ms, s and ratios with three decimals; an empty cell where summary.csv\n"
    "             has no figure.\n";

/* The rest of the help (one string would exceed what C11 compilers must accept). */
static const char report_usage_more[] =
    "  json       one JSON document for scripts and CI (schema: share/gcbench/schemas/\n"
    "             report.schema.json; README \"JSON output\"): per setting its verdict,\n"
    "             reason and rule, and per mode every summary.csv figure (numbers as\n"
    "             numbers, empty as null), the RSS after each iteration (median, min, max;\n"
    "             live instances where RSS is not comparable), the types that grow and the\n"
    "             failed runs.\n"
    "\n"
    "Options:\n"
    "  --format FORMAT          text (the default), markdown, csv or json\n"
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
    report_format format;
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

/* Sets a->format from --format's value. Returns 0, or -1 after a usage error. */
static int parse_format(report_args *a, const char *format)
{
    static const char *const names[] = {"text", "markdown", "csv", "json"};
    static const report_format formats[] = {REPORT_TEXT, REPORT_MARKDOWN, REPORT_CSV, REPORT_JSON};
    int i = gcb_parse_choice("report", "--format", format, names, sizeof names / sizeof names[0]);
    if (i < 0)
        return -1;
    a->format = formats[i];
    return 0;
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
            rc = parse_format(a, optarg);
        else if (c == 's')
            rc = add_scenarios(a, optarg);
        else if (c == 'h')
            a->help = true;
        else {
            gcb_usage_getopt("report", c, argv[optind - 1]);
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

/* The report into memory first, then to stdout: a malformed summary.csv found half-way
 * leaves stdout empty rather than half-written. Returns the exit code. */
static int write_whole(const ds *d, const report_args *a)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (mem == NULL) {
        gcb_error("writing the report: %s", strerror(errno));
        return GCB_EXIT_FAILED;
    }
    int rc = report_write(mem, d, a->format, (const char *const *)a->names, a->nnames);
    if (fclose(mem) != 0 && rc == 0) {
        gcb_error("writing the report: %s", strerror(errno));
        rc = -1;
    }
    if (rc == 0 && (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0)) {
        gcb_error("writing the report: %s", strerror(errno));
        rc = -1;
    }
    free(text);
    return rc == 0 ? GCB_EXIT_OK : GCB_EXIT_FAILED;
}

int cmd_report(int argc, char **argv)
{
    report_args a = {0};
    if (parse_report_args(argc, argv, &a) != 0) {
        free_args(&a);
        return GCB_EXIT_USAGE;
    }
    if (a.help) {
        fputs(report_usage, stdout);
        fputs(report_usage_more, stdout);
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
    ds_note_incomplete(&d);
    if (report_check_scenarios(&d, (const char *const *)a.names, a.nnames) != 0)
        rc = GCB_EXIT_USAGE;
    else
        rc = write_whole(&d, &a);
    ds_free(&d);
    free_args(&a);
    return rc;
}
