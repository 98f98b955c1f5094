/* dataset.c — loads a results folder (runs.csv, samples.csv, machine.csv, summary.csv) into
 * a ds: runs with their samples, grouped into settings and modes (see dataset.h).
 *
 * Invariants after a successful ds_load:
 * - every ds_run's strings point into d->runs_csv's cells (never NULL, "" when absent);
 * - every run's mode_index is 0..2 and setting < d->nsettings;
 * - every run appears in exactly one settings[s].runs[m] (traced runs, runs.csv's
 *   trace_alloc_frames > 0: in settings[s].traced[m] instead), which lists runs by repeat
 *   (then by their order in runs.csv);
 * - a run's iters are sorted by iteration with no iteration twice; its ticks by t_ns; its
 *   classes (kind "class" rows) by iteration, then class id, each at an iteration it has an
 *   iter sample of, whose class_objects is their sum (DS_MISSING where it has none);
 * - d->class_names holds every class name once, in order of first appearance (owned);
 * - a setting is rss_comparable when all its runs are (runs.csv without the column: all);
 * - samples.csv is not kept: its cells are parsed into the runs and the table is freed.
 *
 * Only runs whose status is "ok" feed ds_iter_stat: a run that stopped early (failed,
 * rss_limit, timeout, crashed, interrupted) keeps its samples in run->iters, so a report or
 * a plot can show it on its own, but it never moves a median.
 *
 * Cost: one hash table maps run_id to run, so loading is linear in the number of samples
 * (plus a sort of each run's samples when samples.csv did not list them in order).
 */
#include "dataset.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "schema.h"
#include "stats.h"
#include "util.h"

const char *const ds_mode_names[DS_MODES] = {"forced", "auto", "off"};
const char *const ds_mode_titles[DS_MODES] = {"With GC", "Without GC", "GC off"};

int ds_mode_index(const char *mode)
{
    for (int m = 0; m < DS_MODES; m++)
        if (strcmp(mode, ds_mode_names[m]) == 0)
            return m;
    return -1;
}

/* ==== column tables ======================================================================== */

/* A numeric column and where its value goes in a struct. */
typedef struct num_field {
    const char *column;
    size_t offset;
} num_field;

static const num_field run_fields[] = {
    {"repeat", offsetof(ds_run, repeat)},
    {"iterations", offsetof(ds_run, iterations)},
    {"cpu", offsetof(ds_run, cpu)},
    {"wall_ns", offsetof(ds_run, wall_ns)},
    {"peak_rss_bytes", offsetof(ds_run, peak_rss_bytes)},
    {"collections", offsetof(ds_run, collections)},
    {"collected", offsetof(ds_run, collected)},
    {"uncollectable", offsetof(ds_run, uncollectable)},
    {"garbage", offsetof(ds_run, garbage)},
    {"objects_scanned", offsetof(ds_run, objects_scanned)},
    {"pause_ns_total", offsetof(ds_run, pause_ns_total)},
    {"pause_ns_median", offsetof(ds_run, pause_ns_median)},
    {"pause_ns_p95", offsetof(ds_run, pause_ns_p95)},
    {"pause_ns_max", offsetof(ds_run, pause_ns_max)},
    {"interpreter_objects", offsetof(ds_run, interpreter_objects)},
    {"trace_alloc_frames", offsetof(ds_run, trace_frames)},
};
#define N_RUN_FIELDS (sizeof run_fields / sizeof run_fields[0])

static const num_field sample_fields[] = {
    {"iteration", offsetof(ds_sample, iteration)},
    {"t_ns", offsetof(ds_sample, t_ns)},
    {"rss_bytes", offsetof(ds_sample, rss_bytes)},
    {"rss_anon_bytes", offsetof(ds_sample, rss_anon_bytes)},
    {"iter_peak_rss_bytes", offsetof(ds_sample, iter_peak_rss_bytes)},
    {"live_objects", offsetof(ds_sample, live_objects)},
    {"live_bytes", offsetof(ds_sample, live_bytes)},
    {"collections", offsetof(ds_sample, collections)},
    {"collected", offsetof(ds_sample, collected)},
    {"uncollectable", offsetof(ds_sample, uncollectable)},
    {"garbage", offsetof(ds_sample, garbage)},
    {"pause_ns", offsetof(ds_sample, pause_ns)},
    {"objects_scanned", offsetof(ds_sample, objects_scanned)},
    {"collections_gen0", offsetof(ds_sample, collections_gen[0])},
    {"collections_gen1", offsetof(ds_sample, collections_gen[1])},
    {"collections_gen2", offsetof(ds_sample, collections_gen[2])},
    {"heap_objects", offsetof(ds_sample, heap_objects)},
    {"count0", offsetof(ds_sample, count0)},
};
#define N_SAMPLE_FIELDS (sizeof sample_fields / sizeof sample_fields[0])

/* The string columns of runs.csv and where they go in a ds_run; `required` marks those a
 * run cannot do without (a missing one fails the load: "runs.csv: no column 'mode'"). */
typedef struct str_field {
    const char *column;
    size_t offset;
    bool required;
} str_field;

static const str_field run_strings[] = {
    {"run_id", offsetof(ds_run, run_id), true},
    {"scenario", offsetof(ds_run, scenario), true},
    {"runtime", offsetof(ds_run, runtime), true},
    {"policy", offsetof(ds_run, policy), false},
    {"allocator", offsetof(ds_run, allocator), false},
    {"threshold", offsetof(ds_run, threshold), false},
    {"mode", offsetof(ds_run, mode), true},
    {"params", offsetof(ds_run, params), false},
    {"status", offsetof(ds_run, status), true},
    {"message", offsetof(ds_run, message), false},
};
#define N_RUN_STRINGS (sizeof run_strings / sizeof run_strings[0])

static const char *const samples_required[] = {"run_id", "kind", "iteration", "rss_bytes"};
#define N_SAMPLES_REQUIRED (sizeof samples_required / sizeof samples_required[0])

static int64_t *field_at(void *base, size_t offset) { return (int64_t *)((char *)base + offset); }
static int64_t field_get(const void *base, size_t offset)
{
    return *(const int64_t *)((const char *)base + offset);
}

