/* test_mem.c — the allocator (runtime/mem.c): pymalloc's size classes, pools and arenas as in
 * CPython 3.11 (which arena a pool comes from, when an arena is unmapped and that the memory
 * really goes back to the system), large blocks, realloc, exact live_bytes, the malloc
 * allocator; and two fidelity checks against CPython's numbers (a million floats; seed
 * 004's global cache). RSS is read from /proc/self/status; RSS checks are skipped under
 * valgrind and AddressSanitizer, whose own allocators and shadow memory change RSS. */
#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "rt_test.h"
#include "mem.h"

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif

#define MiB (1024.0 * 1024.0)

/* ---------------------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------------------- */

/* Whether RSS means what it means in a plain process. */
static bool rss_is_meaningful(void)
{
#if defined(__SANITIZE_ADDRESS__)
    return false;
#else
#if defined(RUNNING_ON_VALGRIND)
    if (RUNNING_ON_VALGRIND)
        return false;
#endif
    const char *preload = getenv("LD_PRELOAD");
    return preload == NULL || strstr(preload, "vgpreload") == NULL;
#endif
}

/* VmRSS of this process in bytes. */
static double rss_bytes(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    assert_non_null(f);
    char line[256];
    double kib = -1;
    while (fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "VmRSS: %lf kB", &kib) == 1)
            break;
    fclose(f);
    assert_true(kib >= 0);
    return kib * 1024.0;
}

static gcr_alloc_stats stats_of(const mem_state *m)
{
    gcr_alloc_stats s;
    mem_stats_get(m, &s);
    return s;
}

/* The arena (its index in m->arenas) holding p, or -1. */
static int arena_of(const mem_state *m, const void *p)
{
    for (unsigned i = 0; i < m->maxarenas; i++) {
        uintptr_t a = m->arenas[i].address;
        if (a != 0 && (uintptr_t)p - a < MEM_ARENA_SIZE)
            return (int)i;
    }
    return -1;
}

/* Whether [address, address + 1 MiB) is mapped (mincore fails with ENOMEM where it is not). */
static bool is_mapped(uintptr_t address)
{
    static unsigned char vec[MEM_ARENA_SIZE / 4096];
    if (mincore((void *)address, MEM_ARENA_SIZE, vec) == 0)
        return true;
    assert_int_equal(errno, ENOMEM);
    return false;
}

/* Allocates n blocks of size bytes into blocks[], each filled with its index's low byte. */
static void alloc_n(mem_state *m, void **blocks, size_t n, size_t size)
{
    for (size_t i = 0; i < n; i++) {
        blocks[i] = mem_alloc(m, size);
        assert_non_null(blocks[i]);
        memset(blocks[i], (int)(i & 0xff), size);
    }
}

static void free_range(mem_state *m, void **blocks, size_t from, size_t to, size_t size)
{
    for (size_t i = from; i < to; i++)
        mem_free(m, blocks[i], size);
}

/* ---------------------------------------------------------------------------------------
 * Fidelity with CPython 3.11 (first: they want a process heap not yet used)
 * ------------------------------------------------------------------------------------- */

/* A million floats (24 bytes, the 32-byte class): 510 blocks per 16 KiB pool, 63 pools per
 * arena → 1961 pools in 32 arenas (31 if the arenas are 16 KiB-aligned), as CPython maps. */
static void test_fidelity_million_floats(void **state)
{
    (void)state;
    enum { N = 1000000 };
    gcr_object **floats = calloc(N, sizeof *floats);
    assert_non_null(floats);
    memset(floats, 1, N * sizeof *floats); /* resident before the first RSS reading */
    gcr_runtime *rt = gcr_open(NULL);
    assert_non_null(rt);
    gcr_alloc_stats before;
    gcr_alloc_stats_get(rt, &before);
    double rss0 = rss_bytes();

    for (size_t i = 0; i < N; i++) {
        floats[i] = gcr_float_new(rt, (double)i);
        assert_non_null(floats[i]);
    }
    gcr_alloc_stats s;
    gcr_alloc_stats_get(rt, &s);
    double rss1 = rss_bytes();
    assert_int_equal(s.blocks_in_use - before.blocks_in_use, N);
    /* (the runtime's own 32-byte blocks may share the first pool) */
    assert_in_range(s.pools_in_use - before.pools_in_use, (N + 509) / 510 - 1, (N + 509) / 510);
    assert_in_range(s.mapped_bytes, 31 * 1024 * 1024, 33 * 1024 * 1024);
    assert_int_equal(s.large_in_use, 0);
    if (rss_is_meaningful()) {
        double expected = (double)(N + 509) / 510 * MEM_POOL_SIZE; /* 30.6 MiB */
        printf("  1e6 floats: mapped %.1f MiB, RSS +%.1f MiB (pools %.1f MiB)\n",
               s.mapped_bytes / MiB, (rss1 - rss0) / MiB, expected / MiB);
        assert_true(rss1 - rss0 > 0.9 * expected && rss1 - rss0 < 1.1 * expected);
    }

    for (size_t i = 0; i < N; i++)
        gcr_decref(rt, floats[i]);
    gcr_alloc_stats_get(rt, &s);
    /* the float free list keeps 100 until a full collection empties it */
    assert_int_equal(s.blocks_in_use, before.blocks_in_use + 100);
    assert_int_equal(gcr_gc_collect(rt, 2), 0);
    gcr_alloc_stats_get(rt, &s);
    assert_int_equal(s.blocks_in_use, before.blocks_in_use);
    assert_true(s.arenas_current <= 2); /* the runtime's own objects' arena, the kept one */
    assert_true(s.arenas_reclaimed_total >= 29);
    gcr_close(rt);
    free(floats);
}

