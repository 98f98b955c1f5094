/* cmd_perf.c — `bench perf`: its options, help and table; the measurement itself (the
 * workloads, the CPython subprocess, the rounds in turn) is run/perf.c's.
 *
 * A benchmark, not a test: it never fails because one side is slow. It exits 1 only when
 * the native side cannot run a workload; a CPython side that is missing or fails leaves its
 * column empty, with a warning. */
#include "commands.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "perf.h"
#include "util.h"

static const char perf_usage[] =
    "Usage: bench perf [OPTION]...\n"
    "Time the same heaps in the native runtime and in CPython 3.11 (a python3 subprocess),\n"
    "round by round in turn, and print the median nanoseconds per object of each and their\n"
    "ratio.\n"
    "\n"
    "Workloads:\n"
    "  collect_reachable  a full collection of N objects in two-object cycles, all held\n"
    "  collect_garbage    the same heap with nothing holding it: all N are garbage\n"
    "  alloc_free         create and drop one instance, N times\n"
    "  scenario_step      one cross_reference iteration (seed 004: 100 B<->A cycles, each A\n"
    "                     holding 10 000 floats), per object it creates (N does not apply)\n"
    "\n"
    "  --format text|csv         an aligned table, or CSV with the header\n"
    "                            workload,objects,native_ns_per_object,cpython_ns_per_object,\n"
    "                            speedup [text]\n"
    "  --rounds N                rounds per workload and side; the median is reported [5]\n"
    "  --objects N               objects per collection and allocation workload [1000000]\n"
    "  --workload NAME[,NAME...] workloads to run [all]\n"
    "  --python PATH             the CPython interpreter [python3]\n"
    "  --help                    show this help\n"
    "\n"
    "speedup = CPython ns per object / native ns per object: above 1, the native runtime is\n"
    "faster. Without a working CPython its columns are left empty (with a warning).\n"
    "\n"
    "Exit status: 0 measured; 1 the native runtime failed a workload; 2 bad options.\n";

#define PERF_MAX_ROUNDS 1000
#define PERF_MAX_OBJECTS 100000000

/* ---------------------------------------------------------------------------------------
 * Measuring and printing
 * ------------------------------------------------------------------------------------- */

typedef struct perf_cli {
    bool csv;
    int64_t rounds, objects;
    bool selected[PERF_WORKLOADS];
    const char *python;
} perf_cli;

/* "12.34", or "" when v < 0 (no value). */
static const char *perf_fmt(char *buf, size_t len, double v)
{
    if (v < 0)
        buf[0] = '\0';
    else
        snprintf(buf, len, "%.2f", v);
    return buf;
}

static void perf_print_row(const perf_cli *c, const char *name, const perf_result *r)
{
    char native[32], cpython[32], speedup[32];
    perf_fmt(native, sizeof native, r->native_ns);
    perf_fmt(cpython, sizeof cpython, r->cpython_ns);
    perf_fmt(speedup, sizeof speedup,
             r->native_ns > 0 && r->cpython_ns >= 0 ? r->cpython_ns / r->native_ns : -1);
    if (c->csv)
        printf("%s,%lld,%s,%s,%s\n", name, (long long)r->objects, native, cpython, speedup);
    else
        printf("%-18s %9lld %14s %15s %8s%s\n", name, (long long)r->objects, native, cpython,
               speedup, speedup[0] != '\0' ? "x" : "");
}

static void perf_print_header(const perf_cli *c)
{
    if (c->csv)
        puts("workload,objects,native_ns_per_object,cpython_ns_per_object,speedup");
    else
        printf("%-18s %9s %14s %15s %8s\n", "WORKLOAD", "OBJECTS", "NATIVE ns/obj",
               "CPYTHON ns/obj", "SPEEDUP");
}

static void perf_print_footer(const perf_cli *c, const char *cpython_version)
{
    if (c->csv)
        return;
    printf("\nspeedup = CPython ns per object / native ns per object (above 1: the native "
           "runtime is faster);\nmedian of %lld round%s each, run in turn; ",
           (long long)c->rounds, c->rounds == 1 ? "" : "s");
    if (cpython_version[0] != '\0')
        printf("CPython %s (%s).\n", cpython_version, c->python);
    else
        printf("no CPython (%s did not run).\n", c->python);
}

/* ---------------------------------------------------------------------------------------
 * Options
 * ------------------------------------------------------------------------------------- */

