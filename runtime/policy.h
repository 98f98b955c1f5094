/* policy.h — the traits that tell one policy's CPython from another's (policy.c says where
 * each comes from in CPython's sources). Read once by gcr_open; the rest of the runtime
 * reads them from rt->traits or the fields gc_init copies into gc_state. */
#ifndef GCR_POLICY_H
#define GCR_POLICY_H

#include <stdbool.h>

#include "gcr.h"

typedef struct policy_traits {
    const char *name;
    int threshold[GCR_GENERATIONS]; /* gc.get_threshold() at start-up */
    bool legacy_finalizers;         /* py27: cycles holding __del__ go to gc.garbage */
    bool dict_attrs;                /* py27: instance attributes in a dict object */
    bool deferred;      /* 3.12+: an allocation schedules the collection, the eval breaker runs
                           it */
    bool incremental;   /* 3.14.0-3.14.4's incremental collector (incremental.c) */
    bool count_tracked; /* the young count counts trackings, not allocations */
    bool dicts_tracked; /* 3.14+: dicts tracked from creation, never untracked */
    bool tuples_untracked_at_creation; /* 3.14+: a tuple of untrackable items starts
                                          untracked */
    bool comprehension_function;       /* 3.11 and before: a comprehension makes and drops a
                                          function object (PEP 709 inlined them in 3.12) */
    bool super_object;                 /* 3.11 and before: super() makes a super object, and
                                          its attribute a bound method (3.12's LOAD_SUPER_ATTR
                                          makes neither) */
    size_t interpreter_objects;        /* what the reference interpreter holds (gcr.h) */
} policy_traits;

/* The traits of a policy, or NULL for a value that is no policy. */
const policy_traits *policy_traits_of(gcr_policy policy);

#endif /* GCR_POLICY_H */
