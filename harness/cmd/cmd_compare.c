/* cmd_compare.c — `bench compare DIR...`: its options and help; the comparison is compare.c's. */
#include "commands.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "compare.h"
#include "dataset.h"
#include "util.h"

static const char compare_usage[] =
    "Usage: bench compare DIR_A DIR_B [DIR...] [--format text|markdown|csv|json]\n"
    "\n"
    "Sets results folders side by side: different machines, or one machine before and\n"
    "after a change. Rows are matched on (scenario, runtime, policy, allocator, threshold,\n"
    "mode); the first folder is A, the next B, then C, ... (up to 26). Prints each folder's\n"
    "machine (host, CPU model, cores, memory, kernel, from its machine.csv), then a table\n"
    "per figure with each folder's value and, for B, C, ..., its ratio to A's (B/A):\n"
    "  repeats        the successful runs (status ok), failed ones in parentheses\n"
    "  final RSS      MiB, median over the repeats of the RSS after the last iteration\n"
    "  peak RSS       MiB, median over the repeats of runs.csv's peak_rss_bytes\n"
    "  growth         MiB per iteration: summary.csv's rss_growth_bytes_per_iter; for a\n"
    "                 folder without it, the median over the repeats of the Theil-Sen slope\n"
    "                 of RSS over iterations 1..N (as summary.csv computes it)\n"
    "  collections    median over the repeats\n"
    "  median pause   ms, median over the repeats of each run's median pause\n"
    "  wall time      s, median over the repeats\n"
    "  verdict        from summary.csv\n"
    "A '*' after the ratio of final RSS or wall time marks a difference beyond run-to-run\n"
    "noise: a two-sided Mann-Whitney U test of the repeats' values in A against those in\n"
    "the other folder gives p < 0.05. The test is exact (the permutation distribution of\n"
    "the rank sum, ties given mid-ranks) up to 50 runs in the two folders together, and\n"
    "beyond that the normal approximation with tie and continuity corrections. It needs\n"
    "two repeats or more in both folders: where either has a single one, a line says that\n"
    "no significance can be given. With 3 and 3 repeats (or 3 and 4, or 2 and up to 7) no\n"
    "p can be below 0.05, and a line says so too: run 4 or more in each folder. Rows found\n"
    "in only one folder are listed at the end (\"only in A:\"). A dash is a figure a folder\n"
    "does not have (no successful run, or an older gcbench that did not record it). Reads\n"
    "only the folders' CSV files; nothing is re-run.\n"
    "\n"
    "Options:\n"
    "  --format FORMAT  text (the default), markdown (GitHub tables, ready to paste), csv\n"
    "                   or json (one document for scripts: schema share/gcbench/schemas/\n"
    "                   compare.schema.json; every row of every folder, with its figures,\n"
    "                   B/A ratios and p-values, null where there is none)\n"
    "  -h, --help       show this help and exit\n"
    "\n"
    "--format csv writes one row per row and figure, for every row of every folder:\n"
    "  scenario, runtime, policy, allocator, threshold, mode   the row\n"
    "  figure     repeats, failed_runs, final_rss_bytes, peak_rss_bytes,\n"
    "             rss_growth_bytes_per_iter, collections, pause_ns_median, wall_ns, verdict\n"
    "  value_a    A's value: bytes, nanoseconds, counts, or the verdict; empty when A does\n"
    "             not have it (repeats is empty only when A has no runs of the row)\n"
    "  value_b, ratio_b_a, p_b_a, value_c, ratio_c_a, p_c_a, ...\n"
    "             for each folder after A: its value, its value over A's (for the figures\n"
    "             from final_rss_bytes to wall_ns), and the Mann-Whitney p (final_rss_bytes\n"
    "             and wall_ns, with 2 repeats or more in both); empty when there is none\n"
    "\n"
    "Exit status: 0 printed, 1 a folder unreadable or malformed (the message names the file\n"
    "and line), 2 usage error.\n";

/* The command line, parsed. */
typedef struct compare_args {
    char **dirs;
    size_t ndirs;
    compare_format format;
    bool help;
} compare_args;

static int parse_format(const char *s, compare_format *out)
{
    static const char *const names[] = {"text", "markdown", "csv", "json"};
    static const compare_format formats[] = {COMPARE_TEXT, COMPARE_MARKDOWN, COMPARE_CSV,
                                             COMPARE_JSON};
    int i = gcb_parse_choice("compare", "--format", s, names, sizeof names / sizeof names[0]);
    if (i < 0)
        return -1;
    *out = formats[i];
    return 0;
}

/* Parses argv (argv[0] "compare"). Returns 0, or -1 after printing a usage error. */
static int parse_compare_args(int argc, char **argv, compare_args *a)
{
    static const struct option options[] = {
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int saved_opterr = opterr, c, rc = 0;
    opterr = 0;
    optind = 0; /* a fresh scan of this argv (glibc) */
    while (rc == 0 && (c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        if (c == 'f')
            rc = parse_format(optarg, &a->format);
        else if (c == 'h')
            a->help = true;
        else {
            gcb_usage_getopt("compare", c, argv[optind - 1]);
            rc = -1;
        }
    }
    opterr = saved_opterr;
    if (rc != 0 || a->help)
        return rc;
    a->dirs = argv + optind;
    a->ndirs = (size_t)(argc - optind);
    if (a->ndirs < 2) {
        gcb_usage_error("compare",
                        "compare needs two results folders or more (%zu given); e.g. bench "
                        "compare results/before results/after",
                        a->ndirs);
        return -1;
    }
    if (a->ndirs > COMPARE_MAX_FOLDERS) {
        gcb_usage_error("compare", "at most %d results folders (A to Z); %zu given",
                        COMPARE_MAX_FOLDERS, a->ndirs);
        return -1;
    }
    return 0;
}

int cmd_compare(int argc, char **argv)
{
    compare_args a = {.format = COMPARE_TEXT};
    if (parse_compare_args(argc, argv, &a) != 0)
        return GCB_EXIT_USAGE;
    if (a.help) {
        fputs(compare_usage, stdout);
        return GCB_EXIT_OK;
    }
    ds folders[COMPARE_MAX_FOLDERS];
    size_t loaded = 0;
    int rc = GCB_EXIT_OK;
    char err[4096];
    for (; loaded < a.ndirs; loaded++)
        if (ds_load(&folders[loaded], a.dirs[loaded], err, sizeof err) != 0) {
            gcb_error("%s", err);
            rc = GCB_EXIT_FAILED;
            break;
        } else {
            ds_note_incomplete(&folders[loaded]);
        }
    if (rc == GCB_EXIT_OK &&
        (compare_print(stdout, folders, a.ndirs, a.format) != 0 || fflush(stdout) != 0)) {
        if (ferror(stdout))
            gcb_error("writing the comparison: %s", strerror(errno));
        rc = GCB_EXIT_FAILED;
    }
    for (size_t f = 0; f < loaded; f++)
        ds_free(&folders[f]);
    return rc;
}
