/* runtime.h — the definition of gcr_runtime: the one value that holds all of a runtime's
 * state (allocator, collector, trashcan, classes). Internal to the runtime. */
#ifndef GCR_RUNTIME_H
#define GCR_RUNTIME_H

#include <assert.h>
#include <stdint.h>

#include "gcr.h"
#include "collector.h"
#include "mem.h"
#include "object.h"

#define RT_MAGIC 0x67637274u /* "gcrt": cleared by gcr_close */

struct gcr_runtime {
    uint32_t magic;
    gcr_config config;
    mem_state mem;
    gc_state gc;
    obj_trash trash;
    gcr_class *classes; /* every class created, newest first (instance.c) */
};

/* Asserts that rt is an open runtime: catches an object used after its runtime closed
 * (while the memory is still readable; a sanitizer catches the rest). */
static inline void rt_check(const gcr_runtime *rt)
{
    assert(rt != NULL && "gcr: NULL runtime");
    assert(rt->magic == RT_MAGIC && "gcr: runtime already closed, or not a gcr_runtime");
    (void)rt;
}

#endif /* GCR_RUNTIME_H */