/* --workload NAME[,NAME…]: marks each named workload. Returns 0, or -1 (usage error). */
static int perf_parse_workloads(perf_cli *c, const char *arg)
{
    char copy[512];
    snprintf(copy, sizeof copy, "%s", arg);
    memset(c->selected, 0, sizeof c->selected);
    bool any = false;
    for (char *save = NULL, *name = strtok_r(copy, ",", &save); name != NULL;
         name = strtok_r(NULL, ",", &save)) {
        size_t i = 0;
        while (i < PERF_WORKLOADS && strcmp(perf_workload_name(i), name) != 0)
            i++;
        if (i == PERF_WORKLOADS) {
            gcb_usage_error("perf",
                            "unknown workload '%s'; workloads: collect_reachable, "
                            "collect_garbage, alloc_free, scenario_step",
                            name);
            return -1;
        }
        c->selected[i] = any = true;
    }
    if (!any) {
        gcb_usage_error("perf", "--workload '%s' names no workload", arg);
        return -1;
    }
    return 0;
}

static int perf_parse_number(const char *opt, const char *arg, int64_t min, int64_t max,
                             int64_t *out)
{
    if (gcb_parse_i64(arg, min, max, out) != 0) {
        gcb_usage_error("perf", "bad %s '%s': expected a whole number from %lld to %lld", opt, arg,
                        (long long)min, (long long)max);
        return -1;
    }
    return 0;
}

enum { OPT_FORMAT = 256, OPT_ROUNDS, OPT_OBJECTS, OPT_WORKLOAD, OPT_PYTHON, OPT_HELP };

static int perf_parse_one(perf_cli *c, int opt, const char *arg)
{
    switch (opt) {
    case OPT_FORMAT:
        if (strcmp(arg, "text") != 0 && strcmp(arg, "csv") != 0) {
            gcb_usage_error("perf", "unknown --format '%s'; use text or csv", arg);
            return -1;
        }
        c->csv = strcmp(arg, "csv") == 0;
        return 0;
    case OPT_ROUNDS:
        return perf_parse_number("--rounds", arg, 1, PERF_MAX_ROUNDS, &c->rounds);
    case OPT_OBJECTS:
        return perf_parse_number("--objects", arg, 2, PERF_MAX_OBJECTS, &c->objects);
    case OPT_WORKLOAD:
        return perf_parse_workloads(c, arg);
    case OPT_PYTHON:
        if (*arg == '\0') {
            gcb_usage_error("perf", "--python needs an interpreter (a path or a name on PATH)");
            return -1;
        }
        c->python = arg;
        return 0;
    default:
        return -1;
    }
}

/* Returns 0, 1 for --help (printed), or -1 after a usage error. */
static int perf_parse(int argc, char **argv, perf_cli *c)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, OPT_FORMAT},
        {"rounds", required_argument, NULL, OPT_ROUNDS},
        {"objects", required_argument, NULL, OPT_OBJECTS},
        {"workload", required_argument, NULL, OPT_WORKLOAD},
        {"python", required_argument, NULL, OPT_PYTHON},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    *c = (perf_cli){.rounds = 5, .objects = 1000000, .python = "python3"};
    for (size_t i = 0; i < PERF_WORKLOADS; i++)
        c->selected[i] = true;
    opterr = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        if (opt == OPT_HELP) {
            fputs(perf_usage, stdout);
            return 1;
        }
        if (opt == '?' || opt == ':') {
            gcb_usage_getopt("perf", opt, argv[optind - 1]);
            return -1;
        }
        if (perf_parse_one(c, opt, optarg) != 0)
            return -1;
    }
    if (optind < argc) {
        gcb_usage_error("perf", "unexpected argument '%s'", argv[optind]);
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------------------------------
 * The command
 * ------------------------------------------------------------------------------------- */

int cmd_perf(int argc, char **argv)
{
    perf_cli c;
    int rc = perf_parse(argc, argv, &c);
    if (rc != 0)
        return rc > 0 ? GCB_EXIT_OK : GCB_EXIT_USAGE;
    perf_bench b;
    if (perf_open(&b, c.rounds, c.objects, c.python) != 0)
        return GCB_EXIT_FAILED;

    perf_result results[PERF_WORKLOADS];
    bool failed = false;
    for (size_t i = 0; i < PERF_WORKLOADS; i++)
        if (c.selected[i] && perf_measure(&b, i, &results[i]) != 0)
            failed = true;
    perf_progress_end();

    perf_print_header(&c);
    for (size_t i = 0; i < PERF_WORKLOADS; i++)
        if (c.selected[i])
            perf_print_row(&c, perf_workload_name(i), &results[i]);
    perf_print_footer(&c, perf_cpython_version(&b));
    perf_close(&b);
    return failed ? GCB_EXIT_FAILED : GCB_EXIT_OK;
}
