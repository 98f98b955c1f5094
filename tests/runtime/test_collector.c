/* test_collector.c — the cycle collector of the gcr runtime (the seeds' gc examples against
 * CPython's results are in test_reference.c): what is garbage (with gc_refs found in one
 * walk or two), the automatic schedule
 * (thresholds, counts, promotion, the long-lived rule, the policies' thresholds), callbacks
 * and statistics, and the rest of the gc module: debug flags (STATS, COLLECTABLE, SAVEALL),
 * gc.garbage, freeze, get_objects, get_referrers / get_referents. Weak references and
 * finalizers in collections are in test_weakref.c and test_finalizer.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_test.h"

static int setup(void **state)
{
    *state = gcr_open(NULL);
    return *state == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    gcr_close(*state);
    return 0;
}

/* ---------------------------------------------------------------------------------------
 * What is garbage and what is not
 * ------------------------------------------------------------------------------------- */

static void test_reachable_cycle_is_kept(void **state)
{
    gcr_runtime *rt = *state;
    gcr_object *a = gcr_list_new(rt);
    gcr_object *b = gcr_list_new(rt);
    assert_int_equal(gcr_list_append(rt, a, b), 0);
    assert_int_equal(gcr_list_append(rt, b, a), 0);
    gcr_decref(rt, b); /* a is still held */
    for (int gen = 0; gen < GCR_GENERATIONS; gen++)
        assert_int_equal(gcr_gc_collect(rt, gen), 0);
    assert_int_equal(rt_live_objects(rt), 2);
    assert_int_equal(a->refcnt, 2);
    assert_ptr_equal(gcr_list_get(gcr_list_get(a, 0), 0), a);
    gcr_decref(rt, a);
    assert_int_equal(gcr_gc_collect(rt, 2), 2);
    assert_int_equal(rt_live_objects(rt), 0);
}

/* Only containers are counted; the leaves they own are freed with them. */
static void test_cycle_owning_leaves(void **state)
{
    gcr_runtime *rt = *state;
    gcr_object *a = gcr_list_new(rt);
    gcr_object *b = gcr_list_new(rt);
    gcr_object *leaves[] = {gcr_float_new(rt, 1.0), gcr_str_new(rt, "abc", 3),
                            gcr_bytes_new(rt, 4096)};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(gcr_list_append(rt, a, leaves[i]), 0);
        gcr_decref(rt, leaves[i]);
    }
    assert_int_equal(gcr_list_append(rt, a, b), 0);
    assert_int_equal(gcr_list_append(rt, b, a), 0);
    gcr_decref(rt, a);
    gcr_decref(rt, b);
    assert_int_equal(rt_live_objects(rt), 5);
    assert_int_equal(gcr_gc_collect(rt, 0), 2);
    assert_int_equal(rt_live_objects(rt), 0);
    assert_int_equal(rt_live_bytes(rt), 0);
}

/* Creation order c, b, a with a → b → c → a and only a held: the scan meets c and b before
 * a, moves them to unreachable tentatively, and must move them back when it traverses a. */
static void test_tentatively_unreachable_rescued(void **state)
{
    gcr_runtime *rt = *state;
    gcr_object *c = gcr_list_new(rt);
    gcr_object *b = gcr_list_new(rt);
    gcr_object *a = gcr_list_new(rt);
    assert_int_equal(gcr_list_append(rt, a, b), 0);
    assert_int_equal(gcr_list_append(rt, b, c), 0);
    assert_int_equal(gcr_list_append(rt, c, a), 0);
    gcr_decref(rt, b);
    gcr_decref(rt, c);
    assert_int_equal(gcr_gc_collect(rt, 0), 0);
    assert_int_equal(rt_live_objects(rt), 3);
    /* All three were promoted: a collection of generation 0 no longer sees them. */
    rt_events ev = {0};
    gcr_gc_set_callback(rt, rt_record, &ev);
    assert_int_equal(gcr_gc_collect(rt, 0), 0);
    assert_int_equal(ev.info[1].objects_scanned, 0);
    assert_int_equal(gcr_gc_collect(rt, 1), 0);
    assert_int_equal(ev.info[3].objects_scanned, 3);
    gcr_decref(rt, a);
    assert_int_equal(gcr_gc_collect(rt, 2), 3);
    assert_int_equal(ev.info[5].objects_scanned, 3);
    assert_int_equal(rt_live_objects(rt), 0);
}

/* A young cycle referenced from an object of an older generation is not garbage when only
 * the young generation is collected. */
static void test_young_cycle_held_by_old_object(void **state)
{
    gcr_runtime *rt = *state;
    gcr_object *holder = gcr_list_new(rt);
    assert_int_equal(gcr_gc_collect(rt, 1), 0); /* holder → generation 2 */
    gcr_object *x = gcr_list_new(rt);
    gcr_object *y = gcr_list_new(rt);
    assert_int_equal(gcr_list_append(rt, x, y), 0);
    assert_int_equal(gcr_list_append(rt, y, x), 0);
    assert_int_equal(gcr_list_append(rt, holder, x), 0);
    gcr_decref(rt, x);
    gcr_decref(rt, y);
    assert_int_equal(gcr_gc_collect(rt, 0), 0);
    assert_int_equal(rt_live_objects(rt), 3);
    gcr_list_clear(rt, holder);
    assert_int_equal(gcr_gc_collect(rt, 1), 2);
    assert_int_equal(rt_live_objects(rt), 1);
    gcr_decref(rt, holder);
    assert_int_equal(rt_live_objects(rt), 0);
}

