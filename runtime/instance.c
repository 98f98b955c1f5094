/* instance.c — classes and their instances, as CPython 3.11 lays out a plain class's
 * instance: a 56-byte container (GC header, object header, values / dict / weaklist
 * pointers) and a separately allocated values array holding the attributes inline, indexed
 * by the class's fixed attribute names (CPython's shared keys). No __dict__ is ever
 * materialised. Classes are runtime metadata, owned by the runtime and freed by gcr_close. */
#include <assert.h>
#include <limits.h>
#include <string.h>

#include "runtime.h"

struct gcr_class {
    gcr_type type; /* what instances point to; type.name is the class name */
    gcr_class *next;
    size_t attr_count;
    char **attr_names;
};

/* CPython's PyDictValues: a prefix word, then one slot per attribute (NULL: unset). */
typedef struct inst_values {
    uint64_t attr_count; /* the prefix; also the slot count, for the sized free */
    gcr_object *slots[];
} inst_values;

typedef struct inst_object {
    gcr_object ob;
    inst_values *values;
    void *dict;     /* always NULL: never materialised */
    void *weaklist; /* NULL until weak references exist */
} inst_object;

_Static_assert(sizeof(gc_head) + sizeof(inst_object) == INST_SIZE, "an instance is 56 bytes");

static int inst_traverse(gcr_object *o, obj_visit_fn visit, void *arg);
static void inst_clear(gcr_runtime *rt, gcr_object *o);

static inst_object *inst_cast(const gcr_object *o)
{
    assert(o->type->kind == OBJ_INSTANCE && "not an instance");
    return (inst_object *)(uintptr_t)o;
}

static size_t inst_values_size(size_t attr_count)
{
    return sizeof(inst_values) + attr_count * sizeof(gcr_object *);
}

/* ---------------------------------------------------------------------------------------
 * Classes
 * ------------------------------------------------------------------------------------- */

/* A copy of s in metadata memory, or NULL. */
static char *inst_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *copy = mem_meta_alloc(n);
    if (copy != NULL)
        memcpy(copy, s, n);
    return copy;
}

static void inst_class_free(gcr_class *cls)
{
    if (cls->attr_names != NULL)
        for (size_t i = 0; i < cls->attr_count; i++)
            mem_meta_free(cls->attr_names[i]);
    mem_meta_free(cls->attr_names);
    mem_meta_free((char *)(uintptr_t)cls->type.name);
    mem_meta_free(cls);
}

gcr_class *gcr_class_new(gcr_runtime *rt, const char *name, const char *const *attr_names,
                         size_t attr_count)
{
    rt_check(rt);
    assert(name != NULL && (attr_names != NULL || attr_count == 0));
    assert(attr_count <= INT_MAX && "gcr_class_new: too many attributes");
    gcr_class *cls = mem_meta_alloc(sizeof *cls);
    if (cls == NULL)
        return NULL;
    *cls = (gcr_class){
        .type = {.kind = OBJ_INSTANCE,
                 .is_gc = true,
                 .traverse = inst_traverse,
                 .clear = inst_clear},
        .attr_count = 0, /* counts the names copied so far, for inst_class_free */
    };
    cls->type.name = inst_strdup(name);
    cls->attr_names = mem_meta_alloc((attr_count > 0 ? attr_count : 1) * sizeof(char *));
    if (cls->type.name == NULL || cls->attr_names == NULL)
        goto fail;
    for (; cls->attr_count < attr_count; cls->attr_count++) {
        char *copy = inst_strdup(attr_names[cls->attr_count]);
        if (copy == NULL)
            goto fail;
        cls->attr_names[cls->attr_count] = copy;
    }
    cls->next = rt->classes;
    rt->classes = cls;
    return cls;

fail:
    inst_class_free(cls);
    return NULL;
}

int gcr_class_attr(const gcr_class *cls, const char *attr_name)
{
    for (size_t i = 0; i < cls->attr_count; i++)
        if (strcmp(cls->attr_names[i], attr_name) == 0)
            return (int)i;
    return -1;
}

void inst_classes_free(gcr_runtime *rt)
{
    while (rt->classes != NULL) {
        gcr_class *cls = rt->classes;
        rt->classes = cls->next;
        inst_class_free(cls);
    }
}

/* ---------------------------------------------------------------------------------------
 * Instances
 * ------------------------------------------------------------------------------------- */

gcr_object *gcr_instance_new(gcr_runtime *rt, gcr_class *cls)
{
    gcr_object *o = obj_new_container(rt, &cls->type, sizeof(gc_head) + sizeof(inst_object));
    if (o == NULL)
        return NULL;
    inst_object *inst = (inst_object *)o;
    inst->values = mem_alloc(&rt->mem, inst_values_size(cls->attr_count));
    if (inst->values == NULL) {
        obj_free_container(rt, o, sizeof(gc_head) + sizeof(inst_object));
        return NULL;
    }
    inst->values->attr_count = cls->attr_count;
    for (size_t i = 0; i < cls->attr_count; i++)
        inst->values->slots[i] = NULL;
    inst->dict = NULL;
    inst->weaklist = NULL;
    gc_track(&rt->gc, o);
    return o;
}

void gcr_instance_set(gcr_runtime *rt, gcr_object *o, int attr, gcr_object *value)
{
    inst_object *inst = inst_cast(o);
    assert(attr >= 0 && (uint64_t)attr < inst->values->attr_count &&
           "gcr_instance_set: attribute index out of range (use gcr_class_attr)");
    assert((value == NULL || value->refcnt > 0) && "gcr_instance_set: value is not live");
    gcr_object *old = inst->values->slots[attr];
    if (value != NULL)
        gcr_incref(value);
    inst->values->slots[attr] = value;
    gcr_xdecref(rt, old);
}

gcr_object *gcr_instance_get(const gcr_object *o, int attr)
{
    const inst_object *inst = inst_cast(o);
    assert(attr >= 0 && (uint64_t)attr < inst->values->attr_count &&
           "gcr_instance_get: attribute index out of range (use gcr_class_attr)");
    return inst->values->slots[attr];
}

/* ---------------------------------------------------------------------------------------
 * Type hooks
 * ------------------------------------------------------------------------------------- */

static int inst_traverse(gcr_object *o, obj_visit_fn visit, void *arg)
{
    const inst_values *v = ((const inst_object *)o)->values;
    for (uint64_t i = 0; i < v->attr_count; i++) {
        if (v->slots[i] != NULL) {
            int rc = visit(v->slots[i], arg);
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}

/* Drops every attribute, each slot set to NULL before its value is dropped (Py_CLEAR). */
static void inst_clear(gcr_runtime *rt, gcr_object *o)
{
    inst_values *v = ((inst_object *)o)->values;
    for (uint64_t i = 0; i < v->attr_count; i++) {
        gcr_object *value = v->slots[i];
        v->slots[i] = NULL;
        gcr_xdecref(rt, value);
    }
}

void inst_dealloc(gcr_runtime *rt, gcr_object *o)
{
    inst_object *inst = (inst_object *)o;
    inst_values *v = inst->values;
    for (uint64_t i = 0; i < v->attr_count; i++)
        gcr_xdecref(rt, v->slots[i]);
    mem_free(&rt->mem, v, inst_values_size(v->attr_count));
    obj_free_container(rt, o, sizeof(gc_head) + sizeof(inst_object));
}
