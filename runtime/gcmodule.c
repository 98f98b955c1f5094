/* gcmodule.c — the gc module's API (CPython's Modules/gcmodule.c): collect, enable and
 * disable, thresholds and counts, debug flags, gc.garbage, freeze, get_objects, referrers and
 * referents, statistics, callbacks; the eval breaker's check; and _PyGC_Collect, the one
 * door every collection goes through, automatic or explicit, whichever design the policy's
 * collector has (collector.c: generational; incremental.c: 3.14.0-3.14.4's). */
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "runtime.h"

#define GEN_HEAD(gc, n) (&(gc)->generations[n].head)

/* Sets or clears the collecting flag (no automatic collection while it is set). */
static void gc_set_collecting(gc_state *gc, bool collecting)
{
    gc->collecting = collecting;
    gc_update_limit(gc);
}

static FILE *gc_debug_out(const gc_state *gc)
{
    return gc->debug_stream != NULL ? (FILE *)gc->debug_stream : stderr;
}

/* CPython's show_stats_each_generations. */
static void show_stats_each_generations(const gc_state *gc)
{
    FILE *out = gc_debug_out(gc);
    fprintf(out, "gc: objects in each generation:");
    for (int i = 0; i < GCR_GENERATIONS; i++)
        fprintf(out, " %llu",
                (unsigned long long)gc_list_size(
                    gc->incremental ? inc_generation_head((gc_state *)gc, i) : GEN_HEAD(gc, i)));
    fprintf(out, "\ngc: objects in permanent generation: %llu\n",
            (unsigned long long)gc_list_size(&gc->permanent.head));
}

/* One collection of generation by the policy's design, its pause and its statistics
 * (which an incremental step that did no collecting work does not count). */
static void gc_collect_one(gcr_runtime *rt, int generation, gcr_gc_info *info)
{
    gc_state *gc = &rt->gc;
    uint64_t start_ns = gc_now_ns();
    if (gc->debug & GCR_DEBUG_STATS) {
        fprintf(gc_debug_out(gc), "gc: collecting generation %d...\n", generation);
        show_stats_each_generations(gc);
    }
    bool counted = true;
    if (gc->incremental)
        counted = inc_collect(rt, generation, info);
    else
        gc_collect_generational(rt, generation, info);
    uint64_t pause_ns = gc_now_ns() - start_ns;
    if (gc->debug & GCR_DEBUG_STATS)
        fprintf(gc_debug_out(gc), "gc: done, %llu unreachable, %llu uncollectable, %.4fs elapsed\n",
                (unsigned long long)(info->collected + info->uncollectable),
                (unsigned long long)info->uncollectable, (double)pause_ns / 1e9);
    info->pause_ns = pause_ns;
    if (counted) {
        gcr_gen_stats *stats = &gc->stats[generation];
        stats->collections++;
        stats->collected += info->collected;
        stats->uncollectable += info->uncollectable;
        gc->collections++;
    }
    gc->collected += info->collected;
    gc->uncollectable += info->uncollectable;
    gc->objects_scanned += info->objects_scanned;
    gc->pause_ns_total += pause_ns;
    if (pause_ns > gc->pause_ns_max)
        gc->pause_ns_max = pause_ns;
}

/* Calls the callback for phase as CPython's invoke_gc_callback calls gc.callbacks: with the
 * info dict it builds for each call while gc.callbacks is not empty ({"generation",
 * "collected", "uncollectable"}: Py_BuildValue), a container the collector counts (and a
 * free list may keep), dropped after the call. The collecting flag is set: it starts no
 * collection. */
static void gc_callback(gcr_runtime *rt, gcr_gc_phase phase, const gcr_gc_info *info)
{
    static const char *const keys[] = {"generation", "collected", "uncollectable"};
    const int64_t values[] = {info->generation, (int64_t)info->collected,
                              (int64_t)info->uncollectable};
    gc_state *gc = &rt->gc;
    gcr_object *dict = gcr_dict_new(rt);
    for (size_t k = 0; dict != NULL && k < sizeof keys / sizeof keys[0]; k++) {
        gcr_object *key = gcr_str_new(rt, keys[k], strlen(keys[k]));
        gcr_object *value = gcr_int_new(rt, values[k]);
        if (key != NULL && value != NULL)
            (void)gcr_dict_set(rt, dict, key, value);
        gcr_xdecref(rt, key);
        gcr_xdecref(rt, value);
    }
    gc->callback(gc->callback_ctx, phase, info);
    gcr_xdecref(rt, dict);
}

