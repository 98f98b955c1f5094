/* mem.h — the allocator module: every byte the runtime takes from the system passes here.
 *
 * Two kinds of memory:
 *  - object memory (objects with their GC headers, list item buffers, instance values,
 *    payloads): counted in live_bytes, and in live_objects for object blocks. This is the
 *    memory a Python program would see in its RSS; the pymalloc model will serve it.
 *  - metadata (the runtime itself, classes): plain system malloc, not counted.
 *
 * Frees are sized (the caller passes the size it allocated), as pymalloc's size classes will
 * need, and so that live_bytes is exact without a per-block header.
 */
#ifndef GCR_MEM_H
#define GCR_MEM_H

#include <stddef.h>
#include <stdint.h>

#include "gcr.h"

typedef struct mem_state {
    gcr_allocator allocator;
    uint64_t live_bytes;   /* object memory requested and not yet freed */
    uint64_t live_objects; /* object blocks allocated and not yet freed */
    uint64_t allocated_objects_total;
    uint64_t freed_objects_total;
} mem_state;

/* Prepares m for allocator. Never fails (the system allocator needs no set-up). */
void mem_init(mem_state *m, gcr_allocator allocator);

/* An object block of size bytes (size > 0), or NULL when memory ran out. Counts one live
 * object. The block is uninitialised. */
void *mem_object_alloc(mem_state *m, size_t size);
/* Frees an object block from mem_object_alloc; size must be the size it was allocated with. */
void mem_object_free(mem_state *m, void *p, size_t size);

/* A buffer owned by an object (item array, values, …): counted in live_bytes only.
 * mem_realloc keeps p on failure (returns NULL) and accepts p == NULL with old_size 0.
 * new_size must be > 0; free a buffer with mem_free. */
void *mem_alloc(mem_state *m, size_t size);
void *mem_realloc(mem_state *m, void *p, size_t old_size, size_t new_size);
void mem_free(mem_state *m, void *p, size_t size);

/* Runtime metadata: not counted, always the system allocator. */
void *mem_meta_alloc(size_t size);
void mem_meta_free(void *p);

#endif /* GCR_MEM_H */
