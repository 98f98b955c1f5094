/* float.c — the float type: a 24-byte object holding a double (CPython's PyFloatObject). */
#include <assert.h>

#include "runtime.h"

typedef struct float_object {
    gcr_object ob;
    double value;
} float_object;

_Static_assert(sizeof(float_object) == FLOAT_SIZE, "float is 24 bytes, as in CPython");

const gcr_type float_type = {.name = "float", .kind = OBJ_FLOAT, .stats_slot = SLOT_FLOAT};

gcr_object *gcr_float_new(gcr_runtime *rt, double value)
{
    float_object *f = (float_object *)obj_new(rt, &float_type, sizeof(float_object));
    if (f == NULL)
        return NULL;
    f->value = value;
    return &f->ob;
}

double gcr_float_value(const gcr_object *o)
{
    assert(o->type == &float_type && "gcr_float_value: not a float");
    return ((const float_object *)o)->value;
}

void float_dealloc(gcr_runtime *rt, gcr_object *o) { obj_free(rt, o, sizeof(float_object)); }
