/* runtime.h — the definition of gcr_runtime: the one value that holds all of a runtime's
 * state (allocator, collector, trashcan, per-type statistics, classes, the static objects,
 * the last error), and the accounting helpers every type file uses. Internal to the
 * runtime. */
#ifndef GCR_RUNTIME_H
#define GCR_RUNTIME_H

#include <assert.h>
#include <stdint.h>

#include "gcr.h"
#include "collector.h"
#include "layout.h"
#include "mem.h"
#include "object.h"
#include "policy.h"

#define RT_MAGIC 0x67637274u /* "gcrt": cleared by gcr_close */
#define RT_ERROR_SIZE 160

/* Live objects and bytes of one type (a built-in type, or one class), counted where objects
 * and their buffers are allocated and freed: one slot per type, found through
 * gcr_type.stats_slot, so the hot paths add to an array and never hash a name. */
typedef struct rt_type_stat {
    const char *name; /* borrowed from the type */
    uint64_t live_objects;
    /* Not next to live_objects: gcc would update the two with one 16-byte load and store
     * when an object is counted, and that load, straddling the 8-byte store of a buffer
     * counted just before (obj_buffer_free), would wait for it (a store-forwarding stall:
     * about 4 ns of an instance's creation and drop, measured). */
    uint64_t mark_objects; /* live_objects at the last gcr_types_mark */
    uint64_t live_bytes;   /* object blocks and the buffers they own */
} rt_type_stat;

struct callable_code; /* callable.c */

/* CPython 3.11's free lists (Objects/listobject.c, dictobject.c, tupleobject.c,
 * floatobject.c): a dying list, dict, 8-slot str-keyed dict table, tuple of 1..20 items or
 * float is kept here for reuse while its list has room, instead of being freed; every full
 * collection empties them (rt_clear_freelists: gcmodule.c's clear_freelists), and so does
 * gcr_close. Each type file pushes and pops its own. An object on a free list is not live
 * (obj_to_freelist) but its block stays allocated; a container's trip through one does not
 * touch generation 0's count (no _PyObject_GC_Link, no PyObject_GC_Del), which is what makes
 * it matter to when collections run. */
#define RT_LIST_MAXFREELIST 80    /* PyList_MAXFREELIST */
#define RT_DICT_MAXFREELIST 80    /* PyDict_MAXFREELIST, for dicts and for keys objects */
#define RT_TUPLE_MAXSAVESIZE 20   /* PyTuple_MAXSAVESIZE: lengths 1..20 are kept ... */
#define RT_TUPLE_MAXFREELIST 2000 /* ... up to PyTuple_MAXFREELIST of each */
#define RT_FLOAT_MAXFREELIST 100  /* PyFloat_MAXFREELIST */

typedef struct rt_freelists {
    gcr_object *lists[RT_LIST_MAXFREELIST]; /* a stack: the last freed is reused first */
    gcr_object *dicts[RT_DICT_MAXFREELIST];
    dict_keys *keys[RT_DICT_MAXFREELIST];
    gcr_object *tuples[RT_TUPLE_MAXSAVESIZE]; /* by length - 1, linked through items[0] */
    gcr_object *floats;                       /* linked through the value */
    int nlists, ndicts, nkeys, nfloats;
    int ntuples[RT_TUPLE_MAXSAVESIZE];
} rt_freelists;

struct gcr_runtime {
    uint32_t magic;
    gcr_config config;
    const policy_traits *traits; /* the policy's (policy.c) */
    gcr_object *interpreter;     /* the root of config.interpreter_objects, or NULL */
    mem_state mem;
    gc_state gc;
    obj_trash trash;
    rt_type_stat *type_stats; /* type_slots used of type_capacity (types.c) */
    uint32_t type_slots;
    uint32_t type_capacity;
    gcr_class *classes;          /* every class created, newest first (instance.c) */
    struct callable_code *codes; /* every (fn, ctx) of a callable, newest first */
    /* The static objects, in metadata memory as CPython's are in its runtime struct: never
     * counted as live objects, never freed before gcr_close. */
    unsigned char *small_ints;    /* int.c: -5..256 */
    gcr_object *empty_tuple;      /* tuple.c: () */
    gcr_class *weakdict_class[2]; /* weakdict.c: WeakValueDictionary, WeakKeyDictionary */
    bool closing;                 /* gcr_close under way: no finalizer, no weakref callback */
    char error[RT_ERROR_SIZE];    /* the last error, "" when none */
    rt_freelists freelists;
};

/* Asserts that rt is an open runtime: catches an object used after its runtime closed
 * (while the memory is still readable; a sanitizer catches the rest). */
