/* mem.c — the allocator module's slow paths: the pymalloc model's pools and arenas (CPython
 * 3.11's Objects/obmalloc.c, read beside it: allocate_from_new_pool, pymalloc_pool_extend,
 * insert_to_usedpool, insert_to_freepool, new_arena, pymalloc_realloc), large blocks from
 * malloc, realloc, the allocator's counters, and uncounted metadata memory. The fast paths
 * are inline in mem.h. */
#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "runtime.h"

_Static_assert(MEM_POOL_OVERHEAD == 48, "mem_pool must be CPython's 48-byte pool_header");
_Static_assert(MEM_SIZE_CLASSES == 32, "16-byte classes up to 512 bytes");

/* Returns an arena's mapping to the system (clearing any poisoning first: the address range
 * may be mapped again for something else). */
static void mem_arena_unmap(uintptr_t address)
{
    MEM_UNPOISON((void *)address, MEM_ARENA_SIZE);
    munmap((void *)address, MEM_ARENA_SIZE);
}

void mem_init(mem_state *m, gcr_allocator allocator)
{
    assert((allocator == GCR_ALLOC_MALLOC || allocator == GCR_ALLOC_PYMALLOC) &&
           "mem_init: unknown allocator");
    *m = (mem_state){
        .allocator = allocator,
        .small_threshold = allocator == GCR_ALLOC_PYMALLOC ? MEM_SMALL_REQUEST_THRESHOLD : 0,
        .park_empty_pools = true,
    };
}

void mem_fini(mem_state *m)
{
    for (unsigned i = 0; i < m->maxarenas; i++)
        if (m->arenas[i].address != 0)
            mem_arena_unmap(m->arenas[i].address);
    free(m->arenas);
    mem_init(m, m->allocator);
}

/* ---------------------------------------------------------------------------------------
 * Arenas
 *
 * Invariants (CPython's): usable_arenas is doubly linked and sorted by nfreepools,
 * ascending, so a new pool comes from the fullest arena and the emptiest ones get the chance
 * to drain; nfp2lasta[n] is the rightmost arena in it with n free pools. An arena with no
 * free pool is in no list.
 * ------------------------------------------------------------------------------------- */

/* Maps a new arena and returns its table entry, outside every list; NULL when memory ran
 * out. Before: usable_arenas is empty (so no pointer into the table exists and it may
 * move). */
