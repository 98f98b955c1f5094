/* progress.c — `bench run`'s progress on stderr (see progress.h). */
#include "progress.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "util.h"

void progress_begin(progress *p, FILE *out, bool tty, bool quiet, size_t n)
{
    memset(p, 0, sizeof *p);
    p->out = out;
    p->tty = tty;
    p->quiet = quiet;
    p->n = n;
    p->start_ns = gcb_now_ns();
}

/* "1h02m", "3m05s", "42s". */
static void fmt_duration(char *buf, size_t len, int64_t ns)
{
    long long s = (long long)(ns / 1000000000);
    if (s >= 3600)
        snprintf(buf, len, "%lldh%02lldm", s / 3600, s / 60 % 60);
    else if (s >= 60)
        snprintf(buf, len, "%lldm%02llds", s / 60, s % 60);
    else
        snprintf(buf, len, "%llds", s);
}

/* The terminal's width: the window's, else $COLUMNS, else 80. */
static int columns_of(FILE *out)
{
    struct winsize ws;
    if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    const char *env = getenv("COLUMNS");
    int c = env != NULL ? atoi(env) : 0;
    return c > 0 ? c : 80;
}

/* Appends to buf (of len, used *at) what fits, leaving room for the terminating NUL. */
static void put(char *buf, size_t len, size_t *at, const char *s)
{
    size_t n = strlen(s);
    if (*at + 1 >= len)
        return;
    if (n > len - 1 - *at)
        n = len - 1 - *at;
    memcpy(buf + *at, s, n);
    *at += n;
    buf[*at] = '\0';
}

void progress_format(char *buf, size_t len, int columns, size_t n, size_t done,
                     const progress_slot *slots, size_t nslots, int64_t elapsed_ns)
{
    /* the batch's work done: runs ended, and the running ones' share of their iterations */
    double units = (double)done;
    for (size_t i = 0; i < nslots; i++)
        if (slots[i].r->iterations > 0)
            units += (double)slots[i].iteration / (double)(slots[i].r->iterations + 1);
    char head[96], elapsed[32], eta[32] = "?";
    fmt_duration(elapsed, sizeof elapsed, elapsed_ns);
    if (units > 0.05)
        fmt_duration(eta, sizeof eta, (int64_t)((double)elapsed_ns * ((double)n - units) / units));
    snprintf(head, sizeof head, "bench: %zu/%zu runs, %s, ETA %s", done, n, elapsed, eta);
    char line[1024];
    size_t at = 0;
    line[0] = '\0';
    put(line, sizeof line, &at, head);
    for (size_t i = 0; i < nslots; i++) {
        const plan_run *r = slots[i].r;
        char part[320];
        snprintf(part, sizeof part, " | %s %s %s it %lld/%lld", r->scenario->name,
                 plan_run_runtime(r)->name, plan_mode_names[r->mode],
                 (long long)slots[i].iteration, (long long)r->iterations);
        put(line, sizeof line, &at, part);
    }
    /* cut to columns - 1 characters (the names are ASCII; a byte is a column): a line that
     * fills the last column would wrap on some terminals */
    size_t max = columns > 1 ? (size_t)columns - 1 : 1;
    if (at > max)
        at = max;
    if (at + 1 > len)
        at = len - 1;
    memcpy(buf, line, at);
    buf[at] = '\0';
}

void progress_clear(progress *p)
{
    if (p->line_shown) {
        fputs("\r\033[K", p->out);
        fflush(p->out);
        p->line_shown = false;
    }
}

void progress_update(progress *p, size_t done, const progress_slot *slots, size_t nslots,
                     bool force)
{
    if (!p->tty || p->quiet)
        return;
    int64_t now = gcb_now_ns();
    if (!force && p->line_shown && now - p->drawn_ns < 200000000)
        return;
    char line[1024];
    progress_format(line, sizeof line, columns_of(p->out), p->n, done, slots, nslots,
                    now - p->start_ns);
    fprintf(p->out, "\r%s\033[K", line);
    fflush(p->out);
    p->drawn_ns = now;
    p->line_shown = true;
}

void progress_run_ended(progress *p, size_t done, const plan_run *r, const run_result *rr)
{
    bool ok = strcmp(rr->status, "ok") == 0;
    if (ok && (p->quiet || !p->tty))
        return;
    progress_clear(p);
    char peak[32], runtime[96];
    gcb_fmt_mib(peak, sizeof peak, rr->peak_rss_bytes);
    const plan_runtime *rt = plan_run_runtime(r);
    if (rt->kind == PLAN_NATIVE) /* py313, py314 and py315 share thresholds: say which ran */
        snprintf(runtime, sizeof runtime, "%s %s", rt->name, plan_policy_name(r));
    else
        snprintf(runtime, sizeof runtime, "%s", rt->name);
    fprintf(p->out,
            "bench: [%zu/%zu] %s %s %s %s %s %s %lld: %s (%lld/%lld iterations, %.2f s, "
            "peak %s MiB)%s%s\n",
            done, p->n, r->run_id, r->scenario->name, runtime, r->threshold_text,
            plan_mode_names[r->mode], r->trace_frames > 0 ? "traced run" : "repeat",
            (long long)r->repeat, rr->status, (long long)rr->iterations_done,
            (long long)r->iterations, (double)rr->wall_ns / 1e9, peak, ok ? "" : ": ",
            ok ? "" : rr->message);
    fflush(p->out);
}

void progress_end(progress *p, size_t done, long failed)
{
    progress_clear(p);
    if (p->quiet)
        return;
    char elapsed[32];
    fmt_duration(elapsed, sizeof elapsed, gcb_now_ns() - p->start_ns);
    fprintf(p->out, "bench: %zu of %zu runs ended in %s: %ld ok, %ld not ok\n", done, p->n,
            elapsed, (long)done - (failed > 0 ? failed : 0), failed > 0 ? failed : 0);
    fflush(p->out);
}
