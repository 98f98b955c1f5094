/* test_growth.c — what piles up (growth.h) from hand-made results folders: the types that
 * grow per setting and mode (slope over the later half, median over repeats, the order), the
 * allocation sites of traced runs only, the chain of referrers; and the native worker's
 * census (census.h): its history of changes and the types it sends. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "census.h"
#include "fixture.h"
#include "growth.h"

/* One forced run (r1, 10 iterations) and one traced forced run (t1) of scenario "g". r1's
 * census: app.Item grows by 10 objects per iteration from iteration 5 on (a warm-up before,
 * at 0 per iteration), list by 10 too (a tie: the program's class comes first), dict grows
 * only over 1..4 (not in the later half: not growing), str by 1. t1's sites: app.py:7 +1000
 * bytes per iteration, lib.py:3 + 10. */
static void write_folder(const char *dir)
{
    fx_write(dir, "runs.csv",
             "run_id,scenario,runtime,policy,allocator,threshold,mode,repeat,iterations,params,"
             "cpu,status,message,wall_ns,peak_rss_bytes,trace_alloc_frames\n"
             "r1,g,python,cpython,pymalloc,700/10/10,forced,1,10,,0,ok,,1,1,0\n"
             "t1,g,python,cpython,pymalloc,700/10/10,forced,1,10,,0,ok,,1,1,1\n");
    char *text = NULL;
    size_t len = 0;
    FILE *s = open_memstream(&text, &len);
    fprintf(s, "run_id,kind,iteration,rss_bytes,live_objects,live_bytes,type_name,"
               "type_growth_objects,alloc_site,holder_chain\n");
    for (int k = 0; k <= 10; k++) {
        fprintf(s, "r1,iter,%d,%d,,,,,,\n", k, 1000000 + k);
        fprintf(s, "t1,iter,%d,%d,,,,,,\n", k, 2000000 + k);
    }
    for (int k = 0; k <= 10; k++) {
        int item = k < 5 ? 0 : 10 * (k - 5);
        fprintf(s, "r1,type,%d,,%d,%d,app.Item,%d,,\n", k, item, 48 * item, item);
        fprintf(s, "r1,type,%d,,%d,%d,list,%d,,\n", k, 100 + 10 * k, 8000 * k, 10 * k);
        fprintf(s, "r1,type,%d,,%d,%d,dict,%d,,\n", k, k < 5 ? 5 * k : 20, 0, 0);
        fprintf(s, "r1,type,%d,,%d,,str,%d,,\n", k, k, k);
        fprintf(s, "t1,site,%d,,%d,%d,,%d,app.py:7,\n", k, 10 * k, 1000 * k, 1000 * k);
        fprintf(s, "t1,site,%d,,%d,%d,,%d,lib.py:3 < app.py:9,\n", k, k, 10 * k, 10 * k);
    }
    fprintf(s, "r1,holder,10,,,,,,,global _items (app) -> list[3] -> app.Item\n");
    fclose(s);
    fx_write(dir, "samples.csv", text);
    free(text);
}

static void types_sites_and_holder(void **state)
{
    (void)state;
    char *dir = fx_mkdtemp();
    write_folder(dir);
    ds d;
    char err[512] = "";
    if (ds_load(&d, dir, err, sizeof err) != 0)
        fail_msg("ds_load: %s", err);
    assert_int_equal(d.nsettings, 1);
    /* the traced run is not a repeat of the setting */
    assert_int_equal(d.settings[0].nruns[0], 1);
    assert_int_equal(d.settings[0].ntraced[0], 1);

    growth_type g[8];
    long n = growth_types(&d, 0, 0, g, 8);
    assert_int_equal(n, 3); /* dict stopped growing before the later half */
    assert_string_equal(g[0].name, "app.Item");
    assert_true(g[0].objects_per_iter == 10.0 && g[0].bytes_per_iter == 480.0);
    assert_int_equal(g[0].final_objects, 50);
    assert_int_equal(g[0].first, 6); /* the later half of 10 iterations */
    assert_int_equal(g[0].last, 10);
    assert_string_equal(g[1].name, "list");
    assert_true(g[1].objects_per_iter == 10.0 && g[1].bytes_per_iter == 8000.0);
    assert_string_equal(g[2].name, "str");
    assert_int_equal(g[2].final_bytes, DS_MISSING);    /* an empty cell */
    assert_int_equal(growth_types(&d, 0, 1, g, 8), 0); /* no auto runs */
    assert_int_equal(growth_types(&d, 0, 0, g, 1), 1);

    n = growth_sites(&d, 0, 0, g, 8);
    assert_int_equal(n, 2);
    assert_string_equal(g[0].name, "app.py:7");
    assert_true(g[0].bytes_per_iter == 1000.0 && g[0].objects_per_iter == 10.0);
    assert_string_equal(g[1].name, "lib.py:3 < app.py:9");

    assert_string_equal(growth_holder(&d, 0), "global _items (app) -> list[3] -> app.Item");
    ds_free(&d);
    fx_rmtree(dir);
    free(dir);
}

static void collect_sent(void *ctx, const wire_type *t)
{
    wire_type *out = ctx;
    size_t i = 0;
    while (out[i].name[0] != '\0')
        i++;
    out[i] = *t;
}

static wire_type type_of(const char *name, int64_t objects, int64_t bytes)
{
    wire_type t = {.live_objects = objects, .live_bytes = bytes};
    snprintf(t.name, sizeof t.name, "%s", name);
    return t;
}

/* Three samples: float grows 0, 100, 200; B 0, 1, 2; str stays at 5 and shrinks to absent;
 * list gains bytes only. Sent: float, B (objects), list (bytes), at every sample. */
static void census_history_and_choice(void **state)
{
    (void)state;
    census c = {0};
    wire_type s0[] = {type_of("str", 5, 50), type_of("list", 1, 100)};
    wire_type s1[] = {type_of("float", 100, 2400), type_of("g.B", 1, 48), type_of("str", 5, 50),
                      type_of("list", 1, 100)};
    wire_type s2[] = {type_of("float", 200, 4800), type_of("g.B", 2, 96), type_of("list", 1, 900)};
    census_record(&c, s0, 2);
    census_record(&c, s1, 4);
    census_record(&c, s2, 3);
    assert_false(c.failed);
    assert_int_equal(c.nsamples, 3);
    /* changes only: sample 0 two, sample 1 two new types, sample 2 float, B, str gone, list */
    assert_int_equal(c.nchanges, 2 + 2 + 4);
    wire_type *sent = calloc(64, sizeof *sent);
    census_send(&c, collect_sent, sent);
    assert_string_equal(sent[0].name, "float");
    assert_int_equal(sent[0].iteration, 0);
    assert_int_equal(sent[2].live_objects, 200);
    assert_int_equal(sent[2].growth_objects, 200);
    assert_string_equal(sent[3].name, "g.B");
    assert_int_equal(sent[5].live_bytes, 96);
    assert_string_equal(sent[6].name, "list"); /* by bytes: 100 -> 900 */
    assert_int_equal(sent[8].live_bytes, 900);
    assert_int_equal(sent[8].growth_objects, 0);
    assert_string_equal(sent[9].name, ""); /* str shrank: not sent */
    free(sent);
    census_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(types_sites_and_holder),
        cmocka_unit_test(census_history_and_choice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
