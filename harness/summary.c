/* summary.c — summary.csv from a loaded results folder: per setting and mode, the figures
 * over repeats and the setting's verdict (see summary.h and verdict.h). */
#include "summary.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "stats.h"
#include "verdict.h"

/* One successful run reduced to the figures the summary needs. */
typedef struct run_figures {
    double growth;         /* RSS slope over iterations 1..N, bytes/iteration */
    double garbage_growth; /* gc.garbage slope over iterations 1..N */
    double mean_rss;       /* mean RSS over iterations 1..N */
    double footprint;      /* most memory one iteration added over the RSS before it */
    bool usable;           /* has the baseline and at least one iteration */
} run_figures;

/* A group: one setting in one mode, over its repeats. */
typedef struct group_figures {
    size_t repeats, failed;
    double growth, growth_min, growth_max, garbage_growth, mean_rss, footprint;
    int64_t baseline, final, peak, collections, scanned, pause_median, pause_p95, pause_max;
    int64_t wall;
} group_figures;

static run_figures figures_of(const ds_run *run)
{
    run_figures f = {0};
    if (run->niters < 2 || run->iters[0].iteration != 0)
        return f;
    size_t n = run->niters - 1;
    for (size_t i = 1; i <= n; i++) {
        const ds_sample *s = &run->iters[i], *prev = &run->iters[i - 1];
        f.mean_rss += (double)s->rss_bytes / (double)n;
        int64_t top = s->iter_peak_rss_bytes > s->rss_bytes ? s->iter_peak_rss_bytes : s->rss_bytes;
        double added = (double)(top - prev->rss_bytes);
        if (added > f.footprint)
            f.footprint = added;
    }
    if (ds_run_growth(run, offsetof(ds_sample, rss_bytes), &f.growth) != 0 ||
        ds_run_growth(run, offsetof(ds_sample, garbage), &f.garbage_growth) != 0)
        return f; /* out of memory: not usable */
    f.usable = true;
    return f;
}

/* The median of the n values v[i] (of a run) that are known; DS_MISSING when none is. */
static int64_t median_known(int64_t *v, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] != DS_MISSING)
            v[k++] = v[i];
    return k ? stats_median_i64(v, k) : DS_MISSING;
}

/* Per-run figures of a group, one array per figure, n entries each. */
enum { F_GROWTH, F_GARBAGE, F_MEAN, F_FOOT, F_DOUBLES };
enum {
    C_BASELINE,
    C_FINAL,
    C_PEAK,
    C_COLLECTIONS,
    C_SCANNED,
    C_PAUSE_MEDIAN,
    C_PAUSE_P95,
    C_WALL,
    C_INTS
};

