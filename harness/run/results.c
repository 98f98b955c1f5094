/* results.c — creating and writing a results folder (see results.h). */
#include "results.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
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

/* s with control characters as \xNN, for a message. */
static void escaped(const char *s, char *buf, size_t len)
{
    size_t o = 0;
    for (; *s != '\0' && o + 5 < len; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7f)
            o += (size_t)snprintf(buf + o, len - o, "\\x%02x", c);
        else
            buf[o++] = (char)c;
    }
    buf[o] = '\0';
}

int results_check_out(const char *out_base, char *err, size_t errlen)
{
    char shown[PATH_MAX];
    escaped(out_base, shown, sizeof shown);
    if (*out_base == '\0') {
        snprintf(err, errlen, "--out needs a folder");
        return -1;
    }
    for (const char *p = out_base; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20 || c == 0x7f) {
            snprintf(err, errlen,
                     "--out '%s': the name holds a control character (byte 0x%02x); choose a "
                     "plain name",
                     shown, c);
            return -1;
        }
    }
    /* the longest part of the path that exists, with its links followed */
    char part[PATH_MAX], real[PATH_MAX];
    if (snprintf(part, sizeof part, "%s", out_base) >= (int)sizeof part) {
        snprintf(err, errlen, "--out '%s': the name is too long", shown);
        return -1;
    }
    bool whole = true; /* part is the whole of out_base */
    while (realpath(part, real) == NULL) {
        char *slash = strrchr(part, '/');
        whole = false;
        if (slash == NULL) {
            if (getcwd(real, sizeof real) == NULL)
                return 0; /* results_create says what is wrong */
            break;
        }
        if (slash == part) {
            snprintf(real, sizeof real, "/");
            break;
        }
        *slash = '\0';
    }
    static const char *const system[] = {"/dev", "/proc", "/sys"};
    for (size_t i = 0; i < sizeof system / sizeof system[0]; i++) {
        size_t n = strlen(system[i]);
        if (strncmp(real, system[i], n) == 0 && (real[n] == '\0' || real[n] == '/')) {
            snprintf(err, errlen,
                     "--out '%s' is in %s, the kernel's; results go in an ordinary folder", shown,
                     system[i]);
            return -1;
        }
    }
    if (whole && strcmp(real, "/") == 0) {
        snprintf(err, errlen, "--out '%s' is the root folder; results go in a folder of their own",
                 shown);
        return -1;
    }
    return 0;
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

/* Appends the run's sample rows (the runner's own file, whole rows) to samples.csv. */
static int copy_samples(results *res, FILE *from)
{
    csvw *to = &res->samples;
    if (from == NULL)
        return 0;
    if (fflush(from) != 0 || fseeko(from, 0, SEEK_SET) != 0) {
        to->failed = true;
        to->error = errno;
        return -1;
    }
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, from)) > 0)
        if (fwrite(buf, 1, n, to->fp) != n) {
            to->failed = true;
            to->error = errno;
            return -1;
        }
    if (ferror(from)) {
        to->failed = true;
        to->error = EIO;
        return -1;
    }
    return 0;
}

int results_add_run(results *res, const plan_run *r, int cpu, const run_result *rr, FILE *samples)
{
    if (copy_samples(res, samples) != 0)
        return -1;
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
    csvw_i64(w, res->jobs);
    csvw_str(w, res->machine_id);
    csvw_u64(w, r->index);
    return csvw_end_row(w);
}

/* Flushes w and fsyncs its file. 0 or -1. */
static int sync_file(csvw *w)
{
    if (w->failed)
        return -1;
    if (fflush(w->fp) != 0 || fsync(fileno(w->fp)) != 0) {
        w->error = errno;
        w->failed = true;
        return -1;
    }
    return 0;
}

int results_begin_run(results *res)
{
    if (fflush(res->runs.fp) != 0 || fflush(res->samples.fp) != 0)
        return -1;
    res->runs_mark = ftello(res->runs.fp);
    res->samples_mark = ftello(res->samples.fp);
    return res->runs_mark < 0 || res->samples_mark < 0 ? -1 : 0;
}

int results_commit_run(results *res)
{
    return sync_file(&res->samples) == 0 && sync_file(&res->runs) == 0 ? 0 : -1;
}