static inline void rt_check(const gcr_runtime *rt)
{
    assert(rt != NULL && "gcr: NULL runtime");
    assert(rt->magic == RT_MAGIC && "gcr: runtime already closed, or not a gcr_runtime");
    (void)rt;
}

/* Sets the runtime's last error, "Kind: message" as CPython would print the exception. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void rt_set_error(gcr_runtime *rt, const char *fmt, ...);

/* ---------------------------------------------------------------------------------------
 * Accounting: one object of a type, with bytes its block's size plus that of any buffer
 * allocated or freed with it, added or removed (live_bytes, the allocation totals, its
 * type's live objects and bytes): one update of each counter.
 * ------------------------------------------------------------------------------------- */

static OBJ_ALWAYS_INLINE void rt_count_alloc(gcr_runtime *rt, const gcr_type *type, size_t bytes)
{
    mem_count_object(&rt->mem, bytes);
    rt_type_stat *s = &rt->type_stats[type->stats_slot];
    s->live_objects++;
    s->live_bytes += bytes;
}

static OBJ_ALWAYS_INLINE void rt_count_free(gcr_runtime *rt, const gcr_type *type, size_t bytes)
{
    mem_uncount_object(&rt->mem, bytes);
    rt_type_stat *s = &rt->type_stats[type->stats_slot];
    assert(s->live_objects > 0 && s->live_bytes >= bytes && "type statistics went negative");
    s->live_objects--;
    s->live_bytes -= bytes;
}

/* ---------------------------------------------------------------------------------------
 * Objects and the buffers they own: allocation with its accounting (object.h's allocation
 * section). Inline: a create-and-drop loop is these few loads and stores and the
 * allocator's fast path, with no call.
 * ------------------------------------------------------------------------------------- */

/* A new non-container object of size bytes with refcnt 1 and type set; the rest is
 * uninitialised. Counted in live_objects and its type's statistics. NULL when memory ran out
 * (MemoryError set). */
static OBJ_ALWAYS_INLINE gcr_object *obj_new(gcr_runtime *rt, const gcr_type *type, size_t size)
{
    rt_check(rt);
    assert(!type->is_gc && size >= sizeof(gcr_object));
    gcr_object *o = mem_block_alloc(&rt->mem, size);
    if (MEM_UNLIKELY(o == NULL))
        return obj_alloc_failed(rt);
    rt_count_alloc(rt, type, size);
    o->refcnt = 1;
    o->type = type;
    return o;
}

/* The header of a container whose block g was just allocated (refcnt 1, untracked), and its
 * count in generation 0 (CPython's _PyObject_GC_Link, less the collection it may start). */
static OBJ_ALWAYS_INLINE gcr_object *obj_init_container(gcr_runtime *rt, gc_head *g,
                                                        const gcr_type *type)
{
    assert(type->is_gc);
    g->next = 0;
    g->prev = 0;
    gcr_object *o = obj_from_gc(g);
    o->refcnt = 1;
    o->type = type;
    rt->gc.generations[0].count += rt->gc.count_per_alloc;
    return o;
}

/* A new untracked container: size counts the GC header (it is getsizeof's size), the object
 * gets refcnt 1 and type set. As CPython's gc_alloc, counts one allocation in generation 0,
 * which may run an automatic collection before this returns (_PyObject_GC_Link: the new
 * object is untracked, so that collection cannot see it). The caller initialises the object,
 * then calls gc_track (or leaves it untracked: dict). NULL when memory ran out. */
static OBJ_ALWAYS_INLINE gcr_object *obj_new_container(gcr_runtime *rt, const gcr_type *type,
                                                       size_t size)
{
    rt_check(rt);
    assert(size >= sizeof(gc_head) + sizeof(gcr_object));
    gc_head *g = mem_block_alloc(&rt->mem, size);
    if (MEM_UNLIKELY(g == NULL))
        return obj_alloc_failed(rt);
    rt_count_alloc(rt, type, size);
    gcr_object *o = obj_init_container(rt, g, type);
    if (MEM_UNLIKELY(gc_should_collect(&rt->gc)))
        gc_collect_generations(rt);
    return o;
}

/* obj_new_container split for a caller whose common case must call nothing (so needs no
 * stack frame): obj_try_new_container is obj_new_container without its slow ends, NULL
 * (nothing changed) when the allocator's fast path declines, and without the collection:
 * the caller initialises the object, then obj_track_new runs the collection that is due
 * (the new object still untracked, so unseen, as in obj_new_container) and tracks it.
 * Returns o. */
