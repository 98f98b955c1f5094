/* object.h — the object model inside the runtime: the gcr_type descriptor every object points
 * to, the GC header in front of containers (CPython's PyGC_Head), object allocation with its
 * per-type accounting, and the hooks each type file provides.
 *
 * Memory layout of a container (list, tuple, dict, instance, callable, weakref), as in
 * CPython 3.11:
 *
 *     block from mem_object_alloc ─▶ ┌──────────────┐
 *                                    │ gc_head      │ 16 bytes: next, prev
 *     gcr_object * ────────────────▶ ├──────────────┤
 *                                    │ refcnt, type │ 16 bytes
 *                                    │ type fields  │
 *                                    └──────────────┘
 *
 * Between collections a tracked container's gc_head links it into one generation list
 * (next = 0 means untracked). During a collection the prev word holds gc_refs shifted left by
 * GC_PREV_SHIFT with flag bits below, and next may carry GC_NEXT_MASK_UNREACHABLE; the
 * collector restores plain pointers before it returns (see collector.c). The FINALIZED flag
 * (PEP 442: __del__ already called) lives in prev's lowest bit at all times.
 */
#ifndef GCR_OBJECT_H
#define GCR_OBJECT_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gcr.h"

/* For the hot paths of allocation, deallocation and traversal: inlined whatever gcc's size
 * estimate says, so that each caller gets the path with its constants folded in; and their
 * slow ends kept out of them, so that the common case needs no stack frame. */
#if defined(__GNUC__)
#define OBJ_ALWAYS_INLINE inline __attribute__((always_inline))
#define OBJ_NOINLINE __attribute__((noinline))
#else
#define OBJ_ALWAYS_INLINE inline
#define OBJ_NOINLINE
#endif

/* ---------------------------------------------------------------------------------------
 * The GC header
 * ------------------------------------------------------------------------------------- */

typedef struct gc_head {
    uintptr_t next; /* next in the generation list; 0 when untracked */
    uintptr_t prev; /* previous in the list, or gc_refs during a collection; low bits: flags */
} gc_head;

/* Flags in the low bits of prev (CPython's _PyGC_PREV_MASK_*). */
#define GC_PREV_MASK_FINALIZED ((uintptr_t)1)  /* tp_finalize already called (PEP 442) */
#define GC_PREV_MASK_COLLECTING ((uintptr_t)2) /* in the generations being collected */
#define GC_PREV_SHIFT 2
#define GC_PREV_MASK (~(uintptr_t)0 << GC_PREV_SHIFT)
/* Flags in the low bits of next. UNREACHABLE only while move_unreachable runs: the object
 * is in the unreachable list. OLD_SPACE_1 (py314inc only: CPython 3.14's
 * _PyGC_NEXT_MASK_OLD_SPACE_1): which of the old generation's two spaces the object belongs
 * to; always 0 under the generational designs. List heads carry no flags. */
#define GC_NEXT_MASK_UNREACHABLE ((uintptr_t)1)
#define GC_NEXT_MASK_OLD_SPACE_1 ((uintptr_t)2)
#define GC_NEXT_FLAGS (GC_NEXT_MASK_UNREACHABLE | GC_NEXT_MASK_OLD_SPACE_1)

/* The header in front of a container, and the container behind a header. */
static inline gc_head *obj_as_gc(const gcr_object *o) { return (gc_head *)(uintptr_t)o - 1; }
static inline gcr_object *obj_from_gc(gc_head *g) { return (gcr_object *)(g + 1); }

/* ---------------------------------------------------------------------------------------
 * Types
 * ------------------------------------------------------------------------------------- */

/* The built-in kinds. Hot paths (dealloc, sizeof) switch on the kind instead of calling
 * through a pointer. Leaves first, then containers. */
typedef enum obj_kind {
    OBJ_FLOAT,
    OBJ_STR,
    OBJ_BYTES,
    OBJ_INT,
    OBJ_LIST,
    OBJ_TUPLE,
    OBJ_DICT,
    OBJ_INSTANCE,
    OBJ_SLOTS, /* an instance of a __slots__ class */
    OBJ_CALLABLE,
    OBJ_WEAKREF, /* ref, proxy, callable proxy, KeyedRef */
} obj_kind;

/* gcr_type.flags: what the collector must look at beyond the references and clear. */
#define TYPE_UNTRACK_TUPLE 0x01u /* every collection may untrack it (_PyTuple_MaybeUntrack) */
#define TYPE_UNTRACK_DICT 0x02u  /* full collections may untrack it (_PyDict_MaybeUntrack) */
#define TYPE_WEAKLIST 0x04u      /* has a weak reference list at weaklist_offset */
#define TYPE_IS_WEAKREF 0x08u    /* a weak reference (cleared when found in garbage) */
#define TYPE_FINALIZER 0x10u     /* a class with __del__ (gcr_class_set_finalizer) */

/* tp_traverse's visit: called for each object a container references (obj_traverse in
 * layout.h); a non-zero result stops the walk. */
typedef int (*obj_visit_fn)(gcr_object *child, void *arg);
/* tp_clear: drops every reference o holds (o itself stays valid, emptied). The caller holds
 * a reference to o for the duration. */
