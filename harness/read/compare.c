/* compare.c — `bench compare`: the rows of several results folders matched, their figures
 * side by side with ratios to the first folder's, and a Mann–Whitney U mark on differences
 * beyond run-to-run noise (see compare.h for the layout). Reads only the results folders.
 *
 * Everything is computed into a comparison (rows × folders × figures, and the p-values)
 * before anything is printed, so that a malformed number in a summary.csv stops the
 * command before its first line; then one of three printers writes it out.
 */
#include "compare.h"

#include <assert.h>
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csvio.h"
#include "report.h"
#include "stats.h"
#include "util.h"

#define MISSING_CELL "\u2014" /* "—": the folder does not have this figure */
#define CELL_LEN 256
#define LINE_WIDTH 100
#define GLUE '\x1f'       /* in prose: a space that print_wrapped never breaks a line at */
#define ALPHA 0.05        /* a difference is marked when p < ALPHA */
#define EXACT_MAX_RUNS 50 /* the exact test up to this many runs in the two folders */

/* ==== Mann–Whitney U ======================================================================= */

typedef struct pooled {
    double value;
    size_t index; /* 0..nx-1: x's, nx..: y's */
} pooled;

static int cmp_pooled(const void *a, const void *b)
{
    double x = ((const pooled *)a)->value, y = ((const pooled *)b)->value;
    return (x > y) - (x < y);
}

/* Gives each of the n pooled values its rank, doubled, in rank2[index]: tied values share
 * the mean of their ranks, which doubling keeps whole. Returns Σ(t³ − t) over the groups
 * of t tied values (the tie correction of U's variance). Sorts pool. */
static double doubled_ranks(pooled *pool, size_t n, size_t *rank2)
{
    qsort(pool, n, sizeof *pool, cmp_pooled);
    double ties = 0.0;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && pool[j].value == pool[i].value)
            j++;
        for (size_t k = i; k < j; k++)
            rank2[pool[k].index] = i + 1 + j; /* ranks i+1..j: their mean, doubled */
        double t = (double)(j - i);
        ties += t * t * t - t;
        i = j;
    }
    return ties;
}

/* The exact two-sided p of x's doubled rank sum `observed`: over every way to pick nx of
 * the n doubled ranks, the share whose sum is as far out on either side, doubled.
 * count[k][s] holds the number of ways to pick k of the ranks seen so far summing to s.
 * Returns NAN when memory ran out. */
static double exact_p(const size_t *rank2, size_t n, size_t nx, size_t observed)
{
    size_t max_sum = 0;
    for (size_t i = 0; i < n; i++)
        max_sum += rank2[i];
    size_t stride = max_sum + 1;
    double *count = calloc((nx + 1) * stride, sizeof *count);
    if (count == NULL)
        return NAN;
    count[0] = 1.0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = i + 1 < nx ? i + 1 : nx; k >= 1; k--)
            for (size_t s = max_sum; s >= rank2[i]; s--)
                count[k * stride + s] += count[(k - 1) * stride + s - rank2[i]];
    double below = 0.0, above = 0.0, total = 0.0;
    for (size_t s = 0; s <= max_sum; s++) {
        double c = count[nx * stride + s];
        total += c;
        below += s <= observed ? c : 0.0;
        above += s >= observed ? c : 0.0;
    }
    free(count);
    double p = 2.0 * (below < above ? below : above) / total;
    return p < 1.0 ? p : 1.0;
}

/* The two-sided p of the normal approximation of U, with the tie correction of its
 * variance and a continuity correction of 0.5. */
static double normal_p(size_t observed, size_t nx, size_t ny, double ties)
{
    double n1 = (double)nx, n2 = (double)ny, n = n1 + n2;
    double u = (double)observed / 2.0 - n1 * (n1 + 1.0) / 2.0;
    double var = n1 * n2 / 12.0 * ((n + 1.0) - ties / (n * (n - 1.0)));
    if (!(var > 0.0))
        return 1.0; /* every value the same */
    double z = (fabs(u - n1 * n2 / 2.0) - 0.5) / sqrt(var);
    double p = erfc(z / sqrt(2.0));
    return p < 1.0 ? p : 1.0;
}

double compare_mann_whitney_p(const double *x, size_t nx, const double *y, size_t ny)
{
    if (nx == 0 || ny == 0)
        return NAN;
    size_t n = nx + ny;
    pooled *pool = malloc(n * sizeof *pool);
    size_t *rank2 = malloc(n * sizeof *rank2);
    double p = NAN;
    if (pool != NULL && rank2 != NULL) {
        for (size_t i = 0; i < n; i++)
            pool[i] = (pooled){i < nx ? x[i] : y[i - nx], i};
        double ties = doubled_ranks(pool, n, rank2);
        size_t observed = 0;
        for (size_t i = 0; i < nx; i++)
            observed += rank2[i];
        p = n <= EXACT_MAX_RUNS ? exact_p(rank2, n, nx, observed)
                                : normal_p(observed, nx, ny, ties);
    }
    free(pool);
    free(rank2);
    return p;
}

/* The smallest p the exact test can give for nx and ny runs: 2 / C(nx + ny, nx) (ties only
 * make it larger). */
static double smallest_p(size_t nx, size_t ny)
{
    double ways = 1.0;
    for (size_t i = 1; i <= nx; i++)
        ways = ways * (double)(ny + i) / (double)i;
    return 2.0 / ways < 1.0 ? 2.0 / ways : 1.0;
}

/* ==== figures ============================================================================== */

enum figure_id {
    FIG_REPEATS,
    FIG_FAILED,
    FIG_FINAL,
    FIG_PEAK,
    FIG_GROWTH,
    FIG_COLLECTIONS,
    FIG_PAUSE,
    FIG_WALL,
    FIG_VERDICT,
    N_FIGS
};

/* The figures tested for the mark, each with its values per run. */
enum { T_FINAL, T_WALL, N_TESTED };

typedef enum unit { U_COUNT, U_MIB, U_MIB_SIGNED, U_MS, U_S, U_TEXT } unit;

