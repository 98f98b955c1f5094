/* summary.c — summary.csv from a loaded results folder: per setting and mode, the figures
 * over repeats and the setting's verdict (see summary.h and verdict.h). */
#include "summary.h"

#include <math.h>
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
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y), *g = malloc(n * sizeof *g);
    if (x == NULL || y == NULL || g == NULL) {
        free(x), free(y), free(g);
        return f;
    }
    for (size_t i = 0; i < n; i++) {
        const ds_sample *s = &run->iters[i + 1], *prev = &run->iters[i];
        x[i] = (double)s->iteration;
        y[i] = (double)s->rss_bytes;
        g[i] = s->garbage == DS_MISSING ? 0.0 : (double)s->garbage;
        f.mean_rss += y[i] / (double)n;
        int64_t top = s->iter_peak_rss_bytes > s->rss_bytes ? s->iter_peak_rss_bytes : s->rss_bytes;
        double added = (double)(top - prev->rss_bytes);
        if (added > f.footprint)
            f.footprint = added;
    }
    f.growth = stats_slope(x, y, n);
    f.garbage_growth = stats_slope(x, g, n);
    f.usable = true;
    free(x), free(y), free(g);
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

static void group_of(const ds *d, const ds_setting *s, int m, group_figures *gf)
{
    memset(gf, 0, sizeof *gf);
    size_t n = s->nruns[m];
    double *growth = calloc(n + 1, sizeof *growth), *garbage = calloc(n + 1, sizeof *garbage);
    double *mean = calloc(n + 1, sizeof *mean), *foot = calloc(n + 1, sizeof *foot);
    int64_t *col[9];
    for (int c = 0; c < 9; c++)
        col[c] = calloc(n + 1, sizeof(int64_t));
    size_t k = 0;
    gf->pause_max = DS_MISSING;
    for (size_t i = 0; i < n; i++) {
        const ds_run *run = &d->runs[s->runs[m][i]];
        run_figures f = run->ok ? figures_of(run) : (run_figures){0};
        if (!f.usable) {
            gf->failed++;
            continue;
        }
        growth[k] = f.growth, garbage[k] = f.garbage_growth, mean[k] = f.mean_rss;
        foot[k] = f.footprint;
        col[0][k] = run->iters[0].rss_bytes;
        col[1][k] = run->iters[run->niters - 1].rss_bytes;
        col[2][k] = run->peak_rss_bytes;
        col[3][k] = run->collections;
        col[4][k] = run->objects_scanned;
        col[5][k] = run->pause_ns_median;
        col[6][k] = run->pause_ns_p95;
        col[7][k] = run->wall_ns;
        if (run->pause_ns_max != DS_MISSING && run->pause_ns_max > gf->pause_max)
            gf->pause_max = run->pause_ns_max;
        k++;
    }
    gf->repeats = k;
    if (k > 0) {
        gf->growth = stats_median_f64(growth, k); /* sorts: min and max are at the ends */
        gf->growth_min = growth[0];
        gf->growth_max = growth[k - 1];
        gf->garbage_growth = stats_median_f64(garbage, k);
        gf->mean_rss = stats_median_f64(mean, k);
        gf->footprint = stats_median_f64(foot, k);
        gf->baseline = median_known(col[0], k);
        gf->final = median_known(col[1], k);
        gf->peak = median_known(col[2], k);
        gf->collections = median_known(col[3], k);
        gf->scanned = median_known(col[4], k);
        gf->pause_median = median_known(col[5], k);
        gf->pause_p95 = median_known(col[6], k);
        gf->wall = median_known(col[7], k);
    }
    free(growth), free(garbage), free(mean), free(foot);
    for (int c = 0; c < 9; c++)
        free(col[c]);
}

static void cell_i64(csvw *w, int64_t v)
{
    if (v == DS_MISSING)
        csvw_empty(w);
    else
        csvw_i64(w, v);
}

static void write_row(csvw *w, const ds_setting *s, int m, const group_figures *g,
                      const verdict *v)
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
    csvw w;
    if (csvw_open(&w, path, cols, sizeof cols / sizeof cols[0]) != 0)
        return -1;
    for (size_t i = 0; i < d->nsettings; i++) {
        const ds_setting *s = &d->settings[i];
        group_figures g[DS_MODES];
        for (int m = 0; m < DS_MODES; m++)
            group_of(d, s, m, &g[m]);
        verdict v;
        decide(g, &v);
        for (int m = 0; m < DS_MODES; m++)
            if (s->nruns[m] > 0)
                write_row(&w, s, m, &g[m], &v);
    }
    return csvw_close(&w);
}
