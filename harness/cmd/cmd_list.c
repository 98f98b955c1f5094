/* cmd_list.c — `bench list` (the scenarios, their seeds and parameters) and `bench info`
 * (this machine as a results folder records it). */
#include "commands.h"

#include <stdio.h>
#include <string.h>

#include "machine.h"
#include "scenario.h"
#include "util.h"

static const char list_usage[] =
    "Usage: bench list\n"
    "List the built-in scenarios: name, the verdict expected under py311, the seed article\n"
    "it reproduces, a summary, and its parameters with their defaults (set them with\n"
    "'bench run --param KEY=VALUE').\n";

static const char info_usage[] =
    "Usage: bench info\n"
    "Print this machine as 'bench run' records it in machine.csv: CPU, caches, memory,\n"
    "kernel settings, versions.\n";

/* Returns 1 when argv asks for help (printed), -1 on a usage error, 0 to go on. */
static int no_args(const char *cmd, const char *usage, int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--help") == 0) {
        fputs(usage, stdout);
        return 1;
    }
    if (argc > 1) {
        gcb_usage_error(cmd, "unexpected argument '%s'", argv[1]);
        return -1;
    }
    return 0;
}

int cmd_list(int argc, char **argv)
{
    int rc = no_args("list", list_usage, argc, argv);
    if (rc != 0)
        return rc > 0 ? GCB_EXIT_OK : GCB_EXIT_USAGE;
    size_t n;
    const scn_scenario *const *all = scn_all(&n);
    printf("%-18s %-10s %-14s %s\n", "SCENARIO", "EXPECTED", "SEED", "SUMMARY");
    for (size_t i = 0; i < n; i++) {
        const scn_scenario *s = all[i];
        printf("%-18s %-10s %-14s %s\n", s->name, s->expected, s->seed, s->summary);
        for (size_t k = 0; k < s->param_count; k++)
            printf("%-18s   --param %s=%ld  %s\n", "", s->params[k].key, s->params[k].value,
                   s->params[k].help);
    }
    return GCB_EXIT_OK;
}

int cmd_info(int argc, char **argv)
{
    int rc = no_args("info", info_usage, argc, argv);
    if (rc != 0)
        return rc > 0 ? GCB_EXIT_OK : GCB_EXIT_USAGE;
    machine *m = machine_open();
    if (m == NULL)
        return GCB_EXIT_FAILED;
    machine_print(m, stdout, argc, argv);
    machine_close(m);
    return GCB_EXIT_OK;
}
