/* weakref.c — weak references, as CPython 3.11's Objects/weakrefobject.c: weakref.ref,
 * weakref.proxy (and its callable variant), and Lib/weakref.py's KeyedRef (a ref with a key,
 * 88 bytes). A weak reference is an 80-byte container (GC header, object header, wr_object,
 * wr_callback, hash, wr_prev, wr_next, and CPython's vectorcall slot). The objects that
 * accept weak references (instances, callables) keep a list of them; its order is CPython's:
 * the plain ref without callback first, then the plain proxy, then every other, newest
 * first. When the object dies by reference counting, weakref_clear_all clears them all and
 * then calls the callbacks of those still alive, in list order (PyObject_ClearWeakRefs); the
 * collector does its own clearing (handle_weakrefs in collector.c) with weakref_list_pop. */
#include <assert.h>

#include "runtime.h"

/* The layouts (weakref_object, keyedref_object) and weakref_traverse are in layout.h. */

static void weakref_clear(gcr_runtime *rt, gcr_object *o);
static void keyedref_clear(gcr_runtime *rt, gcr_object *o);

#define WEAKREF_TYPE(type_name, slot, clear_fn)                                                    \
    {                                                                                              \
        .name = type_name, .kind = OBJ_WEAKREF, .is_gc = true, .flags = TYPE_IS_WEAKREF,           \
        .stats_slot = slot, .clear = clear_fn                                                      \
    }

static const gcr_type ref_type = WEAKREF_TYPE("ReferenceType", SLOT_REF, weakref_clear);
static const gcr_type proxy_type = WEAKREF_TYPE("ProxyType", SLOT_PROXY, weakref_clear);
static const gcr_type callable_proxy_type =
    WEAKREF_TYPE("CallableProxyType", SLOT_CALLABLE_PROXY, weakref_clear);
const gcr_type keyedref_type = WEAKREF_TYPE("KeyedRef", SLOT_KEYEDREF, keyedref_clear);

static weakref_object *weakref_cast(const gcr_object *o)
{
    assert(o->type->kind == OBJ_WEAKREF && "not a weak reference");
    return (weakref_object *)(uintptr_t)o;
}

static bool weakref_is_proxy(const gcr_object *o)
{
    return o->type == &proxy_type || o->type == &callable_proxy_type;
}

bool weakref_accepts(const gcr_object *target)
{
    return (target->type->flags & TYPE_WEAKLIST) != 0;
}

/* The head of target's weak reference list: a gcr_object * slot in target (instance.c,
 * callable.c) holding the first weak reference, or NULL. */
static gcr_object **weakref_list(const gcr_object *target)
{
    assert(weakref_accepts(target));
    return (gcr_object **)((char *)(uintptr_t)target + target->type->weaklist_offset);
}

static weakref_object *weakref_head(const gcr_object *target)
{
    gcr_object *head = *weakref_list(target);
    return head != NULL ? weakref_cast(head) : NULL;
}

static void weakref_set_head(gcr_object *target, weakref_object *wr)
{
    *weakref_list(target) = wr != NULL ? &wr->ob : NULL;
}

/* ---------------------------------------------------------------------------------------
 * The list of weak references of an object
 * ------------------------------------------------------------------------------------- */

/* CPython's get_basic_refs: the plain ref and plain proxy (no callback) heading the list. */
static void weakref_basic(weakref_object *head, weakref_object **ref, weakref_object **proxy)
{
    *ref = NULL;
    *proxy = NULL;
    if (head != NULL && head->callback == NULL) {
        if (head->ob.type == &ref_type) {
            *ref = head;
            head = head->next;
        }
        if (head != NULL && head->callback == NULL && weakref_is_proxy(&head->ob))
            *proxy = head;
    }
}

static void weakref_insert_head(weakref_object *wr, gcr_object *target)
{
    weakref_object *next = weakref_head(target);
    wr->prev = NULL;
    wr->next = next;
    if (next != NULL)
        next->prev = wr;
    weakref_set_head(target, wr);
}

static void weakref_insert_after(weakref_object *wr, weakref_object *prev)
{
    wr->prev = prev;
    wr->next = prev->next;
    if (prev->next != NULL)
        prev->next->prev = wr;
    prev->next = wr;
}

/* Inserts wr where CPython puts it: a plain ref at the head; a plain proxy after the plain
 * ref; anything else after the plain ref and proxy. */
static void weakref_insert(weakref_object *wr, gcr_object *target)
{
    weakref_object *ref, *proxy;
    weakref_basic(weakref_head(target), &ref, &proxy);
    weakref_object *prev;
    if (wr->callback == NULL && wr->ob.type == &ref_type)
        prev = NULL;
    else if (wr->callback == NULL && weakref_is_proxy(&wr->ob))
        prev = ref;
    else
        prev = proxy != NULL ? proxy : ref;
    if (prev == NULL)
        weakref_insert_head(wr, target);
    else
        weakref_insert_after(wr, prev);
}

