/* mem.h — the allocator module: every byte the runtime takes from the system passes here.
 *
 * Two kinds of memory:
 *  - object memory (objects with their GC headers, list item buffers, instance values,
 *    payloads): counted in live_bytes, and in live_objects for object blocks. This is the
 *    memory a Python program would see in its RSS.
 *  - metadata (the runtime itself, classes, the arena table): plain system malloc, not
 *    counted.
 *
 * Object memory comes from one of two allocators, fixed when the runtime is created:
 *  - GCR_ALLOC_PYMALLOC, a model of CPython 3.11's Objects/obmalloc.c with its constants and
 *    layout: a request of 1..512 bytes is served from size class (n - 1) / 16 (blocks of
 *    16, 32, …, 512 bytes); a class's blocks are carved from 16 KiB pools, each starting
 *    with a 48-byte header, pools aligned to 16 KiB inside 1 MiB arenas mapped with mmap (an
 *    arena not 16 KiB-aligned loses its first partial pool, 63 pools instead of 64, as in
 *    CPython). A new pool comes from the usable arena with the fewest free pools, so that
 *    nearly empty arenas can drain; an arena is unmapped as soon as all its pools are free,
 *    except when it is the last arena in the usable list (bpo-37257: at most about one
 *    wholly free arena stays mapped). Larger requests go to the system malloc.
 *  - GCR_ALLOC_MALLOC: every block from the system malloc (PYTHONMALLOC=malloc).
 *
 * Frees are sized (the caller passes the size it allocated): the size says whether a block
 * lives in a pool (≤ 512 bytes under pymalloc) or came from malloc, and keeps live_bytes
 * exact without a per-block header. A block's pool is found from its address (pools are
 * 16 KiB-aligned), as CPython's POOL_ADDR does. A block of ≤ 512 bytes always lives in a
 * pool: mem_realloc moves a malloc block that shrinks to ≤ 512 bytes into one (CPython
 * would leave it with malloc; its frees ask the radix tree instead of a size).
 *
 * The fast paths (a pool of the class has a free block; a free that leaves its pool neither
 * empty nor newly non-full) are inline below: a few loads and stores, no call, no lock, no
 * system call. Everything else is in mem.c. So that a loop creating and dropping one object
 * stays on them, a pool that empties is "parked" instead of going back to its arena when
 * that round trip would change nothing (see "Parked pools" in mem.c): every block still
 * comes from where CPython's would, and every counter is CPython's.
 *
 * Usage:
 *     mem_state m;
 *     mem_init(&m, GCR_ALLOC_PYMALLOC);
 *     void *p = mem_object_alloc(&m, 24);   // a 32-byte block
 *     mem_object_free(&m, p, 24);
 *     mem_fini(&m);                          // unmaps every arena
 */
#ifndef GCR_MEM_H
#define GCR_MEM_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "gcr.h"

/* Under AddressSanitizer a free pool block is poisoned, so that a use after free inside an
 * arena is reported as it would be for malloc's blocks (CPython's pymalloc has no such
 * help). Without ASan these cost nothing. Valgrind sees an arena as one mapped region and
 * tracks no block inside it; leaks of pool blocks show in live_objects / live_bytes, which
 * gcr_close checks. */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define MEM_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define MEM_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define MEM_POISON(p, n) ((void)(p), (void)(n))
#define MEM_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#if defined(__GNUC__)
#define MEM_LIKELY(x) __builtin_expect(!!(x), 1)
#define MEM_UNLIKELY(x) __builtin_expect(!!(x), 0)
/* The fast paths: inlined whatever gcc's size estimate says (it stops inlining them into a
 * caller that uses two, and a call then costs as much as the path). */
#define MEM_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define MEM_LIKELY(x) (x)
#define MEM_UNLIKELY(x) (x)
#define MEM_ALWAYS_INLINE inline
#endif

/* ---------------------------------------------------------------------------------------
 * pymalloc's geometry (CPython 3.11, 64-bit: ALIGNMENT, SMALL_REQUEST_THRESHOLD, POOL_BITS
 * with USE_LARGE_POOLS, ARENA_BITS with USE_LARGE_ARENAS)
 * ------------------------------------------------------------------------------------- */