/* Seed 004's test_global_cache, one call: 100 lists of 10 000 floats kept. CPython 3.11.2's
 * RSS grew by 38.7 MiB per call once past the memory freed by the earlier scenarios
 * (tests/reference/seed004_cpython311.txt): 30.6 MiB of float pools and 100 item buffers of
 * 85 176 - 56 bytes from malloc. */
static void test_fidelity_global_cache(void **state)
{
    (void)state;
    gcr_runtime *rt = gcr_open(NULL);
    assert_non_null(rt);
    gcr_object *cache = gcr_list_new(rt);
    assert_non_null(cache);
    double rss0 = rss_bytes();
    for (int l = 0; l < 100; l++) {
        gcr_object *list = gcr_list_new(rt);
        assert_non_null(list);
        for (int i = 0; i < 10000; i++) {
            gcr_object *f = gcr_float_new(rt, i + 0.5);
            assert_non_null(f);
            assert_int_equal(gcr_list_append(rt, list, f), 0);
            gcr_decref(rt, f);
        }
        assert_int_equal(gcr_list_append(rt, cache, list), 0);
        gcr_decref(rt, list);
    }
    double growth = rss_bytes() - rss0;
    gcr_alloc_stats s;
    gcr_alloc_stats_get(rt, &s);
    assert_int_equal(s.large_in_use, 101); /* 100 item buffers, and the cache's (864 bytes) */
    assert_in_range(s.mapped_bytes, 31 * 1024 * 1024, 34 * 1024 * 1024);
    if (rss_is_meaningful()) {
        printf("  global cache: RSS +%.1f MiB (CPython 3.11: +38.7 MiB)\n", growth / MiB);
        assert_true(growth > 0.9 * 38.7 * MiB && growth < 1.1 * 38.7 * MiB);
    }
    gcr_decref(rt, cache);
    gcr_close(rt);
}

/* ---------------------------------------------------------------------------------------
 * Size classes and pools
 * ------------------------------------------------------------------------------------- */

/* Requests of 1..512 bytes map to CPython's 32 classes of 16-byte steps, and a block of the
 * request's class is what allocation hands out (its pool says so). */
static void test_size_classes(void **state)
{
    (void)state;
    assert_int_equal(MEM_POOL_OVERHEAD, 48);
    assert_int_equal(mem_pool_blocks(0), 1021); /* CPython's NUMBLOCKS for 16 KiB pools */
    assert_int_equal(mem_pool_blocks(1), 510);
    assert_int_equal(mem_pool_blocks(3), 255);
    assert_int_equal(mem_pool_blocks(31), 31);
    mem_state m;
    mem_init(&m, GCR_ALLOC_PYMALLOC);
    for (size_t n = 1; n <= MEM_SMALL_REQUEST_THRESHOLD; n++) {
        unsigned idx = mem_size_class(n);
        size_t block = mem_class_block_size(idx);
        assert_int_equal(idx, (n + 15) / 16 - 1);
        assert_int_equal(block, (n + 15) / 16 * 16);
        uint8_t *p = mem_alloc(&m, n);
        assert_non_null(p);
        mem_pool *pool = mem_pool_of(p);
        assert_int_equal(pool->szidx, idx);
        assert_int_equal(((size_t)(p - (uint8_t *)pool) - MEM_POOL_OVERHEAD) % block, 0);
        mem_free(&m, p, n);
    }
    assert_int_equal(m.live_bytes, 0);
    assert_int_equal(stats_of(&m).blocks_in_use, 0);
    mem_fini(&m);
}

/* A pool's blocks: 16-aligned, distinct, handed out in address order from just after the
 * 48-byte header, and each keeps what is written to it. */
