/* gcr.h — the one public header of the gcbench GC runtime: a single-threaded object runtime
 * whose memory behaviour models CPython 3.11 on x86-64 (reference counting, the generational
 * cycle collector, CPython's object sizes), with every counter exposed.
 *
 * Conventions (CPython's own):
 *  - Every function that creates an object returns a NEW reference, or NULL when memory ran
 *    out. The caller owns it and drops it with gcr_decref().
 *  - Functions that store an object (gcr_list_append, gcr_instance_set) take their own
 *    reference: they never steal the caller's.
 *  - Getters return BORROWED references.
 *  - All state lives in one gcr_runtime value, passed to every call that may allocate, free
 *    or collect; there are no globals, so several runtimes can live side by side. An object
 *    belongs to the runtime that created it and must never be handed to another.
 *
 * Invariants of the collector (see collector.c for the algorithm):
 *  - Every container object (list, instance) carries a 16-byte GC header in front of its
 *    gcr_object header (CPython's PyGC_Head) and, while tracked, sits in exactly one of the
 *    three generations.
 *  - The count of generation 0 is the number of container allocations minus container
 *    deallocations since the last collection; an automatic collection runs when it exceeds
 *    threshold0, exactly as CPython's gc_alloc does.
 *  - An object is freed the moment its reference count reaches zero, without recursion on
 *    the C stack proportional to the depth of what it owned.
 */
#ifndef GCR_H
#define GCR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct gcr_runtime gcr_runtime;
typedef struct gcr_type gcr_type;
typedef struct gcr_class gcr_class;

/* The header every object starts with (CPython's PyObject: 16 bytes). */
typedef struct gcr_object {
    intptr_t refcnt;
    const gcr_type *type;
} gcr_object;

/* ---------------------------------------------------------------------------------------
 * Runtime life cycle
 * ------------------------------------------------------------------------------------- */

/* Memory-management policy, chosen when a runtime is created and recorded in every result. */
typedef enum gcr_policy {
    GCR_POLICY_PY311 = 0, /* CPython 3.11: thresholds (700, 10, 10), inline instance values */
} gcr_policy;

/* Where object memory comes from. */
typedef enum gcr_allocator {
    GCR_ALLOC_MALLOC = 0, /* every block from the system malloc (PYTHONMALLOC=malloc) */
} gcr_allocator;

typedef struct gcr_config {
    gcr_policy policy;
    gcr_allocator allocator;
} gcr_config;

/* Creates a runtime. config may be NULL for the defaults (py311, malloc). Returns NULL when
 * memory ran out. The collector starts enabled with the policy's thresholds. */
gcr_runtime *gcr_open(const gcr_config *config);

/* Frees every object the runtime still holds (live, garbage or otherwise) and the runtime.
 * After it, no object of this runtime may be touched. */
void gcr_close(gcr_runtime *rt);

/* "py311"; "malloc". gcr_*_parse return 0 and set *out, or -1 for an unknown name. */
const char *gcr_policy_name(gcr_policy policy);
int gcr_policy_parse(const char *name, gcr_policy *out);
const char *gcr_allocator_name(gcr_allocator allocator);
int gcr_allocator_parse(const char *name, gcr_allocator *out);

/* ---------------------------------------------------------------------------------------
 * Reference counting
 * ------------------------------------------------------------------------------------- */

/* Internal: frees o, whose count has just reached zero. Do not call directly. */
void gcr_dealloc_(gcr_runtime *rt, gcr_object *o);

static inline void gcr_incref(gcr_object *o) { o->refcnt++; }

/* Drops one reference; at zero the object is freed at once, and what it owned is dropped in
 * turn (iteratively, so a chain of any length is safe). */
static inline void gcr_decref(gcr_runtime *rt, gcr_object *o)
{
    if (--o->refcnt == 0)
        gcr_dealloc_(rt, o);
}

static inline void gcr_xdecref(gcr_runtime *rt, gcr_object *o)
{
    if (o != NULL)
        gcr_decref(rt, o);
}

/* The type's name ("float", "list", or the class name for an instance). */
const char *gcr_type_name(const gcr_object *o);

/* What sys.getsizeof(o) returns in CPython 3.11 (containers include the 16-byte GC header). */
size_t gcr_sizeof(const gcr_object *o);

/* ---------------------------------------------------------------------------------------
 * Built-in types
 * ------------------------------------------------------------------------------------- */

/* float: 24 bytes. */
gcr_object *gcr_float_new(gcr_runtime *rt, double value);
double gcr_float_value(const gcr_object *o);

/* str (compact ASCII): 49 + len bytes. text need not be NUL-terminated. */
gcr_object *gcr_str_new(gcr_runtime *rt, const char *text, size_t len);
const char *gcr_str_data(const gcr_object *o); /* NUL-terminated */
size_t gcr_str_len(const gcr_object *o);

/* bytes: 33 + len bytes; the payload is written (not left zero) so that its pages are
 * resident, as a numpy array's or a bytes object's are. This is the seeds' big payload. */
gcr_object *gcr_bytes_new(gcr_runtime *rt, size_t len);
size_t gcr_bytes_len(const gcr_object *o);