typedef struct figure {
    const char *name;  /* in --format csv: summary.csv's column for it */
    const char *title; /* its table's title; NULL: no table of its own */
    unit unit;         /* how text and markdown show it (csv: bytes, ns, counts) */
    bool ratio;        /* set beside A's as a ratio */
    int tested;        /* T_FINAL, T_WALL, or -1 */
} figure;

/* Whether a figure is one of RSS (left out where RSS is not comparable). */
static bool is_rss_figure(int fig)
{
    return fig == FIG_FINAL || fig == FIG_PEAK || fig == FIG_GROWTH;
}

static const figure figures[N_FIGS] = {
    [FIG_REPEATS] = {"repeats", "repeats (successful runs)", U_COUNT, false, -1},
    [FIG_FAILED] = {"failed_runs", NULL, U_COUNT, false, -1},
    [FIG_FINAL] = {"final_rss_bytes", "final RSS (MiB, median over repeats)", U_MIB, true, T_FINAL},
    [FIG_PEAK] = {"peak_rss_bytes", "peak RSS (MiB, median over repeats)", U_MIB, true, -1},
    [FIG_GROWTH] = {"rss_growth_bytes_per_iter", "growth per iteration (MiB)", U_MIB_SIGNED, true,
                    -1},
    [FIG_COLLECTIONS] = {"collections", "collections (median over repeats)", U_COUNT, true, -1},
    [FIG_PAUSE] = {"pause_ns_median", "median pause (ms, median over repeats)", U_MS, true, -1},
    [FIG_WALL] = {"wall_ns", "wall time (s, median over repeats)", U_S, true, T_WALL},
    [FIG_VERDICT] = {"verdict", "verdict (summary.csv)", U_TEXT, false, -1},
};

/* The parts of a row's key, as summary.csv names its columns. */
enum { K_SCENARIO, K_RUNTIME, K_POLICY, K_ALLOCATOR, K_THRESHOLD, K_MODE, N_KEYS };
static const char *const key_names[N_KEYS] = {"scenario",  "runtime",   "policy",
                                              "allocator", "threshold", "mode"};

/* One row in one folder. */
typedef struct entry {
    bool present;
    bool rss_not_comparable;    /* Pyodide: its RSS figures are left out ("n/c") */
    int64_t value[N_FIGS];      /* DS_MISSING when unknown (FIG_VERDICT unused) */
    const char *verdict;        /* "" when unknown */
    int64_t *per_run[N_TESTED]; /* the tested figures' values of each successful run */
    size_t nper_run[N_TESTED];
} entry;

typedef struct row {
    const char *key[N_KEYS];
    size_t nfolders;                    /* how many folders have it */
    size_t first_folder, first_setting; /* where it was found first (for its title) */
} row;

typedef struct comparison {
    const ds *folders;
    size_t nfolders;
    row *rows;
    size_t nrows;
    entry *entries;        /* nrows × nfolders */
    double *p;             /* nrows × nfolders × N_TESTED: against A; NAN when not tested */
    bool show_key[N_KEYS]; /* key columns the tables show */
    size_t nmatched;       /* rows in two folders or more */
    /* rows by key: open addressing, slot 0 empty, else row + 1, at most half full */
    size_t *slots;
    size_t mask;
} comparison;

static entry *entry_at(const comparison *c, size_t r, size_t f)
{
    return &c->entries[r * c->nfolders + f];
}

static double *p_at(const comparison *c, size_t r, size_t f, int tested)
{
    return &c->p[(r * c->nfolders + f) * N_TESTED + (size_t)tested];
}

/* ==== rows ================================================================================= */

static void setting_key(const ds_setting *set, int m, const char *key[N_KEYS])
{
    key[K_SCENARIO] = set->scenario;
    key[K_RUNTIME] = set->runtime;
    key[K_POLICY] = set->policy;
    key[K_ALLOCATOR] = set->allocator;
    key[K_THRESHOLD] = set->threshold;
    key[K_MODE] = ds_mode_names[m];
}

/* A row's key, hashed (gcb_hash_strings). */
static size_t hash_key(const char *const key[N_KEYS])
{
    return (size_t)gcb_hash_strings(key, N_KEYS);
}

static bool same_key(const char *const a[N_KEYS], const char *const b[N_KEYS])
{
    size_t k = 0;
    while (k < N_KEYS && strcmp(a[k], b[k]) == 0)
        k++;
    return k == N_KEYS;
}

/* The slot of c->slots holding key's row, or the empty slot where it would go. */
static size_t *row_slot(const comparison *c, const char *const key[N_KEYS])
{
    size_t i = hash_key(key) & c->mask;
    while (c->slots[i] != 0 && !same_key(c->rows[c->slots[i] - 1].key, key))
        i = (i + 1) & c->mask;
    return &c->slots[i];
}

static long find_row(const comparison *c, const char *const key[N_KEYS])
{
    if (c->slots == NULL)
        return -1;
    size_t slot = *row_slot(c, key);
    return slot != 0 ? (long)slot - 1 : -1;
}

/* Makes c->slots room for twice nrows + 1 rows, rebuilt from c->rows. Returns 0, or -1. */
static int index_rows(comparison *c)
{
    size_t size = 16;
    while (size < 4 * (c->nrows + 1))
        size *= 2;
    free(c->slots);
    c->slots = calloc(size, sizeof *c->slots);
    if (c->slots == NULL)
        return -1;
    c->mask = size - 1;
    for (size_t r = 0; r < c->nrows; r++)
        *row_slot(c, c->rows[r].key) = r + 1;
    return 0;
}

/* Lists every (setting, mode) of every folder once, in the order met: A's settings (modes
 * forced, auto, off), then the rows B adds, and so on. Returns 0, or -1 out of memory. */
