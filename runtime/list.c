/* list.c — the list type: a 56-byte container (GC header included) with a separately
 * allocated item buffer that grows exactly as CPython 3.11's list_resize makes it grow; its
 * free list (80 lists, their buffers freed: see rt_freelists); and gc.garbage, a list in
 * metadata memory. */
#include <assert.h>

#include "runtime.h"

/* The layout (list_object) and list_traverse are in layout.h. */

static void list_clear(gcr_runtime *rt, gcr_object *o);

const gcr_type list_type = {
    .name = "list",
    .kind = OBJ_LIST,
    .is_gc = true,
    .stats_slot = SLOT_LIST,
    .clear = list_clear,
};

static list_object *list_cast(const gcr_object *o)
{
    assert(o->type == &list_type && "not a list");
    return (list_object *)(uintptr_t)o;
}

/* ---------------------------------------------------------------------------------------
 * Growth
 * ------------------------------------------------------------------------------------- */

/* The capacity CPython 3.11's list_resize gives a list of size old_size resized to new_size
 * when the current capacity does not fit: about 1/8 over-allocation plus 6, rounded down to a
 * multiple of 4 (0, 4, 8, 16, 24, 32, 40, 52, 64, 76, … for appends), no over-allocation
 * when the jump is large, nothing for an empty list. */
static size_t list_grown_capacity(size_t old_size, size_t new_size)
{
    size_t capacity = (new_size + (new_size >> 3) + 6) & ~(size_t)3;
    if (new_size - old_size > capacity - new_size)
        capacity = (new_size + 3) & ~(size_t)3;
    if (new_size == 0)
        capacity = 0;
    return capacity;
}

/* CPython's list_resize for growth: makes room for new_size items and sets size to it; the
 * new slots are uninitialised. Returns 0, or -1 (list unchanged) when memory ran out. */
static int list_resize(gcr_runtime *rt, list_object *l, size_t new_size)
{
    if (l->allocated >= new_size && new_size >= (l->allocated >> 1)) {
        l->size = new_size;
        return 0;
    }
    size_t capacity = list_grown_capacity(l->size, new_size);
    assert(capacity > 0 && "list_resize: shrinking to nothing is list_clear's job");
    gcr_object **items = obj_buffer_realloc(
        rt, &l->ob, l->items, l->allocated * sizeof(gcr_object *), capacity * sizeof(gcr_object *));
    if (items == NULL) {
        rt_set_error(rt, "MemoryError");
        return -1;
    }
    l->items = items;
    l->allocated = capacity;
    l->size = new_size;
    return 0;
}

/* ---------------------------------------------------------------------------------------
 * Public API
 * ------------------------------------------------------------------------------------- */

gcr_object *gcr_list_new(gcr_runtime *rt)
{
    rt_freelists *fl = &rt->freelists;
    gcr_object *o;
    if (fl->nlists > 0)
        o = obj_from_freelist(rt, fl->lists[--fl->nlists], &list_type, LIST_SIZE);
    else if ((o = obj_new_container(rt, &list_type, LIST_SIZE)) == NULL)
        return NULL;
    list_object *l = (list_object *)o;
    l->size = 0;
    l->items = NULL;
    l->allocated = 0;
    gc_track(&rt->gc, o);
    return o;
}

/* gcr_list_append when the buffer is full: list_resize, then the store. Apart, so that the
 * common append needs no stack frame. */
static OBJ_NOINLINE int list_append_grow(gcr_runtime *rt, list_object *l, gcr_object *item)
{
    size_t n = l->size;
    if (list_resize(rt, l, n + 1) != 0)
        return -1;
    gcr_incref(item);
    l->items[n] = item;
    return 0;
}

int gcr_list_append(gcr_runtime *rt, gcr_object *list, gcr_object *item)
{
    list_object *l = list_cast(list);
    assert(item != NULL && item->refcnt > 0 && "gcr_list_append: item is not a live object");
    size_t n = l->size;
    if (MEM_UNLIKELY(l->allocated <= n))
        return list_append_grow(rt, l, item);
    l->size = n + 1;
    gcr_incref(item);
    l->items[n] = item;
    return 0;
}

