/* merge.c — `bench merge`: the results folders of one plan's shards made one results folder (see
 * merge.h).
 *
 * The steps, each leaving what the next needs:
 *   check_out        --out is new, empty, or a results folder bench may replace whole
 *   resolve_input    each DIR is a results folder (DIR, or the folder DIR/latest links to), and
 *                    no folder is named twice
 *   check_folder     each loaded whole by ds_load (damage: FILE:LINE), made by a bench with
 *                    sweeps (plan_id), complete
 *   load_tables      its three CSV files kept as tables (group_samples: samples by run)
 *   add_runs         its runs' plan_index (1..plan_runs) and machine_id (in its machine.csv)
 *   check_plan       one plan_id; every plan_index of 1..plan_runs in exactly one folder
 *   write_*          machine.csv, runs.csv and samples.csv in a temporary folder beside OUT, then
 *                    summary.csv from that folder as written (ds_load, summary_write)
 *   put_in_place     the temporary folder renamed to OUT (an old OUT exchanged with it, removed)
 *
 * Nothing is written before check_plan has passed; whatever fails after leaves no temporary
 * folder. SIGINT, SIGTERM, SIGHUP and SIGQUIT are held while writing and act after the temporary
 * folder is gone (checked between runs), so that a merge stopped half-way leaves nothing either.
 */
#include "merge.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csvio.h"
#include "dataset.h"
#include "schema.h"
#include "summary.h"
#include "util.h"

/* The columns and keys of the sweeps' data contract (schema.h). */
#define COL_PLAN_INDEX "plan_index"
#define COL_MACHINE_ID "machine_id"
/* The most missing runs a message lists one by one (ranges) before "…". */
#define MISSING_RANGES_SHOWN 8

/* One folder given. Strings point into its tables. */
typedef struct merge_input {
    const char *arg;    /* as given on the command line */
    char dir[PATH_MAX]; /* the results folder: arg, or arg/latest */
    dev_t dev;          /* the folder's identity, to find one named twice */
    ino_t ino;
    csvt machine, runs, samples;
    int machine_key, machine_value, machine_id; /* machine.csv's columns */
    int runs_id, runs_plan_index, runs_machine_id;
    const char *plan_id, *shard;
    int64_t plan_runs, merged_from;
    /* samples.csv's rows grouped by run: run row r's are order[start[r]..start[r + 1]) */
    size_t *sample_order, *sample_start;
} merge_input;

/* One run of the plan: where it is. */
typedef struct merge_run {
    int64_t plan_index;
    size_t input, row;
} merge_run;

/* One machine the folders name: its rows are copied from input, the folder that holds its
 * earliest run in the plan (first_index; INT64_MAX when no folder holds a run of it). */
typedef struct merge_machine {
    const char *id;
    int64_t first_index;
    size_t input;
} merge_machine;

typedef struct merge {
    merge_input *in;
    size_t nin;
    merge_run *runs; /* sorted by plan_index */
    size_t nruns;
    merge_machine *machines; /* in the order the merged machine.csv lists them */
    size_t nmachines;
    const char *plan_id;
    int64_t plan_runs, merged_from;
} merge;

static const char *const folder_keys[] = {MERGE_FOLDER_KEYS};
#define N_FOLDER_KEYS (sizeof folder_keys / sizeof folder_keys[0])

bool merge_is_folder_key(const char *key)
{
    for (size_t i = 0; i < N_FOLDER_KEYS; i++)
        if (strcmp(key, folder_keys[i]) == 0)
            return true;
    return false;
}

/* ==== small pieces ========================================================================= */

/* DIR/NAME, without doubling a '/' that ends DIR. */
static void path_join(char *buf, size_t len, const char *dir, const char *name)
{
    size_t n = strlen(dir);
    snprintf(buf, len, "%s%s%s", dir, n > 0 && dir[n - 1] == '/' ? "" : "/", name);
}

/* "K/N" into *k and *n (1 <= K <= N). Returns false when s is not one. */
static bool parse_shard(const char *s, int64_t *k, int64_t *n)
{
    char kbuf[32];
    const char *slash = strchr(s, '/');
    if (slash == NULL || (size_t)(slash - s) >= sizeof kbuf)
        return false;
    memcpy(kbuf, s, (size_t)(slash - s));
    kbuf[slash - s] = '\0';
    return gcb_parse_i64(kbuf, 1, INT64_MAX, k) == 0 &&
           gcb_parse_i64(slash + 1, 1, INT64_MAX, n) == 0 && *k <= *n;
}

static int unlink_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

