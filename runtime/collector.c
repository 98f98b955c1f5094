/* collector.c — how garbage is found and freed, CPython's algorithm step for step
 * (Modules/gcmodule.c of 3.11, Python/gc.c of 3.12-3.15), with Python 2.7's legacy
 * finalizers under the py27 policy; and the generational collector of CPython 3.11-3.13,
 * 3.14.5+ and 3.15, which runs it over the young generations. (The incremental collector of
 * 3.14.0-3.14.4 is incremental.c; the gc module's API, gcmodule.c.)
 *
 * Finding and freeing the garbage among a list of objects (gc_collect_region):
 *   1. update_refs: gc_refs = refcnt for every object in the list;
 *   2. subtract_refs: minus the references from objects in the list, so gc_refs counts only
 *      the references from outside it;
 *   3. move_unreachable: whatever is not reachable from an object with gc_refs > 0 moves to
 *      "unreachable"; reachable tuples that hold nothing trackable are untracked (and, when
 *      asked, such dicts: CPython's untrack_tuples and untrack_dicts, done here in the same
 *      pass); survivors move to the destination list;
 *   4. py27 only: move_legacy_finalizers and move_legacy_finalizer_reachable set apart the
 *      objects with __del__ and everything they reach: uncollectable;
 *   5. handle_weakrefs: weak references to unreachable objects are cleared, and the
 *      callbacks of those that are themselves reachable are called;
 *   6. finalize_garbage (py3 policies): __del__ of every unreachable object not finalized
 *      yet; then, if any ran, handle_resurrected_objects re-runs steps 1-3 on unreachable
 *      alone: what a finalizer made reachable again survives;
 *   7. delete_garbage: tp_clear every unreachable object (or, with DEBUG_SAVEALL, append it
 *      to gc.garbage), breaking the cycles; reference counting frees them;
 *   8. handle_legacy_finalizers: the uncollectable objects with __del__ (all of them with
 *      DEBUG_SAVEALL) go to gc.garbage.
 * The result is CPython's: unreachable objects found (collected) + uncollectable.
 *
 * A generational collection of generation g (gc_collect_generational, CPython 3.11's
 * gc_collect_main): generations 0..g are merged into one list and collected as above, the
 * survivors promoted to g+1; a full collection (g = 2) also keeps the long-lived
 * bookkeeping and empties the free lists (clear_freelists: rt_clear_freelists).
 *
 * Where this differs from CPython (same results, fewer passes over the objects): the tuple
 * and dict untracking is folded into move_unreachable; the mask clearing of
 * move_legacy_finalizers and the first loop of handle_weakrefs are one pass (under the py3
 * policies nothing is a legacy finalizer); handle_resurrected_objects runs only when a
 * finalizer ran (nothing else can make garbage reachable again: callbacks of weak
 * references never see unreachable objects). 3.14+ clears the weak references without a
 * callback after the finalizers rather than before (gh-135552); no scenario here tells the
 * two apart, and the model clears them all before, as 3.11 did.
 */
#include <assert.h>
#include <limits.h>
#include <stdio.h>
#include <time.h>

#include "runtime.h"

#define GEN_HEAD(gc, n) (&(gc)->generations[n].head)

void gc_update_limit(gc_state *gc)
{
    int threshold0 = gc->generations[0].threshold;
    int live = gc->enabled && !gc->collecting && threshold0 != 0 ? threshold0 : INT_MAX;
    gc->count0_limit = gc->count_per_alloc ? live : INT_MAX;
    gc->track_limit = gc->count_per_track ? live : INT_MAX;
}

void gc_init(gc_state *gc, const policy_traits *traits)
{
    *gc = (gc_state){
        .enabled = true,
        .legacy_finalizers = traits->legacy_finalizers,
        .deferred = traits->deferred,
        .incremental = traits->incremental,
        .dicts_tracked = traits->dicts_tracked,
        .count_per_alloc = traits->count_tracked ? 0 : 1,
        .count_per_track = traits->count_tracked ? 1 : 0,
        .phase = GC_PHASE_MARK,
    };
    for (int i = 0; i < GCR_GENERATIONS; i++) {
        gc_list_init(GEN_HEAD(gc, i));
        gc->generations[i].threshold = traits->threshold[i];
    }
    gc_list_init(&gc->permanent.head);
    /* Incremental: old[0] is visited, young and old[1] pending (3.14's start-up state). */
    gc->track_space = gc->incremental ? GC_NEXT_MASK_OLD_SPACE_1 : 0;
    gc_update_limit(gc);
}