/* ==== run_id hash table ==================================================================== */

/* Open addressing over run indexes; slot value 0 = empty, else run index + 1. The table has
 * a power-of-two size at least twice the number of runs, so probing always ends. */
typedef struct id_table {
    size_t *slots;
    size_t mask;
} id_table;

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static int id_table_init(id_table *t, size_t nkeys)
{
    size_t size = 16;
    while (size < 2 * nkeys)
        size *= 2;
    t->slots = calloc(size, sizeof *t->slots);
    t->mask = size - 1;
    return t->slots == NULL ? -1 : 0;
}

/* The slot holding id, or the empty slot where it would go. */
static size_t *id_table_slot(const id_table *t, const ds_run *runs, const char *id)
{
    size_t i = (size_t)hash_str(id) & t->mask;
    while (t->slots[i] != 0 && strcmp(runs[t->slots[i] - 1].run_id, id) != 0)
        i = (i + 1) & t->mask;
    return &t->slots[i];
}

/* ==== errors =============================================================================== */

/* "FILE:LINE: COLUMN is 'CELL', not a number" for row's cell, when it is not one, or is one
 * beyond ±DS_VALUE_MAX. */
static int parse_num(const csvt *t, size_t row, int col, int64_t *out, char *err, size_t errlen)
{
    bool bad = false;
    int64_t v;
    *out = DS_MISSING;
    if (!csvt_i64(t, row, col, &v, &bad)) {
        if (!bad)
            return 0; /* empty, or no such column */
        snprintf(err, errlen, "%s:%zu: %s is '%s', not a number", t->path, t->lines[row],
                 t->header[col], csvt_get(t, row, col));
        return -1;
    }
    if (v > DS_VALUE_MAX || v < -DS_VALUE_MAX) {
        snprintf(err, errlen, "%s:%zu: %s is %lld, beyond what a run measures (at most %lld)",
                 t->path, t->lines[row], t->header[col], (long long)v, (long long)DS_VALUE_MAX);
        return -1;
    }
    *out = v;
    return 0;
}

static int need_column(const csvt *t, const char *name, char *err, size_t errlen)
{
    int col = csvt_col(t, name);
    if (col < 0)
        snprintf(err, errlen, "%s: no column '%s'", t->path, name);
    return col;
}

/* DIR/FILE, without doubling a '/' that ends DIR. */
static void path_join(char *buf, size_t len, const char *dir, const char *file)
{
    size_t n = strlen(dir);
    snprintf(buf, len, "%s%s", dir, n > 0 && dir[n - 1] == '/' ? "" : "/");
    snprintf(buf + strlen(buf), len - strlen(buf), "%s", file);
}

/* ==== runs.csv ============================================================================= */

/* Fills run from runs.csv row; cols[] are the run_strings', then run_fields' column indexes,
 * then rss_comparable's. */
static int parse_run(ds_run *run, const csvt *t, size_t row, const int *cols, char *err,
                     size_t errlen)
{
    memset(run, 0, sizeof *run);
    for (size_t i = 0; i < N_RUN_STRINGS; i++)
        *(const char **)((char *)run + run_strings[i].offset) = csvt_get(t, row, cols[i]);
    for (size_t i = 0; i < N_RUN_FIELDS; i++)
        if (parse_num(t, row, cols[N_RUN_STRINGS + i], field_at(run, run_fields[i].offset), err,
                      errlen) != 0)
            return -1;
    if (*run->run_id == '\0') {
        snprintf(err, errlen, "%s:%zu: run_id is empty", t->path, t->lines[row]);
        return -1;
    }
    if (run->iterations != DS_MISSING &&
        (run->iterations < 0 || run->iterations > GCB_ITERATIONS_MAX)) {
        snprintf(err, errlen, "%s:%zu: iterations is %lld; expected 0 to %d", t->path,
                 t->lines[row], (long long)run->iterations, GCB_ITERATIONS_MAX);
        return -1;
    }
    run->mode_index = ds_mode_index(run->mode);
    if (run->mode_index < 0) {
        snprintf(err, errlen, "%s:%zu: mode is '%s'; expected forced, auto or off", t->path,
                 t->lines[row], run->mode);
        return -1;
    }
    run->ok = strcmp(run->status, "ok") == 0;
    int64_t comparable;
    if (parse_num(t, row, cols[N_RUN_STRINGS + N_RUN_FIELDS], &comparable, err, errlen) != 0)
        return -1;
    run->rss_comparable = comparable != 0; /* DS_MISSING (no column, empty cell): comparable */
    return 0;
}

/* A setting's five strings: scenario, runtime, policy, allocator, threshold. */
#define SETTING_PARTS 5

static bool same_setting(const ds_setting *s, const char *const key[SETTING_PARTS])
{
    return strcmp(s->scenario, key[0]) == 0 && strcmp(s->runtime, key[1]) == 0 &&
           strcmp(s->policy, key[2]) == 0 && strcmp(s->allocator, key[3]) == 0 &&
           strcmp(s->threshold, key[4]) == 0;
}

/* A setting's five strings, hashed (gcb_hash_strings). */
static uint64_t hash_setting(const char *const key[SETTING_PARTS])
{
    return gcb_hash_strings(key, SETTING_PARTS);
}

/* The slot of settings (an id_table over d->settings) that holds the setting of key, or the
 * empty slot where it would go. */
static size_t *setting_slot(const ds *d, const id_table *settings,
                            const char *const key[SETTING_PARTS])
{
    size_t i = (size_t)hash_setting(key) & settings->mask;
    while (settings->slots[i] != 0 && !same_setting(&d->settings[settings->slots[i] - 1], key))
        i = (i + 1) & settings->mask;
    return &settings->slots[i];
}

/* The index of run's setting, appending a new one when it is the first of its kind (SIZE_MAX
 * when that would make more than DS_MAX_SETTINGS). settings indexes d->settings as ids indexes
 * runs (slot 0 empty, else setting + 1; sized for as many settings as runs), so that grouping
 * is linear in the runs however many settings they make. */
