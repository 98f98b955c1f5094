/* plot.c — `bench plot DIR`: writes the numbers of each picture to a data file in DIR/plots
 * and has gnuplot draw them with the scripts of plots/ (see plot.h for what is drawn, each
 * script's header for its arguments). gnuplot runs as a child process (fork + execvp, no shell)
 * with its stderr captured and forwarded to ours.
 *
 * The pictures, in the order they are drawn:
 * - per setting, NAME.png from NAME.dat (and NAME-ticks.dat): rss.gp;
 * - per scenario run in several runtimes or policies, SCENARIO-instances.png and
 *   SCENARIO-rss-compared.png from their .dat: lines.gp;
 * - with two panels or more, overview.png from overview.list (the settings' and lineups' .dat
 *   files): overview.gp;
 * - per (scenario, runtime, policy, allocator) run at two thresholds or more,
 *   SCENARIO-RUNTIME-thresholds.png from its .dat: thresholds.gp;
 * - per native setting whose CPython twin ran, SCENARIO-native-vs-cpython.png from the two
 *   settings' .dat files: versus.gp. */
#include "plot.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report.h"
#include "stats.h"
#include "util.h"

#define RSS_SCRIPT "rss.gp"
#define OVERVIEW_SCRIPT "overview.gp"
#define THRESHOLDS_SCRIPT "thresholds.gp"
#define VERSUS_SCRIPT "versus.gp"
#define LINES_SCRIPT "lines.gp"
#define STDERR_KEEP_BYTES 65536 /* of gnuplot's stderr; the rest is dropped */
#define NAME_LEN 512
#define WORDS_LEN 1024
#define TITLE_LEN 1024
#define MIB 1048576.0

/* What drawing one picture came to. */
typedef enum plot_outcome {
    PLOT_DONE,
    PLOT_EMPTY,      /* nothing to draw (not an error) */
    PLOT_NO_GNUPLOT, /* gnuplot is not on PATH (not an error) */
    PLOT_FAILED,     /* message printed */
} plot_outcome;

/* One panel of overview.gp's list (see its header). */
typedef struct overview_panel {
    char file[NAME_LEN + 32];
    char series[WORDS_LEN]; /* rss.gp's SERIES, or lines.gp's STYLES */
    char title1[NAME_LEN], title2[NAME_LEN];
    bool lines;    /* kind "lines" (else "rss") */
    int first_col; /* "lines": its series' first column minus 1 */
    char ylabel[NAME_LEN];
    double y_max; /* "lines": the top of its y axis (0: as its data needs) */
} overview_panel;

/* Everything the pictures of one folder share. */
typedef struct plot_ctx {
    const ds *d;
    const char *format; /* "png" or "svg" */
    bool quiet;
    char scripts[PATH_MAX];   /* the folder of the gnuplot scripts */
    char plots_dir[PATH_MAX]; /* DIR/plots */
    /* per setting: whether NAME.dat was written (and kept), NAME, rss.gp's SERIES */
    bool *drawn;
    char (*names)[NAME_LEN];
    char (*words)[WORDS_LEN];
    /* per setting: the overview's panels of its scenario's settings side by side (set on the
     * scenario's first setting when it ran in several runtimes or policies), and whether the
     * setting is in such a scenario (its own panel then stays out of the overview) */
    overview_panel (*lineup_panels)[2];
    size_t *nlineup_panels;
    bool *in_lineup;
} plot_ctx;

/* ==== names and quoting ==================================================================== */

/* A file-name-safe copy of s appended to buf (see plot.h). */
static void append_safe(char *buf, size_t len, const char *s)
{
    size_t used = strlen(buf);
    for (; *s && used + 1 < len; s++) {
        char c = *s;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '-';
        buf[used++] = ok ? c : '_';
    }
    buf[used] = '\0';
}

/* Appends "-PART" (made safe) for each non-empty part. */
static void append_parts(char *buf, size_t len, const char *const *parts, size_t nparts)
{
    for (size_t i = 0; i < nparts; i++) {
        if (*parts[i] == '\0')
            continue;
        append_safe(buf, len, "-");
        append_safe(buf, len, parts[i]);
    }
}

/* NAME of setting's files: the scenario alone when it is the folder's only setting of that
 * scenario, else scenario-runtime-policy-allocator-threshold (empty parts left out). */
static void plot_name(const ds *d, size_t setting, char *buf, size_t len)
{
    const ds_setting *set = &d->settings[setting];
    size_t same = 0;
    for (size_t s = 0; s < d->nsettings; s++)
        same += strcmp(d->settings[s].scenario, set->scenario) == 0;
    buf[0] = '\0';
    append_safe(buf, len, set->scenario);
    const char *parts[] = {set->runtime, set->policy, set->allocator, set->threshold};
    if (same > 1)
        append_parts(buf, len, parts, sizeof parts / sizeof parts[0]);
}

/* The parts of a setting a title can name, as bits of a mask. */
enum { PART_RUNTIME = 1, PART_POLICY = 2, PART_ALLOCATOR = 4, PART_THRESHOLD = 8, PART_ALL = 15 };
#define N_PARTS 4

static const char *part_value(const ds_setting *set, int i)
{
    const char *values[N_PARTS] = {set->runtime, set->policy, set->allocator, set->threshold};
    return values[i];
}

/* "runtime native, policy py311": the parts of set in mask that runs.csv has ("(none)" for
 * an empty one in force_mask, which names parts that must show). */
static void parts_text(const ds_setting *set, unsigned mask, unsigned force_mask, char *buf,
                       size_t len)
{
    static const char *const keys[N_PARTS] = {"runtime", "policy", "allocator", "threshold"};
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < N_PARTS && used < len; i++) {
        const char *v = part_value(set, i);
        bool forced = force_mask & (1u << i);
        if ((mask & (1u << i)) && (*v || forced))
            used += (size_t)snprintf(buf + used, len - used, "%s%s %s", used ? ", " : "", keys[i],
                                     *v ? v : "(none)");
    }
}

/* "HEAD" with "\nPARTS" below it when parts is not empty: a picture's two-line title. */
static void two_line_title(char *buf, size_t len, const char *head, const char *parts)
{
    snprintf(buf, len, "%s%s%s", head, *parts ? "\n" : "", parts);
}

/* A data-file string: double-quoted, with '"' turned into '\'' and '\\' into '/' (gnuplot
 * reads backslash escapes inside double quotes), a line break into a space. */
static void write_quoted(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (; *s; s++)
        fputc(*s == '"' ? '\'' : *s == '\\' ? '/' : (*s == '\n' || *s == '\r') ? ' ' : *s, fp);
    fputc('"', fp);
}

/* fclose(fp), reporting a write that failed on the way. Returns 0, or -1 with errno. */
static int close_data_file(FILE *fp)
{
    bool failed = ferror(fp);
    if (fclose(fp) != 0)
        return -1;
    if (failed)
        errno = EIO;
    return failed ? -1 : 0;
}

/* ==== series and the RSS data file ========================================================= */

/* One line of the plot: a mode's median over its ok runs, or one run that stopped early. */
typedef struct series {
    int mode;
    const ds_run *failed_run; /* NULL for a mode's median */
    char title[160];
} series;

/* The figure a setting's own picture draws: RSS where its RSS is comparable, else the live
 * instances of the scenario's classes (Pyodide: RSS is the Node.js process's). */
static size_t setting_field(const ds_setting *set)
{
    return set->rss_comparable ? offsetof(ds_sample, rss_bytes)
                               : offsetof(ds_sample, class_objects);
}

static int64_t sample_field(const ds_sample *s, size_t field)
{
    return *(const int64_t *)((const char *)s + field);
}

static bool run_has_field(const ds_run *run, size_t field)
{
    for (size_t k = 0; k < run->niters; k++)
        if (sample_field(&run->iters[k], field) != DS_MISSING)
            return true;
    return false;
}

/* The series of setting, in the order forced, auto, off; in each mode its median first
 * (when an ok run has a sample), then its failed runs that have samples. out has room for
 * DS_MODES + the setting's runs. Returns how many. */
static size_t collect_series(const ds *d, size_t setting, series *out)
{
    const ds_setting *set = &d->settings[setting];
    size_t n = 0, field = setting_field(set);
    for (int m = 0; m < DS_MODES; m++) {
        bool has_ok = false;
        for (size_t i = 0; i < set->nruns[m]; i++) {
            const ds_run *run = &d->runs[set->runs[m][i]];
            has_ok = has_ok || (run->ok && run_has_field(run, field));
        }
        if (has_ok) {
            out[n] = (series){.mode = m};
            snprintf(out[n++].title, sizeof out->title, "%s", ds_mode_titles[m]);
        }
        for (size_t i = 0; i < set->nruns[m]; i++) {
            const ds_run *run = &d->runs[set->runs[m][i]];
            if (run->ok || !run_has_field(run, field))
                continue;
            out[n] = (series){.mode = m, .failed_run = run};
            snprintf(out[n++].title, sizeof out->title, "%s, %s %s", ds_mode_titles[m], run->run_id,
                     *run->status ? run->status : "no status");
        }
    }
    return n;
}

/* "forced auto auto:failed": rss.gp's SERIES argument. */
static void series_words(const series *s, size_t n, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s%s", i ? " " : "",
                                 ds_mode_names[s[i].mode], s[i].failed_run ? ":failed" : "");
}