static void test_pool_blocks_aligned_and_distinct(void **state)
{
    (void)state;
    enum { SIZE = 56, PER_POOL = 255 }; /* 64-byte class */
    mem_state m;
    mem_init(&m, GCR_ALLOC_PYMALLOC);
    void *blocks[PER_POOL + 1];
    for (size_t i = 0; i <= PER_POOL; i++) {
        blocks[i] = mem_object_alloc(&m, SIZE);
        assert_non_null(blocks[i]);
        memset(blocks[i], (int)i, SIZE);
    }
    mem_pool *pool = mem_pool_of(blocks[0]);
    for (size_t i = 0; i < PER_POOL; i++) {
        assert_int_equal((uintptr_t)blocks[i] % 16, 0);
        assert_ptr_equal(blocks[i], (uint8_t *)pool + MEM_POOL_OVERHEAD + 64 * i);
        for (size_t b = 0; b < SIZE; b++)
            assert_int_equal(((uint8_t *)blocks[i])[b], (uint8_t)i);
    }
    assert_int_equal(pool->ref.count, PER_POOL);
    assert_ptr_not_equal(mem_pool_of(blocks[PER_POOL]), pool); /* the pool was full */
    assert_int_equal(mem_live_objects(&m), PER_POOL + 1);
    assert_int_equal(m.live_bytes, (PER_POOL + 1) * SIZE);
    gcr_alloc_stats s = stats_of(&m);
    assert_int_equal(s.pools_in_use, 2);
    assert_int_equal(s.blocks_in_use, PER_POOL + 1);

    /* A freed block is the next one handed out (LIFO within the pool). */
    mem_object_free(&m, blocks[7], SIZE);
    void *again = mem_object_alloc(&m, SIZE);
    assert_ptr_equal(again, blocks[7]);
    for (size_t i = 0; i <= PER_POOL; i++)
        mem_object_free(&m, blocks[i], SIZE);
    assert_int_equal(mem_live_objects(&m), 0);
    assert_int_equal(m.live_bytes, 0);
    assert_int_equal(stats_of(&m).pools_in_use, 0);
    mem_fini(&m);
}

/* ---------------------------------------------------------------------------------------
 * Arenas
 * ------------------------------------------------------------------------------------- */

/* 32-byte blocks fill the first arena's pools (63 or 64 of 510 blocks), then open a second
 * arena; freeing everything unmaps one and keeps the last usable arena (bpo-37257). */
static void test_blocks_fill_a_second_arena(void **state)
{
    (void)state;
    mem_state m;
    mem_init(&m, GCR_ALLOC_PYMALLOC);
    size_t cap = 64 * 510 + 1;
    void **blocks = malloc(cap * sizeof *blocks);
    assert_non_null(blocks);
    size_t n = 0;
    while (stats_of(&m).arenas_current < 2) {
        assert_true(n < cap);
        blocks[n] = mem_alloc(&m, 32);
        assert_non_null(blocks[n]);
        n++;
    }
    unsigned pools0 = m.arenas[0].ntotalpools;
    assert_true(pools0 == 63 || pools0 == 64);
    assert_int_equal(pools0, 64 - ((m.arenas[0].address & (MEM_POOL_SIZE - 1)) != 0));
    assert_int_equal(n, pools0 * 510 + 1);
    assert_int_equal(arena_of(&m, blocks[0]), 0);
    assert_int_equal(arena_of(&m, blocks[n - 2]), 0);
    assert_int_equal(arena_of(&m, blocks[n - 1]), 1);
    gcr_alloc_stats s = stats_of(&m);
    assert_int_equal(s.arenas_allocated_total, 2);
    assert_int_equal(s.arenas_highwater, 2);
    assert_int_equal(s.mapped_bytes, 2 * MEM_ARENA_SIZE);
    assert_int_equal(s.pools_in_use, pools0 + 1);
    assert_int_equal(s.blocks_in_use, n);
    assert_int_equal(m.live_bytes, 32 * n);

    free_range(&m, blocks, 0, n, 32);
    s = stats_of(&m);
    assert_int_equal(s.arenas_current, 1);
    assert_int_equal(s.arenas_reclaimed_total, 1);
    assert_int_equal(s.arenas_highwater, 2);
    assert_int_equal(s.pools_in_use, 0);
    assert_int_equal(s.blocks_in_use, 0);
    assert_int_equal(m.live_bytes, 0);
    /* The kept arena serves the next allocation without a new mapping. */
    void *p = mem_alloc(&m, 100);
    assert_int_equal(stats_of(&m).arenas_allocated_total, 2);
    mem_free(&m, p, 100);
    mem_fini(&m);
    free(blocks);
}

/* Eight arenas of blocks, all freed: seven are unmapped (mincore: gone) and RSS drops by
 * about 1 MiB for each; mem_fini unmaps the last. */