static mem_arena *mem_arena_new(mem_state *m)
{
    assert(m->usable_arenas == NULL);
    if (m->unused_arenas == NULL) {
        /* Double the table (16 entries at first), as CPython's new_arena. */
        unsigned n = m->maxarenas > 0 ? m->maxarenas * 2 : 16;
        if (n <= m->maxarenas)
            return NULL;
        mem_arena *table = realloc(m->arenas, n * sizeof *table);
        if (table == NULL)
            return NULL;
        for (unsigned i = m->maxarenas; i < n; i++)
            table[i] = (mem_arena){.nextarena = i + 1 < n ? &table[i + 1] : NULL};
        m->arenas = table;
        m->unused_arenas = &table[m->maxarenas];
        m->maxarenas = n;
    }
    void *address =
        mmap(NULL, MEM_ARENA_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (address == MAP_FAILED)
        return NULL;
    mem_arena *ao = m->unused_arenas;
    m->unused_arenas = ao->nextarena;
    /* Pools are 16 KiB-aligned: an arena that is not loses the partial pool at its start. */
    uintptr_t excess = (uintptr_t)address & (MEM_POOL_SIZE - 1);
    *ao = (mem_arena){
        .address = (uintptr_t)address,
        .pool_address = (uint8_t *)address + (excess != 0 ? MEM_POOL_SIZE - excess : 0),
        .nfreepools = (unsigned)MEM_MAX_POOLS_IN_ARENA - (excess != 0),
    };
    ao->ntotalpools = ao->nfreepools;
    m->arenas_allocated_total++;
    m->arenas_current++;
    if (m->arenas_current > m->arenas_highwater)
        m->arenas_highwater = m->arenas_current;
    return ao;
}

/* Unmaps ao, which is wholly free and already out of usable_arenas, and returns its entry to
 * the unused list. */
static void mem_arena_release(mem_state *m, mem_arena *ao)
{
    assert(ao->nfreepools == ao->ntotalpools);
    mem_arena_unmap(ao->address);
    ao->address = 0;
    ao->nextarena = m->unused_arenas;
    m->unused_arenas = ao;
    m->arenas_current--;
    m->arenas_reclaimed_total++;
}

/* Removes ao from usable_arenas. */
static void mem_usable_unlink(mem_state *m, mem_arena *ao)
{
    if (ao->prevarena != NULL)
        ao->prevarena->nextarena = ao->nextarena;
    else
        m->usable_arenas = ao->nextarena;
    if (ao->nextarena != NULL)
        ao->nextarena->prevarena = ao->prevarena;
}

/* Takes one free pool from the fullest usable arena (mapping a new arena if none has one),
 * keeping usable_arenas sorted: that arena had the fewest free pools, so it still has after
 * losing one, and leaves the list only when it has none left. NULL when memory ran out. */
static mem_pool *mem_pool_take(mem_state *m)
{
    if (m->usable_arenas == NULL) {
        mem_arena *fresh = mem_arena_new(m);
        if (fresh == NULL)
            return NULL;
        fresh->nextarena = fresh->prevarena = NULL;
        m->usable_arenas = fresh;
        assert(m->nfp2lasta[fresh->nfreepools] == NULL);
        m->nfp2lasta[fresh->nfreepools] = fresh;
    }
    mem_arena *ao = m->usable_arenas;
    assert(ao->address != 0 && ao->nfreepools > 0);
    if (m->nfp2lasta[ao->nfreepools] == ao)
        m->nfp2lasta[ao->nfreepools] = NULL;
    if (ao->nfreepools > 1) {
        assert(m->nfp2lasta[ao->nfreepools - 1] == NULL);
        m->nfp2lasta[ao->nfreepools - 1] = ao;
    }

    mem_pool *pool = ao->freepools;
    if (pool != NULL) {
        ao->freepools = pool->nextpool; /* a recycled pool: its header is kept */
    } else {
        pool = (mem_pool *)ao->pool_address; /* carve a pool never used */
        assert(ao->pool_address + MEM_POOL_SIZE <= (uint8_t *)ao->address + MEM_ARENA_SIZE);
        pool->arenaindex = (unsigned)(ao - m->arenas);
        pool->szidx = MEM_SIZE_CLASSES; /* no class yet */
        ao->pool_address += MEM_POOL_SIZE;
    }
    if (--ao->nfreepools == 0) {
        assert(ao->freepools == NULL && ao->prevarena == NULL);
        m->usable_arenas = ao->nextarena;
        if (m->usable_arenas != NULL)
            m->usable_arenas->prevarena = NULL;
    }
    return pool;
}

/* ao has just gained free pool number nf (counted in ao->nfreepools already, and
 * nfp2lasta[nf - 1] already updated; lastnf was the rightmost arena with nf - 1 free pools).
 * Restores the usable_arenas invariants, unmapping ao if it is wholly free and not the last
 * usable arena (CPython 3.9+ keeps that one, bpo-37257, so that a loop that allocates and
 * frees one block does not map and unmap an arena each time). */
static void mem_arena_gained_pool(mem_state *m, mem_arena *ao, mem_arena *lastnf)
{
    unsigned nf = ao->nfreepools;
    if (nf == ao->ntotalpools && ao->nextarena != NULL) {
        mem_usable_unlink(m, ao);
        mem_arena_release(m, ao);
        return;
    }
    if (nf == 1) {
        /* It was in no list: it goes to the head, having the fewest free pools. */
        ao->nextarena = m->usable_arenas;
        ao->prevarena = NULL;
        if (m->usable_arenas != NULL)
            m->usable_arenas->prevarena = ao;
        m->usable_arenas = ao;
        if (m->nfp2lasta[1] == NULL)
            m->nfp2lasta[1] = ao;
        return;
    }
    if (m->nfp2lasta[nf] == NULL)
        m->nfp2lasta[nf] = ao;
    if (ao == lastnf)
        return; /* the rightmost of the old count: still in order */
    /* Slide ao right, to just after the last arena that had as many free pools as it had. */
    assert(ao->nextarena != NULL && lastnf != NULL);
    mem_usable_unlink(m, ao);
    ao->prevarena = lastnf;
    ao->nextarena = lastnf->nextarena;
    if (ao->nextarena != NULL)
        ao->nextarena->prevarena = ao;
    lastnf->nextarena = ao;
    assert(ao->nextarena == NULL || nf <= ao->nextarena->nfreepools);
    assert(nf > ao->prevarena->nfreepools);
}

/* ---------------------------------------------------------------------------------------
 * Pools
 * ------------------------------------------------------------------------------------- */

/* Pushes pool on the head of its class's used list. */
static void mem_used_push(mem_state *m, mem_pool *pool)
{
    mem_pool *head = m->usedpools[pool->szidx];
    pool->nextpool = head;
    pool->prevpool = NULL;
    if (head != NULL)
        head->prevpool = pool;
    m->usedpools[pool->szidx] = pool;
}

/* Removes pool from its class's used list. */
static void mem_used_unlink(mem_state *m, mem_pool *pool)
{
    if (pool->prevpool != NULL)
        pool->prevpool->nextpool = pool->nextpool;
    else
        m->usedpools[pool->szidx] = pool->nextpool;
    if (pool->nextpool != NULL)
        pool->nextpool->prevpool = pool->prevpool;
}

/* pool, empty and out of every used list, goes to its arena's free pools (at the head: the
 * pool freed last is reused first), and the arena's place in usable_arenas follows
 * (CPython's insert_to_freepool). */
static void mem_pool_to_arena(mem_state *m, mem_pool *pool)
{
    assert(pool->ref.count == 0);
    mem_arena *ao = &m->arenas[pool->arenaindex];
    assert(ao->address != 0);
    pool->nextpool = ao->freepools;
    ao->freepools = pool;
    unsigned nf = ao->nfreepools;
    mem_arena *lastnf = m->nfp2lasta[nf];
    assert((nf == 0 && lastnf == NULL) || (nf > 0 && lastnf != NULL && lastnf->nfreepools == nf));
    if (lastnf == ao) {
        mem_arena *p = ao->prevarena;
        m->nfp2lasta[nf] = (p != NULL && p->nfreepools == nf) ? p : NULL;
    }
    ao->nfreepools = nf + 1;
    mem_arena_gained_pool(m, ao, lastnf);
}

/* ---------------------------------------------------------------------------------------
 * Parked pools
 *
 * A loop that creates and drops one object empties its pools at every drop; CPython then
 * moves each to its arena's free pools (mem_pool_to_arena) and the next allocations take
 * them straight back (mem_pool_take): a round trip through the arena lists per block. When
 * the round trip provably changes nothing, the move is deferred instead: the empty pool is
 * parked, left in its class's used list (where it was the only pool) for the fast path to
 * find. m->parked[] holds the parked pools in the order they emptied (the order CPython
 * pushed them on their arena's free pools), and above them the ones since taken back (their
 * count is not 0), which leave lazily. Invariants:
 *  - the parked pools are all in one arena, which through the deferred moves would stay the
 *    head of usable_arenas without being unmapped (mem_can_park): so the topmost parked pool
 *    is what CPython's next mem_pool_take would return, the one below it the next, …;
 *  - each was the only used pool of its class, so the next allocation of its class would
 *    take a new pool;
 *  - every taken-back pool is above every parked pool.
 * So an allocation from a parked pool is CPython's exactly when that pool is the topmost
 * parked one (mem_parked_is_next in mem.h; m->nparked_empty counts the parked pools); any
 * other allocation from a parked pool, a new pool, or a full pool regaining a block first
 * completes the deferred moves in order (mem_unpark_all), so it sees CPython's state. The
 * counters report parked pools as free.
 * ------------------------------------------------------------------------------------- */

/* The index in m->parked of the topmost parked pool (those above it were taken back), or
 * -1. */
static int mem_parked_top(const mem_state *m)
{
    int i = (int)m->nparked - 1;
    while (i >= 0 && m->parked[i]->ref.count != 0)
        i--;
    return i;
}

/* Completes every deferred move, in order. */
static void mem_unpark_all(mem_state *m)
{
    for (unsigned i = 0; i < m->nparked; i++) {
        mem_pool *pool = m->parked[i];
        if (pool->ref.count != 0)
            continue; /* taken back */
        mem_used_unlink(m, pool);
        mem_pool_to_arena(m, pool);
    }
    m->nparked = 0;
    m->nparked_empty = 0;
}

/* Whether pool, just emptied and not in m->parked, can be parked on top of the nparked
 * parked pools: it is the only used pool of its class, they are in its arena, and that
 * arena, after gaining their pools and this one, would be the head of usable_arenas (so
 * CPython's next new pool comes from it) and would not be unmapped. */
static bool mem_can_park(const mem_state *m, const mem_pool *pool, unsigned nparked)
{
    if (!m->park_empty_pools || pool->prevpool != NULL || pool->nextpool != NULL ||
        nparked == MEM_SIZE_CLASSES ||
        (nparked > 0 && m->parked[0]->arenaindex != pool->arenaindex))
        return false;
    const mem_arena *ao = &m->arenas[pool->arenaindex];
    const mem_arena *next;
    if (ao->nfreepools == 0)
        next = m->usable_arenas; /* it would come back at the head */
    else if (m->usable_arenas == ao)
        next = ao->nextarena;
    else
        return false;
    unsigned nf = ao->nfreepools + nparked + 1;
    return next == NULL || (next->nfreepools > nf && nf < ao->ntotalpools);
}

/* pool has just become empty and is still in its class's used list: parks it, or moves it
 * to its arena after completing the deferred moves. */
static void mem_pool_emptied(mem_state *m, mem_pool *pool)
{
    int top = mem_parked_top(m);
    if (top >= 0 && m->parked[top] == pool) {
        /* A pool taken back and emptied again: parked again, on top of the parked ones
         * (CPython pushes it on the free pools' head), so the pools taken back after it but
         * below it leave the stack. */
        int bottom = top;
        while (bottom > 0 && m->parked[bottom - 1]->ref.count != 0)
            bottom--;
        memmove(&m->parked[bottom], &m->parked[top],
                (m->nparked - (unsigned)top) * sizeof(mem_pool *));
        m->nparked -= (unsigned)(top - bottom);
        m->nparked_empty = (unsigned)bottom + 1;
        return;
    }
    assert(m->nparked_empty == (unsigned)(top + 1));
    m->nparked = (unsigned)(top + 1); /* the pools taken back leave */
    if (!mem_can_park(m, pool, m->nparked)) {
        mem_unpark_all(m);
        if (!mem_can_park(m, pool, 0)) {
            mem_used_unlink(m, pool);
            mem_pool_to_arena(m, pool);
            return;
        }
    }
    m->parked[m->nparked++] = pool;
    m->nparked_empty = m->nparked;
}

/* ---------------------------------------------------------------------------------------
 * Pools: the slow paths of mem.h
 * ------------------------------------------------------------------------------------- */

/* pool's free list ran out after its last allocation (CPython's pymalloc_pool_extend): the
 * next block never handed out becomes the free list; with none left the pool is full and
 * leaves the used list (from its head, where allocation takes from). */
static void mem_pool_extend(mem_state *m, mem_pool *pool)
{
    assert(pool->freeblock == NULL && m->usedpools[pool->szidx] == pool);
    if (pool->nextoffset <= pool->maxnextoffset) {
        pool->freeblock = (uint8_t *)pool + pool->nextoffset;
        pool->nextoffset += (unsigned)mem_class_block_size(pool->szidx);
        mem_link_set(pool->freeblock, NULL);
        return;
    }
    assert(pool->ref.count == mem_pool_blocks(pool->szidx));
    mem_used_unlink(m, pool);
}

/* The first block of pool's free list (pool is in its class's used list). */
static void *mem_pool_pop(mem_state *m, mem_pool *pool)
{
    uint8_t *bp = pool->freeblock;
    assert(bp != NULL);
    MEM_UNPOISON(bp, mem_class_block_size(pool->szidx));
    pool->ref.count++;
    pool->freeblock = mem_link_get(bp);
    if (pool->freeblock == NULL)
        mem_pool_extend(m, pool);
    return bp;
}

/* A block of size class idx when usedpools[idx] is empty: from a new or recycled pool. */
static void *mem_pool_alloc_new(mem_state *m, unsigned idx)
{
    assert(m->usedpools[idx] == NULL);
    mem_unpark_all(m);
    mem_pool *pool = mem_pool_take(m);
    if (pool == NULL)
        return NULL;
    pool->nextpool = pool->prevpool = NULL;
    m->usedpools[idx] = pool;
    if (pool->szidx == idx) {
        pool->ref.count = 0;
        return mem_pool_pop(m, pool); /* it last held this class: its free list is intact */
    }
    pool->ref.count = 1;
    /* Only the first two blocks are set up: pymalloc touches no memory before it needs it. */
    size_t size = mem_class_block_size(idx);
    MEM_UNPOISON((uint8_t *)pool + MEM_POOL_OVERHEAD, MEM_POOL_SIZE - MEM_POOL_OVERHEAD);
    pool->szidx = idx;
    pool->nextoffset = (unsigned)(MEM_POOL_OVERHEAD + 2 * size);
    pool->maxnextoffset = (unsigned)(MEM_POOL_SIZE - size);
    uint8_t *bp = (uint8_t *)pool + MEM_POOL_OVERHEAD;
    pool->freeblock = bp + size;
    mem_link_set(pool->freeblock, NULL);
    return bp;
}

/* A block of size class idx when usedpools[idx] is a parked pool: CPython's exactly when it
 * is the topmost parked one; otherwise the deferred moves are made first. */
static void *mem_pool_alloc_parked(mem_state *m, unsigned idx)
{
    mem_pool *pool = m->usedpools[idx];
    assert(pool != NULL && pool->ref.count == 0);
    int top = mem_parked_top(m);
    assert(m->nparked_empty == (unsigned)(top + 1));
    if (top < 0 || m->parked[top] != pool) {
        /* CPython's next pool is another: make the moves, then take it. */
        mem_unpark_all(m);
        return mem_pool_alloc_new(m, idx);
    }
    m->nparked_empty = (unsigned)top; /* taken back */
    return mem_pool_pop(m, pool);     /* now CPython's exactly */
}

static void *mem_large_alloc(mem_state *m, size_t size)
{
    void *p = malloc(size);
    if (p != NULL && size > MEM_SMALL_REQUEST_THRESHOLD)
        m->large_in_use++;
    return p;
}

void *mem_block_alloc_slow_(mem_state *m, size_t size)
{
    assert(size > 0);
    if (size > m->small_threshold)
        return mem_large_alloc(m, size);
    unsigned idx = mem_size_class(size);
    mem_pool *pool = m->usedpools[idx];
    if (pool == NULL)
        return mem_pool_alloc_new(m, idx);
    if (m->nparked != 0 && pool->ref.count == 0)
        return mem_pool_alloc_parked(m, idx);
    return mem_pool_pop(m, pool); /* its last block: the pool is full after it */
}

void mem_pool_free_slow_(mem_state *m, mem_pool *pool, int was_full)
{
    if (was_full) {
        /* Back to the used list's head, so that the next allocation of its class reuses the
         * block just freed. */
        mem_unpark_all(m);
        mem_used_push(m, pool);
        if (pool->ref.count != 0)
            return;
    }
    mem_pool_emptied(m, pool);
}

/* ---------------------------------------------------------------------------------------
 * Large blocks, realloc
 * ------------------------------------------------------------------------------------- */

void mem_large_free_(mem_state *m, void *p, size_t size)
{
    if (size > MEM_SMALL_REQUEST_THRESHOLD) {
        assert(m->large_in_use > 0 && "mem: more large blocks freed than allocated");
        m->large_in_use--;
    }
    free(p);
}

void *mem_realloc(mem_state *m, void *p, size_t old_size, size_t new_size)
{
    assert(new_size > 0 && "mem_realloc: free a buffer with mem_free");
    assert((p != NULL || old_size == 0) && "mem_realloc: NULL buffer with a size");
    if (p == NULL)
        return mem_alloc(m, new_size);
    assert(m->live_bytes >= old_size);
    size_t copy = old_size;
    void *q;
    if (old_size <= m->small_threshold) {
        /* pymalloc_realloc: stay in the block when it is big enough and shrinking by less than
         * a quarter of it; otherwise move (to malloc past 512 bytes). */
        size_t block = mem_class_block_size(mem_pool_of(p)->szidx);
        if (new_size <= block) {
            if (4 * new_size > 3 * block) {
                m->live_bytes = m->live_bytes - old_size + new_size;
                return p;
            }
            copy = new_size;
        }
        q = mem_block_alloc(m, new_size);
        if (q == NULL)
            return NULL;
        memcpy(q, p, copy);
        mem_block_free(m, p, old_size);
    } else if (new_size > m->small_threshold) {
        q = realloc(p, new_size); /* malloc to malloc */
        if (q == NULL)
            return NULL;
        m->large_in_use += (new_size > MEM_SMALL_REQUEST_THRESHOLD);
        m->large_in_use -= (old_size > MEM_SMALL_REQUEST_THRESHOLD);
    } else {
        /* A malloc block shrinking to ≤ 512 bytes moves into a pool (see mem.h). */
        q = mem_block_alloc(m, new_size);
        if (q == NULL)
            return NULL;
        memcpy(q, p, new_size);
        mem_large_free_(m, p, old_size);
    }
    m->live_bytes = m->live_bytes - old_size + new_size;
    return q;
}

/* ---------------------------------------------------------------------------------------
 * Counters
 * ------------------------------------------------------------------------------------- */

void mem_stats_get(const mem_state *m, gcr_alloc_stats *out)
{
    *out = (gcr_alloc_stats){
        .arenas_allocated_total = m->arenas_allocated_total,
        .arenas_reclaimed_total = m->arenas_reclaimed_total,
        .arenas_highwater = m->arenas_highwater,
        .arenas_current = m->arenas_current,
        .large_in_use = m->large_in_use,
        .mapped_bytes = m->arenas_current * MEM_ARENA_SIZE,
    };
    for (unsigned i = 0; i < m->nparked; i++)
        out->pools_in_use -= m->parked[i]->ref.count == 0; /* free for CPython */
    for (unsigned i = 0; i < m->maxarenas; i++) {
        const mem_arena *ao = &m->arenas[i];
        if (ao->address == 0)
            continue;
        out->pools_in_use += ao->ntotalpools - ao->nfreepools;
        uintptr_t first = (ao->address + MEM_POOL_SIZE - 1) & ~(uintptr_t)(MEM_POOL_SIZE - 1);
        for (uintptr_t pool = first; pool < (uintptr_t)ao->pool_address; pool += MEM_POOL_SIZE)
            out->blocks_in_use += ((const mem_pool *)pool)->ref.count;
    }
}

void gcr_alloc_stats_get(const gcr_runtime *rt, gcr_alloc_stats *out)
{
    rt_check(rt);
    mem_stats_get(&rt->mem, out);
}

/* ---------------------------------------------------------------------------------------
 * Metadata
 * ------------------------------------------------------------------------------------- */

void *mem_meta_alloc(size_t size) { return malloc(size); }

void mem_meta_free(void *p) { free(p); }
