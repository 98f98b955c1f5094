/* seed004.h — the objects of seed 004's script, shared by the scenarios built from it, and
 * what CPython makes around them (their twin is scenarios/_seed004.py, the seed's code):
 *
 *   class A:                                  class B:
 *       def __init__(self, b):                    def __init__(self, name):
 *           self._cache = [i + time.time()            self.name = name
 *                          for i in range(10000)]     self._a = A(b=self)
 *           self.b = b
 *                                             class BWeakRef:  (the same, but)
 *   def b_list(cls, objects):                         self._a = A(b=weakref.proxy(self))
 *       bl = []
 *       for i in range(objects):
 *           bl.append(cls(name="A-%d-%f" % (i, time.time())))
 *       return bl
 *
 * Each container CPython allocates running it is allocated here too, in its order, and
 * gcr_eval_breaker is called where its bytecode checks the eval breaker (a function's first
 * instruction, a call into C, a loop's back edge): a keyword call's dict of arguments and
 * tuple of names, the "%" operator's tuple, 3.11's function object of the comprehension.
 * That is what makes the collections fall where CPython's do, under every policy.
 */
#ifndef SCN_SEED004_H
#define SCN_SEED004_H

#include <stddef.h>

#include "gcr.h"
#include "scenario.h"

/* The two classes, their attribute indexes and the keyword names, created once per runtime
 * by setup (the keyword names are constants of the code: no allocation per call). */
typedef struct seed004_classes {
    gcr_class *a, *b;
    int a_cache, a_b;             /* A._cache, A.b */
    int b_name, b_a;              /* B.name, B._a */
    gcr_object *key_name, *key_b; /* "name", "b" */
} seed004_classes;

/* Creates classes A and B in rt. Returns 0, or -1 when memory ran out. seed004_classes_drop
 * drops the keyword names. */
int seed004_classes_new(gcr_runtime *rt, seed004_classes *c);
void seed004_classes_drop(gcr_runtime *rt, seed004_classes *c);

/* How A points back to its B. */
typedef enum seed004_back { SEED004_STRONG, SEED004_PROXY } seed004_back;

/* cls(name="A-%d-%f" % (index, time.time())), cls B (SEED004_STRONG: A's b is the B itself,
 * the B <-> A reference cycle) or BWeakRef (SEED004_PROXY: a weakref.proxy to it, no cycle),
 * whose A's _cache holds `floats` floats. Returns a new reference to the B, or NULL when
 * memory ran out (what was built is dropped). */
gcr_object *seed004_new_b(gcr_runtime *rt, const seed004_classes *c, seed004_back back, long index,
                          long floats);

/* b_list(cls, objects): builds `objects` Bs into a new list. Returns it, or NULL when memory
 * ran out (what was built is dropped; its cycles wait for the collector). */
gcr_object *seed004_new_b_list(gcr_runtime *rt, const seed004_classes *c, seed004_back back,
                               long objects, long floats);

/* The scenario functions that cross_reference and weakref_cycle share. Parameters: objects,
 * floats (in that order). setup makes the classes (state: a seed004_classes); step is
 * `b_list(cls, objects)`, its result dropped. */
int seed004_setup(gcr_runtime *rt, const scn_values *p, void **state, char *err, size_t errlen);
int seed004_step(gcr_runtime *rt, const scn_values *p, seed004_classes *c, seed004_back back,
                 char *err, size_t errlen);
void seed004_teardown(gcr_runtime *rt, const scn_values *p, void *state);

#endif /* SCN_SEED004_H */