static int collect_rows(comparison *c)
{
    size_t cap = 0;
    for (size_t f = 0; f < c->nfolders; f++) {
        const ds *d = &c->folders[f];
        for (size_t s = 0; s < d->nsettings; s++)
            for (int m = 0; m < DS_MODES; m++) {
                const char *key[N_KEYS];
                setting_key(&d->settings[s], m, key);
                if (d->settings[s].nruns[m] == 0 || find_row(c, key) >= 0)
                    continue;
                if ((c->slots == NULL || 2 * (c->nrows + 1) > c->mask + 1) && index_rows(c) != 0)
                    return -1;
                if (c->nrows == cap) {
                    cap = cap ? 2 * cap : 16;
                    row *rows = realloc(c->rows, cap * sizeof *rows);
                    if (rows == NULL)
                        return -1;
                    c->rows = rows;
                }
                row *r = &c->rows[c->nrows++];
                memcpy(r->key, key, sizeof key);
                r->nfolders = 0;
                r->first_folder = f;
                r->first_setting = s;
                *row_slot(c, key) = c->nrows;
            }
    }
    return 0;
}

/* ==== one row in one folder ================================================================ */

/* A successful run's value of a per-run figure; DS_MISSING when the run does not have it. */
static int64_t run_value(const ds_run *run, int fig)
{
    switch (fig) {
    case FIG_FINAL:
        return run->niters > 0 ? run->iters[run->niters - 1].rss_bytes : DS_MISSING;
    case FIG_PEAK:
        return run->peak_rss_bytes;
    case FIG_COLLECTIONS:
        return run->collections;
    case FIG_PAUSE:
        return run->pause_ns_median;
    case FIG_WALL:
        return run->wall_ns;
    default:
        assert(0 && "run_value: not a per-run figure");
        return DS_MISSING;
    }
}

/* The known values of fig over the group's successful runs, into out (room for all runs).
 * Returns how many. */
static size_t run_values(const ds *d, const ds_setting *set, int m, int fig, int64_t *out)
{
    size_t k = 0;
    for (size_t i = 0; i < set->nruns[m]; i++) {
        const ds_run *run = &d->runs[set->runs[m][i]];
        int64_t v = run->ok ? run_value(run, fig) : DS_MISSING;
        if (v != DS_MISSING)
            out[k++] = v;
    }
    return k;
}

/* The summary.csv row of (setting, mode), or -1 when the folder has none (ds_load found it). */
static long summary_row(const ds *d, const ds_setting *set, int m)
{
    return d->has_summary ? set->summary_row[m] : -1;
}

/* The growth per iteration: summary.csv's when it has one for the row, else the median of
 * the successful runs' Theil–Sen slopes. Returns 0 (*out DS_MISSING when there is none), or
 * -1 after a message: a malformed number in summary.csv, or memory ran out. */
static int group_growth(const ds *d, const ds_setting *set, int m, long srow, int64_t *out)
{
    *out = DS_MISSING;
    if (srow >= 0) {
        const csvt *t = &d->summary;
        int col = csvt_col(t, "rss_growth_bytes_per_iter");
        bool bad = false;
        double v;
        if (csvt_f64(t, (size_t)srow, col, &v, &bad)) {
            *out = llround(v);
            return 0;
        }
        if (bad) {
            gcb_error("%s:%zu: rss_growth_bytes_per_iter is '%s', not a number", t->path,
                      t->lines[srow], csvt_get(t, (size_t)srow, col));
            return -1;
        }
    }
    double *slopes = malloc((set->nruns[m] + 1) * sizeof *slopes);
    if (slopes == NULL) {
        gcb_error("out of memory comparing %s", d->dir);
        return -1;
    }
    size_t k = 0;
    for (size_t i = 0; i < set->nruns[m]; i++) {
        const ds_run *run = &d->runs[set->runs[m][i]];
        if (!run->ok || run->niters < 2 || run->iters[0].iteration != 0)
            continue;
        if (ds_run_growth(run, offsetof(ds_sample, rss_bytes), &slopes[k++]) != 0) {
            free(slopes);
            gcb_error("out of memory comparing %s", d->dir);
            return -1;
        }
    }
    if (k > 0)
        *out = llround(stats_median_f64(slopes, k));
    free(slopes);
    return 0;
}

/* Fills e from the group (setting, m) of d. Returns 0, or -1 after a message. */
static int fill_entry(const ds *d, size_t setting, int m, entry *e)
{
    const ds_setting *set = &d->settings[setting];
    size_t n = set->nruns[m];
    e->present = true;
    e->value[FIG_REPEATS] = e->value[FIG_FAILED] = 0;
    for (size_t i = 0; i < n; i++)
        e->value[d->runs[set->runs[m][i]].ok ? FIG_REPEATS : FIG_FAILED]++;
    int64_t *scratch = malloc((n + 1) * sizeof *scratch);
    for (int t = 0; t < N_TESTED; t++)
        e->per_run[t] = malloc((n + 1) * sizeof *e->per_run[t]);
    if (scratch == NULL || e->per_run[T_FINAL] == NULL || e->per_run[T_WALL] == NULL) {
        free(scratch);
        gcb_error("out of memory comparing %s", d->dir);
        return -1;
    }
    static const int medians[] = {FIG_FINAL, FIG_PEAK, FIG_COLLECTIONS, FIG_PAUSE, FIG_WALL};
    for (size_t i = 0; i < sizeof medians / sizeof medians[0]; i++) {
        int fig = medians[i], t = figures[fig].tested;
        int64_t *v = t >= 0 ? e->per_run[t] : scratch;
        size_t k = run_values(d, set, m, fig, v);
        if (t >= 0)
            e->nper_run[t] = k;
        e->value[fig] = k > 0 ? stats_median_i64(v, k) : DS_MISSING; /* sorts v */
    }
    free(scratch);
    long srow = summary_row(d, set, m);
    e->verdict =
        srow >= 0 ? csvt_get(&d->summary, (size_t)srow, csvt_col(&d->summary, "verdict")) : "";
    if (!set->rss_comparable) { /* never a ratio of RSS that is not comparable */
        e->rss_not_comparable = true;
        e->value[FIG_FINAL] = e->value[FIG_PEAK] = DS_MISSING;
        e->nper_run[T_FINAL] = 0;
        return 0;
    }
    return group_growth(d, set, m, srow, &e->value[FIG_GROWTH]);
}

