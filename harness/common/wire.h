/* wire.h — the records a worker sends its parent over a pipe: one WIRE_ITER per boundary
 * sample (iteration 0 = after setup), each followed by one WIRE_CLASS record per class the
 * scenario defines (its live instances then), WIRE_TYPE records (the types with the most
 * live objects after the last iteration), then one WIRE_DONE. Every record is one fixed-size
 * wire_msg, written with a single write() (smaller than PIPE_BUF, so never interleaved or
 * split), read whole by the parent. Both ends are built from this header, so the layout
 * needs no versioning. The parent trusts none of it: wire_check.h checks every record. */
#ifndef GCB_WIRE_H
#define GCB_WIRE_H

#include <stdint.h>

enum {
    WIRE_ITER = 1,
    WIRE_DONE = 2,
    WIRE_TYPE = 3,
    WIRE_CLASS = 4,
    WIRE_SITE = 5,
    WIRE_HOLDER = 6
};

typedef struct wire_iter {
    int64_t iteration;
    int64_t t_ns; /* CLOCK_MONOTONIC, shared by parent and worker */
    int64_t rss_bytes, rss_anon_bytes, rss_file_bytes;
    int64_t iter_peak_rss_bytes; /* -1 when the peak cannot be reset */
    int64_t live_objects, live_bytes;
    /* cumulative since the runtime was created */
    int64_t collections, collected, uncollectable, garbage, pause_ns, objects_scanned;
    int64_t count[3];
    int64_t step_wall_ns, step_cpu_ns, gc_wall_ns, gc_cpu_ns; /* of this iteration */
    /* the allocator's counters (gcr_alloc_stats) */
    int64_t arenas_current, arenas_allocated_total, arenas_reclaimed_total, arenas_highwater;
    int64_t blocks_in_use;
    /* collections per generation (gc.get_stats()'s entries; 3.14's incremental collector:
     * young, increments, full), cumulative */
    int64_t collections_gen[3];
    int64_t heap_objects; /* containers the collector tracks (len(gc.get_objects())) */
} wire_iter;

/* WIRE_TYPE: one of the types that grew most over the run (census.h), at iteration
 * `iteration`: its live objects and bytes, growth in objects since the baseline. WIRE_CLASS:
 * one of the scenario's own classes after iteration `iteration`: its live instances
 * (live_bytes -1 when not measured), growth since the baseline. WIRE_SITE (a traced run): one
 * of the allocation sites whose retained size grew most, at iteration `iteration`: its blocks
 * (live_objects), retained bytes, growth in bytes since the baseline (growth_objects), and the
 * site ("file:line", innermost frame first, " < " between frames) as name. WIRE_HOLDER (after a
 * forced-mode run): who holds the fastest-growing type — one chain of referrers from a root to
 * a surviving instance, as name ("global _cache (myapp) -> list[3] -> myapp.Report"). */
typedef struct wire_type {
    int64_t iteration;
    int64_t live_objects, live_bytes, growth_objects;
    char name[512];
} wire_type;

typedef struct wire_done {
    int32_t ok; /* 1: every iteration ran; 0: the scenario failed (message says why) */
    int32_t iter_peak_supported;
    int64_t iterations_done;
    /* The gc figures are the last WIRE_ITER's (from the baseline): the run's iterations, not
     * what ending the loop or the teardown made the collector do. */
    int64_t collections, collected, uncollectable, garbage, objects_scanned;
    int64_t pause_ns_total, pause_ns_median, pause_ns_p95, pause_ns_max;
    /* The run's peak RSS seen from inside: the largest VmHWM over its iterations. (The
     * parent's wait4 rusage also counts the forked copy of `bench` before exec.) */
    int64_t peak_rss_bytes;
    char params[256]; /* the parameters the scenario ran with: "k=v;k=v" */
    char message[2048];
} wire_done;

typedef struct wire_msg {
    uint32_t kind;
    /* The run's token: a number the parent draws for each run and gives the worker in
     * GCBENCH_WIRE_TOKEN, which the worker takes out of its environment before any scenario
     * code runs. A record without it is not the worker's (wire_check.h). */
    uint32_t token;
    union {
        wire_iter iter;
        wire_done done;
        wire_type type;
    } u;
} wire_msg;

_Static_assert(sizeof(wire_msg) <= 4096, "a wire record must fit in PIPE_BUF");

#endif /* GCB_WIRE_H */