uint64_t gc_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---------------------------------------------------------------------------------------
 * gc_refs: during a collection, prev = gc_refs << GC_PREV_SHIFT | flags
 * ------------------------------------------------------------------------------------- */

static intptr_t gc_get_refs(const gc_head *g) { return (intptr_t)(g->prev >> GC_PREV_SHIFT); }

static void gc_set_refs(gc_head *g, intptr_t refs)
{
    g->prev = (g->prev & ~GC_PREV_MASK) | ((uintptr_t)refs << GC_PREV_SHIFT);
}

/* gc_refs = refs and the collecting flag set (the finalized flag is kept). */
static void gc_reset_refs(gc_head *g, intptr_t refs)
{
    g->prev = (g->prev & GC_PREV_MASK_FINALIZED) | GC_PREV_MASK_COLLECTING |
              ((uintptr_t)refs << GC_PREV_SHIFT);
}

static void gc_decref(gc_head *g)
{
    assert(gc_get_refs(g) > 0 && "gc_decref: refcount is too small (a missing incref)");
    g->prev -= (uintptr_t)1 << GC_PREV_SHIFT;
}

static bool gc_is_collecting(const gc_head *g) { return (g->prev & GC_PREV_MASK_COLLECTING) != 0; }

static void gc_clear_collecting(gc_head *g) { g->prev &= ~GC_PREV_MASK_COLLECTING; }

/* ---------------------------------------------------------------------------------------
 * Debug output (gc.set_debug)
 * ------------------------------------------------------------------------------------- */

static FILE *gc_debug_stream(const gc_state *gc)
{
    return gc->debug_stream != NULL ? (FILE *)gc->debug_stream : stderr;
}

/* CPython's debug_cycle: "gc: collectable <list 0x7f…>". */
static void debug_cycle(const gc_state *gc, const char *msg, const gcr_object *op)
{
    fprintf(gc_debug_stream(gc), "gc: %s <%s %p>\n", msg, gcr_type_name(op), (const void *)op);
}

/* ---------------------------------------------------------------------------------------
 * Finding the unreachable objects
 * ------------------------------------------------------------------------------------- */

/* What update_refs does to one object: gc_refs = its refcnt (> 0), flagged collecting. */
static inline void gc_init_refs(gc_head *g, const gcr_object *op)
{
    assert(op->refcnt > 0 && "update_refs: a tracked object has a zero count (freed but still "
                             "tracked, or decref'd below its true count)");
    gc_reset_refs(g, op->refcnt);
}

/* Before: containers is a list of tracked objects with plain prev pointers.
 * After: every object in it is flagged collecting and has gc_refs = its refcnt (> 0); prev
 * no longer links the list backwards (next still does). Returns the number of objects. */
static uint64_t update_refs(gc_head *containers)
{
    uint64_t n = 0;
    for (gc_head *g = gc_next(containers); g != containers; g = gc_next(g)) {
        gc_init_refs(g, obj_from_gc(g));
        n++;
    }
    return n;
}

/* Visit of subtract_refs: one reference from inside the collected set. */
static inline int visit_decref(gcr_object *op, void *arg)
{
    (void)arg;
    if (obj_is_gc(op)) {
        gc_head *g = obj_as_gc(op);
        /* Only objects being collected have gc_refs; the others are ignored. */
        if (gc_is_collecting(g))
            gc_decref(g);
    }
    return 0;
}

/* Before: gc_refs = refcnt for every object in containers.
 * After: gc_refs = the number of references from outside containers (>= 0). Objects with
 * gc_refs > 0 are directly reachable from outside and cannot be garbage. */
static void subtract_refs(gc_head *containers)
{
    for (gc_head *g = gc_next(containers); g != containers; g = gc_next(g))
        obj_traverse(obj_from_gc(g), visit_decref, NULL);
}