static void test_freed_arenas_are_unmapped(void **state)
{
    (void)state;
    enum { ARENAS = 8 };
    mem_state m;
    mem_init(&m, GCR_ALLOC_PYMALLOC);
    size_t cap = ARENAS * 64 * 510;
    void **blocks = malloc(cap * sizeof *blocks);
    assert_non_null(blocks);
    memset(blocks, 0, cap * sizeof *blocks);
    size_t n = 0;
    while (stats_of(&m).arenas_current < ARENAS || m.usable_arenas != NULL) {
        assert_true(n < cap);
        blocks[n] = mem_alloc(&m, 32);
        assert_non_null(blocks[n]);
        memset(blocks[n], 0xab, 32);
        n++;
    }
    uintptr_t address[ARENAS];
    for (int i = 0; i < ARENAS; i++) {
        address[i] = m.arenas[i].address;
        assert_true(is_mapped(address[i]));
    }
    double rss0 = rss_bytes();
    free_range(&m, blocks, 0, n, 32);
    double rss1 = rss_bytes();
    gcr_alloc_stats s = stats_of(&m);
    assert_int_equal(s.arenas_current, 1);
    assert_int_equal(s.arenas_reclaimed_total, ARENAS - 1);
    assert_int_equal(s.mapped_bytes, MEM_ARENA_SIZE);
    int mapped = 0;
    for (int i = 0; i < ARENAS; i++)
        mapped += is_mapped(address[i]);
    assert_int_equal(mapped, 1);
    if (rss_is_meaningful()) {
        double drop = (rss0 - rss1) / MiB;
        printf("  %d arenas reclaimed: RSS -%.2f MiB\n", ARENAS - 1, drop);
        assert_true(drop > 0.9 * (ARENAS - 1) && drop < 1.1 * (ARENAS - 1));
    }
    mem_fini(&m);
    for (int i = 0; i < ARENAS; i++)
        assert_false(is_mapped(address[i]));
    free(blocks);
}

/* A new pool comes from the usable arena with the fewest free pools, whichever it is. */
static void test_new_pool_from_fullest_arena(void **state)
{
    (void)state;
    mem_state m;
    mem_init(&m, GCR_ALLOC_PYMALLOC);
    size_t cap = 2 * 64 * 510;
    void **blocks = malloc(cap * sizeof *blocks);
    assert_non_null(blocks);
    /* Arena 0 full; arena 1 with 10 full pools; no partly used 32-byte pool. */
    size_t pools0 = 64;
    size_t n = 0;
    for (;;) {
        blocks[n] = mem_alloc(&m, 32);
        assert_non_null(blocks[n]);
        n++;
        if (m.arenas_current == 2) {
            pools0 = m.arenas[0].ntotalpools;
            break;
        }
    }
    size_t total = (pools0 + 10) * 510;
    alloc_n(&m, blocks + n, total - n, 32);
    assert_null(m.usedpools[mem_size_class(32)]);

    /* Arena 0 down to 40 used pools, arena 1 has 10: arena 0 is the fuller, though arena 1
     * is the newest and still has pools never carved. */
    free_range(&m, blocks, 40 * 510, pools0 * 510, 32);
    assert_int_equal(stats_of(&m).pools_in_use, 40 + 10);
    void *probe = mem_alloc(&m, 128);
    assert_int_equal(arena_of(&m, probe), 0);

    /* Arena 0 down to 6 used pools (5 of 32-byte blocks, the probe's): now arena 1 is the
     * fuller, though arena 0 is the first arena and holds the pools freed most recently. */
    free_range(&m, blocks, 5 * 510, 40 * 510, 32);
    assert_int_equal(stats_of(&m).pools_in_use, 6 + 10);
    void *probe2 = mem_alloc(&m, 256);
    assert_int_equal(arena_of(&m, probe2), 1);
    assert_int_equal(m.live_bytes, (5 * 510 + 10 * 510) * 32 + 128 + 256);

    mem_free(&m, probe, 128);
    mem_free(&m, probe2, 256);
    free_range(&m, blocks, 0, 5 * 510, 32);
    free_range(&m, blocks, pools0 * 510, total, 32);
    assert_int_equal(m.live_bytes, 0);
    assert_int_equal(stats_of(&m).arenas_current, 1);
    mem_fini(&m);
    free(blocks);
}

/* ---------------------------------------------------------------------------------------
 * Large blocks and realloc
 * ------------------------------------------------------------------------------------- */

/* More than 512 bytes: from malloc, counted in large_in_use, outside every arena. */
static void test_large_blocks_from_malloc(void **state)
{
    (void)state;
    mem_state m;
    mem_init(&m, GCR_ALLOC_PYMALLOC);
    void *big = mem_alloc(&m, 513);
    assert_non_null(big);
    assert_true(malloc_usable_size(big) >= 513);
    gcr_alloc_stats s = stats_of(&m);
    assert_int_equal(s.large_in_use, 1);
    assert_int_equal(s.arenas_current, 0);
    void *obj = mem_object_alloc(&m, 4000);
    void *small = mem_alloc(&m, 512);
    assert_int_equal(arena_of(&m, big), -1);
    assert_int_equal(arena_of(&m, obj), -1);
    assert_int_equal(arena_of(&m, small), 0);
    s = stats_of(&m);
    assert_int_equal(s.large_in_use, 2);
    assert_int_equal(s.blocks_in_use, 1);
    assert_int_equal(m.live_bytes, 513 + 4000 + 512);
    assert_int_equal(mem_live_objects(&m), 1);
    mem_free(&m, big, 513);
    mem_object_free(&m, obj, 4000);
    mem_free(&m, small, 512);
    assert_int_equal(stats_of(&m).large_in_use, 0);
    assert_int_equal(m.live_bytes, 0);
    assert_int_equal(mem_live_objects(&m), 0);
    mem_fini(&m);
}

