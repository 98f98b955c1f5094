/* wire_check.c — checking a worker's records before use (see wire_check.h). */
#include "wire_check.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int fail(wire_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(wire_reader *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->error, sizeof r->error, fmt, ap);
    va_end(ap);
    return -1;
}

void wire_reader_init(wire_reader *r, uint32_t token, int64_t iterations)
{
    memset(r, 0, sizeof *r);
    r->token = token;
    r->iterations = iterations;
    r->t_min = INT64_MIN;
    r->t_max = INT64_MAX;
    r->last_iteration = -1;
}

/* Field f of record s within [lo, hi]; names the field otherwise. */
#define RANGE(r, s, f, lo, hi)                                                                     \
    do {                                                                                           \
        if ((s)->f < (lo) || (s)->f > (hi))                                                        \
            return fail(r, "%s %" PRId64 " out of range", #f, (int64_t)(s)->f);                    \
    } while (0)

/* Text field f of record s: NUL-ended inside its array. */
#define TEXT(r, s, f)                                                                              \
    do {                                                                                           \
        if (memchr((s)->f, '\0', sizeof((s)->f)) == NULL)                                          \
            return fail(r, "%s is not NUL-ended within %zu bytes", #f, sizeof((s)->f));            \
    } while (0)

/* A measured figure: -1 (not measured) or a size, count or time. */
#define FIGURE(r, s, f) RANGE(r, s, f, -1, WIRE_VALUE_MAX)

static int check_iter(wire_reader *r, const wire_iter *s)
{
    if (s->iteration != r->last_iteration + 1)
        return fail(r, "iteration %" PRId64 " sample after iteration %" PRId64 "'s", s->iteration,
                    r->last_iteration);
    RANGE(r, s, iteration, 0, r->iterations);
    RANGE(r, s, t_ns, r->t_min, r->t_max);
    FIGURE(r, s, rss_bytes);
    FIGURE(r, s, rss_anon_bytes);
    FIGURE(r, s, rss_file_bytes);
    FIGURE(r, s, iter_peak_rss_bytes);
    FIGURE(r, s, live_objects);
    FIGURE(r, s, live_bytes);
    FIGURE(r, s, collections);
    FIGURE(r, s, collected);
    FIGURE(r, s, uncollectable);
    FIGURE(r, s, garbage);
    FIGURE(r, s, pause_ns);
    FIGURE(r, s, objects_scanned);
    for (int g = 0; g < 3; g++) {
        FIGURE(r, s, count[g]);
        FIGURE(r, s, collections_gen[g]);
    }
    FIGURE(r, s, step_wall_ns);
    FIGURE(r, s, step_cpu_ns);
    FIGURE(r, s, gc_wall_ns);
    FIGURE(r, s, gc_cpu_ns);
    FIGURE(r, s, arenas_current);
    FIGURE(r, s, arenas_allocated_total);
    FIGURE(r, s, arenas_reclaimed_total);
    FIGURE(r, s, arenas_highwater);
    FIGURE(r, s, blocks_in_use);
    FIGURE(r, s, heap_objects);
    r->last_iteration = s->iteration;
    return 0;
}

/* TYPE, CLASS, SITE, HOLDER: of an iteration already sampled. */
static int check_type(wire_reader *r, uint32_t kind, const wire_type *t)
{
    if (r->last_iteration < 0)
        return fail(r, "a kind %" PRIu32 " record before the baseline sample", kind);
    RANGE(r, t, iteration, 0, r->last_iteration);
    RANGE(r, t, live_objects, -1, WIRE_VALUE_MAX);
    RANGE(r, t, live_bytes, -1, WIRE_VALUE_MAX);
    RANGE(r, t, growth_objects, -WIRE_VALUE_MAX, WIRE_VALUE_MAX);
    TEXT(r, t, name);
    if (t->name[0] == '\0')
        return fail(r, "a kind %" PRIu32 " record with no name", kind);
    return 0;
}

static int check_done(wire_reader *r, const wire_done *d)
{
    RANGE(r, d, ok, 0, 1);
    RANGE(r, d, iter_peak_supported, 0, 1);
    RANGE(r, d, iterations_done, 0, r->iterations);
    if (d->ok && d->iterations_done != r->last_iteration)
        return fail(r, "done after %" PRId64 " iterations, but %" PRId64 " were sampled",
                    d->iterations_done, r->last_iteration);
    FIGURE(r, d, collections);
    FIGURE(r, d, collected);
    FIGURE(r, d, uncollectable);
    FIGURE(r, d, garbage);
    FIGURE(r, d, objects_scanned);
    FIGURE(r, d, pause_ns_total);
    FIGURE(r, d, pause_ns_median);
    FIGURE(r, d, pause_ns_p95);
    FIGURE(r, d, pause_ns_max);
    FIGURE(r, d, peak_rss_bytes);
    TEXT(r, d, params);
    TEXT(r, d, message);
    r->done = true;
    return 0;
}

int wire_check(wire_reader *r, const wire_msg *m)
{
    if (r->failed)
        return -1;
    if (m->token != r->token)
        return fail(r, "a record without the run's token (kind %" PRIu32 ")", m->kind);
    if (r->done)
        return fail(r, "a kind %" PRIu32 " record after the last one", m->kind);
    switch (m->kind) {
    case WIRE_ITER:
        return check_iter(r, &m->u.iter);
    case WIRE_TYPE:
    case WIRE_CLASS:
    case WIRE_SITE:
    case WIRE_HOLDER:
        return check_type(r, m->kind, &m->u.type);
    case WIRE_DONE:
        return check_done(r, &m->u.done);
    default:
        return fail(r, "unknown record kind %" PRIu32, m->kind);
    }
}

int wire_reader_feed(wire_reader *r, const void *bytes, size_t n, wire_record_fn *fn, void *ctx)
{
    const unsigned char *p = bytes;
    /* invariant: r->got < sizeof r->msg between calls */
    while (n > 0 && !r->failed) {
        size_t take = sizeof r->msg - r->got;
        if (take > n)
            take = n;
        memcpy((unsigned char *)&r->msg + r->got, p, take);
        r->got += take;
        p += take;
        n -= take;
        if (r->got < sizeof r->msg)
            break;
        r->got = 0;
        if (wire_check(r, &r->msg) != 0) {
            r->failed = true;
            break;
        }
        fn(ctx, &r->msg);
    }
    return r->failed ? -1 : 0;
}

int wire_reader_end(wire_reader *r)
{
    if (r->failed)
        return -1;
    if (r->got != 0) {
        r->failed = true;
        return fail(r, "the stream ended inside a record (%zu of %zu bytes)", r->got,
                    sizeof r->msg);
    }
    return 0;
}