/* Visit of update_and_subtract_refs: one reference from inside the collected set, which is
 * every tracked container; the first to reach an object sets its gc_refs. */
static inline int visit_decref_first_touch(gcr_object *op, void *arg)
{
    (void)arg;
    if (obj_is_gc(op)) {
        gc_head *g = obj_as_gc(op);
        if (gc_is_collecting(g)) {
            gc_decref(g);
        } else if (g->next != 0) {
            /* Tracked, so in containers, and not reached before: update_refs' work, then
             * this reference's decrement. */
            gc_init_refs(g, op);
            gc_decref(g);
        }
    }
    return 0;
}

/* update_refs and subtract_refs in one walk, for a collection that examines every tracked
 * container (a full collection with nothing frozen), which then reads each object once
 * instead of twice: the collection is mostly memory traffic.
 * Before: containers is a list of tracked objects with plain prev pointers, and every
 * tracked container is in it. After: as after subtract_refs (gc_refs = the references from
 * outside containers, every object flagged collecting). Returns the number of objects.
 *
 * Equivalent to the two steps: an object's gc_refs is set to its refcnt exactly once, the
 * first time the walk reaches it, either as the walk's current object or as the child of
 * one (the collecting flag, cleared on every container between collections, says whether
 * it is set yet), and refcnt does not change during the walk; every reference from an
 * object of containers is subtracted exactly once, when the walk is at that object, and
 * always after the child's gc_refs was set. Membership needs no flag: every tracked
 * container (next != 0) is in containers. */
static uint64_t update_and_subtract_refs(gc_head *containers)
{
    uint64_t n = 0;
    for (gc_head *g = gc_next(containers); g != containers; g = gc_next(g)) {
        gcr_object *op = obj_from_gc(g);
        if (!gc_is_collecting(g))
            gc_init_refs(g, op);
        obj_traverse(op, visit_decref_first_touch, NULL);
        n++;
    }
    return n;
}

/* Visit of move_unreachable: op is referenced by a reachable object. */
static inline int visit_reachable(gcr_object *op, void *arg)
{
    gc_head *reachable = arg;
    if (!obj_is_gc(op))
        return 0;
    gc_head *g = obj_as_gc(op);
    /* Objects of other generations, untracked ones, and those already scanned (to the left
     * of move_unreachable's position) are not flagged collecting. */
    if (!gc_is_collecting(g))
        return 0;
    assert(g->next != 0 && "visit_reachable: collecting flag on an untracked object");
    if (g->next & GC_NEXT_MASK_UNREACHABLE) {
        /* It had gc_refs 0 when move_unreachable reached it, but it is reachable after
         * all: unlink it from unreachable by hand (the list functions do not know the
         * mask) and put it back at the end of young, where the scan will reach it again. */
        gc_head *prev = gc_prev(g);
        gc_head *next = gc_next(g);
        assert(prev->next & GC_NEXT_MASK_UNREACHABLE);
        prev->next = g->next; /* keeps the flags */
        gc_set_prev(next, prev);
        g->next &= ~GC_NEXT_MASK_UNREACHABLE;
        gc_list_append(g, reachable);
        gc_set_refs(g, 1);
    } else if (gc_get_refs(g) == 0) {
        /* Still ahead of the scan in young: tell move_unreachable it is reachable. */
        gc_set_refs(g, 1);
    }
    /* Else gc_refs > 0: ahead in young, and already known reachable. */
    return 0;
}

/* Whether reachable container op, just scanned, may leave the collector's lists (CPython's
 * _PyTuple_MaybeUntrack and _PyDict_MaybeUntrack). */
static bool gc_may_untrack(const gcr_object *op)
{
    return op->type->kind == OBJ_TUPLE ? tuple_may_untrack(op) : dict_may_untrack(op);
}

/* Before: young's objects are flagged collecting with gc_refs from subtract_refs; young is
 * linked through next only. unreachable is an empty list.
 * After: young holds exactly the objects reachable from those with gc_refs > 0, doubly
 * linked again, collecting flag cleared, except those whose type has a flag in
 * untrack_flags and that hold nothing trackable: they are untracked. unreachable holds the
 * rest, prev linked with collecting flag kept, each next carrying GC_NEXT_MASK_UNREACHABLE
 * (the list head's next excepted). Returns the number of objects untracked.
 *
 * The scan goes left to right over young. An object with gc_refs > 0 is reachable: its
 * children are marked (visit_reachable), possibly moving them back from unreachable to the
 * end of young. An object with gc_refs 0 is tentatively unreachable and moves to unreachable;
 * young is then singly linked, which is why prev links are rebuilt as the scan goes. */