static int fill_entries(comparison *c)
{
    for (size_t r = 0; r < c->nrows; r++)
        for (size_t f = 0; f < c->nfolders; f++)
            for (int i = 0; i < N_FIGS; i++)
                entry_at(c, r, f)->value[i] = DS_MISSING;
    for (size_t f = 0; f < c->nfolders; f++) {
        const ds *d = &c->folders[f];
        for (size_t s = 0; s < d->nsettings; s++)
            for (int m = 0; m < DS_MODES; m++) {
                const char *key[N_KEYS];
                setting_key(&d->settings[s], m, key);
                if (d->settings[s].nruns[m] == 0)
                    continue;
                long r = find_row(c, key);
                assert(r >= 0 && "fill_entries: collect_rows missed a row");
                c->rows[r].nfolders++;
                if (fill_entry(d, s, m, entry_at(c, (size_t)r, f)) != 0)
                    return -1;
            }
    }
    return 0;
}

/* ==== the tests ============================================================================ */

/* The p of every tested figure of every row, folder B, C, … against A (NAN where either
 * has fewer than two values). Returns 0, or -1 after a message (out of memory). */
static int run_tests(comparison *c)
{
    for (size_t r = 0; r < c->nrows; r++)
        for (size_t f = 0; f < c->nfolders; f++)
            for (int t = 0; t < N_TESTED; t++) {
                const entry *a = entry_at(c, r, 0), *b = entry_at(c, r, f);
                double *p = p_at(c, r, f, t);
                *p = NAN;
                if (f == 0 || !a->present || !b->present || a->nper_run[t] < 2 ||
                    b->nper_run[t] < 2)
                    continue;
                size_t na = a->nper_run[t], nb = b->nper_run[t];
                double *v = malloc((na + nb) * sizeof *v);
                if (v == NULL) {
                    gcb_error("out of memory comparing the folders");
                    return -1;
                }
                for (size_t i = 0; i < na + nb; i++)
                    v[i] = (double)(i < na ? a->per_run[t][i] : b->per_run[t][i - na]);
                *p = compare_mann_whitney_p(v, na, v + na, nb);
                free(v);
                if (isnan(*p)) {
                    gcb_error("out of memory comparing the folders");
                    return -1;
                }
            }
    return 0;
}

/* Why a row of folder f has, or has no, mark against A. */
typedef enum noise_case {
    NOISE_UNKNOWN, /* a folder lacks the row or has no successful run: nothing to say */
    NOISE_SINGLE,  /* one of them has a single repeat: no significance can be given */
    NOISE_FEW,     /* too few repeats for any p < ALPHA */
    NOISE_TESTED,
} noise_case;

static noise_case noise_of(const comparison *c, size_t r, size_t f)
{
    const entry *a = entry_at(c, r, 0), *b = entry_at(c, r, f);
    if (!a->present || !b->present || a->value[FIG_REPEATS] == 0 || b->value[FIG_REPEATS] == 0)
        return NOISE_UNKNOWN;
    if (a->value[FIG_REPEATS] == 1 || b->value[FIG_REPEATS] == 1)
        return NOISE_SINGLE;
    if (smallest_p((size_t)a->value[FIG_REPEATS], (size_t)b->value[FIG_REPEATS]) >= ALPHA)
        return NOISE_FEW;
    return NOISE_TESTED;
}

/* ==== building the comparison ============================================================== */

static void free_comparison(comparison *c)
{
    for (size_t i = 0; c->entries != NULL && i < c->nrows * c->nfolders; i++)
        for (int t = 0; t < N_TESTED; t++)
            free(c->entries[i].per_run[t]);
    free(c->entries);
    free(c->p);
    free(c->rows);
    free(c->slots);
}

/* Which key columns the tables need: scenario and mode always, the others when two rows
 * in the tables differ in them. */
static void choose_key_columns(comparison *c)
{
    const row *first = NULL;
    for (int k = 0; k < N_KEYS; k++)
        c->show_key[k] = k == K_SCENARIO || k == K_MODE;
    c->nmatched = 0;
    for (size_t r = 0; r < c->nrows; r++) {
        if (c->rows[r].nfolders < 2)
            continue;
        c->nmatched++;
        if (first == NULL)
            first = &c->rows[r];
        for (int k = 0; k < N_KEYS; k++)
            if (strcmp(first->key[k], c->rows[r].key[k]) != 0)
                c->show_key[k] = true;
    }
}

static int build_comparison(comparison *c, const ds *folders, size_t nfolders)
{
    memset(c, 0, sizeof *c);
    c->folders = folders;
    c->nfolders = nfolders;
    if (collect_rows(c) != 0)
        goto oom;
    size_t n = (c->nrows ? c->nrows : 1) * nfolders;
    c->entries = calloc(n, sizeof *c->entries);
    c->p = malloc(n * N_TESTED * sizeof *c->p);
    if (c->entries == NULL || c->p == NULL)
        goto oom;
    if (fill_entries(c) != 0 || run_tests(c) != 0)
        return -1;
    choose_key_columns(c);
    return 0;
oom:
    gcb_error("out of memory comparing the folders");
    return -1;
}

/* ==== cells ================================================================================ */

static void format_number(char *buf, size_t len, unit u, int64_t v)
{
    double mib = (double)v / 1048576.0;
    if (v == DS_MISSING) {
        snprintf(buf, len, "%s", MISSING_CELL);
        return;
    }
    switch (u) {
    case U_MIB:
        gcb_fmt_mib(buf, len, v);
        break;
    case U_MIB_SIGNED: /* "+0.01", never "-0.00" */
        snprintf(buf, len, "%+.2f", fabs(mib) < 0.005 ? 0.0 : mib);
        break;
    case U_MS:
        snprintf(buf, len, "%.2f", (double)v / 1e6);
        break;
    case U_S:
        snprintf(buf, len, "%.3f", (double)v / 1e9);
        break;
    default:
        snprintf(buf, len, "%lld", (long long)v);
        break;
    }
}