typedef void (*obj_clear_fn)(gcr_runtime *rt, gcr_object *o);

struct gcr_type {
    const char *name;         /* "float", "list", or a class name */
    obj_kind kind;            /* which type file implements it */
    bool is_gc;               /* a container: GC header in front */
    uint8_t flags;            /* TYPE_* */
    uint16_t weaklist_offset; /* where the weak reference list is (TYPE_WEAKLIST) */
    uint32_t stats_slot;      /* its entry in rt->type_stats (rt_type_stat) */
    uint32_t slot_count;      /* OBJ_SLOTS: the object slots after the header (__slots__) */
    obj_clear_fn clear;       /* containers only; NULL for tuple, as in CPython */
};

/* The built-in type descriptors (constant; each defined in its type's file). Instances point
 * to the gcr_type inside their gcr_class, callables to the one inside their code. */
extern const gcr_type float_type;
extern const gcr_type str_type;
extern const gcr_type bytes_type;
extern const gcr_type int_type;
extern const gcr_type list_type;
extern const gcr_type tuple_type;
extern const gcr_type dict_type;
extern const gcr_type keyedref_type; /* weakref.c: Lib/weakref.py's KeyedRef */

static inline bool obj_is_gc(const gcr_object *o) { return o->type->is_gc; }

/* The first weak reference to o, whose type has TYPE_WEAKLIST, or NULL (the head of the list
 * weakref.c keeps; CPython's *_PyObject_GET_WEAKREFS_LISTPTR(o)). */
static inline gcr_object *obj_weaklist_head(const gcr_object *o)
{
    assert((o->type->flags & TYPE_WEAKLIST) && "obj_weaklist_head: no weak reference list");
    return *(gcr_object *const *)((const char *)o + o->type->weaklist_offset);
}

/* Per-type statistics slots of the built-in types (types.c names them); each class gets its
 * own slot after these, every callable shares "function". */
enum obj_stats_slot {
    SLOT_FLOAT,
    SLOT_STR,
    SLOT_BYTES,
    SLOT_INT,
    SLOT_LIST,
    SLOT_TUPLE,
    SLOT_DICT,
    SLOT_FUNCTION,
    SLOT_REF,
    SLOT_PROXY,
    SLOT_CALLABLE_PROXY,
    SLOT_KEYEDREF,
    SLOT_BUILTIN_COUNT
};

/* Fixed sizes, as sys.getsizeof reports them (containers include the GC header). */
#define FLOAT_SIZE 24
#define INST_SIZE 56
#define LIST_SIZE 56
#define DICT_SIZE 64
#define CALLABLE_SIZE 48
#define WEAKREF_SIZE 80
#define KEYEDREF_SIZE 88

/* ---------------------------------------------------------------------------------------
 * The trashcan: containers whose deallocation was deferred (CPython's Py_TRASHCAN)
 * ------------------------------------------------------------------------------------- */

typedef struct obj_trash {
    int depth;      /* 1 while a container deallocation is under way, else 0 */
    gc_head *later; /* deferred containers, linked through gc_head.prev (next stays 0; the
                       FINALIZED bit of prev is kept) */
} obj_trash;

/* ---------------------------------------------------------------------------------------
 * Allocation: obj_new, obj_new_container, obj_free, obj_free_container and the buffers an
 * object owns (obj_buffer_alloc, …) are inline in runtime.h, which has what they count in.
 * ------------------------------------------------------------------------------------- */

/* Sets MemoryError and returns NULL: the out-of-line end of a failed allocation. */
gcr_object *obj_alloc_failed(gcr_runtime *rt);

/* ---------------------------------------------------------------------------------------
 * Type hooks, called by object.c's switch on the kind
 * ------------------------------------------------------------------------------------- */

/* Frees a non-container (it owns no references). */
void float_dealloc(gcr_runtime *rt, gcr_object *o);
void str_dealloc(gcr_runtime *rt, gcr_object *o);
void bytes_dealloc(gcr_runtime *rt, gcr_object *o);
void int_dealloc(gcr_runtime *rt, gcr_object *o);
/* Drops what an (untracked) container owns, and frees it. inst_dealloc may instead keep the
 * object alive (its finalizer resurrected it). */
void list_dealloc(gcr_runtime *rt, gcr_object *o);
void tuple_dealloc(gcr_runtime *rt, gcr_object *o);
void dict_dealloc(gcr_runtime *rt, gcr_object *o);
void inst_dealloc(gcr_runtime *rt, gcr_object *o);
void slots_dealloc(gcr_runtime *rt, gcr_object *o);
void callable_dealloc(gcr_runtime *rt, gcr_object *o);
void weakref_dealloc(gcr_runtime *rt, gcr_object *o);

size_t str_sizeof(const gcr_object *o);
size_t bytes_sizeof(const gcr_object *o);
size_t int_sizeof(const gcr_object *o);
size_t list_sizeof(const gcr_object *o);
size_t tuple_sizeof(const gcr_object *o);
size_t dict_sizeof(const gcr_object *o);
size_t weakref_sizeof(const gcr_object *o);
size_t slots_sizeof(const gcr_object *o);

#endif /* GCR_OBJECT_H */