/* Garbage that refers to live objects drops exactly its own references to them. */
static void test_garbage_referring_to_live_objects(void **state)
{
    gcr_runtime *rt = *state;
    static const char *const attrs[] = {"peer", "shared", "list"};
    gcr_class *cls = gcr_class_new(rt, "Node", attrs, 3);
    gcr_object *shared = gcr_float_new(rt, 2.0);
    gcr_object *live_list = gcr_list_new(rt);
    enum { PAIRS = 1000 };
    gcr_object *held[PAIRS / 2];
    for (int i = 0; i < PAIRS; i++) {
        gcr_object *p = gcr_instance_new(rt, cls);
        gcr_object *q = gcr_instance_new(rt, cls);
        gcr_instance_set(rt, p, 0, q);
        gcr_instance_set(rt, q, 0, p);
        gcr_instance_set(rt, p, 1, shared);
        gcr_instance_set(rt, q, 2, live_list);
        if (i % 2 == 0)
            held[i / 2] = p;
        else
            gcr_decref(rt, p);
        gcr_decref(rt, q);
    }
    assert_int_equal(rt_counters(rt).collections, 2); /* automatic, at 701 and 1402 */
    assert_true(gcr_gc_collect(rt, 2) > 0);
    gcr_counters c = rt_counters(rt);
    /* With the automatic collections, every garbage pair (PAIRS / 2 of two instances) was
     * found exactly once. */
    assert_int_equal(c.collected, PAIRS);
    assert_int_equal(shared->refcnt, 1 + PAIRS / 2);
    assert_int_equal(live_list->refcnt, 1 + PAIRS / 2);
    assert_int_equal(c.live_objects, 2 + PAIRS);
    for (int i = 0; i < PAIRS / 2; i++)
        gcr_decref(rt, held[i]);
    assert_int_equal(gcr_gc_collect(rt, 2), PAIRS);
    assert_int_equal(shared->refcnt, 1);
    assert_int_equal(live_list->refcnt, 1);
    gcr_decref(rt, shared);
    gcr_decref(rt, live_list);
    assert_int_equal(rt_live_objects(rt), 0);
}

/* A full collection with nothing frozen finds gc_refs in one walk (update_refs and
 * subtract_refs fused); with frozen objects, or of a younger generation, in two. The same
 * random heap of lists, instances, tuples, dicts (str- and instance-keyed) and callables,
 * built and collected in the same order in two runtimes, one of which has frozen a list
 * that holds some of the heap, must give the same results at every collection. */
enum { HEAP_SLOTS = 400, HEAP_STEPS = 6000 };

typedef struct heap_run {
    long collected[HEAP_STEPS / 50 + 1];
    uint64_t scanned[HEAP_STEPS / 50 + 1];
    uint64_t live_objects[HEAP_STEPS / 50 + 1];
    int collections;
} heap_run;

static void heap_nop(gcr_runtime *rt, void *ctx, gcr_object *data, gcr_object *arg)
{
    (void)rt, (void)ctx, (void)data, (void)arg;
}

/* One random container: 0 list, 1 instance, 2 tuple of two slots' objects, 3 dict, 4
 * callable holding a slot's object. */
static gcr_object *heap_new(gcr_runtime *rt, gcr_class *cls, gcr_object **slot, uint64_t r)
{
    gcr_object *a = slot[(r >> 8) % HEAP_SLOTS], *b = slot[(r >> 20) % HEAP_SLOTS];
    switch (r % 5) {
    case 0:
        return gcr_list_new(rt);
    case 1:
        return gcr_instance_new(rt, cls);
    case 2: {
        gcr_object *items[2] = {a, b};
        return a != NULL && b != NULL ? gcr_tuple_new(rt, 2, items) : gcr_list_new(rt);
    }
    case 3:
        return gcr_dict_new(rt);
    default:
        return gcr_callable_new(rt, heap_nop, NULL, a);
    }
}

/* Adds an edge from container from to to, as its type allows (tuples and callables have
 * theirs from birth). */
static void heap_link(gcr_runtime *rt, gcr_class *cls, gcr_object *from, gcr_object *to, uint64_t r)
{
    const char *type = gcr_type_name(from);
    if (strcmp(type, "list") == 0) {
        assert_int_equal(gcr_list_append(rt, from, to), 0);
    } else if (strcmp(type, "Node") == 0) {
        gcr_instance_set(rt, from, (int)(r % 3), to);
    } else if (strcmp(type, "dict") == 0) {
        gcr_object *key = (r & 1) ? gcr_str_new(rt, "k", 1) : gcr_instance_new(rt, cls);
        assert_int_equal(gcr_dict_set(rt, from, key, to), 0);
        gcr_decref(rt, key);
    }
}

static void heap_run_once(bool frozen, heap_run *out)
{
    gcr_runtime *rt = gcr_open(NULL);
    static const char *const attrs[] = {"a", "b", "c"};
    gcr_class *cls = gcr_class_new(rt, "Node", attrs, 3);
    gcr_object *slot[HEAP_SLOTS] = {0};
    gcr_gc_disable(rt);
    gcr_object *pinned = gcr_list_new(rt);
    if (frozen)
        gcr_gc_freeze(rt);
    uint64_t rng = 12345;
    *out = (heap_run){0};
    for (int step = 0; step < HEAP_STEPS; step++) {
        rng = rng * 6364136223846793005u + 1442695040888963407u;
        uint64_t r = rng >> 16;
        unsigned i = (unsigned)(r % HEAP_SLOTS), j = (unsigned)((r >> 12) % HEAP_SLOTS);
        switch ((r >> 24) % 8) {
        case 0:
        case 1: { /* a new object in slot i */
            gcr_object *o = heap_new(rt, cls, slot, r >> 28);
            gcr_xdecref(rt, slot[i]);
            slot[i] = o;
            break;
        }
        case 2:
        case 3:
        case 4: /* an edge i -> j, and half the time j -> i: cycles */
            if (slot[i] != NULL && slot[j] != NULL) {
                heap_link(rt, cls, slot[i], slot[j], r >> 32);
                if ((r >> 36) & 1)
                    heap_link(rt, cls, slot[j], slot[i], r >> 37);
            }
            break;
        case 5:
        case 6: /* drop slot i (its object lives on if referred to) */
            gcr_xdecref(rt, slot[i]);
            slot[i] = NULL;
            break;
        default: /* now and then the pinned list (frozen in one run) holds slot i's object */
            if (slot[i] != NULL && (r >> 40) % 64 == 0)
                assert_int_equal(gcr_list_append(rt, pinned, slot[i]), 0);
            break;
        }
        if (step % 50 == 49) {
            int gen = (int)((r >> 44) % 4);
            gen = gen == 3 ? 2 : gen;
            uint64_t scanned = rt_counters(rt).objects_scanned;
            out->collected[out->collections] = gcr_gc_collect(rt, gen);
            out->scanned[out->collections] = rt_counters(rt).objects_scanned - scanned;
            out->live_objects[out->collections] = rt_live_objects(rt);
            out->collections++;
        }
    }
    for (unsigned i = 0; i < HEAP_SLOTS; i++)
        gcr_xdecref(rt, slot[i]);
    gcr_decref(rt, pinned);
    gcr_close(rt);
}

