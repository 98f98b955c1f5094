/* incremental.c — CPython 3.14.0-3.14.4's incremental collector (Python/gc.c of 3.14.2),
 * the py314inc policy. The garbage itself is found and freed by collector.c's
 * gc_collect_region, as in every design; what differs is which objects a collection
 * examines, and when.
 *
 * Two generations: young, and old, split into two spaces (generations[1] and [2] are 3.14's
 * old[0] and old[1]). A scavenge visits the whole old generation a piece at a time: objects
 * it has visited are in old[visited_space], those it has not in the other one, "pending";
 * every object carries its space's bit in its gc_head (GC_NEXT_MASK_OLD_SPACE_1), young ones
 * the pending space's. When the pending space is empty the scavenge is complete: the spaces
 * swap names (completed_scavenge) and the next one starts.
 *
 * The young count counts trackings minus untrackings (collector.h: gc_track). Past
 * threshold0 (2000) a tracking schedules (_Py_TriggerGC); the eval breaker then runs one
 * increment (_Py_RunGC: _PyGC_Collect(1)), never a young collection. An increment
 * (gc_collect_increment):
 *   1. work_to_do += the young count, plus a fraction of the heap (heap_size / 10 / old[0]
 *      threshold, at most twice the young count), and the young count restarts at 0
 *      (assess_work_to_do). Still negative: nothing more (no statistics either).
 *   2. In the MARK phase (the first increment of a scavenge): everything reachable from the
 *      roots moves to the visited space (mark_at_start), work_to_do goes down by twice the
 *      number of objects marked (3.14.2 subtracts it in mark_at_start and again in its
 *      caller), the phase becomes COLLECT, and that is the increment.
 *   3. In the COLLECT phase: what the stacks reach moves to the visited space
 *      (mark_stacks: work_to_do goes down by its size), then the increment is the whole
 *      young generation plus pending objects, each with everything pending it reaches,
 *      until the increment is as large as work_to_do; it is collected (gc_collect_region)
 *      into the visited space and work_to_do goes down by its size. An empty pending space
 *      completes the scavenge.
 * gc.collect(0) collects the young generation alone; gc.collect() (2) everything, then
 * completes the scavenge and empties the free lists.
 *
 * Why seed 004's cross_reference frees no cycle for over a hundred iterations: after
 * gc.collect() the next increment starts a scavenge in the MARK phase, whose marking of the
 * whole reachable heap (the interpreter's 20 000 objects in Pyodide) drives work_to_do to
 * about minus twice that; every later increment adds only about the 2000 new objects and
 * returns at step 1, having reset the young count; so the young generation, where every
 * cycle is, is not collected until work_to_do is positive again, some 17 increments (110
 * iterations of 300 new containers) later.
 *
 * Roots. CPython marks from the interpreter's roots (sys, builtins, the static types'
 * dicts: mark_global_roots) and the frames on the stacks (mark_stacks). The model has no
 * frames: a root is any container referenced from outside the collector's lists (a
 * reference the scenario's C code holds, in a module-level variable or a local, or the
 * runtime's root of the interpreter's objects, gcr_config.interpreter_objects). Found as
 * update_refs and subtract_refs find them, over the whole heap.
 */
#include <assert.h>
#include <stdlib.h>

#include "runtime.h"

#define YOUNG(gc) (&(gc)->generations[0].head)
#define OLD(gc, space) (&(gc)->generations[1 + (space)].head)
#define VISITED(gc) OLD(gc, (gc)->visited_space)
#define PENDING(gc) OLD(gc, (gc)->visited_space ^ 1)

/* Divides the heap so that old[0]'s threshold of 10 scans 1 % of it per increment. */
#define SCAN_RATE_DIVISOR 10

static uintptr_t space_bit(int space) { return space ? GC_NEXT_MASK_OLD_SPACE_1 : 0; }

static uintptr_t visited_bit(const gc_state *gc) { return space_bit(gc->visited_space); }

/* The pending space's bit, which newly tracked containers get. */
static void set_track_space(gc_state *gc) { gc->track_space = space_bit(gc->visited_space ^ 1); }