static uint64_t move_unreachable(gc_state *gc, gc_head *young, gc_head *unreachable,
                                 uint8_t untrack_flags)
{
    gc_head *prev = young; /* last object of young known reachable */
    gc_head *g = gc_next(young);
    uint64_t untracked = 0;
    /* Every object of young is in one old space (incremental design; else 0): what each
     * next written below carries besides the mask. */
    uintptr_t flags = GC_NEXT_MASK_UNREACHABLE | (g != young ? gc_old_space(g) : 0);
    while (g != young) {
        if (gc_get_refs(g) != 0) {
            gcr_object *op = obj_from_gc(g);
            const gcr_type *type = op->type;
            assert(gc_get_refs(g) > 0);
            /* visit_reachable may append to young (changing g->next when g is last), so the
             * next object is read only after the traversal. */
            obj_traverse(op, visit_reachable, young);
            if ((type->flags & untrack_flags) != 0 && gc_may_untrack(op)) {
                prev->next = g->next;
                g->next = 0;
                g->prev &= GC_PREV_MASK_FINALIZED;
                untracked++;
            } else {
                gc_set_prev(g, prev);
                gc_clear_collecting(g);
                prev = g;
            }
        } else {
            /* Unlink from young (singly: prev links are rebuilt later) and append to
             * unreachable, every next there carrying the mask, the head's too until the
             * end. */
            prev->next = g->next;
            gc_head *last = gc_prev(unreachable);
            last->next = flags | (uintptr_t)g;
            gc_set_prev(g, last);
            g->next = flags | (uintptr_t)unreachable;
            unreachable->prev = (uintptr_t)g;
        }
        g = gc_next(prev);
    }
    young->prev = (uintptr_t)prev;
    young->next &= ~GC_NEXT_FLAGS; /* list heads carry no flags */
    unreachable->next &= ~GC_NEXT_FLAGS;
    assert(gc->tracked >= untracked);
    gc->tracked -= untracked;
    return untracked;
}

/* Before: unreachable as move_unreachable leaves it. After: a plain list (no mask on next),
 * objects still flagged collecting. Returns its length. */
static uint64_t clear_unreachable_mask(gc_head *unreachable)
{
    uint64_t n = 0;
    assert((unreachable->next & GC_NEXT_MASK_UNREACHABLE) == 0);
    for (gc_head *g = gc_next(unreachable); g != unreachable; g = gc_next(g)) {
        assert((g->next & GC_NEXT_MASK_UNREACHABLE) && "clear_unreachable_mask: mask missing");
        g->next &= ~GC_NEXT_MASK_UNREACHABLE;
        n++;
    }
    return n;
}

/* ---------------------------------------------------------------------------------------
 * Legacy finalizers (py27)
 * ------------------------------------------------------------------------------------- */

/* CPython's move_legacy_finalizers (Python 2's move_finalizers).
 * Before: unreachable as move_unreachable leaves it. After: the objects with __del__ are in
 * finalizers, no longer collecting; unreachable is a plain list of the others. */
static void move_legacy_finalizers(gc_head *unreachable, gc_head *finalizers)
{
    gc_head *next;
    for (gc_head *g = gc_next(unreachable); g != unreachable; g = next) {
        assert(g->next & GC_NEXT_MASK_UNREACHABLE);
        g->next &= ~GC_NEXT_MASK_UNREACHABLE;
        next = gc_next(g);
        if (obj_from_gc(g)->type->flags & TYPE_FINALIZER) {
            gc_clear_collecting(g);
            gc_list_move(g, finalizers);
        }
    }
}

/* Visit of move_legacy_finalizer_reachable. */
static int visit_move(gcr_object *op, void *arg)
{
    if (obj_is_gc(op)) {
        gc_head *g = obj_as_gc(op);
        if (gc_is_collecting(g)) {
            gc_list_move(g, arg);
            gc_clear_collecting(g);
        }
    }
    return 0;
}

