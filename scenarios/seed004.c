/* seed004.c — seed 004's A and B objects built in the gcbench runtime as CPython builds them
 * (see seed004.h). */
#include "seed004.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int seed004_classes_new(gcr_runtime *rt, seed004_classes *c)
{
    static const char *const a_attrs[] = {"_cache", "b"};
    static const char *const b_attrs[] = {"name", "_a"};
    c->a = gcr_class_new(rt, "A", a_attrs, 2);
    c->b = gcr_class_new(rt, "B", b_attrs, 2);
    c->key_name = gcr_str_new(rt, "name", 4);
    c->key_b = gcr_str_new(rt, "b", 1);
    if (c->a == NULL || c->b == NULL || c->key_name == NULL || c->key_b == NULL) {
        seed004_classes_drop(rt, c);
        return -1;
    }
    c->a_cache = gcr_class_attr(c->a, "_cache");
    c->a_b = gcr_class_attr(c->a, "b");
    c->b_name = gcr_class_attr(c->b, "name");
    c->b_a = gcr_class_attr(c->b, "_a");
    return 0;
}

void seed004_classes_drop(gcr_runtime *rt, seed004_classes *c)
{
    gcr_xdecref(rt, c->key_name);
    gcr_xdecref(rt, c->key_b);
    c->key_name = c->key_b = NULL;
}

static double wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---------------------------------------------------------------------------------------
 * A keyword call of a class: cls(key=value)
 * ------------------------------------------------------------------------------------- */

/* The objects of one keyword call, alive while __init__ runs. */
typedef struct kw_call {
    gcr_object *kwargs;  /* _PyObject_MakeTpCall's dict of the keyword arguments */
    gcr_object *kwnames; /* slot_tp_init's _PyStack_UnpackDict: the names, as a tuple */
} kw_call;

/* cls(key=value) up to the start of __init__: the dict of the keyword arguments, the
 * instance (type_call), the tuple of the names (made by PyTuple_New: tracked), then
 * __init__'s first instruction checks the eval breaker. Returns the instance, or NULL (the
 * call's objects dropped). */
static gcr_object *kw_call_begin(gcr_runtime *rt, gcr_class *cls, gcr_object *key,
                                 gcr_object *value, kw_call *call)
{
    *call = (kw_call){NULL, NULL};
    gcr_object *self = NULL;
    call->kwargs = gcr_dict_new(rt);
    if (call->kwargs != NULL && gcr_dict_set(rt, call->kwargs, key, value) == 0 &&
        (self = gcr_instance_new(rt, cls)) != NULL &&
        (call->kwnames = gcr_tuple_new_tracked(rt, 1, &key)) != NULL) {
        gcr_eval_breaker(rt);
        return self;
    }
    gcr_xdecref(rt, self);
    gcr_xdecref(rt, call->kwargs);
    return NULL;
}

/* __init__ returned: the names go, then the dict, and the CALL instruction checks the eval
 * breaker. */
static void kw_call_end(gcr_runtime *rt, kw_call *call)
{
    gcr_decref(rt, call->kwnames);
    gcr_decref(rt, call->kwargs);
    gcr_eval_breaker(rt);
}

/* ---------------------------------------------------------------------------------------
 * A and B
 * ------------------------------------------------------------------------------------- */

/* [i + time.time() for i in range(floats)]: a new list, or NULL. (3.11: the comprehension's
 * function object around it; 3.12+: the loop's first call into C checks the eval breaker
 * once the list exists; floats are no containers.) */
static gcr_object *new_cache(gcr_runtime *rt, long floats)
{
    gcr_object *fn;
    if (gcr_comprehension_enter(rt, &fn) != 0)
        return NULL;
    gcr_object *cache = gcr_list_new(rt);
    if (cache != NULL && floats > 0)
        gcr_eval_breaker(rt);
    for (long i = 0; cache != NULL && i < floats; i++) {
        gcr_object *f = gcr_float_new(rt, (double)i + wall_seconds());
        int rc = f != NULL ? gcr_list_append(rt, cache, f) : -1;
        gcr_xdecref(rt, f);
        if (rc != 0) {
            gcr_decref(rt, cache);
            cache = NULL;
        }
    }
    gcr_comprehension_exit(rt, fn);
    return cache;
}

