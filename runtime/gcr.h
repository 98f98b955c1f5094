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
 *    deallocations since the last collection (a container taken off or put on a free list
 *    is neither: see gcr_freelists_get); an automatic collection runs when it exceeds
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

/* Memory-management policy, chosen when a runtime is created and recorded in every result:
 * which CPython's collector and object rules the runtime follows. Object sizes are CPython
 * 3.11's under every policy. */
typedef enum gcr_policy {
    GCR_POLICY_PY311 = 0, /* CPython 3.11: thresholds (700, 10, 10); an allocation past
                             threshold0 collects at once; inline instance values; PEP 442
                             finalizers (cycles with __del__ are collected) */
    GCR_POLICY_PY313,     /* CPython 3.13: as py312 with threshold0 = 2000 */
    GCR_POLICY_PY27,      /* Python 2.7: a cycle holding an object with __del__ is
                             uncollectable and goes to gc.garbage; instance attributes live in
                             a separate dict object */
    GCR_POLICY_PY312,     /* CPython 3.12: py311's collector, but an allocation past
                             threshold0 only schedules the collection, which runs at the next
                             eval-breaker check (gcr_eval_breaker); comprehensions are inlined
                             (no function object per comprehension) */
    GCR_POLICY_PY314INC,  /* CPython 3.14.0-3.14.4: the incremental collector (a young and an
                             old generation, the old one split into a visited and a pending
                             space, collected in increments sized by work_to_do; thresholds
                             (2000, 10, 0)); the young count counts tracked containers; dicts
                             always tracked; tuples of untracked items created untracked */
    GCR_POLICY_PY314,     /* CPython 3.14.5 and later 3.14: 3.13's generational collector
                             again (2000, 10, 10), with 3.14's dict and tuple tracking */
    GCR_POLICY_PY315,     /* CPython 3.15: as py314 */
} gcr_policy;
#define GCR_POLICIES 7

/* Where object memory comes from. */
typedef enum gcr_allocator {
    GCR_ALLOC_PYMALLOC = 0, /* the pymalloc model: blocks up to 512 bytes in 16-byte size
                               classes, 16 KiB pools, 1 MiB arenas from mmap; larger from
                               malloc (CPython's default) */
    GCR_ALLOC_MALLOC,       /* every block from the system malloc (PYTHONMALLOC=malloc) */
} gcr_allocator;

typedef struct gcr_config {
    gcr_policy policy;
    gcr_allocator allocator;
    /* The interpreter's own long-lived containers (modules, functions, classes, their dicts:
     * what len(gc.get_objects()) counts in a freshly started CPython), modelled as that many
     * small containers reachable from a root the runtime holds: they take part in every
     * collection that examines the old generations (the long-lived rule of full collections,
     * 3.14's marking and increments), as the interpreter's own objects do. 0: none. */
    size_t interpreter_objects;
} gcr_config;

/* Creates a runtime. config may be NULL for the defaults (py311, pymalloc); a zeroed config
 * is the defaults too. Returns NULL when memory ran out. The collector starts enabled with
 * the policy's thresholds. */
gcr_runtime *gcr_open(const gcr_config *config);

/* Frees every object the runtime still holds (live, garbage or otherwise) and the runtime.
 * After it, no object of this runtime may be touched. */
void gcr_close(gcr_runtime *rt);

/* "py311", "py313", "py27", "py312", "py314inc", "py314", "py315"; "pymalloc", "malloc".
 * gcr_*_parse return 0 and set *out, or -1 for an unknown name. */
const char *gcr_policy_name(gcr_policy policy);
int gcr_policy_parse(const char *name, gcr_policy *out);
/* A policy's default for gcr_config.interpreter_objects: what the interpreter it is checked
 * against holds when a gcbench run starts (Debian's CPython 3.11 for py311 and py27, the
 * Pyodide builds of 3.12-3.15 for the others: policy.c). A program that imports more holds
 * more (its len(gc.get_objects())). gcr_open does not apply it: 0 there means none. */
size_t gcr_policy_interpreter_objects(gcr_policy policy);
const char *gcr_allocator_name(gcr_allocator allocator);
int gcr_allocator_parse(const char *name, gcr_allocator *out);

/* The runtime's last error (CPython's exception): set by a call that returned NULL or -1 for
 * a reason other than a bug, e.g. "ReferenceError: weakly-referenced object no longer
 * exists", "TypeError: cannot create weak reference to 'list' object", "MemoryError".
 * "" when none; gcr_clear_error resets it. */
