/* cmd_merge.c — `bench merge DIR... --out OUT`: its options; the merge itself is merge.c's. */
#include "commands.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "merge.h"
#include "util.h"

static const char merge_usage[] =
    "Usage: bench merge DIR... --out OUT [--quiet]\n"
    "Merge the results folders of one plan's shards ('bench run --shard K/N', run on one\n"
    "machine or many) into one results folder OUT, which 'bench report', 'plot' and\n"
    "'compare' read like any other.\n"
    "\n"
    "  DIR         a results folder 'bench run' wrote, or the --out folder it wrote into\n"
    "              (its 'latest' link is followed); every shard of the plan, each once. A\n"
    "              folder 'bench merge' wrote counts as the shards it holds.\n"
    "  --out OUT   the merged folder: made (with its parents), or replaced whole when it is a\n"
    "              results folder (runs.csv, and nothing but machine.csv, samples.csv,\n"
    "              summary.csv and plots/ beside it) or an empty folder; anything else there\n"
    "              is refused. It is written beside OUT first and renamed into place at the\n"
    "              end: a merge that fails, or is stopped, leaves nothing.\n"
    "  --quiet     print nothing on success (else one line: OUT, its runs, folders, machines)\n"
    "  --help      show this help\n"
    "\n"
    "OUT holds every run of the plan once, in plan order, named r0001, r0002, ... by its place\n"
    "in the plan (runs.csv plan_index), each keeping the machine it ran on (machine_id) and\n"
    "its samples; machine.csv (key,value,machine_id) holds each machine's rows once, from the\n"
    "folder of its earliest run, then the folder's own keys with an empty machine_id: plan_id,\n"
    "plan_runs, shard 1/1, merged_from (how many shard folders), status complete,\n"
    "runs_planned and runs_done; summary.csv and its verdicts are recomputed. Nothing in OUT\n"
    "depends on the time or the order of the DIRs: merging them again gives the same bytes,\n"
    "and so does merging OUT alone.\n"
    "\n"
    "Refused, with nothing written (stderr names the folders):\n"
    "  a folder of another plan (plan_id differs), a run in two folders, runs of the plan in\n"
    "  none of them (the runs named, and the shards when the DIRs are shards K/N of one N),\n"
    "  a folder named twice                                                      exit 2\n"
    "  a folder not complete (its status named), made by a bench before sweeps (no\n"
    "  plan_id), unreadable or damaged (FILE:LINE); OUT cannot be written       exit 1\n"
    "\n"
    "Exit status: 0 merged, 1 a folder cannot be merged or OUT written, 2 usage error.\n";

int cmd_merge(int argc, char **argv)
{
    static const struct option options[] = {
        {"out", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *out = NULL;
    bool quiet = false, help = false;
    int saved_opterr = opterr, c, rc = GCB_EXIT_OK;
    opterr = 0;
    optind = 0; /* a fresh scan of this argv (glibc) */
    while (rc == GCB_EXIT_OK && (c = getopt_long(argc, argv, ":hq", options, NULL)) != -1) {
        if (c == 'o')
            out = optarg;
        else if (c == 'q')
            quiet = true;
        else if (c == 'h')
            help = true;
        else {
            gcb_usage_getopt("merge", c, argv[optind - 1]);
            rc = GCB_EXIT_USAGE;
        }
    }
    opterr = saved_opterr;
    if (rc != GCB_EXIT_OK)
        return rc;
    if (help) {
        fputs(merge_usage, stdout);
        return GCB_EXIT_OK;
    }
    if (optind >= argc) {
        gcb_usage_error("merge",
                        "which folders? e.g. bench merge sweep/shards/* --out sweep/merged");
        return GCB_EXIT_USAGE;
    }
    if (out == NULL) {
        gcb_usage_error("merge", "where to? --out OUT names the merged folder");
        return GCB_EXIT_USAGE;
    }
    return merge_folders((const char *const *)argv + optind, (size_t)(argc - optind), out, quiet);
}