/* Fills gf from the group's successful runs. Returns 0, or -1 when memory ran out. */
static int group_of(const ds *d, const ds_setting *s, int m, group_figures *gf)
{
    memset(gf, 0, sizeof *gf);
    gf->pause_max = DS_MISSING;
    size_t n = s->nruns[m] ? s->nruns[m] : 1;
    double *fd = malloc(F_DOUBLES * n * sizeof *fd);
    int64_t *ci = malloc(C_INTS * n * sizeof *ci);
    if (fd == NULL || ci == NULL) {
        free(fd), free(ci);
        return -1;
    }
    double *f_[F_DOUBLES];
    int64_t *c_[C_INTS];
    for (int i = 0; i < F_DOUBLES; i++)
        f_[i] = fd + (size_t)i * n;
    for (int i = 0; i < C_INTS; i++)
        c_[i] = ci + (size_t)i * n;
    size_t k = 0;
    for (size_t i = 0; i < s->nruns[m]; i++) {
        const ds_run *run = &d->runs[s->runs[m][i]];
        run_figures f = run->ok ? figures_of(run) : (run_figures){0};
        if (!f.usable) {
            gf->failed++;
            continue;
        }
        f_[F_GROWTH][k] = f.growth;
        f_[F_GARBAGE][k] = f.garbage_growth;
        f_[F_MEAN][k] = f.mean_rss;
        f_[F_FOOT][k] = f.footprint;
        c_[C_BASELINE][k] = run->iters[0].rss_bytes;
        c_[C_FINAL][k] = run->iters[run->niters - 1].rss_bytes;
        c_[C_PEAK][k] = run->peak_rss_bytes;
        c_[C_COLLECTIONS][k] = run->collections;
        c_[C_SCANNED][k] = run->objects_scanned;
        c_[C_PAUSE_MEDIAN][k] = run->pause_ns_median;
        c_[C_PAUSE_P95][k] = run->pause_ns_p95;
        c_[C_WALL][k] = run->wall_ns;
        if (run->pause_ns_max != DS_MISSING && run->pause_ns_max > gf->pause_max)
            gf->pause_max = run->pause_ns_max;
        k++;
    }
    gf->repeats = k;
    if (k > 0) {
        gf->growth = stats_median_f64(f_[F_GROWTH], k); /* sorted: min and max at the ends */
        gf->growth_min = f_[F_GROWTH][0];
        gf->growth_max = f_[F_GROWTH][k - 1];
        gf->garbage_growth = stats_median_f64(f_[F_GARBAGE], k);
        gf->mean_rss = stats_median_f64(f_[F_MEAN], k);
        gf->footprint = stats_median_f64(f_[F_FOOT], k);
        gf->baseline = median_known(c_[C_BASELINE], k);
        gf->final = median_known(c_[C_FINAL], k);
        gf->peak = median_known(c_[C_PEAK], k);
        gf->collections = median_known(c_[C_COLLECTIONS], k);
        gf->scanned = median_known(c_[C_SCANNED], k);
        gf->pause_median = median_known(c_[C_PAUSE_MEDIAN], k);
        gf->pause_p95 = median_known(c_[C_PAUSE_P95], k);
        gf->wall = median_known(c_[C_WALL], k);
    }
    free(fd), free(ci);
    return 0;
}

static void cell_i64(csvw *w, int64_t v)
{
    if (v == DS_MISSING)
        csvw_empty(w);
    else
        csvw_i64(w, v);
}

/* Every setting's figures per mode and its verdict, computed before any row is written so
 * that a native row can name its CPython counterpart's. */
typedef struct setting_figures {
    group_figures g[DS_MODES];
    verdict v;
} setting_figures;

/* The python setting that matches native setting i (same scenario, allocator, threshold;
 * the policy is the native runtime's own), or -1. */
static long cpython_twin(const ds *d, size_t i)
{
    const ds_setting *s = &d->settings[i];
    if (strcmp(s->runtime, "native") != 0)
        return -1;
    for (size_t k = 0; k < d->nsettings; k++) {
        const ds_setting *t = &d->settings[k];
        if (strcmp(t->runtime, "python") == 0 && strcmp(t->scenario, s->scenario) == 0 &&
            strcmp(t->allocator, s->allocator) == 0 && strcmp(t->threshold, s->threshold) == 0)
            return (long)k;
    }
    return -1;
}

static int64_t peak_above_baseline(const group_figures *g)
{
    return g->repeats > 0 && g->peak != DS_MISSING && g->baseline != DS_MISSING
               ? g->peak - g->baseline
               : DS_MISSING;
}

/* a / b, or an empty cell when either is unknown or b is 0. */
static void cell_ratio(csvw *w, double a, double b, bool known)
{
    if (known && b != 0)
        csvw_f64(w, a / b);
    else
        csvw_empty(w);
}

/* The columns that set a native row beside its CPython twin (empty for other rows). */
static void write_twin(csvw *w, const group_figures *g, const group_figures *py)
{
    bool have = py != NULL && py->repeats > 0 && g->repeats > 0;
    int64_t mine = peak_above_baseline(g), theirs = py ? peak_above_baseline(py) : DS_MISSING;
    cell_i64(w, mine);
    cell_i64(w, have ? llround(py->growth) : DS_MISSING);
    cell_ratio(w, g->growth, have ? py->growth : 0, have);
    cell_i64(w, have ? theirs : DS_MISSING);
    cell_ratio(w, (double)mine, (double)theirs, have && mine != DS_MISSING && theirs != DS_MISSING);
}