const char *gcr_error(const gcr_runtime *rt);
void gcr_clear_error(gcr_runtime *rt);

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

/* The type's name ("float", "list", "dict", "weakref", …, or the class name for an
 * instance). */
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

/* int: 28 bytes for |v| < 2**30, then 4 more per 30-bit digit (2**62: 36); 0 is 24. Values
 * -5..256 are shared small ints, created once per runtime as in CPython. */
gcr_object *gcr_int_new(gcr_runtime *rt, int64_t value);
int64_t gcr_int_value(const gcr_object *o);

/* tuple: 40 + 8 n bytes. Takes a new reference to each of the n items. Tracked when created
 * (if n > 0; the empty tuple is a shared untracked singleton; py314inc, py314, py315: unless
 * no item may be tracked); a collection untracks a tuple that holds nothing a collector
 * could need (CPython's _PyTuple_MaybeUntrack). */
gcr_object *gcr_tuple_new(gcr_runtime *rt, size_t n, gcr_object *const *items);
/* The same, made as PyTuple_New makes a tuple and its caller then fills it (the names of a
 * keyword call, Py_BuildValue's tuples): tracked from creation under every policy, where
 * gcr_tuple_new follows BUILD_TUPLE and _PyTuple_FromArray, which from 3.14 on create a
 * tuple of items that can hold no reference cycle untracked. */
gcr_object *gcr_tuple_new_tracked(gcr_runtime *rt, size_t n, gcr_object *const *items);
size_t gcr_tuple_len(const gcr_object *t);
gcr_object *gcr_tuple_get(const gcr_object *t, size_t index); /* borrowed */

/* dict: 64 bytes empty, plus the keys table (CPython 3.11's sizes: 5 str keys -> 184).
 * Created untracked; tracked when a value or key that may be a container is stored
 * (MAINTAIN_TRACKING); a full collection untracks dicts that hold no containers. Keys are
 * compared by value for str, int, bytes, float and tuples of those, by identity otherwise.
 * gcr_dict_set takes new references; returns 0, or -1 (memory; or an unhashable key such
 * as a list or dict: TypeError in gcr_error). */
gcr_object *gcr_dict_new(gcr_runtime *rt);
int gcr_dict_set(gcr_runtime *rt, gcr_object *dict, gcr_object *key, gcr_object *value);
gcr_object *gcr_dict_get(const gcr_object *dict, gcr_object *key); /* borrowed, or NULL */
/* Removes key. Returns 0, or -1 when absent (KeyError in gcr_error). */
int gcr_dict_del(gcr_runtime *rt, gcr_object *dict, gcr_object *key);
size_t gcr_dict_len(const gcr_object *dict);
/* The i-th live entry in insertion order (i < len): borrowed key and value. */
void gcr_dict_item(const gcr_object *dict, size_t i, gcr_object **key, gcr_object **value);

/* A callable (a function or bound method): fn is called with the runtime, ctx, the data
 * object the callable holds a reference to (may be NULL; it is traversed, so a callable can
 * be part of a cycle), and the call's argument. 48 bytes, tracked. */
typedef void (*gcr_call_fn)(gcr_runtime *rt, void *ctx, gcr_object *data, gcr_object *arg);
gcr_object *gcr_callable_new(gcr_runtime *rt, gcr_call_fn fn, void *ctx, gcr_object *data);
/* Calls it with arg (which may be NULL). */
void gcr_call(gcr_runtime *rt, gcr_object *callable, gcr_object *arg);

/* A comprehension's own function object. Under py311 and py27 (CPython before 3.12) a list,
 * set or dict comprehension is a function that MAKE_FUNCTION makes (a tracked container:
 * counted, and its allocation may start a collection) and that is dropped once the
 * comprehension has run; 3.12 inlined comprehensions (PEP 709): nothing is made. A scenario
 * calls enter before its comprehension's result is made and exit after the loop. enter
 * returns 0 with *fn the new reference (NULL when nothing is made), or -1 when memory ran
 * out. */
int gcr_comprehension_enter(gcr_runtime *rt, gcr_object **fn);
void gcr_comprehension_exit(gcr_runtime *rt, gcr_object *fn);

/* class and instance. A class is owned by its runtime (freed by gcr_close); it fixes the
 * names of its instances' attributes, as CPython 3.11's shared keys do. An instance is 56
 * bytes (getsizeof) plus its inline values array; attributes start unset (NULL). */