static void rollback(csvw *w, long long mark)
{
    __fpurge(w->fp); /* what could not be written goes: it would fail again */
    if (ftruncate(fileno(w->fp), (off_t)mark) == 0 && fseeko(w->fp, (off_t)mark, SEEK_SET) == 0) {
        clearerr(w->fp);
        w->failed = false;
        w->error = 0;
        w->col = 0;
        fsync(fileno(w->fp));
    }
}

int results_error(const results *res)
{
    return res->samples.failed ? res->samples.error : res->runs.failed ? res->runs.error : 0;
}

void results_rollback_run(results *res)
{
    int saved = errno;
    rollback(&res->samples, res->samples_mark);
    rollback(&res->runs, res->runs_mark);
    errno = saved;
}

/* fsync of a folder: a rename in it reaches the disk. */
static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

int results_set_status(const results *res, const char *status, size_t planned, size_t done)
{
    char path[PATH_MAX + 32], tmp[PATH_MAX + 48], err[256];
    results_path(res, GCB_MACHINE_CSV, path, sizeof path);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    csvt old;
    bool have_old = access(path, F_OK) == 0 && csvt_load(&old, path, err, sizeof err) == 0;
    static const char *const header[] = {GCB_MACHINE_COLUMNS};
    csvw w;
    if (csvw_open(&w, tmp, header, 3) != 0) {
        if (have_old)
            csvt_free(&old);
        return -1;
    }
    for (size_t i = 0; have_old && old.ncols == 3 && i < old.nrows; i++) {
        const char *key = csvt_get(&old, i, 0);
        if (strcmp(key, "status") == 0 || strcmp(key, "runs_planned") == 0 ||
            strcmp(key, "runs_done") == 0)
            continue;
        for (size_t col = 0; col < 3; col++)
            csvw_str(&w, csvt_get(&old, i, col));
        csvw_end_row(&w);
    }
    if (have_old)
        csvt_free(&old);
    char count[2][32];
    snprintf(count[0], sizeof count[0], "%zu", planned);
    snprintf(count[1], sizeof count[1], "%zu", done);
    const char *rows[3][2] = {{"status", status}, {"runs_planned", count[0]}, {"runs_done", count[1]}};
    for (size_t i = 0; i < 3; i++) {
        csvw_str(&w, rows[i][0]);
        csvw_str(&w, rows[i][1]);
        csvw_str(&w, res->machine_id);
        csvw_end_row(&w);
    }
    int rc = sync_file(&w);
    if (csvw_close(&w) != 0 || rc != 0 || rename(tmp, path) != 0) {
        int saved = errno;
        unlink(tmp);
        errno = saved;
        return -1;
    }
    sync_dir(res->dir);
    return 0;
}

/* <base>/latest -> the folder's own name, replaced atomically (a new link renamed over it, so
 * that it never dangles or points half-way). Only a link bench made is replaced: one whose
 * target is a bare folder name. Anything else at that name (a folder, a file, a link the user
 * made) is left alone, with a warning. 0, or -1. */
static int point_latest(const char *out_base, const char *dir)
{
    const char *name = strrchr(dir, '/');
    name = name != NULL ? name + 1 : dir;
    char link[PATH_MAX], tmp[PATH_MAX], target[PATH_MAX];
    snprintf(link, sizeof link, "%s/latest", out_base);
    struct stat st;
    if (lstat(link, &st) == 0) {
        ssize_t n = S_ISLNK(st.st_mode) ? readlink(link, target, sizeof target - 1) : -1;
        if (n >= 0)
            target[n] = '\0';
        if (n <= 0 || strchr(target, '/') != NULL || target[0] == '.') {
            gcb_error("%s is not a link bench made; left as it is", link);
            return 0;
        }
    }
    snprintf(tmp, sizeof tmp, "%s/.latest.%d", out_base, (int)getpid());
    unlink(tmp);
    if (symlink(name, tmp) != 0 || rename(tmp, link) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

int results_close(results *res, const char *out_base)
{
    int rc = 0;
    if (csvw_close(&res->runs) != 0)
        rc = -1;
    if (csvw_close(&res->samples) != 0)
        rc = -1;
    if (point_latest(out_base, res->dir) != 0)
        rc = -1;
    return rc;
}