/* Folder f's cell of figure fig in row r, as text and markdown show it. */
static void value_cell(char *buf, size_t len, const comparison *c, size_t r, size_t f, int fig)
{
    const entry *e = entry_at(c, r, f);
    if (!e->present)
        snprintf(buf, len, "%s", MISSING_CELL);
    else if (e->rss_not_comparable && is_rss_figure(fig))
        snprintf(buf, len, "n/c");
    else if (fig == FIG_VERDICT)
        snprintf(buf, len, "%s", *e->verdict ? e->verdict : MISSING_CELL);
    else if (fig == FIG_REPEATS && e->value[FIG_FAILED] > 0)
        snprintf(buf, len, "%lld (%lld failed)", (long long)e->value[FIG_REPEATS],
                 (long long)e->value[FIG_FAILED]);
    else
        format_number(buf, len, figures[fig].unit, e->value[fig]);
}

/* Folder f's value of fig over A's. False when either is unknown or A's is 0. */
static bool ratio_of(const comparison *c, size_t r, size_t f, int fig, double *out)
{
    const entry *a = entry_at(c, r, 0), *b = entry_at(c, r, f);
    if (!a->present || !b->present || a->value[fig] == DS_MISSING || b->value[fig] == DS_MISSING ||
        a->value[fig] == 0)
        return false;
    *out = (double)b->value[fig] / (double)a->value[fig];
    return true;
}

static bool marked(const comparison *c, size_t r, size_t f, int fig)
{
    return figures[fig].tested >= 0 && *p_at(c, r, f, figures[fig].tested) < ALPHA;
}

/* ==== text and markdown tables ============================================================= */

#define MAX_COLS (N_KEYS + 3 * COMPARE_MAX_FOLDERS)

/* nrows × ncols cells of CELL_LEN bytes; row 0 is the header. A mark column holds '*' or
 * nothing and sits against the cell before it. */
typedef struct table {
    size_t nrows, ncols;
    char *cells;
    bool right[MAX_COLS], mark[MAX_COLS];
    size_t widths[MAX_COLS];
} table;

static char *cell(const table *t, size_t row, size_t col)
{
    return t->cells + (row * t->ncols + col) * CELL_LEN;
}

/* Lays out the columns of fig's table: the key columns, then each folder's value, and for
 * B, C, … the ratio (and mark) when fig has them. Fills the header row. */
static void table_columns(table *t, const comparison *c, int fig)
{
    t->ncols = 0;
    for (int k = 0; k < N_KEYS; k++)
        if (c->show_key[k]) {
            t->right[t->ncols] = t->mark[t->ncols] = false;
            snprintf(cell(t, 0, t->ncols++), CELL_LEN, "%s", key_names[k]);
        }
    for (size_t f = 0; f < c->nfolders; f++) {
        t->right[t->ncols] = fig != FIG_VERDICT;
        t->mark[t->ncols] = false;
        snprintf(cell(t, 0, t->ncols++), CELL_LEN, "%c", (int)('A' + f));
        if (f == 0 || !figures[fig].ratio)
            continue;
        t->right[t->ncols] = true;
        t->mark[t->ncols] = false;
        snprintf(cell(t, 0, t->ncols++), CELL_LEN, "%c/A", (int)('A' + f));
        if (figures[fig].tested < 0)
            continue;
        t->right[t->ncols] = false;
        t->mark[t->ncols] = true;
        cell(t, 0, t->ncols++)[0] = '\0';
    }
}

/* The table of fig over the rows in two folders or more. Returns 0, or -1 out of memory. */
static int build_table(table *t, const comparison *c, int fig)
{
    t->nrows = c->nmatched + 1;
    t->cells = calloc(t->nrows * MAX_COLS, CELL_LEN); /* ncols ≤ MAX_COLS */
    if (t->cells == NULL)
        return -1;
    table_columns(t, c, fig);
    size_t row = 1;
    for (size_t r = 0; r < c->nrows; r++) {
        if (c->rows[r].nfolders < 2)
            continue;
        size_t col = 0;
        for (int k = 0; k < N_KEYS; k++)
            if (c->show_key[k])
                snprintf(cell(t, row, col++), CELL_LEN, "%s", c->rows[r].key[k]);
        for (size_t f = 0; f < c->nfolders; f++) {
            value_cell(cell(t, row, col++), CELL_LEN, c, r, f, fig);
            if (f == 0 || !figures[fig].ratio)
                continue;
            double ratio;
            if (ratio_of(c, r, f, fig, &ratio))
                snprintf(cell(t, row, col++), CELL_LEN, "%.2f", ratio);
            else
                snprintf(cell(t, row, col++), CELL_LEN, "%s", MISSING_CELL);
            if (figures[fig].tested >= 0)
                snprintf(cell(t, row, col++), CELL_LEN, "%s", marked(c, r, f, fig) ? "*" : "");
        }
        row++;
    }
    for (size_t col = 0; col < t->ncols; col++) {
        t->widths[col] = 0;
        for (size_t r = 0; r < t->nrows; r++) {
            size_t w = gcb_display_width(cell(t, r, col), strlen(cell(t, r, col)));
            t->widths[col] = w > t->widths[col] ? w : t->widths[col];
        }
    }
    return 0;
}

/* Key columns left-aligned, figures right-aligned, two spaces apart (a mark column none);
 * no trailing spaces. */
static void print_text_table(FILE *out, const table *t)
{
    for (size_t r = 0; r < t->nrows; r++) {
        size_t pending = 0; /* spaces owed before the next non-empty text */
        for (size_t col = 0; col < t->ncols; col++) {
            const char *s = cell(t, r, col);
            size_t pad = t->widths[col] - gcb_display_width(s, strlen(s));
            pending += col == 0 || t->mark[col] ? 0 : 2;
            if (t->right[col])
                pending += pad;
            if (*s) {
                fprintf(out, "%*s%s", (int)pending, "", s);
                pending = 0;
            }
            if (!t->right[col])
                pending += pad;
        }
        fputc('\n', out);
    }
}

/* s with the characters markdown would read as syntax escaped, line breaks as spaces. */
static void print_markdown_text(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '\n' || *s == '\r' || *s == GLUE)
            fputc(' ', out);
        else if (*s == '|' || *s == '*' || *s == '\\' || *s == '`')
            fprintf(out, "\\%c", *s);
        else
            fputc(*s, out);
    }
}

