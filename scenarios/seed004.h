/* seed004.h — the objects of seed 004's script, shared by the scenarios built from it:
 *
 *   class A:                                  class B:
 *       def __init__(self, b):                    def __init__(self, name):
 *           self._cache = [i + time.time()            self.name = name
 *                          for i in range(10000)]     self._a = A(b=self)
 *           self.b = b
 */
#ifndef SCN_SEED004_H
#define SCN_SEED004_H

#include <stddef.h>

#include "gcr.h"

/* The two classes and their attribute indexes, created once per runtime by setup. */
typedef struct seed004_classes {
    gcr_class *a, *b;
    int a_cache, a_b; /* A._cache, A.b */
    int b_name, b_a;  /* B.name, B._a */
} seed004_classes;

/* Creates classes A and B in rt. Returns 0, or -1 when memory ran out. */
int seed004_classes_new(gcr_runtime *rt, seed004_classes *c);

/* Builds one B named "A-<index>-<time>" owning an A whose _cache holds `floats` floats and
 * whose b is the B itself: the B <-> A reference cycle. Returns a new reference to the B, or
 * NULL when memory ran out (what was built is dropped). The allocation order is
 * CPython's: the name str, B, A, the list, its floats. */
gcr_object *seed004_new_b(gcr_runtime *rt, const seed004_classes *c, long index, long floats);

/* Builds `objects` Bs into a new list (seed 004's b_list). Returns it, or NULL when memory
 * ran out (what was built is dropped; its cycles wait for the collector). */
gcr_object *seed004_new_b_list(gcr_runtime *rt, const seed004_classes *c, long objects,
                               long floats);

#endif /* SCN_SEED004_H */