long gc_collect_automatic(gcr_runtime *rt, int generation)
{
    gc_state *gc = &rt->gc;
    if (gc->collecting)
        return 0; /* already collecting (called from a callback): as CPython, nothing */
    gc_set_collecting(gc, true);
    gcr_gc_info info = {.generation = generation};
    if (gc->callback != NULL)
        gc_callback(rt, GCR_GC_START, &info);
    gc_collect_one(rt, generation, &info);
    if (gc->callback != NULL)
        gc_callback(rt, GCR_GC_STOP, &info);
    gc_set_collecting(gc, false);
    return (long)(info.collected + info.uncollectable);
}

void gcr_eval_breaker(gcr_runtime *rt)
{
    rt_check(rt);
    if (rt->gc.scheduled)
        gc_run_scheduled(rt);
}

bool gcr_gc_scheduled(const gcr_runtime *rt) { return rt->gc.scheduled; }

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
    return gc_collect_automatic(rt, generation);
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
    if (rt->gc.incremental) {
        inc_get_count(&rt->gc, count);
        return;
    }
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
    if (gc->incremental) {
        inc_freeze(gc);
        return;
    }
    for (int i = 0; i < GCR_GENERATIONS; i++)
        gc_list_merge(GEN_HEAD(gc, i), &gc->permanent.head);
    gc->generations[0].count = 0;
}

void gcr_gc_unfreeze(gcr_runtime *rt)
{
    gc_state *gc = &rt->gc;
    if (gc->incremental) {
        inc_unfreeze(gc);
        return;
    }
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
        /* Incremental (3.14's _PyGC_GetObjects): 0 is young, 1 nothing, 2 both old spaces. */
        bool wanted = generation == -1 || generation == i ||
                      (rt->gc.incremental && generation == 2 && i == 1);
        if (rt->gc.incremental && generation == 1)
            wanted = false;
        if (wanted && gc_append_objects(rt, result, GEN_HEAD(&rt->gc, i)) != 0) {
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

/* One list of gcr_gc_check: links both ways, no collecting flag, the space bit expected
 * (space < 0: not checked). Adds its length to *n. false with why. */
static bool check_list(const gc_head *list, intptr_t space, uint64_t *n, char *why, size_t len)
{
    const gc_head *prev = list;
    for (const gc_head *g = gc_next(list); g != list; g = gc_next(g)) {
        if (gc_prev(g) != prev) {
            snprintf(why, len, "a broken prev link after %llu objects", (unsigned long long)*n);
            return false;
        }
        if (g->prev & GC_PREV_MASK_COLLECTING) {
            snprintf(why, len, "a collecting flag left set");
            return false;
        }
        if (g->next & GC_NEXT_MASK_UNREACHABLE) {
            snprintf(why, len, "an unreachable flag left set");
            return false;
        }
        if (space >= 0 && gc_old_space(g) != (uintptr_t)space) {
            snprintf(why, len, "an object in the wrong old space");
            return false;
        }
        prev = g;
        (*n)++;
    }
    if (gc_prev(list) != prev || (list->next & GC_NEXT_FLAGS) != 0) {
        snprintf(why, len, "a list head with a bad link or flags");
        return false;
    }
    return true;
}

bool gcr_gc_check(const gcr_runtime *rt, char *why, size_t len)
{
    rt_check(rt);
    const gc_state *gc = &rt->gc;
    uint64_t n = 0;
    intptr_t pending = -1, visited = -1;
    if (gc->incremental) {
        visited = gc->visited_space ? (intptr_t)GC_NEXT_MASK_OLD_SPACE_1 : 0;
        pending = gc->visited_space ? 0 : (intptr_t)GC_NEXT_MASK_OLD_SPACE_1;
        if ((intptr_t)gc->track_space != pending) {
            snprintf(why, len, "new objects would be tracked in the visited space");
            return false;
        }
    }
    for (int i = 0; i < GCR_GENERATIONS; i++) {
        intptr_t space = -1;
        if (gc->incremental)
            space = i == 0 || i == 2 - gc->visited_space ? pending : visited;
        if (!check_list(GEN_HEAD(gc, i), space, &n, why, len))
            return false;
        if (gc->generations[i].count < 0) {
            snprintf(why, len, "generation %d's count is %d", i, gc->generations[i].count);
            return false;
        }
    }
    if (!check_list(&gc->permanent.head, visited, &n, why, len))
        return false;
    if (n != gc->tracked) {
        snprintf(why, len, "%llu objects in the lists, %llu tracked", (unsigned long long)n,
                 (unsigned long long)gc->tracked);
        return false;
    }
    return true;
}