static OBJ_ALWAYS_INLINE gcr_object *obj_try_new_container(gcr_runtime *rt, const gcr_type *type,
                                                           size_t size)
{
    rt_check(rt);
    assert(size >= sizeof(gc_head) + sizeof(gcr_object));
    gc_head *g = mem_block_try_alloc(&rt->mem, size);
    if (MEM_UNLIKELY(g == NULL))
        return NULL;
    rt_count_alloc(rt, type, size);
    return obj_init_container(rt, g, type);
}

gcr_object *obj_collect_and_track(gcr_runtime *rt, gcr_object *o); /* object.c */

static OBJ_ALWAYS_INLINE gcr_object *obj_track_new(gcr_runtime *rt, gcr_object *o)
{
    if (MEM_UNLIKELY(gc_should_collect(&rt->gc)))
        return obj_collect_and_track(rt, o);
    gc_track(&rt->gc, o);
    return o;
}

/* The slow ends of obj_new_container_with_buffer (object.c), given its container o, not
 * counted yet: a collection is due before the buffer is allocated; or the buffer could not
 * be allocated (o is freed, MemoryError set, NULL returned). */
gcr_object *obj_new_buffer_after_collection(gcr_runtime *rt, gcr_object *o, size_t size,
                                            size_t buffer_size, void **buffer);
gcr_object *obj_new_buffer_failed(gcr_runtime *rt, gcr_object *o, size_t size);

/* obj_new_container, then a buffer of buffer_size bytes for it (*buffer, uninitialised), as
 * CPython allocates an instance and then its values: a collection that is due runs between
 * the two. Both are counted in one update of each counter, or, when that collection runs,
 * the container before it (a gc callback may read the counters) and the buffer after.
 * Returns the container, or NULL when memory ran out (nothing left allocated). */
static OBJ_ALWAYS_INLINE gcr_object *obj_new_container_with_buffer(gcr_runtime *rt,
                                                                   const gcr_type *type,
                                                                   size_t size, size_t buffer_size,
                                                                   void **buffer)
{
    rt_check(rt);
    assert(size >= sizeof(gc_head) + sizeof(gcr_object));
    gc_head *g = mem_block_alloc(&rt->mem, size);
    if (MEM_UNLIKELY(g == NULL))
        return obj_alloc_failed(rt);
    gcr_object *o = obj_init_container(rt, g, type);
    if (MEM_UNLIKELY(gc_should_collect(&rt->gc)))
        return obj_new_buffer_after_collection(rt, o, size, buffer_size, buffer);
    *buffer = mem_block_alloc(&rt->mem, buffer_size);
    if (MEM_UNLIKELY(*buffer == NULL))
        return obj_new_buffer_failed(rt, o, size);
    rt_count_alloc(rt, type, size + buffer_size);
    return o;
}

/* Frees the memory of an object whose references are already dropped; size as allocated.
 * obj_free_container also counts the deallocation in generation 0 (not below 0). The object
 * must be untracked. obj_free_container_with_buffer frees a buffer of the object with it
 * (obj_buffer_free, then obj_free_container, counted as one). */
static OBJ_ALWAYS_INLINE void obj_free(gcr_runtime *rt, gcr_object *o, size_t size)
{
    assert(!obj_is_gc(o));
    rt_count_free(rt, o->type, size);
    mem_block_free(&rt->mem, o, size);
}

static OBJ_ALWAYS_INLINE void obj_free_container_with_buffer(gcr_runtime *rt, gcr_object *o,
                                                             size_t size, void *buffer,
                                                             size_t buffer_size)
{
    assert(obj_is_gc(o) && !gc_is_tracked(o) && "obj_free_container: object still tracked");
    if (buffer != NULL)
        mem_block_free(&rt->mem, buffer, buffer_size);
    gc_generation *g0 = &rt->gc.generations[0];
    if (g0->count > 0)
        g0->count -= rt->gc.count_per_alloc;
    rt_count_free(rt, o->type, size + buffer_size);
    mem_block_free(&rt->mem, obj_as_gc(o), size);
}

static OBJ_ALWAYS_INLINE void obj_free_container(gcr_runtime *rt, gcr_object *o, size_t size)
{
    obj_free_container_with_buffer(rt, o, size, NULL, 0);
}

/* ---------------------------------------------------------------------------------------
 * Free lists (rt_freelists): what a type file does around its own.
 * ------------------------------------------------------------------------------------- */

/* Counts o (size bytes, its buffers already freed or kept) as freed, as obj_free would, but
 * keeps its block for the caller to put on a free list. A container must be untracked; its
 * generation 0 count stays (no PyObject_GC_Del). */
