/* object.c — object deallocation: gcr_dealloc_ with its trashcan (freeing without recursion
 * on the C stack), and the per-object queries of gcr.h (type name, getsizeof). Allocation,
 * with the per-type accounting of every object, is inline in runtime.h. */
#include <assert.h>

#include "runtime.h"

/* ---------------------------------------------------------------------------------------
 * Allocation
 * ------------------------------------------------------------------------------------- */

gcr_object *obj_alloc_failed(gcr_runtime *rt)
{
    rt_set_error(rt, "MemoryError");
    return NULL;
}

gcr_object *obj_collect_and_track(gcr_runtime *rt, gcr_object *o)
{
    gc_collect_generations(rt);
    gc_track(&rt->gc, o);
    return o;
}

gcr_object *obj_new_buffer_after_collection(gcr_runtime *rt, gcr_object *o, size_t size,
                                            size_t buffer_size, void **buffer)
{
    rt_count_alloc(rt, o->type, size);
    gc_collect_generations(rt);
    *buffer = obj_buffer_alloc(rt, o, buffer_size);
    if (*buffer == NULL) {
        obj_free_container(rt, o, size);
        return obj_alloc_failed(rt);
    }
    return o;
}

gcr_object *obj_new_buffer_failed(gcr_runtime *rt, gcr_object *o, size_t size)
{
    rt_count_alloc(rt, o->type, size); /* what obj_free_container takes back */
    obj_free_container(rt, o, size);
    return obj_alloc_failed(rt);
}

/* ---------------------------------------------------------------------------------------
 * Deallocation and the trashcan
 *
 * A container's dealloc drops the references it holds, which may free further containers,
 * whose deallocs would nest on the C stack as deep as the chain (a list in a list in a list
 * … ten million deep). As CPython's Py_TRASHCAN, a container reaching zero while another
 * container's dealloc is under way is not freed at once but deposited on rt->trash.later,
 * linked through its (now unused) GC header, the FINALIZED bit kept; the outermost dealloc
 * then empties that list. The C stack stays one dealloc deep whatever the shape of the
 * object graph. Non-containers own nothing and are freed on the spot, and so are containers
 * known to own nothing.
 * ------------------------------------------------------------------------------------- */

/* Drops what container o owns and frees it (or, for an instance whose finalizer resurrects
 * it, keeps it). Before: o is untracked, refcnt 0. */
static OBJ_ALWAYS_INLINE void obj_destroy_container(gcr_runtime *rt, gcr_object *o)
{
    switch (o->type->kind) {
    case OBJ_LIST:
        list_dealloc(rt, o);
        return;
    case OBJ_TUPLE:
        tuple_dealloc(rt, o);
        return;
    case OBJ_DICT:
        dict_dealloc(rt, o);
        return;
    case OBJ_INSTANCE:
        inst_dealloc(rt, o);
        return;
    case OBJ_SLOTS:
        slots_dealloc(rt, o);
        return;
    case OBJ_CALLABLE:
        callable_dealloc(rt, o);
        return;
    case OBJ_WEAKREF:
        weakref_dealloc(rt, o);
        return;
    case OBJ_FLOAT:
    case OBJ_STR:
    case OBJ_BYTES:
    case OBJ_INT:
        break;
    }
    assert(0 && "obj_destroy_container: not a container kind");
}

/* Frees container o and, iteratively, every container its death frees in turn. Apart from
 * gcr_dealloc_, so that the deallocs that need no trashcan need no stack frame either. */
static OBJ_NOINLINE void obj_dealloc_container(gcr_runtime *rt, gcr_object *o)
{
    obj_trash *trash = &rt->trash;
    gc_head *g = obj_as_gc(o);
    if (g->next != 0)
        gc_untrack(&rt->gc, o);
    if (trash->depth > 0) {
        g->prev = (g->prev & GC_PREV_MASK_FINALIZED) | (uintptr_t)trash->later;
        trash->later = g;
        return;
    }
    trash->depth = 1;
    obj_destroy_container(rt, o);
    while (trash->later != NULL) {
        g = trash->later;
        trash->later = (gc_head *)(g->prev & GC_PREV_MASK);
        g->prev &= GC_PREV_MASK_FINALIZED;
        obj_destroy_container(rt, obj_from_gc(g));
    }
    trash->depth = 0;
}

void gcr_dealloc_(gcr_runtime *rt, gcr_object *o)
{
    rt_check(rt);
    assert(o->refcnt == 0 && "gcr_dealloc_: called on an object whose count is not zero");
    /* Containers first, with one test: their kind is switched on again in
     * obj_destroy_container. A container that owns nothing (slots_owns_nothing: the one case
     * looked for) is freed on the spot like a non-container, inside another dealloc too:
     * nothing can die under it. */
    if (o->type->is_gc) {
        if (o->type->kind == OBJ_SLOTS && slots_owns_nothing(o)) {
            if (obj_as_gc(o)->next != 0)
                gc_untrack(&rt->gc, o);
            obj_free_container(rt, o, slots_block_size(o->type));
            return;
        }
        obj_dealloc_container(rt, o);
        return;
    }
    switch (o->type->kind) {
    case OBJ_FLOAT:
        float_dealloc(rt, o);
        return;
    case OBJ_STR:
        str_dealloc(rt, o);
        return;
    case OBJ_BYTES:
        bytes_dealloc(rt, o);
        return;
    case OBJ_INT:
        int_dealloc(rt, o);
        return;
    case OBJ_LIST:
    case OBJ_TUPLE:
    case OBJ_DICT:
    case OBJ_INSTANCE:
    case OBJ_SLOTS:
    case OBJ_CALLABLE:
    case OBJ_WEAKREF:
        break;
    }
    assert(0 && "gcr_dealloc_: object of an unknown type (freed, or not an object)");
}

/* ---------------------------------------------------------------------------------------
 * Queries
 * ------------------------------------------------------------------------------------- */

const char *gcr_type_name(const gcr_object *o) { return o->type->name; }

size_t gcr_sizeof(const gcr_object *o)
{
    switch (o->type->kind) {
    case OBJ_FLOAT:
        return FLOAT_SIZE;
    case OBJ_STR:
        return str_sizeof(o);
    case OBJ_BYTES:
        return bytes_sizeof(o);
    case OBJ_INT:
        return int_sizeof(o);
    case OBJ_LIST:
        return list_sizeof(o);
    case OBJ_TUPLE:
        return tuple_sizeof(o);
    case OBJ_DICT:
        return dict_sizeof(o);
    case OBJ_INSTANCE:
        return INST_SIZE;
    case OBJ_SLOTS:
        return slots_sizeof(o);
    case OBJ_CALLABLE:
        return CALLABLE_SIZE;
    case OBJ_WEAKREF:
        return weakref_sizeof(o);
    }
    assert(0 && "gcr_sizeof: object of an unknown type");
    return 0;
}