/* rm -r dir (links not followed). 0 or -1. */
static int remove_tree(const char *dir)
{
    return nftw(dir, unlink_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* fsync of a file or folder by name. 0 or -1. */
static int sync_path(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* The signals a merge holds while it writes (the header comment). */
static void stop_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGHUP);
    sigaddset(set, SIGQUIT);
}

/* Whether one of them arrived while held. */
static bool stop_pending(void)
{
    sigset_t pending, stops;
    stop_signals(&stops);
    if (sigpending(&pending) != 0)
        return false;
    for (int sig = 1; sig < NSIG; sig++)
        if (sigismember(&stops, sig) == 1 && sigismember(&pending, sig) == 1)
            return true;
    return false;
}

/* ==== --out ================================================================================ */

/* The names a results folder holds (bench run, bench plot): a folder holding only these, with a
 * runs.csv, is one bench may replace. */
static bool results_entry(const char *name)
{
    static const char *const names[] = {GCB_MACHINE_CSV, GCB_RUNS_CSV, GCB_SAMPLES_CSV,
                                        GCB_SUMMARY_CSV, "plots"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0)
            return true;
    return false;
}

/* Whether out can take the merged folder: it does not exist (*exists false), or it is an empty
 * folder or a results folder (*exists true: it is replaced whole). Returns 0, or -1 after a
 * usage error naming what is in the way. */
static int check_out(const char *out, bool *exists)
{
    const char *base = strrchr(out, '/');
    base = base != NULL ? base + 1 : out;
    if (*out == '\0' || *base == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
        gcb_usage_error("merge",
                        "--out '%s': name the merged folder itself, e.g. --out "
                        "results/merged",
                        out);
        return -1;
    }
    struct stat st;
    *exists = lstat(out, &st) == 0;
    if (!*exists) {
        if (errno == ENOENT)
            return 0;
        gcb_usage_error("merge", "--out '%s': %s", out, strerror(errno));
        return -1;
    }
    if (S_ISLNK(st.st_mode) || !S_ISDIR(st.st_mode)) {
        gcb_usage_error("merge",
                        "--out '%s' exists and is %s; name a new folder, or a results folder to "
                        "replace",
                        out, S_ISLNK(st.st_mode) ? "a symbolic link" : "not a folder");
        return -1;
    }
    DIR *dir = opendir(out);
    if (dir == NULL) {
        gcb_usage_error("merge", "--out '%s': %s", out, strerror(errno));
        return -1;
    }
    bool has_runs = false, empty = true;
    const char *stranger = NULL;
    char name[NAME_MAX + 1] = "";
    struct dirent *e;
    while ((e = readdir(dir)) != NULL && stranger == NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        empty = false;
        has_runs = has_runs || strcmp(e->d_name, GCB_RUNS_CSV) == 0;
        if (!results_entry(e->d_name)) {
            snprintf(name, sizeof name, "%s", e->d_name);
            stranger = name;
        }
    }
    closedir(dir);
    if (stranger != NULL || (!empty && !has_runs)) {
        gcb_usage_error("merge",
                        "--out '%s' exists and is not a results folder (%s%s%s); name a new "
                        "folder, or a results folder to replace",
                        out, stranger != NULL ? "it holds '" : "it has no ",
                        stranger != NULL ? stranger : GCB_RUNS_CSV, stranger != NULL ? "'" : "");
        return -1;
    }
    return 0;
}

/* ==== the folders given ==================================================================== */

/* in->dir: arg when it holds runs.csv, else arg/latest when that does (bench run's --out).
 * Returns 0, or -1 after the message. */
static int resolve_input(merge_input *in, const char *arg)
{
    char path[PATH_MAX + 32];
    in->arg = arg;
    snprintf(in->dir, sizeof in->dir, "%s", arg);
    path_join(path, sizeof path, arg, GCB_RUNS_CSV);
    if (access(path, F_OK) != 0) {
        char link[PATH_MAX + 32];
        path_join(link, sizeof link, arg, "latest");
        path_join(path, sizeof path, link, GCB_RUNS_CSV);
        if (access(path, F_OK) == 0) {
            snprintf(in->dir, sizeof in->dir, "%s", link);
        } else {
            struct stat st;
            if (stat(arg, &st) != 0)
                gcb_error("cannot read %s: %s", arg, strerror(errno));
            else
                gcb_error("%s is not a results folder: it has no %s and no 'latest' link to one; "
                          "give the folder bench run wrote, or the --out folder it wrote into",
                          arg, GCB_RUNS_CSV);
            return -1;
        }
    }
    struct stat st;
    if (stat(in->dir, &st) != 0) {
        gcb_error("cannot read %s: %s", in->dir, strerror(errno));
        return -1;
    }
    in->dev = st.st_dev;
    in->ino = st.st_ino;
    return 0;
}

/* Loads the folder whole with the readers' own checks, then requires what a merge needs of its
 * machine.csv: a plan_id, status complete. Returns 0, or -1 after the message. */
static int check_folder(const merge_input *in)
{
    ds d;
    char err[4096];
    if (ds_load(&d, in->dir, err, sizeof err) != 0) {
        gcb_error("%s", err);
        return -1;
    }
    int rc = -1;
    const char *status = ds_machine(&d, "status");
    if (*ds_machine(&d, "plan_id") == '\0')
        gcb_error("%s has no plan_id: made by a bench before sweeps; rerun it", in->dir);
    else if (strcmp(status, "complete") != 0)
        gcb_error("%s is not complete: its status is '%s' (%s of %s runs done); merge complete "
                  "folders only: rerun shard %s of that plan",
                  in->dir, status, *ds_machine(&d, "runs_done") ? ds_machine(&d, "runs_done") : "?",
                  *ds_machine(&d, "runs_planned") ? ds_machine(&d, "runs_planned") : "?",
                  *ds_machine(&d, "shard") ? ds_machine(&d, "shard") : "?");
    else
        rc = 0;
    ds_free(&d);
    return rc;
}

/* machine.csv's value of key (the first row's), or "". */
static const char *machine_value(const merge_input *in, const char *key)
{
    for (size_t row = 0; row < in->machine.nrows; row++)
        if (strcmp(csvt_get(&in->machine, row, in->machine_key), key) == 0)
            return csvt_get(&in->machine, row, in->machine_value);
    return "";
}

/* A count key of machine.csv (plan_runs, merged_from) into *out; absent: dflt (-1: required).
 * Returns 0, or -1 after the message. */
static int machine_count(const merge_input *in, const char *key, int64_t dflt, int64_t *out)
{
    const char *v = machine_value(in, key);
    if (*v == '\0' && dflt >= 0) {
        *out = dflt;
        return 0;
    }
    if (gcb_parse_i64(v, dflt >= 0 ? 1 : 0, INT64_MAX / 2, out) != 0) {
        gcb_error("%s/%s: %s is '%s', not a count of runs", in->dir, GCB_MACHINE_CSV, key, v);
        return -1;
    }
    return 0;
}

/* The column called name of t, or -1 after "FILE: no column 'name'". */
static int need_column(const csvt *t, const char *name)
{
    int col = csvt_col(t, name);
    if (col < 0)
        gcb_error("%s: no column '%s'", t->path, name);
    return col;
}

/* Loads DIR's three CSV files as tables and its folder keys. Returns 0, or -1 after the
 * message. */
static int load_tables(merge_input *in)
{
    char path[PATH_MAX + 32], err[4096];
    static const char *const files[] = {GCB_MACHINE_CSV, GCB_RUNS_CSV, GCB_SAMPLES_CSV};
    csvt *tables[] = {&in->machine, &in->runs, &in->samples};
    for (size_t i = 0; i < 3; i++) {
        path_join(path, sizeof path, in->dir, files[i]);
        if (csvt_load(tables[i], path, err, sizeof err) != 0) {
            gcb_error("%s", err);
            return -1;
        }
    }
    if ((in->machine_key = need_column(&in->machine, "key")) < 0 ||
        (in->machine_value = need_column(&in->machine, "value")) < 0 ||
        (in->machine_id = need_column(&in->machine, COL_MACHINE_ID)) < 0 ||
        (in->runs_id = need_column(&in->runs, "run_id")) < 0 ||
        (in->runs_plan_index = need_column(&in->runs, COL_PLAN_INDEX)) < 0 ||
        (in->runs_machine_id = need_column(&in->runs, COL_MACHINE_ID)) < 0 ||
        need_column(&in->samples, "run_id") < 0)
        return -1;
    in->plan_id = machine_value(in, "plan_id");
    in->shard = machine_value(in, "shard");
    if (machine_count(in, "plan_runs", -1, &in->plan_runs) != 0 ||
        machine_count(in, "merged_from", 1, &in->merged_from) != 0)
        return -1;
    return 0;
}

/* Whether machine.csv has rows of machine id (rows of a machine, not the folder's keys). */
static bool has_machine(const merge_input *in, const char *id)
{
    for (size_t row = 0; row < in->machine.nrows; row++)
        if (strcmp(csvt_get(&in->machine, row, in->machine_id), id) == 0 &&
            !merge_is_folder_key(csvt_get(&in->machine, row, in->machine_key)))
            return true;
    return false;
}

/* Appends each run of the folder to m->runs, checking its plan_index is one of its plan's and
 * its machine has rows in machine.csv. Returns 0, or -1 after the message. */
static int add_runs(merge *m, size_t input)
{
    const merge_input *in = &m->in[input];
    const csvt *t = &in->runs;
    const char *last_machine = NULL; /* the runs of a folder are mostly of one machine */
    for (size_t row = 0; row < t->nrows; row++) {
        int64_t index = 0;
        bool bad = false;
        if (!csvt_i64(t, row, in->runs_plan_index, &index, &bad) || index < 1 ||
            index > in->plan_runs) {
            gcb_error("%s:%zu: plan_index is '%s'; expected 1 to %" PRId64
                      " (machine.csv's plan_runs)",
                      t->path, t->lines[row], csvt_get(t, row, in->runs_plan_index), in->plan_runs);
            return -1;
        }
        const char *id = csvt_get(t, row, in->runs_machine_id);
        if (last_machine == NULL || strcmp(id, last_machine) != 0) {
            if (*id == '\0' || !has_machine(in, id)) {
                gcb_error("%s:%zu: machine_id is '%s', which has no rows in %s/%s", t->path,
                          t->lines[row], id, in->dir, GCB_MACHINE_CSV);
                return -1;
            }
            last_machine = id;
        }
        m->runs[m->nruns++] = (merge_run){.plan_index = index, .input = input, .row = row};
    }
    return 0;
}

/* ==== samples.csv grouped by run =========================================================== */

/* qsort_r's order of runs.csv's rows (indexes) by run_id. */
static int cmp_run_id(const void *a, const void *b, void *ctx)
{
    const merge_input *in = ctx;
    return strcmp(csvt_get(&in->runs, *(const size_t *)a, in->runs_id),
                  csvt_get(&in->runs, *(const size_t *)b, in->runs_id));
}

/* The row of runs.csv whose run_id is id, from its rows sorted by run_id; -1 when none. */
static long find_run(const merge_input *in, const size_t *sorted, const char *id)
{
    size_t lo = 0, hi = in->runs.nrows;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(csvt_get(&in->runs, sorted[mid], in->runs_id), id);
        if (c == 0)
            return (long)sorted[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* in->sample_order and sample_start: samples.csv's rows grouped by their run's row in runs.csv
 * (run_ids are unique there: ds_load checked), in file order within a run. Returns 0, or -1
 * after the message. */
static int group_samples(merge_input *in)
{
    const csvt *s = &in->samples;
    size_t nruns = in->runs.nrows;
    int col = csvt_col(s, "run_id");
    size_t *sorted = malloc((nruns + 1) * sizeof *sorted);
    size_t *run_of = malloc((s->nrows + 1) * sizeof *run_of);
    size_t *fill = malloc((nruns + 1) * sizeof *fill);
    in->sample_start = calloc(nruns + 1, sizeof *in->sample_start);
    in->sample_order = malloc((s->nrows + 1) * sizeof *in->sample_order);
    int rc = -1;
    if (sorted == NULL || run_of == NULL || fill == NULL || in->sample_start == NULL ||
        in->sample_order == NULL) {
        gcb_error("%s: out of memory", s->path);
        goto out;
    }
    for (size_t r = 0; r < nruns; r++)
        sorted[r] = r;
    qsort_r(sorted, nruns, sizeof *sorted, cmp_run_id, in);
    for (size_t row = 0; row < s->nrows; row++) {
        long r = find_run(in, sorted, csvt_get(s, row, col));
        if (r < 0) {
            gcb_error("%s:%zu: run_id '%s' is not in %s", s->path, s->lines[row],
                      csvt_get(s, row, col), GCB_RUNS_CSV);
            goto out;
        }
        run_of[row] = (size_t)r;
        in->sample_start[r + 1]++;
    }
    for (size_t r = 0; r < nruns; r++)
        in->sample_start[r + 1] += in->sample_start[r];
    memcpy(fill, in->sample_start, nruns * sizeof *fill);
    for (size_t row = 0; row < s->nrows; row++)
        in->sample_order[fill[run_of[row]]++] = row;
    rc = 0;
out:
    free(sorted);
    free(run_of);
    free(fill);
    return rc;
}

/* ==== reading every folder ================================================================= */

/* Resolves every folder (none twice), then loads and checks each. Returns the exit status. */
static int read_inputs(merge *m, const char *const *dirs)
{
    for (size_t i = 0; i < m->nin; i++) {
        if (resolve_input(&m->in[i], dirs[i]) != 0)
            return GCB_EXIT_FAILED;
        for (size_t j = 0; j < i; j++)
            if (m->in[j].dev == m->in[i].dev && m->in[j].ino == m->in[i].ino) {
                gcb_usage_error("merge", "%s and %s are the same folder; give each folder once",
                                m->in[j].arg, m->in[i].arg);
                return GCB_EXIT_USAGE;
            }
    }
    size_t total = 0;
    for (size_t i = 0; i < m->nin; i++) {
        merge_input *in = &m->in[i];
        if (check_folder(in) != 0 || load_tables(in) != 0 || group_samples(in) != 0)
            return GCB_EXIT_FAILED;
        total += in->runs.nrows;
    }
    m->runs = malloc((total + 1) * sizeof *m->runs);
    if (m->runs == NULL) {
        gcb_error("out of memory reading %zu runs", total);
        return GCB_EXIT_FAILED;
    }
    for (size_t i = 0; i < m->nin; i++)
        if (add_runs(m, i) != 0)
            return GCB_EXIT_FAILED;
    return GCB_EXIT_OK;
}

/* ==== one plan, each run once ============================================================== */

static int cmp_run(const void *a, const void *b)
{
    const merge_run *x = a, *y = b;
    if (x->plan_index != y->plan_index)
        return x->plan_index < y->plan_index ? -1 : 1;
    if (x->input != y->input)
        return x->input < y->input ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

/* The values of 1..total that a sorted list lacks: how many, and the first ranges of them. */
typedef struct gaps {
    int64_t count;
    size_t nranges; /* ranges found; those past MISSING_RANGES_SHOWN are counted only */
    int64_t lo[MISSING_RANGES_SHOWN], hi[MISSING_RANGES_SHOWN];
} gaps;

/* present[0..n): values in 1..total, sorted (repeats allowed). */
static void find_gaps(const int64_t *present, size_t n, int64_t total, gaps *g)
{
    memset(g, 0, sizeof *g);
    int64_t next = 1; /* the least value not yet accounted for */
    for (size_t i = 0; i <= n; i++) {
        int64_t upto = i < n ? present[i] : total + 1;
        if (upto > next) {
            if (g->nranges < MISSING_RANGES_SHOWN) {
                g->lo[g->nranges] = next;
                g->hi[g->nranges] = upto - 1;
            }
            g->nranges++;
            g->count += upto - next;
        }
        if (upto + 1 > next)
            next = upto + 1;
    }
}

/* Appends to buf (at *used) as snprintf would, never past len. */
static void append(char *buf, size_t len, size_t *used, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void append(char *buf, size_t len, size_t *used, const char *fmt, ...)
{
    if (*used >= len)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *used, len - *used, fmt, ap);
    va_end(ap);
    *used = n < 0 ? len : *used + (size_t)n < len ? *used + (size_t)n : len;
}

/* The ranges of g, each as "r0005-r0008" (runs) or "2/3" (shards of n), separated by ", ". */
static void format_gaps(const gaps *g, int64_t shards_of, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < g->nranges && i < MISSING_RANGES_SHOWN; i++) {
        const char *sep = i > 0 ? ", " : "";
        if (shards_of > 0 && g->lo[i] == g->hi[i])
            append(buf, len, &used, "%s%" PRId64 "/%" PRId64, sep, g->lo[i], shards_of);
        else if (shards_of > 0)
            append(buf, len, &used, "%s%" PRId64 "/%" PRId64 " to %" PRId64 "/%" PRId64, sep,
                   g->lo[i], shards_of, g->hi[i], shards_of);
        else if (g->lo[i] == g->hi[i])
            append(buf, len, &used, "%sr%04" PRId64, sep, g->lo[i]);
        else
            append(buf, len, &used, "%sr%04" PRId64 "-r%04" PRId64, sep, g->lo[i], g->hi[i]);
    }
    if (g->nranges > MISSING_RANGES_SHOWN)
        append(buf, len, &used, ", …");
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* When every folder is a shard K/N of one N > 1: "; not given: shard(s) …" for the Ks none of
 * them is, in buf; else "". */
static void missing_shards(const merge *m, char *buf, size_t len)
{
    buf[0] = '\0';
    int64_t *ks = malloc((m->nin + 1) * sizeof *ks), parts = 0;
    if (ks == NULL)
        return;
    for (size_t i = 0; i < m->nin; i++) {
        int64_t k, n;
        if (!parse_shard(m->in[i].shard, &k, &n) || n == 1 || (parts != 0 && n != parts)) {
            free(ks);
            return;
        }
        parts = n;
        ks[i] = k;
    }
    qsort(ks, m->nin, sizeof *ks, cmp_i64);
    gaps g;
    find_gaps(ks, m->nin, parts, &g);
    free(ks);
    if (g.count == 0)
        return;
    char list[512];
    format_gaps(&g, parts, list, sizeof list);
    snprintf(buf, len, "; not given: shard%s %s", g.count > 1 ? "s" : "", list);
}

/* Every plan_index of 1..plan_runs is in some folder. Returns the exit status. */
static int check_complete(const merge *m)
{
    int64_t *present = malloc((m->nruns + 1) * sizeof *present);
    if (present == NULL) {
        gcb_error("out of memory checking %zu runs", m->nruns);
        return GCB_EXIT_FAILED;
    }
    for (size_t i = 0; i < m->nruns; i++)
        present[i] = m->runs[i].plan_index;
    gaps g;
    find_gaps(present, m->nruns, m->plan_runs, &g);
    free(present);
    if (g.count == 0)
        return GCB_EXIT_OK;
    char list[1024], shards[600];
    format_gaps(&g, 0, list, sizeof list);
    missing_shards(m, shards, sizeof shards);
    gcb_error("plan %s has %" PRId64 " runs and %" PRId64 " of them %s in none of the folders "
              "given: %s%s; give every shard of the plan",
              m->plan_id, m->plan_runs, g.count, g.count == 1 ? "is" : "are", list, shards);
    return GCB_EXIT_USAGE;
}

/* One plan (plan_id, plan_runs), each of its runs in one folder, none missing; m->runs sorted
 * by plan_index. Returns the exit status. */
static int check_plan(merge *m)
{
    const merge_input *first = &m->in[0];
    for (size_t i = 1; i < m->nin; i++) {
        const merge_input *in = &m->in[i];
        if (strcmp(in->plan_id, first->plan_id) != 0) {
            gcb_error("%s and %s are parts of different plans (plan_id %s and %s); merge the "
                      "shards of one plan",
                      first->dir, in->dir, first->plan_id, in->plan_id);
            return GCB_EXIT_USAGE;
        }
        if (in->plan_runs != first->plan_runs) {
            gcb_error("%s and %s are of plan %s but say it has %" PRId64 " and %" PRId64
                      " runs (machine.csv's plan_runs): one of them is damaged",
                      first->dir, in->dir, first->plan_id, first->plan_runs, in->plan_runs);
            return GCB_EXIT_FAILED;
        }
    }
    m->plan_id = first->plan_id;
    m->plan_runs = first->plan_runs;
    m->merged_from = 0;
    for (size_t i = 0; i < m->nin; i++)
        m->merged_from += m->in[i].merged_from;
    qsort(m->runs, m->nruns, sizeof *m->runs, cmp_run);
    for (size_t i = 1; i < m->nruns; i++) {
        const merge_run *a = &m->runs[i - 1], *b = &m->runs[i];
        if (a->plan_index != b->plan_index)
            continue;
        const merge_input *x = &m->in[a->input], *y = &m->in[b->input];
        if (a->input == b->input) {
            gcb_error("%s:%zu: plan_index %" PRId64 " is also on line %zu: a run twice in one "
                      "folder",
                      x->runs.path, y->runs.lines[b->row], b->plan_index, x->runs.lines[a->row]);
            return GCB_EXIT_FAILED;
        }
        gcb_error("run r%04" PRId64 " (plan_index %" PRId64 " of plan %s) is in both %s and %s; "
                  "give each shard once",
                  a->plan_index, a->plan_index, m->plan_id, x->dir, y->dir);
        return GCB_EXIT_USAGE;
    }
    return check_complete(m);
}

/* ==== the machines ========================================================================= */

static int cmp_machine_id_only(const void *a, const void *b)
{
    return strcmp(((const merge_machine *)a)->id, ((const merge_machine *)b)->id);
}

/* By id, then by folder (the first folder given that names a machine comes first). */
static int cmp_machine_id(const void *a, const void *b)
{
    const merge_machine *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    if (c != 0)
        return c;
    return x->input < y->input ? -1 : x->input > y->input;
}

static int cmp_machine_first(const void *a, const void *b)
{
    const merge_machine *x = a, *y = b;
    if (x->first_index != y->first_index)
        return x->first_index < y->first_index ? -1 : 1;
    return strcmp(x->id, y->id);
}

/* m->machines: every machine_id of the folders' machine.csv once, each with the folder its rows
 * come from (the one holding its earliest run), in the order of their earliest runs (machines
 * without a run last, by id). Returns the exit status. */
static int collect_machines(merge *m)
{
    size_t rows = 0;
    for (size_t i = 0; i < m->nin; i++)
        rows += m->in[i].machine.nrows;
    m->machines = malloc((rows + 1) * sizeof *m->machines);
    if (m->machines == NULL) {
        gcb_error("out of memory reading %zu machine.csv rows", rows);
        return GCB_EXIT_FAILED;
    }
    for (size_t i = 0; i < m->nin; i++) {
        const merge_input *in = &m->in[i];
        for (size_t row = 0; row < in->machine.nrows; row++) {
            const char *id = csvt_get(&in->machine, row, in->machine_id);
            if (*id != '\0' && !merge_is_folder_key(csvt_get(&in->machine, row, in->machine_key)))
                m->machines[m->nmachines++] =
                    (merge_machine){.id = id, .first_index = INT64_MAX, .input = i};
        }
    }
    qsort(m->machines, m->nmachines, sizeof *m->machines, cmp_machine_id);
    size_t unique = 0;
    for (size_t i = 0; i < m->nmachines; i++)
        if (unique == 0 || strcmp(m->machines[unique - 1].id, m->machines[i].id) != 0)
            m->machines[unique++] = m->machines[i];
    m->nmachines = unique;
    for (size_t r = 0; r < m->nruns; r++) { /* by plan_index: the first run found is earliest */
        const merge_input *in = &m->in[m->runs[r].input];
        merge_machine key = {.id = csvt_get(&in->runs, m->runs[r].row, in->runs_machine_id)};
        merge_machine *found =
            bsearch(&key, m->machines, m->nmachines, sizeof *m->machines, cmp_machine_id_only);
        assert(found != NULL && "merge: a run's machine is in its folder's machine.csv (add_runs)");
        if (found->first_index == INT64_MAX) {
            found->first_index = m->runs[r].plan_index;
            found->input = m->runs[r].input;
        }
    }
    qsort(m->machines, m->nmachines, sizeof *m->machines, cmp_machine_first);
    return GCB_EXIT_OK;
}

/* ==== writing ============================================================================== */

/* A merged file's columns: the schema's, then any other a folder's file has (a newer bench's),
 * in the order the folders give them; map[input * n + k]: column k's index in that folder's
 * table (-1: it has none, an empty cell). */
typedef struct columns {
    const char **names;
    size_t n;
    int *map;
} columns;

static const csvt *table_of(const merge_input *in, bool samples)
{
    return samples ? &in->samples : &in->runs;
}

static void free_columns(columns *c)
{
    free(c->names);
    free(c->map);
}

/* Returns 0, or -1 after the message. */
static int make_columns(const merge *m, const char *const *schema, size_t nschema, bool samples,
                        columns *c)
{
    size_t most = nschema;
    for (size_t i = 0; i < m->nin; i++)
        most += table_of(&m->in[i], samples)->ncols;
    c->names = malloc(most * sizeof *c->names);
    c->map = malloc((most * m->nin + 1) * sizeof *c->map);
    if (c->names == NULL || c->map == NULL) {
        gcb_error("out of memory merging %zu folders", m->nin);
        return -1;
    }
    memcpy(c->names, schema, nschema * sizeof *schema);
    c->n = nschema;
    for (size_t i = 0; i < m->nin; i++) {
        const csvt *t = table_of(&m->in[i], samples);
        for (size_t col = 0; col < t->ncols; col++) {
            size_t k = 0;
            while (k < c->n && strcmp(c->names[k], t->header[col]) != 0)
                k++;
            if (k == c->n)
                c->names[c->n++] = t->header[col];
        }
    }
    for (size_t i = 0; i < m->nin; i++)
        for (size_t k = 0; k < c->n; k++)
            c->map[i * c->n + k] = csvt_col(table_of(&m->in[i], samples), c->names[k]);
    return 0;
}

/* Flushes, fsyncs and closes w (path: for the message). Returns 0, or -1 after the message. */
static int close_file(csvw *w, const char *path)
{
    int rc = 0, error = 0;
    if (w->failed || fflush(w->fp) != 0 || fsync(fileno(w->fp)) != 0) {
        rc = -1;
        error = w->failed ? w->error : errno;
    }
    if (csvw_close(w) != 0 && rc == 0) {
        rc = -1;
        error = w->error;
    }
    if (rc != 0)
        gcb_error("cannot write %s: %s", path, strerror(error));
    return rc;
}

/* DIR/machine.csv: each machine's rows from its folder, then the folder's own keys. Returns 0,
 * or -1 after the message. */
static int write_machine(const merge *m, const char *dir)
{
    static const char *const header[] = {GCB_MACHINE_COLUMNS};
    _Static_assert(sizeof header / sizeof header[0] == 3, "machine.csv is key,value,machine_id");
    char path[PATH_MAX + 32], runs[32], from[32];
    path_join(path, sizeof path, dir, GCB_MACHINE_CSV);
    csvw w;
    if (csvw_open(&w, path, header, 3) != 0) {
        gcb_error("cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    for (size_t i = 0; i < m->nmachines; i++) {
        const merge_machine *mach = &m->machines[i];
        const merge_input *in = &m->in[mach->input];
        for (size_t row = 0; row < in->machine.nrows; row++) {
            const char *key = csvt_get(&in->machine, row, in->machine_key);
            if (strcmp(csvt_get(&in->machine, row, in->machine_id), mach->id) != 0 ||
                merge_is_folder_key(key))
                continue;
            csvw_str(&w, key);
            csvw_str(&w, csvt_get(&in->machine, row, in->machine_value));
            csvw_str(&w, mach->id);
            csvw_end_row(&w);
        }
    }
    snprintf(runs, sizeof runs, "%" PRId64, m->plan_runs);
    snprintf(from, sizeof from, "%" PRId64, m->merged_from);
    /* MERGE_FOLDER_KEYS' values, in its order */
    const char *const values[] = {m->plan_id, runs, "1/1", from, "complete", runs, runs};
    _Static_assert(sizeof values / sizeof values[0] == N_FOLDER_KEYS, "a value per folder key");
    for (size_t i = 0; i < N_FOLDER_KEYS; i++) {
        csvw_str(&w, folder_keys[i]);
        csvw_str(&w, values[i]);
        csvw_empty(&w); /* the folder's, not a machine's */
        csvw_end_row(&w);
    }
    return close_file(&w, path);
}

/* One row of folder input's table t as the merged file's, its run_id new_id. */
static void write_row(csvw *w, const columns *c, size_t input, const csvt *t, size_t row,
                      const char *new_id)
{
    const int *map = c->map + input * c->n;
    for (size_t k = 0; k < c->n; k++)
        csvw_str(w, k == 0 ? new_id : csvt_get(t, row, map[k]));
    csvw_end_row(w);
}

/* DIR/runs.csv (samples false) or DIR/samples.csv: the runs in plan order, each its rows (its
 * own, or its samples in its folder's order), run_id r%04d of its plan_index. Returns 0, or -1
 * after the message (*stopped set when a stop signal is pending). */
static int write_table(const merge *m, const char *dir, bool samples, bool *stopped)
{
    static const char *const runs_schema[] = {GCB_RUNS_COLUMNS};
    static const char *const samples_schema[] = {GCB_SAMPLES_COLUMNS};
    const char *const *schema = samples ? samples_schema : runs_schema;
    size_t nschema = samples ? sizeof samples_schema / sizeof *samples_schema
                             : sizeof runs_schema / sizeof *runs_schema;
    assert(strcmp(schema[0], "run_id") == 0 && "merge: run_id is the first column (write_row)");
    char path[PATH_MAX + 32];
    path_join(path, sizeof path, dir, samples ? GCB_SAMPLES_CSV : GCB_RUNS_CSV);
    columns c = {0};
    csvw w;
    if (make_columns(m, schema, nschema, samples, &c) != 0)
        return -1;
    if (csvw_open(&w, path, c.names, c.n) != 0) {
        gcb_error("cannot write %s: %s", path, strerror(errno));
        free_columns(&c);
        return -1;
    }
    for (size_t r = 0; r < m->nruns && !w.failed; r++) {
        if (stop_pending()) {
            *stopped = true;
            break;
        }
        const merge_run *run = &m->runs[r];
        const merge_input *in = &m->in[run->input];
        const csvt *t = table_of(in, samples);
        char id[32];
        snprintf(id, sizeof id, "r%04" PRId64, run->plan_index);
        if (!samples)
            write_row(&w, &c, run->input, t, run->row, id);
        for (size_t k = in->sample_start[run->row]; samples && k < in->sample_start[run->row + 1];
             k++)
            write_row(&w, &c, run->input, t, in->sample_order[k], id);
    }
    free_columns(&c);
    int rc = close_file(&w, path);
    return *stopped ? -1 : rc;
}

/* DIR/summary.csv from the folder as written: what bench run's own end does. Returns 0, or -1
 * after the message. */
static int write_summary(const char *dir)
{
    ds d;
    char err[4096], path[PATH_MAX + 32];
    if (ds_load(&d, dir, err, sizeof err) != 0) {
        gcb_error("the merged folder does not load: %s", err);
        return -1;
    }
    path_join(path, sizeof path, dir, GCB_SUMMARY_CSV);
    int rc = summary_write(&d, path);
    if (rc == 0 && sync_path(path) != 0)
        rc = -1;
    if (rc != 0)
        gcb_error("cannot write %s: %s", path, strerror(errno));
    ds_free(&d);
    return rc;
}

/* Puts the folder tmp at out: renamed to it (exists false), or exchanged with the folder there,
 * which is then removed. Returns 0, or -1 with errno (tmp and out as they were). */
static int put_in_place(const char *tmp, const char *out, bool exists)
{
    if (!exists) {
        if (renameat2(AT_FDCWD, tmp, AT_FDCWD, out, RENAME_NOREPLACE) == 0)
            return 0;
        return errno == EINVAL || errno == ENOSYS ? rename(tmp, out) : -1;
    }
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, out, RENAME_EXCHANGE) == 0) {
        if (remove_tree(tmp) != 0) /* tmp is now the old folder */
            gcb_error("note: the folder --out replaced is left at %s: %s", tmp, strerror(errno));
        return 0;
    }
    if (errno != EINVAL && errno != ENOSYS)
        return -1;
    /* a file system without an exchange: the old folder aside, the new one in */
    char old[PATH_MAX + 8];
    snprintf(old, sizeof old, "%s.old", tmp);
    if (rename(out, old) != 0)
        return -1;
    if (rename(tmp, out) != 0) {
        int saved = errno;
        rename(old, out);
        errno = saved;
        return -1;
    }
    if (remove_tree(old) != 0)
        gcb_error("note: the folder --out replaced is left at %s: %s", old, strerror(errno));
    return 0;
}

/* The merged folder's four files in dir, fsynced. Returns 0, or -1 after the message (none when
 * *stopped: a stop signal is pending). */
static int write_files(const merge *m, const char *dir, bool *stopped)
{
    if (write_machine(m, dir) != 0 || write_table(m, dir, false, stopped) != 0 ||
        write_table(m, dir, true, stopped) != 0 || write_summary(dir) != 0)
        return -1;
    if (sync_path(dir) != 0) {
        gcb_error("cannot write %s: %s", dir, strerror(errno));
        return -1;
    }
    return 0;
}

/* The merged folder written in a temporary folder beside out and put in its place; on any
 * failure the temporary folder is removed. The stop signals are held from before it exists to
 * after it is gone. Returns the exit status. */
static int write_merged(const merge *m, const char *out, bool exists)
{
    char parent[PATH_MAX], tmp[PATH_MAX + 32];
    const char *slash = strrchr(out, '/');
    const char *base = slash != NULL ? slash + 1 : out;
    if (slash == NULL)
        snprintf(parent, sizeof parent, ".");
    else if (slash == out)
        snprintf(parent, sizeof parent, "/");
    else
        snprintf(parent, sizeof parent, "%.*s", (int)(slash - out), out);
    sigset_t stops, old;
    stop_signals(&stops);
    sigprocmask(SIG_BLOCK, &stops, &old);
    int rc = GCB_EXIT_FAILED;
    if (snprintf(tmp, sizeof tmp, "%s/.%s.merge-XXXXXX", parent, base) >= (int)sizeof tmp ||
        gcb_mkdirs(parent) != 0 || mkdtemp(tmp) == NULL) {
        gcb_error("cannot write the merged folder beside --out '%s': %s", out, strerror(errno));
        sigprocmask(SIG_SETMASK, &old, NULL);
        return rc;
    }
    mode_t mask = umask(0);
    umask(mask);
    chmod(tmp, 0777 & ~mask); /* as bench run's folders: mkdtemp's is the owner's only */
    bool stopped = false, again = exists;
    if (write_files(m, tmp, &stopped) != 0)
        rc = GCB_EXIT_FAILED;
    else if (check_out(out, &again) != 0)
        rc = GCB_EXIT_USAGE; /* out changed meanwhile: refused now */
    else if (put_in_place(tmp, out, again) != 0)
        gcb_error("cannot put the merged folder at --out '%s': %s", out, strerror(errno));
    else
        rc = GCB_EXIT_OK;
    if (rc != GCB_EXIT_OK) {
        remove_tree(tmp);
        if (stopped)
            gcb_error("stopped by a signal: nothing written");
    } else {
        sync_path(parent);
    }
    sigprocmask(SIG_SETMASK, &old, NULL); /* a stop held meanwhile acts now */
    return rc;
}

/* ==== public =============================================================================== */

static void free_merge(merge *m)
{
    for (size_t i = 0; m->in != NULL && i < m->nin; i++) {
        merge_input *in = &m->in[i];
        csvt_free(&in->machine);
        csvt_free(&in->runs);
        csvt_free(&in->samples);
        free(in->sample_order);
        free(in->sample_start);
    }
    free(m->in);
    free(m->runs);
    free(m->machines);
}

int merge_folders(const char *const *dirs, size_t ndirs, const char *out_arg, bool quiet)
{
    assert(ndirs > 0 && "merge: at least one folder (cmd_merge checks)");
    char out[PATH_MAX];
    if (snprintf(out, sizeof out, "%s", out_arg) >= (int)sizeof out) {
        gcb_usage_error("merge", "--out '%s': the name is too long", out_arg);
        return GCB_EXIT_USAGE;
    }
    for (size_t n = strlen(out); n > 1 && out[n - 1] == '/'; n--)
        out[n - 1] = '\0';
    bool exists;
    if (check_out(out, &exists) != 0)
        return GCB_EXIT_USAGE;
    merge m = {.nin = ndirs};
    m.in = calloc(ndirs, sizeof *m.in);
    if (m.in == NULL) {
        gcb_error("out of memory merging %zu folders", ndirs);
        return GCB_EXIT_FAILED;
    }
    int rc = read_inputs(&m, dirs);
    if (rc == GCB_EXIT_OK)
        rc = check_plan(&m);
    if (rc == GCB_EXIT_OK)
        rc = collect_machines(&m);
    if (rc == GCB_EXIT_OK)
        rc = write_merged(&m, out, exists);
    if (rc == GCB_EXIT_OK && !quiet)
        printf("merged: %s (%zu runs of plan %s from %" PRId64 " shard folder%s, %zu machine%s)\n",
               out, m.nruns, m.plan_id, m.merged_from, m.merged_from == 1 ? "" : "s", m.nmachines,
               m.nmachines == 1 ? "" : "s");
    free_merge(&m);
    return rc;
}
