/* runtime.c — a runtime's life cycle (gcr_open, gcr_close), the allocators' names (the
 * policies' are policy.c's), its last error, and its counters. */
#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "runtime.h"

/* ---------------------------------------------------------------------------------------
 * Life cycle
 * ------------------------------------------------------------------------------------- */

/* Frees what gcr_open made besides the objects (safe on a partly opened runtime). */
static void rt_free_parts(gcr_runtime *rt)
{
    list_free_meta(rt, rt->gc.garbage);
    rt->gc.garbage = NULL;
    tuple_free_empty(rt);
    int_free_small(rt);
    inst_classes_free(rt);
    callable_codes_free(rt);
    types_free(rt);
    mem_fini(&rt->mem);
}

/* gcr_config.interpreter_objects: n containers in all, a list (rt->interpreter) holding
 * n - 1 instances of the runtime's __slots__ class "<interpreter>", made with the collector off and
 * then settled as the last full collection of an interpreter's start-up leaves its objects:
 * all in the oldest generation (long-lived), counts at 0. 0, or -1 when memory ran out. */
static int rt_make_interpreter(gcr_runtime *rt, size_t n)
{
    /* __slots__ = (): no dict under any policy, 32 bytes, tracked. */
    gcr_class *cls = gcr_class_new_slots(rt, "<interpreter>", NULL, 0);
    if (cls == NULL)
        return -1;
    inst_class_set_tag(cls, INST_TAG_INTERPRETER);
    gcr_gc_disable(rt);
    rt->interpreter = gcr_list_new(rt);
    for (size_t i = 1; rt->interpreter != NULL && i < n; i++) {
        gcr_object *o = gcr_instance_new(rt, cls);
        if (o == NULL || gcr_list_append(rt, rt->interpreter, o) != 0) {
            gcr_xdecref(rt, o);
            return -1;
        }
        gcr_decref(rt, o);
    }
    gcr_gc_enable(rt);
    if (rt->interpreter == NULL)
        return -1;
    gc_settle(rt);
    return 0;
}

gcr_runtime *gcr_open(const gcr_config *config)
{
    static const gcr_config defaults = {.policy = GCR_POLICY_PY311,
                                        .allocator = GCR_ALLOC_PYMALLOC};
    if (config == NULL)
        config = &defaults;
    if (gcr_policy_name(config->policy) == NULL || gcr_allocator_name(config->allocator) == NULL)
        return NULL;
    gcr_runtime *rt = mem_meta_alloc(sizeof *rt);
    if (rt == NULL)
        return NULL;
    *rt = (gcr_runtime){
        .magic = RT_MAGIC, .config = *config, .traits = policy_traits_of(config->policy)};
    mem_init(&rt->mem, config->allocator);
    gc_init(&rt->gc, rt->traits);
    rt->gc.garbage = list_new_meta();
    if (rt->gc.garbage == NULL || types_init(rt) != 0 || int_init_small(rt) != 0 ||
        tuple_init_empty(rt) != 0) {
        rt_free_parts(rt);
        mem_meta_free(rt);
        return NULL;
    }
    if (config->interpreter_objects > 0 &&
        rt_make_interpreter(rt, config->interpreter_objects) != 0) {
        gcr_close(rt);
        return NULL;
    }
    return rt;
}

/* Every container is cleared and freed (gc_free_all), which drops every object held by one,
 * and the free lists are emptied; non-containers still alive after that are held only by
 * references the caller never dropped, which the runtime cannot find: a bug in the caller,
 * reported here. No finalizer and no weak reference callback runs during the close. */
void gcr_close(gcr_runtime *rt)
{
    if (rt == NULL)
        return;
    rt_check(rt);
    rt->closing = true;
    if (rt->interpreter != NULL)
        gcr_decref(rt, rt->interpreter);
    rt->interpreter = NULL;
    gc_free_all(rt);
    rt_clear_freelists(rt);
    assert(rt->trash.depth == 0 && rt->trash.later == NULL);
    uint64_t leaked = mem_live_objects(&rt->mem);
    if (leaked != 0)
        fprintf(stderr,
                "gcr_close: %" PRIu64 " objects (%" PRIu64 " bytes) still referenced by the "
                "caller; drop every reference before gcr_close\n",
                leaked, rt->mem.live_bytes);
    assert(leaked == 0 && "gcr_close: objects leaked by the caller");
    assert((leaked != 0 || rt->mem.live_bytes == 0) &&
           "gcr_close: buffer bytes not returned by the runtime");
    rt_free_parts(rt);
    rt->magic = 0;
    mem_meta_free(rt);
}