gcr_class *gcr_class_new(gcr_runtime *rt, const char *name, const char *const *attr_names,
                         size_t attr_count);
/* A class with __slots__ = slot_names (`class S: __slots__ = ('a', 'b')`): its instances
 * hold their attributes in slots inside the object, as CPython 3.11 lays them out (the
 * names sorted, private names mangled first): 32 bytes (getsizeof, GC header included) plus
 * 8 per slot, one allocation, no values array and no dict (under every policy: so did
 * Python 2's new-style classes with __slots__), tracked. No weak references unless a slot is
 * named "__weakref__" (not an attribute: it adds the weak reference list, 8 bytes);
 * gcr_weakref_new on an instance otherwise fails with "TypeError: cannot create weak
 * reference to 'S' object". Attribute indexes are as for gcr_class_new: the position in
 * slot_names, "__weakref__" left out (gcr_class_attr finds them). gcr_instance_new,
 * gcr_instance_set / get and gcr_class_set_finalizer work on it; gcr_instance_dict returns
 * NULL. Returns NULL when memory ran out, or with TypeError in gcr_error for a name that is
 * not an identifier or a second "__weakref__" (and NotImplementedError for "__dict__": not
 * modelled). */
gcr_class *gcr_class_new_slots(gcr_runtime *rt, const char *name, const char *const *slot_names,
                               size_t slot_count);
/* The index of an attribute name, or -1 if the class has none of that name. */
int gcr_class_attr(const gcr_class *cls, const char *attr_name);
gcr_object *gcr_instance_new(gcr_runtime *rt, gcr_class *cls);
/* Sets attribute attr (an index from gcr_class_attr) to value (a new reference is taken;
 * NULL deletes it), dropping the previous value. */
void gcr_instance_set(gcr_runtime *rt, gcr_object *inst, int attr, gcr_object *value);
gcr_object *gcr_instance_get(const gcr_object *inst, int attr); /* borrowed, or NULL */
/* The instance's attribute dict under py27 (a real dict object, created with the instance:
 * what Python 2's gc counts), or NULL under py311/py313 (inline values, no dict). */
gcr_object *gcr_instance_dict(const gcr_object *inst); /* borrowed */

/* __del__: a finalizer of the class's instances, called with the instance (a borrowed
 * reference it may keep by storing it: resurrection). py311/py313: called once per object
 * (PEP 442), by reference counting or by the collector before it clears a cycle, and a cycle
 * whose finalizer resurrected any of it is kept alive. py27: called by reference counting
 * only; the collector moves cycles holding such objects to gc.garbage instead. */
typedef void (*gcr_finalizer)(gcr_runtime *rt, gcr_object *self, void *ctx);
void gcr_class_set_finalizer(gcr_class *cls, gcr_finalizer finalizer, void *ctx);

/* ---------------------------------------------------------------------------------------
 * Weak references (Objects/weakrefobject.c, Lib/weakref.py)
 * ------------------------------------------------------------------------------------- */

/* weakref.ref(target, callback): 80 bytes. Only instances (and callables) accept weak
 * references; others fail with TypeError in gcr_error. Without a callback an existing plain
 * ref to target is returned again, as CPython does. When target dies, every ref to it is
 * cleared (gcr_weakref_get returns NULL) and each live ref's callback is called with the ref
 * (most recently created first). */
gcr_object *gcr_weakref_new(gcr_runtime *rt, gcr_object *target, gcr_object *callback);
/* ref(): the target (borrowed), or NULL once it is dead. */
gcr_object *gcr_weakref_get(const gcr_object *ref);
/* weakref.proxy(target, callback): 80 bytes, same rules. */
gcr_object *gcr_proxy_new(gcr_runtime *rt, gcr_object *target, gcr_object *callback);
/* Using a proxy: the target (borrowed), or NULL with "ReferenceError: weakly-referenced
 * object no longer exists" in gcr_error once it is dead. */
gcr_object *gcr_proxy_target(gcr_runtime *rt, gcr_object *proxy);
/* weakref.getweakrefcount(target). */
size_t gcr_weakref_count(const gcr_object *target);

/* weakref.WeakValueDictionary / WeakKeyDictionary: 56-byte instances holding a dict of weak
 * references (KeyedRef values / ref keys) whose callbacks remove the entry when the object
 * dies. set takes new references to the strong side (the key of a WeakValueDictionary, the
 * value of a WeakKeyDictionary). get returns a borrowed reference, or NULL when absent or
 * dead. len counts live entries. Returns 0 or -1 (memory, or TypeError for an object that
 * does not accept weak references). */
