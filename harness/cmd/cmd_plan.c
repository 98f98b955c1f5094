/* cmd_plan.c — `bench plan [run options] [--shards N] --out DIR`: the runs `bench run` would
 * make with those options, written for GNU parallel or SLURM to run (planfile.h), to be joined
 * by `bench merge`. */
#include "commands.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "options.h"
#include "plan.h"
#include "planfile.h"
#include "results.h"
#include "util.h"

static const char plan_usage[] =
    "Usage: bench plan [RUN OPTION]... [--shards N] --out DIR\n"
    "Write the runs that 'bench run' with these options would make as a plan other engines\n"
    "run: DIR/jobs.txt, one 'bench run ... --shard K/N --out DIR/shards/K' command per line,\n"
    "and DIR/slurm.sbatch, a SLURM array job whose task K runs line K. Run it with\n"
    "  sbatch DIR/slurm.sbatch                     (a cluster)\n"
    "  parallel --jobs N < DIR/jobs.txt            (GNU parallel; --sshloginfile for\n"
    "                                               several machines)\n"
    "then join the shards: bench merge DIR/shards/* --out RESULTS\n"
    "\n"
    "  --out DIR                      the plan's folder [plan]\n"
    "  --shards N                     N shards of about equal size, for an array job\n"
    "                                 within SLURM's MaxArraySize [one per run]\n"
    "  RUN OPTION                     any of 'bench run' (below) but --out, --shard and\n"
    "                                 --jobs (a line runs its shard alone); relative paths\n"
    "                                 resolve in the folder bench plan ran in\n"
    "\n"
    "Exit status: 0 written; 2 bad options or an unusable DIR (nothing written).\n"
    "\n"
    "'bench run' options:\n";

/* Takes --shards N (plan's own) out of argv (in place); *shards = N, or 0 when not given.
 * Returns the new argc, or -1 after a usage error. */
static int take_shards(int argc, char **argv, int64_t *shards)
{
    *shards = 0;
    int out = 1;
    for (int i = 1; i < argc; i++) {
        const char *value = NULL;
        if (strcmp(argv[i], "--") == 0) { /* the rest is not options */
            while (i < argc)
                argv[out++] = argv[i++];
            break;
        }
        if (strcmp(argv[i], "--shards") == 0) {
            if (i + 1 >= argc) {
                gcb_usage_error("plan", "option '--shards' needs a value");
                return -1;
            }
            value = argv[++i];
        } else if (strncmp(argv[i], "--shards=", 9) == 0) {
            value = argv[i] + 9;
        } else {
            argv[out++] = argv[i];
            continue;
        }
        if (gcb_parse_i64(value, 1, 1000000000, shards) != 0) {
            gcb_usage_error("plan", "bad --shards '%s': expected a whole number from 1", value);
            return -1;
        }
    }
    argv[out] = NULL;
    return out;
}

int cmd_plan(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0) {
            fputs(plan_usage, stdout);
            run_options_usage(stdout);
            return GCB_EXIT_OK;
        }
    char **args = calloc((size_t)argc + 1, sizeof *args);
    bool *marked = calloc((size_t)argc + 1, sizeof *marked);
    if (args == NULL || marked == NULL) {
        free(args);
        free(marked);
        gcb_error("out of memory");
        return GCB_EXIT_FAILED;
    }
    memcpy(args, argv, (size_t)argc * sizeof *args);
    int64_t shards;
    int n = take_shards(argc, args, &shards);
    int rc = GCB_EXIT_USAGE;
    run_cli c;
    bool parsed = false;
    plan_run *runs = NULL;
    if (n < 0)
        goto out;
    static const char *const shard_opt[] = {"shard"};
    run_options_mark(n, args, shard_opt, 1, marked);
    for (int i = 1; i < n; i++)
        if (marked[i]) {
            gcb_usage_error("plan", "no --shard: bench plan writes one line per shard itself");
            goto out;
        }
    static const char *const out_opt[] = {"out"};
    run_options_mark(n, args, out_opt, 1, marked);
    bool out_given = false;
    for (int i = 1; i < n; i++)
        out_given |= marked[i];
    int prc = run_options_parse("plan", n, args, &c);
    parsed = true;
    if (prc != 0) {
        rc = prc > 0 ? GCB_EXIT_OK : GCB_EXIT_USAGE;
        goto out;
    }
    const char *dir = out_given ? c.out : "plan";
    char err[PATH_MAX + 256];
    if (results_check_out(dir, err, sizeof err) != 0) {
        gcb_usage_error("plan", "%s", err);
        goto out;
    }
    if (strpbrk(dir, " \t'\"\\$`") != NULL) {
        gcb_usage_error("plan", "--out '%s': no spaces, quotes, '\\', '$' or '`' in a plan's "
                                "folder (SLURM's #SBATCH lines take it as it is)", dir);
        goto out;
    }
    size_t total;
    runs = plan_expand(&c.plan, &total);
    if (runs == NULL) {
        gcb_error("out of memory planning the runs");
        rc = GCB_EXIT_FAILED;
        goto out;
    }
    if (shards == 0)
        shards = (int64_t)total;
    if ((size_t)shards > total) {
        gcb_usage_error("plan", "--shards %lld: the plan has only %zu run(s)", (long long)shards,
                        total);
        goto out;
    }
    char id[17], abs_dir[PATH_MAX], bench[PATH_MAX], cwd[PATH_MAX];
    plan_id(runs, total, id);
    ssize_t len = readlink("/proc/self/exe", bench, sizeof bench - 1);
    if (len <= 0 || getcwd(cwd, sizeof cwd) == NULL) {
        gcb_error("cannot find bench's own path or the current folder: %s", strerror(errno));
        rc = GCB_EXIT_FAILED;
        goto out;
    }
    bench[len] = '\0';
    if (gcb_mkdirs(dir) != 0 || realpath(dir, abs_dir) == NULL) {
        gcb_usage_error("plan", "cannot make %s: %s", dir, strerror(errno));
        goto out;
    }
    /* the lines' options: as given, but the plan's own (--out, --jobs) */
    static const char *const drop[] = {"out", "jobs"};
    run_options_mark(n, args, drop, 2, marked);
    size_t kept = 0;
    for (int i = 1; i < n; i++)
        if (!marked[i])
            args[kept++] = args[i];
    planfile pf = {
        .dir = abs_dir,
        .bench = bench,
        .cwd = cwd,
        .args = args,
        .nargs = kept,
        .shards = (size_t)shards,
        .plan_id = id,
        .runs = total,
    };
    if (planfile_write(&pf, err, sizeof err) != 0) {
        gcb_usage_error("plan", "%s", err);
        goto out;
    }
    printf("plan %s: %zu run(s) in %lld shard(s)\n"
           "  %s/jobs.txt       one 'bench run --shard K/%lld' per line\n"
           "  %s/slurm.sbatch   a SLURM array job of them (task K runs line K)\n"
           "run them with one of\n"
           "  sbatch %s/slurm.sbatch\n"
           "  parallel --jobs N < %s/jobs.txt\n"
           "then: bench merge %s/shards/* --out RESULTS\n",
           id, total, (long long)shards, abs_dir, (long long)shards, abs_dir, abs_dir, abs_dir,
           abs_dir);
    rc = GCB_EXIT_OK;
out:
    if (parsed)
        run_options_free(&c);
    free(runs);
    free(args);
    free(marked);
    return rc;
}
