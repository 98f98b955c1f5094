/* test_merge.c — merge_folders on shard folders written by hand: renumbering (run_ids that are
 * not r%04d of plan_index, in runs.csv and samples.csv), the order of runs and machines whatever
 * the order of the folders, columns only one folder has, merged_from summed over merged
 * folders, and the refusals e2e_merge cannot reach with real folders (a plan_index twice in one
 * folder, many missing ranges, a machine without rows, plan_runs that disagree) — each leaving
 * nothing at --out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvio.h"
#include "fixture.h"
#include "merge.h"
#include "util.h"

/* ==== folders ============================================================================== */

/* A shard folder DIR/NAME of plan PLAN_ID (PLAN_RUNS runs) on machine MACHINE: a run per
 * indexes[i] (run_id "x<index>", on machine runs_machine or MACHINE, repeat = its index, forced,
 * one iteration, live objects 10 * index then 10 * index + 1), complete. extra_machine_rows
 * follow the machine's rows (a merged folder's keys); note_column adds a runs.csv column "note"
 * whose cell is "n<index>". Returns the folder's path (free it). */
static char *write_shard(const char *dir, const char *name, const char *machine,
                         const char *plan_id, int plan_runs, const char *shard, const int *indexes,
                         size_t n, const char *runs_machine, const char *extra_machine_rows,
                         bool note_column)
{
    char *path = fx_path(dir, name);
    assert_int_equal(gcb_mkdirs(path), 0);
    char text[8192];
    size_t used = 0;
    used += (size_t)snprintf(text + used, sizeof text - used,
                             "key,value,machine_id\nhost,%s,%s\nmachine_id,%s,%s\n", machine,
                             machine, machine, machine);
    if (extra_machine_rows != NULL)
        used += (size_t)snprintf(text + used, sizeof text - used, "%s", extra_machine_rows);
    else
        used += (size_t)snprintf(text + used, sizeof text - used,
                                 "plan_id,%s,%s\nplan_runs,%d,%s\nshard,%s,%s\nstatus,complete,%s\n"
                                 "runs_planned,%zu,%s\nruns_done,%zu,%s\n",
                                 plan_id, machine, plan_runs, machine, shard, machine, machine, n,
                                 machine, n, machine);
    fx_write(path, "machine.csv", text);
    used = (size_t)snprintf(text, sizeof text,
                            "run_id,scenario,runtime,policy,allocator,threshold,mode,repeat,"
                            "iterations,status,machine_id,plan_index%s\n",
                            note_column ? ",note" : "");
    for (size_t i = 0; i < n; i++) {
        used += (size_t)snprintf(text + used, sizeof text - used,
                                 "x%d,t,native,py311,pymalloc,700/10/10,forced,%d,1,ok,%s,%d",
                                 indexes[i], indexes[i],
                                 runs_machine != NULL ? runs_machine : machine, indexes[i]);
        if (note_column)
            used += (size_t)snprintf(text + used, sizeof text - used, ",n%d", indexes[i]);
        used += (size_t)snprintf(text + used, sizeof text - used, "\n");
    }
    fx_write(path, "runs.csv", text);
    used = (size_t)snprintf(text, sizeof text, "run_id,kind,iteration,rss_bytes,live_objects\n");
    for (size_t i = n; i-- > 0;) /* runs' samples in the other order than runs.csv's */
        for (int it = 0; it < 2; it++)
            used += (size_t)snprintf(text + used, sizeof text - used, "x%d,iter,%d,%d,%d\n",
                                     indexes[i], it, 1000 + it, 10 * indexes[i] + it);
    fx_write(path, "samples.csv", text);
    return path;
}

/* merge_folders with stderr captured into *err (free it). Returns its exit status. */
static int merge_capture(const char *const *dirs, size_t n, const char *out, char **err)
{
    fx_capture c;
    fx_capture_begin(&c, 2);
    int rc = merge_folders(dirs, n, out, true);
    *err = fx_capture_end(&c);
    return rc;
}

/* out/name loaded (the test fails when it does not load). */
static void load(csvt *t, const char *out, const char *name)
{
    char *path = fx_path(out, name), err[1024];
    if (csvt_load(t, path, err, sizeof err) != 0)
        fail_msg("%s", err);
    free(path);
}

static const char *cell(const csvt *t, size_t row, const char *column)
{
    int col = csvt_col(t, column);
    assert_true(col >= 0);
    return csvt_get(t, row, col);
}

/* A refused merge: exit rc, stderr holds needle, nothing at out. */
static void refused(const char *const *dirs, size_t n, const char *out, int rc, const char *needle)
{
    char *err;
    assert_int_equal(merge_capture(dirs, n, out, &err), rc);
    if (strstr(err, needle) == NULL)
        fail_msg("stderr does not say '%s': %s", needle, err);
    assert_int_equal(access(out, F_OK), -1);
    free(err);
}