/* Moves the unreachable objects reachable from finalizers into finalizers too (the list
 * grows as it is scanned). */
static void move_legacy_finalizer_reachable(gc_head *finalizers)
{
    for (gc_head *g = gc_next(finalizers); g != finalizers; g = gc_next(g)) {
        gcr_object *op = obj_from_gc(g);
        obj_traverse(op, visit_move, finalizers);
    }
}

/* Appends the uncollectable objects with __del__ (every one with DEBUG_SAVEALL) to
 * gc.garbage and moves finalizers to old (CPython's handle_legacy_finalizers). */
static void handle_legacy_finalizers(gcr_runtime *rt, gc_head *finalizers, gc_head *old)
{
    gc_state *gc = &rt->gc;
    for (gc_head *g = gc_next(finalizers); g != finalizers; g = gc_next(g)) {
        gcr_object *op = obj_from_gc(g);
        if ((gc->debug & GCR_DEBUG_SAVEALL) || (op->type->flags & TYPE_FINALIZER))
            if (gcr_list_append(rt, gc->garbage, op) != 0)
                break;
    }
    gc_list_merge(finalizers, old);
}

/* ---------------------------------------------------------------------------------------
 * Weak references, finalizers, resurrection
 * ------------------------------------------------------------------------------------- */

/* What clear_weakrefs found in unreachable. */
typedef struct gc_scan {
    uint64_t count;  /* objects in unreachable */
    bool finalizers; /* one of them has a finalizer not yet called */
} gc_scan;

/* The first pass of CPython's handle_weakrefs, with the mask clearing of
 * move_legacy_finalizers (harmless when that already ran).
 * Before: unreachable as move_unreachable (or move_legacy_finalizers) leaves it.
 * After: unreachable is a plain list. Every weak reference in it is cleared (keeping its
 * callback: tp_clear drops it later), and so is every weak reference to an object in it;
 * those with a callback that are not themselves unreachable (and not dying) are in
 * wrcb_to_call, each with a reference taken, for call_weakref_callbacks. No callback has
 * run: none must, until no weak reference can reach an unreachable object. */
static gc_scan clear_weakrefs(gc_head *unreachable, gc_head *wrcb_to_call)
{
    gc_scan scan = {0, false};
    for (gc_head *g = gc_next(unreachable); g != unreachable; g = gc_next(g)) {
        g->next &= ~GC_NEXT_MASK_UNREACHABLE;
        scan.count++;
        gcr_object *op = obj_from_gc(g);
        uint8_t flags = op->type->flags;
        if ((flags & (TYPE_IS_WEAKREF | TYPE_WEAKLIST | TYPE_FINALIZER)) == 0)
            continue;
        if (flags & TYPE_FINALIZER && !(g->prev & GC_PREV_MASK_FINALIZED))
            scan.finalizers = true;
        if (flags & TYPE_IS_WEAKREF)
            weakref_clear_ref(op);
        if (!(flags & TYPE_WEAKLIST) || obj_weaklist_head(op) == NULL)
            continue;
        gcr_object *wr;
        while ((wr = weakref_list_pop(op)) != NULL) {
            gc_head *wrg = obj_as_gc(wr);
            /* A weak reference that is itself garbage gets no callback: it would see
             * objects half cleared, or resurrect them. */
            if (weakref_callback(wr) == NULL || gc_is_collecting(wrg) || wr->refcnt == 0 ||
                wrg->next == 0)
                continue;
            gcr_incref(wr);
            gc_list_move(wrg, wrcb_to_call);
        }
    }
    return scan;
}

/* The second pass of handle_weakrefs: calls each callback with its weak reference, then
 * drops the reference clear_weakrefs took; a weak reference still alive after that moves
 * to old, in old's space (space: the incremental design's bit; 0 otherwise). Returns how
 * many died (CPython counts them as collected). */