static void test_full_collection_one_walk_or_two(void **state)
{
    (void)state;
    static heap_run one_walk, two_walks;
    heap_run_once(false, &one_walk);
    heap_run_once(true, &two_walks);
    assert_int_equal(one_walk.collections, two_walks.collections);
    long found = 0;
    for (int i = 0; i < one_walk.collections; i++) {
        assert_int_equal(one_walk.collected[i], two_walks.collected[i]);
        assert_int_equal(one_walk.live_objects[i], two_walks.live_objects[i]);
        /* The frozen list is scanned in one run only, while it is in the generations
         * collected (all but the first collections of generation 0 and 1 see it). */
        assert_true(one_walk.scanned[i] - two_walks.scanned[i] <= 1);
        found += one_walk.collected[i];
    }
    printf("  %d collections found %ld objects\n", one_walk.collections, found);
    assert_true(found > 100); /* the heap made garbage worth finding */
}

/* An instance's creation that starts a collection: as in CPython, the instance is
 * allocated and counted first, the collection runs, then its values are allocated. */
typedef struct counters_at_start {
    gcr_runtime *rt;
    int starts;
    gcr_counters at_start;
    gcr_type_stat node;
} counters_at_start;

static void record_counters(void *ctx, gcr_gc_phase phase, const gcr_gc_info *info)
{
    counters_at_start *c = ctx;
    (void)info;
    if (phase != GCR_GC_START)
        return;
    c->starts++;
    gcr_counters_get(c->rt, &c->at_start);
    gcr_type_stat stats[16];
    size_t n = gcr_types_stats(c->rt, stats, 16);
    for (size_t i = 0; i < n && i < 16; i++)
        if (strcmp(stats[i].name, "Node") == 0)
            c->node = stats[i];
}

static void test_instance_counted_before_collection_values_after(void **state)
{
    gcr_runtime *rt = *state;
    static const char *const attrs[] = {"a", "b"};
    gcr_class *cls = gcr_class_new(rt, "Node", attrs, 2);
    counters_at_start c = {.rt = rt};
    gcr_gc_set_callback(rt, record_counters, &c);
    gcr_gc_set_threshold(rt, 1, 10, 10);
    gcr_object *first = gcr_instance_new(rt, cls); /* count 1: no collection */
    assert_int_equal(c.starts, 0);
    gcr_object *second = gcr_instance_new(rt, cls); /* count 2 > 1: collects */
    assert_int_equal(c.starts, 1);
    /* At START: both instances (56 bytes each), the first one's values (8 + 2 * 8), and the
     * info dict CPython builds for gc.callbacks with its three str keys. */
    assert_int_equal(c.at_start.live_objects, 6);
    assert_int_equal(c.node.live_objects, 2);
    assert_int_equal(c.node.live_bytes, 2 * 56 + 24);
    gcr_counters after = rt_counters(rt);
    assert_int_equal(after.live_objects, 2);
    assert_int_equal(after.live_bytes, 2 * (56 + 24));
    assert_true(gcr_gc_is_tracked(second));
    gcr_instance_set(rt, second, 1, first);
    assert_ptr_equal(gcr_instance_get(second, 1), first);
    gcr_gc_set_callback(rt, NULL, NULL);
    gcr_decref(rt, first);
    gcr_decref(rt, second);
    assert_int_equal(rt_live_objects(rt), 0);
    assert_int_equal(rt_live_bytes(rt), 0);
}

/* ---------------------------------------------------------------------------------------
 * Counts and thresholds
 * ------------------------------------------------------------------------------------- */

/* Instances, which have no free list (lists, dicts and tuples do: test_freelist.c). */
static void test_count_follows_container_alloc_and_free(void **state)
{
    gcr_runtime *rt = *state;
    static const char *const attrs[] = {"x"};
    gcr_class *cls = gcr_class_new(rt, "C", attrs, 1);
    gcr_object *f = gcr_float_new(rt, 1.0);
    gcr_object *s = gcr_str_new(rt, "x", 1);
    rt_assert_count(rt, 0, 0, 0); /* non-containers do not count */
    gcr_object *c[5];
    for (int i = 0; i < 5; i++)
        c[i] = gcr_instance_new(rt, cls);
    rt_assert_count(rt, 5, 0, 0);
    gcr_object *l = gcr_list_new(rt); /* the list free list is empty: a new one */
    rt_assert_count(rt, 6, 0, 0);
    gcr_decref(rt, c[0]);
    gcr_decref(rt, c[1]);
    rt_assert_count(rt, 4, 0, 0);
    gcr_decref(rt, f);
    gcr_decref(rt, s);
    rt_assert_count(rt, 4, 0, 0);
    assert_int_equal(gcr_gc_collect(rt, 0), 0);
    rt_assert_count(rt, 0, 1, 0);
    gcr_decref(rt, c[2]); /* the count never goes below zero */
    rt_assert_count(rt, 0, 1, 0);
    gcr_object *m = gcr_instance_new(rt, cls);
    rt_assert_count(rt, 1, 1, 0);
    gcr_decref(rt, c[3]);
    gcr_decref(rt, c[4]);
    rt_assert_count(rt, 0, 1, 0);
    gcr_decref(rt, m);
    gcr_decref(rt, l);
    assert_int_equal(gcr_gc_collect(rt, 1), 0);
    rt_assert_count(rt, 0, 0, 1);
    assert_int_equal(gcr_gc_collect(rt, 2), 0);
    rt_assert_count(rt, 0, 0, 0);
    assert_int_equal(rt_live_objects(rt), 0);
}

