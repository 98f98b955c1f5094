/* instance.c — classes and their instances. Under py311/py313 an instance is laid out as
 * CPython 3.11 lays out a plain class's instance: a 56-byte container (GC header, object
 * header, values / dict / weaklist pointers) and a separately allocated values array holding
 * the attributes inline, indexed by the class's fixed attribute names (CPython's shared
 * keys); no __dict__ is ever materialised. Under py27 the same 56-byte object holds a real
 * attribute dict instead, created with the instance and keyed by the class's attribute
 * names (strs in metadata memory, as Python 2's interned names): what Python 2's collector
 * counts. Finalizers (__del__) run from the dealloc as subtype_dealloc runs them (py311:
 * once per object, PEP 442; py27: at every death, weak references cleared first), and the
 * object survives if the finalizer stored it somewhere. Classes are runtime metadata, owned
 * by the runtime and freed by gcr_close. */
#include <assert.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>

#include "runtime.h"

struct gcr_class {
    gcr_type type; /* what instances point to; type.name is the class name */
    gcr_class *next;
    size_t attr_count;
    char **attr_names;
    gcr_object **attr_strs; /* py27: the names as strs, the instance dicts' keys */
    gcr_finalizer finalizer;
    void *finalizer_ctx;
    int tag;         /* weakdict.c's mark on its classes; 0 otherwise */
    bool dict_attrs; /* py27: attributes in a dict object */
};

/* The layout (inst_object, inst_values: CPython's PyDictValues) and inst_traverse are in
 * layout.h. */

static void inst_clear(gcr_runtime *rt, gcr_object *o);

static inst_object *inst_cast(const gcr_object *o)
{
    assert(o->type->kind == OBJ_INSTANCE && "not an instance");
    return (inst_object *)(uintptr_t)o;
}