/* A GitHub table; a mark joins the cell before it. */
static void print_markdown_table(FILE *out, const table *t)
{
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t col = 0; col < t->ncols; col++) {
            if (t->mark[col]) {
                if (*cell(t, r, col))
                    fputs(" \\*", out);
                continue;
            }
            fputs(col == 0 ? "| " : " | ", out);
            print_markdown_text(out, cell(t, r, col));
        }
        fputs(" |\n", out);
        if (r > 0)
            continue;
        for (size_t col = 0; col < t->ncols; col++)
            if (!t->mark[col])
                fputs(t->right[col] ? "|--:" : "|:--", out);
        fputs("|\n", out);
    }
}

/* ==== text and markdown: the lines around the tables ====================================== */

/* text, broken at spaces into lines of at most LINE_WIDTH columns (a longer word stands
 * alone), later lines indented by two spaces; a GLUE is a space where no line breaks. */
static void print_wrapped(FILE *out, const char *text)
{
    size_t col = 0;
    while (*text) {
        size_t len = strcspn(text, " "), w = gcb_display_width(text, len);
        if (col > 0 && col + 1 + w > LINE_WIDTH) {
            fputs("\n  ", out);
            col = 2;
        } else if (col > 0) {
            fputc(' ', out);
            col++;
        }
        for (size_t i = 0; i < len; i++)
            fputc(text[i] == GLUE ? ' ' : text[i], out);
        col += w;
        text += len;
        text += strspn(text, " ");
    }
    fputc('\n', out);
}

/* A line of prose: wrapped in text, escaped in markdown (a paragraph of its own). */
static void print_prose(FILE *out, compare_format format, const char *text)
{
    if (format == COMPARE_TEXT) {
        print_wrapped(out, text);
        return;
    }
    print_markdown_text(out, text);
    fputs("\n\n", out);
}

/* "A: DIR — host, CPU model, N cores, M GiB, kernel", "unknown …" for what machine.csv
 * lacks. */
static void print_machine(FILE *out, compare_format format, const ds *d, size_t f)
{
    const char *host = ds_machine(d, "host"), *cpu = ds_machine(d, "cpu_model");
    const char *cores = ds_machine(d, "cores"), *kernel = ds_machine(d, "kernel");
    char memory[64] = "unknown memory";
    int64_t bytes;
    if (gcb_parse_i64(ds_machine(d, "memory_bytes"), 0, INT64_MAX, &bytes) == 0)
        snprintf(memory, sizeof memory, "%.2f GiB", (double)bytes / 1073741824.0);
    char *line = NULL;
    size_t len = 0;
    FILE *s = open_memstream(&line, &len);
    if (s == NULL)
        return;
    fprintf(s, "%s \u2014 %s, %s, %s cores, %s, %s", d->dir, *host ? host : "unknown host",
            *cpu ? cpu : "unknown CPU", *cores ? cores : "unknown", memory,
            *kernel ? kernel : "unknown kernel");
    fclose(s);
    if (format == COMPARE_TEXT) {
        fprintf(out, "%c: %s\n", (int)('A' + f), line);
    } else {
        fprintf(out, "- **%c**: ", (int)('A' + f));
        print_markdown_text(out, line);
        fputc('\n', out);
    }
    free(line);
}

/* "all rows: runtime native, policy py311, …": the key parts the tables leave out. Returns
 * whether there were any. */
static bool print_common_keys(FILE *out, compare_format format, const comparison *c)
{
    const row *first = NULL;
    for (size_t r = 0; r < c->nrows && first == NULL; r++)
        if (c->rows[r].nfolders >= 2)
            first = &c->rows[r];
    char text[1024] = "all rows:";
    size_t used = strlen(text), shown = 0;
    for (int k = 0; first != NULL && k < N_KEYS; k++)
        if (!c->show_key[k] && *first->key[k]) {
            used += (size_t)snprintf(text + used, sizeof text - used, "%s %s %s", shown ? "," : "",
                                     key_names[k], first->key[k]);
            shown++;
        }
    if (shown > 0)
        print_prose(out, format, text);
    return shown > 0;
}

/* The row's key as the tables show it, its parts joined by GLUE: "cross_reference forced". */
static void row_label(const comparison *c, size_t r, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int k = 0; k < N_KEYS && used < len; k++)
        if (c->show_key[k])
            used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? "\x1f" : "",
                                     c->rows[r].key[k]);
}

/* The rows of folder f whose noise_of is nc (and, for NOISE_FEW, whose repeat counts are
 * na and nb), as "all rows" or "x forced, y auto", into s. Returns how many. */
static size_t list_rows(FILE *s, const comparison *c, size_t f, noise_case nc, int64_t na,
                        int64_t nb)
{
    size_t n = 0, all = 0;
    for (size_t r = 0; r < c->nrows; r++) {
        if (c->rows[r].nfolders < 2)
            continue;
        all++;
        n += noise_of(c, r, f) == nc &&
             (nc != NOISE_FEW || (entry_at(c, r, 0)->value[FIG_REPEATS] == na &&
                                  entry_at(c, r, f)->value[FIG_REPEATS] == nb));
    }
    if (n == all) {
        fputs("all rows", s);
        return n;
    }
    size_t listed = 0;
    for (size_t r = 0; r < c->nrows; r++) {
        if (c->rows[r].nfolders < 2 || noise_of(c, r, f) != nc ||
            (nc == NOISE_FEW && (entry_at(c, r, 0)->value[FIG_REPEATS] != na ||
                                 entry_at(c, r, f)->value[FIG_REPEATS] != nb)))
            continue;
        char label[1024];
        row_label(c, r, label, sizeof label);
        fprintf(s, "%s%s", listed++ ? ", " : "", label);
    }
    return n;
}

/* One note: prefix, then the rows it is about. Nothing when there are none. */
static void print_note(FILE *out, compare_format format, const comparison *c, size_t f,
                       noise_case nc, int64_t na, int64_t nb, const char *prefix)
{
    char *text = NULL;
    size_t len = 0;
    FILE *s = open_memstream(&text, &len);
    if (s == NULL)
        return;
    fputs(prefix, s);
    size_t n = list_rows(s, c, f, nc, na, nb);
    fclose(s);
    if (n > 0)
        print_prose(out, format, text);
    free(text);
}

