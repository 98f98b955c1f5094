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
#include "mem.h"
#include "object.h"

#define RT_MAGIC 0x67637274u /* "gcrt": cleared by gcr_close */
#define RT_ERROR_SIZE 160

/* Live objects and bytes of one type (a built-in type, or one class), counted where objects
 * and their buffers are allocated and freed: one slot per type, found through
 * gcr_type.stats_slot, so the hot paths add to an array and never hash a name. */
typedef struct rt_type_stat {
    const char *name; /* borrowed from the type */
    uint64_t live_objects;
    uint64_t live_bytes;   /* object blocks and the buffers they own */
    uint64_t mark_objects; /* live_objects at the last gcr_types_mark */
} rt_type_stat;

struct callable_code; /* callable.c */

struct gcr_runtime {
    uint32_t magic;
    gcr_config config;
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
 * Accounting: one object or buffer of a type, added or removed
 * ------------------------------------------------------------------------------------- */

static inline void rt_count_alloc(gcr_runtime *rt, const gcr_type *type, size_t size)
{
    rt_type_stat *s = &rt->type_stats[type->stats_slot];
    s->live_objects++;
    s->live_bytes += size;
}

static inline void rt_count_free(gcr_runtime *rt, const gcr_type *type, size_t size)
{
    rt_type_stat *s = &rt->type_stats[type->stats_slot];
    assert(s->live_objects > 0 && s->live_bytes >= size && "type statistics went negative");
    s->live_objects--;
    s->live_bytes -= size;
}

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
void inst_class_set_tag(gcr_class *cls, int tag);
int inst_tag(const gcr_object *o); /* the tag of an instance's class; 0 for a non-instance */

/* types.c: the per-type statistics table. types_init fills the built-in slots (0, or -1:
 * memory); types_add returns a new slot named name, or UINT32_MAX when memory ran out. */
int types_init(gcr_runtime *rt);
uint32_t types_add(gcr_runtime *rt, const char *name);
void types_free(gcr_runtime *rt);

#endif /* GCR_RUNTIME_H */