/* A value of field as the data file holds it: RSS in MiB, a count as it is. */
static void write_value(FILE *fp, int64_t v, size_t field)
{
    if (v == DS_MISSING)
        fputs(" NaN", fp);
    else if (field == offsetof(ds_sample, rss_bytes))
        fprintf(fp, " %.4f", (double)v / MIB);
    else
        fprintf(fp, " %lld", (long long)v);
}

/* Writes one series' three columns for iteration it. *cursor walks a failed run's sorted
 * iters, so a whole column costs one pass over them. */
static void write_cells(FILE *fp, const ds *d, size_t setting, const series *s, int64_t it,
                        size_t *cursor, size_t field)
{
    int64_t median = DS_MISSING, min = DS_MISSING, max = DS_MISSING;
    if (s->failed_run == NULL) {
        ds_iter_stat(d, setting, s->mode, it, field, &median, &min, &max);
    } else {
        const ds_run *run = s->failed_run;
        while (*cursor < run->niters && run->iters[*cursor].iteration < it)
            (*cursor)++;
        if (*cursor < run->niters && run->iters[*cursor].iteration == it)
            median = min = max = sample_field(&run->iters[*cursor], field);
    }
    write_value(fp, median, field);
    write_value(fp, min, field);
    write_value(fp, max, field);
}

/* Writes path: header comment, the titles line, one line per iteration 0..last. */
static int write_data_file(const char *path, const ds *d, size_t setting, const series *s, size_t n,
                           int64_t last, const char *title)
{
    FILE *fp = fopen(path, "w");
    if (fp == NULL)
        return -1;
    char words[WORDS_LEN];
    size_t field = setting_field(&d->settings[setting]);
    bool rss = field == offsetof(ds_sample, rss_bytes);
    series_words(s, n, words, sizeof words);
    fprintf(fp, "# gcbench: %s against iteration for %s\n",
            rss ? "RSS" : "live instances of the scenario's classes", title);
    fprintf(fp, "# from %s (runs.csv, samples.csv); drawn by plots/" RSS_SCRIPT "\n", d->dir);
    if (rss)
        fprintf(fp, "# column 1: iteration (0 = start, after setup); then per series: median, min, "
                    "max RSS in MiB over its runs; NaN = no sample\n");
    else
        fprintf(fp, "# RSS is not comparable in this runtime (a Node.js process; WebAssembly "
                    "memory only grows)\n# column 1: iteration (0 = start, after setup); then per "
                    "series: median, min, max over its runs of the live instances of the "
                    "scenario's classes (summed over its classes); NaN = no sample\n");
    fprintf(fp, "# series: %s\n", words);
    write_quoted(fp, "iteration");
    for (size_t i = 0; i < n; i++) {
        fputc(' ', fp);
        write_quoted(fp, s[i].title);
        fputs(" \"min\" \"max\"", fp);
    }
    fputc('\n', fp);
    size_t *cursors = calloc(n + 1, sizeof *cursors);
    for (int64_t it = 0; cursors != NULL && it <= last; it++) {
        fprintf(fp, "%lld", (long long)it);
        for (size_t i = 0; i < n; i++)
            write_cells(fp, d, setting, &s[i], it, &cursors[i], field);
        fputc('\n', fp);
    }
    if (cursors == NULL)
        fputs("# out of memory\n", fp), errno = ENOMEM;
    free(cursors);
    int rc = close_data_file(fp);
    return cursors == NULL ? -1 : rc;
}

/* ==== the verdict's fitted growth ========================================================== */

/* The verdict judges growth over the later half of a run (verdict.h): summary.csv has, per
 * mode, that half's first iteration L and its Theil–Sen slope (median over repeats). A
 * setting's picture draws it as a straight dashed line over iterations L..N through the
 * medians: slope as summary.csv says, intercept the median of (median(i) - slope * i) over
 * i in L..N (Theil–Sen's own intercept). */

/* The fitted line of mode m: its ends (x0, y0) and (x1, y1) in the data file's unit. Returns
 * false when summary.csv has no later-half figures for it or the mode has no samples there. */
static bool fit_line(const ds *d, size_t setting, int m, double ends[4])
{
    long row = report_summary_row(d, setting, m);
    if (row < 0)
        return false;
    const csvt *t = &d->summary;
    bool rss = d->settings[setting].rss_comparable, bad = false, has_l, has_g;
    double first, slope;
    has_l = csvt_f64(t, (size_t)row, csvt_col(t, "late_first_iteration"), &first, &bad);
    has_g = csvt_f64(
        t, (size_t)row,
        csvt_col(t, rss ? "rss_growth_late_bytes_per_iter" : "class_objects_growth_late_per_iter"),
        &slope, &bad);
    int64_t last = ds_last_iteration(d, setting, m);
    /* summary.csv is read, not trusted: first must be within the mode's iterations (a NaN is
     * not), which also keeps its conversion defined */
    if (!has_l || !has_g || bad || !(first >= 0 && first <= (double)last))
        return false;
    int64_t from = (int64_t)first;
    size_t field = setting_field(&d->settings[setting]), n = 0;
    double *r = malloc((size_t)(last - from + 1) * sizeof *r);
    if (r == NULL)
        return false;
    for (int64_t it = from; it <= last; it++) {
        int64_t med, lo, hi;
        if (ds_iter_stat(d, setting, m, it, field, &med, &lo, &hi) > 0 && med != DS_MISSING)
            r[n++] = (double)med - slope * (double)it;
    }
    double b = n > 0 ? stats_median_f64(r, n) : 0;
    free(r);
    if (n == 0)
        return false;
    double scale = rss ? MIB : 1.0;
    ends[0] = first;
    ends[1] = (b + slope * first) / scale;
    ends[2] = (double)last;
    ends[3] = (b + slope * (double)last) / scale;
    return true;
}

/* Writes path: one block per mode with a fitted line, two blank lines apart, each headed by
 * the mode (double-quoted) and two more words, then two rows "x y"; the modes' words into words (""
 * when none: the file is then removed). */
static int write_fit_file(const char *path, const ds *d, size_t setting, char *words, size_t len)
{
    words[0] = '\0';
    FILE *fp = fopen(path, "w");
    if (fp == NULL)
        return -1;
    fprintf(fp, "# gcbench: the verdict's fitted growth (Theil-Sen over the later half of the "
                "run), per mode; drawn by plots/" RSS_SCRIPT "\n");
    size_t used = 0, blocks = 0;
    for (int m = 0; m < DS_MODES && used < len; m++) {
        double e[4];
        if (!fit_line(d, setting, m, e))
            continue;
        fprintf(fp, "%s\"%s\" \"iteration\" \"fit\"\n%g %.6f\n%g %.6f\n", blocks ? "\n\n" : "",
                ds_mode_names[m], e[0], e[1], e[2], e[3]);
        used +=
            (size_t)snprintf(words + used, len - used, "%s%s", blocks ? " " : "", ds_mode_names[m]);
        blocks++;
    }
    int rc = close_data_file(fp);
    if (blocks == 0)
        unlink(path);
    return rc;
}

/* " — verdict: delayed" for a picture's title, "" when summary.csv has none. */
static void verdict_suffix(const ds *d, size_t setting, char *buf, size_t len)
{
    buf[0] = '\0';
    for (int m = 0; m < DS_MODES; m++) {
        long row = report_summary_row(d, setting, m);
        if (row < 0)
            continue;
        const char *v = csvt_get(&d->summary, (size_t)row, csvt_col(&d->summary, "verdict"));
        if (*v)
            snprintf(buf, len, " \u2014 verdict: %s", v);
        return;
    }
}

/* ==== tick samples ========================================================================= */

/* Tick samples are the parent's reads of the worker's RSS every --interval-ms, between and
 * during iterations. They are drawn on the iteration axis: a tick taken at time t between the
 * boundary samples of iterations k (at t_k) and k+1 (at t_k1) sits at
 * x = k + (t - t_k) / (t_k1 - t_k), so the thin line shows how RSS rose and fell inside each
 * iteration (the step's allocations, the forced collection) under the boundary line. Ticks
 * before the baseline sample (setup) or after the last one (teardown) have no place on that
 * axis and are left out. One run per mode is drawn: its first successful repeat. */

/* The fractional iteration of time t_ns in run, or -1 outside its iteration samples.
 * *cursor walks the run's iters (ticks come sorted by time). */
static double tick_x(const ds_run *run, int64_t t_ns, size_t *cursor)
{
    while (*cursor + 1 < run->niters && run->iters[*cursor + 1].t_ns != DS_MISSING &&
           run->iters[*cursor + 1].t_ns <= t_ns)
        (*cursor)++;
    if (*cursor + 1 >= run->niters)
        return -1;
    const ds_sample *a = &run->iters[*cursor], *b = &run->iters[*cursor + 1];
    if (a->t_ns == DS_MISSING || b->t_ns == DS_MISSING || t_ns < a->t_ns || b->t_ns <= a->t_ns)
        return -1;
    return (double)a->iteration + (double)(b->iteration - a->iteration) * (double)(t_ns - a->t_ns) /
                                      (double)(b->t_ns - a->t_ns);
}

/* The run whose ticks stand for (setting, mode): the first ok run by repeat with at least two
 * ticks inside its iterations, or NULL. */