gcr_object *gcr_weakvaluedict_new(gcr_runtime *rt);
gcr_object *gcr_weakkeydict_new(gcr_runtime *rt);
int gcr_weakdict_set(gcr_runtime *rt, gcr_object *wd, gcr_object *key, gcr_object *value);
gcr_object *gcr_weakdict_get(const gcr_object *wd, gcr_object *key);
int gcr_weakdict_del(gcr_runtime *rt, gcr_object *wd, gcr_object *key);
size_t gcr_weakdict_len(const gcr_object *wd);

/* ---------------------------------------------------------------------------------------
 * The gc module
 * ------------------------------------------------------------------------------------- */

#define GCR_GENERATIONS 3

/* gc.collect(generation): collects generations 0..generation (2 = full), and returns the
 * number of unreachable objects found (collected + uncollectable), as CPython does. Under
 * py314inc, 0 is the young generation, 1 one increment, 2 everything. */
long gcr_gc_collect(gcr_runtime *rt, int generation);

/* The interpreter's eval-breaker check (CPython 3.12+: at a function's start, a loop's
 * back edge, after a call into C): where a collection that an allocation scheduled runs.
 * A scenario calls it where its Python twin's bytecode would check, so that a collection
 * sees what it would see in CPython. Under py311 and py27 collections run inside the
 * allocation and this does nothing. */
void gcr_eval_breaker(gcr_runtime *rt);

/* Whether an automatic collection is scheduled and waits for the next gcr_eval_breaker. */
bool gcr_gc_scheduled(const gcr_runtime *rt);

/* For tests: whether the collector's lists are consistent (every tracked container in one
 * list, linked both ways, no collecting flag; under py314inc every object in its space:
 * young and pending objects the pending space's, visited and frozen ones the visited's;
 * counts not negative). false with the first problem found in why. */
bool gcr_gc_check(const gcr_runtime *rt, char *why, size_t len);
void gcr_gc_enable(gcr_runtime *rt);
void gcr_gc_disable(gcr_runtime *rt);
bool gcr_gc_isenabled(const gcr_runtime *rt);
void gcr_gc_get_count(const gcr_runtime *rt, int count[GCR_GENERATIONS]);
void gcr_gc_get_threshold(const gcr_runtime *rt, int threshold[GCR_GENERATIONS]);
/* threshold0 = 0 disables automatic collection, as in CPython. */
void gcr_gc_set_threshold(gcr_runtime *rt, int threshold0, int threshold1, int threshold2);
bool gcr_gc_is_tracked(const gcr_object *o);

/* gc.set_debug flags, with CPython's values and meanings. STATS prints statistics on the
 * debug stream at each collection; COLLECTABLE / UNCOLLECTABLE print the objects found;
 * SAVEALL appends every unreachable object to gc.garbage instead of freeing it. */
#define GCR_DEBUG_STATS 1
#define GCR_DEBUG_COLLECTABLE 2
#define GCR_DEBUG_UNCOLLECTABLE 4
#define GCR_DEBUG_SAVEALL 32
#define GCR_DEBUG_LEAK (GCR_DEBUG_COLLECTABLE | GCR_DEBUG_UNCOLLECTABLE | GCR_DEBUG_SAVEALL)
void gcr_gc_set_debug(gcr_runtime *rt, int flags);
int gcr_gc_get_debug(const gcr_runtime *rt);
/* Where debug output goes (a FILE *; default stderr). */
void gcr_gc_set_debug_stream(gcr_runtime *rt, void *file);

/* gc.garbage: a list owned by the runtime (borrowed). The caller may empty it
 * (gcr_list_clear: `del gc.garbage[:]`), freeing what nothing else holds. */
gcr_object *gcr_gc_garbage(gcr_runtime *rt);

/* gc.freeze(): every tracked object moves to a permanent generation that collections ignore;
 * gc.unfreeze() moves them back to the oldest generation. */
void gcr_gc_freeze(gcr_runtime *rt);
void gcr_gc_unfreeze(gcr_runtime *rt);
size_t gcr_gc_get_freeze_count(const gcr_runtime *rt);

/* gc.get_objects(generation): a new list of the tracked objects (generation -1: all, the
 * permanent generation excepted, as in CPython), or NULL. */
