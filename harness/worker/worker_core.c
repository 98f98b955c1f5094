/* worker_core.c — the iteration loop, samples, faults and wire records every worker shares
 * (see worker_core.h). */
#include "worker_core.h"

#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "census.h"
#include "procfs.h"
#include "stats.h"
#include "util.h"

/* ---- arguments ------------------------------------------------------------------------- */

void wk_die_usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("bench worker: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

static void parse_param(wk_args *a, char *kv)
{
    char *eq = strchr(kv, '=');
    if (eq == NULL || eq == kv)
        wk_die_usage("bad --param '%s': expected KEY=VALUE", kv);
    if (a->nparams == WK_MAX_PARAMS)
        wk_die_usage("too many --param options");
    *eq = '\0';
    a->param_keys[a->nparams] = kv;
    a->param_values[a->nparams++] = eq + 1;
}

static wk_mode parse_mode(const char *s)
{
    static const char *const names[] = {"forced", "auto", "off"};
    for (int i = 0; i < 3; i++)
        if (strcmp(s, names[i]) == 0)
            return (wk_mode)i;
    wk_die_usage("unknown mode '%s'", s);
}

void wk_parse_args(int argc, char **argv, wk_args *a)
{
    static const struct option opts[] = {
        {"fd", required_argument, NULL, 'f'},
        {"scenario", required_argument, NULL, 's'},
        {"file", required_argument, NULL, 'F'},
        {"mode", required_argument, NULL, 'm'},
        {"iterations", required_argument, NULL, 'n'},
        {"threshold", required_argument, NULL, 't'},
        {"policy", required_argument, NULL, 'p'},
        {"allocator", required_argument, NULL, 'a'},
        {"param", required_argument, NULL, 'k'},
        {"python-env", no_argument, NULL, 'E'},
        {"interpreter-objects", required_argument, NULL, 'I'},
        {"trace-alloc", required_argument, NULL, 'T'},
        {NULL, 0, NULL, 0},
    };
    memset(a, 0, sizeof *a);
    a->fd = -1;
    int c;
    int64_t v;
    char extra;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (gcb_parse_i64(optarg, 0, 1 << 20, &v) != 0)
                wk_die_usage("bad --fd '%s'", optarg);
            a->fd = (int)v;
            break;
        case 's':
            a->scenario = optarg;
            break;
        case 'F':
            a->file = optarg;
            break;
        case 'm':
            a->mode = parse_mode(optarg);
            break;
        case 'n':
            if (gcb_parse_i64(optarg, 1, INT64_MAX, &a->iterations) != 0)
                wk_die_usage("bad --iterations '%s'", optarg);
            break;
        case 't':
            if (sscanf(optarg, "%d,%d,%d%c", &a->threshold[0], &a->threshold[1], &a->threshold[2],
                       &extra) != 3)
                wk_die_usage("bad --threshold '%s'", optarg);
            a->threshold_set = true;
            break;
        case 'p':
            a->policy = optarg;
            break;
        case 'a':
            a->allocator = optarg;
            break;
        case 'k':
            parse_param(a, optarg);
            break;
        case 'E':
            a->python_env = true;
            break;
        case 'I':
            if (gcb_parse_i64(optarg, 0, INT64_MAX, &a->interpreter_objects) != 0)
                wk_die_usage("bad --interpreter-objects '%s'", optarg);
            break;
        case 'T':
            if (gcb_parse_i64(optarg, 1, 1000, &a->trace_frames) != 0)
                wk_die_usage("bad --trace-alloc '%s'", optarg);
            break;
        default:
            wk_die_usage("bad arguments");
        }
    }
    /* The token stays in the environment: a Python host (worker.py) takes it out itself. */
    const char *token = getenv("GCBENCH_WIRE_TOKEN");
    if (token != NULL && gcb_parse_i64(token, 0, UINT32_MAX, &v) == 0)
        a->token = (uint32_t)v;
    if (a->fd < 0 || (a->scenario == NULL) == (a->file == NULL) || a->iterations == 0 ||
        optind != argc)
        wk_die_usage("needs --fd, --scenario or --file, and --iterations");
}

/* ---- pauses ------------------------------------------------------------------------------ */

void wk_pauses_add(wk_pauses *p, int64_t pause_ns)
{
    if (p->len == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 1024;
        int64_t *ns = realloc(p->ns, cap * sizeof *ns);
        if (ns == NULL)
            return;
        p->ns = ns;
        p->cap = cap;
    }
    p->ns[p->len++] = pause_ns;
}

/* ---- wire --------------------------------------------------------------------------------- */

