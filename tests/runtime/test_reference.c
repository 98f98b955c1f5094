/* test_reference.c — the runtime held against CPython 3.11.2's own numbers, read from the
 * reference files (tests/reference/, copies of shared/reference/), not copied into the code:
 *
 *   gc_cases.csv                 each seed gc example built in the runtime: what collect()
 *                                returns and len(gc.garbage) after, against cpython311_*
 *   cpython311_object_sizes.csv  gcr_sizeof and gcr_gc_is_tracked of each object
 *
 * A row the runtime cannot build yet (finalizers, set_debug, int, dict …) is listed on
 * stdout as not modelled; the rows the runtime can build must all match, and the ones named
 * in REQUIRED must be among them. GCBENCH_REFERENCE_DIR names the folder. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvio.h"
#include "rt_test.h"

/* ---- gc_cases.csv ------------------------------------------------------------------------ */

/* Builds the case's garbage in rt, dropping every reference of its own. */
typedef void (*build_fn)(gcr_runtime *rt);

/* a=[]; a.append(a); del a */
static void build_self_list(gcr_runtime *rt)
{
    gcr_object *a = gcr_list_new(rt);
    assert_int_equal(gcr_list_append(rt, a, a), 0);
    gcr_decref(rt, a);
}

/* a=[]; b=[]; a.append(b); b.append(a) — in a function, so both names go */
static void build_list_pair(gcr_runtime *rt)
{
    gcr_object *a = gcr_list_new(rt), *b = gcr_list_new(rt);
    assert_int_equal(gcr_list_append(rt, a, b), 0);
    assert_int_equal(gcr_list_append(rt, b, a), 0);
    gcr_decref(rt, a);
    gcr_decref(rt, b);
}

/* a=classA(); b=classA(); a.t=b; b.t=a; del a; del b */
static void build_instance_cycle(gcr_runtime *rt)
{
    static const char *const attrs[] = {"t"};
    gcr_class *cls = gcr_class_new(rt, "classA", attrs, 1);
    int t = gcr_class_attr(cls, "t");
    gcr_object *a = gcr_instance_new(rt, cls), *b = gcr_instance_new(rt, cls);
    gcr_instance_set(rt, a, t, b);
    gcr_instance_set(rt, b, t, a);
    gcr_decref(rt, a);
    gcr_decref(rt, b);
}

typedef struct gc_case {
    const char *name;
    build_fn build;
} gc_case;

static const gc_case cases[] = {
    {"instance_cycle", build_instance_cycle},
    {"self_list", build_self_list},
    {"list_pair", build_list_pair},
};

/* Rows that must be present in the file and pass. */
static const char *const required[] = {"self_list", "list_pair", "instance_cycle"};

static const gc_case *find_case(const char *name)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (strcmp(cases[i].name, name) == 0)
            return &cases[i];
    return NULL;
}

static void load(csvt *t, const char *file)
{
    const char *dir = getenv("GCBENCH_REFERENCE_DIR");
    assert_non_null(dir);
    char path[1024], err[1024];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    if (csvt_load_ex(t, path, CSVT_SKIP_COMMENTS, err, sizeof err) != 0)
        fail_msg("%s", err);
}

static int64_t cell_int(const csvt *t, size_t row, const char *col)
{
    int64_t v = -1;
    bool bad = false;
    if (!csvt_i64(t, row, csvt_col(t, col), &v, &bad) || bad)
        fail_msg("%s line %zu: %s is not a number", t->path, t->lines[row], col);
    return v;
}

static void test_gc_cases(void **state)
{
    (void)state;
    csvt t;
    load(&t, "gc_cases.csv");
    size_t checked = 0, found_required = 0;
    for (size_t row = 0; row < t.nrows; row++) {
        const char *name = csvt_get(&t, row, csvt_col(&t, "case"));
        const gc_case *c = find_case(name);
        if (c == NULL) {
            printf("not modelled yet: %s (%s)\n", name, csvt_get(&t, row, csvt_col(&t, "seed")));
            continue;
        }
        gcr_runtime *rt = gcr_open(NULL);
        assert_non_null(rt);
        c->build(rt);
        long collected = gcr_gc_collect(rt, 2);
        gcr_counters k = rt_counters(rt);
        int64_t want_collect = cell_int(&t, row, "cpython311_collect");
        int64_t want_garbage = cell_int(&t, row, "cpython311_garbage");
        printf("%-28s collect %ld (CPython 3.11: %lld), garbage %llu (%lld)\n", name, collected,
               (long long)want_collect, (unsigned long long)k.garbage_len, (long long)want_garbage);
        assert_int_equal(collected, want_collect);
        assert_int_equal(k.garbage_len, want_garbage);
        /* the collection freed all of it, and counted it as CPython does */
        assert_int_equal(k.live_objects, 0);
        assert_int_equal(k.live_bytes, 0);
        assert_int_equal(k.tracked_objects, 0);
        assert_int_equal(k.collected + k.uncollectable, collected);
        gcr_gen_stats stats[GCR_GENERATIONS];
        gcr_gc_get_stats(rt, stats);
        assert_int_equal(stats[2].collections, 1);
        assert_int_equal(stats[0].collections + stats[1].collections, 0);
        gcr_close(rt);
        checked++;
        for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
            found_required += strcmp(required[i], name) == 0;
    }
    assert_int_equal(found_required, sizeof required / sizeof required[0]);
    assert_true(checked >= found_required);
    csvt_free(&t);
}