static const ds_run *tick_run(const ds *d, size_t setting, int mode)
{
    const ds_setting *set = &d->settings[setting];
    for (size_t i = 0; i < set->nruns[mode]; i++) {
        const ds_run *run = &d->runs[set->runs[mode][i]];
        size_t cursor = 0, inside = 0;
        for (size_t k = 0; run->ok && k < run->nticks && inside < 2; k++)
            inside += run->ticks[k].rss_bytes != DS_MISSING && run->ticks[k].t_ns != DS_MISSING &&
                      tick_x(run, run->ticks[k].t_ns, &cursor) >= 0;
        if (inside >= 2)
            return run;
    }
    return NULL;
}

/* One run's RSS in time order: its ticks inside its iterations, and its boundary samples
 * between them (at whole iterations), so that the line passes through every RSS reading of
 * the run — without the boundary samples, ticks a little more than an iteration apart would
 * be joined across the drop a forced collection makes. */
static void write_trace(FILE *fp, const ds_run *run)
{
    size_t cursor = 0, next_iter = 0;
    for (size_t k = 0; k <= run->nticks; k++) {
        const ds_sample *t = k < run->nticks ? &run->ticks[k] : NULL;
        int64_t t_ns = t != NULL ? t->t_ns : INT64_MAX;
        for (; next_iter < run->niters &&
               (run->iters[next_iter].t_ns == DS_MISSING || run->iters[next_iter].t_ns <= t_ns);
             next_iter++) {
            const ds_sample *it = &run->iters[next_iter];
            if (it->t_ns != DS_MISSING && it->rss_bytes != DS_MISSING)
                fprintf(fp, "%lld %.4f %.4f\n", (long long)it->iteration,
                        (double)it->rss_bytes / MIB, (double)it->t_ns / 1e9);
        }
        double x = t == NULL || t_ns == DS_MISSING ? -1 : tick_x(run, t_ns, &cursor);
        if (x >= 0 && t->rss_bytes != DS_MISSING)
            fprintf(fp, "%.4f %.4f %.4f\n", x, (double)t->rss_bytes / MIB, (double)t_ns / 1e9);
    }
}

/* "10 ms": the median time between run's ticks, for the legend ("tick" when unknown). */
static void tick_interval(const ds_run *run, char *buf, size_t len)
{
    int64_t *gaps = malloc((run->nticks + 1) * sizeof *gaps);
    size_t n = 0;
    for (size_t k = 1; gaps != NULL && k < run->nticks; k++)
        if (run->ticks[k].t_ns != DS_MISSING && run->ticks[k - 1].t_ns != DS_MISSING)
            gaps[n++] = run->ticks[k].t_ns - run->ticks[k - 1].t_ns;
    double ms = n > 0 ? (double)stats_median_i64(gaps, n) / 1e6 : 0;
    free(gaps);
    if (ms <= 0)
        snprintf(buf, len, "tick");
    else
        snprintf(buf, len, ms < 10 ? "%.1f ms" : "%.0f ms", ms);
}

/* Writes path: one block per mode that has ticks (blocks two blank lines apart, each headed
 * by its title), rows "x RSS_MiB seconds"; the modes' words into words ("" when none: the file
 * is then not written) and the key entry of the tick lines into key. Returns 0, or -1 with
 * errno. */
static int write_ticks_file(const char *path, const ds *d, size_t setting, const char *title,
                            char *words, size_t len, char *key, size_t key_len)
{
    const ds_run *runs[DS_MODES];
    size_t used = 0;
    words[0] = '\0';
    for (int m = 0; m < DS_MODES; m++)
        if ((runs[m] = tick_run(d, setting, m)) != NULL && used < len)
            used += (size_t)snprintf(words + used, len - used, "%s%s", used ? " " : "",
                                     ds_mode_names[m]);
    if (used == 0)
        return 0;
    char interval[32] = "tick";
    for (int m = 0; m < DS_MODES && strcmp(interval, "tick") == 0; m++)
        if (runs[m] != NULL)
            tick_interval(runs[m], interval, sizeof interval);
    snprintf(key, key_len, "thin: one run's RSS every %s", interval);
    FILE *fp = fopen(path, "w");
    if (fp == NULL)
        return -1;
    fprintf(fp, "# gcbench: tick samples (RSS read every --interval-ms) for %s\n", title);
    fprintf(fp,
            "# one block per mode (%s), its first successful run: its tick samples and, between "
            "them, its iteration samples, in time order; columns: the iteration (a tick's as a "
            "fraction between the iteration samples around it); RSS in MiB; seconds since the "
            "run started\n",
            words);
    bool first = true;
    for (int m = 0; m < DS_MODES; m++) {
        const ds_run *run = runs[m];
        if (run == NULL)
            continue;
        char block_title[160], interval[32];
        tick_interval(run, interval, sizeof interval);
        snprintf(block_title, sizeof block_title, "%s, RSS every %s (%s)", ds_mode_titles[m],
                 interval, run->run_id);
        fputs(first ? "" : "\n\n", fp);
        first = false;
        write_quoted(fp, block_title);
        fputs(" \"RSS\" \"seconds\"\n", fp);
        write_trace(fp, run);
    }
    return close_data_file(fp);
}

/* The outcome that matters more: gnuplot missing, then a failure, then a picture drawn. */
static plot_outcome worse(plot_outcome a, plot_outcome b)
{
    static const int rank[] = {
        [PLOT_EMPTY] = 0, [PLOT_DONE] = 1, [PLOT_FAILED] = 2, [PLOT_NO_GNUPLOT] = 3};
    return rank[b] > rank[a] ? b : a;
}

/* ==== running gnuplot ====================================================================== */

/* Reads fd to its end into a buffer of at most STDERR_KEEP_BYTES (NUL-terminated; NULL when
 * out of memory, in which case the output is drained and dropped). */
static char *read_all(int fd)
{
    char *buf = malloc(STDERR_KEEP_BYTES + 1);
    size_t used = 0;
    char chunk[4096];
    for (;;) {
        ssize_t got = read(fd, chunk, sizeof chunk);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        size_t keep = buf && used < STDERR_KEEP_BYTES ? STDERR_KEEP_BYTES - used : 0;
        if (keep > (size_t)got)
            keep = (size_t)got;
        if (keep > 0)
            memcpy(buf + used, chunk, keep);
        used += keep;
    }
    if (buf != NULL)
        buf[used] = '\0';
    return buf;
}

/* Forwards gnuplot's stderr text to ours, each line as "  gnuplot: LINE". */
static void forward_stderr(const char *text)
{
    while (text != NULL && *text) {
        size_t n = strcspn(text, "\n");
        if (n > 0)
            fprintf(stderr, "  gnuplot: %.*s\n", (int)n, text);
        text += n + (text[n] == '\n');
    }
}

/* In the child: stdin from /dev/null, stderr into err_w, then exec gnuplot. On failure,
 * errno goes up status_w (close-on-exec, so the parent reads EOF when exec succeeds). */
static void exec_gnuplot_child(char *const argv[], int err_w, int status_w)
{
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull < 0 || dup2(devnull, STDIN_FILENO) < 0 || dup2(err_w, STDERR_FILENO) < 0) {
        int e = errno;
        (void)!write(status_w, &e, sizeof e);
        _exit(127);
    }
    execvp("gnuplot", argv);
    int e = errno;
    (void)!write(status_w, &e, sizeof e);
    _exit(127);
}

/* Starts gnuplot with argv (stdin /dev/null, stderr into *err_fd). Returns 0, or the errno
 * of what failed (ENOENT: gnuplot is not on PATH). fork + execvp with an errno pipe, rather
 * than posix_spawnp, so that exec's failure is seen wherever this runs (valgrind included). */
