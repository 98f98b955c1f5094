/* instance.c — classes and their instances. Under py311/py313 an instance is laid out as
 * CPython 3.11 lays out a plain class's instance: a 56-byte container (GC header, object
 * header, values / dict / weaklist pointers) and a separately allocated values array holding
 * the attributes inline, indexed by the class's fixed attribute names (CPython's shared
 * keys); no __dict__ is ever materialised. Under py27 the same 56-byte object holds a real
 * attribute dict instead, created with the instance and keyed by the class's attribute
 * names (strs in metadata memory, as Python 2's interned names): what Python 2's collector
 * counts. An instance of a __slots__ class (gcr_class_new_slots; kind OBJ_SLOTS, every
 * policy) is one block of 32 + 8 per slot bytes holding its attributes itself, in the order
 * CPython sorts the (mangled) slot names into; no values, no dict, and a weak reference list
 * only when a slot is named __weakref__. Finalizers (__del__) run from the dealloc as
 * subtype_dealloc runs them (py311: once per object, PEP 442; py27: at every death, weak
 * references cleared first), and the object survives if the finalizer stored it somewhere.
 * Classes are runtime metadata, owned by the runtime and freed by gcr_close. */
#include <assert.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "runtime.h"

/* Slots per __slots__ class: the weak reference list's offset must fit gcr_type's 16 bits. */
#define SLOTS_MAX 8000

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
    /* A __slots__ class (type.kind OBJ_SLOTS): its instances' size, and for each attribute
     * (in the order given) its slot in the instance (CPython's order: names sorted). */
    size_t slots_size;
    uint32_t slot_of[];
};

/* The layouts (inst_object, inst_values: CPython's PyDictValues; slots_object) and
 * inst_traverse, slots_traverse are in layout.h. */

static void inst_clear(gcr_runtime *rt, gcr_object *o);
static void slots_clear(gcr_runtime *rt, gcr_object *o);

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

/* A new class named name with room for attr_count attribute names (added by
 * inst_class_add_name) and as many slot_of entries, not yet in rt's list; attribute dicts
 * (py27) when dict_attrs. NULL when memory ran out (MemoryError set). */
static gcr_class *inst_class_alloc(gcr_runtime *rt, const char *name, size_t attr_count,
                                   bool dict_attrs)
{
    size_t names = attr_count > 0 ? attr_count : 1;
    gcr_class *cls = mem_meta_alloc(sizeof *cls + attr_count * sizeof(uint32_t));
    if (cls == NULL)
        goto oom;
    *cls = (gcr_class){
        .type = {.kind = OBJ_INSTANCE,
                 .is_gc = true,
                 .flags = TYPE_WEAKLIST,
                 .weaklist_offset = offsetof(inst_object, weaklist),
                 .clear = inst_clear},
        .dict_attrs = dict_attrs,
    };
    cls->type.name = inst_strdup(name);
    cls->attr_names = mem_meta_alloc(names * sizeof(char *));
    if (dict_attrs)
        cls->attr_strs = mem_meta_alloc(names * sizeof(gcr_object *));
    if (cls->type.name != NULL && cls->attr_names != NULL &&
        (!dict_attrs || cls->attr_strs != NULL))
        return cls;
    inst_class_free(cls);
oom:
    rt_set_error(rt, "MemoryError");
    return NULL;
}

/* Gives cls its statistics slot and adds it to rt's classes. 0, or -1 (cls freed, MemoryError
 * set). */
static int inst_class_register(gcr_runtime *rt, gcr_class *cls)
{
    cls->type.stats_slot = types_add(rt, cls->type.name);
    if (cls->type.stats_slot == UINT32_MAX) {
        inst_class_free(cls);
        rt_set_error(rt, "MemoryError");
        return -1;
    }
    cls->next = rt->classes;
    rt->classes = cls;
    return 0;
}

gcr_class *gcr_class_new(gcr_runtime *rt, const char *name, const char *const *attr_names,
                         size_t attr_count)
{
    rt_check(rt);
    assert(name != NULL && (attr_names != NULL || attr_count == 0));
    assert(attr_count <= INT_MAX && "gcr_class_new: too many attributes");
    gcr_class *cls = inst_class_alloc(rt, name, attr_count, rt->traits->dict_attrs);
    if (cls == NULL)
        return NULL;
    while (cls->attr_count < attr_count) {
        if (inst_class_add_name(cls, attr_names[cls->attr_count]) != 0) {
            inst_class_free(cls);
            rt_set_error(rt, "MemoryError");
            return NULL;
        }
    }
    return inst_class_register(rt, cls) == 0 ? cls : NULL;
}

/* ---------------------------------------------------------------------------------------
 * __slots__ classes
 * ------------------------------------------------------------------------------------- */