static void fill(void *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        ((uint8_t *)p)[i] = (uint8_t)(seed + i * 7);
}

/* p holds fill(p, n, seed)'s pattern (the index of the first byte that differs is shown). */
static void assert_filled(const void *p, size_t n, unsigned seed)
{
    size_t i = 0;
    while (i < n && ((const uint8_t *)p)[i] == (uint8_t)(seed + i * 7))
        i++;
    assert_int_equal(i, n);
}

/* pymalloc_realloc's rules, across the 512-byte boundary both ways, contents kept. */
static void test_realloc_across_512(void **state)
{
    (void)state;
    mem_state m;
    mem_init(&m, GCR_ALLOC_PYMALLOC);
    uint8_t *p = mem_realloc(&m, NULL, 0, 20);
    assert_non_null(p);
    fill(p, 20, 1);
    /* Growing within the block (32 bytes): stays. */
    uint8_t *q = mem_realloc(&m, p, 20, 32);
    assert_ptr_equal(q, p);
    assert_int_equal(m.live_bytes, 32);
    fill(q, 32, 2);
    /* Growing past the block: moves, 32 bytes kept. */
    p = mem_realloc(&m, q, 32, 500);
    assert_ptr_not_equal(p, q);
    assert_filled(p, 32, 2);
    assert_int_equal(m.live_bytes, 500);
    fill(p, 500, 3);
    /* Past 512: to malloc. */
    q = mem_realloc(&m, p, 500, 600);
    assert_filled(q, 500, 3);
    gcr_alloc_stats s = stats_of(&m);
    assert_int_equal(s.large_in_use, 1);
    assert_int_equal(s.blocks_in_use, 0);
    assert_int_equal(m.live_bytes, 600);
    fill(q, 600, 4);
    /* malloc to malloc. */
    p = mem_realloc(&m, q, 600, 5000);
    assert_filled(p, 600, 4);
    assert_int_equal(m.live_bytes, 5000);
    fill(p, 5000, 5);
    /* Back under 512: into a pool (112-byte class). */
    q = mem_realloc(&m, p, 5000, 100);
    assert_filled(q, 100, 5);
    s = stats_of(&m);
    assert_int_equal(s.large_in_use, 0);
    assert_int_equal(s.blocks_in_use, 1);
    assert_int_equal(mem_pool_of(q)->szidx, mem_size_class(100));
    assert_int_equal(m.live_bytes, 100);
    /* Shrinking by less than a quarter of the block (4 × 85 > 3 × 112): stays. */
    p = mem_realloc(&m, q, 100, 85);
    assert_ptr_equal(p, q);
    assert_int_equal(m.live_bytes, 85);
    /* By a quarter or more (4 × 84 = 3 × 112): moves to the 96-byte class. */
    q = mem_realloc(&m, p, 85, 84);
    assert_ptr_not_equal(q, p);
    assert_filled(q, 84, 5);
    assert_int_equal(mem_pool_of(q)->szidx, mem_size_class(84));
    assert_int_equal(m.live_bytes, 84);
    assert_int_equal(stats_of(&m).blocks_in_use, 1);
    mem_free(&m, q, 84);
    assert_int_equal(m.live_bytes, 0);
    assert_int_equal(stats_of(&m).blocks_in_use, 0);
    mem_fini(&m);
}

/* ---------------------------------------------------------------------------------------
 * Exact accounting under churn
 * ------------------------------------------------------------------------------------- */

/* 200 000 random allocations, reallocations and frees of 1..2000 bytes over 3000 slots:
 * live_bytes, blocks_in_use and large_in_use match a model after every step, and no block
 * is disturbed by the others (each holds its own pattern until freed). */
