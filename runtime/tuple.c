/* tuple.c — the tuple type, as CPython 3.11's PyTupleObject: a container of 40 + 8 n bytes
 * (GC header, object header, ob_size, the items inline). A new tuple is tracked; the
 * collector untracks one that holds nothing a collection could need (tuple_may_untrack,
 * CPython's _PyTuple_MaybeUntrack). The empty tuple is a shared, untracked singleton in
 * metadata memory. As in CPython a tuple has no tp_clear: a cycle through a tuple is broken
 * by clearing its other members. Dead tuples of 1..20 items wait on free lists (2000 of each
 * length: see rt_freelists). */
#include <assert.h>

#include "runtime.h"

/* The layout (tuple_object) and tuple_traverse are in layout.h. */

const gcr_type tuple_type = {
    .name = "tuple",
    .kind = OBJ_TUPLE,
    .is_gc = true,
    .flags = TYPE_UNTRACK_TUPLE,
    .stats_slot = SLOT_TUPLE,
    .clear = NULL,
};

static const tuple_object *tuple_cast(const gcr_object *o)
{
    assert(o->type == &tuple_type && "not a tuple");
    return (const tuple_object *)o;
}

static size_t tuple_block_size(size_t n) { return sizeof(gc_head) + sizeof(tuple_object) + n * 8; }

/* ---------------------------------------------------------------------------------------
 * The empty tuple
 * ------------------------------------------------------------------------------------- */

int tuple_init_empty(gcr_runtime *rt)
{
    gc_head *g = mem_meta_alloc(tuple_block_size(0));
    if (g == NULL)
        return -1;
    g->next = 0; /* untracked, for good */
    g->prev = 0;
    tuple_object *t = (tuple_object *)obj_from_gc(g);
    t->ob.refcnt = 1; /* the runtime's own reference */
    t->ob.type = &tuple_type;
    t->size = 0;
    rt->empty_tuple = &t->ob;
    return 0;
}

void tuple_free_empty(gcr_runtime *rt)
{
    if (rt->empty_tuple != NULL)
        mem_meta_free(obj_as_gc(rt->empty_tuple));
    rt->empty_tuple = NULL;
}

/* ---------------------------------------------------------------------------------------
 * The free lists: one per length 1..20, each a chain through items[0]. As in CPython 3.11
 * (maybe_freelist_push / maybe_freelist_pop), tuples of 20 items are kept but never reused
 * (the pop takes lengths below PyTuple_MAXSAVESIZE only); a full collection frees them.
 * ------------------------------------------------------------------------------------- */

/* A tuple of n items off its free list (counted as allocated, untracked, items not set), or
 * NULL when there is none. */
static gcr_object *tuple_freelist_pop(gcr_runtime *rt, size_t n)
{
    rt_freelists *fl = &rt->freelists;
    if (n >= RT_TUPLE_MAXSAVESIZE || fl->tuples[n - 1] == NULL)
        return NULL;
    tuple_object *t = (tuple_object *)fl->tuples[n - 1];
    fl->tuples[n - 1] = t->items[0];
    fl->ntuples[n - 1]--;
    return obj_from_freelist(rt, &t->ob, &tuple_type, tuple_block_size(n));
}

/* Puts the dead tuple t (items dropped) on its free list. Returns false when there is no
 * room (or no list for its length): the caller frees it. */
static bool tuple_freelist_push(gcr_runtime *rt, tuple_object *t)
{
    rt_freelists *fl = &rt->freelists;
    size_t index = (size_t)t->size - 1;
    if (index >= RT_TUPLE_MAXSAVESIZE || fl->ntuples[index] >= RT_TUPLE_MAXFREELIST)
        return false;
    obj_to_freelist(rt, &t->ob, tuple_block_size((size_t)t->size));
    t->items[0] = fl->tuples[index];
    fl->tuples[index] = &t->ob;
    fl->ntuples[index]++;
    return true;
}

/* _PyTuple_ClearFreeList (maybe_freelist_clear): each length in turn, from the most
 * recently freed. */