#define MEM_ALIGNMENT 16
#define MEM_ALIGNMENT_SHIFT 4
#define MEM_SMALL_REQUEST_THRESHOLD 512
#define MEM_SIZE_CLASSES (MEM_SMALL_REQUEST_THRESHOLD / MEM_ALIGNMENT) /* 32 */
#define MEM_POOL_BITS 14
#define MEM_POOL_SIZE ((size_t)1 << MEM_POOL_BITS) /* 16 KiB */
#define MEM_ARENA_BITS 20
#define MEM_ARENA_SIZE ((size_t)1 << MEM_ARENA_BITS)            /* 1 MiB */
#define MEM_MAX_POOLS_IN_ARENA (MEM_ARENA_SIZE / MEM_POOL_SIZE) /* 64 */

/* The size class of a request of nbytes (1..512): 0 for 1..16, …, 31 for 497..512. */
static inline unsigned mem_size_class(size_t nbytes)
{
    assert(nbytes >= 1 && nbytes <= MEM_SMALL_REQUEST_THRESHOLD);
    return (unsigned)((nbytes - 1) >> MEM_ALIGNMENT_SHIFT);
}

/* The block size of size class idx: 16 (idx + 1). */
static inline size_t mem_class_block_size(unsigned idx)
{
    return (size_t)(idx + 1) << MEM_ALIGNMENT_SHIFT;
}

/* A pool's header, at the start of its 16 KiB (CPython's struct pool_header, same fields and
 * the same 48 bytes, so a pool holds as many blocks as CPython's). A pool is in one of three
 * states: used (some blocks allocated, some free: in its class's list m->usedpools[szidx]),
 * full (in no list), empty (in its arena's freepools list, linked by nextpool; its size
 * class no longer matters). */
typedef struct mem_pool {
    union {
        uint8_t *padding;
        unsigned count; /* blocks allocated */
    } ref;
    uint8_t *freeblock;        /* the pool's free list; NULL when full or not yet extended */
    struct mem_pool *nextpool; /* next pool of the class (used) or of the arena (empty) */
    struct mem_pool *prevpool; /* previous pool of the class (used); NULL at the head */
    unsigned arenaindex;       /* the arena in m->arenas */
    unsigned szidx;            /* size class */
    unsigned nextoffset;       /* offset of the first block never handed out */
    unsigned maxnextoffset;    /* the largest valid nextoffset */
} mem_pool;

#define MEM_POOL_OVERHEAD                                                                          \
    ((sizeof(mem_pool) + MEM_ALIGNMENT - 1) & ~(size_t)(MEM_ALIGNMENT - 1)) /* 48 */

/* Blocks in a pool of size class idx (510 of 32 bytes, 31 of 512 bytes). */
static inline unsigned mem_pool_blocks(unsigned idx)
{
    return (unsigned)((MEM_POOL_SIZE - MEM_POOL_OVERHEAD) / mem_class_block_size(idx));
}

/* The pool holding block p. */
static inline mem_pool *mem_pool_of(const void *p)
{
    return (mem_pool *)((uintptr_t)p & ~(uintptr_t)(MEM_POOL_SIZE - 1));
}

/* An arena: 1 MiB from mmap, carved into pools (CPython's struct arena_object). While it has
 * a free pool it is in the usable list (m->usable_arenas), kept in ascending order of
 * nfreepools; when all its pools are in use it is in no list; an entry of m->arenas with
 * address 0 has no arena and is in the unused list (linked by nextarena). */
typedef struct mem_arena {
    uintptr_t address;     /* the mapping, or 0 */
    uint8_t *pool_address; /* the next pool never carved */
    unsigned nfreepools;   /* empty pools + pools never carved */
    unsigned ntotalpools;  /* 64, or 63 when the mapping is not 16 KiB-aligned */
    mem_pool *freepools;   /* empty pools */
    struct mem_arena *nextarena;
    struct mem_arena *prevarena;
} mem_arena;