/* ==== tests ================================================================================ */

/* Shard B (runs 3, 4 on m1, a note column) given before shard A (runs 1, 2 on m2): runs in
 * plan order renumbered in both files, each run's samples in its shard's order, machines in the
 * order of their first runs, the note column kept (empty for A's runs). */
static void test_merge_renumbers_and_orders(void **state)
{
    (void)state;
    char *tmp = fx_mkdtemp();
    int a_idx[] = {2, 1}, b_idx[] = {3, 4};
    char *a = write_shard(tmp, "a", "m2", "abcd", 4, "1/2", a_idx, 2, NULL, NULL, false);
    char *b = write_shard(tmp, "b", "m1", "abcd", 4, "2/2", b_idx, 2, NULL, NULL, true);
    char *out = fx_path(tmp, "merged");
    const char *dirs[] = {b, a};
    char *err;
    assert_int_equal(merge_capture(dirs, 2, out, &err), GCB_EXIT_OK);
    assert_string_equal(err, "");
    free(err);

    csvt runs, samples, machine;
    load(&runs, out, "runs.csv");
    assert_int_equal(runs.nrows, 4);
    static const char *const ids[] = {"r0001", "r0002", "r0003", "r0004"};
    static const char *const machines[] = {"m2", "m2", "m1", "m1"};
    static const char *const notes[] = {"", "", "n3", "n4"};
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(cell(&runs, i, "run_id"), ids[i]);
        char index[8];
        snprintf(index, sizeof index, "%zu", i + 1);
        assert_string_equal(cell(&runs, i, "plan_index"), index);
        assert_string_equal(cell(&runs, i, "repeat"), index);
        assert_string_equal(cell(&runs, i, "machine_id"), machines[i]);
        assert_string_equal(cell(&runs, i, "note"), notes[i]);
    }
    assert_string_equal(runs.header[runs.ncols - 1], "note");

    load(&samples, out, "samples.csv");
    assert_int_equal(samples.nrows, 8);
    for (size_t row = 0; row < 8; row++) {
        assert_string_equal(cell(&samples, row, "run_id"), ids[row / 2]);
        char live[16];
        snprintf(live, sizeof live, "%zu", 10 * (row / 2 + 1) + row % 2);
        assert_string_equal(cell(&samples, row, "live_objects"), live);
    }

    load(&machine, out, "machine.csv");
    /* m2's two rows, m1's two, then the folder's seven keys */
    assert_int_equal(machine.nrows, 11);
    static const char *const keys[] = {"host",    "machine_id",   "host",     "machine_id",
                                       "plan_id", "plan_runs",    "shard",    "merged_from",
                                       "status",  "runs_planned", "runs_done"};
    static const char *const values[] = {"m2",  "m2", "m1",       "m1", "abcd", "4",
                                         "1/1", "2",  "complete", "4",  "4"};
    static const char *const owners[] = {"m2", "m2", "m1", "m1", "", "", "", "", "", "", ""};
    for (size_t row = 0; row < 11; row++) {
        assert_string_equal(cell(&machine, row, "key"), keys[row]);
        assert_string_equal(cell(&machine, row, "value"), values[row]);
        assert_string_equal(cell(&machine, row, "machine_id"), owners[row]);
        assert_true(merge_is_folder_key(keys[row]) == (row >= 4));
    }
    char *summary = fx_path(out, "summary.csv");
    assert_int_equal(access(summary, R_OK), 0);
    free(summary);
    csvt_free(&runs);
    csvt_free(&samples);
    csvt_free(&machine);
    fx_rmtree(tmp);
    free(a);
    free(b);
    free(out);
    free(tmp);
}

/* A merged folder (merged_from 3, the folder's keys with an empty machine_id) beside the last
 * shard: merged_from 4; a machine no run ran on comes last. */
