/* plot.c — `bench plot DIR`: writes each setting's numbers to DIR/plots/NAME.dat and has
 * gnuplot draw them with plots/rss.gp (see plot.h for what is drawn, rss.gp for its
 * arguments). gnuplot runs as a child process (fork + execvp, no shell) with its stderr
 * captured and forwarded to ours. */
#include "plot.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report.h"
#include "util.h"

#define RSS_SCRIPT "rss.gp"
#define STDERR_KEEP_BYTES 65536 /* of gnuplot's stderr; the rest is dropped */

/* What drawing one setting came to. */
typedef enum plot_outcome {
    PLOT_DONE,
    PLOT_EMPTY,      /* no run has a sample: nothing to draw (not an error) */
    PLOT_NO_GNUPLOT, /* gnuplot is not on PATH (not an error) */
    PLOT_FAILED,     /* message printed */
} plot_outcome;

/* ==== series and data file ================================================================= */

/* One line of the plot: a mode's median over its ok runs, or one run that stopped early. */
typedef struct series {
    int mode;
    const ds_run *failed_run; /* NULL for a mode's median */
    char title[160];
} series;

static bool run_has_rss(const ds_run *run)
{
    for (size_t k = 0; k < run->niters; k++)
        if (run->iters[k].rss_bytes != DS_MISSING)
            return true;
    return false;
}

/* The series of setting, in the order forced, auto, off; in each mode its median first
 * (when an ok run has a sample), then its failed runs that have samples. out has room for
 * DS_MODES + the setting's runs. Returns how many. */