typedef struct mem_state {
    /* The counters an allocation or a free updates are never next to each other: gcc would
     * otherwise update two at once with one 16-byte load and store, and the next update's
     * load, straddling two 8-byte stores, would wait for them (a store-forwarding stall:
     * about 2 ns of a float's creation and drop, measured). */
    uint64_t live_bytes; /* object memory requested and not yet freed */
    /* Requests of up to this many bytes are served from pools: 512 under pymalloc, 0 under
     * malloc (so one comparison picks the path). */
    size_t small_threshold;
    uint64_t large_in_use; /* blocks of more than 512 bytes (from malloc) not yet freed */
    /* Object blocks allocated and freed (an object put on or taken off a free list counts
     * as freed or allocated, its block kept: runtime.h's obj_to_freelist); their difference
     * is live_objects (mem_live_objects), which an allocation or a free need not update. */
    uint64_t allocated_objects_total;
    gcr_allocator allocator;
    uint64_t freed_objects_total;
    /* usedpools[idx]: the first used pool of size class idx, or NULL. Allocation takes the
     * head; a pool that stops being full is pushed on the head. */
    mem_pool *usedpools[MEM_SIZE_CLASSES];

    /* Arenas (pymalloc only). */
    mem_arena *arenas; /* the arena table (metadata), maxarenas entries */
    unsigned maxarenas;
    mem_arena *unused_arenas; /* entries with no arena */
    mem_arena *usable_arenas; /* arenas with a free pool, fewest free pools first */
    /* nfp2lasta[n]: the last arena in usable_arenas with n free pools, or NULL (CPython's
     * search fingers: keeping the list sorted costs O(1) per pool freed). */
    mem_arena *nfp2lasta[MEM_MAX_POOLS_IN_ARENA + 1];
    /* Empty pools whose move to their arena is deferred while that changes nothing, in the
     * order they emptied (see "Parked pools" in mem.c); park_empty_pools (default true)
     * allows it. */
    mem_pool *parked[MEM_SIZE_CLASSES];
    unsigned nparked;
    /* parked[0 .. nparked_empty) are the pools still parked (empty), those above them were
     * taken back since: what mem_parked_top in mem.c finds from the pools' counts, kept so
     * that the fast paths need not look at other pools. */
    unsigned nparked_empty;
    bool park_empty_pools;
    uint64_t arenas_allocated_total;
    uint64_t arenas_reclaimed_total;
    uint64_t arenas_highwater;
    uint64_t arenas_current;
} mem_state;

/* gcr_alloc_stats and gcr_alloc_stats_get are declared in gcr.h; mem.c implements them. */

/* Prepares m for allocator. Never fails: arenas are mapped on first use. */
void mem_init(mem_state *m, gcr_allocator allocator);

/* Unmaps every arena (the blocks still in them die with them) and frees the arena table;
 * m is left as mem_init leaves it. Blocks from malloc still allocated are not freed: the
 * caller frees every block first. gcr_close must call it, or the arena CPython keeps (and
 * the table) outlive the runtime. */
void mem_fini(mem_state *m);

/* The allocator's counters (gcr_alloc_stats_get for one mem_state). blocks_in_use and
 * pools_in_use are summed over the arenas, so this costs a walk of every carved pool. */
void mem_stats_get(const mem_state *m, gcr_alloc_stats *out);

/* ---------------------------------------------------------------------------------------
 * The slow paths (mem.c). Not to be called directly.
 * ------------------------------------------------------------------------------------- */

/* A block of size bytes when mem_block_try_alloc declined: from malloc (more than
 * small_threshold bytes), a new or recycled pool, a parked pool not known to be the next
 * (see "Parked pools" in mem.c), or the last block of its pool. NULL when memory ran out. */
void *mem_block_alloc_slow_(mem_state *m, size_t size);
/* A free into pool that was full (was_full) or is now empty (its pool may be parked). */
void mem_pool_free_slow_(mem_state *m, mem_pool *pool, int was_full);
/* Blocks of more than small_threshold bytes (all of them under malloc). */
void mem_large_free_(mem_state *m, void *p, size_t size);

