/* test_csvio.c — the CSV writer and reader (csvio.h): quoting only where needed, a round
 * trip of awkward cells, and errors that name the file and line. */
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

static char path[64];

static int make_path(void **state)
{
    (void)state;
    snprintf(path, sizeof path, "/tmp/gcb-csvio-%d.csv", (int)getpid());
    return 0;
}

static int remove_path(void **state)
{
    (void)state;
    unlink(path);
    return 0;
}

static char *slurp(void)
{
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    static char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    return buf;
}

static void write_then_read(void **state)
{
    (void)state;
    static const char *const header[] = {"name", "bytes", "note"};
    csvw w;
    assert_int_equal(csvw_open(&w, path, header, 3), 0);
    csvw_str(&w, "plain");
    csvw_i64(&w, -42);
    csvw_str(&w, "a, b");
    assert_int_equal(csvw_end_row(&w), 0);
    csvw_str(&w, "say \"hi\"");
    csvw_u64(&w, 18446744073709551615ull);
    csvw_str(&w, "two\nlines");
    assert_int_equal(csvw_end_row(&w), 0);
    csvw_empty(&w);
    csvw_f64(&w, 0.25);
    csvw_str(&w, " padded ");
    assert_int_equal(csvw_end_row(&w), 0);
    assert_int_equal(csvw_close(&w), 0);
    assert_string_equal(slurp(), "name,bytes,note\n"
                                 "plain,-42,\"a, b\"\n"
                                 "\"say \"\"hi\"\"\",18446744073709551615,\"two\nlines\"\n"
                                 ",0.25,\" padded \"\n");
    csvt t;
    char err[256];
    assert_int_equal(csvt_load(&t, path, err, sizeof err), 0);
    assert_int_equal(t.ncols, 3);
    assert_int_equal(t.nrows, 3);
    assert_int_equal(csvt_col(&t, "note"), 2);
    assert_int_equal(csvt_col(&t, "absent"), -1);
    assert_string_equal(csvt_get(&t, 0, 2), "a, b");
    assert_string_equal(csvt_get(&t, 1, 0), "say \"hi\"");
    assert_string_equal(csvt_get(&t, 1, 2), "two\nlines");
    assert_string_equal(csvt_get(&t, 2, 2), " padded ");
    assert_string_equal(csvt_get(&t, 2, -1), "");
    assert_int_equal(t.lines[2], 5); /* the quoted line break counts */
    int64_t v = 0;
    bool bad = false;
    assert_true(csvt_i64(&t, 0, 1, &v, &bad));
    assert_int_equal(v, -42);
    assert_false(csvt_i64(&t, 2, 0, &v, &bad)); /* empty: not measured */
    assert_false(bad);
    assert_false(csvt_i64(&t, 0, 0, &v, &bad)); /* "plain" */
    assert_true(bad);
    double d = 0;
    assert_true(csvt_f64(&t, 2, 1, &d, NULL));
    assert_true(d == 0.25);
    csvt_free(&t);
}

static void load_errors(const char *text, const char *expect)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    csvt t;
    char err[512], want[512];
    assert_int_equal(csvt_load(&t, path, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s%s", path, expect);
    assert_string_equal(err, want);
}

static void malformed_files(void **state)
{
    (void)state;
    load_errors("a,b\n1,2\n3,4,5\n", ":3: 3 cells where the header has 2");
    load_errors("a,b\n1,2\n\"open,2\n", ":3: malformed CSV: a quoted cell is never closed");
    load_errors("", ":1: empty file: no header row");
    load_errors("a,b\n1,x\"y\n",
                ":2: malformed CSV: error parsing data while strict checking enabled");
    csvt t;
    char err[512];
    assert_int_equal(csvt_load(&t, "/nonexistent/x.csv", err, sizeof err), -1);
    assert_string_equal(err, "/nonexistent/x.csv: cannot read: No such file or directory");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(write_then_read, make_path, remove_path),
        cmocka_unit_test_setup_teardown(malformed_files, make_path, remove_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