static void test_gen0_collection_at_701st_allocation(void **state)
{
    gcr_runtime *rt = *state;
    rt_events ev = {0};
    gcr_gc_set_callback(rt, rt_record, &ev);
    gcr_object *keep[702];
    for (int i = 0; i < 700; i++)
        keep[i] = gcr_list_new(rt);
    assert_int_equal(ev.n, 0);
    rt_assert_count(rt, 700, 0, 0);

    keep[700] = gcr_list_new(rt); /* count 701 > 700 */
    assert_int_equal(ev.n, 2);
    assert_int_equal(ev.phase[0], GCR_GC_START);
    assert_int_equal(ev.info[0].generation, 0);
    assert_int_equal(ev.phase[1], GCR_GC_STOP);
    assert_int_equal(ev.info[1].generation, 0);
    assert_int_equal(ev.info[1].collected, 0);
    assert_int_equal(ev.info[1].objects_scanned, 700); /* the new list is not tracked yet */
    assert_true(gcr_gc_is_tracked(keep[700]));
    rt_assert_count(rt, 0, 1, 0);
    gcr_gen_stats stats[GCR_GENERATIONS];
    gcr_gc_get_stats(rt, stats);
    assert_int_equal(stats[0].collections, 1);
    assert_int_equal(stats[1].collections, 0);
    assert_int_equal(rt_counters(rt).collections, 1);
    assert_int_equal(rt_counters(rt).objects_scanned, 700);

    keep[701] = gcr_list_new(rt);
    rt_assert_count(rt, 1, 1, 0);
    /* The 700 survivors went to generation 1: generation 0 now holds the last two. */
    assert_int_equal(gcr_gc_collect(rt, 0), 0);
    assert_int_equal(ev.info[3].objects_scanned, 2);
    assert_int_equal(gcr_gc_collect(rt, 1), 0);
    assert_int_equal(ev.info[5].objects_scanned, 702);
    for (int i = 0; i < 702; i++)
        gcr_decref(rt, keep[i]);
    assert_int_equal(ev.n, 6);
    assert_int_equal(rt_live_objects(rt), 0);
}

static void test_threshold0_zero_disables_automatic(void **state)
{
    gcr_runtime *rt = *state;
    rt_events ev = {0};
    gcr_gc_set_callback(rt, rt_record, &ev);
    gcr_gc_set_threshold(rt, 0, 10, 10);
    int threshold[GCR_GENERATIONS];
    gcr_gc_get_threshold(rt, threshold);
    assert_int_equal(threshold[0], 0);
    assert_int_equal(threshold[1], 10);
    assert_int_equal(threshold[2], 10);
    gcr_object *keep = rt_list_of_lists(rt, 5000);
    assert_int_equal(ev.n, 0);
    rt_assert_count(rt, 5001, 0, 0);
    assert_int_equal(gcr_gc_collect(rt, 0), 0); /* explicit collection still works */
    assert_int_equal(ev.n, 2);
    assert_int_equal(ev.info[1].objects_scanned, 5001);
    gcr_decref(rt, keep);
}

static void test_small_threshold(void **state)
{
    gcr_runtime *rt = *state;
    rt_events ev = {0};
    gcr_gc_set_callback(rt, rt_record, &ev);
    gcr_gc_set_threshold(rt, 3, 10, 10);
    gcr_object *keep[8];
    for (int i = 0; i < 8; i++)
        keep[i] = gcr_list_new(rt);
    /* collections at allocations 4 (count 4 > 3) and 8 (4 counted since) */
    assert_int_equal(ev.n, 4);
    assert_int_equal(ev.info[1].objects_scanned, 3);
    assert_int_equal(ev.info[3].objects_scanned, 4);
    for (int i = 0; i < 8; i++)
        gcr_decref(rt, keep[i]);
}

static void test_disable_stops_automatic_only(void **state)
{
    gcr_runtime *rt = *state;
    rt_events ev = {0};
    gcr_gc_set_callback(rt, rt_record, &ev);
    gcr_gc_disable(rt);
    assert_false(gcr_gc_isenabled(rt));
    gcr_object *keep = rt_list_of_lists(rt, 2000);
    assert_int_equal(ev.n, 0);
    rt_assert_count(rt, 2001, 0, 0);
    gcr_object *cycle = gcr_list_new(rt);
    assert_int_equal(gcr_list_append(rt, cycle, cycle), 0);
    gcr_decref(rt, cycle);
    assert_int_equal(gcr_gc_collect(rt, 2), 1);
    assert_int_equal(ev.n, 2);
    assert_int_equal(ev.info[1].generation, 2);
    assert_int_equal(ev.info[1].objects_scanned, 2002);
    /* The STOP callback's info dict: a new one (the full collection emptied the free lists),
     * kept by the dict free list when it is dropped. CPython 3.11 with a gc.callbacks entry
     * leaves the same (1, 0, 0). */
    rt_assert_count(rt, 1, 0, 0);

    gcr_gc_enable(rt);
    assert_true(gcr_gc_isenabled(rt));
    gcr_object *more = rt_list_of_lists(rt, 700); /* 701 allocations; the 700th collects */
    assert_int_equal(ev.n, 4);
    assert_int_equal(ev.info[3].generation, 0);
    assert_int_equal(ev.info[3].objects_scanned, 699);
    gcr_decref(rt, more);
    gcr_decref(rt, keep);
    assert_int_equal(rt_live_objects(rt), 0);
}

/* The generation of collection number k (1-based) while every object stays alive, from a
 * fresh runtime: CPython 3.11 collects generation 1 when its count (collections of
 * generation 0 since) exceeds 10, i.e. every 12th collection, and generation 2 when its
 * count exceeds 10 and the long-lived rule allows (always here: nothing was long-lived). */
static int expected_generation(int k) { return k == 133 ? 2 : k % 12 == 0 ? 1 : 0; }