static size_t collect_series(const ds *d, size_t setting, series *out)
{
    const ds_setting *set = &d->settings[setting];
    size_t n = 0;
    for (int m = 0; m < DS_MODES; m++) {
        bool has_ok = false;
        for (size_t i = 0; i < set->nruns[m]; i++) {
            const ds_run *run = &d->runs[set->runs[m][i]];
            has_ok = has_ok || (run->ok && run_has_rss(run));
        }
        if (has_ok) {
            out[n] = (series){.mode = m};
            snprintf(out[n++].title, sizeof out->title, "%s", ds_mode_titles[m]);
        }
        for (size_t i = 0; i < set->nruns[m]; i++) {
            const ds_run *run = &d->runs[set->runs[m][i]];
            if (run->ok || !run_has_rss(run))
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

/* A data-file title: double-quoted, with any '"' in it turned into '\''. */
static void write_quoted(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (; *s; s++)
        fputc(*s == '"' ? '\'' : *s, fp);
    fputc('"', fp);
}

static void write_mib(FILE *fp, int64_t bytes)
{
    if (bytes == DS_MISSING)
        fputs(" NaN", fp);
    else
        fprintf(fp, " %.4f", (double)bytes / 1048576.0);
}

/* Writes one series' three columns for iteration it. *cursor walks a failed run's sorted
 * iters, so a whole column costs one pass over them. */
static void write_cells(FILE *fp, const ds *d, size_t setting, const series *s, int64_t it,
                        size_t *cursor)
{
    int64_t median = DS_MISSING, min = DS_MISSING, max = DS_MISSING;
    if (s->failed_run == NULL) {
        ds_iter_stat(d, setting, s->mode, it, offsetof(ds_sample, rss_bytes), &median, &min, &max);
    } else {
        const ds_run *run = s->failed_run;
        while (*cursor < run->niters && run->iters[*cursor].iteration < it)
            (*cursor)++;
        if (*cursor < run->niters && run->iters[*cursor].iteration == it)
            median = min = max = run->iters[*cursor].rss_bytes;
    }
    write_mib(fp, median);
    write_mib(fp, min);
    write_mib(fp, max);
}

/* Writes path: header comment, the titles line, one line per iteration 0..last. */
static int write_data_file(const char *path, const ds *d, size_t setting, const series *s, size_t n,
                           int64_t last, const char *title)
{
    FILE *fp = fopen(path, "w");
    if (fp == NULL)
        return -1;
    char words[1024];
    series_words(s, n, words, sizeof words);
    fprintf(fp, "# gcbench: RSS against iteration for %s\n", title);
    fprintf(fp, "# from %s (runs.csv, samples.csv); drawn by plots/" RSS_SCRIPT "\n", d->dir);
    fprintf(fp, "# column 1: iteration (0 = start, after setup); then per series: median, min, "
                "max RSS in MiB over its runs; NaN = no sample\n");
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
            write_cells(fp, d, setting, &s[i], it, &cursors[i]);
        fputc('\n', fp);
    }
    bool failed = cursors == NULL || ferror(fp);
    free(cursors);
    if (fclose(fp) != 0)
        return -1;
    if (failed && errno == 0)
        errno = EIO;
    return failed ? -1 : 0;
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

/* Runs `gnuplot -c script data out title format words` and waits for it. */
static plot_outcome run_gnuplot(const char *script, const char *data, const char *out,
                                const char *title, const char *format, const char *words)
{
    char *argv[] = {"gnuplot",     "-c",           (char *)script, (char *)data, (char *)out,
                    (char *)title, (char *)format, (char *)words,  NULL};
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

/* ==== one setting ========================================================================== */

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
    for (size_t i = 0; same > 1 && i < sizeof parts / sizeof parts[0]; i++) {
        if (*parts[i] == '\0')
            continue;
        append_safe(buf, len, "-");
        append_safe(buf, len, parts[i]);
    }
}

/* Writes plots_dir/NAME.dat and has gnuplot draw plots_dir/NAME.FORMAT. */
static plot_outcome plot_setting(const ds *d, size_t setting, const char *plots_dir,
                                 const char *script, const char *format, bool quiet)
{
    char name[512], title[1024], data[PATH_MAX], out[PATH_MAX], words[1024];
    plot_name(d, setting, name, sizeof name);
    report_setting_title(d, setting, title, sizeof title);
    const ds_setting *set = &d->settings[setting];
    series *s = calloc(DS_MODES + set->nruns[0] + set->nruns[1] + set->nruns[2], sizeof *s);
    if (s == NULL) {
        gcb_error("out of memory plotting %s", title);
        return PLOT_FAILED;
    }
    size_t n = collect_series(d, setting, s);
    int64_t last = -1;
    for (int m = 0; m < DS_MODES; m++)
        if (ds_last_iteration(d, setting, m) > last)
            last = ds_last_iteration(d, setting, m);
    plot_outcome outcome = PLOT_DONE;
    snprintf(data, sizeof data, "%s/%s.dat", plots_dir, name);
    snprintf(out, sizeof out, "%s/%s.%s", plots_dir, name, format);
    if (n == 0 || last < 0) {
        gcb_error("%s: no RSS samples to plot; skipped", title);
        outcome = PLOT_EMPTY;
    } else if (write_data_file(data, d, setting, s, n, last, title) != 0) {
        gcb_error("%s: cannot write: %s", data, strerror(errno));
        outcome = PLOT_FAILED;
    } else {
        series_words(s, n, words, sizeof words);
        outcome = run_gnuplot(script, data, out, title, format, words);
        if (outcome == PLOT_NO_GNUPLOT)
            unlink(data);
        else if (outcome == PLOT_DONE && !quiet)
            printf("plot: %s\n", out);
    }
    free(s);
    return outcome;
}

/* ==== public =============================================================================== */

static bool known_format(const char *format)
{
    return strcmp(format, "png") == 0 || strcmp(format, "svg") == 0;
}

int plot_results(const ds *d, const char *dir, const char *format, bool quiet)
{
    char scripts[PATH_MAX], script[PATH_MAX], plots_dir[PATH_MAX];
    if (!known_format(format)) {
        gcb_error("plot format '%s' is not available; use png or svg", format);
        return GCB_EXIT_FAILED;
    }
    if (gcb_plots_dir(scripts, sizeof scripts) != 0) {
        gcb_error("gnuplot scripts not found: set GCBENCH_PLOTS_DIR to gcbench's plots folder "
                  "(the one holding " RSS_SCRIPT "); plots skipped");
        return GCB_EXIT_FAILED;
    }
    snprintf(script, sizeof script, "%s/%s", scripts, RSS_SCRIPT);
    if (access(script, R_OK) != 0) {
        gcb_error("%s: cannot read: %s; plots skipped", script, strerror(errno));
        return GCB_EXIT_FAILED;
    }
    size_t dir_len = strlen(dir);
    while (dir_len > 1 && dir[dir_len - 1] == '/') /* "res/x/" gives res/x/plots, not //plots */
        dir_len--;
    snprintf(plots_dir, sizeof plots_dir, "%.*s/plots", (int)dir_len, dir);
    if (gcb_mkdirs(plots_dir) != 0) {
        gcb_error("%s: cannot create: %s; plots skipped", plots_dir, strerror(errno));
        return GCB_EXIT_FAILED;
    }
    int rc = GCB_EXIT_OK;
    for (size_t s = 0; s < d->nsettings; s++) {
        plot_outcome outcome = plot_setting(d, s, plots_dir, script, format, quiet);
        if (outcome == PLOT_NO_GNUPLOT) {
            rmdir(plots_dir); /* only if we left it empty */
            gcb_error("gnuplot not found; plots skipped (install gnuplot-nox); CSV and tables "
                      "are unaffected");
            return GCB_EXIT_OK;
        }
        if (outcome == PLOT_FAILED)
            rc = GCB_EXIT_FAILED;
    }
    if (!quiet && fflush(stdout) != 0)
        rc = GCB_EXIT_FAILED;
    return rc;
}

/* ==== bench plot =========================================================================== */

static const char plot_usage[] =
    "Usage: bench plot DIR [--format png|svg]\n"
    "\n"
    "Draws, for each scenario and setting (runtime, policy, allocator, threshold) in the\n"
    "results folder DIR, RSS in MiB against iteration: one line per GC mode (\"With GC\",\n"
    "\"Without GC\", \"GC off\"), the median over the repeats that succeeded with their\n"
    "min-max as a band, and a dashed line for each run that stopped early. Writes\n"
    "DIR/plots/NAME.png (or .svg) and the numbers it drew, DIR/plots/NAME.dat; NAME is the\n"
    "scenario, or SCENARIO-RUNTIME-POLICY-ALLOCATOR-THRESHOLD when DIR has several settings\n"
    "of it. Needs gnuplot (Debian: gnuplot-nox); without it, says so and exits 0. The\n"
    "scripts are read from $GCBENCH_PLOTS_DIR, else the installed share/gcbench/plots,\n"
    "else the source tree's plots/.\n"
    "\n"
    "Options:\n"
    "  --format FORMAT   png (the default) or svg\n"
    "  -h, --help        show this help and exit\n"
    "\n"
    "Exit status: 0 plotted (or gnuplot missing), 1 DIR unreadable or malformed or gnuplot\n"
    "failed, 2 usage error.\n";

/* Parses argv (argv[0] "plot") into *dir and *format. Returns 0, 1 for --help, or -1 after
 * a usage error. */
static int parse_plot_args(int argc, char **argv, const char **dir, const char **format)
{
    static const struct option options[] = {
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int saved_opterr = opterr, c, rc = 0;
    bool help = false;
    opterr = 0;
    optind = 0; /* a fresh scan of this argv (glibc) */
    while (rc == 0 && (c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        if (c == 'f' && known_format(optarg)) {
            *format = optarg;
        } else if (c == 'f') {
            gcb_usage_error("plot", "--format '%s' is not available; use png or svg", optarg);
            rc = -1;
        } else if (c == 'h') {
            help = true;
        } else {
            gcb_usage_error("plot", c == ':' ? "option '%s' needs a value" : "unknown option '%s'",
                            argv[optind - 1]);
            rc = -1;
        }
    }
    opterr = saved_opterr;
    if (rc != 0 || help)
        return help && rc == 0 ? 1 : rc;
    if (optind >= argc) {
        gcb_usage_error("plot", "which results folder? e.g. bench plot results/latest");
        return -1;
    }
    if (optind + 1 < argc) {
        gcb_usage_error("plot", "one results folder at a time; '%s' is extra", argv[optind + 1]);
        return -1;
    }
    *dir = argv[optind];
    return 0;
}

int plot_main(int argc, char **argv)
{
    const char *dir = NULL, *format = "png";
    int parsed = parse_plot_args(argc, argv, &dir, &format);
    if (parsed < 0)
        return GCB_EXIT_USAGE;
    if (parsed == 1) {
        fputs(plot_usage, stdout);
        return GCB_EXIT_OK;
    }
    ds d;
    char err[4096];
    if (ds_load(&d, dir, err, sizeof err) != 0) {
        gcb_error("%s", err);
        return GCB_EXIT_FAILED;
    }
    int rc = plot_results(&d, dir, format, false);
    ds_free(&d);
    return rc;
}
