/* weakdict.c — weakref.WeakValueDictionary and weakref.WeakKeyDictionary, modelled on
 * Lib/weakref.py: each is an instance (56 bytes) of a class of its own name with two
 * attributes, "data" (a dict) and "_remove" (a callable holding ref(self), the selfref of
 * Lib/weakref.py). A WeakValueDictionary stores data[key] = KeyedRef(value, _remove, key);
 * a WeakKeyDictionary stores data[ref(key, _remove)] = value. When the weakly held object
 * dies, by reference counting or in a collection, its weak reference's callback _remove
 * deletes the entry (_remove_dead_weakref for values: only while the entry still holds that
 * dead reference). Not modelled: _pending_removals and _iterating (no iteration API). */
#include <assert.h>

#include "runtime.h"

enum { WEAKDICT_VALUE = 1, WEAKDICT_KEY = 2 };
enum { WD_REMOVE = 0, WD_DATA = 1 }; /* attribute indexes */

static gcr_object *weakdict_data(const gcr_object *wd, int tag)
{
    assert(inst_tag(wd) == tag && "not a weak dictionary of this kind");
    (void)tag;
    return gcr_instance_get(wd, WD_DATA);
}

/* The data dict of a weak dictionary of either kind, and its kind. */
static gcr_object *weakdict_any_data(const gcr_object *wd, int *tag)
{
    *tag = inst_tag(wd);
    assert((*tag == WEAKDICT_VALUE || *tag == WEAKDICT_KEY) && "not a weak dictionary");
    return gcr_instance_get(wd, WD_DATA);
}

/* WeakValueDictionary's remove(wr, selfref=ref(self)): drops data[wr.key] if it still holds
 * a dead weak reference. */
static void weakdict_value_remove(gcr_runtime *rt, void *ctx, gcr_object *selfref, gcr_object *wr)
{
    (void)ctx;
    gcr_object *self = weakref_target(selfref);
    gcr_object *data = self != NULL ? weakdict_data(self, WEAKDICT_VALUE) : NULL;
    if (data != NULL)
        dict_del_if_dead_weakref(rt, data, weakref_keyed_key(wr));
}

/* WeakKeyDictionary's remove(k, selfref=ref(self)): del self.data[k], absent or not. */
static void weakdict_key_remove(gcr_runtime *rt, void *ctx, gcr_object *selfref, gcr_object *k)
{
    (void)ctx;
    gcr_object *self = weakref_target(selfref);
    gcr_object *data = self != NULL ? weakdict_data(self, WEAKDICT_KEY) : NULL;
    if (data != NULL)
        (void)dict_del_quiet(rt, data, k);
}

/* The runtime's class for tag, made on first use. */
static gcr_class *weakdict_class(gcr_runtime *rt, int tag)
{
    static const char *const attrs[] = {[WD_REMOVE] = "_remove", [WD_DATA] = "data"};
    gcr_class **cls = &rt->weakdict_class[tag - 1];
    if (*cls == NULL) {
        *cls = gcr_class_new(
            rt, tag == WEAKDICT_VALUE ? "WeakValueDictionary" : "WeakKeyDictionary", attrs, 2);
        if (*cls != NULL)
            inst_class_set_tag(*cls, tag);
    }
    return *cls;
}

static gcr_object *weakdict_new(gcr_runtime *rt, int tag, gcr_call_fn remove_fn)
{
    rt_check(rt);
    gcr_class *cls = weakdict_class(rt, tag);
    gcr_object *wd = cls != NULL ? gcr_instance_new(rt, cls) : NULL;
    if (wd == NULL)
        return NULL;
    gcr_object *data = gcr_dict_new(rt);
    gcr_object *selfref = gcr_weakref_new(rt, wd, NULL);
    gcr_object *remove = selfref != NULL ? gcr_callable_new(rt, remove_fn, NULL, selfref) : NULL;
    if (data != NULL && remove != NULL) {
        gcr_instance_set(rt, wd, WD_REMOVE, remove);
        gcr_instance_set(rt, wd, WD_DATA, data);
    }
    bool ok = data != NULL && remove != NULL && gcr_instance_get(wd, WD_DATA) == data;
    gcr_xdecref(rt, data);
    gcr_xdecref(rt, selfref);
    gcr_xdecref(rt, remove);
    if (!ok) {
        gcr_decref(rt, wd);
        return NULL;
    }
    return wd;
}

gcr_object *gcr_weakvaluedict_new(gcr_runtime *rt)
{
    return weakdict_new(rt, WEAKDICT_VALUE, weakdict_value_remove);
}

gcr_object *gcr_weakkeydict_new(gcr_runtime *rt)
{
    return weakdict_new(rt, WEAKDICT_KEY, weakdict_key_remove);
}

/* Does nothing: the transient objects' code. */
static void weakdict_nothing(gcr_runtime *rt, void *ctx, gcr_object *data, gcr_object *arg)
{
    (void)rt, (void)ctx, (void)data, (void)arg;
}