static uint64_t call_weakref_callbacks(gcr_runtime *rt, gc_head *wrcb_to_call, gc_head *old,
                                       uintptr_t space)
{
    uint64_t freed = 0;
    while (!gc_list_is_empty(wrcb_to_call)) {
        gc_head *g = gc_next(wrcb_to_call);
        gcr_object *wr = obj_from_gc(g);
        gcr_object *callback = weakref_callback(wr);
        if (callback != NULL)
            gcr_call(rt, callback, wr);
        gcr_decref(rt, wr);
        if (gc_next(wrcb_to_call) == g) {
            gc_set_old_space(g, space);
            gc_list_move(g, old);
        } else {
            freed++;
        }
    }
    return freed;
}

/* CPython's finalize_garbage. Before: collectable is a plain list of unreachable objects.
 * After: each object with a finalizer not yet called has had it called, FINALIZED set
 * first; objects a finalizer freed are gone from the list. Returns the number called. */
static uint64_t finalize_garbage(gcr_runtime *rt, gc_head *collectable)
{
    gc_head seen;
    uint64_t called = 0;
    gc_list_init(&seen);
    /* A finalizer may free any object of the list: always take the first one. */
    while (!gc_list_is_empty(collectable)) {
        gc_head *g = gc_next(collectable);
        gcr_object *op = obj_from_gc(g);
        gc_list_move(g, &seen);
        if ((op->type->flags & TYPE_FINALIZER) && !(g->prev & GC_PREV_MASK_FINALIZED)) {
            g->prev |= GC_PREV_MASK_FINALIZED;
            gcr_incref(op);
            inst_call_finalizer(rt, op);
            gcr_decref(rt, op);
            called++;
        }
    }
    gc_list_merge(&seen, collectable);
    return called;
}

/* CPython's handle_resurrected_objects. Before: unreachable holds what was unreachable,
 * after finalizers ran. After: the objects still unreachable (nothing outside the list
 * refers to them, directly or not) are in still_unreachable, a plain list, flagged
 * collecting; the others, resurrected, are in old. Returns the size of still_unreachable. */
static uint64_t handle_resurrected_objects(gc_state *gc, gc_head *unreachable,
                                           gc_head *still_unreachable, gc_head *old)
{
    update_refs(unreachable);
    subtract_refs(unreachable);
    gc_list_init(still_unreachable);
    move_unreachable(gc, unreachable, still_unreachable, 0);
    uint64_t n = clear_unreachable_mask(still_unreachable);
    gc_list_merge(unreachable, old);
    return n;
}

/* Before: collectable holds garbage: every object in it is reachable only from objects in
 * it (or from nothing).
 * After: collectable is empty. Each object was cleared (tp_clear; tuples have none), which
 * breaks every cycle so that reference counting frees the objects, or with DEBUG_SAVEALL
 * appended to gc.garbage; one still alive is moved to old, no longer collecting. */
static void delete_garbage(gcr_runtime *rt, gc_head *collectable, gc_head *old)
{
    gc_state *gc = &rt->gc;
    bool save_all = (gc->debug & GCR_DEBUG_SAVEALL) != 0;
    while (!gc_list_is_empty(collectable)) {
        gc_head *g = gc_next(collectable);
        gcr_object *op = obj_from_gc(g);
        assert(op->refcnt > 0 && "delete_garbage: refcount is too small");
        if (save_all) {
            (void)gcr_list_append(rt, gc->garbage, op);
        } else if (op->type->clear != NULL) {
            gcr_incref(op);
            op->type->clear(rt, op);
            gcr_decref(rt, op);
        }
        if (gc_next(collectable) == g) {
            /* Still alive: it may die later. */
            gc_clear_collecting(g);
            gc_list_move(g, old);
        }
    }
}

/* ---------------------------------------------------------------------------------------
 * Collecting a region: a list of objects
 * ------------------------------------------------------------------------------------- */

