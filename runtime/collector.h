/* collector.h — the cycle collector's state, its lists, and the calls the rest of the runtime
 * makes into it: tracking containers, counting them, and the automatic collection.
 *
 * Two designs share this state (policy.h): the generational collector of CPython 3.11-3.13,
 * 3.14.5+ and 3.15 (collector.c), and the incremental collector of 3.14.0-3.14.4
 * (incremental.c). Both find garbage the same way (gc_collect_region, collector.c); the gc
 * module's API (gcmodule.c) dispatches to the design of the runtime's policy.
 *
 * Invariant between collections: every tracked container sits in exactly one list of
 * generations[] or in the permanent generation of gc.freeze, linked through its gc_head
 * (prev: a plain pointer and the FINALIZED flag; next: a pointer and, under the
 * incremental design only, the OLD_SPACE_1 flag); an untracked one has next == 0.
 *   Generational: generations[0..2] are the three generations. generations[0].count is the
 *     number of container allocations minus deallocations (not below 0) since generation 0
 *     was last collected, a trip through a free list excepted (see rt_freelists);
 *     generations[i].count for i > 0 counts collections of generation i-1 since generation
 *     i was last collected.
 *   Incremental: generations[0] is the young generation, generations[1] and [2] are
 *     3.14's old[0] and old[1]; old[visited_space] holds the objects the current scavenge
 *     has visited, the other one those it has not (pending). Every object in young and in
 *     the pending space carries the pending space's bit, every visited one and every frozen
 *     one the visited space's. generations[0].count is the number of containers tracked
 *     minus untracked (not below 0) since the last collection or increment.
 */
#ifndef GCR_COLLECTOR_H
#define GCR_COLLECTOR_H

#include <assert.h>
#include <stdbool.h>
#include <stdint.h>

#include "gcr.h"
#include "object.h"
#include "policy.h"

typedef struct gc_generation {
    gc_head head; /* list head: a sentinel, never an object */
    int threshold;
    int count;
} gc_generation;

/* The incremental collector's phases (3.14's gc_phase). */
typedef enum { GC_PHASE_MARK, GC_PHASE_COLLECT } gc_phase;

typedef struct gc_state {
    gc_generation generations[GCR_GENERATIONS];
    gc_generation permanent; /* gc.freeze()'s: never collected */
    bool enabled;
    bool collecting;        /* a collection (or its callback) is under way */
    bool legacy_finalizers; /* py27: cycles with __del__ go to gc.garbage */
    /* The design (copied from the policy's traits by gc_init). */
    bool deferred;            /* collections wait for the eval breaker (3.12+) */
    bool incremental;         /* 3.14.0-3.14.4's design */
    bool dicts_tracked;       /* 3.14+: a full collection does not untrack dicts */
    bool scheduled;           /* the eval breaker's GC bit: a collection waits for it */
    int count_per_alloc;      /* 1 when allocations count in generations[0] (0 when trackings do) */
    int count_per_track;      /* 1 when trackings count in generations[0] (py314inc) */
    int debug;                /* gc.set_debug flags */
    void *debug_stream;       /* FILE * for the debug output; NULL: stderr */
    gcr_object *garbage;      /* gc.garbage: an untracked list in metadata memory */
    int64_t long_lived_total; /* survivors of the last full collection */
    int64_t long_lived_pending; /* objects promoted to generation 2 since */
    uint64_t tracked;           /* containers in the lists (3.14's heap_size) */
    /* Incremental design only. */
    int visited_space;     /* 0 or 1 */
    uintptr_t track_space; /* the bit a newly tracked container gets: the pending space */
    gc_phase phase;
    int64_t work_to_do;
    gcr_gen_stats stats[GCR_GENERATIONS];
    uint64_t collections, collected, uncollectable, objects_scanned;
    uint64_t pause_ns_total, pause_ns_max;
    gcr_gc_callback callback;
    void *callback_ctx;
    /* Generation 0's count above which an allocation (count_per_alloc) or a tracking
     * (count_per_track) must start or schedule a collection: threshold0 while automatic
     * collection may run (enabled, threshold0 != 0, not collecting), else INT_MAX; kept by
     * gc_update_limit whenever one of those changes, so that the hot paths test one
     * number. */
    int count0_limit; /* for allocations: INT_MAX under count_per_track */
    int track_limit;  /* for trackings: INT_MAX under count_per_alloc */
} gc_state;

/* Empty generations with the policy's thresholds and design, collector enabled, no debug
 * flags. gc.garbage is made by gcr_open. */
void gc_init(gc_state *gc, const policy_traits *traits);

/* Recomputes count0_limit and track_limit after enabled, collecting or threshold0 changed. */
void gc_update_limit(gc_state *gc);

/* ---------------------------------------------------------------------------------------
 * Lists of GC headers
 *
 * Doubly linked through next and prev, with a sentinel head. Between collections both words
 * are pointers with flag bits (next: OLD_SPACE_1; prev: FINALIZED); the setters keep a
 * node's flags. During a collection prev may hold gc_refs instead of a pointer (collector.c)
 * and next the UNREACHABLE flag (which the list functions do not know about).
 * ------------------------------------------------------------------------------------- */

