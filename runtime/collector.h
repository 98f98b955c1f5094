/* collector.h — the cycle collector's state and the calls the rest of the runtime makes into
 * it: tracking containers, counting their allocations, and the automatic collection.
 *
 * Invariant between collections: every tracked container sits in exactly one generation
 * list (the three generations, or the permanent generation of gc.freeze), linked through
 * its gc_head with plain pointers (no flag bits but FINALIZED); an untracked one has
 * next == 0. generations[0].count is the number of container allocations minus container
 * deallocations (not below 0) since generation 0 was last collected, a trip through a free
 * list excepted (see rt_freelists); generations[i].count for i > 0 is the number of
 * collections of generation i-1 since generation i was last collected.
 */
#ifndef GCR_COLLECTOR_H
#define GCR_COLLECTOR_H

#include <assert.h>
#include <stdbool.h>
#include <stdint.h>

#include "gcr.h"
#include "object.h"

typedef struct gc_generation {
    gc_head head; /* list head: a sentinel, never an object */
    int threshold;
    int count;
} gc_generation;

typedef struct gc_state {
    gc_generation generations[GCR_GENERATIONS];
    gc_generation permanent; /* gc.freeze()'s: never collected */
    bool enabled;
    bool collecting;            /* a collection (or its callback) is under way */
    bool legacy_finalizers;     /* py27: cycles with __del__ go to gc.garbage */
    int debug;                  /* gc.set_debug flags */
    void *debug_stream;         /* FILE * for the debug output; NULL: stderr */
    gcr_object *garbage;        /* gc.garbage: an untracked list in metadata memory */
    int64_t long_lived_total;   /* survivors of the last full collection */
    int64_t long_lived_pending; /* objects promoted to generation 2 since */
    uint64_t tracked;           /* containers in the generation lists */
    gcr_gen_stats stats[GCR_GENERATIONS];
    uint64_t collections, collected, uncollectable, objects_scanned;
    uint64_t pause_ns_total, pause_ns_max;
    gcr_gc_callback callback;
    void *callback_ctx;
    /* Generation 0's count above which an allocation collects: threshold0 while automatic
     * collection may run (enabled, threshold0 != 0, not collecting), else INT_MAX; kept by
     * gc_update_limit in collector.c whenever one of those changes, so that the allocation
     * paths test one number. */
    int count0_limit;
} gc_state;

/* Empty generations with the policy's thresholds (py311, py27: 700/10/10; py313:
 * 2000/10/10), collector enabled, no debug flags. gc.garbage is made by gcr_open. */
void gc_init(gc_state *gc, gcr_policy policy);

/* Links a new container at the end of generation 0 (CPython's _PyObject_GC_TRACK).
 * Before: o is untracked. After: o is tracked. */
static inline void gc_track(gc_state *gc, gcr_object *o)
{
    gc_head *g = obj_as_gc(o);
    gc_head *head = &gc->generations[0].head;
    gc_head *last = (gc_head *)head->prev;
    assert(g->next == 0 && "gc_track: object already tracked");
    last->next = (uintptr_t)g;
    g->prev = (g->prev & GC_PREV_MASK_FINALIZED) | (uintptr_t)last;
    g->next = (uintptr_t)head;
    head->prev = (uintptr_t)g;
    gc->tracked++;
}

/* Unlinks o from whatever list holds it (a generation, or a collection's working list) and
 * clears its collecting flag (CPython's _PyObject_GC_UNTRACK).
 * Before: o is tracked. After: o is untracked. */
static inline void gc_untrack(gc_state *gc, gcr_object *o)
{
    gc_head *g = obj_as_gc(o);
    gc_head *prev = (gc_head *)(g->prev & GC_PREV_MASK);
    gc_head *next = (gc_head *)g->next;
    assert(g->next != 0 && "gc_untrack: object not tracked");
    prev->next = (uintptr_t)next;
    next->prev = (next->prev & ~GC_PREV_MASK) | (uintptr_t)prev;
    g->next = 0;
    g->prev &= GC_PREV_MASK_FINALIZED;
    assert(gc->tracked > 0);
    gc->tracked--;
}

static inline bool gc_is_tracked(const gcr_object *o) { return obj_as_gc(o)->next != 0; }

/* CPython's _PyObject_GC_MAY_BE_TRACKED: a container that is tracked or may become tracked
 * (every container but an untracked tuple, which never will be). */
static inline bool gc_may_be_tracked(const gcr_object *o)
{
    return obj_is_gc(o) && (o->type->kind != OBJ_TUPLE || gc_is_tracked(o));
}

/* True when a container allocation that has just been counted must run an automatic
 * collection (CPython's test in _PyObject_GC_Link). */
static inline bool gc_should_collect(const gc_state *gc)
{
    return gc->generations[0].count > gc->count0_limit;
}

/* Collects the oldest generation whose count exceeds its threshold, if any (CPython's
 * collect_generations). Called from the allocation path when gc_should_collect. */
void gc_collect_generations(gcr_runtime *rt);

/* gcr_close's sweep (rt->closing set: no finalizer or weakref callback runs): empties
 * gc.garbage, clears every tracked container as if all were garbage, then frees the ones
 * the caller still holds references to. After it, no tracked container exists. */
void gc_free_all(gcr_runtime *rt);

#endif /* GCR_COLLECTOR_H */