static size_t find_or_add_setting(ds *d, const id_table *settings, const ds_run *r)
{
    const char *const key[SETTING_PARTS] = {r->scenario, r->runtime, r->policy, r->allocator,
                                            r->threshold};
    size_t *slot = setting_slot(d, settings, key);
    if (*slot != 0)
        return *slot - 1;
    if (d->nsettings == DS_MAX_SETTINGS)
        return SIZE_MAX;
    ds_setting *set = &d->settings[d->nsettings];
    memset(set, 0, sizeof *set);
    set->scenario = r->scenario;
    set->runtime = r->runtime;
    set->policy = r->policy;
    set->allocator = r->allocator;
    set->threshold = r->threshold;
    set->rss_comparable = true;
    for (int m = 0; m < DS_MODES; m++)
        set->summary_row[m] = -1;
    *slot = d->nsettings + 1;
    return d->nsettings++;
}

/* Links each setting to the next of its scenario (first_of_scenario, next_of_scenario): one
 * pass from the last setting, with the latest setting seen of each scenario in a table. */
static int link_scenarios(ds *d)
{
    id_table latest; /* scenario -> the earliest setting of it seen so far (from the end) */
    if (id_table_init(&latest, d->nsettings) != 0)
        return -1;
    for (size_t s = d->nsettings; s-- > 0;) {
        ds_setting *set = &d->settings[s];
        size_t i = (size_t)hash_str(set->scenario) & latest.mask;
        while (latest.slots[i] != 0 &&
               strcmp(d->settings[latest.slots[i] - 1].scenario, set->scenario) != 0)
            i = (i + 1) & latest.mask;
        set->next_of_scenario = latest.slots[i] != 0 ? latest.slots[i] - 1 : d->nsettings;
        if (latest.slots[i] != 0)
            d->settings[latest.slots[i] - 1].first_of_scenario = false;
        set->first_of_scenario = true;
        latest.slots[i] = s + 1;
    }
    free(latest.slots);
    return 0;
}

/* Run indexes by their run's repeat, then by index (runs.csv order). */
static int cmp_repeat(const void *a, const void *b, void *ctx)
{
    const ds *d = ctx;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int64_t rx = d->runs[x].repeat, ry = d->runs[y].repeat;
    if (rx != ry)
        return (rx > ry) - (rx < ry);
    return (x > y) - (x < y);
}

/* Sorts list[0..n) of run indexes by cmp_repeat unless it already is (the usual case). */
static void sort_by_repeat(ds *d, size_t *list, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (cmp_repeat(&list[i - 1], &list[i], d) > 0) {
            qsort_r(list, n, sizeof *list, cmp_repeat, d);
            return;
        }
}

/* Fills settings[].runs[m] with run indexes ordered by repeat, then by runs.csv order (sorted
 * only when runs.csv did not list them so).
 * Returns 0, -1 when memory ran out, or -2 when run *too_many makes a setting too many. */
static int group_runs(ds *d, size_t *too_many)
{
    d->settings = calloc(d->nruns > 0 ? d->nruns : 1, sizeof *d->settings);
    id_table settings;
    if (d->settings == NULL || id_table_init(&settings, d->nruns) != 0)
        return -1;
    for (size_t i = 0; i < d->nruns; i++) {
        ds_run *r = &d->runs[i];
        r->setting = find_or_add_setting(d, &settings, r);
        if (r->setting == SIZE_MAX) {
            free(settings.slots);
            *too_many = i;
            return -2;
        }
        if (r->trace_frames > 0)
            d->settings[r->setting].ntraced[r->mode_index]++;
        else
            d->settings[r->setting].nruns[r->mode_index]++;
        if (!r->rss_comparable)
            d->settings[r->setting].rss_comparable = false;
    }
    free(settings.slots);
    for (size_t s = 0; s < d->nsettings; s++)
        for (int m = 0; m < DS_MODES; m++) {
            ds_setting *set = &d->settings[s];
            set->runs[m] = calloc(set->nruns[m] + 1, sizeof(size_t));
            set->traced[m] = calloc(set->ntraced[m] + 1, sizeof(size_t));
            if (set->runs[m] == NULL || set->traced[m] == NULL)
                return -1;
            set->nruns[m] = set->ntraced[m] = 0;
        }
    for (size_t i = 0; i < d->nruns; i++) {
        ds_setting *set = &d->settings[d->runs[i].setting];
        int m = d->runs[i].mode_index;
        if (d->runs[i].trace_frames > 0)
            set->traced[m][set->ntraced[m]++] = i;
        else
            set->runs[m][set->nruns[m]++] = i;
    }
    for (size_t s = 0; s < d->nsettings; s++)
        for (int m = 0; m < DS_MODES; m++) {
            sort_by_repeat(d, d->settings[s].runs[m], d->settings[s].nruns[m]);
            sort_by_repeat(d, d->settings[s].traced[m], d->settings[s].ntraced[m]);
        }
    return link_scenarios(d);
}

/* Loads runs.csv into d->runs_csv and d->runs, checking run_ids are unique (ids is built
 * here and used again for samples.csv). */
static int load_runs(ds *d, id_table *ids, char *err, size_t errlen)
{
    char path[4096];
    path_join(path, sizeof path, d->dir, GCB_RUNS_CSV);
    if (csvt_load(&d->runs_csv, path, err, errlen) != 0)
        return -1;
    const csvt *t = &d->runs_csv;
    int cols[N_RUN_STRINGS + N_RUN_FIELDS + 1];
    for (size_t i = 0; i < N_RUN_STRINGS; i++) {
        cols[i] = run_strings[i].required ? need_column(t, run_strings[i].column, err, errlen)
                                          : csvt_col(t, run_strings[i].column);
        if (run_strings[i].required && cols[i] < 0)
            return -1;
    }
    for (size_t i = 0; i < N_RUN_FIELDS; i++)
        cols[N_RUN_STRINGS + i] = csvt_col(t, run_fields[i].column);
    cols[N_RUN_STRINGS + N_RUN_FIELDS] = csvt_col(t, "rss_comparable");
    d->runs = calloc(t->nrows > 0 ? t->nrows : 1, sizeof *d->runs);
    if (d->runs == NULL || id_table_init(ids, t->nrows) != 0)
        goto oom;
    for (size_t row = 0; row < t->nrows; row++) {
        ds_run *run = &d->runs[row];
        if (parse_run(run, t, row, cols, err, errlen) != 0)
            return -1;
        size_t *slot = id_table_slot(ids, d->runs, run->run_id);
        if (*slot != 0) {
            snprintf(err, errlen, "%s:%zu: run_id '%s' is already on line %zu", t->path,
                     t->lines[row], run->run_id, t->lines[*slot - 1]);
            return -1;
        }
        *slot = row + 1;
        d->nruns++;
    }
    size_t too_many = 0;
    int grouped = group_runs(d, &too_many);
    if (grouped == -2) {
        snprintf(err, errlen,
                 "%s:%zu: a setting (scenario, runtime, policy, allocator, threshold) beyond the "
                 "%d a folder may hold",
                 t->path, t->lines[too_many], DS_MAX_SETTINGS);
        return -1;
    }
    if (grouped != 0)
        goto oom;
    return 0;
oom:
    snprintf(err, errlen, "%s: out of memory", path);
    return -1;
}