static int spawn_gnuplot(char *const argv[], pid_t *pid, int *err_fd)
{
    int err_pipe[2], status_pipe[2];
    if (pipe2(err_pipe, O_CLOEXEC) != 0)
        return errno;
    if (pipe2(status_pipe, O_CLOEXEC) != 0) {
        int e = errno;
        close(err_pipe[0]);
        close(err_pipe[1]);
        return e;
    }
    fflush(NULL); /* nothing buffered is written twice */
    *pid = fork();
    if (*pid == 0)
        exec_gnuplot_child(argv, err_pipe[1], status_pipe[1]);
    int rc = *pid < 0 ? errno : 0;
    close(err_pipe[1]);
    close(status_pipe[1]);
    int child_errno;
    ssize_t got;
    while (rc == 0 && (got = read(status_pipe[0], &child_errno, sizeof child_errno)) != 0) {
        if (got < 0 && errno == EINTR)
            continue;
        rc = got == (ssize_t)sizeof child_errno ? child_errno : EIO;
        while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    close(status_pipe[0]);
    if (rc != 0)
        close(err_pipe[0]);
    else
        *err_fd = err_pipe[0];
    return rc;
}

/* Runs `gnuplot [-e PRE] -c SCRIPT ARGS…` (args NULL-terminated, at most 9: gnuplot's limit;
 * PRE, when not NULL, gnuplot commands run first: the way to hand a script more) and waits
 * for it; data and out name the main data file and the image in messages. */
static plot_outcome run_gnuplot(const char *script, const char *pre, const char *const *args,
                                const char *data, const char *out)
{
    char *argv[16] = {"gnuplot"};
    size_t argc = 1;
    if (pre != NULL) {
        argv[argc++] = "-e";
        argv[argc++] = (char *)pre;
    }
    argv[argc++] = "-c";
    argv[argc++] = (char *)script;
    for (size_t i = 0; args[i] != NULL && argc + 1 < sizeof argv / sizeof argv[0]; i++)
        argv[argc++] = (char *)args[i];
    argv[argc] = NULL;
    pid_t pid = -1;
    int err_fd = -1;
    int rc = spawn_gnuplot(argv, &pid, &err_fd);
    if (rc == ENOENT)
        return PLOT_NO_GNUPLOT;
    if (rc != 0) {
        gcb_error("cannot run gnuplot: %s; plots skipped", strerror(rc));
        return PLOT_FAILED;
    }
    char *text = read_all(err_fd);
    close(err_fd);
    int status = 0;
    pid_t waited;
    while ((waited = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
        ;
    plot_outcome outcome = PLOT_DONE;
    if (waited < 0) {
        gcb_error("cannot wait for gnuplot drawing %s: %s", out, strerror(errno));
        outcome = PLOT_FAILED;
    } else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
        gcb_error("gnuplot failed (exit status %d) running %s on %s for %s:", WEXITSTATUS(status),
                  script, data, out);
        outcome = PLOT_FAILED;
    } else if (WIFSIGNALED(status)) {
        gcb_error("gnuplot was killed by signal %d running %s on %s for %s", WTERMSIG(status),
                  script, data, out);
        outcome = PLOT_FAILED;
    }
    forward_stderr(text);
    free(text);
    return outcome;
}

/* ctx->scripts/NAME into buf; a script that cannot be read is reported (-1). */
static int script_path(const plot_ctx *ctx, const char *name, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%s", ctx->scripts, name);
    if (access(buf, R_OK) == 0)
        return 0;
    gcb_error("%s: cannot read: %s; plots skipped", buf, strerror(errno));
    return -1;
}

/* Draws plots_dir/NAME.FORMAT with script, pre (gnuplot commands run first, or NULL) and args
 * (NULL-terminated), from data; says so unless quiet. */
static plot_outcome draw_with(const plot_ctx *ctx, const char *script_name, const char *pre,
                              const char *const *args, const char *data, const char *out)
{
    char script[PATH_MAX];
    if (script_path(ctx, script_name, script, sizeof script) != 0)
        return PLOT_FAILED;
    plot_outcome outcome = run_gnuplot(script, pre, args, data, out);
    if (outcome == PLOT_DONE && !ctx->quiet)
        printf("plot: %s\n", out);
    return outcome;
}

static plot_outcome draw(const plot_ctx *ctx, const char *script_name, const char *const *args,
                         const char *data, const char *out)
{
    return draw_with(ctx, script_name, NULL, args, data, out);
}

/* s as a gnuplot single-quoted string into buf ('' for a quote); false when it does not fit. */
static bool gp_quote(char *buf, size_t len, const char *s)
{
    size_t k = 0;
    if (len < 3)
        return false;
    buf[k++] = '\'';
    for (; *s != '\0'; s++) {
        if (k + 4 > len)
            return false;
        if (*s == '\'')
            buf[k++] = '\'';
        buf[k++] = *s;
    }
    buf[k++] = '\'';
    buf[k] = '\0';
    return true;
}

/* ==== one setting ========================================================================== */

/* The y axis' label of a setting's own picture (and its overview panel). */
static const char *setting_ylabel(const ds_setting *set)
{
    return set->rss_comparable ? "RSS (MiB)" : "live instances of the scenario's classes";
}

/* Writes plots_dir/NAME.dat (and NAME-ticks.dat when the runs have tick samples) and has
 * gnuplot draw plots_dir/NAME.FORMAT. */
static plot_outcome plot_setting(plot_ctx *ctx, size_t setting)
{
    const ds *d = ctx->d;
    char *name = ctx->names[setting], *words = ctx->words[setting];
    char title[TITLE_LEN], data[PATH_MAX], ticks[PATH_MAX], out[PATH_MAX], tick_words[64] = "";
    char tick_title[160] = "", fit[PATH_MAX], fit_words[64] = "";
    plot_name(d, setting, name, NAME_LEN);
    report_setting_title(d, setting, title, sizeof title);
    const ds_setting *set = &d->settings[setting];
    series *s = calloc(DS_MODES + set->nruns[0] + set->nruns[1] + set->nruns[2], sizeof *s);
    if (s == NULL) {
        gcb_error("out of memory plotting %s", title);
        return PLOT_FAILED;
    }
    size_t n = collect_series(d, setting, s);
    series_words(s, n, words, WORDS_LEN);
    int64_t last = -1;
    for (int m = 0; m < DS_MODES; m++)
        if (ds_last_iteration(d, setting, m) > last)
            last = ds_last_iteration(d, setting, m);
    snprintf(data, sizeof data, "%s/%s.dat", ctx->plots_dir, name);
    snprintf(ticks, sizeof ticks, "%s/%s-ticks.dat", ctx->plots_dir, name);
    snprintf(out, sizeof out, "%s/%s.%s", ctx->plots_dir, name, ctx->format);
    snprintf(fit, sizeof fit, "%s/%s-fit.dat", ctx->plots_dir, name);
    plot_outcome outcome = PLOT_DONE;
    if (n == 0 || last < 0) {
        gcb_error("%s: no RSS samples to plot; skipped", title);
        outcome = PLOT_EMPTY;
    } else if (write_data_file(data, d, setting, s, n, last, title) != 0) {
        gcb_error("%s: cannot write: %s", data, strerror(errno));
        outcome = PLOT_FAILED;
    } else if (set->rss_comparable &&
               write_ticks_file(ticks, d, setting, title, tick_words, sizeof tick_words, tick_title,
                                sizeof tick_title) != 0) {
        gcb_error("%s: cannot write: %s", ticks, strerror(errno));
        outcome = PLOT_FAILED;
    } else if (write_fit_file(fit, d, setting, fit_words, sizeof fit_words) != 0) {
        gcb_error("%s: cannot write: %s", fit, strerror(errno));
        outcome = PLOT_FAILED;
    } else {
        char parts[TITLE_LEN], image_title[TITLE_LEN], head[TITLE_LEN], suffix[64];
        verdict_suffix(d, setting, suffix, sizeof suffix);
        snprintf(head, sizeof head, "%s%s", set->scenario, suffix);
        parts_text(set, PART_ALL, 0, parts, sizeof parts);
        two_line_title(image_title, sizeof image_title, head, parts);
        const char *args[] = {data,        out,        image_title,
                              ctx->format, words,      *tick_words ? ticks : "",
                              tick_words,  tick_title, setting_ylabel(set),
                              NULL};
        /* gnuplot takes 9 arguments: the fitted lines go in as variables (rss.gp) */
        char pre[PATH_MAX + 128], quoted[2 * PATH_MAX + 3];
        bool fits = *fit_words && gp_quote(quoted, sizeof quoted, fit);
        if (fits)
            snprintf(pre, sizeof pre, "fitfile = %s; fitseries = '%s'", quoted, fit_words);
        outcome = draw_with(ctx, RSS_SCRIPT, fits ? pre : NULL, args, data, out);
        if (outcome == PLOT_NO_GNUPLOT) {
            unlink(data);
            if (*tick_words)
                unlink(ticks);
            if (*fit_words)
                unlink(fit);
        }
    }
    ctx->drawn[setting] = outcome == PLOT_DONE;
    free(s);
    return outcome;
}

/* ==== a scenario's settings side by side ================================================== */

/* Where a scenario ran in several runtimes or policies (a "lineup"), two pictures set its
 * settings side by side, a panel per GC mode and a line per setting:
 * SCENARIO-instances.FORMAT, the live instances of the scenario's class (the one the report's
 * table shows, report_instances_class), and SCENARIO-rss-compared.FORMAT, the RSS of the
 * settings whose RSS is comparable only (Pyodide's never stands beside the others). A line's
 * colour says which CPython collector it is or models — the native runtime's policy, a real
 * CPython's version (3.14.0–3.14.4: py314inc) — and its dash and points which kind of runtime
 * ran it (native solid with filled circles, CPython dashed with open squares, Pyodide dash-dot
 * with open triangles): a policy and the interpreter it models share a colour, and py314inc's
 * vermillion stands out. */

static const struct {
    const char *family, *colour;
} family_colours[] = {
    {"py311", "#0072B2"}, {"py312", "#56B4E9"}, {"py313", "#009E73"}, {"py314inc", "#D55E00"},
    {"py314", "#E69F00"}, {"py315", "#CC79A7"}, {"py27", "#555555"},
};
static const char *const spare_colours[] = {"#8C564B", "#B8A000", "#000000", "#7570B3",
                                            "#1B9E77", "#E7298A", "#66A61E", "#A6761D"};
#define STYLE_LEN 24

/* The collector a setting is or models: "py311", "py314inc", … ("" when unknown). */
static void family_of(const ds_setting *set, char *buf, size_t len)
{
    int major, minor, micro = 0;
    const char *dash = strchr(set->runtime, '-');
    buf[0] = '\0';
    if (strcmp(set->runtime, "native") == 0)
        snprintf(buf, len, "%s", set->policy);
    else if (strcmp(set->runtime, "python") == 0)
        snprintf(buf, len, "py311"); /* the embedded CPython 3.11 */
    else if (dash != NULL && sscanf(dash + 1, "%d.%d.%d", &major, &minor, &micro) >= 2)
        snprintf(buf, len, "py%d%d%s", major, minor,
                 major == 3 && minor == 14 && micro <= 4 ? "inc" : "");
}

/* "COLOUR:DASH:POINT" for each of members[0..n) (see above); two settings that would look the
 * same get different colours, the later one a spare colour no member uses. */
static void assign_styles(const ds *d, const size_t *members, size_t n, char (*styles)[STYLE_LEN])
{
    for (size_t i = 0; i < n; i++) {
        const ds_setting *set = &d->settings[members[i]];
        char family[32];
        family_of(set, family, sizeof family);
        const char *colour = NULL;
        for (size_t f = 0; f < sizeof family_colours / sizeof family_colours[0]; f++)
            if (strcmp(family, family_colours[f].family) == 0)
                colour = family_colours[f].colour;
        bool native = strcmp(set->runtime, "native") == 0;
        bool pyodide = strncmp(set->runtime, "pyodide", 7) == 0;
        int dash = native ? 1 : pyodide ? 4 : 2, point = native ? 7 : pyodide ? 8 : 4;
        char mine[STYLE_LEN];
        for (size_t spare = 0;; spare++) {
            snprintf(mine, sizeof mine, "%s:%d:", colour != NULL ? colour : "", dash);
            bool taken = colour == NULL;
            for (size_t k = 0; k < i && !taken; k++)
                taken = strncmp(styles[k], mine, strlen(mine)) == 0;
            if (!taken || spare == sizeof spare_colours / sizeof spare_colours[0])
                break;
            colour = spare_colours[spare];
            for (size_t k = 0; k < i; k++) /* a spare colour no member has */
                if (strncmp(styles[k], colour, 7) == 0)
                    colour = NULL;
            if (colour == NULL)
                colour = "#000000";
        }
        snprintf(styles[i], STYLE_LEN, "%s%d", mine, point);
    }
}

/* The settings of the scenario of `first` (its first setting), into members. Returns how
 * many; *lineup tells whether they differ in runtime or policy. */
static size_t scenario_members(const ds *d, size_t first, size_t *members, bool *lineup)
{
    const ds_setting *f = &d->settings[first];
    size_t n = 0;
    *lineup = false;
    for (size_t s = first; s < d->nsettings; s++) {
        const ds_setting *set = &d->settings[s];
        if (strcmp(set->scenario, f->scenario) != 0)
            continue;
        members[n++] = s;
        *lineup =
            *lineup || strcmp(set->runtime, f->runtime) != 0 || strcmp(set->policy, f->policy) != 0;
    }
    return n;
}

/* The modes any of members ran, auto first (the collector's own doing), then forced, off. */
static size_t members_modes(const ds *d, const size_t *members, size_t n, int *modes)
{
    static const int order[DS_MODES] = {1, 0, 2};
    size_t k = 0;
    for (int i = 0; i < DS_MODES; i++) {
        bool present = false;
        for (size_t j = 0; j < n && !present; j++)
            present = d->settings[members[j]].nruns[order[i]] > 0;
        if (present)
            modes[k++] = order[i];
    }
    return k;
}

/* What a lineup picture draws: RSS (class_id < 0) or one class's live instances. */
typedef struct lineup_figure {
    long class_id;
    const char *what; /* for the data file's header */
} lineup_figure;

/* The median over (setting, mode)'s ok runs of the figure at iteration (DS_MISSING: none). */
static int64_t lineup_value(const ds *d, size_t setting, int mode, int64_t it, long class_id)
{
    int64_t median = DS_MISSING, lo, hi;
    if (class_id < 0)
        ds_iter_stat(d, setting, mode, it, offsetof(ds_sample, rss_bytes), &median, &lo, &hi);
    else
        ds_class_stat(d, setting, mode, it, (size_t)class_id, &median, &lo, &hi);
    return median;
}

/* Writes path: column 1 the iteration, then per mode of modes[] one column per member, each
 * titled with the member's label; mode_max[m] gets the largest value written in mode m (in the
 * file's unit; 0 when none). Returns 1 when some value was written, 0 when none, -1 on a write
 * error (errno). */
static int write_lineup_file(const char *path, const ds *d, const size_t *members, size_t n,
                             const int *modes, size_t nmodes, const lineup_figure *fig,
                             double *mode_max)
{
    FILE *fp = fopen(path, "w");
    if (fp == NULL)
        return -1;
    fprintf(fp, "# gcbench: %s against iteration, %s's settings side by side\n", fig->what,
            d->settings[members[0]].scenario);
    fprintf(fp, "# from %s (runs.csv, samples.csv); drawn by plots/lines.gp\n", d->dir);
    fprintf(fp, "# column 1: iteration (0 = start, after setup); then per mode (");
    for (size_t m = 0; m < nmodes; m++)
        fprintf(fp, "%s%s", m ? ", " : "", ds_mode_names[modes[m]]);
    fprintf(fp, ") one column per setting: the median over its runs that succeeded; NaN = none\n");
    write_quoted(fp, "iteration");
    int64_t last = -1;
    for (size_t m = 0; m < nmodes; m++)
        for (size_t i = 0; i < n; i++) {
            char label[NAME_LEN];
            report_setting_label(d, members[i], label, sizeof label, ' ');
            fputc(' ', fp);
            write_quoted(fp, label);
            if (ds_last_iteration(d, members[i], modes[m]) > last)
                last = ds_last_iteration(d, members[i], modes[m]);
        }
    fputc('\n', fp);
    bool any = false;
    for (size_t m = 0; m < nmodes; m++)
        mode_max[m] = 0;
    for (int64_t it = 0; it <= last; it++) {
        fprintf(fp, "%lld", (long long)it);
        for (size_t m = 0; m < nmodes; m++)
            for (size_t i = 0; i < n; i++) {
                int64_t v = lineup_value(d, members[i], modes[m], it, fig->class_id);
                double shown = fig->class_id < 0 ? (double)v / MIB : (double)v;
                any = any || v != DS_MISSING;
                if (v == DS_MISSING)
                    fputs(" NaN", fp);
                else if (fig->class_id < 0)
                    fprintf(fp, " %.4f", shown);
                else
                    fprintf(fp, " %lld", (long long)v);
                if (v != DS_MISSING && shown > mode_max[m])
                    mode_max[m] = shown;
            }
        fputc('\n', fp);
    }
    return close_data_file(fp) != 0 ? -1 : any;
}

/* The top of a y axis whose largest value is max: a little above it, or 1 when every value is
 * 0 (gnuplot cannot scale an axis from 0 to 0). */
static double y_top(double max) { return max > 0 ? max * 1.05 : 1.0; }

/* The second line of a lineup picture's title: which line is which kind of runtime (of those
 * present), and, for RSS, that Pyodide's is left out. */
static void line_kinds(const ds *d, const size_t *members, size_t n, bool rss, char *buf,
                       size_t len)
{
    bool native = false, cpython = false, pyodide = false;
    for (size_t i = 0; i < n; i++) {
        const char *r = d->settings[members[i]].runtime;
        native = native || strcmp(r, "native") == 0;
        pyodide = pyodide || strncmp(r, "pyodide", 7) == 0;
        cpython = cpython || (strcmp(r, "native") != 0 && strncmp(r, "pyodide", 7) != 0);
    }
    size_t used = 0;
    const char *parts[] = {native ? "native runtime solid" : "", cpython ? "CPython dashed" : "",
                           pyodide ? "Pyodide dash-dot" : ""};
    buf[0] = '\0';
    for (size_t i = 0; i < 3 && used < len; i++)
        if (*parts[i])
            used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "", parts[i]);
    if (used < len)
        used += (size_t)snprintf(buf + used, len - used,
                                 "%sthe colour is the CPython collector run or modelled",
                                 used ? "; " : "");
    bool left_out = false;
    for (size_t s = 0; s < d->nsettings; s++)
        left_out =
            left_out || (strcmp(d->settings[s].scenario, d->settings[members[0]].scenario) == 0 &&
                         !d->settings[s].rss_comparable);
    if (rss && left_out && used < len)
        snprintf(buf + used, len - used, " (Pyodide left out: its RSS is not comparable)");
}

/* One lineup picture, NAME.{dat,FORMAT} of members by figure; draws it when `draw_it` and the
 * data has values, and adds its overview panel (the first mode's) to ctx when `panel`. */
static plot_outcome plot_lineup_figure(plot_ctx *ctx, size_t first, const size_t *members, size_t n,
                                       const lineup_figure *fig, const char *suffix,
                                       const char *ylabel, bool draw_it, bool panel)
{
    const ds *d = ctx->d;
    const char *scenario = d->settings[first].scenario;
    int modes[DS_MODES];
    size_t nmodes = members_modes(d, members, n, modes);
    char name[NAME_LEN] = "", data[PATH_MAX], out[PATH_MAX], title[TITLE_LEN];
    append_safe(name, sizeof name, scenario);
    append_safe(name, sizeof name, suffix);
    snprintf(data, sizeof data, "%s/%s.dat", ctx->plots_dir, name);
    snprintf(out, sizeof out, "%s/%s.%s", ctx->plots_dir, name, ctx->format);
    double mode_max[DS_MODES];
    int wrote = write_lineup_file(data, d, members, n, modes, nmodes, fig, mode_max);
    if (wrote < 0) {
        gcb_error("%s: cannot write: %s", data, strerror(errno));
        return PLOT_FAILED;
    }
    if (wrote == 0) {
        unlink(data);
        return PLOT_EMPTY;
    }
    char(*styles)[STYLE_LEN] = calloc(n, sizeof *styles);
    char words[WORDS_LEN] = "", mode_words[32] = "";
    if (styles == NULL) {
        gcb_error("out of memory plotting %s", name);
        return PLOT_FAILED;
    }
    assign_styles(d, members, n, styles);
    for (size_t i = 0, used = 0; i < n && used < sizeof words; i++)
        used +=
            (size_t)snprintf(words + used, sizeof words - used, "%s%s", i ? " " : "", styles[i]);
    free(styles);
    for (size_t m = 0, used = 0; m < nmodes; m++)
        used += (size_t)snprintf(mode_words + used, sizeof mode_words - used, "%s%s", m ? " " : "",
                                 ds_mode_names[modes[m]]);
    if (panel) {
        overview_panel *p = &ctx->lineup_panels[first][ctx->nlineup_panels[first]++];
        snprintf(p->file, sizeof p->file, "%s.dat", name);
        snprintf(p->series, sizeof p->series, "%s", words);
        snprintf(p->title1, sizeof p->title1, "%s", scenario);
        snprintf(p->title2, sizeof p->title2, "%s, %s", ylabel, ds_mode_titles[modes[0]]);
        snprintf(p->ylabel, sizeof p->ylabel, "%s", ylabel);
        p->lines = true;
        p->first_col = 1;
        p->y_max = y_top(mode_max[0]);
    }
    if (!draw_it)
        return PLOT_EMPTY;
    char head[TITLE_LEN], kinds[TITLE_LEN];
    snprintf(head, sizeof head, "%s: %s, by runtime and policy", scenario, ylabel);
    line_kinds(d, members, n, fig->class_id < 0, kinds, sizeof kinds);
    two_line_title(title, sizeof title, head, kinds);
    /* instances: one scale for every mode; RSS: each its own (never all 0) */
    double all_max = 0;
    for (size_t m = 0; m < nmodes; m++)
        all_max = mode_max[m] > all_max ? mode_max[m] : all_max;
    char y_max[32];
    snprintf(y_max, sizeof y_max, "%g", fig->class_id < 0 ? 0.0 : y_top(all_max));
    const char *args[] = {data, out, title, ctx->format, ylabel, words, mode_words, y_max, NULL};
    return draw(ctx, LINES_SCRIPT, args, data, out);
}

/* Both lineup pictures of the scenario whose first setting is `first`, when it ran in several
 * runtimes or policies: the instances when its runs counted the scenario's classes (then the
 * overview shows the lineup's two panels instead of its settings' own), the comparable RSS when
 * two settings or more have it. */
static plot_outcome plot_lineup(plot_ctx *ctx, size_t first, size_t *members, size_t *subset)
{
    const ds *d = ctx->d;
    bool lineup;
    size_t n = scenario_members(d, first, members, &lineup);
    if (!lineup)
        return PLOT_EMPTY;
    plot_outcome worst = PLOT_EMPTY;
    int mode;
    long class_id = report_instances_class(d, d->settings[first].scenario, &mode);
    for (size_t i = 0; i < n && class_id >= 0; i++)
        ctx->in_lineup[members[i]] = true;
    if (class_id >= 0) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (ds_setting_has_class(d, members[i], class_id))
                subset[k++] = members[i];
        char ylabel[NAME_LEN];
        snprintf(ylabel, sizeof ylabel, "live %s instances", d->class_names[class_id]);
        lineup_figure fig = {class_id, ylabel};
        worst = worse(worst, plot_lineup_figure(ctx, first, subset, k, &fig, "-instances", ylabel,
                                                true, true));
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (d->settings[members[i]].rss_comparable)
            subset[k++] = members[i];
    lineup_figure fig = {-1, "RSS in MiB of the settings whose RSS is comparable"};
    bool panel = class_id >= 0;
    if ((k >= 2 || (panel && k > 0)) && worst != PLOT_NO_GNUPLOT)
        worst = worse(worst, plot_lineup_figure(ctx, first, subset, k, &fig, "-rss-compared",
                                                "RSS (MiB)", k >= 2, panel));
    return worst;
}

/* Every lineup's pictures. Returns the worst outcome. */
static plot_outcome plot_lineups(plot_ctx *ctx)
{
    const ds *d = ctx->d;
    size_t *members = calloc(2 * d->nsettings + 1, sizeof *members);
    if (members == NULL) {
        gcb_error("out of memory plotting settings side by side");
        return PLOT_FAILED;
    }
    plot_outcome worst = PLOT_EMPTY;
    for (size_t s = 0; s < d->nsettings && worst != PLOT_NO_GNUPLOT; s++) {
        bool seen = false; /* not the scenario's first setting */
        for (size_t k = 0; k < s && !seen; k++)
            seen = strcmp(d->settings[k].scenario, d->settings[s].scenario) == 0;
        if (!seen)
            worst = worse(worst, plot_lineup(ctx, s, members, members + d->nsettings));
    }
    free(members);
    return worst;
}

/* ==== overview ============================================================================= */

/* The second line of a setting's panel title in the overview: those of runtime, policy,
 * allocator and threshold that differ between the drawn settings ("" when none does). */
static void panel_subtitle(const plot_ctx *ctx, size_t setting, char *buf, size_t len)
{
    const ds *d = ctx->d;
    unsigned varies = 0;
    for (int i = 0; i < N_PARTS; i++)
        for (size_t s = 0; s < d->nsettings; s++)
            if (ctx->drawn[s] &&
                strcmp(part_value(&d->settings[s], i), part_value(&d->settings[setting], i)) != 0)
                varies |= 1u << i;
    parts_text(&d->settings[setting], varies, varies, buf, len);
}

/* Writes one panel's line of overview.list. */
static void write_panel(FILE *fp, const overview_panel *p)
{
    char col[16], y_max[32];
    snprintf(col, sizeof col, "%d", p->first_col);
    snprintf(y_max, sizeof y_max, "%g", p->y_max);
    const char *cells[] = {p->file, p->series, p->title1, p->title2, p->lines ? "lines" : "rss",
                           col,     p->ylabel, y_max};
    for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++) {
        fputs(i ? " " : "", fp);
        write_quoted(fp, cells[i]);
    }
    fputc('\n', fp);
}