/* "n/c: …" and the rows whose RSS is not comparable in some folder (nothing when none is). */
static void print_not_comparable(FILE *out, compare_format format, const comparison *c)
{
    char *text = NULL;
    size_t len = 0, n = 0;
    FILE *s = open_memstream(&text, &len);
    if (s == NULL)
        return;
    fputs("n/c: RSS not comparable (Pyodide: the Node.js process's RSS, and WebAssembly memory "
          "only grows), so no RSS figure or ratio is given: ",
          s);
    for (size_t r = 0; r < c->nrows; r++) {
        bool nc = false;
        for (size_t f = 0; f < c->nfolders && !nc; f++)
            nc = entry_at(c, r, f)->present && entry_at(c, r, f)->rss_not_comparable;
        if (c->rows[r].nfolders < 2 || !nc)
            continue;
        char label[1024];
        row_label(c, r, label, sizeof label);
        fprintf(s, "%s%s", n++ ? ", " : "", label);
    }
    fclose(s);
    if (n > 0)
        print_prose(out, format, text);
    free(text);
}

/* What the mark means, and for each folder after A the rows that could not be tested. */
static void print_notes(FILE *out, compare_format format, const comparison *c)
{
    print_prose(out, format,
                "* differs from A beyond run-to-run noise: Mann\u2013Whitney U over repeats, "
                "two-sided p < 0.05");
    print_not_comparable(out, format, c);
    for (size_t f = 1; f < c->nfolders; f++) {
        char prefix[256];
        snprintf(prefix, sizeof prefix,
                 "%c/A: no significance can be given where A or %c has a single repeat: ",
                 (int)('A' + f), (int)('A' + f));
        print_note(out, format, c, f, NOISE_SINGLE, 0, 0, prefix);
        for (size_t r = 0; r < c->nrows; r++) {
            if (c->rows[r].nfolders < 2 || noise_of(c, r, f) != NOISE_FEW)
                continue;
            int64_t na = entry_at(c, r, 0)->value[FIG_REPEATS];
            int64_t nb = entry_at(c, r, f)->value[FIG_REPEATS];
            bool seen = false; /* this pair of counts already had its note */
            for (size_t q = 0; q < r && !seen; q++)
                seen = c->rows[q].nfolders >= 2 && noise_of(c, q, f) == NOISE_FEW &&
                       entry_at(c, q, 0)->value[FIG_REPEATS] == na &&
                       entry_at(c, q, f)->value[FIG_REPEATS] == nb;
            if (seen)
                continue;
            snprintf(prefix, sizeof prefix,
                     "%c/A: %lld and %lld repeats are too few for p < 0.05 (the smallest p is "
                     "%.2f; run 4 or more): ",
                     (int)('A' + f), (long long)na, (long long)nb,
                     smallest_p((size_t)na, (size_t)nb));
            print_note(out, format, c, f, NOISE_FEW, na, nb, prefix);
        }
    }
}

/* "only in A:" and its rows, each with its whole setting, for every folder that has some. */
static void print_only_in(FILE *out, compare_format format, const comparison *c)
{
    for (size_t f = 0; f < c->nfolders; f++) {
        bool header = false;
        for (size_t r = 0; r < c->nrows; r++) {
            if (c->rows[r].nfolders != 1 || c->rows[r].first_folder != f)
                continue;
            if (!header)
                fprintf(out, format == COMPARE_TEXT ? "\nonly in %c:\n" : "**only in %c:**\n\n",
                        (int)('A' + f));
            header = true;
            char title[1024];
            report_setting_title(&c->folders[f], c->rows[r].first_setting, title, sizeof title);
            if (format == COMPARE_TEXT) {
                fprintf(out, "  %s, mode %s\n", title, c->rows[r].key[K_MODE]);
            } else {
                fputs("- ", out);
                print_markdown_text(out, title);
                fprintf(out, ", mode %s\n", c->rows[r].key[K_MODE]);
            }
        }
        if (header && format == COMPARE_MARKDOWN)
            fputc('\n', out);
    }
}

static int print_tables(FILE *out, compare_format format, const comparison *c)
{
    for (int fig = 0; fig < N_FIGS; fig++) {
        if (figures[fig].title == NULL)
            continue;
        table t = {0};
        if (build_table(&t, c, fig) != 0) {
            gcb_error("out of memory building the table of %s", figures[fig].title);
            return -1;
        }
        if (format == COMPARE_TEXT) {
            fprintf(out, "%s\n", figures[fig].title);
            print_text_table(out, &t);
        } else {
            fprintf(out, "**%s**\n\n", figures[fig].title);
            print_markdown_table(out, &t);
        }
        fputc('\n', out);
        free(t.cells);
    }
    return 0;
}

static int print_report(FILE *out, compare_format format, const comparison *c)
{
    for (size_t f = 0; f < c->nfolders; f++)
        print_machine(out, format, &c->folders[f], f);
    fputc('\n', out);
    if (c->nmatched == 0) {
        print_prose(out, format, "no row is in more than one folder");
    } else {
        if (print_common_keys(out, format, c) && format == COMPARE_TEXT)
            fputc('\n', out);
        if (print_tables(out, format, c) != 0)
            return -1;
        print_notes(out, format, c);
    }
    print_only_in(out, format, c);
    return 0;
}

/* ==== csv ================================================================================== */

/* One row per (row, figure), every row of every folder: the key, the figure's name, then A's
 * value, and B's value, B/A and the test's p, and so on. */
