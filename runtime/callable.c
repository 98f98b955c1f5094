/* callable.c — callables (a function or bound method): a 48-byte container holding a data
 * object (traversed, so a callable can be part of a cycle) and a weak reference list. The
 * C function and its context are not stored in the object: like a function's code object
 * they are shared, in a "code" (metadata, one per distinct (fn, ctx) per runtime) whose
 * gcr_type the callable points to. Every callable counts under the type name "function". */
#include <assert.h>
#include <stddef.h>

#include "runtime.h"

typedef struct callable_code {
    gcr_type type; /* what callables point to: name "function" */
    gcr_call_fn fn;
    void *ctx;
    struct callable_code *next;
} callable_code;

/* The layout (callable_object) and callable_traverse are in layout.h. */

/* CPython's func_clear: drops the data reference. */
static void callable_clear(gcr_runtime *rt, gcr_object *o)
{
    callable_object *c = (callable_object *)o;
    gcr_object *data = c->data;
    c->data = NULL;
    gcr_xdecref(rt, data);
}

/* The code for (fn, ctx), made on first use; NULL when memory ran out. */
static const callable_code *callable_code_for(gcr_runtime *rt, gcr_call_fn fn, void *ctx)
{
    for (callable_code *code = rt->codes; code != NULL; code = code->next)
        if (code->fn == fn && code->ctx == ctx)
            return code;
    callable_code *code = mem_meta_alloc(sizeof *code);
    if (code == NULL)
        return NULL;
    *code = (callable_code){
        .type = {.name = "function",
                 .kind = OBJ_CALLABLE,
                 .is_gc = true,
                 .flags = TYPE_WEAKLIST,
                 .weaklist_offset = offsetof(callable_object, weaklist),
                 .stats_slot = SLOT_FUNCTION,
                 .clear = callable_clear},
        .fn = fn,
        .ctx = ctx,
        .next = rt->codes,
    };
    rt->codes = code;
    return code;
}

void callable_codes_free(gcr_runtime *rt)
{
    while (rt->codes != NULL) {
        callable_code *code = rt->codes;
        rt->codes = code->next;
        mem_meta_free(code);
    }
}

gcr_object *gcr_callable_new(gcr_runtime *rt, gcr_call_fn fn, void *ctx, gcr_object *data)
{
    rt_check(rt);
    assert(fn != NULL && "gcr_callable_new: NULL function");
    assert((data == NULL || data->refcnt > 0) && "gcr_callable_new: data is not live");
    const callable_code *code = callable_code_for(rt, fn, ctx);
    if (code == NULL) {
        rt_set_error(rt, "MemoryError");
        return NULL;
    }
    gcr_object *o = obj_new_container(rt, &code->type, CALLABLE_SIZE);
    if (o == NULL)
        return NULL;
    callable_object *c = (callable_object *)o;
    c->data = data;
    if (data != NULL)
        gcr_incref(data);
    c->weaklist = NULL;
    gc_track(&rt->gc, o);
    return o;
}

void gcr_call(gcr_runtime *rt, gcr_object *callable, gcr_object *arg)
{
    assert(callable->type->kind == OBJ_CALLABLE && "gcr_call: not a callable");
    const callable_code *code = (const callable_code *)callable->type;
    gcr_incref(callable); /* alive for the call, whatever the call drops */
    code->fn(rt, code->ctx, ((callable_object *)callable)->data, arg);
    gcr_decref(rt, callable);
}

void callable_dealloc(gcr_runtime *rt, gcr_object *o)
{
    callable_object *c = (callable_object *)o;
    if (c->weaklist != NULL)
        weakref_clear_all(rt, o);
    gcr_xdecref(rt, c->data);
    obj_free_container(rt, o, CALLABLE_SIZE);
}

/* ---------------------------------------------------------------------------------------
 * A comprehension's function object (CPython before 3.12)
 * ------------------------------------------------------------------------------------- */

/* What the comprehension's function would do: the scenario does it itself. */
static void comprehension_body(gcr_runtime *rt, void *ctx, gcr_object *data, gcr_object *arg)
{
    (void)rt, (void)ctx, (void)data, (void)arg;
}

int gcr_comprehension_enter(gcr_runtime *rt, gcr_object **fn)
{
    rt_check(rt);
    *fn = NULL;
    if (!rt->traits->comprehension_function)
        return 0;                                               /* 3.12+: inlined (PEP 709) */
    *fn = gcr_callable_new(rt, comprehension_body, NULL, NULL); /* MAKE_FUNCTION */
    return *fn != NULL ? 0 : -1;
}

void gcr_comprehension_exit(gcr_runtime *rt, gcr_object *fn) { gcr_xdecref(rt, fn); }