static void test_merge_merged_from_sums(void **state)
{
    (void)state;
    char *tmp = fx_mkdtemp();
    int a_idx[] = {1, 2, 3}, b_idx[] = {4};
    char *a = write_shard(tmp, "a", "m1", "abcd", 4, NULL, a_idx, 3, NULL,
                          "host,idle,m0\nmachine_id,m0,m0\n"
                          "plan_id,abcd,\nplan_runs,4,\nshard,1/1,\nmerged_from,3,\n"
                          "status,complete,\nruns_planned,4,\nruns_done,4,\n",
                          false);
    char *b = write_shard(tmp, "b", "m1", "abcd", 4, "4/4", b_idx, 1, NULL, NULL, false);
    char *out = fx_path(tmp, "merged");
    const char *dirs[] = {a, b};
    char *err;
    assert_int_equal(merge_capture(dirs, 2, out, &err), GCB_EXIT_OK);
    free(err);
    csvt machine;
    load(&machine, out, "machine.csv");
    assert_int_equal(machine.nrows, 4 + 7);
    assert_string_equal(cell(&machine, 0, "machine_id"), "m1");
    assert_string_equal(cell(&machine, 2, "machine_id"), "m0"); /* no run: last */
    assert_string_equal(cell(&machine, 2, "value"), "idle");
    assert_string_equal(cell(&machine, 7, "key"), "merged_from");
    assert_string_equal(cell(&machine, 7, "value"), "4");
    csvt_free(&machine);
    fx_rmtree(tmp);
    free(a);
    free(b);
    free(out);
    free(tmp);
}

/* A plan_index twice in one folder is damage (exit 1, both lines named); in two folders it is
 * a shard given twice (exit 2). */
static void test_merge_twice(void **state)
{
    (void)state;
    char *tmp = fx_mkdtemp();
    int a_idx[] = {1, 2}, b_idx[] = {2, 3};
    char *a = write_shard(tmp, "a", "m1", "abcd", 3, "1/1", a_idx, 2, NULL, NULL, false);
    char *out = fx_path(tmp, "merged");
    const char *one[] = {a};
    /* a third run (no samples) whose plan_index is the first's */
    char *path = fx_path(a, "runs.csv");
    char *text = fx_read(path, NULL), more[8192];
    snprintf(more, sizeof more, "%sy1,t,native,py311,pymalloc,700/10/10,forced,3,1,ok,m1,1\n",
             text);
    fx_write(a, "runs.csv", more);
    refused(one, 1, out, GCB_EXIT_FAILED, "runs.csv:4: plan_index 1 is also on line 2");
    free(text);
    free(path);
    int c_idx[] = {1, 2};
    char *c = write_shard(tmp, "c", "m1", "abcd", 3, "1/2", c_idx, 2, NULL, NULL, false);
    char *b = write_shard(tmp, "b", "m1", "abcd", 3, "2/2", b_idx, 2, NULL, NULL, false);
    const char *two[] = {c, b};
    refused(two, 2, out, GCB_EXIT_USAGE, "run r0002 (plan_index 2 of plan abcd) is in both");
    fx_rmtree(tmp);
    free(a);
    free(b);
    free(c);
    free(out);
    free(tmp);
}

/* Every other run of 40 missing: the count, the first eight ranges, then "…". */
static void test_merge_many_gaps(void **state)
{
    (void)state;
    char *tmp = fx_mkdtemp();
    int idx[20];
    for (int i = 0; i < 20; i++)
        idx[i] = 2 * (i + 1);
    char *a = write_shard(tmp, "a", "m1", "abcd", 40, "1/1", idx, 20, NULL, NULL, false);
    char *out = fx_path(tmp, "merged");
    const char *dirs[] = {a};
    refused(dirs, 1, out, GCB_EXIT_USAGE,
            "plan abcd has 40 runs and 20 of them are in none of the folders given: r0001, "
            "r0003, r0005, r0007, r0009, r0011, r0013, r0015, …; give every shard of the plan");
    fx_rmtree(tmp);
    free(a);
    free(out);
    free(tmp);
}

/* A run on a machine its folder has no rows of; plan_runs that disagree under one plan_id. */
static void test_merge_damaged(void **state)
{
    (void)state;
    char *tmp = fx_mkdtemp();
    int a_idx[] = {1}, b_idx[] = {2};
    char *a = write_shard(tmp, "a", "m1", "abcd", 2, "1/2", a_idx, 1, "ghost", NULL, false);
    char *out = fx_path(tmp, "merged");
    const char *one[] = {a};
    refused(one, 1, out, GCB_EXIT_FAILED, "runs.csv:2: machine_id is 'ghost', which has no rows");
    char *c = write_shard(tmp, "c", "m1", "abcd", 2, "1/2", a_idx, 1, NULL, NULL, false);
    char *b = write_shard(tmp, "b", "m1", "abcd", 3, "2/2", b_idx, 1, NULL, NULL, false);
    const char *two[] = {c, b};
    refused(two, 2, out, GCB_EXIT_FAILED, "but say it has 2 and 3 runs");
    fx_rmtree(tmp);
    free(a);
    free(b);
    free(c);
    free(out);
    free(tmp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merge_renumbers_and_orders),
        cmocka_unit_test(test_merge_merged_from_sums),
        cmocka_unit_test(test_merge_twice),
        cmocka_unit_test(test_merge_many_gaps),
        cmocka_unit_test(test_merge_damaged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