static void test_live_bytes_exact_under_churn(void **state)
{
    (void)state;
    enum { SLOTS = 3000, STEPS = 200000 };
    static uint8_t *block[SLOTS];
    static size_t size[SLOTS];
    mem_state m;
    mem_init(&m, GCR_ALLOC_PYMALLOC);
    uint64_t rng = 42, live = 0, small = 0, large = 0;
    for (int step = 0; step < STEPS; step++) {
        rng = rng * 6364136223846793005u + 1442695040888963407u;
        unsigned slot = (unsigned)(rng >> 33) % SLOTS;
        size_t want = 1 + (size_t)(rng >> 13) % ((rng >> 60) < 12 ? 512 : 2000);
        if (block[slot] != NULL) {
            assert_filled(block[slot], size[slot], slot);
            live -= size[slot];
            small -= size[slot] <= 512;
            large -= size[slot] > 512;
        }
        if (block[slot] == NULL) {
            block[slot] = mem_alloc(&m, want);
            size[slot] = want;
        } else if ((rng >> 40) & 1) {
            block[slot] = mem_realloc(&m, block[slot], size[slot], want);
            size_t kept = size[slot] < want ? size[slot] : want;
            assert_filled(block[slot], kept, slot);
            size[slot] = want;
        } else {
            mem_free(&m, block[slot], size[slot]);
            block[slot] = NULL;
        }
        if (block[slot] != NULL) {
            fill(block[slot], size[slot], slot);
            live += size[slot];
            small += size[slot] <= 512;
            large += size[slot] > 512;
        }
        assert_int_equal(m.live_bytes, live);
        if (step % 10000 == 0) {
            gcr_alloc_stats s = stats_of(&m);
            assert_int_equal(s.blocks_in_use, small);
            assert_int_equal(s.large_in_use, large);
        }
    }
    for (unsigned slot = 0; slot < SLOTS; slot++) {
        if (block[slot] != NULL) {
            assert_filled(block[slot], size[slot], slot);
            mem_free(&m, block[slot], size[slot]);
            block[slot] = NULL;
        }
    }
    assert_int_equal(m.live_bytes, 0);
    gcr_alloc_stats s = stats_of(&m);
    assert_int_equal(s.blocks_in_use, 0);
    assert_int_equal(s.large_in_use, 0);
    assert_int_equal(s.pools_in_use, 0);
    assert_true(s.arenas_current <= 1);
    mem_fini(&m);
}

/* ---------------------------------------------------------------------------------------
 * Parked pools change nothing
 * ------------------------------------------------------------------------------------- */

/* What a run of park_workload saw: where each block came from (arena, offset from the
 * arena's first pool: independent of where the arena was mapped), the pools per arena (63 or
 * 64, by the mapping's alignment), and the counters every 64 operations. */
typedef struct park_trace {
    uint64_t *where;
    size_t nwhere;
    unsigned *arena_pools;
    size_t narenas;
    gcr_alloc_stats *stats;
    size_t nstats;
    uint64_t parked_seen; /* frees after which a pool was parked */
    uint64_t parked_many; /* … two or more, with several arenas mapped */
} park_trace;

/* Slots 0 .. PARK_FIXED - 1 are the create-and-drop loops'; the others are random. */
enum { PARK_SLOTS = 60000, PARK_FIXED = 3, PARK_ROUNDS = 12, PARK_MAX_OPS = 1600000 };

static void park_record_block(park_trace *t, const mem_state *m, const void *p)
{
    int arena = arena_of(m, p);
    assert_true(arena >= 0 && t->nwhere < PARK_MAX_OPS);
    if (m->arenas_allocated_total > t->narenas) {
        assert_true(t->narenas < 4096);
        t->arena_pools[t->narenas++] = m->arenas[arena].ntotalpools;
    }
    uintptr_t first = (m->arenas[arena].address + MEM_POOL_SIZE - 1) & ~(MEM_POOL_SIZE - 1);
    t->where[t->nwhere++] = ((uint64_t)arena << 32) | (uint64_t)((uintptr_t)p - first);
}

/* Create-and-drop loops (where pools get parked), arenas filling and draining, and random
 * churn, on m, traced into t. */
