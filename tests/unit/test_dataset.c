/* test_dataset.c — ds_load on results folders written by hand: cells, optional columns,
 * grouping into settings and modes, sorting, medians, class rows and rss_comparable, and the
 * FILE:LINE errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "fixture.h"

/* ==== a full folder ======================================================================== */

static const char full_machine[] = "key,value\n"
                                   "host,testbox\n"
                                   "cpu_model,\"Xeon, 2 cores\"\n";

/* Settings: 0 cross_reference 700/10/10 (forced repeats 2,1,3 listed out of order; auto r0003
 * failed, with a quoted comma in its message), 1 cross_reference 2000/10/10, 2 weakref_cycle.
 * An extra column (exit_code) that the reader does not know. */
static const char full_runs[] =
    "run_id,scenario,runtime,policy,allocator,threshold,mode,repeat,iterations,params,cpu,"
    "status,message,wall_ns,peak_rss_bytes,exit_code\n"
    "r0001,cross_reference,native,py311,pymalloc,700/10/10,forced,2,3,n=100,1,ok,,5000,3000,0\n"
    "r0002,cross_reference,native,py311,pymalloc,700/10/10,forced,1,3,n=100,1,ok,,5000,3000,0\n"
    "r0003,cross_reference,native,py311,pymalloc,700/10/10,auto,1,3,n=100,,rss_limit,"
    "\"RSS 512 MiB > limit, stopped\",5000,3000,\n"
    "r0004,cross_reference,native,py311,pymalloc,2000/10/10,forced,1,3,n=100,1,ok,,,,0\n"
    "r0005,cross_reference,native,py311,pymalloc,700/10/10,forced,3,3,n=100,1,ok,,5000,3000,0\n"
    "r0006,weakref_cycle,native,py311,pymalloc,700/10/10,auto,1,3,,1,ok,,5000,3000,0\n";

static const char full_samples[] =
    "run_id,kind,iteration,t_ns,rss_bytes,rss_anon_bytes,live_objects,garbage\n"
    "r0001,iter,0,5,1000,800,10,0\n"
    "r0001,tick,0,30,1500,,,\n"
    "r0001,tick,0,10,1200,,,\n"
    "r0001,tick,1,20,1300,,,\n"
    "r0001,iter,1,40,2000,1800,20,0\n"
    "r0001,iter,2,50,3000,2800,30,0\n"
    "r0001,iter,3,60,4000,3800,40,0\n"
    "r0002,iter,2,50,2900,,,\n"
    "r0002,iter,0,5,1100,,,\n"
    "r0002,iter,3,60,4100,,,\n"
    "r0002,iter,1,40,2100,,,\n"
    "r0005,iter,0,5,900,,,\n"
    "r0005,iter,1,40,1900,,,\n"
    "r0005,iter,2,50,3100,,,\n"
    "r0005,iter,3,60,,,,\n"
    "r0003,iter,0,5,5000,,,\n"
    "r0003,iter,1,40,6000,,,\n"
    "r0004,iter,0,5,7000,,,\n"
    "r0006,iter,0,5,8000,,,\n"
    "r0006,iter,1,40,8000,,,\n";

static const char full_summary[] =
    "scenario,runtime,policy,allocator,threshold,mode,verdict\n"
    "cross_reference,native,py311,pymalloc,700/10/10,forced,delayed\n";

typedef struct loaded {
    char *dir;
    ds d;
} loaded;

static int setup_full(void **state)
{
    loaded *l = calloc(1, sizeof *l);
    l->dir = fx_mkdtemp();
    fx_write(l->dir, "machine.csv", full_machine);
    fx_write(l->dir, "runs.csv", full_runs);
    fx_write(l->dir, "samples.csv", full_samples);
    fx_write(l->dir, "summary.csv", full_summary);
    char err[512] = "";
    if (ds_load(&l->d, l->dir, err, sizeof err) != 0)
        fail_msg("ds_load: %s", err);
    *state = l;
    return 0;
}

static int teardown_full(void **state)
{
    loaded *l = *state;
    ds_free(&l->d);
    fx_rmtree(l->dir);
    free(l->dir);
    free(l);
    return 0;
}