/* ---------------------------------------------------------------------------------------
 * Blocks, without accounting: the fast paths
 * ------------------------------------------------------------------------------------- */

/* A free block holds the next free block's address in its first bytes (memcpy: the block's
 * memory was last written as some object type, and the compiler must not reorder by type). */
static inline uint8_t *mem_link_get(const uint8_t *block)
{
    uint8_t *next;
    memcpy(&next, block, sizeof next);
    return next;
}

static inline void mem_link_set(uint8_t *block, uint8_t *next)
{
    memcpy(block, &next, sizeof next);
}

/* Whether pool, empty and in m->parked, is the topmost parked pool: the one CPython would
 * take next. Taking it back leaves the invariants of "Parked pools" (mem.c) as they are. */
static MEM_ALWAYS_INLINE bool mem_parked_is_next(const mem_state *m, const mem_pool *pool)
{
    unsigned n = m->nparked_empty;
    return n != 0 && m->parked[n - 1] == pool;
}

/* Whether pool, just emptied, is the lowest of the pools taken back from m->parked: then
 * parked again where it is it is the topmost parked pool, as CPython's push on the free
 * pools makes it, and the invariants stay. Other cases are mem.c's. */
static MEM_ALWAYS_INLINE bool mem_parked_is_lowest_taken(const mem_state *m, const mem_pool *pool)
{
    unsigned n = m->nparked_empty;
    return n < m->nparked && m->parked[n] == pool;
}

/* A block of size bytes (size > 0) when the fast path can serve it: the first used pool of
 * its class has a free block, which is not its last one, and the pool is not a parked pool
 * other than the next (see "Parked pools" in mem.c). Otherwise NULL, and nothing changed:
 * mem_block_alloc then asks mem.c, and a caller with its own slow path may too. */
static MEM_ALWAYS_INLINE void *mem_block_try_alloc(mem_state *m, size_t size)
{
    if (MEM_UNLIKELY(size > m->small_threshold))
        return NULL;
    unsigned idx = mem_size_class(size);
    mem_pool *pool = m->usedpools[idx];
    if (MEM_UNLIKELY(pool == NULL))
        return NULL;
    bool take_back = MEM_UNLIKELY(m->nparked != 0) && pool->ref.count == 0;
    if (take_back && !mem_parked_is_next(m, pool))
        return NULL;
    uint8_t *bp = pool->freeblock;
    assert(bp != NULL && "mem: a used pool with no free block");
    MEM_UNPOISON(bp, mem_class_block_size(idx));
    uint8_t *next = mem_link_get(bp);
    if (MEM_UNLIKELY(next == NULL)) {
        /* CPython's pymalloc_pool_extend: the next block never handed out becomes the free
         * list; with none left the pool is full and leaves the used list (mem.c). */
        if (MEM_UNLIKELY(pool->nextoffset > pool->maxnextoffset)) {
            MEM_POISON(bp, mem_class_block_size(idx));
            return NULL;
        }
        next = (uint8_t *)pool + pool->nextoffset;
        pool->nextoffset += (unsigned)mem_class_block_size(idx);
        mem_link_set(next, NULL);
    }
    if (take_back)
        m->nparked_empty--;
    pool->ref.count++;
    pool->freeblock = next;
    return bp;
}

/* A block of size bytes (size > 0), or NULL when memory ran out. */
static MEM_ALWAYS_INLINE void *mem_block_alloc(mem_state *m, size_t size)
{
    void *p = mem_block_try_alloc(m, size);
    if (MEM_LIKELY(p != NULL))
        return p;
    return mem_block_alloc_slow_(m, size);
}