static void park_workload(mem_state *m, park_trace *t)
{
    static void *slot[PARK_SLOTS];
    static size_t slot_size[PARK_SLOTS];
    static const size_t sizes[] = {24, 40, 56, 72, 100, 200, 512, 16};
    uint64_t rng = 7, ops = 0;
#define NEXT() (rng = rng * 6364136223846793005u + 1442695040888963407u, rng >> 33)
#define ALLOC(i, n)                                                                                \
    do {                                                                                           \
        slot_size[i] = (n);                                                                        \
        slot[i] = mem_alloc(m, slot_size[i]);                                                      \
        assert_non_null(slot[i]);                                                                  \
        park_record_block(t, m, slot[i]);                                                          \
    } while (0)
#define FREE(i)                                                                                    \
    do {                                                                                           \
        mem_free(m, slot[i], slot_size[i]);                                                        \
        slot[i] = NULL;                                                                            \
        t->parked_seen += m->nparked > 0;                                                          \
        t->parked_many += m->nparked > 1 && m->arenas_current > 1;                                 \
        if (++ops % 64 == 0)                                                                       \
            mem_stats_get(m, &t->stats[t->nstats++]);                                              \
    } while (0)
    /* 1000 times: an object of size1 with values of size2; the object is kept every keep
     * times (never if 0); the values are freed first if lifo (else CPython swaps the two
     * pools' classes at each step). */
#define CREATE_DROP(size1, size2, keep, lifo)                                                      \
    for (int i = 0; i < 1000; i++) {                                                               \
        ALLOC(0, size1);                                                                           \
        ALLOC(1, size2);                                                                           \
        unsigned k = PARK_FIXED + (unsigned)NEXT() % (PARK_SLOTS - PARK_FIXED);                    \
        bool kept = (keep) != 0 && i % ((keep) + 1) == 0 && slot[k] == NULL;                       \
        if (kept) {                                                                                \
            slot[k] = slot[0], slot_size[k] = slot_size[0];                                        \
            slot[0] = NULL;                                                                        \
        }                                                                                          \
        if (lifo) {                                                                                \
            FREE(1);                                                                               \
            if (!kept)                                                                             \
                FREE(0);                                                                           \
        } else {                                                                                   \
            if (!kept)                                                                             \
                FREE(0);                                                                           \
            FREE(1);                                                                               \
        }                                                                                          \
    }
    /* 300 times: three blocks of three classes, freed in an order that turns with i, so
     * that pools are taken back and parked again at every depth of the parked stack. */
#define CREATE_DROP3(size1, size2, size3)                                                          \
    for (int i = 0; i < 300; i++) {                                                                \
        ALLOC(0, size1);                                                                           \
        ALLOC(1, size2);                                                                           \
        ALLOC(2, size3);                                                                           \
        static const unsigned char order[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},                 \
                                                  {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};                \
        for (int j = 0; j < 3; j++)                                                                \
            FREE(order[i % 6][j]);                                                                 \
    }
    for (int round = 0; round < PARK_ROUNDS; round++) {
        CREATE_DROP3(56, 16, 120);
        CREATE_DROP(72, 40, 5, true); /* the perf workload, some objects kept */
        CREATE_DROP(300, 150, 0, round % 2 == 0);
        /* Fill: several arenas' worth. */
        for (unsigned i = PARK_FIXED; i < PARK_SLOTS; i++)
            if (slot[i] == NULL && NEXT() % 3 != 0)
                ALLOC(i, sizes[NEXT() % 8]);
        /* Create and drop among many arenas. */
        CREATE_DROP(264, 136, 0, true);
        CREATE_DROP(264, 136, 0, false);
        CREATE_DROP3(264, 136, 56);
        /* Drain most of it, in an order that empties whole pools and arenas. */
        unsigned step = 1 + (unsigned)NEXT() % 7;
        for (unsigned i = PARK_FIXED; i < PARK_SLOTS; i++) {
            unsigned j = PARK_FIXED + (i * step) % (PARK_SLOTS - PARK_FIXED);
            if (slot[j] != NULL && NEXT() % 10 != 0)
                FREE(j);
        }
        /* Churn. */
        for (int i = 0; i < 20000; i++) {
            unsigned j = PARK_FIXED + (unsigned)NEXT() % 200;
            if (slot[j] != NULL)
                FREE(j);
            else
                ALLOC(j, sizes[NEXT() % 8]);
        }
    }
    for (unsigned i = 0; i < PARK_SLOTS; i++)
        if (slot[i] != NULL)
            FREE(i);
#undef CREATE_DROP
#undef CREATE_DROP3
#undef ALLOC
#undef FREE
#undef NEXT
    mem_stats_get(m, &t->stats[t->nstats++]);
    assert_int_equal(m->live_bytes, 0);
}

static park_trace park_trace_new(void)
{
    park_trace t = {
        .where = malloc(PARK_MAX_OPS * sizeof(uint64_t)),
        .arena_pools = malloc(4096 * sizeof(unsigned)),
        .stats = malloc((PARK_MAX_OPS / 64 + 2) * sizeof(gcr_alloc_stats)),
    };
    assert_true(t.where != NULL && t.arena_pools != NULL && t.stats != NULL);
    return t;
}

static void park_trace_free(park_trace *t)
{
    free(t->where);
    free(t->arena_pools);
    free(t->stats);
}

/* The same operations run twice: moving every emptied pool to its arena at once, as CPython
 * does, then parking. Every block comes from the same place (arena, offset) and every
 * counter agrees, so parking changes nothing but the time taken. (The runs are one after
 * the other so that the second gets the first's mappings back: an arena's alignment decides
 * whether it has 63 or 64 pools.) */
static void test_parked_pools_change_nothing(void **state)
{
    (void)state;
    park_trace cpython = park_trace_new(), parked = park_trace_new();
    mem_state m;
    mem_init(&m, GCR_ALLOC_PYMALLOC);
    m.park_empty_pools = false;
    park_workload(&m, &cpython);
    mem_fini(&m);
    assert_int_equal(cpython.parked_seen, 0);
    mem_init(&m, GCR_ALLOC_PYMALLOC);
    park_workload(&m, &parked);
    mem_fini(&m);

    bool comparable =
        cpython.narenas == parked.narenas &&
        memcmp(cpython.arena_pools, parked.arena_pools, cpython.narenas * sizeof(unsigned)) == 0;
    if (comparable) {
        assert_int_equal(parked.nwhere, cpython.nwhere);
        for (size_t i = 0; i < cpython.nwhere; i++)
            if (parked.where[i] != cpython.where[i])
                fail_msg("block %zu: at arena %u + %#x, CPython's at arena %u + %#x", i,
                         (unsigned)(parked.where[i] >> 32), (unsigned)parked.where[i],
                         (unsigned)(cpython.where[i] >> 32), (unsigned)cpython.where[i]);
        assert_int_equal(parked.nstats, cpython.nstats);
        assert_memory_equal(parked.stats, cpython.stats, cpython.nstats * sizeof(gcr_alloc_stats));
    }
    printf("  %zu blocks; after %" PRIu64 " frees a pool was parked, after %" PRIu64
           " two or more among several arenas\n",
           parked.nwhere, parked.parked_seen, parked.parked_many);
    bool exercised =
        parked.parked_seen > PARK_ROUNDS * 2000 && parked.parked_many > PARK_ROUNDS * 500;
    park_trace_free(&cpython);
    park_trace_free(&parked);
    assert_true(exercised);
    if (!comparable)
        skip(); /* the second run's arenas were mapped with other alignments */
}