static void test_run_cells(void **state)
{
    const ds *d = &((loaded *)*state)->d;
    assert_int_equal(d->nruns, 6);
    const ds_run *r = &d->runs[0];
    assert_string_equal(r->run_id, "r0001");
    assert_string_equal(r->scenario, "cross_reference");
    assert_string_equal(r->runtime, "native");
    assert_string_equal(r->policy, "py311");
    assert_string_equal(r->allocator, "pymalloc");
    assert_string_equal(r->threshold, "700/10/10");
    assert_string_equal(r->mode, "forced");
    assert_string_equal(r->params, "n=100");
    assert_string_equal(r->status, "ok");
    assert_string_equal(r->message, "");
    assert_int_equal(r->repeat, 2);
    assert_int_equal(r->iterations, 3);
    assert_int_equal(r->cpu, 1);
    assert_int_equal(r->wall_ns, 5000);
    assert_int_equal(r->peak_rss_bytes, 3000);
    assert_true(r->collections == DS_MISSING); /* no such column */
    assert_true(r->ok);
    assert_int_equal(r->mode_index, 0);

    const ds_run *failed = &d->runs[2];
    assert_false(failed->ok);
    assert_string_equal(failed->status, "rss_limit");
    assert_string_equal(failed->message, "RSS 512 MiB > limit, stopped");
    assert_true(failed->cpu == DS_MISSING); /* empty cell */
    assert_int_equal(failed->mode_index, 1);
    assert_true(d->runs[3].wall_ns == DS_MISSING);
}

static void test_settings_grouping(void **state)
{
    const ds *d = &((loaded *)*state)->d;
    assert_int_equal(d->nsettings, 3);
    assert_string_equal(d->settings[0].scenario, "cross_reference");
    assert_string_equal(d->settings[0].threshold, "700/10/10");
    assert_string_equal(d->settings[1].threshold, "2000/10/10");
    assert_string_equal(d->settings[2].scenario, "weakref_cycle");
    /* forced runs of setting 0 by repeat: r0002 (1), r0001 (2), r0005 (3) */
    assert_int_equal(d->settings[0].nruns[0], 3);
    assert_int_equal(d->settings[0].runs[0][0], 1);
    assert_int_equal(d->settings[0].runs[0][1], 0);
    assert_int_equal(d->settings[0].runs[0][2], 4);
    assert_int_equal(d->settings[0].nruns[1], 1);
    assert_int_equal(d->settings[0].runs[1][0], 2);
    assert_int_equal(d->settings[0].nruns[2], 0);
    assert_int_equal(d->settings[1].nruns[0], 1);
    assert_int_equal(d->settings[2].nruns[1], 1);
    assert_int_equal(d->runs[5].setting, 2);
}

static void test_samples_sorted(void **state)
{
    const ds *d = &((loaded *)*state)->d;
    const ds_run *r1 = &d->runs[0];
    assert_int_equal(r1->niters, 4);
    assert_int_equal(r1->nticks, 3);
    assert_int_equal(r1->ticks[0].t_ns, 10);
    assert_int_equal(r1->ticks[1].t_ns, 20);
    assert_int_equal(r1->ticks[2].t_ns, 30);
    assert_int_equal(r1->ticks[0].rss_bytes, 1200);
    assert_true(r1->ticks[0].rss_anon_bytes == DS_MISSING);
    assert_true(r1->ticks[0].pause_ns == DS_MISSING); /* no such column */
    assert_int_equal(r1->iters[3].live_objects, 40);
    assert_int_equal(r1->iters[3].rss_anon_bytes, 3800);

    const ds_run *r2 = &d->runs[1]; /* listed 2, 0, 3, 1 */
    for (int64_t i = 0; i < 4; i++)
        assert_int_equal(r2->iters[i].iteration, i);
    assert_int_equal(r2->iters[0].rss_bytes, 1100);
    assert_int_equal(r2->iters[3].rss_bytes, 4100);
    assert_true(d->runs[4].iters[3].rss_bytes == DS_MISSING);
}

static void test_iter_stat(void **state)
{
    const ds *d = &((loaded *)*state)->d;
    size_t rss = offsetof(ds_sample, rss_bytes);
    int64_t med = -1, lo = -1, hi = -1;
    assert_int_equal(ds_iter_stat(d, 0, 0, 0, rss, &med, &lo, &hi), 3);
    assert_int_equal(med, 1000);
    assert_int_equal(lo, 900);
    assert_int_equal(hi, 1100);
    /* iteration 3: r0005's cell is empty, so two runs: the mean of the middle two */
    assert_int_equal(ds_iter_stat(d, 0, 0, 3, rss, &med, &lo, &hi), 2);
    assert_int_equal(med, 4050);
    assert_int_equal(lo, 4000);
    assert_int_equal(hi, 4100);
    /* auto: only the failed r0003, which never feeds a median */
    med = -7;
    assert_int_equal(ds_iter_stat(d, 0, 1, 0, rss, &med, &lo, &hi), 0);
    assert_int_equal(med, -7);
    /* no such iteration, no such mode */
    assert_int_equal(ds_iter_stat(d, 0, 0, 4, rss, &med, &lo, &hi), 0);
    assert_int_equal(ds_iter_stat(d, 0, 2, 0, rss, &med, &lo, &hi), 0);
    assert_int_equal(ds_iter_stat(d, 0, 0, 1, offsetof(ds_sample, live_objects), &med, &lo, &hi),
                     1);
    assert_int_equal(med, 20);
}