/* ==== samples.csv ========================================================================== */

/* KIND_TYPE rows (live objects and bytes of a type that grew, at an iteration) become the run's
 * types (add_type_rows). KIND_CLASS rows become the run's classes and are summed into their
 * iteration sample's class_objects (add_class_rows). */
enum { KIND_ITER, KIND_TICK, KIND_TYPE, KIND_CLASS, KIND_SITE, KIND_HOLDER, KIND_DROPPED };

/* samples.csv's column indexes and, per row, what the first pass learned. */
typedef struct sample_pass {
    const csvt *t;
    int col_run_id, col_kind;
    int cols[N_SAMPLE_FIELDS];
    size_t *row_run; /* per row: run index */
    unsigned char *row_kind;
} sample_pass;

/* First pass: resolves each row's run and kind and counts them per run. */
static int classify_samples(ds *d, const id_table *ids, sample_pass *p, char *err, size_t errlen)
{
    const csvt *t = p->t;
    for (size_t row = 0; row < t->nrows; row++) {
        const char *id = csvt_get(t, row, p->col_run_id);
        size_t slot = *id_table_slot(ids, d->runs, id);
        if (slot == 0 && d->incomplete) { /* the run in progress when bench stopped */
            p->row_kind[row] = KIND_DROPPED;
            d->dropped_samples++;
            continue;
        }
        if (slot == 0) {
            snprintf(err, errlen, "%s:%zu: run_id '%s' is not in %s", t->path, t->lines[row], id,
                     GCB_RUNS_CSV);
            return -1;
        }
        const char *kind = csvt_get(t, row, p->col_kind);
        ds_run *run = &d->runs[slot - 1];
        if (strcmp(kind, "iter") == 0) {
            p->row_kind[row] = KIND_ITER;
            run->niters++;
        } else if (strcmp(kind, "tick") == 0) {
            p->row_kind[row] = KIND_TICK;
            run->nticks++;
        } else if (strcmp(kind, "type") == 0) {
            p->row_kind[row] = KIND_TYPE;
            run->ntypes++;
        } else if (strcmp(kind, "site") == 0) {
            p->row_kind[row] = KIND_SITE;
            run->nsites++;
        } else if (strcmp(kind, "holder") == 0) {
            p->row_kind[row] = KIND_HOLDER;
        } else if (strcmp(kind, "class") == 0) {
            p->row_kind[row] = KIND_CLASS;
            run->nclasses++;
        } else {
            snprintf(err, errlen,
                     "%s:%zu: kind is '%s'; expected iter, tick, type, class, site or holder",
                     t->path, t->lines[row], kind);
            return -1;
        }
        p->row_run[row] = slot - 1;
    }
    return 0;
}

static int alloc_run_samples(ds *d)
{
    for (size_t i = 0; i < d->nruns; i++) {
        ds_run *run = &d->runs[i];
        run->iters = calloc(run->niters + 1, sizeof *run->iters);
        run->ticks = calloc(run->nticks + 1, sizeof *run->ticks);
        run->classes = calloc(run->nclasses + 1, sizeof *run->classes);
        run->types = calloc(run->ntypes + 1, sizeof *run->types);
        run->sites = calloc(run->nsites + 1, sizeof *run->sites);
        if (run->iters == NULL || run->ticks == NULL || run->classes == NULL ||
            run->types == NULL || run->sites == NULL)
            return -1;
        run->niters = run->nticks = run->nclasses = run->ntypes = run->nsites = 0;
    }
    return 0;
}

/* "FILE:LINE: …" unless iteration (DS_MISSING: none) is one run may have: 0 to its iterations
 * in runs.csv (GCB_ITERATIONS_MAX when runs.csv does not say). What keeps a reader's loops
 * over iterations as short as the run. */
static int check_iteration(const csvt *t, size_t row, const ds_run *run, int64_t iteration,
                           char *err, size_t errlen)
{
    int64_t most = run->iterations != DS_MISSING ? run->iterations : GCB_ITERATIONS_MAX;
    if (iteration == DS_MISSING || (iteration >= 0 && iteration <= most))
        return 0;
    snprintf(err, errlen, "%s:%zu: iteration %lld of run '%s'; expected 0 to %lld (%s)", t->path,
             t->lines[row], (long long)iteration, run->run_id, (long long)most,
             run->iterations != DS_MISSING ? "its iterations in " GCB_RUNS_CSV
                                           : "the most bench runs");
    return -1;
}

/* Second pass: parses each row's numbers into its run's iters or ticks. */
static int fill_samples(ds *d, const sample_pass *p, char *err, size_t errlen)
{
    const csvt *t = p->t;
    for (size_t row = 0; row < t->nrows; row++) {
        if (p->row_kind[row] != KIND_ITER && p->row_kind[row] != KIND_TICK)
            continue; /* row_run is not set for a dropped row */
        ds_run *run = &d->runs[p->row_run[row]];
        ds_sample *s =
            p->row_kind[row] == KIND_ITER ? &run->iters[run->niters++] : &run->ticks[run->nticks++];
        for (size_t f = 0; f < N_SAMPLE_FIELDS; f++)
            if (parse_num(t, row, p->cols[f], field_at(s, sample_fields[f].offset), err, errlen) !=
                0)
                return -1;
        if (p->row_kind[row] == KIND_ITER && s->iteration == DS_MISSING) {
            snprintf(err, errlen, "%s:%zu: iteration is empty in an iter sample", t->path,
                     t->lines[row]);
            return -1;
        }
        if (check_iteration(t, row, run, s->iteration, err, errlen) != 0)
            return -1;
    }
    return 0;
}

