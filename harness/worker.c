/* worker.c — bench-worker, the process that runs one native scenario run: it creates a
 * runtime with the run's GC settings, runs setup, N iterations and teardown, and after
 * every iteration (and, in forced mode, its collection) sends a boundary sample to its
 * parent over the pipe on --fd. It is started by `bench run` (fork + exec), already pinned;
 * users never call it.
 *
 *   bench-worker --fd N --scenario NAME --mode forced|auto|off --iterations N
 *                [--threshold T0,T1,T2] [--policy P] [--allocator A] [--param KEY=VALUE]…
 *
 * Exit status: 0 every iteration ran; 1 the scenario failed (the DONE record says why);
 * 2 bad arguments (a bug in bench: the message goes to stderr).
 *
 * Test hook (fault injection, like SQLite's): GCBENCH_FAULT=crash@K | fail@K | hang@K
 * makes iteration K raise SIGSEGV, fail with a message, or sleep forever.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gcr.h"
#include "procfs.h"
#include "scenario.h"
#include "stats.h"
#include "util.h"
#include "wire.h"

typedef enum { MODE_FORCED, MODE_AUTO, MODE_OFF } run_mode;

typedef struct worker_args {
    int fd;
    const scn_scenario *scenario;
    scn_values params;
    run_mode mode;
    int64_t iterations;
    int threshold[3];
    bool threshold_set;
    gcr_config config;
} worker_args;

/* Pause of every collection of the run, for median / p95 / max. */
typedef struct pauses {
    int64_t *ns;
    size_t len, cap;
} pauses;

static void on_collection(void *ctx, gcr_gc_phase phase, const gcr_gc_info *info)
{
    pauses *p = ctx;
    if (phase != GCR_GC_STOP)
        return;
    if (p->len == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 1024;
        int64_t *ns = realloc(p->ns, cap * sizeof *ns);
        if (ns == NULL)
            return; /* the pause is still in the runtime's totals */
        p->ns = ns;
        p->cap = cap;
    }
    p->ns[p->len++] = (int64_t)info->pause_ns;
}

static void die_usage(const char *fmt, const char *value)
{
    fprintf(stderr, "bench-worker: ");
    fprintf(stderr, fmt, value);
    fputc('\n', stderr);
    exit(2);
}

static int parse_threshold(const char *s, int t[3])
{
    char extra;
    return sscanf(s, "%d,%d,%d%c", &t[0], &t[1], &t[2], &extra) == 3 && t[0] >= 0 && t[1] >= 0 &&
                   t[2] >= 0
               ? 0
               : -1;
}

static void parse_param(worker_args *a, const char *kv)
{
    const char *eq = strchr(kv, '=');
    if (a->scenario == NULL || eq == NULL)
        die_usage("--param '%s' needs KEY=VALUE after --scenario", kv);
    char key[64];
    snprintf(key, sizeof key, "%.*s", (int)(eq - kv), kv);
    int i = scn_param_index(a->scenario, key);
    int64_t v;
    if (i < 0 || gcb_parse_i64(eq + 1, 0, INT64_MAX, &v) != 0)
        die_usage("bad --param '%s'", kv);
    a->params.v[i] = (long)v;
}

static void parse_args(int argc, char **argv, worker_args *a)
{
    static const struct option opts[] = {
        {"fd", required_argument, NULL, 'f'},
        {"scenario", required_argument, NULL, 's'},
        {"mode", required_argument, NULL, 'm'},
        {"iterations", required_argument, NULL, 'n'},
        {"threshold", required_argument, NULL, 't'},
        {"policy", required_argument, NULL, 'p'},
        {"allocator", required_argument, NULL, 'a'},
        {"param", required_argument, NULL, 'k'},
        {NULL, 0, NULL, 0},
    };
    memset(a, 0, sizeof *a);
    a->fd = -1;
    int c;
    int64_t v;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (gcb_parse_i64(optarg, 0, 1 << 20, &v) != 0)
                die_usage("bad --fd '%s'", optarg);
            a->fd = (int)v;
            break;
        case 's':
            if ((a->scenario = scn_find(optarg)) == NULL)
                die_usage("unknown scenario '%s'", optarg);
            scn_defaults(a->scenario, &a->params);
            break;
        case 'm':
            if (strcmp(optarg, "forced") == 0)
                a->mode = MODE_FORCED;
            else if (strcmp(optarg, "auto") == 0)
                a->mode = MODE_AUTO;
            else if (strcmp(optarg, "off") == 0)
                a->mode = MODE_OFF;
            else
                die_usage("unknown mode '%s'", optarg);
            break;
        case 'n':
            if (gcb_parse_i64(optarg, 1, INT64_MAX, &a->iterations) != 0)
                die_usage("bad --iterations '%s'", optarg);
            break;
        case 't':
            if (parse_threshold(optarg, a->threshold) != 0)
                die_usage("bad --threshold '%s'", optarg);
            a->threshold_set = true;
            break;
        case 'p':
            if (gcr_policy_parse(optarg, &a->config.policy) != 0)
                die_usage("unknown policy '%s'", optarg);
            break;
        case 'a':
            if (gcr_allocator_parse(optarg, &a->config.allocator) != 0)
                die_usage("unknown allocator '%s'", optarg);
            break;
        case 'k':
            parse_param(a, optarg);
            break;
        default:
            die_usage("bad arguments%s", "");
        }
    }
    if (a->fd < 0 || a->scenario == NULL || a->iterations == 0 || optind != argc)
        die_usage("needs --fd, --scenario and --iterations%s", "");
}