void tuple_clear_freelist(gcr_runtime *rt)
{
    rt_freelists *fl = &rt->freelists;
    for (size_t index = 0; index < RT_TUPLE_MAXSAVESIZE; index++) {
        gcr_object *o = fl->tuples[index];
        fl->tuples[index] = NULL;
        fl->ntuples[index] = 0;
        while (o != NULL) {
            gcr_object *next = ((tuple_object *)o)->items[0];
            obj_freelist_release(rt, o, tuple_block_size(index + 1));
            o = next;
        }
    }
}

/* ---------------------------------------------------------------------------------------
 * Public API
 * ------------------------------------------------------------------------------------- */

/* A tuple of the n items, tracked unless untrack_atomic and none of them may be tracked. */
static gcr_object *tuple_new(gcr_runtime *rt, size_t n, gcr_object *const *items,
                             bool untrack_atomic)
{
    rt_check(rt);
    assert((n == 0 || items != NULL) && "gcr_tuple_new: NULL items");
    if (n == 0) {
        gcr_incref(rt->empty_tuple);
        return rt->empty_tuple;
    }
    gcr_object *o = tuple_freelist_pop(rt, n);
    if (o == NULL && (o = obj_new_container(rt, &tuple_type, tuple_block_size(n))) == NULL)
        return NULL;
    tuple_object *t = (tuple_object *)o;
    t->size = (intptr_t)n;
    bool may_hold_cycle = false;
    for (size_t i = 0; i < n; i++) {
        assert(items[i] != NULL && items[i]->refcnt > 0 && "gcr_tuple_new: item is not live");
        gcr_incref(items[i]);
        t->items[i] = items[i];
        may_hold_cycle = may_hold_cycle || gc_may_be_tracked(items[i]);
    }
    if (may_hold_cycle || !untrack_atomic)
        gc_track(&rt->gc, o);
    return o;
}

gcr_object *gcr_tuple_new(gcr_runtime *rt, size_t n, gcr_object *const *items)
{
    /* 3.14+ (_PyTuple_FromArray, BUILD_TUPLE): a tuple of items that can hold no cycle
     * starts untracked. */
    return tuple_new(rt, n, items, rt->traits->tuples_untracked_at_creation);
}

gcr_object *gcr_tuple_new_tracked(gcr_runtime *rt, size_t n, gcr_object *const *items)
{
    return tuple_new(rt, n, items, false);
}

size_t gcr_tuple_len(const gcr_object *t) { return (size_t)tuple_cast(t)->size; }

gcr_object *gcr_tuple_get(const gcr_object *t, size_t index)
{
    const tuple_object *tp = tuple_cast(t);
    assert(index < (size_t)tp->size && "gcr_tuple_get: index out of range");
    return tp->items[index];
}

/* ---------------------------------------------------------------------------------------
 * Type hooks
 * ------------------------------------------------------------------------------------- */

bool tuple_may_untrack(const gcr_object *o)
{
    const tuple_object *t = (const tuple_object *)o;
    for (intptr_t i = 0; i < t->size; i++)
        if (t->items[i] == NULL || gc_may_be_tracked(t->items[i]))
            return false;
    return true;
}

void tuple_clear_items(gcr_runtime *rt, gcr_object *o)
{
    tuple_object *t = (tuple_object *)o;
    for (intptr_t i = 0; i < t->size; i++) {
        gcr_object *item = t->items[i];
        t->items[i] = NULL;
        gcr_xdecref(rt, item);
    }
}

size_t tuple_sizeof(const gcr_object *o) { return tuple_block_size((size_t)tuple_cast(o)->size); }

void tuple_dealloc(gcr_runtime *rt, gcr_object *o)
{
    tuple_object *t = (tuple_object *)o;
    if (o == rt->empty_tuple) {
        assert(0 && "tuple_dealloc: the empty tuple lost its runtime's reference (one "
                    "gcr_decref too many)");
        return;
    }
    for (intptr_t i = t->size; i-- > 0;)
        gcr_xdecref(rt, t->items[i]);
    if (!tuple_freelist_push(rt, t))
        obj_free_container(rt, o, tuple_block_size((size_t)t->size));
}