gc_head *inc_generation_head(gc_state *gc, int generation)
{
    switch (generation) {
    case 0:
        return YOUNG(gc);
    case 1:
        return VISITED(gc);
    default:
        return PENDING(gc);
    }
}

void inc_get_count(const gc_state *gc, int count[GCR_GENERATIONS])
{
    count[0] = gc->generations[0].count;
    count[1] = gc->generations[1 + gc->visited_space].count;
    count[2] = gc->generations[1 + (gc->visited_space ^ 1)].count;
}

/* ---------------------------------------------------------------------------------------
 * Marking: moving objects to the visited space
 * ------------------------------------------------------------------------------------- */

/* What a marking traversal carries: where newly reached objects go, and how many went. */
typedef struct mark_arg {
    gc_head *container;
    uintptr_t visited;
    int64_t size;
} mark_arg;

/* CPython's visit_add_to_container: a tracked container not in the visited space moves to
 * it, at the end of the container list (which the caller is walking). */
static int visit_add_to_container(gcr_object *op, void *arg)
{
    mark_arg *m = arg;
    if (!obj_is_gc(op))
        return 0;
    gc_head *g = obj_as_gc(op);
    if (g->next != 0 && gc_old_space(g) != m->visited) {
        gc_set_old_space(g, m->visited);
        gc_list_move(g, m->container);
        m->size++;
    }
    return 0;
}

/* CPython's mark_all_reachable: empties reachable into visited, moving along everything they
 * reach that was not visited yet. Returns how many objects it added to reachable. */
static int64_t mark_all_reachable(gc_state *gc, gc_head *reachable, gc_head *visited)
{
    mark_arg m = {reachable, visited_bit(gc), 0};
    while (!gc_list_is_empty(reachable)) {
        gc_head *g = gc_next(reachable);
        gc_list_move(g, visited);
        obj_traverse(obj_from_gc(g), visit_add_to_container, &m);
    }
    return m.size;
}

/* CPython's expand_region_transitively_reachable: walks container from g to its end,
 * adding what each object reaches and was not visited. Returns how many it added. */
static int64_t expand_region(gc_state *gc, gc_head *container, gc_head *g)
{
    mark_arg m = {container, visited_bit(gc), 0};
    for (; g != container; g = gc_next(g))
        obj_traverse(obj_from_gc(g), visit_add_to_container, &m);
    return m.size;
}

/* Visit of mark_roots: one reference from a tracked container to a young or pending one. */
static int visit_uncount(gcr_object *op, void *arg)
{
    (void)arg;
    if (obj_is_gc(op)) {
        gc_head *g = obj_as_gc(op);
        if (g->prev & GC_PREV_MASK_COLLECTING) {
            assert((intptr_t)(g->prev >> GC_PREV_SHIFT) > 0);
            g->prev -= (uintptr_t)1 << GC_PREV_SHIFT;
        }
    }
    return 0;
}

/* Rebuilds list's prev links (mark_roots borrows them for the counts), clearing the
 * collecting flag; every object whose count stayed above 0 is appended to roots (an array
 * with room for them all; NULL: not recorded). Returns how many roots there are now. */
static size_t restore_list(gc_head *list, gc_head **roots, size_t nroots)
{
    gc_head *prev = list;
    for (gc_head *g = gc_next(list); g != list; g = gc_next(g)) {
        if (roots != NULL && (g->prev >> GC_PREV_SHIFT) != 0)
            roots[nroots++] = g;
        g->prev = (g->prev & GC_PREV_MASK_FINALIZED) | (uintptr_t)prev;
        prev = g;
    }
    list->prev = (uintptr_t)prev;
    return nroots;
}

/* The model's mark_global_roots and mark_stacks (see the top of the file): every young or
 * pending container that something outside the collector's lists refers to moves to the
 * visited space, and everything pending it reaches. Returns how many objects moved, or -1
 * when memory for the root list ran out (nothing moved). */
