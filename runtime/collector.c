/* collector.c — the cycle collector, CPython 3.11's (Modules/gcmodule.c) step for step:
 * three generations, the collection triggered by container allocations, gc_refs kept in
 * the prev word of the GC header during a collection, and the gc module's API (collect,
 * thresholds, counts, stats, callbacks).
 *
 * A collection of generation g (gc_collect_main):
 *   1. merge generations 0..g into one list, "young";
 *   2. update_refs: gc_refs = refcnt for every object in young;
 *   3. subtract_refs: minus the references from objects in young, so gc_refs counts only
 *      the references from outside young;
 *   4. move_unreachable: whatever is not reachable from an object with gc_refs > 0 moves to
 *      "unreachable"; prev pointers are restored;
 *   5. survivors are promoted to generation g+1;
 *   6. delete_garbage: tp_clear every unreachable object, breaking the cycles; reference
 *      counting frees them.
 * Not modelled yet: weak references (handle_weakrefs), finalizers (finalize_garbage,
 * move_legacy_finalizers for py27), gc.garbage, freeze.
 */
#include <assert.h>
#include <time.h>

#include "runtime.h"

#define GEN_HEAD(gc, n) (&(gc)->generations[n].head)

void gc_init(gc_state *gc, gcr_policy policy)
{
    static const int thresholds_py311[GCR_GENERATIONS] = {700, 10, 10};
    assert(policy == GCR_POLICY_PY311 && "gc_init: unknown policy");
    (void)policy;
    *gc = (gc_state){.enabled = true};
    for (int i = 0; i < GCR_GENERATIONS; i++) {
        gc_head *head = GEN_HEAD(gc, i);
        head->next = head->prev = (uintptr_t)head;
        gc->generations[i].threshold = thresholds_py311[i];
    }
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
 * The steps of a collection
 * ------------------------------------------------------------------------------------- */

/* Before: containers is a list of tracked objects with plain prev pointers.
 * After: every object in it is flagged collecting and has gc_refs = its refcnt (> 0); prev
 * no longer links the list backwards (next still does). Returns the number of objects. */
static uint64_t update_refs(gc_head *containers)
{
    uint64_t n = 0;
    for (gc_head *g = gc_next(containers); g != containers; g = gc_next(g)) {
        const gcr_object *op = obj_from_gc(g);
        assert(op->refcnt > 0 && "update_refs: a tracked object has a zero count (freed but "
                                 "still tracked, or decref'd below its true count)");
        gc_reset_refs(g, op->refcnt);
        n++;
    }
    return n;
}

/* tp_traverse callback of subtract_refs: one reference from inside the collected set. */
static int visit_decref(gcr_object *op, void *arg)
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
    for (gc_head *g = gc_next(containers); g != containers; g = gc_next(g)) {
        gcr_object *op = obj_from_gc(g);
        op->type->traverse(op, visit_decref, NULL);
    }
}