static void test_last_iteration(void **state)
{
    const ds *d = &((loaded *)*state)->d;
    assert_int_equal(ds_last_iteration(d, 0, 0), 3);
    assert_int_equal(ds_last_iteration(d, 0, 1), 1); /* the failed run counts here */
    assert_int_equal(ds_last_iteration(d, 0, 2), -1);
    assert_int_equal(ds_last_iteration(d, 1, 0), 0);
}

static void test_machine_and_summary(void **state)
{
    const ds *d = &((loaded *)*state)->d;
    assert_string_equal(ds_machine(d, "host"), "testbox");
    assert_string_equal(ds_machine(d, "cpu_model"), "Xeon, 2 cores");
    assert_string_equal(ds_machine(d, "nope"), "");
    assert_true(d->has_summary);
    assert_int_equal(d->summary.nrows, 1);
    assert_string_equal(d->dir, ((loaded *)*state)->dir);
}

static void test_modes(void **state)
{
    (void)state;
    assert_int_equal(ds_mode_index("forced"), 0);
    assert_int_equal(ds_mode_index("auto"), 1);
    assert_int_equal(ds_mode_index("off"), 2);
    assert_int_equal(ds_mode_index("Forced"), -1);
    assert_string_equal(ds_mode_titles[0], "With GC");
    assert_string_equal(ds_mode_titles[1], "Without GC");
    assert_string_equal(ds_mode_titles[2], "GC off");
}

/* ==== optional parts missing =============================================================== */

static void test_optional_missing(void **state)
{
    (void)state;
    char *dir = fx_mkdtemp();
    fx_write(dir, "runs.csv",
             "run_id,scenario,runtime,mode,status\n"
             "a,s,native,auto,failed\n"
             "b,s,native,off,ok\n");
    fx_write(dir, "samples.csv",
             "run_id,kind,iteration,rss_bytes\n"
             "b,iter,0,42\n");
    ds d;
    char err[512] = "";
    assert_int_equal(ds_load(&d, dir, err, sizeof err), 0);
    assert_int_equal(d.nruns, 2);
    assert_string_equal(d.runs[0].policy, "");
    assert_string_equal(d.runs[0].threshold, "");
    assert_string_equal(d.runs[0].message, "");
    assert_true(d.runs[0].repeat == DS_MISSING);
    assert_int_equal(d.runs[0].niters, 0); /* failed at once: no samples */
    assert_int_equal(d.nsettings, 1);
    assert_false(d.has_summary);
    assert_int_equal(d.machine.nrows, 0);
    assert_string_equal(ds_machine(&d, "host"), "");
    assert_true(d.runs[1].iters[0].t_ns == DS_MISSING);
    int64_t med, lo, hi;
    assert_int_equal(ds_iter_stat(&d, 0, 2, 0, offsetof(ds_sample, rss_bytes), &med, &lo, &hi), 1);
    assert_int_equal(med, 42);
    ds_free(&d);
    fx_rmtree(dir);
    free(dir);
}

/* ==== errors =============================================================================== */

static const char ok_runs[] = "run_id,scenario,runtime,mode,status\n"
                              "r1,s,native,forced,ok\n"
                              "r2,s,native,auto,ok\n";
static const char ok_samples[] = "run_id,kind,iteration,rss_bytes\n"
                                 "r1,iter,0,10\n";

/* Loads a folder of runs and samples text (NULL: file absent) and checks ds_load fails with
 * a message equal to expected, with "DIR/" in front of it. */
static void expect_error(const char *runs, const char *samples, const char *extra_name,
                         const char *extra_text, const char *expected)
{
    char *dir = fx_mkdtemp();
    if (runs != NULL)
        fx_write(dir, "runs.csv", runs);
    if (samples != NULL)
        fx_write(dir, "samples.csv", samples);
    if (extra_name != NULL)
        fx_write(dir, extra_name, extra_text);
    ds d;
    char err[512] = "";
    assert_int_equal(ds_load(&d, dir, err, sizeof err), -1);
    char want[1024];
    snprintf(want, sizeof want, "%s/%s", dir, expected);
    assert_string_equal(err, want);
    assert_null(d.runs); /* freed */
    fx_rmtree(dir);
    free(dir);
}