/* The overview's panels in order, written to fp: per scenario, its lineup's panels (the live
 * instances and the comparable RSS of its settings, side by side, in one mode) when it ran in
 * several runtimes or policies, else each drawn setting's own panel. Returns how many; *pairs
 * tells whether every scenario gave exactly two lineup panels (then a row per scenario). */
static size_t write_panels(const plot_ctx *ctx, FILE *fp, bool *pairs)
{
    const ds *d = ctx->d;
    size_t n = 0;
    *pairs = true;
    for (size_t s = 0; s < d->nsettings; s++) {
        for (size_t k = 0; k < ctx->nlineup_panels[s]; k++)
            write_panel(fp, &ctx->lineup_panels[s][k]);
        n += ctx->nlineup_panels[s];
        if (ctx->nlineup_panels[s] != 0 && ctx->nlineup_panels[s] != 2)
            *pairs = false;
        if (!ctx->drawn[s] || ctx->in_lineup[s])
            continue;
        overview_panel p = {.lines = false};
        snprintf(p.file, sizeof p.file, "%s.dat", ctx->names[s]);
        snprintf(p.series, sizeof p.series, "%s", ctx->words[s]);
        snprintf(p.title1, sizeof p.title1, "%s", d->settings[s].scenario);
        panel_subtitle(ctx, s, p.title2, sizeof p.title2);
        snprintf(p.ylabel, sizeof p.ylabel, "%s", setting_ylabel(&d->settings[s]));
        write_panel(fp, &p);
        *pairs = false;
        n++;
    }
    return n;
}

