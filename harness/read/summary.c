/* summary.c — summary.csv from a loaded results folder: per setting and mode, the figures
 * over repeats and the setting's verdict (see summary.h and verdict.h).
 *
 * The verdict's basis is the setting's: RSS where its runs' RSS is comparable (runs.csv's
 * rss_comparable), else the live instances of the scenario's classes (ds_sample's
 * class_objects), whose figures — growth, mean, largest one-iteration increase — are made the
 * way RSS's are. */
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
    double late_growth;    /* RSS slope over the later half, L..N (verdict.h) */
    double garbage_growth; /* gc.garbage slope over the later half */
    int64_t iterations;    /* N */
    double mean_rss;       /* mean RSS over iterations 1..N */
    double footprint;      /* most memory one iteration added over the RSS before it */
    bool usable;           /* has the baseline and at least one iteration */
    /* the live instances of the scenario's classes (when the run counted them): slope over
     * iterations 1..N, mean over them, the most one iteration added, after the last */
    bool has_class;
    double class_growth, class_late_growth, class_mean, class_footprint;
    int64_t class_final;
    int64_t gen[3]; /* collections per generation since the baseline, after the last */
} run_figures;

/* A group: one setting in one mode, over its repeats. */
typedef struct group_figures {
    size_t repeats, failed;
    double growth, growth_min, growth_max, garbage_growth, mean_rss, footprint;
    double late_growth, late_noise; /* later half: median, half the range over repeats */
    int64_t iterations;             /* the fewest any repeat made */
    int64_t baseline, final, peak, collections, scanned, pause_median, pause_p95, pause_max;
    int64_t wall;
    size_t class_repeats; /* successful runs that counted the scenario's classes */
    double class_growth, class_mean, class_footprint, class_late_growth, class_late_noise;
    int64_t class_final, gen[3];
} group_figures;

/* The class figures of run into f (has_class false when the run counted no class). */
static void class_figures_of(const ds_run *run, run_figures *f)
{
    size_t n = run->niters - 1, known = 0;
    for (size_t i = 1; i <= n; i++) {
        int64_t v = run->iters[i].class_objects, prev = run->iters[i - 1].class_objects;
        if (v == DS_MISSING)
            continue;
        known++;
        f->class_mean += (double)v;
        if (prev != DS_MISSING && (double)(v - prev) > f->class_footprint)
            f->class_footprint = (double)(v - prev);
    }
    if (known == 0)
        return;
    f->class_mean /= (double)known;
    f->class_final = run->iters[n].class_objects;
    f->has_class =
        ds_run_growth(run, offsetof(ds_sample, class_objects), &f->class_growth) == 0 &&
        ds_run_growth_from(run, offsetof(ds_sample, class_objects),
                           verdict_late_first(f->iterations), &f->class_late_growth) == 0;
}

