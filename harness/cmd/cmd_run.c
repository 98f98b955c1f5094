/* cmd_run.c — `bench run`: checks every option before anything is written, expands them into
 * runs, runs each in its own pinned worker process, writes the results folder, then the
 * summary, the report tables and the plots. */
#include "commands.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch.h"
#include "dataset.h"
#include "machine.h"
#include "options.h"
#include "plan.h"
#include "plot.h"
#include "report.h"
#include "results.h"
#include "runner.h"
#include "runtimes.h"
#include "schema.h"
#include "summary.h"
#include "util.h"

/* The first of SIGINT, SIGTERM, SIGHUP, SIGQUIT that bench received, or 0: each stops the
 * run in progress; the runs that completed are kept and summarized; bench exits 128 + it. */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    if (interrupted == 0)
        interrupted = sig;
}


/* ---- running ---------------------------------------------------------------------------- */

/* The PUs the batch's workers are pinned to, one per job (-1 each: not pinned), into cpus;
 * --jobs capped by what --pin allows (a note says so). Returns the jobs, or -1 after a usage
 * error. */
static long resolve_pins(const run_cli *c, const machine *m, int *cpus)
{
    size_t jobs = (size_t)c->jobs, allowed;
    int cores[BATCH_MAX_JOBS];
    size_t ncores = machine_cores(m, cores, BATCH_MAX_JOBS);
    const char *what;
    if (c->pin == PIN_LIST) {
        for (size_t i = 0; i < c->npins; i++)
            if (!machine_has_cpu(m, c->pins[i])) {
                gcb_usage_error("run", "--pin %d: this machine has no such CPU (see 'bench info')",
                                c->pins[i]);
                return -1;
            }
        allowed = c->npins;
        what = "the CPUs --pin names";
    } else {
        allowed = ncores > 0 ? ncores : 1;
        what = "the cores of this machine";
    }
    if (jobs > allowed) {
        gcb_error("note: --jobs %zu capped to %zu: %s", jobs, allowed, what);
        jobs = allowed;
    }
    if (c->pin == PIN_LIST) {
        for (size_t j = 0; j < jobs; j++)
            cpus[j] = c->pins[j];
    } else if (c->pin == PIN_AUTO) {
        size_t got = machine_claim_cores(m, cpus, jobs);
        for (size_t j = got; j < jobs; j++)
            cpus[j] = -1;
    } else {
        for (size_t j = 0; j < jobs; j++)
            cpus[j] = -1;
    }
    return (long)jobs;
}

/* --fail-on: names on stderr each setting whose verdict is one of c->fail_on; returns how
 * many. One line per setting (its mode rows share the verdict). */
static size_t failing_verdicts(const run_cli *c, const ds *d)
{
    size_t n = 0;
    for (size_t s = 0; s < d->nsettings; s++) {
        for (int m = 0; m < DS_MODES; m++) {
            long row = report_summary_row(d, s, m);
            if (row < 0)
                continue;
            const char *v = csvt_get(&d->summary, (size_t)row, csvt_col(&d->summary, "verdict"));
            for (size_t i = 0; i < 5; i++) {
                if (c->fail_on[i] && strcmp(v, run_fail_names[i]) == 0) {
                    char title[1024];
                    report_setting_title(d, s, title, sizeof title);
                    gcb_error("--fail-on %s: %s: %s", v, title,
                              csvt_get(&d->summary, (size_t)row,
                                       csvt_col(&d->summary, "verdict_reason")));
                    n++;
                }
            }
            break;
        }
    }
    return n;
}

/* summary.csv, the tables on stdout and the plots, from the folder just written. Returns 0,
 * -1 on an error, or 1 when a setting got a --fail-on verdict. */