static OBJ_ALWAYS_INLINE void obj_to_freelist(gcr_runtime *rt, gcr_object *o, size_t size)
{
    assert((!obj_is_gc(o) || !gc_is_tracked(o)) && "obj_to_freelist: object still tracked");
    rt_count_free(rt, o->type, size);
}

/* The object o of type, size bytes, just taken off a free list: counted as allocated,
 * refcnt 1, a container untracked (and not counted in generation 0: no collection can
 * start). The rest is the caller's to initialise. */
static OBJ_ALWAYS_INLINE gcr_object *obj_from_freelist(gcr_runtime *rt, gcr_object *o,
                                                       const gcr_type *type, size_t size)
{
    rt_check(rt);
    rt_count_alloc(rt, type, size);
    if (type->is_gc) {
        gc_head *g = obj_as_gc(o);
        g->next = 0;
        g->prev = 0;
    }
    o->refcnt = 1;
    o->type = type;
    return o;
}

/* Frees the block of o (size bytes), taken off a free list by its clear: PyObject_GC_Del,
 * which for a container also takes one from generation 0's count (not below 0), or
 * PyObject_Free. Nothing is counted in live_objects or live_bytes: it was not live. */
static inline void obj_freelist_release(gcr_runtime *rt, gcr_object *o, size_t size)
{
    if (obj_is_gc(o)) {
        gc_generation *g0 = &rt->gc.generations[0];
        if (g0->count > 0)
            g0->count -= rt->gc.count_per_alloc;
        mem_block_free(&rt->mem, obj_as_gc(o), size);
        return;
    }
    mem_block_free(&rt->mem, o, size);
}

/* A buffer of owner (size bytes) moving to or from a free list (dict keys): no longer
 * counted in live_bytes and owner's type, or counted again. */
static inline void obj_buffer_to_freelist(gcr_runtime *rt, const gcr_object *owner, size_t size)
{
    assert(rt->mem.live_bytes >= size && "obj_buffer_to_freelist: more bytes than live");
    rt->mem.live_bytes -= size;
    rt->type_stats[owner->type->stats_slot].live_bytes -= size;
}

static inline void obj_buffer_from_freelist(gcr_runtime *rt, const gcr_object *owner, size_t size)
{
    rt->mem.live_bytes += size;
    rt->type_stats[owner->type->stats_slot].live_bytes += size;
}

/* Buffers owned by an object (item arrays, values, dict keys): mem_alloc / mem_realloc /
 * mem_free with the bytes counted in the owner's type statistics too. */
static inline void *obj_buffer_alloc(gcr_runtime *rt, const gcr_object *owner, size_t size)
{
    void *p = mem_alloc(&rt->mem, size);
    if (p != NULL)
        rt->type_stats[owner->type->stats_slot].live_bytes += size;
    return p;
}

static inline void *obj_buffer_realloc(gcr_runtime *rt, const gcr_object *owner, void *p,
                                       size_t old_size, size_t new_size)
{
    void *q = mem_realloc(&rt->mem, p, old_size, new_size);
    if (q != NULL) {
        rt_type_stat *s = &rt->type_stats[owner->type->stats_slot];
        s->live_bytes = s->live_bytes - old_size + new_size;
    }
    return q;
}

static inline void obj_buffer_free(gcr_runtime *rt, const gcr_object *owner, void *p, size_t size)
{
    mem_free(&rt->mem, p, size);
    rt->type_stats[owner->type->stats_slot].live_bytes -= size;
}

/* ---------------------------------------------------------------------------------------
 * Services between the type files (each implemented in the file its prefix names)
 * ------------------------------------------------------------------------------------- */

/* runtime.c: empties every free list in CPython's order (tuples, floats, lists, dicts and
 * their keys: clear_freelists), freeing the blocks. tuple.c, float.c, list.c, dict.c: each
 * type's own (obj_freelist_release on each object, the most recently freed first). */
void rt_clear_freelists(gcr_runtime *rt);
void tuple_clear_freelist(gcr_runtime *rt);
void float_clear_freelist(gcr_runtime *rt);
void list_clear_freelist(gcr_runtime *rt);
void dict_clear_freelists(gcr_runtime *rt);

/* str.c, bytes.c: hashes (cached in the object) and equality by value. str_new_meta makes
 * a str in metadata memory (a class's attribute name under py27: CPython's interned
 * strings), str_free_meta frees it. */
intptr_t str_hash(gcr_object *o);
bool str_equal(const gcr_object *a, const gcr_object *b);
gcr_object *str_new_meta(const char *text, size_t len);
void str_free_meta(gcr_object *o);
intptr_t bytes_hash(gcr_object *o);
bool bytes_equal(const gcr_object *a, const gcr_object *b);