static int64_t mark_roots(gcr_runtime *rt)
{
    gc_state *gc = &rt->gc;
    gc_head *pending[] = {YOUNG(gc), PENDING(gc)};
    gc_head *all[] = {YOUNG(gc), PENDING(gc), VISITED(gc), &gc->permanent.head};
    size_t candidates = 0;
    /* update_refs over the young and pending objects: prev holds each one's count. */
    for (size_t l = 0; l < 2; l++) {
        for (gc_head *g = gc_next(pending[l]); g != pending[l]; g = gc_next(g)) {
            gcr_object *op = obj_from_gc(g);
            g->prev = (g->prev & GC_PREV_MASK_FINALIZED) | GC_PREV_MASK_COLLECTING |
                      ((uintptr_t)op->refcnt << GC_PREV_SHIFT);
            candidates++;
        }
    }
    /* subtract_refs over the whole heap: what is left comes from outside it. */
    for (size_t l = 0; l < 4; l++)
        for (gc_head *g = gc_next(all[l]); g != all[l]; g = gc_next(g))
            obj_traverse(obj_from_gc(g), visit_uncount, NULL);
    gc_head **roots = mem_meta_alloc((candidates + 1) * sizeof *roots);
    size_t nroots = 0;
    for (size_t l = 0; l < 2; l++)
        nroots = restore_list(pending[l], roots, nroots);
    if (roots == NULL)
        return -1;
    gc_head reachable;
    gc_list_init(&reachable);
    int64_t marked = 0;
    uintptr_t visited = visited_bit(gc);
    for (size_t i = 0; i < nroots; i++) {
        gc_head *g = roots[i];
        if (gc_old_space(g) != visited) { /* not reached from an earlier root yet */
            gc_set_old_space(g, visited);
            gc_list_move(g, &reachable);
            marked++;
        }
    }
    mem_meta_free(roots);
    return marked + mark_all_reachable(gc, &reachable, VISITED(gc));
}

/* ---------------------------------------------------------------------------------------
 * Scavenges and increments
 * ------------------------------------------------------------------------------------- */

/* CPython's completed_scavenge: the visited space becomes the pending one (or, with frozen
 * objects, which must stay in the visited space, its objects move there); the next
 * increment starts a new scavenge by marking. */
static void completed_scavenge(gc_state *gc)
{
    if (gc_list_is_empty(&gc->permanent.head)) {
        int not_visited = gc->visited_space;
        gc->visited_space ^= 1;
        gc_list_set_space(YOUNG(gc), space_bit(not_visited));
    } else {
        assert(gc_list_is_empty(PENDING(gc)));
        gc_list_merge(VISITED(gc), PENDING(gc));
        gc_list_set_space(PENDING(gc), space_bit(gc->visited_space ^ 1));
    }
    assert(gc_list_is_empty(VISITED(gc)));
    set_track_space(gc);
    gc->work_to_do = 0;
    gc->phase = GC_PHASE_MARK;
}

/* CPython's assess_work_to_do: the new objects, and a share of the heap no larger than twice
 * them. Resets the young count. */
static int64_t assess_work_to_do(gc_state *gc)
{
    int64_t scale_factor = gc->generations[1].threshold; /* old[0]'s */
    if (scale_factor < 2)
        scale_factor = 2;
    int64_t new_objects = gc->generations[0].count;
    int64_t max_heap_fraction = new_objects * 2;
    int64_t heap_fraction = (int64_t)gc->tracked / SCAN_RATE_DIVISOR / scale_factor;
    if (heap_fraction > max_heap_fraction)
        heap_fraction = max_heap_fraction;
    gc->generations[0].count = 0;
    return new_objects + heap_fraction;
}

/* CPython's gc_collect_young (gc.collect(0)): the young generation alone, its survivors to
 * the visited space. */
static void collect_young(gcr_runtime *rt, gcr_gc_info *info)
{
    gc_state *gc = &rt->gc;
    gc_head survivors;
    gc_list_init(&survivors);
    gc_list_set_space(YOUNG(gc), visited_bit(gc));
    gc_collect_region(rt, YOUNG(gc), &survivors, TYPE_UNTRACK_TUPLE, info);
    gc_list_merge(&survivors, VISITED(gc));
    gc->generations[0].count = 0;
    gc->generations[1 + gc->visited_space].count++;
}

/* CPython's gc_collect_increment. Returns whether it collected (and so counts in
 * gc.get_stats()). */