/* KeyedRef(value, remove, key) as Lib/weakref.py's WeakValueDictionary.__setitem__ makes it,
 * with the containers CPython makes and drops on the way, in its order (what its collector
 * counts, and its free lists keep), and its checks of the eval breaker:
 *   __setitem__ starts; the call's argument tuple (_PyObject_MakeTpCall);
 *   KeyedRef.__new__ starts; ref.__new__(type, ob, callback): its argument tuple and the
 *   slice tp_new_wrapper passes on, the KeyedRef; KeyedRef.__init__ starts;
 *   super().__init__(ob, callback): before 3.12 a super object and a bound method-wrapper
 *   called with a tuple of 2, since 3.12 (LOAD_SUPER_ATTR) the descriptor called through
 *   _PyObject_MakeTpCall with a tuple of 3, sliced to 2.
 * A new reference, or NULL when memory ran out. */
static gcr_object *keyed_ref_new(gcr_runtime *rt, gcr_object *value, gcr_object *remove,
                                 gcr_object *key)
{
    gcr_object *three[3] = {value, remove, key};
    gcr_eval_breaker(rt); /* __setitem__ */
    gcr_object *call_args = gcr_tuple_new_tracked(rt, 3, three);
    if (call_args == NULL)
        return NULL;
    gcr_eval_breaker(rt); /* KeyedRef.__new__ */
    gcr_object *new_args = gcr_tuple_new_tracked(rt, 3, three);
    gcr_object *sliced = new_args != NULL ? gcr_tuple_new_tracked(rt, 2, three) : NULL;
    gcr_object *wr = sliced != NULL ? weakref_keyed_new(rt, value, remove, key) : NULL;
    gcr_xdecref(rt, sliced);
    gcr_xdecref(rt, new_args);
    if (wr != NULL) {
        gcr_eval_breaker(rt); /* after ref.__new__, a call into C */
        gcr_eval_breaker(rt); /* KeyedRef.__init__ */
        gcr_object *super = NULL, *bound = NULL, *outer = NULL, *inner = NULL;
        if (rt->traits->super_object) {
            super = gcr_callable_new(rt, weakdict_nothing, NULL, NULL);
            if (super != NULL)
                gcr_eval_breaker(rt); /* after super(), a call into C */
            bound = super != NULL ? gcr_callable_new(rt, weakdict_nothing, NULL, NULL) : NULL;
            gcr_xdecref(rt, super);
            inner = bound != NULL ? gcr_tuple_new_tracked(rt, 2, three) : NULL;
        } else {
            outer = gcr_tuple_new_tracked(rt, 3, three);
            inner = outer != NULL ? gcr_tuple_new_tracked(rt, 2, three) : NULL;
        }
        gcr_xdecref(rt, inner);
        gcr_xdecref(rt, outer);
        gcr_xdecref(rt, bound);
        gcr_eval_breaker(rt); /* after ref.__init__, a call into C */
    }
    gcr_decref(rt, call_args);
    return wr;
}

int gcr_weakdict_set(gcr_runtime *rt, gcr_object *wd, gcr_object *key, gcr_object *value)
{
    int tag;
    gcr_object *data = weakdict_any_data(wd, &tag);
    gcr_object *remove = gcr_instance_get(wd, WD_REMOVE);
    assert(data != NULL && remove != NULL && "weak dictionary cleared by a collection");
    /* self.data[key] = KeyedRef(value, self._remove, key), or
     * self.data[ref(key, self._remove)] = value */
    gcr_object *wr = tag == WEAKDICT_VALUE ? keyed_ref_new(rt, value, remove, key)
                                           : gcr_weakref_new(rt, key, remove);
    if (wr == NULL)
        return -1;
    int rc =
        tag == WEAKDICT_VALUE ? gcr_dict_set(rt, data, key, wr) : gcr_dict_set(rt, data, wr, value);
    gcr_decref(rt, wr);
    return rc;
}

gcr_object *gcr_weakdict_get(const gcr_object *wd, gcr_object *key)
{
    int tag;
    gcr_object *data = weakdict_any_data(wd, &tag);
    if (data == NULL)
        return NULL;
    if (tag == WEAKDICT_KEY)
        return dict_get_by_ref_target(data, key);
    gcr_object *wr = gcr_dict_get(data, key);
    return wr != NULL ? weakref_target(wr) : NULL;
}

int gcr_weakdict_del(gcr_runtime *rt, gcr_object *wd, gcr_object *key)
{
    int tag;
    gcr_object *data = weakdict_any_data(wd, &tag);
    assert(data != NULL && "weak dictionary cleared by a collection");
    if (tag == WEAKDICT_VALUE)
        return gcr_dict_del(rt, data, key);
    /* del self.data[ref(key)] */
    if (!weakref_accepts(key)) {
        rt_set_error(rt, "TypeError: cannot create weak reference to '%s' object",
                     gcr_type_name(key));
        return -1;
    }
    if (dict_del_by_ref_target(rt, data, key) != 0) {
        rt_set_error(rt, "KeyError: <%s object>", gcr_type_name(key));
        return -1;
    }
    return 0;
}

size_t gcr_weakdict_len(const gcr_object *wd)
{
    int tag;
    gcr_object *data = weakdict_any_data(wd, &tag);
    return data != NULL ? gcr_dict_len(data) : 0;
}