static int finish(const run_cli *c, const char *dir)
{
    char err[1024], path[PATH_MAX + 32];
    ds d;
    if (ds_load(&d, dir, err, sizeof err) != 0) {
        gcb_error("%s", err);
        return -1;
    }
    /* written beside, then renamed: a summary.csv is never half written */
    char tmp[PATH_MAX + 48];
    snprintf(path, sizeof path, "%s/%s", dir, GCB_SUMMARY_CSV);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int rc = summary_write(&d, tmp);
    if (rc == 0 && rename(tmp, path) != 0)
        rc = -1;
    if (rc != 0) {
        gcb_error("cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
    }
    ds_free(&d);
    if (rc == 0 && ds_load(&d, dir, err, sizeof err) == 0) { /* reload: with the summary */
        if (!c->quiet)
            report_print(stdout, &d, NULL, 0);
        if (!c->no_plot && plot_results(&d, dir, "png", c->quiet) != 0)
            rc = -1;
        if (rc == 0 && failing_verdicts(c, &d) > 0)
            rc = 1;
        ds_free(&d);
    }
    return rc;
}

/* SIGINT, SIGTERM, SIGHUP and SIGQUIT stop the runs (on_signal); SIGPIPE is ignored, so that
 * a closed stdout makes a write fail rather than kill bench before the folder is finished. */
static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: poll() returns and sees the flag */
    sigemptyset(&sa.sa_mask);
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* Whether the table has a runtime of that kind. */
static bool runs_kind(const run_cli *c, plan_kind kind)
{
    for (size_t i = 0; i < c->plan.nruntimes; i++)
        if (c->plan.runtimes[i].kind == kind)
            return true;
    return false;
}

static int run_planned(run_cli *c, machine *m, int argc, char **argv)
{
    char worker[PATH_MAX], worker_python[PATH_MAX], err[PATH_MAX + 256];
    if (runs_kind(c, PLAN_NATIVE) && gcb_find_worker("bench-worker", worker, sizeof worker) != 0) {
        gcb_error("cannot find bench-worker next to bench; reinstall gcbench");
        return GCB_EXIT_FAILED;
    }
    if (runs_kind(c, PLAN_PYTHON) &&
        gcb_find_worker("bench-worker-python", worker_python, sizeof worker_python) != 0) {
        gcb_error("cannot find bench-worker-python next to bench; reinstall gcbench");
        return GCB_EXIT_FAILED;
    }
    int cpus[BATCH_MAX_JOBS];
    long jobs = resolve_pins(c, m, cpus);
    if (jobs < 0)
        return GCB_EXIT_USAGE;
    size_t total;
    plan_run *all = plan_expand(&c->plan, &total);
    if (all == NULL) {
        gcb_error("out of memory planning the runs");
        return GCB_EXIT_FAILED;
    }
    /* --shard K/N: this part of the plan; the plan's id and size are the whole plan's */
    size_t first = 0, n = total;
    if (c->shard_n > 0) {
        if ((size_t)c->shard_n > total) {
            gcb_usage_error("run", "--shard %lld/%lld: the plan has only %zu run(s)",
                            (long long)c->shard_k, (long long)c->shard_n, total);
            free(all);
            return GCB_EXIT_USAGE;
        }
        plan_shard(total, (size_t)c->shard_k, (size_t)c->shard_n, &first, &n);
    }
    const plan_run *runs = all + first;
    char id[17], jobs_text[32], total_text[32], shard_text[64];
    plan_id(all, total, id);
    snprintf(jobs_text, sizeof jobs_text, "%ld", jobs);
    snprintf(total_text, sizeof total_text, "%zu", total);
    snprintf(shard_text, sizeof shard_text, "%lld/%lld", c->shard_n > 0 ? (long long)c->shard_k : 1,
             c->shard_n > 0 ? (long long)c->shard_n : 1);
    machine_extra extra[RUN_MAX_EXTRA + 4];
    size_t nextra = 0;
    for (size_t i = 0; i < c->nextra; i++)
        extra[nextra++] = c->extra[i];
    extra[nextra++] = (machine_extra){"jobs", jobs_text};
    extra[nextra++] = (machine_extra){"plan_id", id};
    extra[nextra++] = (machine_extra){"plan_runs", total_text};
    extra[nextra++] = (machine_extra){"shard", shard_text};
    results res;
    if (results_create(&res, c->out, err, sizeof err) != 0) {
        gcb_usage_error("run", "%s", err);
        free(all);
        return GCB_EXIT_USAGE;
    }
    machine_id(res.machine_id, sizeof res.machine_id);
    res.jobs = (int)jobs;
    char path[PATH_MAX + 32];
    results_path(&res, GCB_MACHINE_CSV, path, sizeof path);
    if (machine_write_csv(m, path, argc, argv, extra, nextra) != 0 ||
        results_set_status(&res, "running", n, 0) != 0)
        gcb_error("cannot write %s: %s", path, strerror(errno));
    install_signals();
    /* what a scenario starts and leaves behind is orphaned onto bench, which kills it
     * (runner_reap_strays) */
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    /* the parent samples on the PUs no worker has, when there are any */
    size_t pinned = 0;
    for (long j = 0; j < jobs; j++)
        pinned += cpus[j] >= 0;
    if (pinned > 0)
        machine_bind_away(m, cpus, (size_t)jobs);
    runner_env env = {
        .worker_path = {worker, worker_python, c->worker_py, c->pyodide_host},
        .node_path = c->node,
        .python_env = c->python_env,
        .machine = m,
        .max_rss_bytes = c->max_rss_bytes ? c->max_rss_bytes : machine_memory_bytes(m) / 2,
        .timeout_ns = (int64_t)(c->timeout_s * 1e9),
        .interval_ns = c->interval_ms * 1000000,
        .interrupted = &interrupted,
    };
    batch b = {
        .runs = runs,
        .n = n,
        .env = &env,
        .cpus = cpus,
        .jobs = (size_t)jobs,
        .res = &res,
        .quiet = c->quiet,
        .tty = isatty(STDERR_FILENO) != 0,
    };
    size_t done;
    long failed = batch_run(&b, &done);
    if (failed < 0)
        gcb_error("cannot write the results in %s: %s; stopped after %zu of %zu runs (the "
                  "folder keeps them)",
                  res.dir, errno != 0 ? strerror(errno) : "a write failed", done, n);
    free(all);
    int closed = results_close(&res, c->out);
    /* a folder whose results could not be written is left as the last commit left it: no
     * summary (the disk is likely full), status "stopped" if that much can be written */
    int finished = failed >= 0 && closed == 0 ? finish(c, res.dir) : -1;
    bool verdict_failed = finished == 1;
    if (verdict_failed)
        finished = 0;
    int sig = (int)interrupted;
    const char *status = failed < 0 || closed != 0 ? "stopped"
                         : sig != 0                ? "interrupted"
                                                   : "complete";
    if (results_set_status(&res, status, n, done) != 0 && failed >= 0)
        gcb_error("cannot write %s: %s", path, strerror(errno));
    printf("results: %s\n", res.dir);
    if (sig != 0) {
        gcb_error("stopped by %s; %zu of %zu run(s) are in %s (the ones it cut short with status "
                  "interrupted)",
                  runner_signal_name(sig), done, n, res.dir);
        return 128 + sig;
    }
    if (failed != 0 || finished != 0) {
        if (failed > 0)
            gcb_error("%ld run(s) did not succeed; see %s/%s", failed, res.dir, GCB_RUNS_CSV);
        return GCB_EXIT_FAILED;
    }
    return verdict_failed ? GCB_EXIT_VERDICT : GCB_EXIT_OK;
}

int cmd_run(int argc, char **argv)
{
    run_cli c;
    int rc = run_options_parse("run", argc, argv, &c);
    if (rc != 0) {
        run_options_free(&c);
        return rc > 0 ? GCB_EXIT_OK : GCB_EXIT_USAGE;
    }
    machine *m = machine_open();
    if (m == NULL)
        rc = GCB_EXIT_FAILED;
    else
        rc = run_planned(&c, m, argc, argv);
    machine_close(m);
    run_options_free(&c);
    return rc;
}