/* Frees block p of size bytes (the size it was allocated or last reallocated with). */
static MEM_ALWAYS_INLINE void mem_block_free(mem_state *m, void *p, size_t size)
{
    assert(p != NULL);
    if (MEM_UNLIKELY(size > m->small_threshold)) {
        mem_large_free_(m, p, size);
        return;
    }
    mem_pool *pool = mem_pool_of(p);
    assert(pool->ref.count > 0 && "mem: free of a block in an empty pool (double free?)");
    assert(pool->szidx >= (size - 1) >> MEM_ALIGNMENT_SHIFT &&
           "mem: freed with a size its block lacks");
    uint8_t *lastfree = pool->freeblock;
    mem_link_set(p, lastfree);
    MEM_POISON(p, mem_class_block_size(pool->szidx));
    pool->freeblock = p;
    pool->ref.count--;
    if (MEM_UNLIKELY(lastfree == NULL || pool->ref.count == 0)) {
        if (lastfree != NULL && mem_parked_is_lowest_taken(m, pool)) {
            m->nparked_empty++; /* taken back from the parked pools, and parked again */
            return;
        }
        mem_pool_free_slow_(m, pool, lastfree == NULL);
    }
}

/* ---------------------------------------------------------------------------------------
 * Object blocks
 * ------------------------------------------------------------------------------------- */

/* Object blocks allocated and not yet freed. */
static inline uint64_t mem_live_objects(const mem_state *m)
{
    return m->allocated_objects_total - m->freed_objects_total;
}

/* Counts one object block just allocated (mem_block_alloc) or about to be freed, with bytes
 * the block's size plus that of any buffers allocated or freed with it (mem_block_alloc,
 * mem_block_free): one update of each counter for the lot. */
static MEM_ALWAYS_INLINE void mem_count_object(mem_state *m, size_t bytes)
{
    m->live_bytes += bytes;
    m->allocated_objects_total++;
}

static MEM_ALWAYS_INLINE void mem_uncount_object(mem_state *m, size_t bytes)
{
    assert(m->allocated_objects_total > m->freed_objects_total &&
           "mem: more objects freed than allocated");
    assert(m->live_bytes >= bytes && "mem: more bytes freed than allocated");
    m->live_bytes -= bytes;
    m->freed_objects_total++;
}

/* An object block of size bytes (size > 0), or NULL when memory ran out. Counts one live
 * object. The block is uninitialised. */
static inline void *mem_object_alloc(mem_state *m, size_t size)
{
    assert(size > 0);
    void *p = mem_block_alloc(m, size);
    if (MEM_UNLIKELY(p == NULL))
        return NULL;
    mem_count_object(m, size);
    return p;
}

/* Frees an object block from mem_object_alloc; size must be the size it was allocated with. */
static inline void mem_object_free(mem_state *m, void *p, size_t size)
{
    assert(p != NULL);
    mem_uncount_object(m, size);
    mem_block_free(m, p, size);
}

/* ---------------------------------------------------------------------------------------
 * Buffers owned by objects
 * ------------------------------------------------------------------------------------- */

/* A buffer owned by an object (item array, values, …): counted in live_bytes only.
 * mem_realloc keeps p on failure (returns NULL) and accepts p == NULL with old_size 0.
 * new_size must be > 0; free a buffer with mem_free. Under pymalloc, mem_realloc behaves as
 * CPython's pymalloc_realloc: a block shrinking by less than 25 % of its block size, or
 * growing within its block, stays where it is; otherwise it moves (to malloc past 512). */
static inline void *mem_alloc(mem_state *m, size_t size)
{
    assert(size > 0);
    void *p = mem_block_alloc(m, size);
    if (MEM_LIKELY(p != NULL))
        m->live_bytes += size;
    return p;
}

void *mem_realloc(mem_state *m, void *p, size_t old_size, size_t new_size);

static inline void mem_free(mem_state *m, void *p, size_t size)
{
    if (p == NULL) {
        assert(size == 0 && "mem_free: NULL buffer with a size");
        return;
    }
    assert(m->live_bytes >= size && "mem_free: more bytes freed than allocated");
    m->live_bytes -= size;
    mem_block_free(m, p, size);
}

/* ---------------------------------------------------------------------------------------
 * Metadata
 * ------------------------------------------------------------------------------------- */

/* Runtime metadata: not counted, always the system allocator. */
void *mem_meta_alloc(size_t size);
void mem_meta_free(void *p);

#endif /* GCR_MEM_H */