/* A(b=to_b) with A.__init__'s body. */
static gcr_object *new_a(gcr_runtime *rt, const seed004_classes *c, gcr_object *to_b, long floats)
{
    kw_call call;
    gcr_object *a = kw_call_begin(rt, c->a, c->key_b, to_b, &call);
    if (a == NULL)
        return NULL;
    gcr_object *cache = new_cache(rt, floats);
    if (cache != NULL) {
        gcr_instance_set(rt, a, c->a_cache, cache);
        gcr_decref(rt, cache);
        gcr_instance_set(rt, a, c->a_b, to_b); /* the back-pointer */
    }
    kw_call_end(rt, &call);
    if (cache == NULL) {
        gcr_decref(rt, a);
        return NULL;
    }
    return a;
}

/* "A-%d-%f" % (index, time.time()): the clock (a call into C), then the operator's tuple,
 * made and dropped around the new str. */
static gcr_object *new_name(gcr_runtime *rt, long index)
{
    gcr_eval_breaker(rt);
    double now = wall_seconds();
    gcr_object *items[2] = {gcr_int_new(rt, index), gcr_float_new(rt, now)};
    gcr_object *args = items[0] != NULL && items[1] != NULL ? gcr_tuple_new(rt, 2, items) : NULL;
    gcr_object *name = NULL;
    if (args != NULL) {
        char text[64];
        int len = snprintf(text, sizeof text, "A-%ld-%f", index, now);
        name = gcr_str_new(rt, text, (size_t)len);
        gcr_decref(rt, args);
    }
    gcr_xdecref(rt, items[0]);
    gcr_xdecref(rt, items[1]);
    return name;
}

gcr_object *seed004_new_b(gcr_runtime *rt, const seed004_classes *c, seed004_back back, long index,
                          long floats)
{
    gcr_object *name = new_name(rt, index);
    if (name == NULL)
        return NULL;
    kw_call call;
    gcr_object *b = kw_call_begin(rt, c->b, c->key_name, name, &call);
    if (b == NULL) {
        gcr_decref(rt, name);
        return NULL;
    }
    gcr_instance_set(rt, b, c->b_name, name); /* self.name = name */
    gcr_decref(rt, name);

    /* A(b=self), or A(b=weakref.proxy(self)): the proxy is made first (a call into C). */
    gcr_object *to_b = b;
    if (back == SEED004_PROXY) {
        to_b = gcr_proxy_new(rt, b, NULL);
        if (to_b != NULL)
            gcr_eval_breaker(rt);
    }
    gcr_object *a = to_b != NULL ? new_a(rt, c, to_b, floats) : NULL;
    if (to_b != b)
        gcr_xdecref(rt, to_b);
    if (a != NULL) {
        gcr_instance_set(rt, b, c->b_a, a); /* self._a = A(...) */
        gcr_decref(rt, a);
    }
    kw_call_end(rt, &call);
    if (a == NULL) {
        gcr_decref(rt, b);
        return NULL;
    }
    return b;
}

gcr_object *seed004_new_b_list(gcr_runtime *rt, const seed004_classes *c, seed004_back back,
                               long objects, long floats)
{
    gcr_eval_breaker(rt);                /* b_list(): its first instruction */
    gcr_object *list = gcr_list_new(rt); /* bl = [] */
    if (list == NULL)
        return NULL;
    gcr_eval_breaker(rt); /* range(objects): a call into C */
    for (long i = 0; i < objects; i++) {
        gcr_object *b = seed004_new_b(rt, c, back, i, floats);
        int rc = b != NULL ? gcr_list_append(rt, list, b) : -1; /* bl.append(...) */
        gcr_xdecref(rt, b);
        if (rc != 0) {
            gcr_decref(rt, list);
            return NULL;
        }
        gcr_eval_breaker(rt); /* the loop's back edge */
    }
    return list;
}

int seed004_setup(gcr_runtime *rt, const scn_values *p, void **state, char *err, size_t errlen)
{
    (void)p;
    seed004_classes *c = malloc(sizeof *c);
    if (c == NULL || seed004_classes_new(rt, c) != 0) {
        free(c);
        snprintf(err, errlen, "out of memory creating classes A and B");
        return -1;
    }
    *state = c;
    return 0;
}

int seed004_step(gcr_runtime *rt, const scn_values *p, seed004_classes *c, seed004_back back,
                 char *err, size_t errlen)
{
    gcr_eval_breaker(rt); /* step(): its first instruction */
    gcr_object *b_list = seed004_new_b_list(rt, c, back, p->v[0], p->v[1]);
    if (b_list == NULL) {
        snprintf(err, errlen, "out of memory building %ld objects", p->v[0]);
        return -1;
    }
    gcr_decref(rt, b_list); /* the result is not kept: b_list goes, any cycles stay */
    return 0;
}

void seed004_teardown(gcr_runtime *rt, const scn_values *p, void *state)
{
    (void)p;
    seed004_classes_drop(rt, state);
    free(state);
}
