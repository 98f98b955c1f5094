/* collector.c — the cycle collector, CPython 3.11's (Modules/gcmodule.c) step for step, with
 * Python 2.7's legacy finalizers under the py27 policy; and the gc module's API (collect,
 * thresholds, counts, debug flags, gc.garbage, freeze, get_objects, referrers, stats,
 * callbacks).
 *
 * A collection of generation g (gc_collect_main):
 *   1. merge generations 0..g into one list, "young";
 *   2. update_refs: gc_refs = refcnt for every object in young;
 *   3. subtract_refs: minus the references from objects in young, so gc_refs counts only
 *      the references from outside young;
 *   4. move_unreachable: whatever is not reachable from an object with gc_refs > 0 moves to
 *      "unreachable"; reachable tuples that hold nothing trackable are untracked (and, in a
 *      full collection, such dicts: CPython's untrack_tuples and untrack_dicts, done here in
 *      the same pass); survivors are promoted to generation g+1;
 *   5. py27 only: move_legacy_finalizers and move_legacy_finalizer_reachable set apart the
 *      objects with __del__ and everything they reach: uncollectable;
 *   6. handle_weakrefs: weak references to unreachable objects are cleared, and the
 *      callbacks of those that are themselves reachable are called;
 *   7. finalize_garbage (py311/py313): __del__ of every unreachable object not finalized
 *      yet; then, if any ran, handle_resurrected_objects re-runs steps 2-4 on unreachable
 *      alone: what a finalizer made reachable again survives;
 *   8. delete_garbage: tp_clear every unreachable object (or, with DEBUG_SAVEALL, append it
 *      to gc.garbage), breaking the cycles; reference counting frees them;
 *   9. handle_legacy_finalizers: the uncollectable objects with __del__ (all of them with
 *      DEBUG_SAVEALL) go to gc.garbage;
 *  10. a full collection empties the free lists (clear_freelists: rt_clear_freelists).
 * The result is CPython's: unreachable objects found (collected) + uncollectable.
 *
 * Where this differs from CPython 3.11 (same results, fewer passes over the objects): the
 * tuple and dict untracking is folded into move_unreachable; the mask clearing of
 * move_legacy_finalizers and the first loop of handle_weakrefs are one pass (under py311
 * nothing is a legacy finalizer); handle_resurrected_objects runs only when a finalizer
 * ran (nothing else can make garbage reachable again: callbacks of weak references never
 * see unreachable objects).
 */
#include <assert.h>
#include <limits.h>
#include <stdio.h>
#include <time.h>

#include "runtime.h"

#define GEN_HEAD(gc, n) (&(gc)->generations[n].head)

/* Recomputes count0_limit after enabled, collecting or threshold0 changed. */
static void gc_update_limit(gc_state *gc)
{
    int threshold0 = gc->generations[0].threshold;
    gc->count0_limit = gc->enabled && !gc->collecting && threshold0 != 0 ? threshold0 : INT_MAX;
}

/* Sets or clears the collecting flag (no automatic collection while it is set). */
static void gc_set_collecting(gc_state *gc, bool collecting)
{
    gc->collecting = collecting;
    gc_update_limit(gc);
}

void gc_init(gc_state *gc, gcr_policy policy)
{
    static const int thresholds[][GCR_GENERATIONS] = {
        [GCR_POLICY_PY311] = {700, 10, 10},
        [GCR_POLICY_PY313] = {2000, 10, 10},
        [GCR_POLICY_PY27] = {700, 10, 10},
    };
    assert((size_t)policy < sizeof thresholds / sizeof thresholds[0] && "gc_init: policy");
    *gc = (gc_state){.enabled = true, .legacy_finalizers = policy == GCR_POLICY_PY27};
    for (int i = 0; i < GCR_GENERATIONS; i++) {
        gc_head *head = GEN_HEAD(gc, i);
        head->next = head->prev = (uintptr_t)head;
        gc->generations[i].threshold = thresholds[policy][i];
    }
    gc_head *perm = &gc->permanent.head;
    perm->next = perm->prev = (uintptr_t)perm;
    gc_update_limit(gc);
}