/* Sends m, with the run's token in its header. */
static void send_msg(const wk_args *a, wire_msg *m)
{
    m->token = a->token;
    if (write(a->fd, m, sizeof *m) != (ssize_t)sizeof *m)
        _exit(3); /* the parent is gone or the pipe broke: nobody is left to report to */
}

/* ---- faults ------------------------------------------------------------------------------- */

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
        snprintf(err, errlen, "injected failure at iteration %" PRId64, iteration);
        return -1;
    }
    return 0;
}

/* ---- the loop ------------------------------------------------------------------------------ */

/* What the loop carries from sample to sample. */
typedef struct run_state {
    const wk_args *a;
    const wk_backend *b;
    bool peak_ok;     /* VmHWM can be reset each iteration */
    int64_t run_peak; /* the largest VmHWM seen */
    wk_pauses pauses;
    wire_iter base;      /* the runtime's cumulative counters at the baseline */
    wire_iter last;      /* the last boundary sample sent (counted from the baseline) */
    size_t last_pauses;  /* pauses.len at the last boundary sample */
    census types;        /* live objects and bytes per type at every sample */
    wire_type *type_buf; /* WK_MAX_TYPES entries for b->types (NULL: no census) */
} run_state;

#define WK_MAX_TYPES 256 /* types per sample the census reads at most */

/* Cumulative counters count from the baseline: an interpreter's start-up and the setup are
 * not the run's. (Levels — counts, garbage, live objects — stay as they are.) */
static void since_baseline(const wire_iter *base, int64_t *collections, int64_t *collected,
                           int64_t *uncollectable, int64_t *pause_ns, int64_t *scanned)
{
    int64_t *v[] = {collections, collected, uncollectable, pause_ns, scanned};
    const int64_t b[] = {base->collections, base->collected, base->uncollectable, base->pause_ns,
                         base->objects_scanned};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        if (*v[i] >= 0 && b[i] >= 0)
            *v[i] -= b[i];
}

/* The per-generation collections of a sample, counted from the baseline's. */
static void gens_since_baseline(const wire_iter *base, wire_iter *s)
{
    for (int g = 0; g < 3; g++)
        if (s->collections_gen[g] >= 0 && base->collections_gen[g] >= 0)
            s->collections_gen[g] -= base->collections_gen[g];
}

#define WK_MAX_CLASSES 32

/* One WIRE_CLASS record per class of the scenario, after iteration k's sample. */
static void send_classes(run_state *st, int64_t k)
{
    if (st->b->classes == NULL)
        return;
    wire_type cls[WK_MAX_CLASSES];
    size_t n = st->b->classes(st->b->ctx, cls, WK_MAX_CLASSES);
    for (size_t i = 0; i < n && i < WK_MAX_CLASSES; i++) {
        wire_msg m = {.kind = WIRE_CLASS};
        m.u.type = cls[i];
        m.u.type.iteration = k;
        send_msg(st->a, &m);
    }
}

/* Sends iteration k's boundary sample; s holds its times. The peak is VmHWM since the last
 * reset. */
static void send_iter(run_state *st, int64_t k, wire_iter *s)
{
    wire_msg m = {.kind = WIRE_ITER};
    procfs_mem mem = {-1, -1, -1, -1};
    procfs_self(&mem);
    s->iteration = k;
    s->t_ns = gcb_now_ns();
    s->rss_bytes = mem.rss_bytes;
    s->rss_anon_bytes = mem.rss_anon_bytes;
    s->rss_file_bytes = mem.rss_file_bytes;
    s->iter_peak_rss_bytes = st->peak_ok ? mem.hwm_bytes : -1;
    if (mem.hwm_bytes > st->run_peak) /* without resets, VmHWM is the run's peak anyway */
        st->run_peak = mem.hwm_bytes;
    st->b->sample(st->b->ctx, s);
    if (k == 0)
        st->base = *s;
    since_baseline(&st->base, &s->collections, &s->collected, &s->uncollectable, &s->pause_ns,
                   &s->objects_scanned);
    gens_since_baseline(&st->base, s);
    st->last = *s;
    st->last_pauses = st->pauses.len;
    m.u.iter = *s;
    send_msg(st->a, &m);
    send_classes(st, k);
    if (st->type_buf != NULL) {
        size_t n = st->b->types(st->b->ctx, st->type_buf, WK_MAX_TYPES);
        census_record(&st->types, st->type_buf, n < WK_MAX_TYPES ? n : WK_MAX_TYPES);
    }
}