static int print_csv(FILE *out, const comparison *c)
{
    size_t ncols = N_KEYS + 1 + 1 + 3 * (c->nfolders - 1);
    csvw w;
    csvw_attach(&w, out, ncols);
    for (int k = 0; k < N_KEYS; k++)
        csvw_str(&w, key_names[k]);
    csvw_str(&w, "figure");
    for (size_t f = 0; f < c->nfolders; f++) {
        char name[32];
        snprintf(name, sizeof name, "value_%c", (int)('a' + f));
        csvw_str(&w, name);
        if (f == 0)
            continue;
        snprintf(name, sizeof name, "ratio_%c_a", (int)('a' + f));
        csvw_str(&w, name);
        snprintf(name, sizeof name, "p_%c_a", (int)('a' + f));
        csvw_str(&w, name);
    }
    csvw_end_row(&w);
    for (size_t r = 0; r < c->nrows; r++)
        for (int fig = 0; fig < N_FIGS; fig++) {
            for (int k = 0; k < N_KEYS; k++)
                csvw_str(&w, c->rows[r].key[k]);
            csvw_str(&w, figures[fig].name);
            for (size_t f = 0; f < c->nfolders; f++) {
                const entry *e = entry_at(c, r, f);
                if (fig == FIG_VERDICT)
                    csvw_str(&w, e->present ? e->verdict : "");
                else if (e->present && e->value[fig] != DS_MISSING)
                    csvw_i64(&w, e->value[fig]);
                else
                    csvw_empty(&w);
                if (f == 0)
                    continue;
                double ratio;
                if (figures[fig].ratio && ratio_of(c, r, f, fig, &ratio))
                    csvw_f64(&w, ratio);
                else
                    csvw_empty(&w);
                csvw_f64(&w, figures[fig].tested >= 0 ? *p_at(c, r, f, figures[fig].tested) : NAN);
            }
            csvw_end_row(&w);
        }
    return w.failed ? -1 : 0;
}

/* ==== json ================================================================================= */

static json_t *json_figure(int64_t v) { return v == DS_MISSING ? json_null() : json_integer(v); }

static json_t *json_p(double p) { return isnan(p) ? json_null() : json_real(p); }

/* One folder's figures of row r: present, rss_comparable, every figure (null where missing;
 * the RSS figures null where RSS is not comparable), and, after A, ratio_to_a and p_to_a. */
static json_t *json_entry(const comparison *c, size_t r, size_t f)
{
    const entry *e = entry_at(c, r, f);
    json_t *o = json_object();
    json_object_set_new(o, "folder", json_string((char[]){(char)('A' + f), '\0'}));
    json_object_set_new(o, "present", json_boolean(e->present));
    json_object_set_new(o, "rss_comparable", json_boolean(!e->rss_not_comparable));
    json_t *ratios = json_object(), *ps = json_object();
    for (int fig = 0; fig < N_FIGS; fig++) {
        const char *name = figures[fig].name;
        if (fig == FIG_VERDICT) {
            json_object_set_new(o, name,
                                e->present && *e->verdict ? json_string(e->verdict) : json_null());
            continue;
        }
        bool hidden = e->rss_not_comparable && is_rss_figure(fig);
        json_object_set_new(o, name,
                            e->present && !hidden ? json_figure(e->value[fig]) : json_null());
        if (f == 0)
            continue;
        double ratio;
        if (figures[fig].ratio)
            json_object_set_new(ratios, name,
                                !hidden && ratio_of(c, r, f, fig, &ratio) ? json_real(ratio)
                                                                          : json_null());
        if (figures[fig].tested >= 0)
            json_object_set_new(ps, name, json_p(*p_at(c, r, f, figures[fig].tested)));
    }
    if (f > 0) {
        json_object_set_new(o, "ratio_to_a", ratios);
        json_object_set_new(o, "p_to_a", ps);
    } else {
        json_decref(ratios);
        json_decref(ps);
    }
    return o;
}

/* The whole comparison as one JSON document (schema harness/read/schemas/compare.schema.json). */
static int print_json(FILE *out, const comparison *c)
{
    json_t *doc = json_object();
    json_object_set_new(doc, "schema", json_string("gcbench-compare/1"));
    json_object_set_new(doc, "alpha", json_real(ALPHA));
    json_t *folders = json_array();
    for (size_t f = 0; f < c->nfolders; f++) {
        const ds *d = &c->folders[f];
        json_t *o = json_object();
        json_object_set_new(o, "folder", json_string((char[]){(char)('A' + f), '\0'}));
        json_object_set_new(o, "dir", json_string(d->dir));
        json_t *m = json_object();
        for (size_t r = 0; r < d->machine.nrows; r++) {
            const char *k = csvt_get(&d->machine, r, 0);
            if (*k != '\0')
                json_object_set_new(m, k, json_string(csvt_get(&d->machine, r, 1)));
        }
        json_object_set_new(o, "machine", m);
        json_array_append_new(folders, o);
    }
    json_object_set_new(doc, "folders", folders);
    json_t *rows = json_array();
    for (size_t r = 0; r < c->nrows; r++) {
        json_t *o = json_object();
        for (int k = 0; k < N_KEYS; k++)
            json_object_set_new(o, key_names[k], json_string(c->rows[r].key[k]));
        json_object_set_new(o, "in_folders", json_integer((json_int_t)c->rows[r].nfolders));
        json_t *entries = json_array();
        for (size_t f = 0; f < c->nfolders; f++)
            json_array_append_new(entries, json_entry(c, r, f));
        json_object_set_new(o, "values", entries);
        json_array_append_new(rows, o);
    }
    json_object_set_new(doc, "rows", rows);
    int rc = json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    if (rc == 0)
        fputc('\n', out);
    json_decref(doc);
    return rc == 0 ? 0 : -1;
}

/* ==== public =============================================================================== */

int compare_print(FILE *out, const ds *folders, size_t nfolders, compare_format format)
{
    assert(nfolders >= 2 && nfolders <= COMPARE_MAX_FOLDERS &&
           "compare_print: 2 to COMPARE_MAX_FOLDERS folders");
    comparison c;
    int rc = build_comparison(&c, folders, nfolders);
    if (rc == 0)
        rc = format == COMPARE_CSV    ? print_csv(out, &c)
             : format == COMPARE_JSON ? print_json(out, &c)
                                      : print_report(out, format, &c);
    free_comparison(&c);
    return rc != 0 || ferror(out) ? -1 : 0;
}