/* ---------------------------------------------------------------------------------------
 * Lists of GC headers
 *
 * Doubly linked through next and prev, with a sentinel head. Between collections both words
 * are plain pointers; during one, prev keeps its flag bits (gc_set_prev preserves them) and
 * may hold gc_refs instead of a pointer (see update_refs).
 * ------------------------------------------------------------------------------------- */

static void gc_list_init(gc_head *list) { list->next = list->prev = (uintptr_t)list; }

static bool gc_list_is_empty(const gc_head *list) { return list->next == (uintptr_t)list; }

static gc_head *gc_next(const gc_head *g) { return (gc_head *)g->next; }

static gc_head *gc_prev(const gc_head *g) { return (gc_head *)(g->prev & GC_PREV_MASK); }

static void gc_set_next(gc_head *g, gc_head *next) { g->next = (uintptr_t)next; }

static void gc_set_prev(gc_head *g, gc_head *prev)
{
    g->prev = (g->prev & ~GC_PREV_MASK) | (uintptr_t)prev;
}

/* Links node at the end of list. Before: node is in no list. */
static void gc_list_append(gc_head *node, gc_head *list)
{
    gc_head *last = gc_prev(list);
    gc_set_next(last, node);
    gc_set_prev(node, last);
    gc_set_next(node, list);
    gc_set_prev(list, node);
}

/* Moves node from whatever list holds it to the end of list. */
static void gc_list_move(gc_head *node, gc_head *list)
{
    gc_head *from_prev = gc_prev(node);
    gc_head *from_next = gc_next(node);
    gc_set_next(from_prev, from_next);
    gc_set_prev(from_next, from_prev);
    gc_list_append(node, list);
}

/* Appends every node of from to to; from becomes empty. */
static void gc_list_merge(gc_head *from, gc_head *to)
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

static size_t gc_list_size(const gc_head *list)
{
    size_t n = 0;
    for (const gc_head *g = gc_next(list); g != list; g = gc_next(g))
        n++;
    return n;
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

/* CPython's show_stats_each_generations. */
static void show_stats_each_generations(const gc_state *gc)
{
    FILE *out = gc_debug_stream(gc);
    fprintf(out, "gc: objects in each generation:");
    for (int i = 0; i < GCR_GENERATIONS; i++)
        fprintf(out, " %zu", gc_list_size(GEN_HEAD(gc, i)));
    fprintf(out, "\ngc: objects in permanent generation: %zu\n", gc_list_size(&gc->permanent.head));
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
        gc_head *next = (gc_head *)(g->next & ~GC_NEXT_MASK_UNREACHABLE);
        assert(prev->next & GC_NEXT_MASK_UNREACHABLE);
        prev->next = g->next; /* keeps the mask */
        gc_set_prev(next, prev);
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
            last->next = GC_NEXT_MASK_UNREACHABLE | (uintptr_t)g;
            gc_set_prev(g, last);
            g->next = GC_NEXT_MASK_UNREACHABLE | (uintptr_t)unreachable;
            unreachable->prev = (uintptr_t)g;
        }
        g = gc_next(prev);
    }
    young->prev = (uintptr_t)prev;
    unreachable->next &= ~GC_NEXT_MASK_UNREACHABLE;
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
 * to old. Returns how many died (CPython counts them as collected). */