static void write_row(csvw *w, const ds_setting *s, int m, const group_figures *g, const verdict *v,
                      const group_figures *py)
{
    csvw_str(w, s->scenario);
    csvw_str(w, s->runtime);
    csvw_str(w, s->policy);
    csvw_str(w, s->allocator);
    csvw_str(w, s->threshold);
    csvw_str(w, ds_mode_names[m]);
    csvw_u64(w, g->repeats);
    bool have = g->repeats > 0;
    cell_i64(w, have ? g->baseline : DS_MISSING);
    cell_i64(w, have ? g->final : DS_MISSING);
    cell_i64(w, have ? g->peak : DS_MISSING);
    cell_i64(w, have ? llround(g->growth) : DS_MISSING);
    cell_i64(w, have ? llround(g->growth_min) : DS_MISSING);
    cell_i64(w, have ? llround(g->growth_max) : DS_MISSING);
    if (have)
        csvw_f64(w, g->garbage_growth);
    else
        csvw_empty(w);
    cell_i64(w, have ? g->collections : DS_MISSING);
    cell_i64(w, have ? g->scanned : DS_MISSING);
    cell_i64(w, have ? g->pause_median : DS_MISSING);
    cell_i64(w, have ? g->pause_p95 : DS_MISSING);
    cell_i64(w, have ? g->pause_max : DS_MISSING);
    cell_i64(w, have ? g->wall : DS_MISSING);
    csvw_str(w, v->name);
    cell_i64(w, have ? llround(g->mean_rss) : DS_MISSING);
    cell_i64(w, have ? llround(g->footprint) : DS_MISSING);
    csvw_i64(w, llround(v->limit_bytes_per_iter));
    csvw_u64(w, g->failed);
    csvw_str(w, v->reason);
    write_twin(w, g, py);
    csvw_end_row(w);
}

/* The verdict of one setting from its modes' figures. */
static void decide(const group_figures g[DS_MODES], verdict *v)
{
    verdict_input in = {0};
    for (int m = 0; m < DS_MODES; m++) {
        in.mode[m].present = g[m].repeats > 0;
        in.mode[m].growth_bytes_per_iter = g[m].growth;
        in.mode[m].mean_rss_bytes = g[m].mean_rss;
        in.mode[m].garbage_growth_per_iter = g[m].garbage_growth;
        if (g[m].footprint > in.footprint_bytes)
            in.footprint_bytes = g[m].footprint;
    }
    verdict_decide(&in, v);
}

int summary_write(const ds *d, const char *path)
{
    static const char *const cols[] = {GCB_SUMMARY_COLUMNS};
    setting_figures *f = calloc(d->nsettings ? d->nsettings : 1, sizeof *f);
    if (f == NULL)
        return -1;
    for (size_t i = 0; i < d->nsettings; i++) {
        for (int m = 0; m < DS_MODES; m++) {
            if (group_of(d, &d->settings[i], m, &f[i].g[m]) != 0) {
                free(f);
                errno = ENOMEM;
                return -1;
            }
        }
        decide(f[i].g, &f[i].v);
    }
    csvw w;
    if (csvw_open(&w, path, cols, sizeof cols / sizeof cols[0]) != 0) {
        free(f);
        return -1;
    }
    for (size_t i = 0; i < d->nsettings; i++) {
        const ds_setting *s = &d->settings[i];
        long twin = cpython_twin(d, i);
        for (int m = 0; m < DS_MODES; m++)
            if (s->nruns[m] > 0)
                write_row(&w, s, m, &f[i].g[m], &f[i].v, twin >= 0 ? &f[twin].g[m] : NULL);
    }
    free(f);
    return csvw_close(&w);
}