uint64_t gc_collect_region(gcr_runtime *rt, gc_head *from, gc_head *to, uint8_t untrack_flags,
                           gcr_gc_info *info)
{
    gc_state *gc = &rt->gc;
    assert(gc->collecting);

    /* Steps 1-3: what is unreachable. A region holding every tracked container (a full
     * collection with nothing frozen) reads each object once. */
    gc_head unreachable;
    uint64_t scanned;
    uintptr_t space = gc_list_is_empty(from) ? 0 : gc_old_space(gc_next(from));
    if (from == to && gc_list_is_empty(&gc->permanent.head)) {
        scanned = update_and_subtract_refs(from);
        assert(scanned == gc->tracked && "a tracked container outside the generations");
    } else {
        scanned = update_refs(from);
        subtract_refs(from);
    }
    gc_list_init(&unreachable);
    uint64_t untracked = move_unreachable(gc, from, &unreachable, untrack_flags);

    /* Step 4 (py27), and the first half of step 5. */
    gc_head finalizers, wrcb_to_call;
    gc_list_init(&finalizers);
    gc_list_init(&wrcb_to_call);
    if (gc->legacy_finalizers) {
        move_legacy_finalizers(&unreachable, &finalizers);
        move_legacy_finalizer_reachable(&finalizers);
    }
    uint64_t uncollectable = gc_list_size(&finalizers);
    gc_scan scan = clear_weakrefs(&unreachable, &wrcb_to_call);
    uint64_t survivors = scanned - untracked - scan.count - uncollectable;

    /* The survivors move on. */
    if (from != to)
        gc_list_merge(from, to);

    if (gc->debug & GCR_DEBUG_COLLECTABLE)
        for (gc_head *g = gc_next(&unreachable); g != &unreachable; g = gc_next(g))
            debug_cycle(gc, "collectable", obj_from_gc(g));

    /* Step 5: the callbacks; step 6: finalizers and resurrection. */
    uint64_t collected = call_weakref_callbacks(rt, &wrcb_to_call, to, space);
    gc_head final_unreachable;
    gc_head *doomed = &unreachable;
    uint64_t doomed_count = scan.count;
    if (scan.finalizers && !gc->legacy_finalizers && finalize_garbage(rt, &unreachable) > 0) {
        doomed_count = handle_resurrected_objects(gc, &unreachable, &final_unreachable, to);
        doomed = &final_unreachable;
    }

    /* Step 7. */
    collected += doomed_count;
    delete_garbage(rt, doomed, to);

    /* Step 8: what stays. */
    uncollectable = 0;
    for (gc_head *g = gc_next(&finalizers); g != &finalizers; g = gc_next(g)) {
        uncollectable++;
        if (gc->debug & GCR_DEBUG_UNCOLLECTABLE)
            debug_cycle(gc, "uncollectable", obj_from_gc(g));
    }
    handle_legacy_finalizers(rt, &finalizers, to);

    info->collected += collected;
    info->uncollectable += uncollectable;
    info->objects_scanned += scanned;
    return survivors;
}

/* ---------------------------------------------------------------------------------------
 * The generational collector (3.11-3.13, 3.14.5+, 3.15)
 * ------------------------------------------------------------------------------------- */

void gc_collect_generational(gcr_runtime *rt, int generation, gcr_gc_info *info)
{
    gc_state *gc = &rt->gc;

    /* The counts: one more collection of the next generation, the collected ones zeroed. */
    if (generation + 1 < GCR_GENERATIONS)
        gc->generations[generation + 1].count += 1;
    for (int i = 0; i <= generation; i++)
        gc->generations[i].count = 0;

    for (int i = 0; i < generation; i++)
        gc_list_merge(GEN_HEAD(gc, i), GEN_HEAD(gc, generation));
    gc_head *young = GEN_HEAD(gc, generation);
    bool full = generation == GCR_GENERATIONS - 1;
    gc_head *old = full ? young : GEN_HEAD(gc, generation + 1);
    /* Dicts are untracked by full collections only (issue #14775), and not at all since 3.14
     * (they stay tracked). */
    uint8_t untrack = TYPE_UNTRACK_TUPLE | (full && !gc->dicts_tracked ? TYPE_UNTRACK_DICT : 0);

    uint64_t survivors = gc_collect_region(rt, young, old, untrack, info);

    /* The long-lived bookkeeping, on the survivors counted before the finalizers ran (as
     * CPython counts gc_list_size(young) before merging it). */
    if (!full) {
        if (generation == GCR_GENERATIONS - 2)
            gc->long_lived_pending += (int64_t)survivors;
    } else {
        gc->long_lived_pending = 0;
        gc->long_lived_total = (int64_t)survivors;
        /* Only a full collection empties the free lists (clear_freelists). */
        rt_clear_freelists(rt);
    }
}