static void test_generation_schedule(void **state)
{
    gcr_runtime *rt = *state;
    rt_events *ev = calloc(1, sizeof *ev);
    assert_non_null(ev);
    gcr_gc_set_callback(rt, rt_record, ev);
    gcr_object *keeper = gcr_list_new(rt);
    int allocated = 1;
    while (ev->n < 2 * 133) {
        gcr_object *l = gcr_list_new(rt);
        assert_int_equal(gcr_list_append(rt, keeper, l), 0);
        gcr_decref(rt, l);
        allocated++;
    }
    assert_int_equal(ev->n, 2 * 133);
    assert_int_equal(allocated, 701 + 132 * 701);
    for (int k = 1; k <= 133; k++) {
        assert_int_equal(ev->phase[2 * k - 2], GCR_GC_START);
        assert_int_equal(ev->phase[2 * k - 1], GCR_GC_STOP);
        assert_int_equal(ev->info[2 * k - 1].generation, expected_generation(k));
        assert_int_equal(ev->info[2 * k - 2].generation, expected_generation(k));
        assert_int_equal(ev->info[2 * k - 1].collected, 0);
    }
    /* Collection 1 sees 700 objects, each later one 701 more (the one allocated when the
     * previous collection ran, and 700 since). */
    assert_int_equal(ev->info[1].objects_scanned, 700);
    assert_int_equal(ev->info[2 * 2 - 1].objects_scanned, 701);
    assert_int_equal(ev->info[2 * 12 - 1].objects_scanned, 700 + 11 * 701); /* gens 0, 1 */
    assert_int_equal(ev->info[2 * 13 - 1].objects_scanned, 701);
    assert_int_equal(ev->info[2 * 133 - 1].objects_scanned, 700 + 132 * 701); /* all */
    rt_assert_count(rt, 1, 0, 0); /* the STOP callback's info dict, after the free lists went */
    gcr_gen_stats stats[GCR_GENERATIONS];
    gcr_gc_get_stats(rt, stats);
    assert_int_equal(stats[0].collections, 121);
    assert_int_equal(stats[1].collections, 11);
    assert_int_equal(stats[2].collections, 1);
    gcr_gc_set_callback(rt, NULL, NULL);
    free(ev);
    gcr_decref(rt, keeper);
    assert_int_equal(rt_live_objects(rt), 0);
}

/* Makes one self-referencing list and drops it: garbage only a collection frees. */
static void make_self_cycle(gcr_runtime *rt)
{
    gcr_object *l = gcr_list_new(rt);
    assert_int_equal(gcr_list_append(rt, l, l), 0);
    gcr_decref(rt, l);
}

/* The number of STOP events of generation gen in ev. */
static int count_generation(const rt_events *ev, int gen)
{
    int n = 0;
    for (size_t i = 0; i < ev->n; i++)
        n += ev->phase[i] == GCR_GC_STOP && ev->info[i].generation == gen;
    return n;
}

/* A full collection waits until the objects promoted to generation 2 since the last one
 * are at least a quarter of those it kept (long_lived_pending >= long_lived_total / 4). */
static void test_long_lived_rule(void **state)
{
    gcr_runtime *rt = *state;
    rt_events *ev = calloc(1, sizeof *ev);
    assert_non_null(ev);
    gcr_object *old = rt_list_of_lists(rt, 99);
    assert_int_equal(gcr_gc_collect(rt, 2), 0); /* long_lived_total = 100 */
    gcr_gc_set_callback(rt, rt_record, ev);

    /* Only garbage: nothing is promoted, so no full collection however high count2 gets. */
    while (ev->n < 2 * 300)
        make_self_cycle(rt);
    assert_int_equal(count_generation(ev, 2), 0);
    assert_int_equal(count_generation(ev, 1), 25);
    int count[GCR_GENERATIONS];
    gcr_gc_get_count(rt, count);
    assert_int_equal(count[2], 25);

    /* 30 survivors (>= 100 / 4) reach generation 2 through a generation-1 collection; the
     * next collection after that is full. */
    ev->n = 0;
    gcr_object *young = rt_list_of_lists(rt, 29);
    while (count_generation(ev, 2) == 0 && ev->n < RT_MAX_EVENTS)
        make_self_cycle(rt);
    assert_int_equal(count_generation(ev, 2), 1);
    assert_int_equal(count_generation(ev, 1), 1);
    assert_int_equal(ev->info[ev->n - 1].generation, 2);
    assert_int_equal(ev->info[ev->n - 3].generation, 1);
    /* old and young, and the self-cycles of generation 0: 701, and 80 more whose lists came
     * off the free list the previous collection filled, uncounted (CPython's too) */
    assert_int_equal(ev->info[ev->n - 1].objects_scanned, 100 + 30 + 701 + 80);
    assert_int_equal(ev->info[ev->n - 1].collected, 701 + 80);
    gcr_gc_set_callback(rt, NULL, NULL);
    free(ev);
    gcr_decref(rt, young);
    gcr_decref(rt, old);
    assert_int_equal(gcr_gc_collect(rt, 2), 1);
    assert_int_equal(rt_live_objects(rt), 0);
}

/* ---------------------------------------------------------------------------------------
 * Callbacks and statistics
 * ------------------------------------------------------------------------------------- */

static void test_callback_start_stop(void **state)
{
    gcr_runtime *rt = *state;
    rt_events ev = {0};
    gcr_gc_set_callback(rt, rt_record, &ev);
    gcr_object *keep = rt_list_of_lists(rt, 10);
    make_self_cycle(rt);
    make_self_cycle(rt);
    assert_int_equal(gcr_gc_collect(rt, 1), 2);
    assert_int_equal(ev.n, 2);
    assert_int_equal(ev.phase[0], GCR_GC_START);
    assert_int_equal(ev.info[0].generation, 1);
    assert_int_equal(ev.phase[1], GCR_GC_STOP);
    assert_int_equal(ev.info[1].generation, 1);
    assert_int_equal(ev.info[1].collected, 2);
    assert_int_equal(ev.info[1].uncollectable, 0);
    assert_int_equal(ev.info[1].objects_scanned, 13);
    gcr_counters c = rt_counters(rt);
    assert_int_equal(c.collections, 1);
    assert_int_equal(c.collected, 2);
    assert_int_equal(c.objects_scanned, 13);
    assert_int_equal(c.pause_ns_total, ev.info[1].pause_ns);
    assert_int_equal(c.pause_ns_max, ev.info[1].pause_ns);
    assert_true(ev.info[1].pause_ns < 1000000000u);

    assert_int_equal(gcr_gc_collect(rt, 2), 0);
    c = rt_counters(rt);
    assert_int_equal(c.collections, 2);
    assert_int_equal(c.pause_ns_total, ev.info[1].pause_ns + ev.info[3].pause_ns);
    assert_true(c.pause_ns_max >= ev.info[3].pause_ns && c.pause_ns_max >= ev.info[1].pause_ns);
    gcr_gen_stats stats[GCR_GENERATIONS];
    gcr_gc_get_stats(rt, stats);
    assert_int_equal(stats[0].collections, 0);
    assert_int_equal(stats[1].collections, 1);
    assert_int_equal(stats[1].collected, 2);
    assert_int_equal(stats[2].collections, 1);
    assert_int_equal(stats[2].collected, 0);

    gcr_gc_set_callback(rt, NULL, NULL); /* removed */
    assert_int_equal(gcr_gc_collect(rt, 0), 0);
    assert_int_equal(ev.n, 4);
    gcr_decref(rt, keep);
}

