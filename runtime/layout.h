/* layout.h — the memory layout of the container types (CPython 3.11's PyListObject,
 * PyTupleObject, PyDictObject and its keys object, an instance with its inline values, an
 * instance of a __slots__ class, a function, a weak reference) and what each of them
 * references: obj_traverse, CPython's tp_traverse.
 *
 * The layouts are here, not in their type files, for one reader besides them: the
 * collector, which walks every reference of every object it examines, twice per collection.
 * Through a function pointer per object and another per reference that walk was half of a
 * collection's time; here each type's loop is static inline, and obj_traverse switches on
 * the kind, so that a caller passing a static inline visit gets one loop per kind with the
 * visit inlined in it. The type files own everything else about their objects.
 *
 * Usage (visit must return 0 to go on; the first non-zero result stops the walk and is
 * returned, as in CPython):
 *     static int count_child(gcr_object *child, void *arg) { ++*(size_t *)arg; return 0; }
 *     size_t n = 0;
 *     obj_traverse(o, count_child, &n);
 */
#ifndef GCR_LAYOUT_H
#define GCR_LAYOUT_H

#include <assert.h>
#include <stdint.h>

#include "gcr.h"
#include "object.h"

/* ---------------------------------------------------------------------------------------
 * Layouts (each type's file says more about its own)
 * ------------------------------------------------------------------------------------- */

/* list.c — CPython's PyListObject: ob_size, ob_item, allocated. */
typedef struct list_object {
    gcr_object ob;
    size_t size;
    gcr_object **items; /* allocated slots, the first size of them set; NULL when allocated 0 */
    size_t allocated;
} list_object;

/* tuple.c — CPython's PyTupleObject: ob_size and the items inline. */
typedef struct tuple_object {
    gcr_object ob;
    intptr_t size;
    gcr_object *items[];
} tuple_object;

/* dict.c — CPython 3.11's PyDictObject and PyDictKeysObject (see dict.c for the table). */
enum { DICT_KEYS_GENERAL = 0, DICT_KEYS_UNICODE = 1 };

typedef struct dict_keys {
    intptr_t refcnt; /* always 1: no table is shared (no split tables in this model) */
    uint8_t log2_size;
    uint8_t log2_index_bytes;
    uint8_t kind;
    uint8_t unused;
    uint32_t version;
    intptr_t usable;   /* entries that can still be added */
    intptr_t nentries; /* entries used, deleted ones included */
} dict_keys;

typedef struct dict_uentry {
    gcr_object *key;
    gcr_object *value;
} dict_uentry;

typedef struct dict_entry {
    intptr_t hash;
    gcr_object *key;
    gcr_object *value;
} dict_entry;

typedef struct dict_object {
    gcr_object ob;
    intptr_t used;
    uint64_t version_tag;
    dict_keys *keys; /* NULL: empty (CPython's Py_EMPTY_KEYS) */
    void *values;    /* always NULL: no split tables */
} dict_object;

/* The keys object the keys free list keeps: 8 slots, str keys (32 + 8 + 5 * 16 bytes). */
#define DICT_MINSIZE_KEYS_BYTES 120

static inline void *dk_indices(const dict_keys *k) { return (char *)(uintptr_t)(k + 1); }

static inline void *dk_entries(const dict_keys *k)
{
    return (char *)dk_indices(k) + ((size_t)1 << k->log2_index_bytes);
}

/* The key and value slots of entry ix. */
static inline gcr_object **dk_key_at(const dict_keys *k, intptr_t ix)
{
    if (k->kind == DICT_KEYS_UNICODE)
        return &((dict_uentry *)dk_entries(k))[ix].key;
    return &((dict_entry *)dk_entries(k))[ix].key;
}

static inline gcr_object **dk_value_at(const dict_keys *k, intptr_t ix)
{
    if (k->kind == DICT_KEYS_UNICODE)
        return &((dict_uentry *)dk_entries(k))[ix].value;
    return &((dict_entry *)dk_entries(k))[ix].value;
}

/* instance.c — CPython's PyDictValues: a prefix word, then one slot per attribute (NULL:
 * unset). */
typedef struct inst_values {
    uint64_t attr_count; /* the prefix; also the slot count, for the sized free */
    gcr_object *slots[];
} inst_values;

typedef struct inst_object {
    gcr_object ob;
    inst_values *values;  /* py311/py313; NULL under py27 */
    gcr_object *dict;     /* py27: the attribute dict (NULL once cleared); NULL otherwise */
    gcr_object *weaklist; /* the first weak reference to the instance, or NULL */
} inst_object;

