/* types.c — per-type statistics (objgraph's show_most_common_types and show_growth): the
 * table of rt_type_stat slots, one per built-in type and one per class, that object.c and
 * the type files update as objects and their buffers come and go, and gcr_types_stats /
 * gcr_types_mark, which read it. The static objects (small ints, the empty tuple,
 * gc.garbage) are not counted, as they are not in live_objects. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "runtime.h"

static const char *const builtin_names[SLOT_BUILTIN_COUNT] = {
    [SLOT_FLOAT] = "float",
    [SLOT_STR] = "str",
    [SLOT_BYTES] = "bytes",
    [SLOT_INT] = "int",
    [SLOT_LIST] = "list",
    [SLOT_TUPLE] = "tuple",
    [SLOT_DICT] = "dict",
    [SLOT_FUNCTION] = "function",
    [SLOT_REF] = "ReferenceType",
    [SLOT_PROXY] = "ProxyType",
    [SLOT_CALLABLE_PROXY] = "CallableProxyType",
    [SLOT_KEYEDREF] = "KeyedRef",
};

int types_init(gcr_runtime *rt)
{
    uint32_t capacity = SLOT_BUILTIN_COUNT + 16;
    rt->type_stats = mem_meta_alloc(capacity * sizeof(rt_type_stat));
    if (rt->type_stats == NULL)
        return -1;
    for (uint32_t i = 0; i < SLOT_BUILTIN_COUNT; i++)
        rt->type_stats[i] = (rt_type_stat){.name = builtin_names[i]};
    rt->type_slots = SLOT_BUILTIN_COUNT;
    rt->type_capacity = capacity;
    return 0;
}

uint32_t types_add(gcr_runtime *rt, const char *name)
{
    if (rt->type_slots == rt->type_capacity) {
        if (rt->type_capacity > UINT32_MAX / 2 / sizeof(rt_type_stat))
            return UINT32_MAX;
        uint32_t capacity = rt->type_capacity * 2;
        rt_type_stat *grown = mem_meta_alloc(capacity * sizeof(rt_type_stat));
        if (grown == NULL)
            return UINT32_MAX;
        memcpy(grown, rt->type_stats, rt->type_slots * sizeof(rt_type_stat));
        mem_meta_free(rt->type_stats);
        rt->type_stats = grown;
        rt->type_capacity = capacity;
    }
    rt->type_stats[rt->type_slots] = (rt_type_stat){.name = name};
    return rt->type_slots++;
}

void types_free(gcr_runtime *rt)
{
    mem_meta_free(rt->type_stats);
    rt->type_stats = NULL;
    rt->type_slots = rt->type_capacity = 0;
}

/* qsort order: most live objects first, then by name, then by growth (for a stable
 * order between two classes of the same name). */
static int types_compare(const void *a, const void *b)
{
    const gcr_type_stat *x = a, *y = b;
    if (x->live_objects != y->live_objects)
        return x->live_objects > y->live_objects ? -1 : 1;
    int by_name = strcmp(x->name, y->name);
    if (by_name != 0)
        return by_name;
    return (x->growth_objects < y->growth_objects) - (x->growth_objects > y->growth_objects);
}

static gcr_type_stat types_entry(const rt_type_stat *s)
{
    return (gcr_type_stat){
        .name = s->name,
        .live_objects = s->live_objects,
        .live_bytes = s->live_bytes,
        .growth_objects = (int64_t)s->live_objects - (int64_t)s->mark_objects,
    };
}

gcr_type_stat types_stat_of(const gcr_runtime *rt, uint32_t slot)
{
    assert(slot < rt->type_slots && "types_stat_of: no such slot");
    return types_entry(&rt->type_stats[slot]);
}

size_t gcr_types_stats(const gcr_runtime *rt, gcr_type_stat *out, size_t max)
{
    rt_check(rt);
    size_t live = 0;
    for (uint32_t i = 0; i < rt->type_slots; i++)
        live += rt->type_stats[i].live_objects > 0;
    if (max == 0 || live == 0)
        return live;
    gcr_type_stat *all = mem_meta_alloc(live * sizeof *all);
    if (all == NULL) {
        /* No room to sort: the first live types, unsorted, still answer the question. */
        size_t n = 0;
        for (uint32_t i = 0; i < rt->type_slots && n < max; i++) {
            const rt_type_stat *s = &rt->type_stats[i];
            if (s->live_objects > 0)
                out[n++] = types_entry(s);
        }
        return live;
    }
    size_t n = 0;
    for (uint32_t i = 0; i < rt->type_slots; i++) {
        const rt_type_stat *s = &rt->type_stats[i];
        if (s->live_objects > 0)
            all[n++] = types_entry(s);
    }
    assert(n == live);
    qsort(all, n, sizeof *all, types_compare);
    memcpy(out, all, (n < max ? n : max) * sizeof *all);
    mem_meta_free(all);
    return live;
}

void gcr_types_mark(gcr_runtime *rt)
{
    rt_check(rt);
    for (uint32_t i = 0; i < rt->type_slots; i++)
        rt->type_stats[i].mark_objects = rt->type_stats[i].live_objects;
}