/* ---------------------------------------------------------------------------------------
 * The malloc allocator
 * ------------------------------------------------------------------------------------- */

static void test_malloc_allocator_maps_no_arena(void **state)
{
    (void)state;
    mem_state m;
    mem_init(&m, GCR_ALLOC_MALLOC);
    void *blocks[100];
    alloc_n(&m, blocks, 100, 32);
    void *big = mem_object_alloc(&m, 1000);
    void *grown = mem_realloc(&m, blocks[0], 32, 64);
    assert_non_null(grown);
    assert_filled(grown, 1, 0);
    blocks[0] = grown;
    gcr_alloc_stats s = stats_of(&m);
    assert_int_equal(s.arenas_allocated_total, 0);
    assert_int_equal(s.arenas_current, 0);
    assert_int_equal(s.arenas_highwater, 0);
    assert_int_equal(s.mapped_bytes, 0);
    assert_int_equal(s.pools_in_use, 0);
    assert_int_equal(s.blocks_in_use, 0);
    assert_int_equal(s.large_in_use, 1); /* blocks over 512 bytes */
    assert_int_equal(m.live_bytes, 99 * 32 + 64 + 1000);
    assert_int_equal(mem_live_objects(&m), 1);
    mem_free(&m, blocks[0], 64);
    free_range(&m, blocks, 1, 100, 32);
    mem_object_free(&m, big, 1000);
    assert_int_equal(m.live_bytes, 0);
    assert_int_equal(stats_of(&m).large_in_use, 0);
    mem_fini(&m);

    /* Through the public API: a runtime on malloc maps nothing for its objects. */
    gcr_runtime *rt = gcr_open(&(gcr_config){.allocator = GCR_ALLOC_MALLOC});
    assert_non_null(rt);
    gcr_object *f = gcr_float_new(rt, 1.5);
    gcr_alloc_stats_get(rt, &s);
    assert_int_equal(s.arenas_allocated_total, 0);
    assert_int_equal(s.mapped_bytes, 0);
    gcr_decref(rt, f);
    gcr_close(rt);
}

/* Under AddressSanitizer a freed pool block is poisoned until handed out again, and an
 * arena's poisoning is cleared before it is unmapped. */
static void test_asan_sees_freed_pool_blocks(void **state)
{
    (void)state;
#if defined(__SANITIZE_ADDRESS__)
    mem_state m;
    mem_init(&m, GCR_ALLOC_PYMALLOC);
    uint8_t *keep = mem_alloc(&m, 40);
    uint8_t *p = mem_alloc(&m, 40);
    mem_free(&m, p, 40);
    assert_true(__asan_address_is_poisoned(p));
    assert_true(__asan_address_is_poisoned(p + 47));
    assert_false(__asan_address_is_poisoned(keep + 47));
    uint8_t *q = mem_alloc(&m, 40);
    assert_ptr_equal(q, p);
    assert_false(__asan_address_is_poisoned(q + 47));
    mem_free(&m, q, 40);
    uintptr_t arena = m.arenas[0].address;
    mem_fini(&m);
    assert_false(__asan_address_is_poisoned((void *)(arena + MEM_ARENA_SIZE / 2)));
    (void)keep;
#else
    skip();
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fidelity_million_floats),
        cmocka_unit_test(test_fidelity_global_cache),
        cmocka_unit_test(test_size_classes),
        cmocka_unit_test(test_pool_blocks_aligned_and_distinct),
        cmocka_unit_test(test_blocks_fill_a_second_arena),
        cmocka_unit_test(test_freed_arenas_are_unmapped),
        cmocka_unit_test(test_new_pool_from_fullest_arena),
        cmocka_unit_test(test_large_blocks_from_malloc),
        cmocka_unit_test(test_realloc_across_512),
        cmocka_unit_test(test_live_bytes_exact_under_churn),
        cmocka_unit_test(test_parked_pools_change_nothing),
        cmocka_unit_test(test_malloc_allocator_maps_no_arena),
        cmocka_unit_test(test_asan_sees_freed_pool_blocks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