static int cmp_iteration(const void *a, const void *b)
{
    int64_t x = ((const ds_sample *)a)->iteration, y = ((const ds_sample *)b)->iteration;
    return (x > y) - (x < y);
}

static int cmp_t_ns(const void *a, const void *b)
{
    int64_t x = ((const ds_sample *)a)->t_ns, y = ((const ds_sample *)b)->t_ns;
    return (x > y) - (x < y);
}

/* Sorts v[0..n) by cmp unless it already is (the usual case: samples.csv is in order). */
static void sort_if_needed(ds_sample *v, size_t n, int (*cmp)(const void *, const void *))
{
    for (size_t i = 1; i < n; i++)
        if (cmp(&v[i - 1], &v[i]) > 0) {
            qsort(v, n, sizeof *v, cmp);
            return;
        }
}

/* The line of the last iter sample of run run_index for iteration, for messages (0: none). */
static size_t iter_line(const sample_pass *p, size_t run_index, int64_t iteration)
{
    size_t line = 0;
    for (size_t row = 0; row < p->t->nrows; row++) {
        int64_t it;
        if (p->row_kind[row] == KIND_ITER && p->row_run[row] == run_index &&
            csvt_i64(p->t, row, p->cols[0], &it, NULL) && it == iteration)
            line = p->t->lines[row];
    }
    return line;
}

/* Sorts every run's samples. A run's iter samples must then be its iterations 0, 1, 2, …, each
 * once: a gap or an iteration sampled twice is an error. (The readers walk iterations 0..last;
 * without gaps, last is below the number of samples.) */
static int sort_samples(ds *d, const sample_pass *p, char *err, size_t errlen)
{
    const char *path = p->t->path;
    for (size_t i = 0; i < d->nruns; i++) {
        ds_run *run = &d->runs[i];
        sort_if_needed(run->iters, run->niters, cmp_iteration);
        sort_if_needed(run->ticks, run->nticks, cmp_t_ns);
        for (size_t k = 1; k < run->niters; k++)
            if (run->iters[k].iteration == run->iters[k - 1].iteration) {
                int64_t it = run->iters[k].iteration;
                snprintf(err, errlen, "%s:%zu: run '%s' has two iter samples for iteration %lld",
                         path, iter_line(p, i, it), run->run_id, (long long)it);
                return -1;
            }
        for (size_t k = 0; k < run->niters; k++)
            if (run->iters[k].iteration != (int64_t)k) {
                int64_t it = run->iters[k].iteration;
                snprintf(err, errlen,
                         "%s:%zu: run '%s' has an iter sample for iteration %lld but none for "
                         "iteration %zu: a run's iter samples are its iterations 0, 1, 2, … "
                         "with none missing",
                         path, iter_line(p, i, it), run->run_id, (long long)it, k);
                return -1;
            }
    }
    return 0;
}

/* ==== name index =========================================================================== */

/* An index over one of the folder's lists of owned names (d->class_names, type_names,
 * site_names) while samples.csv loads: open addressing (slot 0 empty, else id + 1), at most
 * half full, and the list grown by doubling, so interning the names of n rows is linear in n
 * (a user's scenario can make many). */
typedef struct name_index {
    char ***names; /* the list: *n names, room for cap */
    size_t *n, cap;
    size_t *slots;
    size_t mask; /* slots has mask + 1 entries */
} name_index;

static name_index name_index_of(char ***names, size_t *n)
{
    return (name_index){.names = names, .n = n, .cap = *n};
}

/* Rebuilds the slots with room for twice as many names as it holds, plus one. */
static int name_index_rehash(name_index *x)
{
    size_t size = 16;
    while (size < 4 * (*x->n + 1))
        size *= 2;
    size_t *slots = calloc(size, sizeof *slots);
    if (slots == NULL)
        return -1;
    for (size_t id = 0; id < *x->n; id++) {
        size_t i = (size_t)hash_str((*x->names)[id]) & (size - 1);
        while (slots[i] != 0)
            i = (i + 1) & (size - 1);
        slots[i] = id + 1;
    }
    free(x->slots);
    x->slots = slots;
    x->mask = size - 1;
    return 0;
}

/* The id of name in the list, appending a copy when it is new; -1 when memory ran out. */
static long name_index_intern(name_index *x, const char *name)
{
    if ((x->slots == NULL || 2 * (*x->n + 1) > x->mask + 1) && name_index_rehash(x) != 0)
        return -1;
    size_t i = (size_t)hash_str(name) & x->mask;
    while (x->slots[i] != 0) {
        if (strcmp((*x->names)[x->slots[i] - 1], name) == 0)
            return (long)(x->slots[i] - 1);
        i = (i + 1) & x->mask;
    }
    if (*x->n == x->cap) {
        size_t cap = x->cap ? 2 * x->cap : 16;
        char **grown = realloc(*x->names, cap * sizeof *grown);
        if (grown == NULL)
            return -1;
        *x->names = grown;
        x->cap = cap;
    }
    if (((*x->names)[*x->n] = strdup(name)) == NULL)
        return -1;
    x->slots[i] = *x->n + 1;
    return (long)(*x->n)++;
}

static int cmp_class_count(const void *a, const void *b)
{
    const ds_class_count *x = a, *y = b;
    if (x->iteration != y->iteration)
        return (x->iteration > y->iteration) - (x->iteration < y->iteration);
    return (x->class_id > y->class_id) - (x->class_id < y->class_id);
}

/* Third pass, once every run's iters are sorted: each kind "class" row becomes one of its
 * run's classes (its type_name interned in d->class_names), and its live_objects is added to
 * the class_objects of the run's sample of the same iteration. A class row with no such sample,
 * or without a type_name, is an error. Each run's classes end sorted by iteration, then class. */