static inline void gc_list_init(gc_head *list) { list->next = list->prev = (uintptr_t)list; }

static inline bool gc_list_is_empty(const gc_head *list) { return list->next == (uintptr_t)list; }

static inline gc_head *gc_next(const gc_head *g) { return (gc_head *)(g->next & ~GC_NEXT_FLAGS); }

static inline gc_head *gc_prev(const gc_head *g) { return (gc_head *)(g->prev & GC_PREV_MASK); }

static inline void gc_set_next(gc_head *g, gc_head *next)
{
    g->next = (g->next & GC_NEXT_FLAGS) | (uintptr_t)next;
}

static inline void gc_set_prev(gc_head *g, gc_head *prev)
{
    g->prev = (g->prev & ~GC_PREV_MASK) | (uintptr_t)prev;
}

/* Links node at the end of list. Before: node is in no list. */
static inline void gc_list_append(gc_head *node, gc_head *list)
{
    gc_head *last = gc_prev(list);
    gc_set_next(last, node);
    gc_set_prev(node, last);
    gc_set_next(node, list);
    gc_set_prev(list, node);
}

/* Moves node from whatever list holds it to the end of list. */
static inline void gc_list_move(gc_head *node, gc_head *list)
{
    gc_head *from_prev = gc_prev(node);
    gc_head *from_next = gc_next(node);
    gc_set_next(from_prev, from_next);
    gc_set_prev(from_next, from_prev);
    gc_list_append(node, list);
}

/* Appends every node of from to to; from becomes empty. */
static inline void gc_list_merge(gc_head *from, gc_head *to)
{
    assert(from != to);
    if (!gc_list_is_empty(from)) {
        gc_head *to_tail = gc_prev(to);
        gc_head *from_head = gc_next(from);
        gc_head *from_tail = gc_prev(from);
        gc_set_next(to_tail, from_head);
        gc_set_prev(from_head, to_tail);
        gc_set_next(from_tail, to);
        gc_set_prev(to, from_tail);
    }
    gc_list_init(from);
}

static inline uint64_t gc_list_size(const gc_head *list)
{
    uint64_t n = 0;
    for (const gc_head *g = gc_next(list); g != list; g = gc_next(g))
        n++;
    return n;
}

/* The old space an object belongs to (0 or GC_NEXT_MASK_OLD_SPACE_1). */
static inline uintptr_t gc_old_space(const gc_head *g)
{
    return g->next & GC_NEXT_MASK_OLD_SPACE_1;
}

static inline void gc_set_old_space(gc_head *g, uintptr_t space)
{
    g->next = (g->next & ~GC_NEXT_MASK_OLD_SPACE_1) | space;
}

/* Gives every object of list the old space bit space; returns how many there are. */
static inline uint64_t gc_list_set_space(gc_head *list, uintptr_t space)
{
    uint64_t n = 0;
    for (gc_head *g = gc_next(list); g != list; g = gc_next(g)) {
        gc_set_old_space(g, space);
        n++;
    }
    return n;
}

/* ---------------------------------------------------------------------------------------
 * Tracking
 * ------------------------------------------------------------------------------------- */

/* Links a new container at the end of generation 0 (CPython's _PyObject_GC_TRACK), in the
 * pending space under the incremental design, where tracking also counts and may schedule an
 * increment. Before: o is untracked. After: o is tracked. */
static inline void gc_track(gc_state *gc, gcr_object *o)
{
    gc_head *g = obj_as_gc(o);
    gc_head *head = &gc->generations[0].head;
    gc_head *last = (gc_head *)head->prev;
    assert(g->next == 0 && "gc_track: object already tracked");
    last->next = (last->next & GC_NEXT_FLAGS) | (uintptr_t)g;
    g->prev = (g->prev & GC_PREV_MASK_FINALIZED) | (uintptr_t)last;
    g->next = (uintptr_t)head | gc->track_space;
    head->prev = (uintptr_t)g;
    gc->tracked++;
    if (gc->count_per_track) {
        /* 3.14's _PyObject_GC_TRACK: young.count++; past threshold0, _Py_TriggerGC */
        if (++gc->generations[0].count > gc->track_limit)
            gc->scheduled = true;
    }
}

/* Unlinks o from whatever list holds it (a generation, or a collection's working list) and
 * clears its collecting flag (CPython's _PyObject_GC_UNTRACK); under the incremental design
 * it also uncounts it. Before: o is tracked. After: o is untracked. */