static void send_type(void *ctx, const wire_type *t)
{
    const run_state *st = ctx;
    wire_msg m = {.kind = WIRE_TYPE};
    m.u.type = *t;
    send_msg(st->a, &m);
}

/* WIRE_TYPE records: the types that grew, at every sample (census_send). */
static void send_types(run_state *st) { census_send(&st->types, send_type, st); }

/* DONE: the gc figures of the last boundary sample (see wk_run), a failed setup's zeros. */
static void send_done(run_state *st, int64_t done, bool ok, const char *message)
{
    wire_msg m = {.kind = WIRE_DONE};
    wire_done *d = &m.u.done;
    const wire_iter *last = &st->last;
    d->collections = last->collections;
    d->collected = last->collected;
    d->uncollectable = last->uncollectable;
    d->garbage = last->garbage;
    d->objects_scanned = last->objects_scanned;
    d->pause_ns_total = last->pause_ns;
    d->ok = ok;
    d->iter_peak_supported = st->peak_ok;
    d->iterations_done = done;
    d->peak_rss_bytes = st->run_peak;
    size_t n = st->last_pauses; /* the run's own collections, not the start-up's or teardown's */
    if (n > 0) {
        d->pause_ns_p95 = stats_percentile_i64(st->pauses.ns, n, 95.0);
        d->pause_ns_median = stats_median_i64(st->pauses.ns, n); /* sorts */
        d->pause_ns_max = st->pauses.ns[n - 1];
    }
    st->b->params(st->b->ctx, d->params, sizeof d->params);
    snprintf(d->message, sizeof d->message, "%s", message);
    send_msg(st->a, &m);
}

/* Runs the iterations; returns how many completed (err is set when one failed). */
static int64_t run_iterations(run_state *st, char *err, size_t errlen)
{
    const wk_backend *b = st->b;
    fault f = read_fault();
    for (int64_t k = 1; k <= st->a->iterations; k++) {
        wire_iter s = {0};
        if (st->peak_ok)
            procfs_reset_peak();
        int64_t w0 = gcb_now_ns(), c0 = gcb_cpu_ns();
        int rc = inject_fault(&f, k, err, errlen);
        if (rc == 0)
            rc = b->step(b->ctx, err, errlen);
        int64_t w1 = gcb_now_ns(), c1 = gcb_cpu_ns();
        if (rc != 0)
            return k - 1;
        if (st->a->mode == WK_FORCED)
            b->collect(b->ctx);
        int64_t w2 = gcb_now_ns(), c2 = gcb_cpu_ns();
        s.step_wall_ns = w1 - w0;
        s.step_cpu_ns = c1 - c0;
        s.gc_wall_ns = w2 - w1;
        s.gc_cpu_ns = c2 - c1;
        send_iter(st, k, &s);
    }
    return st->a->iterations;
}

int wk_run(const wk_args *a, const wk_backend *b)
{
    signal(SIGPIPE, SIG_IGN);
    run_state st = {.a = a, .b = b, .peak_ok = procfs_reset_peak() == 0, .run_peak = -1};
    st.type_buf = b->types != NULL ? malloc(WK_MAX_TYPES * sizeof *st.type_buf) : NULL;
    char err[2048] = "";
    int64_t done = 0;
    bool ok = b->setup(b->ctx, &st.pauses, err, sizeof err) == 0;
    if (ok) {
        /* Seed 004 calls gc.collect() before each test: every run starts from empty young
         * generations, whatever setup (or an interpreter's start-up) left in them. Its pause
         * is not the run's. */
        b->collect(b->ctx);
        st.pauses.len = 0;
        b->mark_types(b->ctx);
        wire_iter baseline = {0};
        send_iter(&st, 0, &baseline);
        done = run_iterations(&st, err, sizeof err);
        ok = done == a->iterations;
        send_types(&st);
        char name[sizeof(wire_type){0}.name], chain[sizeof(wire_type){0}.name];
        if (ok && a->mode == WK_FORCED && b->holder != NULL &&
            census_top(&st.types, name, sizeof name) &&
            b->holder(b->ctx, name, chain, sizeof chain) == 0) {
            wire_msg m = {.kind = WIRE_HOLDER};
            m.u.type.iteration = done;
            m.u.type.live_bytes = -1;
            snprintf(m.u.type.name, sizeof m.u.type.name, "%s", chain);
            send_msg(a, &m);
        }
        if (b->teardown != NULL)
            b->teardown(b->ctx);
    }
    send_done(&st, done, ok, err);
    free(st.pauses.ns);
    free(st.type_buf);
    census_free(&st.types);
    return ok ? 0 : 1;
}