static int add_class_rows_to(ds *d, const sample_pass *p, name_index *names, char *err,
                             size_t errlen)
{
    const csvt *t = p->t;
    for (size_t i = 0; i < d->nruns; i++)
        for (size_t k = 0; k < d->runs[i].niters; k++)
            d->runs[i].iters[k].class_objects = DS_MISSING;
    int col_live = csvt_col(t, "live_objects"), col_name = csvt_col(t, "type_name");
    for (size_t row = 0; row < t->nrows; row++) {
        if (p->row_kind[row] != KIND_CLASS)
            continue;
        ds_run *run = &d->runs[p->row_run[row]];
        ds_sample key = {0}, *s = NULL;
        int64_t live = 0;
        if (parse_num(t, row, p->cols[0], &key.iteration, err, errlen) != 0 ||
            parse_num(t, row, col_live, &live, err, errlen) != 0)
            return -1;
        if (key.iteration != DS_MISSING)
            s = bsearch(&key, run->iters, run->niters, sizeof *s, cmp_iteration);
        if (s == NULL) {
            snprintf(err, errlen,
                     "%s:%zu: a class row for iteration %s, which run '%s' has no "
                     "iter sample of",
                     t->path, t->lines[row], csvt_get(t, row, p->cols[0]), run->run_id);
            return -1;
        }
        const char *name = csvt_get(t, row, col_name);
        if (*name == '\0') {
            snprintf(err, errlen, "%s:%zu: a class row without a type_name", t->path,
                     t->lines[row]);
            return -1;
        }
        long id = name_index_intern(names, name);
        if (id < 0) {
            snprintf(err, errlen, "%s: out of memory", t->path);
            return -1;
        }
        run->classes[run->nclasses++] = (ds_class_count){
            .iteration = key.iteration, .class_id = (size_t)id, .live_objects = live};
        if (s->class_objects == DS_MISSING)
            s->class_objects = 0;
        if (live != DS_MISSING)
            s->class_objects += live; /* both within ±DS_VALUE_MAX: no overflow */
        if (s->class_objects > DS_VALUE_MAX || s->class_objects < -DS_VALUE_MAX) {
            snprintf(err, errlen,
                     "%s:%zu: the live instances of run '%s' at iteration %lld add up to more "
                     "than a run measures (at most %lld)",
                     t->path, t->lines[row], run->run_id, (long long)key.iteration,
                     (long long)DS_VALUE_MAX);
            return -1;
        }
    }
    for (size_t i = 0; i < d->nruns; i++) {
        ds_run *run = &d->runs[i];
        for (size_t k = 1; k < run->nclasses; k++)
            if (cmp_class_count(&run->classes[k - 1], &run->classes[k]) > 0) {
                qsort(run->classes, run->nclasses, sizeof *run->classes, cmp_class_count);
                break;
            }
    }
    return 0;
}

/* Each kind "type" row becomes one of its run's types (its type_name interned in
 * d->type_names), each kind "site" row one of its sites (alloc_site, in d->site_names), in
 * samples.csv's order. Such a row without an iteration or a name is an error; its live_bytes
 * may be empty (DS_MISSING). */
static int add_type_rows_to(ds *d, const sample_pass *p, name_index *types, name_index *sites,
                            char *err, size_t errlen)
{
    const csvt *t = p->t;
    int col_live = csvt_col(t, "live_objects"), col_bytes = csvt_col(t, "live_bytes");
    int col_type = csvt_col(t, "type_name"), col_site = csvt_col(t, "alloc_site");
    int col_holder = csvt_col(t, "holder_chain");
    for (size_t row = 0; row < t->nrows; row++) {
        if (p->row_kind[row] == KIND_HOLDER) {
            ds_run *run = &d->runs[p->row_run[row]];
            const char *chain = csvt_get(t, row, col_holder);
            if (*chain != '\0' && run->holder_chain == NULL &&
                (run->holder_chain = strdup(chain)) == NULL) {
                snprintf(err, errlen, "%s: out of memory", t->path);
                return -1;
            }
            continue;
        }
        bool site = p->row_kind[row] == KIND_SITE;
        if (p->row_kind[row] != KIND_TYPE && !site)
            continue;
        int col_name = site ? col_site : col_type;
        ds_run *run = &d->runs[p->row_run[row]];
        ds_type_count c = {0};
        if (parse_num(t, row, p->cols[0], &c.iteration, err, errlen) != 0 ||
            parse_num(t, row, col_live, &c.live_objects, err, errlen) != 0 ||
            parse_num(t, row, col_bytes, &c.live_bytes, err, errlen) != 0)
            return -1;
        if (check_iteration(t, row, run, c.iteration, err, errlen) != 0)
            return -1;
        const char *name = csvt_get(t, row, col_name);
        if (c.iteration == DS_MISSING || *name == '\0') {
            snprintf(err, errlen, "%s:%zu: a %s row without an iteration or %s", t->path,
                     t->lines[row], site ? "site" : "type", site ? "an alloc_site" : "a type_name");
            return -1;
        }
        long id = name_index_intern(site ? sites : types, name);
        if (id < 0) {
            snprintf(err, errlen, "%s: out of memory", t->path);
            return -1;
        }
        c.type_id = (size_t)id;
        if (site)
            run->sites[run->nsites++] = c;
        else
            run->types[run->ntypes++] = c;
    }
    return 0;
}

static int add_class_rows(ds *d, const sample_pass *p, char *err, size_t errlen)
{
    name_index classes = name_index_of(&d->class_names, &d->nclass_names);
    int rc = add_class_rows_to(d, p, &classes, err, errlen);
    free(classes.slots);
    return rc;
}

static int add_type_rows(ds *d, const sample_pass *p, char *err, size_t errlen)
{
    name_index types = name_index_of(&d->type_names, &d->ntype_names);
    name_index sites = name_index_of(&d->site_names, &d->nsite_names);
    int rc = add_type_rows_to(d, p, &types, &sites, err, errlen);
    free(types.slots);
    free(sites.slots);
    return rc;
}