/* What type_new accepts in __slots__: identifiers (here: ASCII letters, digits and '_', not
 * starting with a digit; any non-ASCII byte passes, as a UTF-8 identifier would). */
static bool slots_is_identifier(const char *name)
{
    if (name[0] == '\0' || (name[0] >= '0' && name[0] <= '9'))
        return false;
    for (const unsigned char *c = (const unsigned char *)name; *c != '\0'; c++)
        if (!(*c == '_' || (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
              (*c >= '0' && *c <= '9') || *c >= 0x80))
            return false;
    return true;
}

/* The name slot `name` of class cls_name is stored under (CPython's _Py_Mangle, which
 * type_new applies before it sorts the slots): "__x" in class "S" is "_S__x"; a name not
 * starting with "__", ending with "__" or holding a dot is kept, and so is every name in a
 * class named only with underscores. A copy in metadata memory, or NULL. */
static char *slots_mangle(const char *cls_name, const char *name)
{
    size_t len = strlen(name);
    while (*cls_name == '_')
        cls_name++;
    if (strncmp(name, "__", 2) != 0 || (len >= 2 && strcmp(name + len - 2, "__") == 0) ||
        strchr(name, '.') != NULL || *cls_name == '\0')
        return inst_strdup(name);
    size_t cls_len = strlen(cls_name);
    char *mangled = mem_meta_alloc(1 + cls_len + len + 1);
    if (mangled != NULL) {
        mangled[0] = '_';
        memcpy(mangled + 1, cls_name, cls_len);
        memcpy(mangled + 1 + cls_len, name, len + 1);
    }
    return mangled;
}

/* An attribute's mangled name and index, sorted as type_new's PyList_Sort sorts the slots
 * (by code point, which is UTF-8's byte order; stable: equal names keep their order). */
typedef struct slots_key {
    char *mangled;
    uint32_t attr;
} slots_key;

static int slots_key_compare(const void *a, const void *b)
{
    const slots_key *x = a, *y = b;
    int by_name = strcmp(x->mangled, y->mangled);
    return by_name != 0 ? by_name : (x->attr > y->attr) - (x->attr < y->attr);
}

/* Fills cls->slot_of: attribute i's slot is its name's rank among the sorted mangled names.
 * 0, or -1: memory. */
static int slots_assign(gcr_class *cls)
{
    size_t n = cls->attr_count;
    if (n == 0)
        return 0;
    slots_key *keys = mem_meta_alloc(n * sizeof *keys);
    if (keys == NULL)
        return -1;
    size_t made = 0;
    for (; made < n; made++) {
        keys[made] =
            (slots_key){slots_mangle(cls->type.name, cls->attr_names[made]), (uint32_t)made};
        if (keys[made].mangled == NULL)
            break;
    }
    bool complete = made == n;
    if (complete) {
        qsort(keys, n, sizeof *keys, slots_key_compare);
        for (size_t rank = 0; rank < n; rank++)
            cls->slot_of[keys[rank].attr] = (uint32_t)rank;
    }
    for (size_t i = 0; i < made; i++)
        mem_meta_free(keys[i].mangled);
    mem_meta_free(keys);
    return complete ? 0 : -1;
}

/* type_new's checks of __slots__: identifiers, at most one __weakref__ (*weakref), no
 * __dict__ (not modelled). 0, or -1 with the error set. */
static int slots_check_names(gcr_runtime *rt, const char *const *slot_names, size_t slot_count,
                             bool *weakref)
{
    *weakref = false;
    for (size_t i = 0; i < slot_count; i++) {
        const char *name = slot_names[i];
        assert(name != NULL && "gcr_class_new_slots: NULL slot name");
        if (!slots_is_identifier(name)) {
            rt_set_error(rt, "TypeError: __slots__ must be identifiers");
            return -1;
        }
        if (strcmp(name, "__dict__") == 0) {
            rt_set_error(rt, "NotImplementedError: a __dict__ slot is not modelled (use "
                             "gcr_class_new for instances with attribute dicts)");
            return -1;
        }
        if (strcmp(name, "__weakref__") == 0) {
            if (*weakref) {
                rt_set_error(rt, "TypeError: __weakref__ slot disallowed: either we already "
                                 "got one, or __itemsize__ != 0");
                return -1;
            }
            *weakref = true;
        }
    }
    return 0;
}

gcr_class *gcr_class_new_slots(gcr_runtime *rt, const char *name, const char *const *slot_names,
                               size_t slot_count)
{
    rt_check(rt);
    assert(name != NULL && (slot_names != NULL || slot_count == 0));
    assert(slot_count <= SLOTS_MAX && "gcr_class_new_slots: too many slots");
    bool weakref;
    if (slots_check_names(rt, slot_names, slot_count, &weakref) != 0)
        return NULL;
    size_t attr_count = slot_count - weakref;
    gcr_class *cls = inst_class_alloc(rt, name, attr_count, false);
    if (cls == NULL)
        return NULL;
    for (size_t i = 0; i < slot_count; i++) {
        if (strcmp(slot_names[i], "__weakref__") == 0)
            continue;
        if (inst_class_add_name(cls, slot_names[i]) != 0)
            goto oom;
    }
    if (slots_assign(cls) != 0)
        goto oom;
    cls->type.kind = OBJ_SLOTS;
    cls->type.slot_count = (uint32_t)attr_count;
    cls->type.flags = weakref ? TYPE_WEAKLIST : 0;
    cls->type.weaklist_offset =
        (uint16_t)(offsetof(slots_object, slots) + attr_count * sizeof(gcr_object *));
    cls->type.clear = slots_clear;
    cls->slots_size = slots_block_size(&cls->type);
    return inst_class_register(rt, cls) == 0 ? cls : NULL;

oom:
    inst_class_free(cls);
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

size_t gcr_classes_stats(const gcr_runtime *rt, gcr_type_stat *out, size_t max)
{
    rt_check(rt);
    size_t n = 0;
    for (const gcr_class *cls = rt->classes; cls != NULL; cls = cls->next)
        n += cls->tag == 0;
    /* rt->classes is newest first: the oldest goes to out[0]. */
    size_t i = n;
    for (const gcr_class *cls = rt->classes; cls != NULL; cls = cls->next) {
        if (cls->tag != 0)
            continue;
        i--;
        if (i < max)
            out[i] = types_stat_of(rt, cls->type.stats_slot);
    }
    return n;
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

/* Sets n slots (a values array's, or a slots instance's words) unset. The usual few get
 * plain stores: the loop would become a call to memset, whose wide stores the first loads of
 * the slots then wait for. */
static OBJ_ALWAYS_INLINE void inst_slots_init(gcr_object **slots, size_t n)
{
    switch (n) {
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
        memset(slots, 0, n * sizeof *slots);
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

/* A new slots instance o: every slot (and the weak reference list) unset. */
static OBJ_ALWAYS_INLINE void slots_init(gcr_object *o, size_t size)
{
    inst_slots_init(((slots_object *)o)->slots,
                    (size - sizeof(gc_head) - sizeof(slots_object)) / sizeof(gcr_object *));
}

/* slots_new when the allocator's fast path declines: obj_new_container's whole path. */
static OBJ_NOINLINE gcr_object *slots_new_slow(gcr_runtime *rt, gcr_class *cls)
{
    gcr_object *o = obj_new_container(rt, &cls->type, cls->slots_size);
    if (o == NULL)
        return NULL;
    slots_init(o, cls->slots_size);
    gc_track(&rt->gc, o);
    return o;
}

/* An instance of a __slots__ class: one block, its slots unset, tracked. The common case
 * (the allocator's fast path, no collection due) calls nothing and needs no stack frame. */
static OBJ_ALWAYS_INLINE gcr_object *slots_new(gcr_runtime *rt, gcr_class *cls)
{
    size_t size = cls->slots_size;
    gcr_object *o = obj_try_new_container(rt, &cls->type, size);
    if (MEM_UNLIKELY(o == NULL))
        return slots_new_slow(rt, cls);
    slots_init(o, size);
    return obj_track_new(rt, o);
}

/* An instance of a plain class: values (py311/py313) or an attribute dict (py27). */
static OBJ_NOINLINE gcr_object *inst_new(gcr_runtime *rt, gcr_class *cls)
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
    inst->values->attr_count = cls->attr_count;
    inst_slots_init(inst->values->slots, cls->attr_count);
    gc_track(&rt->gc, o);
    return o;
}

gcr_object *gcr_instance_new(gcr_runtime *rt, gcr_class *cls)
{
    if (cls->type.kind == OBJ_SLOTS)
        return slots_new(rt, cls);
    return inst_new(rt, cls);
}

static void inst_check_attr(const gcr_object *o, int attr)
{
    assert((o->type->kind == OBJ_INSTANCE || o->type->kind == OBJ_SLOTS) && "not an instance");
    assert(attr >= 0 && (size_t)attr < inst_class(o)->attr_count &&
           "instance attribute index out of range (use gcr_class_attr)");
    (void)o;
    (void)attr;
}

/* Attribute attr's slot in a slots instance. */
static gcr_object **slots_at(const gcr_object *o, int attr)
{
    return &((slots_object *)(uintptr_t)o)->slots[inst_class(o)->slot_of[attr]];
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
    inst_check_attr(o, attr);
    assert((value == NULL || value->refcnt > 0) && "gcr_instance_set: value is not live");
    gcr_object **slot;
    if (o->type->kind == OBJ_SLOTS) {
        slot = slots_at(o, attr);
    } else {
        inst_object *inst = inst_cast(o);
        if (inst->values == NULL) {
            inst_dict_set(rt, inst, attr, value);
            return;
        }
        slot = &inst->values->slots[attr];
    }
    gcr_object *old = *slot;
    if (value != NULL)
        gcr_incref(value);
    *slot = value;
    gcr_xdecref(rt, old);
}

gcr_object *gcr_instance_get(const gcr_object *o, int attr)
{
    inst_check_attr(o, attr);
    if (o->type->kind == OBJ_SLOTS)
        return *slots_at(o, attr);
    const inst_object *inst = inst_cast(o);
    if (inst->values != NULL)
        return inst->values->slots[attr];
    if (inst->dict == NULL)
        return NULL;
    return gcr_dict_get(inst->dict, inst_class(o)->attr_strs[attr]);
}

gcr_object *gcr_instance_dict(const gcr_object *o)
{
    return o->type->kind == OBJ_SLOTS ? NULL : inst_cast(o)->dict;
}

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

/* subtype_clear of a __slots__ class (clear_slots): each slot in layout order, set to NULL
 * before its value is dropped. */
static void slots_clear(gcr_runtime *rt, gcr_object *o)
{
    gcr_object **slots = ((slots_object *)o)->slots;
    uint32_t n = o->type->slot_count;
    for (uint32_t i = 0; i < n; i++) {
        gcr_object *value = slots[i];
        slots[i] = NULL;
        gcr_xdecref(rt, value);
    }
}

size_t slots_sizeof(const gcr_object *o) { return inst_class(o)->slots_size; }

/* PyObject_CallFinalizerFromDealloc. Before: o is dying (refcnt 0, untracked). The
 * finalizer runs with o tracked and temporarily resurrected (refcnt 1), as CPython's
 * subtype_dealloc runs it; py311/py313 only when o was never finalized (the FINALIZED bit,
 * set here). Returns 0 when o is to be freed (untracked again), -1 when the finalizer stored
 * a reference to it: o lives on, tracked, with the references the finalizer made. */
static int inst_finalize_from_dealloc(gcr_runtime *rt, gcr_object *o, const gcr_class *cls)
{
    gc_head *g = obj_as_gc(o);
    bool once = !rt->traits->legacy_finalizers;
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

/* What subtype_dealloc does before it drops an instance's attributes, for a class with a
 * finalizer or an instance with weak references: __del__ (not while the runtime closes),
 * and clearing the weak references (Python 2 cleared them before __del__, 3.x after it).
 * Returns 0 when o is to be freed, -1 when the finalizer resurrected it. Apart, so that the
 * common dealloc needs no stack frame. */
static OBJ_NOINLINE int inst_dealloc_begin(gcr_runtime *rt, gcr_object *o)
{
    const gcr_class *cls = inst_class(o);
    bool weaklist = (cls->type.flags & TYPE_WEAKLIST) != 0;
    if ((cls->type.flags & TYPE_FINALIZER) != 0 && !rt->closing) {
        if (rt->traits->legacy_finalizers && weaklist && obj_weaklist_head(o) != NULL)
            weakref_clear_all(rt, o);
        if (inst_finalize_from_dealloc(rt, o, cls) != 0)
            return -1;
    }
    if (weaklist && obj_weaklist_head(o) != NULL)
        weakref_clear_all(rt, o);
    return 0;
}

void inst_dealloc(gcr_runtime *rt, gcr_object *o)
{
    inst_object *inst = (inst_object *)o;
    if (MEM_UNLIKELY((o->type->flags & TYPE_FINALIZER) != 0 || inst->weaklist != NULL) &&
        inst_dealloc_begin(rt, o) != 0)
        return;
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

/* subtype_dealloc of a __slots__ class: __del__ and weak references (inst_dealloc_begin),
 * then the slots dropped in layout order (clear_slots), then the block freed. (An instance
 * that owns nothing never comes here: object.c frees it, slots_owns_nothing.) */
void slots_dealloc(gcr_runtime *rt, gcr_object *o)
{
    const gcr_type *type = o->type;
    if ((type->flags & (TYPE_FINALIZER | TYPE_WEAKLIST)) != 0 && inst_dealloc_begin(rt, o) != 0)
        return;
    gcr_object **slots = ((slots_object *)o)->slots;
    uint32_t n = type->slot_count;
    for (uint32_t i = 0; i < n; i++)
        gcr_xdecref(rt, slots[i]);
    obj_free_container(rt, o, inst_class(o)->slots_size);
}