static inline void gc_untrack(gc_state *gc, gcr_object *o)
{
    gc_head *g = obj_as_gc(o);
    gc_head *prev = (gc_head *)(g->prev & GC_PREV_MASK);
    gc_head *next = gc_next(g);
    assert(g->next != 0 && "gc_untrack: object not tracked");
    prev->next = (prev->next & GC_NEXT_FLAGS) | (uintptr_t)next;
    next->prev = (next->prev & ~GC_PREV_MASK) | (uintptr_t)prev;
    g->next = 0;
    g->prev &= GC_PREV_MASK_FINALIZED;
    assert(gc->tracked > 0);
    gc->tracked--;
    if (gc->count_per_track && gc->generations[0].count > 0)
        gc->generations[0].count--;
}

static inline bool gc_is_tracked(const gcr_object *o) { return obj_as_gc(o)->next != 0; }

/* CPython's _PyObject_GC_MAY_BE_TRACKED: a container that is tracked or may become tracked
 * (every container but an untracked tuple, which never will be). */
static inline bool gc_may_be_tracked(const gcr_object *o)
{
    return obj_is_gc(o) && (o->type->kind != OBJ_TUPLE || gc_is_tracked(o));
}

/* True when a container allocation that has just been counted must start (py311, py27) or
 * schedule (3.12+) an automatic collection (CPython's test in _PyObject_GC_Link). */
static inline bool gc_should_collect(const gc_state *gc)
{
    return gc->generations[0].count > gc->count0_limit;
}

/* ---------------------------------------------------------------------------------------
 * Collections
 * ------------------------------------------------------------------------------------- */

/* What the allocation path calls when gc_should_collect: under py311 and py27 the automatic
 * collection (CPython 3.11's collect_generations: the oldest generation whose count exceeds
 * its threshold), under the deferred designs only its scheduling (_Py_ScheduleGC). */
void gc_collect_generations(gcr_runtime *rt);

/* The automatic collection the eval breaker runs (_Py_RunGC): generational, the oldest
 * generation due, if any; incremental, one increment. Only while enabled. Before:
 * gc->scheduled was set (and is cleared). */
void gc_run_scheduled(gcr_runtime *rt);

/* CPython's gc_collect_region: finds the garbage among the objects of from (a list of
 * tracked containers, all in one old space) and frees it, weak references, finalizers,
 * resurrection, legacy finalizers and DEBUG_SAVEALL handled as CPython does; every survivor
 * and every object kept (resurrected, uncollectable, a weak reference still alive) ends in
 * to (which may be from itself). untrack_flags: the types (TYPE_UNTRACK_TUPLE,
 * TYPE_UNTRACK_DICT) whose reachable objects holding nothing trackable are untracked on
 * the way. Fills info's collected, uncollectable and objects_scanned; returns the number of
 * survivors (what moved to to, before finalizers and callbacks ran). Before: the collecting
 * flag is set. */
uint64_t gc_collect_region(gcr_runtime *rt, gc_head *from, gc_head *to, uint8_t untrack_flags,
                           gcr_gc_info *info);

/* The generational collection of generations 0..generation (CPython's gc_collect_main,
 * 3.11-3.13): counts, promotion, the long-lived bookkeeping, free lists emptied by a full
 * collection. Fills info's results. */
void gc_collect_generational(gcr_runtime *rt, int generation, gcr_gc_info *info);

/* The incremental design (incremental.c): gc.collect(generation) and the automatic
 * increment: 0 the young generation, 1 one increment, 2 a full collection. Fills info;
 * returns whether the collection counts in gc.get_stats() (an increment that found no work
 * to do, or only marked, does not). */
bool inc_collect(gcr_runtime *rt, int generation, gcr_gc_info *info);
/* gc.get_count(), gc.get_objects(), gc.freeze()/unfreeze() under the incremental design:
 * generation 1 is the visited space, 2 the pending one. */
gc_head *inc_generation_head(gc_state *gc, int generation);
void inc_get_count(const gc_state *gc, int count[GCR_GENERATIONS]);
void inc_freeze(gc_state *gc);
void inc_unfreeze(gc_state *gc);
/* Puts every tracked container in the pending space as a completed full collection leaves
 * them (gcr_open, after making the interpreter's objects). */
void inc_settle(gc_state *gc);

/* Leaves every tracked container as an interpreter's start-up leaves its own objects after
 * its last full collection: in the oldest generation (incremental: the pending space), the
 * counts at 0, all of them long-lived. For gcr_open's interpreter objects. */
void gc_settle(gcr_runtime *rt);

/* gcr_close's sweep (rt->closing set: no finalizer or weakref callback runs): empties
 * gc.garbage, clears every tracked container as if all were garbage, then frees the ones
 * the caller still holds references to. After it, no tracked container exists. */
void gc_free_all(gcr_runtime *rt);

/* One collection as CPython's _PyGC_Collect makes it (gcmodule.c): the START callback, the
 * design's collection of generation, the statistics, the pause, the STOP callback, with the
 * collecting flag set throughout (nothing happens if it already is). Returns collected +
 * uncollectable. */
long gc_collect_automatic(gcr_runtime *rt, int generation);

/* The nanosecond clock of pauses. */
uint64_t gc_now_ns(void);

#endif /* GCR_COLLECTOR_H */