typedef struct reentrant_ctx {
    gcr_runtime *rt;
    int calls;
    long nested_result;
} reentrant_ctx;

/* A callback that collects and allocates: neither may start a nested collection. */
static void reentrant_callback(void *ctx, gcr_gc_phase phase, const gcr_gc_info *info)
{
    reentrant_ctx *r = ctx;
    (void)info;
    r->calls++;
    if (phase != GCR_GC_START)
        return;
    r->nested_result = gcr_gc_collect(r->rt, 2);
    gcr_object *many = rt_list_of_lists(r->rt, 1000);
    gcr_decref(r->rt, many);
}

static void test_callback_cannot_nest_collections(void **state)
{
    gcr_runtime *rt = *state;
    reentrant_ctx r = {.rt = rt, .nested_result = -5};
    gcr_gc_set_callback(rt, reentrant_callback, &r);
    make_self_cycle(rt);
    assert_int_equal(gcr_gc_collect(rt, 0), 1);
    assert_int_equal(r.calls, 2);
    assert_int_equal(r.nested_result, 0);
    assert_int_equal(rt_counters(rt).collections, 1);
    assert_int_equal(rt_live_objects(rt), 0);
}

static void test_invalid_generation(void **state)
{
    gcr_runtime *rt = *state;
    rt_events ev = {0};
    gcr_gc_set_callback(rt, rt_record, &ev);
    assert_int_equal(gcr_gc_collect(rt, -1), -1);
    assert_int_equal(gcr_gc_collect(rt, GCR_GENERATIONS), -1);
    assert_int_equal(ev.n, 0);
    assert_int_equal(rt_counters(rt).collections, 0);
}

/* ---------------------------------------------------------------------------------------
 * Policies
 * ------------------------------------------------------------------------------------- */

/* py313: threshold0 = 2000; the 2001st allocation schedules the first automatic collection,
 * which runs at the next eval-breaker check and sees the new object too. */
static void test_py313_threshold(void **state)
{
    (void)state;
    gcr_config config = {.policy = GCR_POLICY_PY313};
    gcr_runtime *rt = gcr_open(&config);
    assert_non_null(rt);
    int threshold[GCR_GENERATIONS];
    gcr_gc_get_threshold(rt, threshold);
    assert_int_equal(threshold[0], 2000);
    assert_int_equal(threshold[1], 10);
    assert_int_equal(threshold[2], 10);
    rt_events ev = {0};
    gcr_gc_set_callback(rt, rt_record, &ev);
    gcr_object *keep = rt_list_of_lists(rt, 1999); /* 2000 allocations */
    assert_int_equal(ev.n, 0);
    gcr_object *one_more = gcr_list_new(rt);
    assert_int_equal(ev.n, 0);
    assert_true(gcr_gc_scheduled(rt));
    gcr_eval_breaker(rt);
    assert_false(gcr_gc_scheduled(rt));
    assert_int_equal(ev.n, 2);
    assert_int_equal(ev.info[1].objects_scanned, 2001);
    gcr_eval_breaker(rt); /* nothing scheduled: nothing runs */
    assert_int_equal(ev.n, 2);
    gcr_decref(rt, one_more);
    gcr_decref(rt, keep);
    gcr_close(rt);

    config.policy = GCR_POLICY_PY27;
    rt = gcr_open(&config);
    gcr_gc_get_threshold(rt, threshold);
    assert_int_equal(threshold[0], 700);
    gcr_close(rt);
}

/* ---------------------------------------------------------------------------------------
 * Debug flags and gc.garbage
 * ------------------------------------------------------------------------------------- */

/* DEBUG_STATS prints CPython's three lines around each collection. */
static void test_debug_stats(void **state)
{
    gcr_runtime *rt = *state;
    FILE *out = tmpfile();
    assert_non_null(out);
    gcr_gc_set_debug_stream(rt, out);
    gcr_gc_set_debug(rt, GCR_DEBUG_STATS);
    assert_int_equal(gcr_gc_get_debug(rt), GCR_DEBUG_STATS);
    gcr_object *keep = rt_list_of_lists(rt, 2); /* 3 lists */
    assert_int_equal(gcr_gc_collect(rt, 0), 0); /* now in generation 1 */
    make_self_cycle(rt);
    assert_int_equal(gcr_gc_collect(rt, 2), 1);
    rewind(out);
    char line[256];
    int gen = -1, g0 = -1, g1 = -1, g2 = -1, perm = -1, unreachable = -1, uncollectable = -1;
    double seconds = -1;
    /* the first collection's lines */
    assert_non_null(fgets(line, sizeof line, out));
    assert_int_equal(sscanf(line, "gc: collecting generation %d...", &gen), 1);
    assert_int_equal(gen, 0);
    assert_non_null(fgets(line, sizeof line, out));
    assert_int_equal(sscanf(line, "gc: objects in each generation: %d %d %d", &g0, &g1, &g2), 3);
    assert_true(g0 == 3 && g1 == 0 && g2 == 0);
    assert_non_null(fgets(line, sizeof line, out));
    assert_int_equal(sscanf(line, "gc: objects in permanent generation: %d", &perm), 1);
    assert_int_equal(perm, 0);
    assert_non_null(fgets(line, sizeof line, out));
    assert_int_equal(sscanf(line, "gc: done, %d unreachable, %d uncollectable, %lfs elapsed",
                            &unreachable, &uncollectable, &seconds),
                     3);
    assert_true(unreachable == 0 && uncollectable == 0 && seconds >= 0 && seconds < 1);
    assert_non_null(strstr(line, "s elapsed\n"));
    /* the second */
    assert_non_null(fgets(line, sizeof line, out));
    assert_string_equal(line, "gc: collecting generation 2...\n");
    assert_non_null(fgets(line, sizeof line, out));
    assert_string_equal(line, "gc: objects in each generation: 1 3 0\n");
    assert_non_null(fgets(line, sizeof line, out));
    assert_non_null(fgets(line, sizeof line, out));
    assert_int_equal(strncmp(line, "gc: done, 1 unreachable, 0 uncollectable, ", 42), 0);
    assert_null(fgets(line, sizeof line, out));
    fclose(out);
    gcr_gc_set_debug(rt, 0);
    gcr_gc_set_debug_stream(rt, NULL);
    gcr_decref(rt, keep);
}

