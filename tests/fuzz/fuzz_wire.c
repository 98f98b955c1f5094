/* fuzz_wire.c — libFuzzer target of the parent's reader of a worker's records (wire_check.h):
 * the input is a worker's byte stream, as the record pipe delivers it, after two bytes that set
 * up the reader: the run's planned iterations (0..255) and the size of the reads the stream
 * arrives in (1 + 37 × that byte, so that records arrive whole, split and several at once).
 * The run's token is FUZZ_WIRE_TOKEN, as in the seed corpus (real workers' streams, made by
 * make_corpus.py with GCBENCH_WIRE_TOKEN set to it).
 *
 * Besides the sanitizers, it checks what the reader promises the runner: every record it hands
 * over carries the token, is a known kind in the worker's order (ITER 0, 1, 2 … up to the
 * planned iterations; TYPE, CLASS, SITE, HOLDER of a sampled iteration, with a NUL-ended,
 * non-empty name; one DONE, last) with every figure within ±WIRE_VALUE_MAX; once it has failed
 * it hands over nothing more and says why; a stream that stops inside a record fails at its
 * end. A broken promise aborts (a crash to libFuzzer).
 *
 *   build-fuzz/tests/fuzz/fuzz_wire CORPUS tests/fuzz/corpus/wire
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_WIRE_TOKEN 305419896u /* 0x12345678 */

/* What the records handed over so far have shown. */
typedef struct seen {
    const wire_reader *r;
    int64_t last_iteration; /* -1 before the first ITER */
    size_t records;
    bool done;
} seen;

static void broken(const char *what, int64_t value)
{
    fprintf(stderr, "fuzz_wire: %s (%lld)\n", what, (long long)value);
    abort();
}

static void figure(int64_t v, int64_t lo)
{
    if (v < lo || v > WIRE_VALUE_MAX)
        broken("a figure out of range was handed over", v);
}

static void on_record(void *ctx, const wire_msg *m)
{
    seen *s = ctx;
    s->records++;
    if (m->token != FUZZ_WIRE_TOKEN)
        broken("a record without the token", m->token);
    if (s->done)
        broken("a record after DONE", m->kind);
    switch (m->kind) {
    case WIRE_ITER: {
        const wire_iter *it = &m->u.iter;
        if (it->iteration != s->last_iteration + 1 || it->iteration > s->r->iterations)
            broken("an iteration out of order", it->iteration);
        s->last_iteration = it->iteration;
        figure(it->rss_bytes, -1);
        figure(it->live_objects, -1);
        figure(it->pause_ns, -1);
        for (int g = 0; g < 3; g++)
            figure(it->collections_gen[g], -1);
        break;
    }
    case WIRE_TYPE:
    case WIRE_CLASS:
    case WIRE_SITE:
    case WIRE_HOLDER: {
        const wire_type *t = &m->u.type;
        if (t->iteration < 0 || t->iteration > s->last_iteration)
            broken("a row of an iteration not sampled", t->iteration);
        size_t n = strnlen(t->name, sizeof t->name);
        if (n == 0 || n == sizeof t->name)
            broken("a name empty or not NUL-ended", (int64_t)n);
        figure(t->live_objects, -1);
        figure(t->live_bytes, -1);
        figure(t->growth_objects, -WIRE_VALUE_MAX);
        break;
    }
    case WIRE_DONE: {
        const wire_done *d = &m->u.done;
        if (d->iterations_done < 0 || d->iterations_done > s->r->iterations)
            broken("iterations_done out of range", d->iterations_done);
        if (strnlen(d->message, sizeof d->message) == sizeof d->message ||
            strnlen(d->params, sizeof d->params) == sizeof d->params)
            broken("a text not NUL-ended", 0);
        figure(d->peak_rss_bytes, -1);
        s->done = true;
        break;
    }
    default:
        broken("an unknown kind was handed over", m->kind);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    wire_reader r;
    wire_reader_init(&r, FUZZ_WIRE_TOKEN, data[0]);
    r.t_min = 0;
    r.t_max = WIRE_VALUE_MAX;
    size_t chunk = 1 + 37 * (size_t)data[1];
    data += 2;
    size -= 2;
    seen s = {.r = &r, .last_iteration = -1};
    int rc = 0;
    for (size_t at = 0; at < size; at += chunk) {
        size_t n = size - at < chunk ? size - at : chunk;
        size_t before = s.records;
        int fed = wire_reader_feed(&r, data + at, n, on_record, &s);
        if (rc != 0 && s.records != before)
            broken("records handed over after a failure", (int64_t)s.records);
        if (fed != 0 && r.error[0] == '\0')
            broken("a failure that does not say why", 0);
        rc |= fed;
    }
    if (s.records > size / sizeof(wire_msg))
        broken("more records than the stream holds", (int64_t)s.records);
    int end = wire_reader_end(&r);
    if (rc == 0 && size % sizeof(wire_msg) != 0 && end == 0)
        broken("a stream that stops inside a record ends well", (int64_t)size);
    return 0;
}