/* Takes wr off its target's list and forgets the target; the callback stays (CPython's
 * _PyWeakref_ClearRef). */
void weakref_clear_ref(gcr_object *o)
{
    weakref_object *wr = weakref_cast(o);
    if (wr->target == NULL)
        return;
    if (weakref_head(wr->target) == wr)
        weakref_set_head(wr->target, wr->next);
    if (wr->prev != NULL)
        wr->prev->next = wr->next;
    if (wr->next != NULL)
        wr->next->prev = wr->prev;
    wr->prev = NULL;
    wr->next = NULL;
    wr->target = NULL;
}

/* CPython's clear_weakref: off the list, and the callback dropped. */
static void weakref_clear_full(gcr_runtime *rt, weakref_object *wr)
{
    weakref_clear_ref(&wr->ob);
    gcr_object *callback = wr->callback;
    wr->callback = NULL;
    gcr_xdecref(rt, callback);
}

gcr_object *weakref_list_pop(gcr_object *target)
{
    weakref_object *wr = weakref_head(target);
    if (wr == NULL)
        return NULL;
    weakref_clear_ref(&wr->ob);
    return &wr->ob;
}

/* PyObject_ClearWeakRefs. Before: target is being deallocated (refcnt 0, inside the
 * trashcan, so a weak reference waiting there to be freed stays allocated until this
 * returns). After: target's list is empty; every weak reference that was in it and is still
 * alive had its callback called with it (unless the runtime is closing), in list order, and
 * lost the callback. All are cleared before the first callback runs, so no callback can
 * reach target. */
void weakref_clear_all(gcr_runtime *rt, gcr_object *target)
{
    weakref_object *chain = NULL, **tail = &chain;
    while (weakref_head(target) != NULL) {
        weakref_object *wr = weakref_head(target);
        weakref_clear_ref(&wr->ob);
        if (wr->callback == NULL)
            continue;
        if (wr->ob.refcnt > 0)
            gcr_incref(&wr->ob); /* held until its callback has run */
        wr->pending = NULL;
        *tail = wr;
        tail = &wr->pending;
    }
    while (chain != NULL) {
        weakref_object *wr = chain;
        chain = wr->pending;
        wr->pending = NULL;
        gcr_object *callback = wr->callback;
        wr->callback = NULL;
        if (wr->ob.refcnt > 0) {
            if (!rt->closing)
                gcr_call(rt, callback, &wr->ob);
            gcr_decref(rt, callback);
            gcr_decref(rt, &wr->ob);
        } else {
            gcr_decref(rt, callback); /* a dying weak reference gets no callback */
        }
    }
}

/* ---------------------------------------------------------------------------------------
 * Creation
 * ------------------------------------------------------------------------------------- */

/* Checks that target accepts weak references and callback is NULL or callable; sets the
 * TypeError otherwise. */
static int weakref_check_args(gcr_runtime *rt, const gcr_object *target, const gcr_object *callback)
{
    assert(target != NULL && target->refcnt > 0 && "weak reference to a dead object");
    if (!weakref_accepts(target)) {
        rt_set_error(rt, "TypeError: cannot create weak reference to '%s' object",
                     gcr_type_name(target));
        return -1;
    }
    if (callback != NULL && callback->type->kind != OBJ_CALLABLE) {
        rt_set_error(rt, "TypeError: weak reference callback must be callable, not '%s'",
                     gcr_type_name(callback));
        return -1;
    }
    return 0;
}

/* A new weak reference of type to target, inserted in its list and tracked. The allocation
 * may run a collection, which may change target's list: the insertion point is found
 * after it, as CPython does. */
static weakref_object *weakref_make(gcr_runtime *rt, const gcr_type *type, size_t size,
                                    gcr_object *target, gcr_object *callback)
{
    gcr_object *o = obj_new_container(rt, type, size);
    if (o == NULL)
        return NULL;
    weakref_object *wr = (weakref_object *)o;
    wr->target = target;
    wr->callback = callback;
    if (callback != NULL)
        gcr_incref(callback);
    wr->hash = -1;
    wr->prev = wr->next = wr->pending = NULL;
    weakref_insert(wr, target);
    gc_track(&rt->gc, o);
    return wr;
}

gcr_object *gcr_weakref_new(gcr_runtime *rt, gcr_object *target, gcr_object *callback)
{
    rt_check(rt);
    if (weakref_check_args(rt, target, callback) != 0)
        return NULL;
    weakref_object *ref, *proxy;
    weakref_basic(weakref_head(target), &ref, &proxy);
    if (callback == NULL && ref != NULL) {
        gcr_incref(&ref->ob); /* the plain ref is shared */
        return &ref->ob;
    }
    weakref_object *wr = weakref_make(rt, &ref_type, WEAKREF_SIZE, target, callback);
    return wr != NULL ? &wr->ob : NULL;
}