/* With two panels or more: plots_dir/overview.list (one line per panel, see write_panels) and
 * overview.FORMAT, the whole folder on one page. */
static plot_outcome plot_overview(const plot_ctx *ctx)
{
    const ds *d = ctx->d;
    char list[PATH_MAX], out[PATH_MAX], title[TITLE_LEN];
    snprintf(list, sizeof list, "%s/overview.list", ctx->plots_dir);
    snprintf(out, sizeof out, "%s/overview.%s", ctx->plots_dir, ctx->format);
    FILE *fp = fopen(list, "w");
    if (fp == NULL) {
        gcb_error("%s: cannot write: %s", list, strerror(errno));
        return PLOT_FAILED;
    }
    fprintf(fp, "# gcbench: the panels of overview.%s, drawn by plots/" OVERVIEW_SCRIPT "\n",
            ctx->format);
    fprintf(fp, "# per panel: its data file (beside this one), its series (see rss.gp) or styles "
                "(see lines.gp), the two lines of its title, its kind (rss or lines), its first "
                "column minus 1 (lines), its y axis' label\n");
    bool pairs, lineups = false;
    size_t n = write_panels(ctx, fp, &pairs);
    for (size_t s = 0; s < d->nsettings; s++)
        lineups = lineups || ctx->nlineup_panels[s] > 0;
    if (close_data_file(fp) != 0) {
        gcb_error("%s: cannot write: %s", list, strerror(errno));
        return PLOT_FAILED;
    }
    if (n < 2) {
        unlink(list);
        return PLOT_EMPTY;
    }
    char folder[PATH_MAX];
    if (realpath(d->dir, folder) == NULL) /* results/latest: the folder it points to */
        snprintf(folder, sizeof folder, "%s", d->dir);
    const char *base =
        strrchr(folder, '/') && strrchr(folder, '/')[1] ? strrchr(folder, '/') + 1 : folder;
    if (lineups)
        snprintf(title, sizeof title,
                 "%s: live instances and RSS, runtimes and policies side by side", base);
    else
        snprintf(title, sizeof title, "RSS against iteration, every setting of %s", base);
    const char *args[] = {list, out, title, ctx->format, pairs ? "2" : "0", NULL};
    return draw(ctx, OVERVIEW_SCRIPT, args, list, out);
}