static run_figures figures_of(const ds_run *run)
{
    run_figures f = {0};
    if (run->niters < 2 || run->iters[0].iteration != 0)
        return f;
    size_t n = run->niters - 1;
    f.iterations = run->iters[n].iteration;
    int64_t late = verdict_late_first(f.iterations);
    size_t known = 0; /* iterations whose RSS was measured */
    for (size_t i = 1; i <= n; i++) {
        const ds_sample *s = &run->iters[i], *prev = &run->iters[i - 1];
        if (s->rss_bytes == DS_MISSING)
            continue;
        known++;
        f.mean_rss += (double)s->rss_bytes;
        /* a missing peak (DS_MISSING) is below any RSS */
        int64_t top = s->iter_peak_rss_bytes > s->rss_bytes ? s->iter_peak_rss_bytes : s->rss_bytes;
        double added = prev->rss_bytes != DS_MISSING ? (double)(top - prev->rss_bytes) : 0.0;
        if (added > f.footprint)
            f.footprint = added;
    }
    if (known > 0)
        f.mean_rss /= (double)known;
    if (ds_run_growth(run, offsetof(ds_sample, rss_bytes), &f.growth) != 0 ||
        ds_run_growth_from(run, offsetof(ds_sample, rss_bytes), late, &f.late_growth) != 0 ||
        ds_run_growth_from(run, offsetof(ds_sample, garbage), late, &f.garbage_growth) != 0)
        return f; /* out of memory: not usable */
    class_figures_of(run, &f);
    for (int g = 0; g < 3; g++)
        f.gen[g] = run->iters[n].collections_gen[g];
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
enum {
    F_GROWTH,
    F_LATE,
    F_GARBAGE,
    F_MEAN,
    F_FOOT,
    F_CLASS_GROWTH,
    F_CLASS_LATE,
    F_CLASS_MEAN,
    F_CLASS_FOOT,
    F_DOUBLES
};
enum {
    C_BASELINE,
    C_FINAL,
    C_PEAK,
    C_COLLECTIONS,
    C_SCANNED,
    C_PAUSE_MEDIAN,
    C_PAUSE_P95,
    C_WALL,
    C_CLASS_FINAL,
    C_GEN0,
    C_GEN1,
    C_GEN2,
    C_INTS
};

/* Fills gf from the group's successful runs. Returns 0, or -1 when memory ran out. */
static int group_of(const ds *d, const ds_setting *s, int m, group_figures *gf)
{
    memset(gf, 0, sizeof *gf);
    gf->pause_max = DS_MISSING;
    gf->class_final = gf->gen[0] = gf->gen[1] = gf->gen[2] = DS_MISSING;
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
        f_[F_LATE][k] = f.late_growth;
        if (k == 0 || f.iterations < gf->iterations)
            gf->iterations = f.iterations;
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
        for (int g = 0; g < 3; g++)
            c_[C_GEN0 + g][k] = f.gen[g];
        if (f.has_class) {
            size_t j = gf->class_repeats++;
            f_[F_CLASS_GROWTH][j] = f.class_growth;
            f_[F_CLASS_LATE][j] = f.class_late_growth;
            f_[F_CLASS_MEAN][j] = f.class_mean;
            f_[F_CLASS_FOOT][j] = f.class_footprint;
            c_[C_CLASS_FINAL][j] = f.class_final;
        }
        if (run->pause_ns_max != DS_MISSING && run->pause_ns_max > gf->pause_max)
            gf->pause_max = run->pause_ns_max;
        k++;
    }
    gf->repeats = k;
    if (k > 0) {
        gf->growth = stats_median_f64(f_[F_GROWTH], k); /* sorted: min and max at the ends */
        gf->growth_min = f_[F_GROWTH][0];
        gf->growth_max = f_[F_GROWTH][k - 1];
        gf->late_growth = stats_median_f64(f_[F_LATE], k);
        gf->late_noise = (f_[F_LATE][k - 1] - f_[F_LATE][0]) / 2;
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
        for (int g = 0; g < 3; g++)
            gf->gen[g] = median_known(c_[C_GEN0 + g], k);
    }
    size_t j = gf->class_repeats;
    gf->class_final = j > 0 ? median_known(c_[C_CLASS_FINAL], j) : DS_MISSING;
    if (j > 0) {
        gf->class_growth = stats_median_f64(f_[F_CLASS_GROWTH], j);
        gf->class_late_growth = stats_median_f64(f_[F_CLASS_LATE], j);
        gf->class_late_noise = (f_[F_CLASS_LATE][j - 1] - f_[F_CLASS_LATE][0]) / 2;
        gf->class_mean = stats_median_f64(f_[F_CLASS_MEAN], j);
        gf->class_footprint = stats_median_f64(f_[F_CLASS_FOOT], j);
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
 * the policy is the native runtime's own), or -1. Both must have comparable RSS. */
static long cpython_twin(const ds *d, size_t i)
{
    const ds_setting *s = &d->settings[i];
    if (strcmp(s->runtime, "native") != 0 || !s->rss_comparable)
        return -1;
    for (size_t k = 0; k < d->nsettings; k++) {
        const ds_setting *t = &d->settings[k];
        if (strcmp(t->runtime, "python") == 0 && t->rss_comparable &&
            strcmp(t->scenario, s->scenario) == 0 && strcmp(t->allocator, s->allocator) == 0 &&
            strcmp(t->threshold, s->threshold) == 0)
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

/* A figure in objects: an integer when it is one, else with three decimals. */
static void cell_objects(csvw *w, double v, bool known)
{
    if (!known)
        csvw_empty(w);
    else if (v == (double)llround(v))
        csvw_i64(w, llround(v));
    else
        csvw_f64(w, v);
}

/* The columns after the twin's: the basis, the class figures, collections per generation. */
static void write_basis(csvw *w, const ds_setting *s, const group_figures *g, const verdict *v)
{
    bool have = g->class_repeats > 0;
    csvw_i64(w, s->rss_comparable ? 1 : 0);
    csvw_str(w, verdict_basis_names[v->basis]);
    cell_i64(w, have ? g->class_final : DS_MISSING);
    cell_objects(w, g->class_growth, have);
    cell_objects(w, g->class_mean, have);
    cell_objects(w, g->class_footprint, have);
    cell_objects(w, v->limit_per_iter, v->basis == VERDICT_BASIS_CLASS_OBJECTS);
    for (int k = 0; k < 3; k++)
        cell_i64(w, g->repeats > 0 ? g->gen[k] : DS_MISSING);
    cell_i64(w, v->late_first > 0 ? v->late_first : DS_MISSING);
    cell_i64(w, g->repeats > 0 ? llround(g->late_growth) : DS_MISSING);
    cell_objects(w, g->class_late_growth, have);
    csvw_str(w, v->rule);
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
    if (v->basis == VERDICT_BASIS_RSS)
        csvw_i64(w, llround(v->limit_per_iter));
    else
        csvw_empty(w);
    csvw_u64(w, g->failed);
    csvw_str(w, v->reason);
    write_twin(w, g, py);
    write_basis(w, s, g, v);
    csvw_end_row(w);
}

/* The verdict of one setting from its modes' figures: on RSS when the setting's RSS is
 * comparable, else on the live instances of the scenario's classes (RSS never enters it). */
static void decide(const ds_setting *s, const group_figures g[DS_MODES], verdict *v)
{
    verdict_input in = {0};
    in.basis = s->rss_comparable ? VERDICT_BASIS_RSS : VERDICT_BASIS_CLASS_OBJECTS;
    in.basis_missing = true;
    in.iterations = -1;
    for (int m = 0; m < DS_MODES; m++) {
        bool by_rss = in.basis == VERDICT_BASIS_RSS;
        double footprint = by_rss ? g[m].footprint : g[m].class_footprint;
        verdict_mode *vm = &in.mode[m];
        vm->present = by_rss ? g[m].repeats > 0 : g[m].class_repeats > 0;
        vm->growth_per_iter = by_rss ? g[m].late_growth : g[m].class_late_growth;
        vm->whole_growth_per_iter = by_rss ? g[m].growth : g[m].class_growth;
        vm->noise = by_rss ? g[m].late_noise : g[m].class_late_noise;
        vm->mean = by_rss ? g[m].mean_rss : g[m].class_mean;
        vm->garbage_growth_per_iter = g[m].garbage_growth;
        if (footprint > in.footprint)
            in.footprint = footprint;
        if (m < 2 && g[m].repeats > 0 && g[m].baseline != DS_MISSING &&
            (double)g[m].baseline > in.baseline)
            in.baseline = (double)g[m].baseline;
        if (m < 2 && g[m].repeats > 0 && (in.iterations < 0 || g[m].iterations < in.iterations))
            in.iterations = g[m].iterations;
        in.basis_missing = in.basis_missing && g[m].class_repeats == 0;
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
        decide(&d->settings[i], f[i].g, &f[i].v);
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