static int load_samples(ds *d, const id_table *ids, char *err, size_t errlen)
{
    char path[4096];
    path_join(path, sizeof path, d->dir, GCB_SAMPLES_CSV);
    csvt t;
    if (csvt_load(&t, path, err, errlen) != 0)
        return -1;
    int rc = -1;
    sample_pass p = {.t = &t};
    for (size_t i = 0; i < N_SAMPLES_REQUIRED; i++)
        if (need_column(&t, samples_required[i], err, errlen) < 0)
            goto out;
    p.col_run_id = csvt_col(&t, "run_id");
    p.col_kind = csvt_col(&t, "kind");
    for (size_t f = 0; f < N_SAMPLE_FIELDS; f++)
        p.cols[f] = csvt_col(&t, sample_fields[f].column);
    p.row_run = malloc((t.nrows + 1) * sizeof *p.row_run);
    p.row_kind = malloc(t.nrows + 1);
    if (p.row_run == NULL || p.row_kind == NULL) {
        snprintf(err, errlen, "%s: out of memory", path);
        goto out;
    }
    if (classify_samples(d, ids, &p, err, errlen) != 0)
        goto out;
    if (alloc_run_samples(d) != 0) {
        snprintf(err, errlen, "%s: out of memory", path);
        goto out;
    }
    if (fill_samples(d, &p, err, errlen) != 0 || sort_samples(d, &p, err, errlen) != 0 ||
        add_class_rows(d, &p, err, errlen) != 0 || add_type_rows(d, &p, err, errlen) != 0)
        goto out;
    rc = 0;
out:
    free(p.row_run);
    free(p.row_kind);
    csvt_free(&t);
    return rc;
}

/* ==== summary.csv's rows =================================================================== */

/* Finds each setting's summary.csv row in each mode (the first that names them), in one pass
 * over the rows with a hash table of the settings, so that a reader finds a row at once however
 * many there are. Returns 0, or -1 when memory ran out. */
static int index_summary(ds *d)
{
    const csvt *t = &d->summary;
    static const char *const columns[SETTING_PARTS] = {"scenario", "runtime", "policy", "allocator",
                                                       "threshold"};
    int cols[SETTING_PARTS];
    for (size_t i = 0; i < SETTING_PARTS; i++)
        cols[i] = csvt_col(t, columns[i]);
    int col_mode = csvt_col(t, "mode");
    id_table settings;
    if (id_table_init(&settings, d->nsettings) != 0)
        return -1;
    for (size_t s = 0; s < d->nsettings; s++) {
        const ds_setting *set = &d->settings[s];
        const char *const key[SETTING_PARTS] = {set->scenario, set->runtime, set->policy,
                                                set->allocator, set->threshold};
        *setting_slot(d, &settings, key) = s + 1;
    }
    for (size_t row = 0; d->has_summary && row < t->nrows; row++) {
        const char *key[SETTING_PARTS];
        for (size_t i = 0; i < SETTING_PARTS; i++)
            key[i] = csvt_get(t, row, cols[i]);
        size_t slot = *setting_slot(d, &settings, key);
        int m = ds_mode_index(csvt_get(t, row, col_mode));
        if (slot != 0 && m >= 0 && d->settings[slot - 1].summary_row[m] < 0)
            d->settings[slot - 1].summary_row[m] = (long)row;
    }
    free(settings.slots);
    return 0;
}

/* ==== optional files ======================================================================= */

/* Loads DIR/name into *t when the file exists; *present says whether it did. A file that
 * exists but cannot be read or parsed is an error. */
static int load_optional(const char *dir, const char *name, csvt *t, bool *present, char *err,
                         size_t errlen)
{
    char path[4096];
    path_join(path, sizeof path, dir, name);
    memset(t, 0, sizeof *t);
    *present = access(path, F_OK) == 0;
    if (!*present)
        return 0;
    return csvt_load(t, path, err, errlen);
}

/* ==== public =============================================================================== */

int ds_load(ds *d, const char *dir, char *err, size_t errlen)
{
    memset(d, 0, sizeof *d);
    d->dir = strdup(dir);
    if (d->dir == NULL) {
        snprintf(err, errlen, "%s: out of memory", dir);
        return -1;
    }
    id_table ids = {0};
    bool has_machine;
    int rc = -1;
    if (load_optional(dir, GCB_MACHINE_CSV, &d->machine, &has_machine, err, errlen) != 0)
        goto out;
    const char *status = ds_machine(d, "status");
    d->incomplete = *status != '\0' && strcmp(status, "complete") != 0;
    if (load_runs(d, &ids, err, errlen) != 0 || load_samples(d, &ids, err, errlen) != 0 ||
        load_optional(dir, GCB_SUMMARY_CSV, &d->summary, &d->has_summary, err, errlen) != 0)
        goto out;
    if (index_summary(d) != 0) {
        snprintf(err, errlen, "%s: out of memory", dir);
        goto out;
    }
    rc = 0;
out:
    free(ids.slots);
    if (rc != 0)
        ds_free(d);
    return rc;
}

void ds_free(ds *d)
{
    for (size_t i = 0; d->runs != NULL && i < d->nruns; i++) {
        free(d->runs[i].iters);
        free(d->runs[i].ticks);
        free(d->runs[i].classes);
        free(d->runs[i].types);
        free(d->runs[i].sites);
        free(d->runs[i].holder_chain);
    }
    for (size_t i = 0; i < d->nclass_names; i++)
        free(d->class_names[i]);
    free(d->class_names);
    for (size_t i = 0; i < d->ntype_names; i++)
        free(d->type_names[i]);
    free(d->type_names);
    for (size_t i = 0; i < d->nsite_names; i++)
        free(d->site_names[i]);
    free(d->site_names);
    for (size_t s = 0; d->settings != NULL && s < d->nsettings; s++)
        for (int m = 0; m < DS_MODES; m++) {
            free(d->settings[s].runs[m]);
            free(d->settings[s].traced[m]);
        }
    free(d->runs);
    free(d->settings);
    csvt_free(&d->machine);
    csvt_free(&d->runs_csv);
    csvt_free(&d->summary);
    free(d->dir);
    memset(d, 0, sizeof *d);
}