/* ==== against threshold ==================================================================== */

/* A setting's threshold0 (the first number of "700/10/10"), or -1 when it has none. */
static long long threshold0(const ds_setting *set)
{
    char *end;
    errno = 0;
    long long t = strtoll(set->threshold, &end, 10);
    if (end == set->threshold || (*end != '/' && *end != '\0') || errno != 0 || t <= 0)
        return -1;
    return t;
}

/* Whether settings a and b differ only in their threshold (and each has a threshold0). */
static bool same_but_threshold(const ds_setting *a, const ds_setting *b)
{
    return strcmp(a->scenario, b->scenario) == 0 && strcmp(a->runtime, b->runtime) == 0 &&
           strcmp(a->policy, b->policy) == 0 && strcmp(a->allocator, b->allocator) == 0 &&
           threshold0(a) > 0 && threshold0(b) > 0;
}

/* The settings of setting's threshold group (settings differing from it only in threshold),
 * sorted by threshold0, into members (room for d->nsettings). Returns how many, or 0 when the
 * group has fewer than two thresholds or setting is not its first member. */
static size_t threshold_group(const ds *d, size_t setting, size_t *members)
{
    const ds_setting *set = &d->settings[setting];
    size_t n = 0;
    for (size_t s = 0; s < d->nsettings; s++) {
        if (!same_but_threshold(set, &d->settings[s]))
            continue;
        if (s < setting)
            return 0; /* drawn with its first member */
        size_t k = n++;
        long long t = threshold0(&d->settings[s]);
        for (; k > 0 && threshold0(&d->settings[members[k - 1]]) > t; k--)
            members[k] = members[k - 1];
        members[k] = s;
    }
    return n >= 2 ? n : 0;
}

/* The median, min and max over (setting, mode)'s ok runs of the run figure get(run) (in
 * `scale` units), written as three columns (NaN when no run has it; an RSS figure of a run
 * whose RSS is not comparable counts as none). Returns whether a run had it. */
static bool write_run_figure(FILE *fp, const ds *d, size_t setting, int mode,
                             int64_t (*get)(const ds_run *), double scale, bool rss)
{
    const ds_setting *set = &d->settings[setting];
    int64_t *v = malloc((set->nruns[mode] + 1) * sizeof *v);
    size_t n = 0;
    for (size_t i = 0; v != NULL && i < set->nruns[mode]; i++) {
        const ds_run *run = &d->runs[set->runs[mode][i]];
        int64_t x = run->ok && (run->rss_comparable || !rss) ? get(run) : DS_MISSING;
        if (x != DS_MISSING)
            v[n++] = x;
    }
    if (n == 0) {
        fputs(" NaN NaN NaN", fp);
    } else {
        int64_t median = stats_median_i64(v, n); /* sorts v */
        fprintf(fp, " %.4f %.4f %.4f", (double)median / scale, (double)v[0] / scale,
                (double)v[n - 1] / scale);
    }
    free(v);
    return n > 0;
}

static int64_t run_final_rss(const ds_run *r)
{
    return r->niters > 0 ? r->iters[r->niters - 1].rss_bytes : DS_MISSING;
}
static int64_t run_peak_rss(const ds_run *r) { return r->peak_rss_bytes; }
static int64_t run_collections(const ds_run *r) { return r->collections; }
static int64_t run_pause_total(const ds_run *r) { return r->pause_ns_total; }

/* The figures against threshold, per mode, in thresholds.gp's column order. */
static const struct {
    int64_t (*get)(const ds_run *);
    double scale;
    const char *title;
    bool rss;
} threshold_figures[] = {
    {run_final_rss, MIB, "final RSS MiB", true},
    {run_peak_rss, MIB, "peak RSS MiB", true},
    {run_collections, 1.0, "collections", false},
    {run_pause_total, 1e6, "total pause ms", false},
};
#define N_THRESHOLD_FIGURES (sizeof threshold_figures / sizeof threshold_figures[0])

/* Writes path: one row per member (by threshold0): threshold0, the threshold as written, then
 * per mode in `modes` and per figure its median, min and max over the ok runs. have[f] says
 * whether figure f has a value anywhere (gnuplot cannot draw a panel with none). */
static int write_thresholds_file(const char *path, const ds *d, const size_t *members, size_t n,
                                 const int *modes, size_t nmodes, const char *title,
                                 bool have[N_THRESHOLD_FIGURES])
{
    memset(have, 0, N_THRESHOLD_FIGURES * sizeof *have);
    FILE *fp = fopen(path, "w");
    if (fp == NULL)
        return -1;
    fputs("# gcbench: figures against the GC threshold for ", fp);
    for (const char *c = title; *c; c++) { /* the title's two lines on one */
        if (*c == '\n')
            fputs(" — ", fp);
        else
            fputc(*c, fp);
    }
    fputc('\n', fp);
    fprintf(fp, "# from %s (runs.csv, samples.csv); drawn by plots/" THRESHOLDS_SCRIPT "\n",
            d->dir);
    fprintf(fp, "# columns: threshold0, the threshold; then per mode, per figure (final RSS MiB, "
                "peak RSS MiB, collections, total pause ms): median, min, max over the runs that "
                "succeeded; NaN = none\n");
    fputs("\"threshold0\" \"threshold\"", fp);
    for (size_t m = 0; m < nmodes; m++)
        for (size_t f = 0; f < N_THRESHOLD_FIGURES; f++) {
            char t[96];
            snprintf(t, sizeof t, "%s, %s", ds_mode_titles[modes[m]], threshold_figures[f].title);
            fputc(' ', fp);
            write_quoted(fp, t);
            fputs(" \"min\" \"max\"", fp);
        }
    fputc('\n', fp);
    for (size_t i = 0; i < n; i++) {
        fprintf(fp, "%lld ", threshold0(&d->settings[members[i]]));
        write_quoted(fp, d->settings[members[i]].threshold);
        for (size_t m = 0; m < nmodes; m++)
            for (size_t f = 0; f < N_THRESHOLD_FIGURES; f++)
                have[f] |= write_run_figure(fp, d, members[i], modes[m], threshold_figures[f].get,
                                            threshold_figures[f].scale, threshold_figures[f].rss);
        fputc('\n', fp);
    }
    return close_data_file(fp);
}

/* Whether the folder has another threshold group of setting's scenario and runtime (with
 * another policy or allocator): then the file names also carry policy and allocator. */
static bool several_threshold_groups(const ds *d, size_t setting, size_t *scratch)
{
    const ds_setting *set = &d->settings[setting];
    for (size_t s = 0; s < d->nsettings; s++) {
        const ds_setting *o = &d->settings[s];
        if (strcmp(o->scenario, set->scenario) == 0 && strcmp(o->runtime, set->runtime) == 0 &&
            (strcmp(o->policy, set->policy) != 0 || strcmp(o->allocator, set->allocator) != 0) &&
            threshold_group(d, s, scratch) > 0)
            return true;
    }
    return false;
}

/* SCENARIO-RUNTIME-thresholds.{dat,FORMAT} for the group starting at setting. */
static plot_outcome plot_threshold_group(const plot_ctx *ctx, const size_t *members, size_t n,
                                         size_t *scratch)
{
    const ds *d = ctx->d;
    const ds_setting *set = &d->settings[members[0]];
    int modes[DS_MODES];
    size_t nmodes = 0;
    for (int m = 0; m < DS_MODES; m++) {
        bool present = false;
        for (size_t i = 0; i < n && !present; i++)
            present = d->settings[members[i]].nruns[m] > 0;
        if (present)
            modes[nmodes++] = m;
    }
    char name[NAME_LEN] = "", title[TITLE_LEN], data[PATH_MAX], out[PATH_MAX], words[64] = "";
    append_safe(name, sizeof name, set->scenario);
    append_parts(name, sizeof name, (const char *[]){set->runtime}, 1);
    if (several_threshold_groups(d, members[0], scratch))
        append_parts(name, sizeof name, (const char *[]){set->policy, set->allocator}, 2);
    append_safe(name, sizeof name, "-thresholds");
    snprintf(data, sizeof data, "%s/%s.dat", ctx->plots_dir, name);
    snprintf(out, sizeof out, "%s/%s.%s", ctx->plots_dir, name, ctx->format);
    char parts[TITLE_LEN], head[TITLE_LEN];
    parts_text(set, PART_RUNTIME | PART_POLICY | PART_ALLOCATOR, 0, parts, sizeof parts);
    snprintf(head, sizeof head, "%s at %zu GC thresholds", set->scenario, n);
    two_line_title(title, sizeof title, head, parts);
    for (size_t m = 0, used = 0; m < nmodes; m++)
        used += (size_t)snprintf(words + used, sizeof words - used, "%s%s", m ? " " : "",
                                 ds_mode_names[modes[m]]);
    bool have[N_THRESHOLD_FIGURES];
    if (write_thresholds_file(data, d, members, n, modes, nmodes, title, have) != 0) {
        gcb_error("%s: cannot write: %s", data, strerror(errno));
        return PLOT_FAILED;
    }
    char shown[2 * N_THRESHOLD_FIGURES + 1] = "";
    bool any = false;
    for (size_t f = 0; f < N_THRESHOLD_FIGURES; f++) {
        strcat(shown, have[f] ? (f ? " 1" : "1") : (f ? " 0" : "0"));
        any = any || have[f];
    }
    if (!any) { /* no run succeeded at any threshold: nothing to draw */
        unlink(data);
        return PLOT_EMPTY;
    }
    const char *args[] = {data, out, title, ctx->format, words, shown, NULL};
    return draw(ctx, THRESHOLDS_SCRIPT, args, data, out);
}