/* DEBUG_COLLECTABLE names each object found; without it nothing is printed. */
static void test_debug_collectable(void **state)
{
    gcr_runtime *rt = *state;
    FILE *out = tmpfile();
    gcr_gc_set_debug_stream(rt, out);
    make_self_cycle(rt);
    assert_int_equal(gcr_gc_collect(rt, 2), 1);
    assert_int_equal(ftell(out), 0);
    gcr_gc_set_debug(rt, GCR_DEBUG_COLLECTABLE);
    gcr_object *l = gcr_list_new(rt);
    assert_int_equal(gcr_list_append(rt, l, l), 0);
    char want[64];
    snprintf(want, sizeof want, "gc: collectable <list %p>\n", (void *)l);
    gcr_decref(rt, l);
    assert_int_equal(gcr_gc_collect(rt, 2), 1);
    rewind(out);
    char line[128];
    assert_non_null(fgets(line, sizeof line, out));
    assert_string_equal(line, want);
    assert_int_equal(strncmp(line, "gc: collectable <list 0x", 24), 0);
    assert_null(fgets(line, sizeof line, out));
    fclose(out);
    gcr_gc_set_debug(rt, 0);
    gcr_gc_set_debug_stream(rt, NULL);
}

/* DEBUG_SAVEALL: unreachable objects go to gc.garbage instead of being freed; counted as
 * collected, as CPython does. Emptying gc.garbage leaves them to the next collection. */
static void test_saveall(void **state)
{
    gcr_runtime *rt = *state;
    gcr_object *garbage = gcr_gc_garbage(rt);
    assert_non_null(garbage);
    assert_int_equal(gcr_list_len(garbage), 0);
    gcr_gc_set_debug(rt, GCR_DEBUG_SAVEALL);
    gcr_object *a = gcr_list_new(rt), *b = gcr_list_new(rt);
    assert_int_equal(gcr_list_append(rt, a, b), 0);
    assert_int_equal(gcr_list_append(rt, b, a), 0);
    gcr_decref(rt, a);
    gcr_decref(rt, b);
    assert_int_equal(gcr_gc_collect(rt, 2), 2);
    gcr_counters c = rt_counters(rt);
    assert_int_equal(c.garbage_len, 2);
    assert_int_equal(c.collected, 2);
    assert_int_equal(c.uncollectable, 0);
    assert_int_equal(c.live_objects, 2);
    assert_ptr_equal(gcr_list_get(garbage, 0), a);
    assert_ptr_equal(gcr_list_get(garbage, 1), b);
    assert_int_equal(gcr_list_len(a), 1); /* not cleared */
    assert_true(gcr_gc_is_tracked(a));
    /* gc.garbage is a root: nothing new is found */
    assert_int_equal(gcr_gc_collect(rt, 2), 0);
    gcr_gc_set_debug(rt, 0);
    gcr_list_clear(rt, garbage); /* del gc.garbage[:] */
    assert_int_equal(rt_live_objects(rt), 2);
    assert_int_equal(gcr_gc_collect(rt, 2), 2);
    assert_int_equal(rt_live_objects(rt), 0);
    assert_int_equal(rt_live_bytes(rt), 0);
}

/* ---------------------------------------------------------------------------------------
 * freeze, get_objects, get_referrers, get_referents
 * ------------------------------------------------------------------------------------- */

static void test_freeze(void **state)
{
    gcr_runtime *rt = *state;
    gcr_object *keep = rt_list_of_lists(rt, 9);
    make_self_cycle(rt);                            /* garbage, frozen with the rest */
    assert_int_equal(gcr_gc_collect(rt, 0), 0 + 1); /* the first cycle is collected */
    make_self_cycle(rt); /* its list is the first one's, off the free list: not counted */
    rt_assert_count(rt, 0, 1, 0);
    gcr_gc_freeze(rt);
    assert_int_equal(gcr_gc_get_freeze_count(rt), 11);
    rt_assert_count(rt, 0, 1, 0);
    gcr_object *all = gcr_gc_get_objects(rt, -1);
    assert_int_equal(gcr_list_len(all), 0); /* the permanent generation is not listed */
    gcr_decref(rt, all);
    rt_events ev = {0};
    gcr_gc_set_callback(rt, rt_record, &ev);
    assert_int_equal(gcr_gc_collect(rt, 2), 0); /* the frozen cycle is never seen */
    assert_int_equal(ev.info[1].objects_scanned, 0);
    assert_int_equal(rt_counters(rt).tracked_objects, 11);
    gcr_gc_unfreeze(rt);
    assert_int_equal(gcr_gc_get_freeze_count(rt), 0);
    gcr_object *gen2 = gcr_gc_get_objects(rt, 2);
    assert_int_equal(gcr_list_len(gen2), 11); /* back in the oldest generation */
    gcr_decref(rt, gen2);
    assert_int_equal(gcr_gc_collect(rt, 1), 0);
    assert_int_equal(gcr_gc_collect(rt, 2), 1);
    assert_int_equal(ev.info[5].objects_scanned, 11);
    gcr_gc_set_callback(rt, NULL, NULL);
    gcr_decref(rt, keep);
    assert_int_equal(rt_live_objects(rt), 0);
}