static void test_error_too_many_cells(void **state)
{
    (void)state;
    expect_error(ok_runs,
                 "run_id,kind,iteration,rss_bytes\n"
                 "r1,iter,0,10\n"
                 "r1,iter,1,10,99\n",
                 NULL, NULL, "samples.csv:3: 5 cells where the header has 4");
}

static void test_error_not_a_number(void **state)
{
    (void)state;
    char samples[2048] = "run_id,kind,iteration,rss_bytes\n";
    for (int i = 0; i < 15; i++) /* lines 2..16 */
        snprintf(samples + strlen(samples), sizeof samples - strlen(samples), "r1,iter,%d,10\n", i);
    strcat(samples, "r1,iter,15,abc\n"); /* line 17 */
    expect_error(ok_runs, samples, NULL, NULL, "samples.csv:17: rss_bytes is 'abc', not a number");
}

static void test_error_unknown_run(void **state)
{
    (void)state;
    expect_error(ok_runs,
                 "run_id,kind,iteration,rss_bytes\n"
                 "r1,iter,0,10\n"
                 "r9,iter,0,10\n",
                 NULL, NULL, "samples.csv:3: run_id 'r9' is not in runs.csv");
}

static void test_error_unknown_mode(void **state)
{
    (void)state;
    expect_error("run_id,scenario,runtime,mode,status\n"
                 "r1,s,native,sometimes,ok\n",
                 ok_samples, NULL, NULL,
                 "runs.csv:2: mode is 'sometimes'; expected forced, auto or off");
}

static void test_error_missing_column(void **state)
{
    (void)state;
    expect_error("run_id,scenario,runtime,status\n"
                 "r1,s,native,ok\n",
                 ok_samples, NULL, NULL, "runs.csv: no column 'mode'");
    expect_error(ok_runs, "run_id,kind,iteration\nr1,iter,0\n", NULL, NULL,
                 "samples.csv: no column 'rss_bytes'");
}

static void test_error_missing_files(void **state)
{
    (void)state;
    expect_error(NULL, ok_samples, NULL, NULL, "runs.csv: cannot read: No such file or directory");
    expect_error(ok_runs, NULL, NULL, NULL, "samples.csv: cannot read: No such file or directory");
}

static void test_error_bad_rows(void **state)
{
    (void)state;
    expect_error("run_id,scenario,runtime,mode,status,repeat\n"
                 "r1,s,native,forced,ok,1\n"
                 "r1,s,native,auto,ok,x\n",
                 ok_samples, NULL, NULL, "runs.csv:3: repeat is 'x', not a number");
    expect_error("run_id,scenario,runtime,mode,status\n"
                 "r1,s,native,forced,ok\n"
                 "r1,s,native,auto,ok\n",
                 ok_samples, NULL, NULL, "runs.csv:3: run_id 'r1' is already on line 2");
    expect_error("run_id,scenario,runtime,mode,status\n"
                 ",s,native,forced,ok\n",
                 ok_samples, NULL, NULL, "runs.csv:2: run_id is empty");
    expect_error(
        ok_runs, "run_id,kind,iteration,rss_bytes\nr1,boundary,0,10\n", NULL, NULL,
        "samples.csv:2: kind is 'boundary'; expected iter, tick, type, class, site or holder");
    expect_error(ok_runs, "run_id,kind,iteration,rss_bytes\nr1,iter,,10\n", NULL, NULL,
                 "samples.csv:2: iteration is empty in an iter sample");
    expect_error(ok_runs, "run_id,kind,iteration,rss_bytes\nr1,iter,1,10\nr1,iter,1,11\n", NULL,
                 NULL, "samples.csv:3: run 'r1' has two iter samples for iteration 1");
    expect_error(ok_runs, ok_samples, "summary.csv", "a,b\n1,\"2\n",
                 "summary.csv:2: malformed CSV: a quoted cell is never closed");
}

/* ==== class rows, rss_comparable =========================================================== */

/* Kind "class" rows: each run's per-class counts (sorted by iteration, then class, however
 * samples.csv lists them), their sum in class_objects, the class names in order of first
 * appearance, medians over the ok runs; runs.csv's rss_comparable (absent: comparable) and
 * interpreter_objects. */