/* ---------------------------------------------------------------------------------------
 * Free lists
 * ------------------------------------------------------------------------------------- */

/* gcmodule.c's clear_freelists, for the types that have one here, in its order. */
void rt_clear_freelists(gcr_runtime *rt)
{
    tuple_clear_freelist(rt);
    float_clear_freelist(rt);
    list_clear_freelist(rt);
    dict_clear_freelists(rt);
}

void gcr_freelists_get(const gcr_runtime *rt, gcr_freelist_stats *out)
{
    rt_check(rt);
    const rt_freelists *fl = &rt->freelists;
    *out = (gcr_freelist_stats){
        .lists = (uint64_t)fl->nlists,
        .dicts = (uint64_t)fl->ndicts,
        .dict_keys = (uint64_t)fl->nkeys,
        .floats = (uint64_t)fl->nfloats,
        .bytes = (uint64_t)fl->nlists * LIST_SIZE + (uint64_t)fl->ndicts * DICT_SIZE +
                 (uint64_t)fl->nkeys * DICT_MINSIZE_KEYS_BYTES + (uint64_t)fl->nfloats * FLOAT_SIZE,
    };
    for (size_t i = 0; i < RT_TUPLE_MAXSAVESIZE; i++) {
        out->tuples += (uint64_t)fl->ntuples[i];
        out->bytes += (uint64_t)fl->ntuples[i] *
                      (sizeof(gc_head) + sizeof(tuple_object) + (i + 1) * sizeof(gcr_object *));
    }
}

/* ---------------------------------------------------------------------------------------
 * The last error
 * ------------------------------------------------------------------------------------- */

void rt_set_error(gcr_runtime *rt, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rt->error, sizeof rt->error, fmt, ap);
    va_end(ap);
}

const char *gcr_error(const gcr_runtime *rt)
{
    rt_check(rt);
    return rt->error;
}

void gcr_clear_error(gcr_runtime *rt)
{
    rt_check(rt);
    rt->error[0] = '\0';
}

/* ---------------------------------------------------------------------------------------
 * Names of the settings
 * ------------------------------------------------------------------------------------- */

static const char *const allocator_names[] = {
    [GCR_ALLOC_PYMALLOC] = "pymalloc", [GCR_ALLOC_MALLOC] = "malloc"};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* The name at index in names, or NULL when index is out of range. */
static const char *rt_name(const char *const *names, size_t count, int index)
{
    return index >= 0 && (size_t)index < count ? names[index] : NULL;
}

/* The index of name in names, or -1. */
static int rt_parse(const char *const *names, size_t count, const char *name)
{
    for (size_t i = 0; name != NULL && i < count; i++)
        if (strcmp(names[i], name) == 0)
            return (int)i;
    return -1;
}

const char *gcr_allocator_name(gcr_allocator allocator)
{
    return rt_name(allocator_names, COUNT_OF(allocator_names), (int)allocator);
}

int gcr_allocator_parse(const char *name, gcr_allocator *out)
{
    int i = rt_parse(allocator_names, COUNT_OF(allocator_names), name);
    if (i < 0)
        return -1;
    *out = (gcr_allocator)i;
    return 0;
}

/* ---------------------------------------------------------------------------------------
 * Counters
 * ------------------------------------------------------------------------------------- */

void gcr_counters_get(const gcr_runtime *rt, gcr_counters *out)
{
    rt_check(rt);
    const gc_state *gc = &rt->gc;
    *out = (gcr_counters){
        .live_objects = mem_live_objects(&rt->mem),
        .live_bytes = rt->mem.live_bytes,
        .tracked_objects = gc->tracked,
        .allocated_objects_total = rt->mem.allocated_objects_total,
        .freed_objects_total = rt->mem.freed_objects_total,
        .collections = gc->collections,
        .collected = gc->collected,
        .uncollectable = gc->uncollectable,
        .objects_scanned = gc->objects_scanned,
        .pause_ns_total = gc->pause_ns_total,
        .pause_ns_max = gc->pause_ns_max,
        .garbage_len = gcr_list_len(gc->garbage),
    };
}
