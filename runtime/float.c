/* float.c — the float type: a 24-byte object holding a double (CPython's PyFloatObject), and
 * its free list (100 floats, linked through their values: see rt_freelists). */
#include <assert.h>
#include <string.h>

#include "runtime.h"

typedef struct float_object {
    gcr_object ob;
    double value; /* on the free list: the next float on it */
} float_object;

_Static_assert(sizeof(float_object) == FLOAT_SIZE, "float is 24 bytes, as in CPython");
_Static_assert(sizeof(gcr_object *) <= sizeof(double), "a free float's link fits its value");

const gcr_type float_type = {.name = "float", .kind = OBJ_FLOAT, .stats_slot = SLOT_FLOAT};

/* The float after f on the free list (memcpy: the value's bytes hold a pointer). */
static gcr_object *float_next_free(const float_object *f)
{
    gcr_object *next;
    memcpy(&next, &f->value, sizeof next);
    return next;
}

gcr_object *gcr_float_new(gcr_runtime *rt, double value)
{
    rt_freelists *fl = &rt->freelists;
    float_object *f;
    if (fl->floats != NULL) {
        f = (float_object *)fl->floats;
        fl->floats = float_next_free(f);
        fl->nfloats--;
        obj_from_freelist(rt, &f->ob, &float_type, sizeof(float_object));
    } else if ((f = (float_object *)obj_new(rt, &float_type, sizeof(float_object))) == NULL) {
        return NULL;
    }
    f->value = value;
    return &f->ob;
}

double gcr_float_value(const gcr_object *o)
{
    assert(o->type == &float_type && "gcr_float_value: not a float");
    return ((const float_object *)o)->value;
}

/* _PyFloat_ExactDealloc: onto the free list while it has room. */
void float_dealloc(gcr_runtime *rt, gcr_object *o)
{
    rt_freelists *fl = &rt->freelists;
    if (fl->nfloats >= RT_FLOAT_MAXFREELIST) {
        obj_free(rt, o, sizeof(float_object));
        return;
    }
    obj_to_freelist(rt, o, sizeof(float_object));
    memcpy(&((float_object *)o)->value, &fl->floats, sizeof fl->floats);
    fl->floats = o;
    fl->nfloats++;
}

/* _PyFloat_ClearFreeList: from the most recently freed. */
void float_clear_freelist(gcr_runtime *rt)
{
    rt_freelists *fl = &rt->freelists;
    gcr_object *o = fl->floats;
    while (o != NULL) {
        gcr_object *next = float_next_free((float_object *)o);
        obj_freelist_release(rt, o, sizeof(float_object));
        o = next;
    }
    fl->floats = NULL;
    fl->nfloats = 0;
}