static uint64_t call_weakref_callbacks(gcr_runtime *rt, gc_head *wrcb_to_call, gc_head *old)
{
    uint64_t freed = 0;
    while (!gc_list_is_empty(wrcb_to_call)) {
        gc_head *g = gc_next(wrcb_to_call);
        gcr_object *wr = obj_from_gc(g);
        gcr_object *callback = weakref_callback(wr);
        if (callback != NULL)
            gcr_call(rt, callback, wr);
        gcr_decref(rt, wr);
        if (gc_next(wrcb_to_call) == g)
            gc_list_move(g, old);
        else
            freed++;
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
 * A collection
 * ------------------------------------------------------------------------------------- */

static uint64_t gc_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Collects generations 0..generation and fills info's results (CPython's
 * gc_collect_main). Before: gc->collecting is set. */
static void gc_collect_main(gcr_runtime *rt, int generation, gcr_gc_info *info)
{
    gc_state *gc = &rt->gc;
    uint64_t start_ns = gc_now_ns();
    assert(gc->collecting);
    if (gc->debug & GCR_DEBUG_STATS) {
        fprintf(gc_debug_stream(gc), "gc: collecting generation %d...\n", generation);
        show_stats_each_generations(gc);
    }

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

    /* Steps 2-4: what is unreachable. */
    gc_head unreachable;
    uint64_t scanned;
    if (full && gc_list_is_empty(&gc->permanent.head)) {
        scanned = update_and_subtract_refs(young);
        assert(scanned == gc->tracked && "a tracked container outside the generations");
    } else {
        scanned = update_refs(young);
        subtract_refs(young);
    }
    gc_list_init(&unreachable);
    uint64_t untracked =
        move_unreachable(gc, young, &unreachable,
                         full ? TYPE_UNTRACK_TUPLE | TYPE_UNTRACK_DICT : TYPE_UNTRACK_TUPLE);

    /* Step 5 (py27), and the first half of step 6. */
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

    /* Promote the survivors; a full collection resets the long-lived bookkeeping. */
    if (!full) {
        if (generation == GCR_GENERATIONS - 2)
            gc->long_lived_pending += (int64_t)survivors;
        gc_list_merge(young, old);
    } else {
        gc->long_lived_pending = 0;
        gc->long_lived_total = (int64_t)survivors;
    }

    if (gc->debug & GCR_DEBUG_COLLECTABLE)
        for (gc_head *g = gc_next(&unreachable); g != &unreachable; g = gc_next(g))
            debug_cycle(gc, "collectable", obj_from_gc(g));

    /* Step 6: the callbacks; step 7: finalizers and resurrection. */
    uint64_t collected = call_weakref_callbacks(rt, &wrcb_to_call, old);
    gc_head final_unreachable;
    gc_head *doomed = &unreachable;
    uint64_t doomed_count = scan.count;
    if (scan.finalizers && !gc->legacy_finalizers && finalize_garbage(rt, &unreachable) > 0) {
        doomed_count = handle_resurrected_objects(gc, &unreachable, &final_unreachable, old);
        doomed = &final_unreachable;
    }

    /* Step 8. */
    collected += doomed_count;
    delete_garbage(rt, doomed, old);

    /* Step 9: what stays. */
    uncollectable = 0;
    for (gc_head *g = gc_next(&finalizers); g != &finalizers; g = gc_next(g)) {
        uncollectable++;
        if (gc->debug & GCR_DEBUG_UNCOLLECTABLE)
            debug_cycle(gc, "uncollectable", obj_from_gc(g));
    }
    if (gc->debug & GCR_DEBUG_STATS)
        fprintf(gc_debug_stream(gc),
                "gc: done, %llu unreachable, %llu uncollectable, %.4fs elapsed\n",
                (unsigned long long)(collected + uncollectable), (unsigned long long)uncollectable,
                (double)(gc_now_ns() - start_ns) / 1e9);
    handle_legacy_finalizers(rt, &finalizers, old);

    /* Only a full collection empties the free lists (clear_freelists). */
    if (full)
        rt_clear_freelists(rt);
    uint64_t pause_ns = gc_now_ns() - start_ns;

    info->collected = collected;
    info->uncollectable = uncollectable;
    info->objects_scanned = scanned;
    info->pause_ns = pause_ns;

    gcr_gen_stats *stats = &gc->stats[generation];
    stats->collections++;
    stats->collected += collected;
    stats->uncollectable += uncollectable;
    gc->collections++;
    gc->collected += collected;
    gc->uncollectable += uncollectable;
    gc->objects_scanned += scanned;
    gc->pause_ns_total += pause_ns;
    if (pause_ns > gc->pause_ns_max)
        gc->pause_ns_max = pause_ns;
}

/* A collection between the START and STOP callbacks. Returns collected + uncollectable. */
static long gc_collect_with_callback(gcr_runtime *rt, int generation)
{
    gc_state *gc = &rt->gc;
    gcr_gc_info info = {.generation = generation};
    if (gc->callback != NULL)
        gc->callback(gc->callback_ctx, GCR_GC_START, &info);
    gc_collect_main(rt, generation, &info);
    if (gc->callback != NULL)
        gc->callback(gc->callback_ctx, GCR_GC_STOP, &info);
    return (long)(info.collected + info.uncollectable);
}

void gc_collect_generations(gcr_runtime *rt)
{
    gc_state *gc = &rt->gc;
    assert(gc->enabled && !gc->collecting && gc->generations[0].threshold != 0 &&
           gc->generations[0].count > gc->generations[0].threshold &&
           "gc_collect_generations: count0_limit is stale (see gc_update_limit)");
    gc_set_collecting(gc, true);
    /* The oldest generation whose count exceeds its threshold is collected, with the
     * younger ones. A full collection also waits until the objects promoted to the oldest
     * generation since the last one are at least 25 % of those it kept, so that the total
     * cost stays linear in the number of objects (CPython issue #4074). */
    for (int i = GCR_GENERATIONS - 1; i >= 0; i--) {
        if (gc->generations[i].count > gc->generations[i].threshold) {
            if (i == GCR_GENERATIONS - 1 && gc->long_lived_pending < gc->long_lived_total / 4)
                continue;
            gc_collect_with_callback(rt, i);
            break;
        }
    }
    gc_set_collecting(gc, false);
}

void gc_free_all(gcr_runtime *rt)
{
    gc_state *gc = &rt->gc;
    gc_head all, held;
    gc_set_collecting(gc, true);
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
    gc_set_collecting(gc, false);
}

/* ---------------------------------------------------------------------------------------
 * The gc module
 * ------------------------------------------------------------------------------------- */

long gcr_gc_collect(gcr_runtime *rt, int generation)
{
    rt_check(rt);
    if (generation < 0 || generation >= GCR_GENERATIONS) {
        rt_set_error(rt, "ValueError: invalid generation");
        return -1;
    }
    gc_state *gc = &rt->gc;
    if (gc->collecting)
        return 0; /* already collecting (called from a callback): as CPython, nothing */
    gc_set_collecting(gc, true);
    long n = gc_collect_with_callback(rt, generation);
    gc_set_collecting(gc, false);
    return n;
}

void gcr_gc_enable(gcr_runtime *rt)
{
    rt->gc.enabled = true;
    gc_update_limit(&rt->gc);
}

void gcr_gc_disable(gcr_runtime *rt)
{
    rt->gc.enabled = false;
    gc_update_limit(&rt->gc);
}

bool gcr_gc_isenabled(const gcr_runtime *rt) { return rt->gc.enabled; }

void gcr_gc_get_count(const gcr_runtime *rt, int count[GCR_GENERATIONS])
{
    for (int i = 0; i < GCR_GENERATIONS; i++)
        count[i] = rt->gc.generations[i].count;
}

void gcr_gc_get_threshold(const gcr_runtime *rt, int threshold[GCR_GENERATIONS])
{
    for (int i = 0; i < GCR_GENERATIONS; i++)
        threshold[i] = rt->gc.generations[i].threshold;
}

void gcr_gc_set_threshold(gcr_runtime *rt, int threshold0, int threshold1, int threshold2)
{
    rt->gc.generations[0].threshold = threshold0;
    rt->gc.generations[1].threshold = threshold1;
    rt->gc.generations[2].threshold = threshold2;
    gc_update_limit(&rt->gc);
}

bool gcr_gc_is_tracked(const gcr_object *o) { return obj_is_gc(o) && gc_is_tracked(o); }

void gcr_gc_set_debug(gcr_runtime *rt, int flags) { rt->gc.debug = flags; }

int gcr_gc_get_debug(const gcr_runtime *rt) { return rt->gc.debug; }

void gcr_gc_set_debug_stream(gcr_runtime *rt, void *file) { rt->gc.debug_stream = file; }

gcr_object *gcr_gc_garbage(gcr_runtime *rt)
{
    rt_check(rt);
    return rt->gc.garbage;
}

/* gc.freeze: every generation into the permanent one; generation 0's count restarts. */
void gcr_gc_freeze(gcr_runtime *rt)
{
    gc_state *gc = &rt->gc;
    for (int i = 0; i < GCR_GENERATIONS; i++)
        gc_list_merge(GEN_HEAD(gc, i), &gc->permanent.head);
    gc->generations[0].count = 0;
}

void gcr_gc_unfreeze(gcr_runtime *rt)
{
    gc_state *gc = &rt->gc;
    gc_list_merge(&gc->permanent.head, GEN_HEAD(gc, GCR_GENERATIONS - 1));
}

size_t gcr_gc_get_freeze_count(const gcr_runtime *rt)
{
    return gc_list_size(&rt->gc.permanent.head);
}

/* Appends every object of list (result excepted) to result. 0, or -1: memory. */
static int gc_append_objects(gcr_runtime *rt, gcr_object *result, gc_head *list)
{
    for (gc_head *g = gc_next(list); g != list; g = gc_next(g)) {
        gcr_object *op = obj_from_gc(g);
        if (op != result && gcr_list_append(rt, result, op) != 0)
            return -1;
    }
    return 0;
}

gcr_object *gcr_gc_get_objects(gcr_runtime *rt, int generation)
{
    rt_check(rt);
    if (generation < -1 || generation >= GCR_GENERATIONS) {
        rt_set_error(rt, generation < -1
                             ? "ValueError: generation parameter cannot be negative"
                             : "ValueError: generation parameter must be less than the number "
                               "of available generations (3)");
        return NULL;
    }
    gcr_object *result = gcr_list_new(rt);
    if (result == NULL)
        return NULL;
    for (int i = 0; i < GCR_GENERATIONS; i++) {
        if ((generation == -1 || generation == i) &&
            gc_append_objects(rt, result, GEN_HEAD(&rt->gc, i)) != 0) {
            gcr_decref(rt, result);
            return NULL;
        }
    }
    return result;
}

/* The objects get_referrers looks for. */
typedef struct gc_referrers_arg {
    gcr_object *const *objs;
    size_t n;
} gc_referrers_arg;

static int referrers_visit(gcr_object *child, void *arg)
{
    const gc_referrers_arg *a = arg;
    for (size_t i = 0; i < a->n; i++)
        if (a->objs[i] == child)
            return 1;
    return 0;
}

gcr_object *gcr_gc_get_referrers(gcr_runtime *rt, gcr_object *const *objs, size_t n)
{
    rt_check(rt);
    gcr_object *result = gcr_list_new(rt);
    if (result == NULL)
        return NULL;
    gc_referrers_arg arg = {objs, n};
    for (int i = 0; i < GCR_GENERATIONS; i++) {
        gc_head *list = GEN_HEAD(&rt->gc, i);
        for (gc_head *g = gc_next(list); g != list; g = gc_next(g)) {
            gcr_object *op = obj_from_gc(g);
            if (op == result || obj_traverse(op, referrers_visit, &arg) == 0)
                continue;
            if (gcr_list_append(rt, result, op) != 0) {
                gcr_decref(rt, result);
                return NULL;
            }
        }
    }
    return result;
}

typedef struct gc_referents_arg {
    gcr_runtime *rt;
    gcr_object *result;
} gc_referents_arg;

static int referents_visit(gcr_object *child, void *arg)
{
    const gc_referents_arg *a = arg;
    return gcr_list_append(a->rt, a->result, child) != 0;
}

gcr_object *gcr_gc_get_referents(gcr_runtime *rt, gcr_object *const *objs, size_t n)
{
    rt_check(rt);
    gcr_object *result = gcr_list_new(rt);
    if (result == NULL)
        return NULL;
    gc_referents_arg arg = {rt, result};
    for (size_t i = 0; i < n; i++) {
        if (!obj_is_gc(objs[i]))
            continue;
        if (obj_traverse(objs[i], referents_visit, &arg) != 0) {
            gcr_decref(rt, result);
            return NULL;
        }
    }
    return result;
}

void gcr_gc_get_stats(const gcr_runtime *rt, gcr_gen_stats stats[GCR_GENERATIONS])
{
    for (int i = 0; i < GCR_GENERATIONS; i++)
        stats[i] = rt->gc.stats[i];
}

void gcr_gc_set_callback(gcr_runtime *rt, gcr_gc_callback callback, void *ctx)
{
    rt->gc.callback = callback;
    rt->gc.callback_ctx = callback != NULL ? ctx : NULL;
}
