/* main.c — the bench program's entry: dispatches to a command, prints --help and --version. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "util.h"
#include "version.h"

static const char usage[] =
    "Usage: bench COMMAND [OPTION]...\n"
    "gcbench: does my memory come back? Runs the classic Python garbage-collection\n"
    "experiments against a C model of CPython 3.11's memory management, measures RSS, and\n"
    "gives a verdict per scenario (released, delayed, leak, uncollectable).\n"
    "\n"
    "Commands:\n"
    "  list          list the scenarios\n"
    "  run           run scenarios and write a results folder\n"
    "  plan          write a run's plan as a job list and a SLURM array script\n"
    "  report DIR    print the tables and verdicts of a results folder\n"
    "  plot DIR      draw the plots of a results folder (gnuplot)\n"
    "  compare DIRS  set two or more results folders side by side: ratios, and which\n"
    "                differences exceed run-to-run noise\n"
    "  merge DIRS    merge the results folders of a plan's shards into one (--out OUT)\n"
    "  info          print this machine as results record it\n"
    "  perf          time the native runtime against CPython on the same heaps\n"
    "\n"
    "  --help        show this help ('bench COMMAND --help' for a command's options)\n"
    "  --version     show the version\n"
    "\n"
    "Exit status: 0 success, 1 a run or file failed, 2 usage error.\n";

typedef struct command {
    const char *name;
    int (*main)(int argc, char **argv);
} command;

static const command commands[] = {
    {"list", cmd_list},     {"run", cmd_run},   {"plan", cmd_plan},
    {"report", cmd_report}, {"plot", cmd_plot}, {"compare", cmd_compare},
    {"info", cmd_info},     {"perf", cmd_perf}, {"merge", cmd_merge},
};

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return GCB_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(usage, stdout);
        return GCB_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("bench (gcbench) %s (%s)\n", GCB_VERSION, GCB_COMMIT);
        return GCB_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].main(argc - 1, argv + 1);
    gcb_usage_error(NULL,
                    "unknown command '%s'; commands: list, run, plan, report, plot, compare, info, "
                    "perf, merge",
                    argv[1]);
    return GCB_EXIT_USAGE;
}