static bool collect_increment(gcr_runtime *rt, gcr_gc_info *info)
{
    gc_state *gc = &rt->gc;
    gc->work_to_do += assess_work_to_do(gc);
    if (gc->work_to_do < 0)
        return false;
    if (gc->phase == GC_PHASE_MARK) {
        int64_t marked = mark_roots(rt);
        if (marked < 0)
            return false; /* no memory for the roots: try again next time */
        info->objects_scanned += (uint64_t)marked;
        gc->work_to_do -= 2 * marked; /* mark_at_start's and its caller's */
        gc->phase = GC_PHASE_COLLECT;
        return false;
    }
    int64_t marked = mark_roots(rt);
    if (marked > 0) {
        info->objects_scanned += (uint64_t)marked;
        gc->work_to_do -= marked;
    }
    gc_head increment;
    gc_list_init(&increment);
    gc_list_set_space(YOUNG(gc), visited_bit(gc));
    gc_list_merge(YOUNG(gc), &increment);
    int64_t increment_size = (int64_t)gc_list_size(&increment);
    gc_head *pending = PENDING(gc);
    while (increment_size < gc->work_to_do && !gc_list_is_empty(pending)) {
        gc_head *g = gc_next(pending);
        gc_list_move(g, &increment);
        gc_set_old_space(g, visited_bit(gc));
        increment_size++;
        increment_size += expand_region(gc, &increment, g);
    }
    gc_head survivors;
    gc_list_init(&survivors);
    gc_collect_region(rt, &increment, &survivors, TYPE_UNTRACK_TUPLE, info);
    gc_list_merge(&survivors, VISITED(gc));
    assert(gc_list_is_empty(&increment));
    gc->work_to_do -= increment_size;
    if (gc_list_is_empty(pending))
        completed_scavenge(gc);
    return true;
}

/* CPython's gc_collect_full (gc.collect()): everything, then a new scavenge. */
static void collect_full(gcr_runtime *rt, gcr_gc_info *info)
{
    gc_state *gc = &rt->gc;
    gc_list_merge(YOUNG(gc), PENDING(gc));
    gc_list_set_space(PENDING(gc), visited_bit(gc));
    gc->generations[0].count = 0;
    gc_list_merge(PENDING(gc), VISITED(gc));
    gc_collect_region(rt, VISITED(gc), VISITED(gc), TYPE_UNTRACK_TUPLE, info);
    for (int i = 0; i < GCR_GENERATIONS; i++)
        gc->generations[i].count = 0;
    completed_scavenge(gc);
    rt_clear_freelists(rt);
}

bool inc_collect(gcr_runtime *rt, int generation, gcr_gc_info *info)
{
    assert(rt->gc.incremental && rt->gc.collecting);
    switch (generation) {
    case 0:
        collect_young(rt, info);
        return true;
    case 1:
        return collect_increment(rt, info);
    default:
        collect_full(rt, info);
        return true;
    }
}

/* ---------------------------------------------------------------------------------------
 * gc.freeze and the start-up state
 * ------------------------------------------------------------------------------------- */

/* CPython's _PyGC_Freeze: everything to the permanent generation, in the visited space. */
void inc_freeze(gc_state *gc)
{
    gc_list_set_space(YOUNG(gc), visited_bit(gc));
    gc_list_merge(YOUNG(gc), &gc->permanent.head);
    gc->generations[0].count = 0;
    gc_list_set_space(PENDING(gc), visited_bit(gc));
    gc_list_merge(OLD(gc, 0), &gc->permanent.head);
    gc->generations[1].count = 0;
    gc_list_merge(OLD(gc, 1), &gc->permanent.head);
    gc->generations[2].count = 0;
}

/* CPython's _PyGC_Unfreeze: back to the visited space. */
void inc_unfreeze(gc_state *gc) { gc_list_merge(&gc->permanent.head, VISITED(gc)); }

void inc_settle(gc_state *gc)
{
    gc_list_merge(YOUNG(gc), PENDING(gc));
    gc_list_merge(VISITED(gc), PENDING(gc));
    gc_list_set_space(PENDING(gc), space_bit(gc->visited_space ^ 1));
    for (int i = 0; i < GCR_GENERATIONS; i++)
        gc->generations[i].count = 0;
    set_track_space(gc);
    gc->work_to_do = 0;
    gc->phase = GC_PHASE_MARK;
}