static gcr_class *inst_class(const gcr_object *o)
{
    return (gcr_class *)(uintptr_t)o->type; /* type is the class's first member */
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

/* Frees cls and what it owns; attr_count counts the names (and strs) made so far. */
static void inst_class_free(gcr_class *cls)
{
    for (size_t i = 0; i < cls->attr_count; i++) {
        if (cls->attr_names != NULL)
            mem_meta_free(cls->attr_names[i]);
        if (cls->attr_strs != NULL)
            str_free_meta(cls->attr_strs[i]);
    }
    mem_meta_free(cls->attr_names);
    mem_meta_free(cls->attr_strs);
    mem_meta_free((char *)(uintptr_t)cls->type.name);
    mem_meta_free(cls);
}

/* Copies attribute name i of attr_names into cls (and, py27, its str). 0, or -1: memory. */
static int inst_class_add_name(gcr_class *cls, const char *name)
{
    size_t i = cls->attr_count;
    cls->attr_names[i] = inst_strdup(name);
    if (cls->attr_names[i] == NULL)
        return -1;
    if (cls->attr_strs != NULL) {
        cls->attr_strs[i] = str_new_meta(name, strlen(name));
        if (cls->attr_strs[i] == NULL) {
            mem_meta_free(cls->attr_names[i]);
            return -1;
        }
    }
    cls->attr_count++;
    return 0;
}

gcr_class *gcr_class_new(gcr_runtime *rt, const char *name, const char *const *attr_names,
                         size_t attr_count)
{
    rt_check(rt);
    assert(name != NULL && (attr_names != NULL || attr_count == 0));
    assert(attr_count <= INT_MAX && "gcr_class_new: too many attributes");
    gcr_class *cls = mem_meta_alloc(sizeof *cls);
    if (cls == NULL)
        goto oom;
    *cls = (gcr_class){
        .type = {.kind = OBJ_INSTANCE,
                 .is_gc = true,
                 .flags = TYPE_WEAKLIST,
                 .weaklist_offset = offsetof(inst_object, weaklist),
                 .clear = inst_clear},
        .dict_attrs = rt->config.policy == GCR_POLICY_PY27,
    };
    size_t slots = attr_count > 0 ? attr_count : 1;
    cls->type.name = inst_strdup(name);
    cls->attr_names = mem_meta_alloc(slots * sizeof(char *));
    if (cls->dict_attrs)
        cls->attr_strs = mem_meta_alloc(slots * sizeof(gcr_object *));
    if (cls->type.name == NULL || cls->attr_names == NULL ||
        (cls->dict_attrs && cls->attr_strs == NULL))
        goto fail;
    while (cls->attr_count < attr_count)
        if (inst_class_add_name(cls, attr_names[cls->attr_count]) != 0)
            goto fail;
    cls->type.stats_slot = types_add(rt, cls->type.name);
    if (cls->type.stats_slot == UINT32_MAX)
        goto fail;
    cls->next = rt->classes;
    rt->classes = cls;
    return cls;

fail:
    inst_class_free(cls);
oom:
    rt_set_error(rt, "MemoryError");
    return NULL;
}

int gcr_class_attr(const gcr_class *cls, const char *attr_name)
{
    for (size_t i = 0; i < cls->attr_count; i++)
        if (strcmp(cls->attr_names[i], attr_name) == 0)
            return (int)i;
    return -1;
}

void gcr_class_set_finalizer(gcr_class *cls, gcr_finalizer finalizer, void *ctx)
{
    cls->finalizer = finalizer;
    cls->finalizer_ctx = finalizer != NULL ? ctx : NULL;
    if (finalizer != NULL)
        cls->type.flags |= TYPE_FINALIZER;
    else
        cls->type.flags &= (uint8_t)~TYPE_FINALIZER;
}

void inst_class_set_tag(gcr_class *cls, int tag) { cls->tag = tag; }

void inst_call_finalizer(gcr_runtime *rt, gcr_object *o)
{
    const gcr_class *cls = inst_class(o);
    cls->finalizer(rt, o, cls->finalizer_ctx);
}

int inst_tag(const gcr_object *o) { return o->type->kind == OBJ_INSTANCE ? inst_class(o)->tag : 0; }

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

/* A new values array: attr_count slots, all unset. The usual few slots get plain stores: the
 * loop would become a call to memset, whose wide stores the first loads of the slots then
 * wait for. */
static void inst_values_init(inst_values *v, size_t attr_count)
{
    v->attr_count = attr_count;
    gcr_object **slots = v->slots;
    switch (attr_count) {
    case 4:
        slots[3] = NULL;
        /* fall through */
    case 3:
        slots[2] = NULL;
        /* fall through */
    case 2:
        slots[1] = NULL;
        /* fall through */
    case 1:
        slots[0] = NULL;
        /* fall through */
    case 0:
        return;
    default:
        memset(slots, 0, attr_count * sizeof *slots);
    }
}

/* py27: an instance and its attribute dict, a real dict object made right after it (which
 * may collect: the instance is not tracked yet, so that collection cannot see it). */
static gcr_object *inst_new_with_dict(gcr_runtime *rt, gcr_class *cls)
{
    gcr_object *o = obj_new_container(rt, &cls->type, INST_SIZE);
    if (o == NULL)
        return NULL;
    inst_object *inst = (inst_object *)o;
    inst->values = NULL;
    inst->dict = NULL;
    inst->weaklist = NULL;
    inst->dict = gcr_dict_new(rt);
    if (inst->dict == NULL) {
        obj_free_container(rt, o, INST_SIZE);
        return obj_alloc_failed(rt);
    }
    gc_track(&rt->gc, o);
    return o;
}

gcr_object *gcr_instance_new(gcr_runtime *rt, gcr_class *cls)
{
    if (cls->dict_attrs)
        return inst_new_with_dict(rt, cls);
    void *values;
    gcr_object *o = obj_new_container_with_buffer(rt, &cls->type, INST_SIZE,
                                                  inst_values_size(cls->attr_count), &values);
    if (o == NULL)
        return NULL;
    inst_object *inst = (inst_object *)o;
    inst->values = values;
    inst->dict = NULL;
    inst->weaklist = NULL;
    inst_values_init(inst->values, cls->attr_count);
    gc_track(&rt->gc, o);
    return o;
}

static void inst_check_attr(const gcr_object *o, int attr)
{
    assert(attr >= 0 && (size_t)attr < inst_class(o)->attr_count &&
           "instance attribute index out of range (use gcr_class_attr)");
    (void)o;
    (void)attr;
}

/* py27: stores value (NULL: deletes) under attribute attr's name in the instance dict,
 * making a new dict if a collection cleared it. */
static void inst_dict_set(gcr_runtime *rt, inst_object *inst, int attr, gcr_object *value)
{
    gcr_object *key = inst_class(&inst->ob)->attr_strs[attr];
    if (value == NULL) {
        if (inst->dict != NULL)
            (void)dict_del_quiet(rt, inst->dict, key);
        return;
    }
    /* Failures are memory only (the key is a str), and leave MemoryError set. */
    if (inst->dict == NULL && (inst->dict = gcr_dict_new(rt)) == NULL)
        return;
    (void)gcr_dict_set(rt, inst->dict, key, value);
}

void gcr_instance_set(gcr_runtime *rt, gcr_object *o, int attr, gcr_object *value)
{
    inst_object *inst = inst_cast(o);
    inst_check_attr(o, attr);
    assert((value == NULL || value->refcnt > 0) && "gcr_instance_set: value is not live");
    if (inst->values == NULL) {
        inst_dict_set(rt, inst, attr, value);
        return;
    }
    gcr_object *old = inst->values->slots[attr];
    if (value != NULL)
        gcr_incref(value);
    inst->values->slots[attr] = value;
    gcr_xdecref(rt, old);
}

gcr_object *gcr_instance_get(const gcr_object *o, int attr)
{
    const inst_object *inst = inst_cast(o);
    inst_check_attr(o, attr);
    if (inst->values != NULL)
        return inst->values->slots[attr];
    if (inst->dict == NULL)
        return NULL;
    return gcr_dict_get(inst->dict, inst_class(o)->attr_strs[attr]);
}

gcr_object *gcr_instance_dict(const gcr_object *o) { return inst_cast(o)->dict; }

/* ---------------------------------------------------------------------------------------
 * Type hooks
 * ------------------------------------------------------------------------------------- */

/* subtype_clear: drops every attribute, each slot set to NULL before its value is dropped
 * (Py_CLEAR); py27: drops the attribute dict. */
static void inst_clear(gcr_runtime *rt, gcr_object *o)
{
    inst_object *inst = (inst_object *)o;
    inst_values *v = inst->values;
    if (v == NULL) {
        gcr_object *dict = inst->dict;
        inst->dict = NULL;
        gcr_xdecref(rt, dict);
        return;
    }
    for (uint64_t i = 0; i < v->attr_count; i++) {
        gcr_object *value = v->slots[i];
        v->slots[i] = NULL;
        gcr_xdecref(rt, value);
    }
}

/* PyObject_CallFinalizerFromDealloc. Before: o is dying (refcnt 0, untracked). The
 * finalizer runs with o tracked and temporarily resurrected (refcnt 1), as CPython's
 * subtype_dealloc runs it; py311/py313 only when o was never finalized (the FINALIZED bit,
 * set here). Returns 0 when o is to be freed (untracked again), -1 when the finalizer stored
 * a reference to it: o lives on, tracked, with the references the finalizer made. */
static int inst_finalize_from_dealloc(gcr_runtime *rt, gcr_object *o, const gcr_class *cls)
{
    gc_head *g = obj_as_gc(o);
    bool once = rt->config.policy != GCR_POLICY_PY27;
    if (once && (g->prev & GC_PREV_MASK_FINALIZED) != 0)
        return 0;
    gc_track(&rt->gc, o);
    o->refcnt = 1;
    if (once)
        g->prev |= GC_PREV_MASK_FINALIZED;
    cls->finalizer(rt, o, cls->finalizer_ctx);
    if (--o->refcnt != 0)
        return -1;
    gc_untrack(&rt->gc, o);
    return 0;
}

void inst_dealloc(gcr_runtime *rt, gcr_object *o)
{
    inst_object *inst = (inst_object *)o;
    const gcr_class *cls = inst_class(o);
    if ((cls->type.flags & TYPE_FINALIZER) != 0 && !rt->closing) {
        /* Python 2 cleared weak references before __del__, 3.x after it. */
        if (rt->config.policy == GCR_POLICY_PY27 && inst->weaklist != NULL)
            weakref_clear_all(rt, o);
        if (inst_finalize_from_dealloc(rt, o, cls) != 0)
            return;
    }
    if (inst->weaklist != NULL)
        weakref_clear_all(rt, o);
    inst_values *v = inst->values;
    if (v == NULL) {
        gcr_xdecref(rt, inst->dict);
        obj_free_container(rt, o, INST_SIZE);
        return;
    }
    uint64_t attr_count = v->attr_count;
    for (uint64_t i = 0; i < attr_count; i++)
        gcr_xdecref(rt, v->slots[i]);
    obj_free_container_with_buffer(rt, o, INST_SIZE, v, inst_values_size(attr_count));
}