gcr_object *gcr_proxy_new(gcr_runtime *rt, gcr_object *target, gcr_object *callback)
{
    rt_check(rt);
    if (weakref_check_args(rt, target, callback) != 0)
        return NULL;
    weakref_object *ref, *proxy;
    weakref_basic(weakref_head(target), &ref, &proxy);
    if (callback == NULL && proxy != NULL) {
        gcr_incref(&proxy->ob);
        return &proxy->ob;
    }
    const gcr_type *type = target->type->kind == OBJ_CALLABLE ? &callable_proxy_type : &proxy_type;
    weakref_object *wr = weakref_make(rt, type, WEAKREF_SIZE, target, callback);
    return wr != NULL ? &wr->ob : NULL;
}

gcr_object *weakref_keyed_new(gcr_runtime *rt, gcr_object *target, gcr_object *callback,
                              gcr_object *key)
{
    if (weakref_check_args(rt, target, callback) != 0)
        return NULL;
    weakref_object *wr = weakref_make(rt, &keyedref_type, KEYEDREF_SIZE, target, callback);
    if (wr == NULL)
        return NULL;
    gcr_incref(key);
    ((keyedref_object *)wr)->key = key;
    return &wr->ob;
}

/* ---------------------------------------------------------------------------------------
 * Use
 * ------------------------------------------------------------------------------------- */

/* The referent, or NULL when cleared or dying (refcnt 0: PyWeakref_GET_OBJECT). */
gcr_object *weakref_target(const gcr_object *o)
{
    gcr_object *target = weakref_cast(o)->target;
    return target != NULL && target->refcnt > 0 ? target : NULL;
}

gcr_object *gcr_weakref_get(const gcr_object *ref) { return weakref_target(ref); }

gcr_object *gcr_proxy_target(gcr_runtime *rt, gcr_object *proxy)
{
    assert(weakref_is_proxy(proxy) && "gcr_proxy_target: not a proxy");
    gcr_object *target = weakref_target(proxy);
    if (target == NULL)
        rt_set_error(rt, "ReferenceError: weakly-referenced object no longer exists");
    return target;
}

size_t gcr_weakref_count(const gcr_object *target)
{
    if (!weakref_accepts(target))
        return 0;
    size_t n = 0;
    for (const weakref_object *wr = weakref_head(target); wr != NULL; wr = wr->next)
        n++;
    return n;
}

gcr_object *weakref_callback(const gcr_object *o) { return weakref_cast(o)->callback; }

bool weakref_is_ref(const gcr_object *o)
{
    return o->type == &ref_type || o->type == &keyedref_type;
}

gcr_object *weakref_keyed_key(const gcr_object *o)
{
    assert(o->type == &keyedref_type && "not a KeyedRef");
    return ((const keyedref_object *)o)->key;
}

/* CPython's weakref_hash: hash(referent), computed once; a reference cleared before it was
 * ever hashed is unhashable ("weak object has gone away"). */
int weakref_hash(gcr_object *o, intptr_t *out)
{
    weakref_object *wr = weakref_cast(o);
    if (wr->hash == -1) {
        gcr_object *target = weakref_target(o);
        const char *unhashable;
        if (target == NULL || hash_object(target, &wr->hash, &unhashable) != 0) {
            wr->hash = -1;
            return -1;
        }
    }
    *out = wr->hash;
    return 0;
}

/* ---------------------------------------------------------------------------------------
 * Type hooks
 * ------------------------------------------------------------------------------------- */

static void weakref_clear(gcr_runtime *rt, gcr_object *o)
{
    weakref_clear_full(rt, (weakref_object *)o);
}

/* KeyedRef's tp_clear (subtype_clear): the slot, then the weak reference. */
static void keyedref_clear(gcr_runtime *rt, gcr_object *o)
{
    keyedref_object *k = (keyedref_object *)o;
    gcr_object *key = k->key;
    k->key = NULL;
    gcr_xdecref(rt, key);
    weakref_clear(rt, o);
}

size_t weakref_sizeof(const gcr_object *o)
{
    return o->type == &keyedref_type ? KEYEDREF_SIZE : WEAKREF_SIZE;
}

void weakref_dealloc(gcr_runtime *rt, gcr_object *o)
{
    size_t size = weakref_sizeof(o);
    if (o->type == &keyedref_type)
        keyedref_clear(rt, o);
    else
        weakref_clear(rt, o);
    obj_free_container(rt, o, size);
}