/* int.c: the small ints, made by gcr_open (0, or -1: memory) and freed by gcr_close. */
int int_init_small(gcr_runtime *rt);
void int_free_small(gcr_runtime *rt);

/* tuple.c: the empty tuple singleton (same life cycle as the small ints); whether the
 * collector may untrack t (CPython's _PyTuple_MaybeUntrack: no item may be tracked); and
 * dropping every item, for gcr_close only (a tuple has no tp_clear). */
int tuple_init_empty(gcr_runtime *rt);
void tuple_free_empty(gcr_runtime *rt);
bool tuple_may_untrack(const gcr_object *t);
void tuple_clear_items(gcr_runtime *rt, gcr_object *t);

/* list.c: gc.garbage, a list in metadata memory owned by the collector (untracked: a root).
 * list_free_meta empties it first. */
gcr_object *list_new_meta(void);
void list_free_meta(gcr_runtime *rt, gcr_object *list);

/* dict.c: whether a full collection may untrack d (_PyDict_MaybeUntrack); the lookups the
 * weak dictionaries need (an entry whose key is a live weak reference to target; deleting
 * key only while its value is a dead weak reference: _remove_dead_weakref); and deletion
 * without an error when absent (returns -1 then). */
bool dict_may_untrack(const gcr_object *d);
gcr_object *dict_get_by_ref_target(const gcr_object *d, gcr_object *target);
int dict_del_by_ref_target(gcr_runtime *rt, gcr_object *d, gcr_object *target);
void dict_del_if_dead_weakref(gcr_runtime *rt, gcr_object *d, gcr_object *key);
int dict_del_quiet(gcr_runtime *rt, gcr_object *d, gcr_object *key);

/* hash.c: the key protocol of dict. hash_object returns 0 and sets *out, or -1 (and the
 * offending type name in *unhashable) for an unhashable key. hash_equal: a == b as dict
 * compares keys (identity first, then value for str, bytes, int, float, tuple, and weak
 * references to live objects). */
int hash_object(gcr_object *o, intptr_t *out, const char **unhashable);
bool hash_equal(gcr_object *a, gcr_object *b);
intptr_t hash_pointer(const void *p);
intptr_t hash_bytes(const void *data, size_t len); /* str and bytes (never -1) */

/* weakref.c: clearing every weak reference to target, calling the live ones' callbacks
 * (PyObject_ClearWeakRefs; from a dealloc); taking the first weak reference off target's
 * list, cleared but keeping its callback (_PyWeakref_ClearRef; the collector); and the
 * accessors the collector and the weak dictionaries use. */
void weakref_clear_all(gcr_runtime *rt, gcr_object *target);
gcr_object *weakref_list_pop(gcr_object *target);
void weakref_clear_ref(gcr_object *wr);
gcr_object *weakref_callback(const gcr_object *wr);
gcr_object *weakref_target(const gcr_object *wr);
int weakref_hash(gcr_object *wr, intptr_t *out);
bool weakref_is_ref(const gcr_object *o); /* ref or KeyedRef (not a proxy) */
gcr_object *weakref_keyed_new(gcr_runtime *rt, gcr_object *target, gcr_object *callback,
                              gcr_object *key);
gcr_object *weakref_keyed_key(const gcr_object *wr);
bool weakref_accepts(const gcr_object *target); /* supports weak references */

/* callable.c: frees the callables' codes (gcr_close, after every object is gone). */
void callable_codes_free(gcr_runtime *rt);

/* instance.c: classes are freed by gcr_close after every instance is gone. A class's tag
 * marks the weak dictionaries' classes (weakdict.c), 0 for every other class. */
void inst_classes_free(gcr_runtime *rt);
void inst_call_finalizer(gcr_runtime *rt, gcr_object *o); /* o's __del__, nothing more */
/* Tags of the runtime's own classes (weakdict.c uses 1 and 2). */
#define INST_TAG_INTERPRETER 3
void inst_class_set_tag(gcr_class *cls, int tag);
int inst_tag(const gcr_object *o); /* the tag of an instance's class; 0 for a non-instance */

/* types.c: the per-type statistics table. types_init fills the built-in slots (0, or -1:
 * memory); types_add returns a new slot named name, or UINT32_MAX when memory ran out. */
int types_init(gcr_runtime *rt);
uint32_t types_add(gcr_runtime *rt, const char *name);
/* The statistics of one slot, as gcr_types_stats reports them. */
gcr_type_stat types_stat_of(const gcr_runtime *rt, uint32_t slot);
void types_free(gcr_runtime *rt);

#endif /* GCR_RUNTIME_H */