void ds_note_incomplete(const ds *d)
{
    if (!d->incomplete)
        return;
    const char *status = ds_machine(d, "status");
    gcb_error("note: %s is not complete (status %s%s): %zu of %s planned runs are in it; %zu "
              "sample rows of the run in progress left out",
              d->dir, status,
              strcmp(status, "running") == 0 ? ": bench was killed or is still running" : "",
              d->nruns, *ds_machine(d, "runs_planned") ? ds_machine(d, "runs_planned") : "?",
              d->dropped_samples);
}

const char *ds_machine(const ds *d, const char *key)
{
    int kcol = csvt_col(&d->machine, "key"), vcol = csvt_col(&d->machine, "value");
    for (size_t row = 0; kcol >= 0 && row < d->machine.nrows; row++)
        if (strcmp(csvt_get(&d->machine, row, kcol), key) == 0)
            return csvt_get(&d->machine, row, vcol);
    return "";
}

/* The run's iter sample for iteration, or NULL (binary search: iters are sorted). */
static const ds_sample *find_iter(const ds_run *run, int64_t iteration)
{
    size_t lo = 0, hi = run->niters;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (run->iters[mid].iteration < iteration)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < run->niters && run->iters[lo].iteration == iteration ? &run->iters[lo] : NULL;
}

size_t ds_iter_stat(const ds *d, size_t setting, int mode, int64_t iteration, size_t field,
                    int64_t *median, int64_t *min, int64_t *max)
{
    assert(setting < d->nsettings && mode >= 0 && mode < DS_MODES && "ds_iter_stat: no such group");
    assert(field % sizeof(int64_t) == 0 && field < sizeof(ds_sample) &&
           "ds_iter_stat: field is not a ds_sample member");
    const ds_setting *set = &d->settings[setting];
    int64_t *v = malloc((set->nruns[mode] + 1) * sizeof *v);
    if (v == NULL)
        return 0;
    size_t n = 0;
    for (size_t i = 0; i < set->nruns[mode]; i++) {
        const ds_run *run = &d->runs[set->runs[mode][i]];
        const ds_sample *s = run->ok ? find_iter(run, iteration) : NULL;
        if (s != NULL && field_get(s, field) != DS_MISSING)
            v[n++] = field_get(s, field);
    }
    if (n > 0) {
        *median = stats_median_i64(v, n); /* sorts v */
        *min = v[0];
        *max = v[n - 1];
    }
    free(v);
    return n;
}

int64_t ds_last_iteration(const ds *d, size_t setting, int mode)
{
    assert(setting < d->nsettings && mode >= 0 && mode < DS_MODES &&
           "ds_last_iteration: no such group");
    const ds_setting *set = &d->settings[setting];
    int64_t last = -1;
    for (size_t i = 0; i < set->nruns[mode]; i++) {
        const ds_run *run = &d->runs[set->runs[mode][i]];
        if (run->niters > 0 && run->iters[run->niters - 1].iteration > last)
            last = run->iters[run->niters - 1].iteration;
    }
    return last;
}

int ds_run_growth(const ds_run *run, size_t field, double *out)
{
    return ds_run_growth_from(run, field, 1, out);
}

int ds_run_growth_from(const ds_run *run, size_t field, int64_t first, double *out)
{
    *out = 0.0;
    size_t n = 0;
    for (size_t i = 0; i < run->niters; i++)
        n += run->iters[i].iteration >= first && run->iters[i].iteration >= 1;
    if (n < 2)
        return 0;
    double *x = malloc(2 * n * sizeof *x);
    if (x == NULL)
        return -1;
    double *y = x + n;
    size_t k = 0;
    for (size_t i = 0; i < run->niters; i++) {
        const ds_sample *s = &run->iters[i];
        if (s->iteration < first || s->iteration < 1)
            continue;
        int64_t v = *(const int64_t *)((const char *)s + field);
        x[k] = (double)s->iteration;
        y[k] = v == DS_MISSING ? 0.0 : (double)v;
        k++;
    }
    int rc = stats_theil_sen(x, y, n, out);
    free(x);
    return rc;
}

long ds_class_id(const ds *d, const char *name)
{
    for (size_t i = 0; i < d->nclass_names; i++)
        if (strcmp(d->class_names[i], name) == 0)
            return (long)i;
    return -1;
}

int64_t ds_class_live(const ds_run *run, size_t class_id, int64_t iteration)
{
    ds_class_count key = {.iteration = iteration, .class_id = class_id};
    const ds_class_count *c =
        bsearch(&key, run->classes, run->nclasses, sizeof *run->classes, cmp_class_count);
    return c != NULL ? c->live_objects : DS_MISSING;
}

size_t ds_class_stat(const ds *d, size_t setting, int mode, int64_t iteration, size_t class_id,
                     int64_t *median, int64_t *min, int64_t *max)
{
    assert(setting < d->nsettings && mode >= 0 && mode < DS_MODES &&
           "ds_class_stat: no such group");
    const ds_setting *set = &d->settings[setting];
    int64_t *v = malloc((set->nruns[mode] + 1) * sizeof *v);
    if (v == NULL)
        return 0;
    size_t n = 0;
    for (size_t i = 0; i < set->nruns[mode]; i++) {
        const ds_run *run = &d->runs[set->runs[mode][i]];
        int64_t live = run->ok ? ds_class_live(run, class_id, iteration) : DS_MISSING;
        if (live != DS_MISSING)
            v[n++] = live;
    }
    if (n > 0) {
        *median = stats_median_i64(v, n); /* sorts v */
        *min = v[0];
        *max = v[n - 1];
    }
    free(v);
    return n;
}

bool ds_setting_has_class(const ds *d, size_t setting, long class_id)
{
    const ds_setting *set = &d->settings[setting];
    for (int m = 0; m < DS_MODES; m++)
        for (size_t i = 0; i < set->nruns[m]; i++) {
            const ds_run *run = &d->runs[set->runs[m][i]];
            for (size_t k = 0; k < run->nclasses; k++)
                if (class_id < 0 || run->classes[k].class_id == (size_t)class_id)
                    return true;
        }
    return false;
}
