/* growth.h — what piles up: per setting and mode, the types whose live objects or bytes grow,
 * from samples.csv's kind=type rows (the worker's census: objgraph's show_growth, per
 * iteration). A type's growth per iteration is the Theil–Sen slope of its live objects (and
 * bytes) over the iterations the verdict judges — the later half, L..N (verdict.h), or 1..N
 * for a run of fewer than 5 iterations — median over the successful repeats that sent it (a
 * repeat that did not send a type counts as no growth of it).
 *
 * What counts as an object differs by runtime, and the report says so: the native runtime
 * counts every object it holds (floats and strs too); CPython's worker counts what its
 * collector tracks (gc.get_objects(): containers and instances, not floats or strs), as
 * objgraph does. */
#ifndef GCB_GROWTH_H
#define GCB_GROWTH_H

#include <stddef.h>
#include <stdint.h>

#include "dataset.h"

typedef struct growth_type {
    const char *name;        /* d->type_names' */
    double objects_per_iter; /* median over repeats */
    double bytes_per_iter;
    int64_t final_objects; /* after the last iteration, median over the repeats that sent it */
    int64_t final_bytes;
    int64_t first, last; /* the iterations the slope was taken over */
} growth_type;

/* The types of (setting, mode) that grow — objects or bytes per iteration above zero — most
 * objects per iteration first (on a tie the program's own types, module-qualified, before
 * builtins; then bytes, then name), at most max of them into out. Returns
 * how many were written, or -1 when memory ran out. */
long growth_types(const ds *d, size_t setting, int mode, growth_type *out, size_t max);

/* The same for the allocation sites of the setting's traced runs in mode (--trace-alloc:
 * samples.csv's kind=site rows; objects are tracemalloc's blocks, bytes the retained size), most
 * bytes per iteration first. */
long growth_sites(const ds *d, size_t setting, int mode, growth_type *out, size_t max);

/* Who holds the fastest-growing type: the chain of referrers the setting's first successful
 * run that sent one found (forced mode: samples.csv's kind=holder row), from a root — a module
 * global, a class attribute, gc.garbage, a frame — to a surviving instance; NULL when none. */
const char *growth_holder(const ds *d, size_t setting);

#endif /* GCB_GROWTH_H */