static void test_class_rows(void **state)
{
    (void)state;
    char *dir = fx_mkdtemp();
    fx_write(dir, "runs.csv",
             "run_id,scenario,runtime,policy,mode,repeat,status,rss_comparable,"
             "interpreter_objects\n"
             "n1,s,native,py311,auto,1,ok,1,6214\n"
             "n2,s,native,py311,auto,2,ok,1,6214\n"
             "n3,s,native,py311,auto,3,failed,1,6214\n"
             "w1,s,pyodide-3.14.2,cpython,auto,1,ok,0,\n");
    fx_write(dir, "samples.csv",
             "run_id,kind,iteration,rss_bytes,live_objects,type_name\n"
             "n1,iter,0,10,,\n"
             "n1,class,0,,0,A\n"
             "n1,class,0,,0,B\n"
             "n1,iter,1,20,,\n"
             "n1,class,1,,100,B\n" /* B before A: sorted by class id */
             "n1,class,1,,100,A\n"
             "n2,class,1,,300,A\n" /* before its iter sample: sorted by iteration */
             "n2,iter,1,20,,\n"
             "n2,iter,0,10,,\n"
             "n2,class,0,,0,A\n"
             "n2,class,1,,,B\n" /* an empty count: missing, not 0 */
             "n3,iter,0,10,,\n"
             "n3,class,0,,5000,A\n"
             "w1,iter,0,99,,\n"
             "w1,class,0,,7,BWeakRef\n");
    ds d;
    char err[512] = "";
    if (ds_load(&d, dir, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(d.nclass_names, 3);
    assert_string_equal(d.class_names[0], "A");
    assert_string_equal(d.class_names[1], "B");
    assert_string_equal(d.class_names[2], "BWeakRef");
    assert_int_equal(ds_class_id(&d, "B"), 1);
    assert_int_equal(ds_class_id(&d, "C"), -1);
    const ds_run *n1 = &d.runs[0], *n2 = &d.runs[1];
    assert_int_equal(n1->nclasses, 4);
    assert_int_equal(n1->classes[2].iteration, 1);
    assert_int_equal(n1->classes[2].class_id, 0);
    assert_int_equal(n1->iters[1].class_objects, 200);
    assert_int_equal(ds_class_live(n1, 1, 1), 100);
    assert_true(ds_class_live(n1, 2, 1) == DS_MISSING);
    assert_int_equal(n2->iters[0].class_objects, 0);
    assert_int_equal(n2->iters[1].class_objects, 300); /* B's empty cell adds nothing */
    assert_true(ds_class_live(n2, 1, 1) == DS_MISSING);
    /* A at iteration 1 over the ok runs (n3 failed): median of 100 and 300 */
    int64_t median = 0, lo = 0, hi = 0;
    assert_int_equal(ds_class_stat(&d, 0, 1, 1, 0, &median, &lo, &hi), 2);
    assert_int_equal(median, 200);
    assert_int_equal(lo, 100);
    assert_int_equal(hi, 300);
    assert_int_equal(ds_class_stat(&d, 0, 1, 0, 0, &median, &lo, &hi), 2); /* not n3's 5000 */
    assert_int_equal(hi, 0);
    assert_int_equal(
        ds_iter_stat(&d, 0, 1, 1, offsetof(ds_sample, class_objects), &median, &lo, &hi), 2);
    assert_int_equal(median, 250);
    assert_true(ds_setting_has_class(&d, 0, -1));
    assert_true(ds_setting_has_class(&d, 0, 1));
    assert_false(ds_setting_has_class(&d, 0, 2)); /* BWeakRef: only in the pyodide run */
    assert_true(ds_setting_has_class(&d, 1, 2));
    /* rss_comparable and interpreter_objects */
    assert_true(n1->rss_comparable);
    assert_int_equal(n1->interpreter_objects, 6214);
    assert_int_equal(d.nsettings, 2);
    assert_true(d.settings[0].rss_comparable);
    assert_false(d.runs[3].rss_comparable);
    assert_false(d.settings[1].rss_comparable);
    assert_true(d.runs[3].interpreter_objects == DS_MISSING);
    ds_free(&d);
    /* no rss_comparable column (an older folder): comparable; no class rows: none */
    fx_write(dir, "runs.csv", ok_runs);
    fx_write(dir, "samples.csv", ok_samples);
    if (ds_load(&d, dir, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_true(d.runs[0].rss_comparable && d.settings[0].rss_comparable);
    assert_int_equal(d.nclass_names, 0);
    assert_false(ds_setting_has_class(&d, 0, -1));
    assert_true(d.runs[0].iters[0].class_objects == DS_MISSING);
    ds_free(&d);
    fx_rmtree(dir);
    free(dir);
}

static void test_error_class_rows(void **state)
{
    (void)state;
    expect_error(ok_runs,
                 "run_id,kind,iteration,rss_bytes,live_objects,type_name\n"
                 "r1,iter,0,10,,\nr1,class,0,,5,\n",
                 NULL, NULL, "samples.csv:3: a class row without a type_name");
    expect_error(ok_runs,
                 "run_id,kind,iteration,rss_bytes,live_objects,type_name\n"
                 "r1,iter,0,10,,\nr1,class,1,,5,A\n",
                 NULL, NULL,
                 "samples.csv:3: a class row for iteration 1, which run 'r1' has no iter sample "
                 "of");
    /* each count within the bound, their sum beyond it */
    expect_error(ok_runs,
                 "run_id,kind,iteration,rss_bytes,live_objects,type_name\n"
                 "r1,iter,0,10,,\n"
                 "r1,class,0,,1125899906842624,A\n"
                 "r1,class,0,,1,B\n",
                 NULL, NULL,
                 "samples.csv:4: the live instances of run 'r1' at iteration 0 add up to more than "
                 "a run measures (at most 1125899906842624)");
    expect_error("run_id,scenario,runtime,mode,status,rss_comparable\n"
                 "r1,s,pyodide-3.12.7,forced,ok,no\n",
                 ok_samples, NULL, NULL, "runs.csv:2: rss_comparable is 'no', not a number");
}

/* ==== untrusted numbers and sizes ========================================================== */

/* Iteration numbers drive the readers' loops (every iteration 0..last of a run): a value out of
 * a run's range, or a gap, is an error naming the file and line, not a calloc of 10^18 rows. */
static void test_error_iteration_range(void **state)
{
    (void)state;
    static const char runs3[] = "run_id,scenario,runtime,mode,status,iterations\n"
                                "r1,s,native,forced,ok,3\n";
    expect_error(runs3,
                 "run_id,kind,iteration,rss_bytes\n"
                 "r1,iter,0,10\n"
                 "r1,iter,1000000000000,10\n",
                 NULL, NULL,
                 "samples.csv:3: iteration 1000000000000 of run 'r1'; expected 0 to 3 (its "
                 "iterations in runs.csv)");
    /* beyond any measure: refused for any column, before its meaning is looked at */
    expect_error(runs3,
                 "run_id,kind,iteration,rss_bytes\n"
                 "r1,iter,0,10\n"
                 "r1,iter,1000000000000000000,10\n",
                 NULL, NULL,
                 "samples.csv:3: iteration is 1000000000000000000, beyond what a run measures (at "
                 "most 1125899906842624)");
    /* INT64_MIN would otherwise read as "not measured" (DS_MISSING) */
    expect_error(runs3, "run_id,kind,iteration,rss_bytes\nr1,iter,0,-9223372036854775808\n", NULL,
                 NULL,
                 "samples.csv:2: rss_bytes is -9223372036854775808, beyond what a run measures "
                 "(at most 1125899906842624)");
    expect_error(runs3, "run_id,kind,iteration,rss_bytes\nr1,iter,-1,10\n", NULL, NULL,
                 "samples.csv:2: iteration -1 of run 'r1'; expected 0 to 3 (its iterations in "
                 "runs.csv)");
    expect_error(runs3, "run_id,kind,iteration,rss_bytes\nr1,iter,0,10\nr1,tick,4,10\n", NULL, NULL,
                 "samples.csv:3: iteration 4 of run 'r1'; expected 0 to 3 (its iterations in "
                 "runs.csv)");
    expect_error(runs3,
                 "run_id,kind,iteration,rss_bytes,live_objects,type_name\n"
                 "r1,iter,0,10,,\n"
                 "r1,type,99,,5,list\n",
                 NULL, NULL,
                 "samples.csv:3: iteration 99 of run 'r1'; expected 0 to 3 (its iterations in "
                 "runs.csv)");
    /* without runs.csv's iterations: bench run's own limit */
    expect_error(ok_runs, "run_id,kind,iteration,rss_bytes\nr1,iter,1000000001,10\n", NULL, NULL,
                 "samples.csv:2: iteration 1000000001 of run 'r1'; expected 0 to 1000000000 (the "
                 "most bench runs)");
    expect_error("run_id,scenario,runtime,mode,status,iterations\n"
                 "r1,s,native,forced,ok,1000000000000\n",
                 ok_samples, NULL, NULL,
                 "runs.csv:2: iterations is 1000000000000; expected 0 to 1000000000");
    expect_error("run_id,scenario,runtime,mode,status,wall_ns\n"
                 "r1,s,native,forced,ok,9223372036854775807\n",
                 ok_samples, NULL, NULL,
                 "runs.csv:2: wall_ns is 9223372036854775807, beyond what a run measures (at most "
                 "1125899906842624)");
    expect_error("run_id,scenario,runtime,mode,status,iterations\n"
                 "r1,s,native,forced,ok,-3\n",
                 ok_samples, NULL, NULL, "runs.csv:2: iterations is -3; expected 0 to 1000000000");
    /* a gap: iterations 0, 1, 3 (the line is the first sample after it) */
    expect_error(runs3,
                 "run_id,kind,iteration,rss_bytes\n"
                 "r1,iter,3,10\n"
                 "r1,iter,0,10\n"
                 "r1,iter,1,10\n",
                 NULL, NULL,
                 "samples.csv:2: run 'r1' has an iter sample for iteration 3 but none for "
                 "iteration 2: a run's iter samples are its iterations 0, 1, 2, … with none "
                 "missing");
    expect_error(runs3, "run_id,kind,iteration,rss_bytes\nr1,iter,2,10\n", NULL, NULL,
                 "samples.csv:2: run 'r1' has an iter sample for iteration 2 but none for "
                 "iteration 0: a run's iter samples are its iterations 0, 1, 2, … with none "
                 "missing");
}

/* A cell over the reader's cap in any of the folder's files: an error naming the file and line
 * (the cap itself is csvio's, tested in tests/harness/test_csvio.c). */
static void test_error_cell_cap(void **state)
{
    (void)state;
    size_t n = CSVT_CELL_MAX_BYTES + 1;
    char *runs = malloc(n + 256);
    assert_non_null(runs);
    int k = snprintf(runs, 256,
                     "run_id,scenario,runtime,mode,status,message\n"
                     "r1,s,native,forced,ok,\n"
                     "r2,s,native,auto,failed,");
    memset(runs + k, 'x', n);
    strcpy(runs + k + n, "\n");
    char want[256];
    snprintf(want, sizeof want,
             "runs.csv:3: a cell longer than %d bytes, more than bench ever writes: the file is "
             "damaged or not a results file",
             CSVT_CELL_MAX_BYTES);
    expect_error(runs, ok_samples, NULL, NULL, want);
    free(runs);
}

/* A folder of more settings than DS_MAX_SETTINGS: an error naming the run that makes one too
 * many. Up to the cap they load, each its own scenario, linked in order. */
static void test_error_too_many_settings(void **state)
{
    (void)state;
    size_t cap = 64 + (size_t)(DS_MAX_SETTINGS + 1) * 40;
    char *runs = malloc(cap);
    assert_non_null(runs);
    size_t used = (size_t)snprintf(runs, cap, "run_id,scenario,runtime,mode,status\n");
    for (int i = 0; i <= DS_MAX_SETTINGS; i++)
        used += (size_t)snprintf(runs + used, cap - used, "r%d,s%d,native,forced,ok\n", i, i);
    char want[256];
    snprintf(want, sizeof want,
             "runs.csv:%d: a setting (scenario, runtime, policy, allocator, threshold) beyond the "
             "%d a folder may hold",
             DS_MAX_SETTINGS + 2, DS_MAX_SETTINGS);
    expect_error(runs, "run_id,kind,iteration,rss_bytes\n", NULL, NULL, want);
    free(runs);
}

/* Many names and settings: interned once each, in order of first appearance, whatever their
 * number (hashed, not searched); a scenario's settings linked first to last. */
static void test_many_names(void **state)
{
    (void)state;
    enum { NAMES = 20000 };
    char *dir = fx_mkdtemp();
    fx_write(dir, "runs.csv",
             "run_id,scenario,runtime,policy,mode,status,iterations\n"
             "r1,a,native,py311,forced,ok,3\n"
             "r2,b,native,py311,forced,ok,3\n"
             "r3,a,native,py312,forced,ok,3\n"
             "r4,a,native,py311,auto,ok,3\n");
    char *path = fx_path(dir, "samples.csv");
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("run_id,kind,iteration,rss_bytes,live_objects,live_bytes,type_name,alloc_site\n"
          "r1,iter,0,10,,,,\n",
          fp);
    for (int i = 0; i < NAMES; i++) /* each name twice, the second time in reverse order */
        fprintf(fp, "r1,type,0,,%d,1,t%d,\nr1,site,0,,1,1,,f.py:%d\n", i, i, i);
    for (int i = NAMES - 1; i >= 0; i--)
        fprintf(fp, "r1,type,0,,%d,1,t%d,\n", i, i);
    assert_int_equal(fclose(fp), 0);
    ds d;
    char err[512] = "";
    if (ds_load(&d, dir, err, sizeof err) != 0)
        fail_msg("ds_load: %s", err);
    assert_int_equal(d.ntype_names, NAMES);
    assert_int_equal(d.nsite_names, NAMES);
    assert_int_equal(d.runs[0].ntypes, 2 * NAMES);
    for (size_t i = 0; i < d.runs[0].ntypes; i++) {
        const ds_type_count *c = &d.runs[0].types[i];
        char want[32];
        snprintf(want, sizeof want, "t%lld", (long long)c->live_objects);
        assert_string_equal(d.type_names[c->type_id], want);
    }
    assert_string_equal(d.site_names[NAMES - 1], "f.py:19999");
    /* settings: (a, py311) [r1, r4], (b, py311), (a, py312): a's are 0 then 2 */
    assert_int_equal(d.nsettings, 3);
    assert_true(d.settings[0].first_of_scenario && d.settings[1].first_of_scenario);
    assert_false(d.settings[2].first_of_scenario);
    assert_int_equal(d.settings[0].next_of_scenario, 2);
    assert_int_equal(d.settings[2].next_of_scenario, 3);
    assert_int_equal(d.settings[1].next_of_scenario, 3);
    ds_free(&d);
    free(path);
    fx_rmtree(dir);
    free(dir);
}

/* ==== size ================================================================================= */

/* Many runs and samples, listed run after run in reverse iteration order: loads, sorts and
 * finds every sample (the hash table and the sorts at work). */
static void test_many_samples(void **state)
{
    (void)state;
    enum { RUNS = 200, ITERS = 500 };
    char *dir = fx_mkdtemp();
    char *runs_path = fx_path(dir, "runs.csv"), *samples_path = fx_path(dir, "samples.csv");
    FILE *runs = fopen(runs_path, "w"), *samples = fopen(samples_path, "w");
    assert_non_null(runs);
    assert_non_null(samples);
    fputs("run_id,scenario,runtime,mode,status,repeat\n", runs);
    fputs("run_id,kind,iteration,t_ns,rss_bytes\n", samples);
    for (int r = 0; r < RUNS; r++) {
        fprintf(runs, "r%04d,s%d,native,%s,ok,%d\n", r, r % 4, r % 2 ? "auto" : "forced", r);
        for (int i = ITERS - 1; i >= 0; i--)
            fprintf(samples, "r%04d,iter,%d,%d,%d\n", r, i, i, r * 1000 + i);
    }
    assert_int_equal(fclose(runs), 0);
    assert_int_equal(fclose(samples), 0);
    ds d;
    char err[512] = "";
    if (ds_load(&d, dir, err, sizeof err) != 0)
        fail_msg("ds_load: %s", err);
    assert_int_equal(d.nsettings, 4);
    for (int r = 0; r < RUNS; r++) {
        assert_int_equal(d.runs[r].niters, ITERS);
        assert_int_equal(d.runs[r].iters[ITERS - 1].rss_bytes, r * 1000 + ITERS - 1);
    }
    int64_t med, lo, hi;
    /* setting s0: runs 0, 4, 8, … all forced */
    assert_int_equal(ds_iter_stat(&d, 0, 0, 7, offsetof(ds_sample, rss_bytes), &med, &lo, &hi),
                     RUNS / 4);
    assert_int_equal(lo, 7);
    assert_int_equal(hi, 196 * 1000 + 7);
    ds_free(&d);
    fx_rmtree(dir);
    free(runs_path);
    free(samples_path);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_run_cells, setup_full, teardown_full),
        cmocka_unit_test_setup_teardown(test_settings_grouping, setup_full, teardown_full),
        cmocka_unit_test_setup_teardown(test_samples_sorted, setup_full, teardown_full),
        cmocka_unit_test_setup_teardown(test_iter_stat, setup_full, teardown_full),
        cmocka_unit_test_setup_teardown(test_last_iteration, setup_full, teardown_full),
        cmocka_unit_test_setup_teardown(test_machine_and_summary, setup_full, teardown_full),
        cmocka_unit_test(test_modes),
        cmocka_unit_test(test_optional_missing),
        cmocka_unit_test(test_error_too_many_cells),
        cmocka_unit_test(test_error_not_a_number),
        cmocka_unit_test(test_error_unknown_run),
        cmocka_unit_test(test_error_unknown_mode),
        cmocka_unit_test(test_error_missing_column),
        cmocka_unit_test(test_error_missing_files),
        cmocka_unit_test(test_error_bad_rows),
        cmocka_unit_test(test_class_rows),
        cmocka_unit_test(test_error_class_rows),
        cmocka_unit_test(test_error_iteration_range),
        cmocka_unit_test(test_error_cell_cap),
        cmocka_unit_test(test_error_too_many_settings),
        cmocka_unit_test(test_many_names),
        cmocka_unit_test(test_many_samples),
    };
    return cmocka_run_group_tests_name("dataset", tests, NULL, NULL);
}
