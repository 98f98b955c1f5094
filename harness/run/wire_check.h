/* wire_check.h — the parent's reader of a worker's records (wire.h). A worker runs code that
 * gcbench does not trust (a user's scenario file), so its byte stream is untrusted input:
 * every record is checked whole — its length, its kind, the run's token, each number's
 * range, each text's terminating NUL, and its place in the run's order — before anything
 * in it is used. The first record that fails ends the stream: the run is marked failed
 * ("worker sent a malformed record: …") and nothing after it is read.
 *
 * The order a worker keeps: ITER 0, 1, 2 … (consecutive, at most the planned iterations),
 * each optionally followed by CLASS records of iterations already sampled; then TYPE, SITE
 * and HOLDER records of sampled iterations; then exactly one DONE, and nothing after it. */
#ifndef GCB_WIRE_CHECK_H
#define GCB_WIRE_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire.h"

/* Numbers in records lie within ±WIRE_VALUE_MAX (2^50: a petabyte, a fortnight in
 * nanoseconds), so sums and differences of a few of them cannot overflow. */
#define WIRE_VALUE_MAX ((int64_t)1 << 50)

typedef struct wire_reader {
    /* set by the caller before the first byte */
    uint32_t token;       /* the run's token: every record carries it */
    int64_t iterations;   /* planned: no ITER beyond it */
    int64_t t_min, t_max; /* an ITER's t_ns lies within (CLOCK_MONOTONIC) */
    /* state */
    int64_t last_iteration; /* the last ITER's, -1 before the first */
    bool done;              /* DONE arrived */
    bool failed;            /* a record was malformed: the stream is over */
    size_t got;             /* bytes of msg read so far */
    wire_msg msg;           /* the record being assembled */
    char error[256];        /* why it failed */
} wire_reader;

/* A whole, checked record, handed to the caller. */
typedef void wire_record_fn(void *ctx, const wire_msg *m);

/* Starts a reader for a run of `iterations` iterations with the given token. t_min/t_max
 * default to the whole range; set them after. */
void wire_reader_init(wire_reader *r, uint32_t token, int64_t iterations);

/* Feeds n bytes of the stream; calls fn for each complete record that passes the checks.
 * Returns 0, or -1 once a record failed (r->error says why; later calls do nothing). */
int wire_reader_feed(wire_reader *r, const void *bytes, size_t n, wire_record_fn *fn, void *ctx);

/* The stream ended (the worker exited). Returns 0, or -1 when it ended inside a record
 * (truncated) — a run with no DONE is the caller's to judge. */
int wire_reader_end(wire_reader *r);

/* Checks one record against the reader's state and, when it passes, advances the state.
 * Returns 0, or -1 with r->error set (the state is left as it was). */
int wire_check(wire_reader *r, const wire_msg *m);

#endif /* GCB_WIRE_CHECK_H */
