/* policy.c — what each policy models: the CPython version whose collector design, thresholds
 * and object-tracking rules a runtime follows (policy_traits), and the policies' names.
 *
 * The differences, version by version, as CPython's sources have them (Modules/gcmodule.c
 * for 3.11, Python/gc.c for 3.12 and later, Objects/tupleobject.c, Objects/dictobject.c):
 *  - 3.11: _PyObject_GC_Link counts every container allocation in generation 0 and collects
 *    at once when the count passes threshold0; PyObject_GC_Del uncounts a deallocation.
 *  - 3.12: the same count, but _PyObject_GC_Link only schedules the collection
 *    (_Py_ScheduleGC sets the eval breaker's GC bit) and _Py_RunGC runs it at the next check
 *    of the eval breaker. Comprehensions are inlined (PEP 709): no function object each.
 *  - 3.13: 3.12's collector with threshold0 2000.
 *  - 3.14.0-3.14.4: the incremental collector (incremental.c). Its young count is the
 *    number of containers tracked minus those untracked (_PyObject_GC_TRACK and _UNTRACK
 *    count, not the allocation), and tracking past threshold0 schedules an increment.
 *    Dicts are tracked from creation and never untracked; a tuple whose items can hold no
 *    reference cycle is created untracked.
 *  - 3.14.5 and later, 3.15: 3.13's generational collector again (What's New in 3.15, gc),
 *    counting allocations, with 3.14's dict and tuple tracking kept.
 *  - Python 2.7: legacy finalizers (a cycle with __del__ goes to gc.garbage), instance
 *    attributes in a dict object.
 *  - 3.12 (LOAD_SUPER_ATTR): super().name makes no super object and no bound method.
 */
#include <string.h>

#include "runtime.h"

/* interpreter_objects: len(gc.get_objects()) at the start of a gcbench run (after its
 * worker.py has loaded and a full collection) in the interpreter each policy is checked
 * against: Debian 12's CPython 3.11.2, and the npm registry's Pyodide builds of CPython
 * 3.12.7, 3.13.2, 3.14.2 (py314, for want of a 3.14.5 build) and 3.15.0rc1, measured
 * 2026-12-05 with bench run --scenario self_cycle --iterations 1 (heap_objects of iteration
 * 0). py314inc's is the part of 3.14.2's 20 261 that its marking reaches from the roots (the
 * model's are all reachable, and marking them is what delays the first increment): 19 500,
 * the middle of the range, 19 000 to 20 000, for which the model's first collecting
 * increment in cross_reference (100 cycles an iteration, 130 iterations) comes at 3.14.2's
 * iteration 114 (tests/fidelity: py314inc-first-increment); a walk of gc.get_referents from
 * sys, builtins, the static types' dicts and the frames in that build reaches 18 479 of its
 * 20 608 objects before worker.py is loaded. */
static const policy_traits traits[GCR_POLICIES] = {
    [GCR_POLICY_PY311] = {.name = "py311",
                          .threshold = {700, 10, 10},
                          .comprehension_function = true,
                          .super_object = true,
                          .interpreter_objects = 6214},
    [GCR_POLICY_PY27] = {.name = "py27",
                         .threshold = {700, 10, 10},
                         .legacy_finalizers = true,
                         .dict_attrs = true,
                         .comprehension_function = true,
                         .super_object = true,
                         .interpreter_objects = 6214},
    [GCR_POLICY_PY312] = {.name = "py312",
                          .threshold = {700, 10, 10},
                          .deferred = true,
                          .interpreter_objects = 17624},
    [GCR_POLICY_PY313] = {.name = "py313",
                          .threshold = {2000, 10, 10},
                          .deferred = true,
                          .interpreter_objects = 17510},
    [GCR_POLICY_PY314INC] = {.name = "py314inc",
                             .threshold = {2000, 10, 0},
                             .deferred = true,
                             .incremental = true,
                             .count_tracked = true,
                             .dicts_tracked = true,
                             .tuples_untracked_at_creation = true,
                             .interpreter_objects = 19500},
    [GCR_POLICY_PY314] = {.name = "py314",
                          .threshold = {2000, 10, 10},
                          .deferred = true,
                          .dicts_tracked = true,
                          .tuples_untracked_at_creation = true,
                          .interpreter_objects = 20241},
    [GCR_POLICY_PY315] = {.name = "py315",
                          .threshold = {2000, 10, 10},
                          .deferred = true,
                          .dicts_tracked = true,
                          .tuples_untracked_at_creation = true,
                          .interpreter_objects = 19581},
};

const policy_traits *policy_traits_of(gcr_policy policy)
{
    return (unsigned)policy < GCR_POLICIES ? &traits[policy] : NULL;
}

size_t gcr_policy_interpreter_objects(gcr_policy policy)
{
    const policy_traits *t = policy_traits_of(policy);
    return t != NULL ? t->interpreter_objects : 0;
}

const char *gcr_policy_name(gcr_policy policy)
{
    const policy_traits *t = policy_traits_of(policy);
    return t != NULL ? t->name : NULL;
}

int gcr_policy_parse(const char *name, gcr_policy *out)
{
    for (int i = 0; name != NULL && i < GCR_POLICIES; i++) {
        if (strcmp(traits[i].name, name) == 0) {
            *out = (gcr_policy)i;
            return 0;
        }
    }
    return -1;
}