static void send_msg(int fd, const wire_msg *m)
{
    ssize_t n = write(fd, m, sizeof *m);
    if (n != (ssize_t)sizeof *m) {
        /* The parent is gone or the pipe broke: nobody is left to report to. */
        _exit(3);
    }
}

/* GCBENCH_FAULT=kind@K: what iteration K should do instead of running normally. */
typedef struct fault {
    char kind[16];
    int64_t at;
} fault;

static fault read_fault(void)
{
    fault f = {"", -1};
    const char *s = getenv("GCBENCH_FAULT");
    if (s != NULL && sscanf(s, "%15[a-z]@%" SCNd64, f.kind, &f.at) != 2)
        f.at = -1;
    return f;
}

static int inject_fault(const fault *f, int64_t iteration, char *err, size_t errlen)
{
    if (f->at != iteration)
        return 0;
    if (strcmp(f->kind, "crash") == 0)
        raise(SIGSEGV);
    if (strcmp(f->kind, "hang") == 0)
        for (;;)
            pause();
    if (strcmp(f->kind, "fail") == 0) {
        snprintf(err, errlen, "injected failure at iteration %ld", (long)iteration);
        return -1;
    }
    return 0;
}

/* Fills the runtime part of a sample: cumulative gc counters, live objects, the allocator. */
static void sample_runtime(gcr_runtime *rt, wire_iter *s)
{
    gcr_counters c;
    gcr_counters_get(rt, &c);
    gcr_alloc_stats a;
    gcr_alloc_stats_get(rt, &a);
    s->arenas_current = (int64_t)a.arenas_current;
    s->arenas_allocated_total = (int64_t)a.arenas_allocated_total;
    s->arenas_reclaimed_total = (int64_t)a.arenas_reclaimed_total;
    s->arenas_highwater = (int64_t)a.arenas_highwater;
    s->blocks_in_use = (int64_t)a.blocks_in_use;
    int count[3];
    gcr_gc_get_count(rt, count);
    s->live_objects = (int64_t)c.live_objects;
    s->live_bytes = (int64_t)c.live_bytes;
    s->collections = (int64_t)c.collections;
    s->collected = (int64_t)c.collected;
    s->uncollectable = (int64_t)c.uncollectable;
    s->garbage = (int64_t)c.garbage_len;
    s->pause_ns = (int64_t)c.pause_ns_total;
    s->objects_scanned = (int64_t)c.objects_scanned;
    for (int g = 0; g < 3; g++)
        s->count[g] = count[g];
}

/* Sends the boundary sample of iteration k. The peak is VmHWM since the last reset. */
static void send_iter(int fd, gcr_runtime *rt, int64_t k, bool peak_ok, wire_iter *s,
                      int64_t *run_peak)
{
    wire_msg m = {.kind = WIRE_ITER};
    procfs_mem mem = {-1, -1, -1, -1};
    procfs_self(&mem);
    s->iteration = k;
    s->t_ns = gcb_now_ns();
    s->rss_bytes = mem.rss_bytes;
    s->rss_anon_bytes = mem.rss_anon_bytes;
    s->rss_file_bytes = mem.rss_file_bytes;
    s->iter_peak_rss_bytes = peak_ok ? mem.hwm_bytes : -1;
    if (mem.hwm_bytes > *run_peak) /* without resets, VmHWM is the run's peak anyway */
        *run_peak = mem.hwm_bytes;
    sample_runtime(rt, s);
    m.u.iter = *s;
    send_msg(fd, &m);
}

/* The WORKER_TOP_TYPES types with the most live objects, and their growth since the mark
 * set at the baseline: what objgraph's show_most_common_types / show_growth would print. */
#define WORKER_TOP_TYPES 10

