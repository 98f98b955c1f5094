/* growth.c — the types that grow per setting and mode (see growth.h). */
#include "growth.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "verdict.h"

/* The first iteration the verdict judges in a run of n iterations. */
static int64_t first_judged(int64_t n)
{
    return n >= VERDICT_MIN_ITERATIONS ? verdict_late_first(n) : 1;
}

/* What is counted: a run's types (census) or its allocation sites (a traced run). */
typedef struct source {
    bool sites;
} source;

static const ds_type_count *rows_of(const ds_run *run, source src, size_t *n)
{
    *n = src.sites ? run->nsites : run->ntypes;
    return src.sites ? run->sites : run->types;
}

/* The slope of type_id's objects (bytes when bytes) in run over iterations first..: Theil–Sen
 * over its rows there; 0 with fewer than two. x, y: room for the run's rows. */
static int run_slope(const ds_run *run, source src, size_t type_id, int64_t first, bool bytes,
                     double *x, double *y, double *out)
{
    size_t n = 0, nrows;
    const ds_type_count *rows = rows_of(run, src, &nrows);
    for (size_t i = 0; i < nrows; i++) {
        const ds_type_count *c = &rows[i];
        int64_t v = bytes ? c->live_bytes : c->live_objects;
        if (c->type_id != type_id || c->iteration < first || v == DS_MISSING)
            continue;
        x[n] = (double)c->iteration;
        y[n++] = (double)v;
    }
    *out = 0;
    return n < 2 ? 0 : stats_theil_sen(x, y, n, out);
}

/* The figures of type_id at run's last row of it (false when the run has none). */
static bool run_final(const ds_run *run, source src, size_t type_id, int64_t *objects,
                      int64_t *bytes)
{
    int64_t at = -1;
    size_t nrows;
    const ds_type_count *rows = rows_of(run, src, &nrows);
    for (size_t i = 0; i < nrows; i++) {
        const ds_type_count *c = &rows[i];
        if (c->type_id == type_id && c->iteration > at) {
            at = c->iteration;
            *objects = c->live_objects;
            *bytes = c->live_bytes;
        }
    }
    return at >= 0;
}

static int by_bytes(const void *a, const void *b)
{
    const growth_type *x = a, *y = b;
    if (x->bytes_per_iter != y->bytes_per_iter)
        return x->bytes_per_iter > y->bytes_per_iter ? -1 : 1;
    if (x->objects_per_iter != y->objects_per_iter)
        return x->objects_per_iter > y->objects_per_iter ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* Most objects per iteration first; on a tie a type of the program (module-qualified) before a
 * builtin (list, dict, tuple: usually its parts), then most bytes, then by name. */
static int by_growth(const void *a, const void *b)
{
    const growth_type *x = a, *y = b;
    if (x->objects_per_iter != y->objects_per_iter)
        return x->objects_per_iter > y->objects_per_iter ? -1 : 1;
    bool xq = strchr(x->name, '.') != NULL, yq = strchr(y->name, '.') != NULL;
    if (xq != yq)
        return xq ? -1 : 1;
    if (x->bytes_per_iter != y->bytes_per_iter)
        return x->bytes_per_iter > y->bytes_per_iter ? -1 : 1;
    return strcmp(x->name, y->name);
}

static long growth_of(const ds *d, size_t setting, int mode, source src, growth_type *out,
                      size_t max)
{
    const ds_setting *set = &d->settings[setting];
    const size_t *list = src.sites ? set->traced[mode] : set->runs[mode];
    size_t nr = src.sites ? set->ntraced[mode] : set->nruns[mode], most = 1;
    for (size_t r = 0; r < nr; r++) {
        size_t n;
        rows_of(&d->runs[list[r]], src, &n);
        most = n > most ? n : most;
    }
    size_t nt = src.sites ? d->nsite_names : d->ntype_names;
    char *const *names = src.sites ? d->site_names : d->type_names;
    growth_type *all = calloc(nt + 1, sizeof *all);
    double *buf = malloc((2 * most + 2 * nr + 2) * sizeof *buf);
    int64_t *fin = malloc((2 * nr + 2) * sizeof *fin);
    if (all == NULL || buf == NULL || fin == NULL) {
        free(all), free(buf), free(fin);
        return -1;
    }
    double *x = buf, *y = buf + most, *so = buf + 2 * most, *sb = so + nr + 1;
    int64_t *fo = fin, *fb = fin + nr + 1;
    size_t n = 0;
    long rc = 0;
    for (size_t t = 0; t < nt && rc == 0; t++) {
        size_t k = 0, kf = 0;
        int64_t first = -1, last = -1;
        for (size_t r = 0; r < nr; r++) {
            const ds_run *run = &d->runs[list[r]];
            if (!run->ok || run->niters < 2)
                continue;
            int64_t nit = run->iters[run->niters - 1].iteration;
            int64_t f = first_judged(nit);
            if (run_slope(run, src, t, f, false, x, y, &so[k]) != 0 ||
                run_slope(run, src, t, f, true, x, y, &sb[k]) != 0) {
                rc = -1;
                break;
            }
            k++;
            if (run_final(run, src, t, &fo[kf], &fb[kf]))
                kf++;
            first = f;
            last = nit;
        }
        if (rc != 0 || k == 0 || kf == 0)
            continue;
        growth_type g = {.name = names[t],
                         .objects_per_iter = stats_median_f64(so, k),
                         .bytes_per_iter = stats_median_f64(sb, k),
                         .final_objects = stats_median_i64(fo, kf),
                         .final_bytes = stats_median_i64(fb, kf),
                         .first = first,
                         .last = last};
        if (g.objects_per_iter > 0 || g.bytes_per_iter > 0)
            all[n++] = g;
    }
    if (rc == 0) {
        qsort(all, n, sizeof *all, src.sites ? by_bytes : by_growth);
        rc = (long)(n < max ? n : max);
        memcpy(out, all, (size_t)rc * sizeof *out);
    }
    free(all), free(buf), free(fin);
    return rc;
}

long growth_types(const ds *d, size_t setting, int mode, growth_type *out, size_t max)
{
    return growth_of(d, setting, mode, (source){.sites = false}, out, max);
}

long growth_sites(const ds *d, size_t setting, int mode, growth_type *out, size_t max)
{
    return growth_of(d, setting, mode, (source){.sites = true}, out, max);
}

const char *growth_holder(const ds *d, size_t setting)
{
    const ds_setting *set = &d->settings[setting];
    for (int m = 0; m < DS_MODES; m++)
        for (size_t i = 0; i < set->nruns[m]; i++) {
            const ds_run *run = &d->runs[set->runs[m][i]];
            if (run->ok && run->holder_chain != NULL)
                return run->holder_chain;
        }
    return NULL;
}
