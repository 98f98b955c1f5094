/* seed004.c — seed 004's A and B objects built in the gcbench runtime (see seed004.h). */
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
    if (c->a == NULL || c->b == NULL)
        return -1;
    c->a_cache = gcr_class_attr(c->a, "_cache");
    c->a_b = gcr_class_attr(c->a, "b");
    c->b_name = gcr_class_attr(c->b, "name");
    c->b_a = gcr_class_attr(c->b, "_a");
    return 0;
}

static double wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* [i + time.time() for i in range(floats)]: a new list, or NULL. */
static gcr_object *new_cache(gcr_runtime *rt, long floats)
{
    gcr_object *cache = gcr_list_new(rt);
    if (cache == NULL)
        return NULL;
    double now = wall_seconds();
    for (long i = 0; i < floats; i++) {
        gcr_object *f = gcr_float_new(rt, (double)i + now);
        int rc = f != NULL ? gcr_list_append(rt, cache, f) : -1;
        gcr_xdecref(rt, f);
        if (rc != 0) {
            gcr_decref(rt, cache);
            return NULL;
        }
    }
    return cache;
}

gcr_object *seed004_new_b(gcr_runtime *rt, const seed004_classes *c, seed004_back back, long index,
                          long floats)
{
    char text[64];
    int len = snprintf(text, sizeof text, "A-%ld-%.7f", index, wall_seconds());
    gcr_object *name = gcr_str_new(rt, text, (size_t)len);
    gcr_object *b = name != NULL ? gcr_instance_new(rt, c->b) : NULL;
    if (b == NULL) {
        gcr_xdecref(rt, name);
        return NULL;
    }
    gcr_instance_set(rt, b, c->b_name, name);
    gcr_decref(rt, name);

    /* A(b=self) or A(b=weakref.proxy(self)): the argument is made first */
    gcr_object *to_b = back == SEED004_PROXY ? gcr_proxy_new(rt, b, NULL) : b;
    gcr_object *a = to_b != NULL ? gcr_instance_new(rt, c->a) : NULL;
    gcr_object *cache = a != NULL ? new_cache(rt, floats) : NULL;
    if (cache == NULL) {
        gcr_xdecref(rt, a);
        if (to_b != b)
            gcr_xdecref(rt, to_b);
        gcr_decref(rt, b);
        return NULL;
    }
    gcr_instance_set(rt, a, c->a_cache, cache);
    gcr_decref(rt, cache);
    gcr_instance_set(rt, a, c->a_b, to_b); /* the back-pointer: B <-> A, or B <- A's proxy */
    if (to_b != b)
        gcr_decref(rt, to_b);
    gcr_instance_set(rt, b, c->b_a, a);
    gcr_decref(rt, a);
    return b;
}

gcr_object *seed004_new_b_list(gcr_runtime *rt, const seed004_classes *c, seed004_back back,
                               long objects, long floats)
{
    gcr_object *list = gcr_list_new(rt);
    if (list == NULL)
        return NULL;
    for (long i = 0; i < objects; i++) {
        gcr_object *b = seed004_new_b(rt, c, back, i, floats);
        int rc = b != NULL ? gcr_list_append(rt, list, b) : -1;
        gcr_xdecref(rt, b);
        if (rc != 0) {
            gcr_decref(rt, list);
            return NULL;
        }
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
    gcr_object *b_list = seed004_new_b_list(rt, c, back, p->v[0], p->v[1]);
    if (b_list == NULL) {
        snprintf(err, errlen, "out of memory building %ld objects", p->v[0]);
        return -1;
    }
    gcr_decref(rt, b_list); /* the function returns: b_list goes, any cycles stay */
    return 0;
}

void seed004_teardown(gcr_runtime *rt, const scn_values *p, void *state)
{
    (void)rt;
    (void)p;
    free(state);
}
