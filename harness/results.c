/* results.c — creating and writing a results folder (see results.h). */
#include "results.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "schema.h"
#include "util.h"

void results_path(const results *res, const char *name, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%s", res->dir, name);
}

/* <base>/<YYYYmmdd-HHMMSS>-<host>, with -2, -3 … appended if it exists already. */
static int make_run_dir(results *res, const char *base)
{
    char host[128] = "host";
    gethostname(host, sizeof host - 1);
    host[strcspn(host, "./ ")] = '\0';
    char stamp[32];
    time_t now = time(NULL);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", localtime(&now));
    for (int i = 1; i < 100; i++) {
        int n = i == 1 ? snprintf(res->dir, sizeof res->dir, "%s/%s-%s", base, stamp, host)
                       : snprintf(res->dir, sizeof res->dir, "%s/%s-%s-%d", base, stamp, host, i);
        if (n >= (int)sizeof res->dir) {
            errno = ENAMETOOLONG;
            return -1;
        }
        if (mkdir(res->dir, 0777) == 0)
            return 0;
        if (errno != EEXIST)
            return -1;
    }
    return -1;
}

int results_create(results *res, const char *out_base, char *err, size_t errlen)
{
    memset(res, 0, sizeof *res);
    if (gcb_mkdirs(out_base) != 0 || access(out_base, W_OK) != 0) {
        snprintf(err, errlen, "cannot write results under --out '%s': %s; choose a writable folder",
                 out_base, strerror(errno));
        return -1;
    }
    if (make_run_dir(res, out_base) != 0) {
        snprintf(err, errlen, "cannot create a results folder in '%s': %s", out_base,
                 strerror(errno));
        return -1;
    }
    static const char *const runs_cols[] = {GCB_RUNS_COLUMNS};
    static const char *const sample_cols[] = {GCB_SAMPLES_COLUMNS};
    char path[PATH_MAX + 32];
    results_path(res, GCB_RUNS_CSV, path, sizeof path);
    if (csvw_open(&res->runs, path, runs_cols, sizeof runs_cols / sizeof runs_cols[0]) != 0)
        goto fail;
    results_path(res, GCB_SAMPLES_CSV, path, sizeof path);
    if (csvw_open(&res->samples, path, sample_cols, sizeof sample_cols / sizeof sample_cols[0]) !=
        0) {
        csvw_close(&res->runs);
        goto fail;
    }
    return 0;
fail:
    snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
    return -1;
}

int results_add_run(results *res, const plan_run *r, int cpu, const run_result *rr)
{
    csvw *w = &res->runs;
    const wire_done *d = rr->have_done ? &rr->done : NULL;
    csvw_str(w, r->run_id);
    csvw_str(w, r->scenario->name);
    csvw_str(w, plan_run_runtime(r)->name);
    csvw_str(w, plan_policy_name(r));
    csvw_str(w, plan_allocator_name(r));
    csvw_str(w, r->threshold_text);
    csvw_str(w, plan_mode_names[r->mode]);
    csvw_i64(w, r->repeat);
    csvw_i64(w, r->iterations);
    /* what the worker ran with (its own report), else what was asked */
    csvw_str(w, d != NULL && d->params[0] ? d->params : r->params_text);
    csvw_count(w, cpu);
    csvw_str(w, rr->status);
    csvw_str(w, rr->message);
    csvw_i64(w, rr->wall_ns);
    csvw_count(w, rr->peak_rss_bytes);
    csvw_count(w, rr->baseline_rss_bytes);
    csvw_count(w, rr->final_rss_bytes);
    csvw_i64(w, rr->iterations_done);
    if (d != NULL) {
        csvw_count(w, d->collections);
        csvw_count(w, d->collected);
        csvw_count(w, d->uncollectable);
        csvw_count(w, d->garbage);
        csvw_count(w, d->objects_scanned);
        csvw_count(w, d->pause_ns_total);
        csvw_count(w, d->pause_ns_median);
        csvw_count(w, d->pause_ns_p95);
        csvw_count(w, d->pause_ns_max);
    } else {
        for (int i = 0; i < 9; i++)
            csvw_empty(w);
    }
    csvw_i64(w, rr->user_cpu_ns);
    csvw_i64(w, rr->sys_cpu_ns);
    if (d != NULL)
        csvw_i64(w, d->iter_peak_supported);
    else
        csvw_empty(w);
    csvw_count(w, rr->exit_code);
    csvw_i64(w, rr->signal);
    csvw_i64(w, rr->rusage_maxrss_bytes);
    csvw_i64(w, plan_rss_comparable(r));
    if (plan_run_runtime(r)->kind == PLAN_NATIVE)
        csvw_i64(w, (int64_t)r->config.interpreter_objects);
    else
        csvw_empty(w);
    csvw_i64(w, r->trace_frames);
    return csvw_end_row(w);
}

int results_close(results *res, const char *out_base)
{
    int rc = 0;
    if (csvw_close(&res->runs) != 0)
        rc = -1;
    if (csvw_close(&res->samples) != 0)
        rc = -1;
    /* <base>/latest -> the folder's own name, replaced atomically */
    const char *name = strrchr(res->dir, '/');
    name = name != NULL ? name + 1 : res->dir;
    char link[PATH_MAX], tmp[PATH_MAX];
    snprintf(link, sizeof link, "%s/latest", out_base);
    snprintf(tmp, sizeof tmp, "%s/.latest.%d", out_base, (int)getpid());
    unlink(tmp);
    if (symlink(name, tmp) != 0 || rename(tmp, link) != 0) {
        unlink(tmp);
        rc = -1;
    }
    return rc;
}