gcr_object *gcr_gc_get_objects(gcr_runtime *rt, int generation);
/* gc.get_referrers(*objs) / gc.get_referents(*objs): new lists, or NULL. */
gcr_object *gcr_gc_get_referrers(gcr_runtime *rt, gcr_object *const *objs, size_t n);
gcr_object *gcr_gc_get_referents(gcr_runtime *rt, gcr_object *const *objs, size_t n);

/* gc.get_stats(): per generation. */
typedef struct gcr_gen_stats {
    uint64_t collections;
    uint64_t collected;
    uint64_t uncollectable;
} gcr_gen_stats;
void gcr_gc_get_stats(const gcr_runtime *rt, gcr_gen_stats stats[GCR_GENERATIONS]);

/* gc.callbacks: called with GCR_GC_START before and GCR_GC_STOP after every collection,
 * automatic or explicit. At START only generation is meaningful. As CPython builds an info
 * dict for every call while gc.callbacks is not empty, the runtime makes (and drops) a dict
 * around each call: the collector counts it as CPython's counts its. */
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
    uint64_t live_objects;    /* objects allocated and not yet freed (one waiting on a free
                                 list is freed: gcr_freelists_get) */
    uint64_t live_bytes;      /* bytes requested from the allocator and not yet freed
                                 (objects with their GC headers, item buffers, payloads;
                                 not what waits on a free list) */
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

/* The allocator's own counters (obmalloc's). Under --allocator malloc the arena and pool
 * figures stay 0. */
typedef struct gcr_alloc_stats {
    uint64_t arenas_allocated_total; /* arenas mapped since the runtime opened */
    uint64_t arenas_reclaimed_total; /* arenas unmapped (returned to the system) */
    uint64_t arenas_highwater;       /* most arenas mapped at once */
    uint64_t arenas_current;         /* arenas mapped now */
    uint64_t pools_in_use;
    uint64_t blocks_in_use; /* pymalloc blocks (sys.getallocatedblocks' share) */
    uint64_t large_in_use;  /* blocks over 512 bytes, from malloc */
    uint64_t mapped_bytes;  /* arenas_current * 1 MiB */
} gcr_alloc_stats;
void gcr_alloc_stats_get(const gcr_runtime *rt, gcr_alloc_stats *out);

/* CPython 3.11's free lists: a dying list, dict, tuple of 1..20 items or float, and the
 * 8-slot str-keyed table of a dict, is kept for reuse instead of being freed while its free
 * list has room (80 lists, 80 dicts, 80 tables, 2000 tuples of each length, 100 floats);
 * the next one made takes it back (tuples of 20 items excepted: 3.11 keeps them but never
 * reuses them). Every full collection empties them (gcmodule.c's clear_freelists), and so
 * does gcr_close. An object on a free list is not live: not in live_objects, live_bytes or
 * gcr_types_stats, but its block stays allocated (blocks_in_use counts it, as
 * sys.getallocatedblocks does). A container taken off a free list is not counted in
 * generation 0 and starts no collection (no _PyObject_GC_Link), one put on it is not
 * uncounted (no PyObject_GC_Del); emptying a free list uncounts its containers. */
typedef struct gcr_freelist_stats {
    uint64_t lists;
    uint64_t dicts;
    uint64_t dict_keys; /* 8-slot str-keyed tables, 120 bytes each */
    uint64_t tuples;    /* all lengths */
    uint64_t floats;
    uint64_t bytes; /* their sizes: what live_bytes would count if they were live */
} gcr_freelist_stats;
void gcr_freelists_get(const gcr_runtime *rt, gcr_freelist_stats *out);

/* Live objects and bytes per type (objgraph's show_most_common_types), and the growth in
 * objects since the last gcr_types_mark (show_growth). Fills at most max entries, most live
 * objects first (ties by name); returns how many types have live objects. */
typedef struct gcr_type_stat {
    const char *name;
    uint64_t live_objects;
    uint64_t live_bytes;
    int64_t growth_objects; /* since the last mark (or since the runtime opened) */
} gcr_type_stat;
size_t gcr_types_stats(const gcr_runtime *rt, gcr_type_stat *out, size_t max);
void gcr_types_mark(gcr_runtime *rt);
/* The same for the classes made with gcr_class_new / gcr_class_new_slots (the runtime's own
 * classes, such as WeakValueDictionary's, left out), oldest first, whether or not they have
 * live instances: fills at most max entries, returns how many such classes there are. */
size_t gcr_classes_stats(const gcr_runtime *rt, gcr_type_stat *out, size_t max);

#endif /* GCR_H */
