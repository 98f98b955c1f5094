/* rt_test.h — helpers shared by the runtime's cmocka tests: counters in one call, and a gc
 * callback that records every event. */
#ifndef RT_TEST_H
#define RT_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gcr.h"

static inline gcr_counters rt_counters(const gcr_runtime *rt)
{
    gcr_counters c;
    gcr_counters_get(rt, &c);
    return c;
}

static inline uint64_t rt_live_objects(const gcr_runtime *rt)
{
    return rt_counters(rt).live_objects;
}

static inline uint64_t rt_live_bytes(const gcr_runtime *rt) { return rt_counters(rt).live_bytes; }

/* Asserts the generation counts are (c0, c1, c2). */
static inline void rt_assert_count(const gcr_runtime *rt, int c0, int c1, int c2)
{
    int count[GCR_GENERATIONS];
    gcr_gc_get_count(rt, count);
    assert_int_equal(count[0], c0);
    assert_int_equal(count[1], c1);
    assert_int_equal(count[2], c2);
}

/* The events a gc callback saw, in order. */
#define RT_MAX_EVENTS 1024
typedef struct rt_events {
    size_t n;
    gcr_gc_phase phase[RT_MAX_EVENTS];
    gcr_gc_info info[RT_MAX_EVENTS];
} rt_events;

static inline void rt_record(void *ctx, gcr_gc_phase phase, const gcr_gc_info *info)
{
    rt_events *ev = ctx;
    assert_true(ev->n < RT_MAX_EVENTS);
    ev->phase[ev->n] = phase;
    ev->info[ev->n] = *info;
    ev->n++;
}

/* Builds a list of n new empty lists; the caller owns it. */
static inline gcr_object *rt_list_of_lists(gcr_runtime *rt, size_t n)
{
    gcr_object *outer = gcr_list_new(rt);
    assert_non_null(outer);
    for (size_t i = 0; i < n; i++) {
        gcr_object *inner = gcr_list_new(rt);
        assert_non_null(inner);
        assert_int_equal(gcr_list_append(rt, outer, inner), 0);
        gcr_decref(rt, inner);
    }
    return outer;
}

#endif /* RT_TEST_H */