/* instance.c — an instance of a __slots__ class (CPython's member slots, T_OBJECT_EX): the
 * type's slot_count object slots inline after the header, in the order CPython lays them out
 * (the names sorted), then, if the slots name __weakref__, the weak reference list. 32 + 8
 * per slot bytes with the GC header; no values, no dict. */
typedef struct slots_object {
    gcr_object ob;
    gcr_object *slots[]; /* NULL: unset */
} slots_object;

/* callable.c — a function: the data object it holds, and its weak reference list. */
typedef struct callable_object {
    gcr_object ob;
    gcr_object *data; /* may be NULL */
    gcr_object *weaklist;
} callable_object;

/* weakref.c — CPython's PyWeakReference, and Lib/weakref.py's KeyedRef (a ref with a slot). */
typedef struct weakref_object {
    gcr_object ob;
    gcr_object *target;                 /* wr_object; NULL once cleared (CPython's Py_None) */
    gcr_object *callback;               /* wr_callback (a callable), or NULL */
    intptr_t hash;                      /* hash(target), -1 until computed */
    struct weakref_object *prev, *next; /* in the target's list */
    /* CPython's vectorcall slot; here the link in the chain of callbacks weakref_clear_all
     * is about to call. */
    struct weakref_object *pending;
} weakref_object;

typedef struct keyedref_object {
    weakref_object wr;
    gcr_object *key; /* the slot "key" */
} keyedref_object;

_Static_assert(sizeof(gc_head) + sizeof(list_object) == LIST_SIZE, "an empty list is 56 bytes");
_Static_assert(sizeof(gc_head) + sizeof(tuple_object) == 40, "an empty tuple is 40 bytes");
_Static_assert(sizeof(dict_keys) == 32, "a keys header is 32 bytes, as CPython's");
_Static_assert(sizeof(dict_keys) + 8 + 5 * sizeof(dict_uentry) == DICT_MINSIZE_KEYS_BYTES,
               "an 8-slot str-keyed table is 120 bytes");
_Static_assert(sizeof(gc_head) + sizeof(dict_object) == DICT_SIZE, "an empty dict is 64 bytes");
_Static_assert(sizeof(gc_head) + sizeof(inst_object) == INST_SIZE, "an instance is 56 bytes");
_Static_assert(sizeof(gc_head) + sizeof(slots_object) == 32, "a slots instance is 32 + 8 n bytes");
_Static_assert(sizeof(gc_head) + sizeof(callable_object) == CALLABLE_SIZE,
               "a callable is 48 bytes");
_Static_assert(sizeof(gc_head) + sizeof(weakref_object) == WEAKREF_SIZE, "a ref is 80 bytes");
_Static_assert(sizeof(gc_head) + sizeof(keyedref_object) == KEYEDREF_SIZE,
               "a KeyedRef is 88 bytes");

/* ---------------------------------------------------------------------------------------
 * What each container references (tp_traverse), in CPython's order: the order decides the
 * order in which move_unreachable finds objects, hence the order of gc.garbage, of
 * finalizers and of weak reference callbacks.
 * ------------------------------------------------------------------------------------- */