/* list: 56 bytes plus an item buffer that grows like CPython's list_resize
 * (0, 4, 8, 16, 24, 32, 40, 52, 64, 76, … for successive appends). */
gcr_object *gcr_list_new(gcr_runtime *rt);
/* Appends item (taking a new reference). Returns 0, or -1 when memory ran out. */
int gcr_list_append(gcr_runtime *rt, gcr_object *list, gcr_object *item);
size_t gcr_list_len(const gcr_object *list);
size_t gcr_list_capacity(const gcr_object *list);
gcr_object *gcr_list_get(const gcr_object *list, size_t index); /* borrowed */
/* Replaces item index (index < len), dropping the old one. */
void gcr_list_set(gcr_runtime *rt, gcr_object *list, size_t index, gcr_object *item);
/* Empties the list (del lst[:]) and frees its item buffer. */
void gcr_list_clear(gcr_runtime *rt, gcr_object *list);

/* class and instance. A class is owned by its runtime (freed by gcr_close); it fixes the
 * names of its instances' attributes, as CPython 3.11's shared keys do. An instance is 56
 * bytes (getsizeof) plus its inline values array; attributes start unset (NULL). */
gcr_class *gcr_class_new(gcr_runtime *rt, const char *name, const char *const *attr_names,
                         size_t attr_count);
/* The index of an attribute name, or -1 if the class has none of that name. */
int gcr_class_attr(const gcr_class *cls, const char *attr_name);
gcr_object *gcr_instance_new(gcr_runtime *rt, gcr_class *cls);
/* Sets attribute attr (an index from gcr_class_attr) to value (a new reference is taken;
 * NULL deletes it), dropping the previous value. */
void gcr_instance_set(gcr_runtime *rt, gcr_object *inst, int attr, gcr_object *value);
gcr_object *gcr_instance_get(const gcr_object *inst, int attr); /* borrowed, or NULL */

/* ---------------------------------------------------------------------------------------
 * The gc module
 * ------------------------------------------------------------------------------------- */

#define GCR_GENERATIONS 3

/* gc.collect(generation): collects generations 0..generation (2 = full), and returns the
 * number of unreachable objects found (collected + uncollectable), as CPython does. */
long gcr_gc_collect(gcr_runtime *rt, int generation);
void gcr_gc_enable(gcr_runtime *rt);
void gcr_gc_disable(gcr_runtime *rt);
bool gcr_gc_isenabled(const gcr_runtime *rt);
void gcr_gc_get_count(const gcr_runtime *rt, int count[GCR_GENERATIONS]);
void gcr_gc_get_threshold(const gcr_runtime *rt, int threshold[GCR_GENERATIONS]);
/* threshold0 = 0 disables automatic collection, as in CPython. */
void gcr_gc_set_threshold(gcr_runtime *rt, int threshold0, int threshold1, int threshold2);
bool gcr_gc_is_tracked(const gcr_object *o);

/* gc.get_stats(): per generation. */
typedef struct gcr_gen_stats {
    uint64_t collections;
    uint64_t collected;
    uint64_t uncollectable;
} gcr_gen_stats;
void gcr_gc_get_stats(const gcr_runtime *rt, gcr_gen_stats stats[GCR_GENERATIONS]);

/* gc.callbacks: called with GCR_GC_START before and GCR_GC_STOP after every collection,
 * automatic or explicit. At START only generation is meaningful. */
typedef enum gcr_gc_phase { GCR_GC_START, GCR_GC_STOP } gcr_gc_phase;
typedef struct gcr_gc_info {
    int generation;
    uint64_t collected;       /* freed by this collection */
    uint64_t uncollectable;   /* found unreachable but kept (gc.garbage) */
    uint64_t objects_scanned; /* objects in the generations this collection examined */
    uint64_t pause_ns;        /* wall time of this collection */
} gcr_gc_info;
typedef void (*gcr_gc_callback)(void *ctx, gcr_gc_phase phase, const gcr_gc_info *info);
/* One callback per runtime; NULL removes it. */
void gcr_gc_set_callback(gcr_runtime *rt, gcr_gc_callback callback, void *ctx);

/* ---------------------------------------------------------------------------------------
 * Counters: what CPython hides
 * ------------------------------------------------------------------------------------- */

typedef struct gcr_counters {
    uint64_t live_objects;    /* objects allocated and not yet freed */
    uint64_t live_bytes;      /* bytes requested from the allocator and not yet freed
                                 (objects with their GC headers, item buffers, payloads) */
    uint64_t tracked_objects; /* containers currently tracked by the collector */
    uint64_t allocated_objects_total;
    uint64_t freed_objects_total;
    uint64_t collections; /* all generations */
    uint64_t collected;   /* objects freed by the collector, all generations */
    uint64_t uncollectable;
    uint64_t objects_scanned; /* sum over collections of gcr_gc_info.objects_scanned */
    uint64_t pause_ns_total;
    uint64_t pause_ns_max;
    uint64_t garbage_len; /* len(gc.garbage) */
} gcr_counters;
void gcr_counters_get(const gcr_runtime *rt, gcr_counters *out);

#endif /* GCR_H */