/* Every threshold group's picture. Returns the worst outcome. */
static plot_outcome plot_thresholds(const plot_ctx *ctx)
{
    const ds *d = ctx->d;
    size_t *members = calloc(2 * d->nsettings + 1, sizeof *members);
    if (members == NULL) {
        gcb_error("out of memory plotting against threshold");
        return PLOT_FAILED;
    }
    plot_outcome worst = PLOT_EMPTY;
    for (size_t s = 0; s < d->nsettings && worst != PLOT_NO_GNUPLOT; s++) {
        size_t n = threshold_group(d, s, members);
        if (n == 0)
            continue;
        worst = worse(worst, plot_threshold_group(ctx, members, n, members + d->nsettings));
    }
    free(members);
    return worst;
}

/* ==== native against CPython =============================================================== */

/* Whether rss.gp's SERIES words hold a mode's median (a word without ":failed"). */
static bool has_median(const char *words)
{
    for (const char *w = words; *w; w += strcspn(w, " "), w += *w == ' ') {
        size_t n = strcspn(w, " ");
        if (n > 0 && (n < 7 || memcmp(w + n - 7, ":failed", 7) != 0))
            return true;
    }
    return false;
}

/* Whether setting s was drawn with a median line: versus.gp draws medians only. */
static bool drawn_with_median(const plot_ctx *ctx, size_t s)
{
    return ctx->drawn[s] && has_median(ctx->words[s]);
}

/* The drawn python setting that is native setting s's CPython twin (same scenario, allocator
 * and threshold; the policy is the native runtime's own, as in summary.csv), or -1; both must
 * have a median line. */
static long drawn_twin(const plot_ctx *ctx, size_t s)
{
    const ds *d = ctx->d;
    const ds_setting *n = &d->settings[s];
    if (!drawn_with_median(ctx, s) || strcmp(n->runtime, "native") != 0)
        return -1;
    for (size_t k = 0; k < d->nsettings; k++) {
        const ds_setting *p = &d->settings[k];
        if (drawn_with_median(ctx, k) && strcmp(p->runtime, "python") == 0 &&
            strcmp(p->scenario, n->scenario) == 0 && strcmp(p->allocator, n->allocator) == 0 &&
            strcmp(p->threshold, n->threshold) == 0)
            return (long)k;
    }
    return -1;
}

/* SCENARIO-native-vs-cpython.{FORMAT} for native setting s and its twin, from their .dat
 * files; the name also carries the native policy, allocator and threshold when the scenario
 * has several such pairs. */
static plot_outcome plot_pair(const plot_ctx *ctx, size_t s, size_t twin)
{
    const ds *d = ctx->d;
    const ds_setting *set = &d->settings[s];
    size_t pairs = 0;
    for (size_t k = 0; k < d->nsettings; k++)
        pairs += strcmp(d->settings[k].scenario, set->scenario) == 0 && drawn_twin(ctx, k) >= 0;
    char name[NAME_LEN] = "", title[TITLE_LEN], native[PATH_MAX], python[PATH_MAX], out[PATH_MAX];
    append_safe(name, sizeof name, set->scenario);
    append_safe(name, sizeof name, "-native-vs-cpython");
    if (pairs > 1)
        append_parts(name, sizeof name,
                     (const char *[]){set->policy, set->allocator, set->threshold}, 3);
    snprintf(native, sizeof native, "%s/%s.dat", ctx->plots_dir, ctx->names[s]);
    snprintf(python, sizeof python, "%s/%s.dat", ctx->plots_dir, ctx->names[twin]);
    snprintf(out, sizeof out, "%s/%s.%s", ctx->plots_dir, name, ctx->format);
    char parts[TITLE_LEN], head[TITLE_LEN];
    parts_text(set, PART_POLICY | PART_ALLOCATOR | PART_THRESHOLD, 0, parts, sizeof parts);
    snprintf(head, sizeof head, "%s: native runtime against CPython", set->scenario);
    two_line_title(title, sizeof title, head, parts);
    const char *args[] = {native,        python,           out, title, ctx->format,
                          ctx->words[s], ctx->words[twin], NULL};
    return draw(ctx, VERSUS_SCRIPT, args, native, out);
}

static plot_outcome plot_native_vs_cpython(const plot_ctx *ctx)
{
    plot_outcome worst = PLOT_EMPTY;
    for (size_t s = 0; s < ctx->d->nsettings && worst != PLOT_NO_GNUPLOT; s++) {
        long twin = drawn_twin(ctx, s);
        if (twin >= 0)
            worst = worse(worst, plot_pair(ctx, s, (size_t)twin));
    }
    return worst;
}

/* ==== public =============================================================================== */

bool plot_format_known(const char *format)
{
    return strcmp(format, "png") == 0 || strcmp(format, "svg") == 0;
}

/* Fills ctx's folders (checking rss.gp can be read and creating plots_dir). Returns 0, or -1
 * with the reason on stderr. */
static int prepare(plot_ctx *ctx, const char *dir)
{
    char script[PATH_MAX];
    if (gcb_plots_dir(ctx->scripts, sizeof ctx->scripts) != 0) {
        gcb_error("gnuplot scripts not found: set GCBENCH_PLOTS_DIR to gcbench's plots folder "
                  "(the one holding " RSS_SCRIPT "); plots skipped");
        return -1;
    }
    if (script_path(ctx, RSS_SCRIPT, script, sizeof script) != 0)
        return -1;
    size_t dir_len = strlen(dir);
    while (dir_len > 1 && dir[dir_len - 1] == '/') /* "res/x/" gives res/x/plots, not //plots */
        dir_len--;
    snprintf(ctx->plots_dir, sizeof ctx->plots_dir, "%.*s/plots", (int)dir_len, dir);
    if (gcb_mkdirs(ctx->plots_dir) != 0) {
        gcb_error("%s: cannot create: %s; plots skipped", ctx->plots_dir, strerror(errno));
        return -1;
    }
    return 0;
}

/* Every picture of the folder (see the top of this file), the settings' first: the others
 * read their .dat files. */
static plot_outcome plot_all(plot_ctx *ctx)
{
    plot_outcome worst = PLOT_EMPTY;
    for (size_t s = 0; s < ctx->d->nsettings && worst != PLOT_NO_GNUPLOT; s++)
        worst = worse(worst, plot_setting(ctx, s));
    if (worst == PLOT_NO_GNUPLOT)
        return worst;
    worst = worse(worst, plot_lineups(ctx));
    if (worst != PLOT_NO_GNUPLOT)
        worst = worse(worst, plot_overview(ctx));
    if (worst != PLOT_NO_GNUPLOT)
        worst = worse(worst, plot_thresholds(ctx));
    if (worst != PLOT_NO_GNUPLOT)
        worst = worse(worst, plot_native_vs_cpython(ctx));
    return worst;
}

int plot_results(const ds *d, const char *dir, const char *format, bool quiet)
{
    if (!plot_format_known(format)) {
        gcb_error("plot format '%s' is not available; use png or svg", format);
        return GCB_EXIT_FAILED;
    }
    plot_ctx ctx = {.d = d, .format = format, .quiet = quiet};
    if (prepare(&ctx, dir) != 0)
        return GCB_EXIT_FAILED;
    size_t n = d->nsettings ? d->nsettings : 1;
    ctx.drawn = calloc(n, sizeof *ctx.drawn);
    ctx.names = calloc(n, sizeof *ctx.names);
    ctx.words = calloc(n, sizeof *ctx.words);
    ctx.lineup_panels = calloc(n, sizeof *ctx.lineup_panels);
    ctx.nlineup_panels = calloc(n, sizeof *ctx.nlineup_panels);
    ctx.in_lineup = calloc(n, sizeof *ctx.in_lineup);
    plot_outcome outcome = PLOT_FAILED;
    if (ctx.drawn == NULL || ctx.names == NULL || ctx.words == NULL || ctx.lineup_panels == NULL ||
        ctx.nlineup_panels == NULL || ctx.in_lineup == NULL)
        gcb_error("out of memory plotting %s", dir);
    else
        outcome = plot_all(&ctx);
    free(ctx.drawn);
    free(ctx.names);
    free(ctx.words);
    free(ctx.lineup_panels);
    free(ctx.nlineup_panels);
    free(ctx.in_lineup);
    if (outcome == PLOT_NO_GNUPLOT) {
        rmdir(ctx.plots_dir); /* only if we left it empty */
        gcb_error("gnuplot not found; plots skipped (install gnuplot-nox); CSV and tables "
                  "are unaffected");
        return GCB_EXIT_OK;
    }
    int rc = outcome == PLOT_FAILED ? GCB_EXIT_FAILED : GCB_EXIT_OK;
    if (!quiet && fflush(stdout) != 0)
        rc = GCB_EXIT_FAILED;
    return rc;
}