/* tp_traverse callback of move_unreachable: op is referenced by a reachable object. */
static int visit_reachable(gcr_object *op, void *arg)
{
    gc_head *reachable = arg;
    if (!obj_is_gc(op))
        return 0;
    gc_head *g = obj_as_gc(op);
    /* Objects of other generations, and those already scanned (to the left of
     * move_unreachable's position), are no longer flagged collecting. */
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

/* Before: young's objects are flagged collecting with gc_refs from subtract_refs; young is
 * linked through next only. unreachable is an empty list.
 * After: young holds exactly the objects reachable from those with gc_refs > 0, doubly
 * linked again, collecting flag cleared. unreachable holds the rest, prev linked with
 * collecting flag kept, each next carrying GC_NEXT_MASK_UNREACHABLE (the list head's next
 * excepted).
 *
 * The scan goes left to right over young. An object with gc_refs > 0 is reachable: its
 * children are marked (visit_reachable), possibly moving them back from unreachable to the
 * end of young. An object with gc_refs 0 is tentatively unreachable and moves to unreachable;
 * young is then singly linked, which is why prev links are rebuilt as the scan goes. */
static void move_unreachable(gc_head *young, gc_head *unreachable)
{
    gc_head *prev = young; /* last object of young known reachable */
    gc_head *g = gc_next(young);
    while (g != young) {
        if (gc_get_refs(g) != 0) {
            gcr_object *op = obj_from_gc(g);
            assert(gc_get_refs(g) > 0);
            /* visit_reachable may append to young (changing g->next when g is last), so the
             * next object is read only after the traversal. */
            op->type->traverse(op, visit_reachable, young);
            gc_set_prev(g, prev);
            gc_clear_collecting(g);
            prev = g;
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
}

/* Stands where CPython's move_legacy_finalizers is (objects with __del__ under the py27
 * policy will be set apart here).
 * Before: unreachable as move_unreachable leaves it. After: a plain list (no mask on next);
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

/* Before: collectable holds garbage: every object in it is reachable only from objects in
 * it (or from nothing).
 * After: collectable is empty. Each object was cleared (tp_clear), which breaks every cycle
 * so that reference counting frees the objects; one that somehow survived its clear is
 * moved to old, no longer collecting. */
static void delete_garbage(gcr_runtime *rt, gc_head *collectable, gc_head *old)
{
    while (!gc_list_is_empty(collectable)) {
        gc_head *g = gc_next(collectable);
        gcr_object *op = obj_from_gc(g);
        assert(op->refcnt > 0 && "delete_garbage: refcount is too small");
        gcr_incref(op);
        op->type->clear(rt, op);
        gcr_decref(rt, op);
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
    assert(gc->collecting && rt->trash.depth == 0);

    /* The counts: one more collection of the next generation, the collected ones zeroed. */
    if (generation + 1 < GCR_GENERATIONS)
        gc->generations[generation + 1].count += 1;
    for (int i = 0; i <= generation; i++)
        gc->generations[i].count = 0;

    for (int i = 0; i < generation; i++)
        gc_list_merge(GEN_HEAD(gc, i), GEN_HEAD(gc, generation));
    gc_head *young = GEN_HEAD(gc, generation);
    gc_head *old = generation + 1 < GCR_GENERATIONS ? GEN_HEAD(gc, generation + 1) : young;

    gc_head unreachable;
    uint64_t scanned = update_refs(young);
    subtract_refs(young);
    gc_list_init(&unreachable);
    move_unreachable(young, &unreachable);
    uint64_t garbage = clear_unreachable_mask(&unreachable);
    uint64_t survivors = scanned - garbage;

    /* Promote the survivors; a full collection resets the long-lived bookkeeping. */
    if (young != old) {
        if (generation == GCR_GENERATIONS - 2)
            gc->long_lived_pending += (int64_t)survivors;
        gc_list_merge(young, old);
    } else {
        gc->long_lived_pending = 0;
        gc->long_lived_total = (int64_t)survivors;
    }

    delete_garbage(rt, &unreachable, old);

    uint64_t pause_ns = gc_now_ns() - start_ns;
    info->collected = garbage;
    info->uncollectable = 0;
    info->objects_scanned = scanned;
    info->pause_ns = pause_ns;

    gcr_gen_stats *stats = &gc->stats[generation];
    stats->collections++;
    stats->collected += info->collected;
    stats->uncollectable += info->uncollectable;
    gc->collections++;
    gc->collected += info->collected;
    gc->uncollectable += info->uncollectable;
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
    gc->collecting = true;
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
    gc->collecting = false;
}

void gc_free_all(gcr_runtime *rt)
{
    gc_state *gc = &rt->gc;
    gc_head all, held;
    gc->collecting = true;
    gc_list_init(&all);
    gc_list_init(&held);
    for (int i = 0; i < GCR_GENERATIONS; i++)
        gc_list_merge(GEN_HEAD(gc, i), &all);
    /* Every container is cleared as garbage is (delete_garbage): what it owns is dropped,
     * and it is freed as soon as nothing refers to it. */
    while (!gc_list_is_empty(&all)) {
        gc_head *g = gc_next(&all);
        gcr_object *op = obj_from_gc(g);
        gcr_incref(op);
        op->type->clear(rt, op);
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
}

/* ---------------------------------------------------------------------------------------
 * The gc module
 * ------------------------------------------------------------------------------------- */

long gcr_gc_collect(gcr_runtime *rt, int generation)
{
    rt_check(rt);
    if (generation < 0 || generation >= GCR_GENERATIONS)
        return -1;
    gc_state *gc = &rt->gc;
    if (gc->collecting)
        return 0; /* already collecting (called from a callback): as CPython, nothing */
    gc->collecting = true;
    long n = gc_collect_with_callback(rt, generation);
    gc->collecting = false;
    return n;
}

void gcr_gc_enable(gcr_runtime *rt) { rt->gc.enabled = true; }

void gcr_gc_disable(gcr_runtime *rt) { rt->gc.enabled = false; }

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
}

bool gcr_gc_is_tracked(const gcr_object *o) { return obj_is_gc(o) && gc_is_tracked(o); }

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