/* Whether list holds o. */
static bool list_has(const gcr_object *list, const gcr_object *o)
{
    for (size_t i = 0; i < gcr_list_len(list); i++)
        if (gcr_list_get(list, i) == o)
            return true;
    return false;
}

static void test_get_objects(void **state)
{
    gcr_runtime *rt = *state;
    gcr_object *a = gcr_list_new(rt);
    assert_int_equal(gcr_gc_collect(rt, 1), 0); /* a -> generation 2 */
    gcr_object *b = gcr_list_new(rt);
    assert_int_equal(gcr_gc_collect(rt, 0), 0); /* b -> generation 1 */
    gcr_object *c = gcr_list_new(rt);
    gcr_object *f = gcr_float_new(rt, 1), *d = gcr_dict_new(rt); /* never tracked */
    gcr_object *expect[] = {c, b, a};
    for (int gen = 0; gen < GCR_GENERATIONS; gen++) {
        gcr_object *objs = gcr_gc_get_objects(rt, gen);
        assert_non_null(objs);
        assert_int_equal(gcr_list_len(objs), 1); /* itself excluded */
        assert_ptr_equal(gcr_list_get(objs, 0), expect[gen]);
        assert_int_equal(expect[gen]->refcnt, 2);
        gcr_decref(rt, objs);
    }
    gcr_object *all = gcr_gc_get_objects(rt, -1);
    assert_int_equal(gcr_list_len(all), 3);
    assert_true(list_has(all, a) && list_has(all, b) && list_has(all, c));
    assert_false(list_has(all, f) || list_has(all, d));
    gcr_decref(rt, all);
    assert_null(gcr_gc_get_objects(rt, 3));
    assert_string_equal(gcr_error(rt), "ValueError: generation parameter must be less than "
                                       "the number of available generations (3)");
    assert_null(gcr_gc_get_objects(rt, -2));
    assert_string_equal(gcr_error(rt), "ValueError: generation parameter cannot be negative");
    gcr_object *objs[] = {a, b, c, f, d};
    for (size_t i = 0; i < 5; i++)
        gcr_decref(rt, objs[i]);
    assert_int_equal(rt_live_objects(rt), 0);
}

static void test_referrers_and_referents(void **state)
{
    gcr_runtime *rt = *state;
    static const char *const attrs[] = {"x", "y"};
    gcr_object *target = gcr_list_new(rt), *f = gcr_float_new(rt, 1);
    gcr_object *holder = gcr_list_new(rt);
    assert_int_equal(gcr_list_append(rt, holder, target), 0);
    assert_int_equal(gcr_list_append(rt, holder, f), 0);
    assert_int_equal(gcr_list_append(rt, holder, target), 0); /* twice: listed once */
    gcr_object *inst = gcr_instance_new(rt, gcr_class_new(rt, "H", attrs, 2));
    gcr_instance_set(rt, inst, 1, target);
    gcr_object *items[] = {f, target};
    gcr_object *tuple = gcr_tuple_new(rt, 2, items);
    gcr_object *d = gcr_dict_new(rt); /* untracked: not searched, as CPython */
    gcr_object *k = gcr_str_new(rt, "k", 1);
    assert_int_equal(gcr_dict_set(rt, d, k, f), 0);
    gcr_object *unrelated = gcr_list_new(rt);

    gcr_object *refs = gcr_gc_get_referrers(rt, &target, 1);
    assert_int_equal(gcr_list_len(refs), 3);
    assert_ptr_equal(gcr_list_get(refs, 0), holder);
    assert_ptr_equal(gcr_list_get(refs, 1), inst);
    assert_ptr_equal(gcr_list_get(refs, 2), tuple);
    gcr_decref(rt, refs);
    gcr_object *two[] = {f, unrelated};
    refs = gcr_gc_get_referrers(rt, two, 2); /* d is untracked: not found */
    assert_int_equal(gcr_list_len(refs), 2);
    assert_true(list_has(refs, holder) && list_has(refs, tuple));
    gcr_decref(rt, refs);

    gcr_object *of[] = {holder, f, d};
    gcr_object *ents = gcr_gc_get_referents(rt, of, 3); /* f: no referents, skipped */
    assert_int_equal(gcr_list_len(ents), 4);
    assert_ptr_equal(gcr_list_get(ents, 0), target);
    assert_ptr_equal(gcr_list_get(ents, 1), f);
    assert_ptr_equal(gcr_list_get(ents, 2), target);
    assert_ptr_equal(gcr_list_get(ents, 3), f); /* a str-keyed dict traverses its values */
    gcr_decref(rt, ents);

    gcr_object *all[] = {target, f, holder, inst, tuple, d, k, unrelated};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        gcr_decref(rt, all[i]);
    assert_int_equal(rt_live_objects(rt), 0);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_reachable_cycle_is_kept),
        T(test_cycle_owning_leaves),
        T(test_tentatively_unreachable_rescued),
        T(test_young_cycle_held_by_old_object),
        T(test_garbage_referring_to_live_objects),
        cmocka_unit_test(test_full_collection_one_walk_or_two),
        T(test_instance_counted_before_collection_values_after),
        T(test_count_follows_container_alloc_and_free),
        T(test_gen0_collection_at_701st_allocation),
        T(test_threshold0_zero_disables_automatic),
        T(test_small_threshold),
        T(test_disable_stops_automatic_only),
        T(test_generation_schedule),
        T(test_long_lived_rule),
        T(test_callback_start_stop),
        T(test_callback_cannot_nest_collections),
        T(test_invalid_generation),
        cmocka_unit_test(test_py313_threshold),
        T(test_debug_stats),
        T(test_debug_collectable),
        T(test_saveall),
        T(test_freeze),
        T(test_get_objects),
        T(test_referrers_and_referents),
    };
#undef T
    return cmocka_run_group_tests_name("runtime collector", tests, NULL, NULL);
}
