/* mem.c — the allocator module: object memory and its live_bytes / live_objects accounting,
 * and uncounted metadata memory. Only the system malloc for now (GCR_ALLOC_MALLOC); the
 * pymalloc model will slot in behind these same functions. */
#include <assert.h>
#include <stdlib.h>

#include "mem.h"

void mem_init(mem_state *m, gcr_allocator allocator)
{
    /* Interim: pymalloc is served by the system malloc until the pymalloc model lands. */
    assert((allocator == GCR_ALLOC_MALLOC || allocator == GCR_ALLOC_PYMALLOC) &&
           "mem_init: unknown allocator");
    *m = (mem_state){.allocator = allocator};
}

/* ---------------------------------------------------------------------------------------
 * Object blocks
 * ------------------------------------------------------------------------------------- */

void *mem_object_alloc(mem_state *m, size_t size)
{
    assert(size > 0);
    void *p = malloc(size);
    if (p == NULL)
        return NULL;
    m->live_bytes += size;
    m->live_objects++;
    m->allocated_objects_total++;
    return p;
}

void mem_object_free(mem_state *m, void *p, size_t size)
{
    assert(p != NULL);
    assert(m->live_objects > 0 && "mem_object_free: more objects freed than allocated");
    assert(m->live_bytes >= size && "mem_object_free: more bytes freed than allocated");
    m->live_bytes -= size;
    m->live_objects--;
    m->freed_objects_total++;
    free(p);
}

/* ---------------------------------------------------------------------------------------
 * Buffers owned by objects
 * ------------------------------------------------------------------------------------- */

void *mem_alloc(mem_state *m, size_t size)
{
    assert(size > 0);
    void *p = malloc(size);
    if (p != NULL)
        m->live_bytes += size;
    return p;
}

void *mem_realloc(mem_state *m, void *p, size_t old_size, size_t new_size)
{
    assert(new_size > 0 && "mem_realloc: free a buffer with mem_free");
    assert((p != NULL || old_size == 0) && "mem_realloc: NULL buffer with a size");
    void *q = realloc(p, new_size);
    if (q == NULL)
        return NULL;
    assert(m->live_bytes >= old_size);
    m->live_bytes = m->live_bytes - old_size + new_size;
    return q;
}

void mem_free(mem_state *m, void *p, size_t size)
{
    if (p == NULL) {
        assert(size == 0 && "mem_free: NULL buffer with a size");
        return;
    }
    assert(m->live_bytes >= size && "mem_free: more bytes freed than allocated");
    m->live_bytes -= size;
    free(p);
}

/* ---------------------------------------------------------------------------------------
 * Metadata
 * ------------------------------------------------------------------------------------- */

void *mem_meta_alloc(size_t size) { return malloc(size); }

void mem_meta_free(void *p) { free(p); }
