/* seed004.h — the objects of seed 004's script, shared by the scenarios built from it:
 *
 *   class A:                                  class B:
 *       def __init__(self, b):                    def __init__(self, name):
 *           self._cache = [i + time.time()            self.name = name
 *                          for i in range(10000)]     self._a = A(b=self)
 *           self.b = b
 *                                             class BWeakRef:  (the same, but)
 *                                                     self._a = A(b=weakref.proxy(self))
 */
#ifndef SCN_SEED004_H
#define SCN_SEED004_H

#include <stddef.h>

#include "gcr.h"
#include "scenario.h"

/* The two classes and their attribute indexes, created once per runtime by setup. */
typedef struct seed004_classes {
    gcr_class *a, *b;
    int a_cache, a_b; /* A._cache, A.b */
    int b_name, b_a;  /* B.name, B._a */
} seed004_classes;

/* Creates classes A and B in rt. Returns 0, or -1 when memory ran out. */
int seed004_classes_new(gcr_runtime *rt, seed004_classes *c);

/* How A points back to its B. */
typedef enum seed004_back { SEED004_STRONG, SEED004_PROXY } seed004_back;

/* Builds one B named "A-<index>-<time>" owning an A whose _cache holds `floats` floats and
 * whose b is the B itself (SEED004_STRONG: the B <-> A reference cycle) or a weakref.proxy
 * to it (SEED004_PROXY: no cycle). Returns a new reference to the B, or NULL when memory ran
 * out (what was built is dropped). The allocation order is CPython's: the name str, B, (the
 * proxy), A, the list, its floats. */
gcr_object *seed004_new_b(gcr_runtime *rt, const seed004_classes *c, seed004_back back, long index,
                          long floats);

/* Builds `objects` Bs into a new list (seed 004's b_list). Returns it, or NULL when memory
 * ran out (what was built is dropped; its cycles wait for the collector). */
gcr_object *seed004_new_b_list(gcr_runtime *rt, const seed004_classes *c, seed004_back back,
                               long objects, long floats);

/* The scenario functions that cross_reference and weakref_cycle share. Parameters: objects,
 * floats (in that order). setup makes the classes (state: a seed004_classes); step builds
 * seed 004's b_list with the given back-pointer and drops it, as the test function returns. */
int seed004_setup(gcr_runtime *rt, const scn_values *p, void **state, char *err, size_t errlen);
int seed004_step(gcr_runtime *rt, const scn_values *p, seed004_classes *c, seed004_back back,
                 char *err, size_t errlen);
void seed004_teardown(gcr_runtime *rt, const scn_values *p, void *state);

#endif /* SCN_SEED004_H */
