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

/* One row of a group's runs: its type (or site), the run's place in the group's list of
 * qualifying runs, and the row's own index in the run. Sorted by type, run, row, the rows of one
 * type in one run lie together. */
typedef struct group_row {
    size_t type_id, run, row;
} group_row;

static int by_type_run_row(const void *a, const void *b)
{
    const group_row *x = a, *y = b;
    if (x->type_id != y->type_id)
        return (x->type_id > y->type_id) - (x->type_id < y->type_id);
    if (x->run != y->run)
        return (x->run > y->run) - (x->run < y->run);
    return (x->row > y->row) - (x->row < y->row);
}

/* The slope of a type's objects (bytes when bytes) over its rows[0..n) of one run (in the run's
 * order) from iteration first on: Theil–Sen; 0 with fewer than two. x, y: room for n. */
static int rows_slope(const ds_type_count *const *rows, size_t n, int64_t first, bool bytes,
                      double *x, double *y, double *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t v = bytes ? rows[i]->live_bytes : rows[i]->live_objects;
        if (rows[i]->iteration < first || v == DS_MISSING)
            continue;
        x[k] = (double)rows[i]->iteration;
        y[k++] = (double)v;
    }
    *out = 0;
    return k < 2 ? 0 : stats_theil_sen(x, y, k, out);
}

/* Element i of v[0..n) sorted, with `zeros` zeros put in after its below negative values. */
static double sorted_at(const double *v, size_t below, size_t zeros, size_t i)
{
    return i < below ? v[i] : i < below + zeros ? 0.0 : v[i - zeros];
}

/* The median of v[0..n) and `zeros` more zeros (the repeats that did not send the type: no
 * growth of it), n + zeros > 0; stats_median_f64 of them all. Sorts v. */
static double median_with_zeros(double *v, size_t n, size_t zeros)
{
    if (n > 0)
        stats_median_f64(v, n); /* sorts v */
    size_t total = n + zeros, below = 0;
    while (below < n && v[below] < 0)
        below++;
    return (sorted_at(v, below, zeros, (total - 1) / 2) + sorted_at(v, below, zeros, total / 2)) /
           2.0;
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

/* The types (sites) of (setting, mode) that grow. Linear in the group's rows (and a sort of
 * them): every row is visited once, grouped by type and run, not once per type the folder
 * names. */
static long growth_of(const ds *d, size_t setting, int mode, source src, growth_type *out,
                      size_t max)
{
    const ds_setting *set = &d->settings[setting];
    const size_t *list = src.sites ? set->traced[mode] : set->runs[mode];
    size_t nr = src.sites ? set->ntraced[mode] : set->nruns[mode];
    /* the qualifying runs (ok, two iterations at least); the slopes are taken over the last
     * one's judged iterations */
    size_t k = 0, nrows = 0, most = 1;
    int64_t first = -1, last = -1;
    const ds_run **runs = malloc((nr + 1) * sizeof *runs);
    if (runs == NULL)
        return -1;
    for (size_t r = 0; r < nr; r++) {
        const ds_run *run = &d->runs[list[r]];
        if (!run->ok || run->niters < 2)
            continue;
        runs[k++] = run;
        size_t n = src.sites ? run->nsites : run->ntypes;
        nrows += n;
        most = n > most ? n : most;
        last = run->iters[run->niters - 1].iteration;
        first = first_judged(last);
    }
    group_row *rows = malloc((nrows + 1) * sizeof *rows);
    const ds_type_count **seg = malloc((most + 1) * sizeof *seg);
    double *buf = malloc((2 * most + 2 * k + 2) * sizeof *buf);
    int64_t *fin = malloc((2 * k + 2) * sizeof *fin);
    growth_type *all = malloc((nrows + 1) * sizeof *all);
    long rc = rows == NULL || seg == NULL || buf == NULL || fin == NULL || all == NULL ? -1 : 0;
    size_t n = 0, at = 0;
    for (size_t r = 0; r < k && rc == 0; r++) {
        const ds_type_count *v = src.sites ? runs[r]->sites : runs[r]->types;
        for (size_t i = 0, m = src.sites ? runs[r]->nsites : runs[r]->ntypes; i < m; i++)
            rows[at++] = (group_row){.type_id = v[i].type_id, .run = r, .row = i};
    }
    if (rc == 0)
        qsort(rows, nrows, sizeof *rows, by_type_run_row);
    double *x = buf, *y = buf + most, *so = buf + 2 * most, *sb = so + k + 1;
    int64_t *fo = fin, *fb = fin + k + 1;
    /* each type: its rows, run by run */
    for (size_t i = 0; i < nrows && rc == 0;) {
        size_t type_id = rows[i].type_id, ns = 0, kf = 0;
        while (i < nrows && rows[i].type_id == type_id && rc == 0) {
            size_t r = rows[i].run, nseg = 0, final = 0;
            const ds_type_count *v = src.sites ? runs[r]->sites : runs[r]->types;
            for (; i < nrows && rows[i].type_id == type_id && rows[i].run == r; i++) {
                seg[nseg] = &v[rows[i].row];
                if (seg[nseg]->iteration > seg[final]->iteration)
                    final = nseg; /* the first row of the last iteration */
                nseg++;
            }
            int64_t f = first_judged(runs[r]->iters[runs[r]->niters - 1].iteration);
            if (rows_slope(seg, nseg, f, false, x, y, &so[ns]) != 0 ||
                rows_slope(seg, nseg, f, true, x, y, &sb[ns]) != 0)
                rc = -1;
            ns++;
            fo[kf] = seg[final]->live_objects;
            fb[kf++] = seg[final]->live_bytes;
        }
        if (rc != 0)
            break;
        growth_type g = {.name = (src.sites ? d->site_names : d->type_names)[type_id],
                         .objects_per_iter = median_with_zeros(so, ns, k - ns),
                         .bytes_per_iter = median_with_zeros(sb, ns, k - ns),
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
    free(runs), free(rows), free(seg), free(buf), free(fin), free(all);
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