static void send_types(int fd, gcr_runtime *rt, int64_t iteration)
{
    gcr_type_stat top[WORKER_TOP_TYPES];
    size_t n = gcr_types_stats(rt, top, WORKER_TOP_TYPES);
    for (size_t i = 0; i < n && i < WORKER_TOP_TYPES; i++) {
        wire_msg m = {.kind = WIRE_TYPE};
        m.u.type.iteration = iteration;
        m.u.type.live_objects = (int64_t)top[i].live_objects;
        m.u.type.live_bytes = (int64_t)top[i].live_bytes;
        m.u.type.growth_objects = top[i].growth_objects;
        snprintf(m.u.type.name, sizeof m.u.type.name, "%s", top[i].name);
        send_msg(fd, &m);
    }
}

static void send_done(int fd, gcr_runtime *rt, pauses *p, int64_t done, bool ok, bool peak_ok,
                      int64_t run_peak, const char *message)
{
    wire_msg m = {.kind = WIRE_DONE};
    wire_done *d = &m.u.done;
    gcr_counters c;
    gcr_counters_get(rt, &c);
    d->ok = ok;
    d->iter_peak_supported = peak_ok;
    d->iterations_done = done;
    d->collections = (int64_t)c.collections;
    d->collected = (int64_t)c.collected;
    d->uncollectable = (int64_t)c.uncollectable;
    d->garbage = (int64_t)c.garbage_len;
    d->objects_scanned = (int64_t)c.objects_scanned;
    d->pause_ns_total = (int64_t)c.pause_ns_total;
    d->pause_ns_max = (int64_t)c.pause_ns_max;
    d->peak_rss_bytes = run_peak;
    if (p->len > 0) {
        d->pause_ns_p95 = stats_percentile_i64(p->ns, p->len, 95.0);
        d->pause_ns_median = stats_median_i64(p->ns, p->len);
    }
    snprintf(d->message, sizeof d->message, "%s", message);
    send_msg(fd, &m);
}

/* Runs the iterations. Returns how many completed; err is set when one failed. */
static int64_t run_iterations(const worker_args *a, gcr_runtime *rt, void *state, bool peak_ok,
                              int64_t *run_peak, char *err, size_t errlen)
{
    fault f = read_fault();
    for (int64_t k = 1; k <= a->iterations; k++) {
        wire_iter s = {0};
        if (peak_ok)
            procfs_reset_peak();
        int64_t w0 = gcb_now_ns(), c0 = gcb_cpu_ns();
        int rc = inject_fault(&f, k, err, errlen);
        if (rc == 0)
            rc = a->scenario->step(rt, &a->params, state, err, errlen);
        int64_t w1 = gcb_now_ns(), c1 = gcb_cpu_ns();
        if (rc != 0)
            return k - 1;
        if (a->mode == MODE_FORCED)
            gcr_gc_collect(rt, 2);
        int64_t w2 = gcb_now_ns(), c2 = gcb_cpu_ns();
        s.step_wall_ns = w1 - w0;
        s.step_cpu_ns = c1 - c0;
        s.gc_wall_ns = w2 - w1;
        s.gc_cpu_ns = c2 - c1;
        send_iter(a->fd, rt, k, peak_ok, &s, run_peak);
    }
    return a->iterations;
}

int main(int argc, char **argv)
{
    worker_args a;
    parse_args(argc, argv, &a);
    signal(SIGPIPE, SIG_IGN);

    gcr_runtime *rt = gcr_open(&a.config);
    if (rt == NULL) {
        fprintf(stderr, "bench-worker: out of memory creating the runtime\n");
        return 1;
    }
    if (a.threshold_set)
        gcr_gc_set_threshold(rt, a.threshold[0], a.threshold[1], a.threshold[2]);
    if (a.mode == MODE_OFF)
        gcr_gc_disable(rt);
    pauses p = {0};
    gcr_gc_set_callback(rt, on_collection, &p);

    char err[1024] = "";
    void *state = NULL;
    bool peak_ok = procfs_reset_peak() == 0;
    int64_t done = 0, run_peak = -1;
    bool ok =
        a.scenario->setup == NULL || a.scenario->setup(rt, &a.params, &state, err, sizeof err) == 0;
    if (ok) {
        wire_iter baseline = {0};
        send_iter(a.fd, rt, 0, peak_ok, &baseline, &run_peak);
        gcr_types_mark(rt);
        done = run_iterations(&a, rt, state, peak_ok, &run_peak, err, sizeof err);
        ok = done == a.iterations;
        send_types(a.fd, rt, done);
        if (a.scenario->teardown != NULL)
            a.scenario->teardown(rt, &a.params, state);
    }
    send_done(a.fd, rt, &p, done, ok, peak_ok, run_peak, err);
    gcr_close(rt);
    free(p.ns);
    return ok ? 0 : 1;
}