/* ---- cpython311_object_sizes.csv --------------------------------------------------------- */

/* Makes the row's object in rt (a new reference), or NULL when the type is not modelled. */
static gcr_object *make_sized(gcr_runtime *rt, const char *name)
{
    static const char *const attrs[] = {"a", "b"};
    if (strcmp(name, "float") == 0)
        return gcr_float_new(rt, 0.5);
    if (strcmp(name, "str_ascii_0") == 0)
        return gcr_str_new(rt, "", 0);
    if (strcmp(name, "str_ascii_10") == 0)
        return gcr_str_new(rt, "0123456789", 10);
    if (strcmp(name, "str_ascii_36_uuid") == 0)
        return gcr_str_new(rt, "2b1e4a4e-6f6a-4c1b-9d61-0e4d8f3b9a11", 36);
    if (strcmp(name, "bytes_0") == 0)
        return gcr_bytes_new(rt, 0);
    if (strcmp(name, "bytes_100") == 0)
        return gcr_bytes_new(rt, 100);
    if (strcmp(name, "list_0") == 0)
        return gcr_list_new(rt);
    if (strcmp(name, "list_10000_appended") == 0 || strcmp(name, "list_10000_comprehension") == 0) {
        gcr_object *l = gcr_list_new(rt);
        for (int i = 0; i < 10000; i++) {
            gcr_object *f = gcr_float_new(rt, i);
            assert_int_equal(gcr_list_append(rt, l, f), 0);
            gcr_decref(rt, f);
        }
        return l;
    }
    if (strcmp(name, "instance_2_attrs") == 0) {
        gcr_object *o = gcr_instance_new(rt, gcr_class_new(rt, "A", attrs, 2));
        gcr_object *f = gcr_float_new(rt, 1.0);
        gcr_instance_set(rt, o, 0, f);
        gcr_instance_set(rt, o, 1, f);
        gcr_decref(rt, f);
        return o;
    }
    return NULL;
}

static void test_object_sizes(void **state)
{
    (void)state;
    csvt t;
    load(&t, "cpython311_object_sizes.csv");
    size_t checked = 0;
    for (size_t row = 0; row < t.nrows; row++) {
        const char *name = csvt_get(&t, row, csvt_col(&t, "name"));
        gcr_runtime *rt = gcr_open(NULL);
        gcr_object *o = make_sized(rt, name);
        if (o == NULL) {
            printf("not modelled yet: %s\n", name);
            gcr_close(rt);
            continue;
        }
        int64_t size = cell_int(&t, row, "getsizeof");
        int64_t tracked = cell_int(&t, row, "gc_tracked");
        printf("%-28s getsizeof %zu (CPython 3.11: %lld), tracked %d (%lld)\n", name, gcr_sizeof(o),
               (long long)size, gcr_gc_is_tracked(o), (long long)tracked);
        assert_int_equal(gcr_sizeof(o), size);
        assert_int_equal(gcr_gc_is_tracked(o), tracked);
        gcr_decref(rt, o);
        gcr_close(rt);
        checked++;
    }
    assert_true(checked >= 10); /* float, 3 str, 2 bytes, 3 lists, instance */
    csvt_free(&t);
}

/* The note "# list append growth (len_at_realloc, new_capacity): [(1, 4), (5, 8), …]":
 * appending the len-th item reallocates to new_capacity; no other append reallocates. */
static void test_list_growth(void **state)
{
    (void)state;
    char path[1024], line[4096];
    snprintf(path, sizeof path, "%s/cpython311_object_sizes.csv", getenv("GCBENCH_REFERENCE_DIR"));
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    const char *pairs = NULL;
    while (pairs == NULL && fgets(line, sizeof line, fp) != NULL)
        if (strncmp(line, "# list append growth", 20) == 0)
            pairs = strchr(line, '[');
    fclose(fp);
    assert_non_null(pairs);
    long grow_at[64], grow_to[64];
    size_t n = 0;
    int used;
    for (const char *p = pairs + 1;
         n < 64 && sscanf(p, " (%ld, %ld)%n", &grow_at[n], &grow_to[n], &used) == 2; n++) {
        p += used;
        p += strspn(p, ", ");
    }
    assert_true(n >= 10);
    gcr_runtime *rt = gcr_open(NULL);
    gcr_object *l = gcr_list_new(rt);
    size_t k = 0, capacity = 0;
    for (long len = 1; len <= grow_at[n - 1]; len++) {
        assert_int_equal(gcr_list_append(rt, l, l), 0);
        if (k < n && len == grow_at[k])
            capacity = (size_t)grow_to[k++];
        assert_int_equal(gcr_list_capacity(l), capacity); /* changed only where CPython's did */
    }
    assert_int_equal(k, n);
    gcr_list_clear(rt, l);
    gcr_decref(rt, l);
    gcr_close(rt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gc_cases),
        cmocka_unit_test(test_object_sizes),
        cmocka_unit_test(test_list_growth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