/* list_traverse: every item. */
static OBJ_ALWAYS_INLINE int list_traverse(gcr_object *o, obj_visit_fn visit, void *arg)
{
    const list_object *l = (const list_object *)o;
    for (size_t i = 0; i < l->size; i++) {
        int rc = visit(l->items[i], arg);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* tupletraverse: every item (NULL only while gcr_close empties it). */
static OBJ_ALWAYS_INLINE int tuple_traverse(gcr_object *o, obj_visit_fn visit, void *arg)
{
    const tuple_object *t = (const tuple_object *)o;
    for (intptr_t i = 0; i < t->size; i++) {
        if (t->items[i] != NULL) {
            int rc = visit(t->items[i], arg);
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}

/* CPython 3.11's dict_traverse: the values of a unicode table (its keys are strs, never
 * containers), the value then the key of each entry of a general one. */
static OBJ_ALWAYS_INLINE int dict_traverse(gcr_object *o, obj_visit_fn visit, void *arg)
{
    const dict_keys *k = ((const dict_object *)o)->keys;
    if (k == NULL)
        return 0;
    for (intptr_t ix = 0; ix < k->nentries; ix++) {
        gcr_object *value = *dk_value_at(k, ix);
        if (value == NULL)
            continue;
        int rc = visit(value, arg);
        if (rc == 0 && k->kind == DICT_KEYS_GENERAL)
            rc = visit(*dk_key_at(k, ix), arg);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* subtype_traverse of a plain class: the inline values (py311/py313), or the attribute dict
 * (py27). */
static OBJ_ALWAYS_INLINE int inst_traverse(gcr_object *o, obj_visit_fn visit, void *arg)
{
    const inst_object *inst = (const inst_object *)o;
    const inst_values *v = inst->values;
    if (v == NULL)
        return inst->dict != NULL ? visit(inst->dict, arg) : 0;
    for (uint64_t i = 0; i < v->attr_count; i++) {
        if (v->slots[i] != NULL) {
            int rc = visit(v->slots[i], arg);
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}

/* subtype_traverse of a __slots__ class (traverse_slots): each set slot, in layout order. */
static OBJ_ALWAYS_INLINE int slots_traverse(gcr_object *o, obj_visit_fn visit, void *arg)
{
    gcr_object *const *slots = ((const slots_object *)o)->slots;
    uint32_t n = o->type->slot_count;
    for (uint32_t i = 0; i < n; i++) {
        if (slots[i] != NULL) {
            int rc = visit(slots[i], arg);
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}

/* A slots instance's block: 32 bytes with the GC header, a word per slot, and one for the
 * weak reference list if the class has one. */
static inline size_t slots_block_size(const gcr_type *type)
{
    size_t words = type->slot_count + ((type->flags & TYPE_WEAKLIST) != 0);
    return sizeof(gc_head) + sizeof(slots_object) + words * sizeof(gcr_object *);
}

/* Whether the dying slots instance o owns nothing its dealloc would drop or run: no slot
 * set, no finalizer, no weak reference list (one never filled, or cleared by the collector's
 * tp_clear). object.c then frees it on the spot. */
static OBJ_ALWAYS_INLINE bool slots_owns_nothing(const gcr_object *o)
{
    const gcr_type *type = o->type;
    if ((type->flags & (TYPE_FINALIZER | TYPE_WEAKLIST)) != 0)
        return false;
    gcr_object *const *slots = ((const slots_object *)o)->slots;
    for (uint32_t i = 0; i < type->slot_count; i++)
        if (slots[i] != NULL)
            return false;
    return true;
}

/* func_traverse: the data (the function's closure, or a bound method's self). */
static OBJ_ALWAYS_INLINE int callable_traverse(gcr_object *o, obj_visit_fn visit, void *arg)
{
    gcr_object *data = ((const callable_object *)o)->data;
    return data != NULL ? visit(data, arg) : 0;
}

/* gc_traverse of weakref.c: the callback; a KeyedRef (subtype_traverse) its key first. */
static OBJ_ALWAYS_INLINE int weakref_traverse(gcr_object *o, obj_visit_fn visit, void *arg)
{
    if (o->type == &keyedref_type) {
        gcr_object *key = ((const keyedref_object *)o)->key;
        int rc = key != NULL ? visit(key, arg) : 0;
        if (rc != 0)
            return rc;
    }
    gcr_object *callback = ((const weakref_object *)o)->callback;
    return callback != NULL ? visit(callback, arg) : 0;
}

/* Calls visit(child, arg) for every object container o references, in its type's order,
 * stopping at (and returning) the first non-zero result. */
static OBJ_ALWAYS_INLINE int obj_traverse(gcr_object *o, obj_visit_fn visit, void *arg)
{
    switch (o->type->kind) {
    case OBJ_INSTANCE:
        return inst_traverse(o, visit, arg);
    case OBJ_SLOTS:
        return slots_traverse(o, visit, arg);
    case OBJ_LIST:
        return list_traverse(o, visit, arg);
    case OBJ_TUPLE:
        return tuple_traverse(o, visit, arg);
    case OBJ_DICT:
        return dict_traverse(o, visit, arg);
    case OBJ_CALLABLE:
        return callable_traverse(o, visit, arg);
    case OBJ_WEAKREF:
        return weakref_traverse(o, visit, arg);
    case OBJ_FLOAT:
    case OBJ_STR:
    case OBJ_BYTES:
    case OBJ_INT:
        break;
    }
    assert(0 && "obj_traverse: not a container");
    return 0;
}

#endif /* GCR_LAYOUT_H */