/* The oldest generation whose count exceeds its threshold, or -1 (CPython's
 * gc_select_generation). A full collection also waits until the objects promoted to the
 * oldest generation since the last one are at least 25 % of those it kept, so that the
 * total cost stays linear in the number of objects (CPython issue #4074). */
static int gc_select_generation(const gc_state *gc)
{
    for (int i = GCR_GENERATIONS - 1; i >= 0; i--) {
        if (gc->generations[i].count > gc->generations[i].threshold) {
            if (i == GCR_GENERATIONS - 1 && gc->long_lived_pending < gc->long_lived_total / 4)
                continue;
            return i;
        }
    }
    return -1;
}

void gc_collect_generations(gcr_runtime *rt)
{
    gc_state *gc = &rt->gc;
    assert(gc->count_per_alloc && gc->enabled && !gc->collecting &&
           gc->generations[0].threshold != 0 &&
           gc->generations[0].count > gc->generations[0].threshold &&
           "gc_collect_generations: count0_limit is stale (see gc_update_limit)");
    if (gc->deferred) {
        gc->scheduled = true; /* _Py_ScheduleGC: the eval breaker runs it */
        return;
    }
    int generation = gc_select_generation(gc);
    if (generation >= 0)
        gc_collect_automatic(rt, generation);
}

void gc_run_scheduled(gcr_runtime *rt)
{
    gc_state *gc = &rt->gc;
    assert(gc->scheduled);
    gc->scheduled = false;
    if (!gc->enabled || gc->collecting)
        return;
    if (gc->incremental) {
        gc_collect_automatic(rt, 1); /* _Py_RunGC: _PyGC_Collect(tstate, 1, HEAP) */
        return;
    }
    /* gc_collect_main(GENERATION_AUTO): chosen now, on the counts as they are now. */
    int generation = gc_select_generation(gc);
    if (generation >= 0)
        gc_collect_automatic(rt, generation);
}

void gc_settle(gcr_runtime *rt)
{
    gc_state *gc = &rt->gc;
    if (gc->incremental) {
        inc_settle(gc);
        return;
    }
    for (int i = 0; i < GCR_GENERATIONS - 1; i++)
        gc_list_merge(GEN_HEAD(gc, i), GEN_HEAD(gc, GCR_GENERATIONS - 1));
    for (int i = 0; i < GCR_GENERATIONS; i++)
        gc->generations[i].count = 0;
    gc->long_lived_total = (int64_t)gc_list_size(GEN_HEAD(gc, GCR_GENERATIONS - 1));
    gc->long_lived_pending = 0;
}

void gc_free_all(gcr_runtime *rt)
{
    gc_state *gc = &rt->gc;
    gc_head all, held;
    gc->collecting = true;
    gc_update_limit(gc);
    if (gc->garbage != NULL)
        gcr_list_clear(rt, gc->garbage);
    gc_list_init(&all);
    gc_list_init(&held);
    for (int i = 0; i < GCR_GENERATIONS; i++)
        gc_list_merge(GEN_HEAD(gc, i), &all);
    gc_list_merge(&gc->permanent.head, &all);
    /* Every container is cleared as garbage is (delete_garbage), tuples included: what it
     * owns is dropped, and it is freed as soon as nothing refers to it. */
    while (!gc_list_is_empty(&all)) {
        gc_head *g = gc_next(&all);
        gcr_object *op = obj_from_gc(g);
        gcr_incref(op);
        if (op->type->clear != NULL)
            op->type->clear(rt, op);
        else
            tuple_clear_items(rt, op);
        gcr_decref(rt, op);
        if (gc_next(&all) == g)
            gc_list_move(g, &held);
    }
    /* What is left is held by the caller's own references; empty now, each is freed as if
     * those references were dropped. */
    while (!gc_list_is_empty(&held)) {
        gcr_object *op = obj_from_gc(gc_next(&held));
        op->refcnt = 0;
        gcr_dealloc_(rt, op);
    }
    assert(gc->tracked == 0 && "gc_free_all: a container survived the sweep");
    gc->collecting = false;
    gc_update_limit(gc);
}