size_t gcr_list_len(const gcr_object *list) { return list_cast(list)->size; }

size_t gcr_list_capacity(const gcr_object *list) { return list_cast(list)->allocated; }

gcr_object *gcr_list_get(const gcr_object *list, size_t index)
{
    const list_object *l = list_cast(list);
    assert(index < l->size && "gcr_list_get: index out of range");
    return l->items[index];
}

void gcr_list_set(gcr_runtime *rt, gcr_object *list, size_t index, gcr_object *item)
{
    list_object *l = list_cast(list);
    assert(index < l->size && "gcr_list_set: index out of range");
    assert(item != NULL && item->refcnt > 0 && "gcr_list_set: item is not a live object");
    gcr_object *old = l->items[index];
    gcr_incref(item);
    l->items[index] = item;
    gcr_decref(rt, old);
}

void gcr_list_clear(gcr_runtime *rt, gcr_object *list) { list_clear(rt, list); }

/* ---------------------------------------------------------------------------------------
 * Type hooks
 * ------------------------------------------------------------------------------------- */

/* CPython's _list_clear (also tp_clear): the list is emptied and its buffer detached before
 * any item is dropped, so that whatever the drops free never sees a half-cleared list. */
static void list_clear(gcr_runtime *rt, gcr_object *o)
{
    list_object *l = list_cast(o);
    gcr_object **items = l->items;
    size_t n = l->size;
    size_t buffer_bytes = l->allocated * sizeof(gcr_object *);
    if (items == NULL)
        return;
    l->size = 0;
    l->items = NULL;
    l->allocated = 0;
    while (n-- > 0)
        gcr_decref(rt, items[n]);
    obj_buffer_free(rt, o, items, buffer_bytes);
}

size_t list_sizeof(const gcr_object *o)
{
    return sizeof(gc_head) + sizeof(list_object) +
           ((const list_object *)o)->allocated * sizeof(gcr_object *);
}

void list_dealloc(gcr_runtime *rt, gcr_object *o)
{
    list_object *l = (list_object *)o;
    if (o == rt->gc.garbage) {
        assert(0 && "list_dealloc: gc.garbage lost its runtime's reference (it is borrowed)");
        return;
    }
    size_t n = l->size;
    while (n-- > 0)
        gcr_decref(rt, l->items[n]);
    obj_buffer_free(rt, o, l->items, l->allocated * sizeof(gcr_object *));
    rt_freelists *fl = &rt->freelists;
    if (fl->nlists < RT_LIST_MAXFREELIST) {
        obj_to_freelist(rt, o, LIST_SIZE);
        fl->lists[fl->nlists++] = o;
        return;
    }
    obj_free_container(rt, o, LIST_SIZE);
}

/* _PyList_ClearFreeList: the most recently freed first. */
void list_clear_freelist(gcr_runtime *rt)
{
    rt_freelists *fl = &rt->freelists;
    while (fl->nlists > 0)
        obj_freelist_release(rt, fl->lists[--fl->nlists], LIST_SIZE);
}

/* ---------------------------------------------------------------------------------------
 * gc.garbage
 * ------------------------------------------------------------------------------------- */

gcr_object *list_new_meta(void)
{
    gc_head *g = mem_meta_alloc(sizeof(gc_head) + sizeof(list_object));
    if (g == NULL)
        return NULL;
    g->next = 0; /* untracked: its items are roots for the collector */
    g->prev = 0;
    list_object *l = (list_object *)obj_from_gc(g);
    l->ob.refcnt = 1; /* the runtime's own reference */
    l->ob.type = &list_type;
    l->size = 0;
    l->items = NULL;
    l->allocated = 0;
    return &l->ob;
}

void list_free_meta(gcr_runtime *rt, gcr_object *list)
{
    if (list == NULL)
        return;
    list_clear(rt, list);
    mem_meta_free(obj_as_gc(list));
}
