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

/* ==== caps and untrusted input ============================================================== */

static void write_file(const char *text, size_t len)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

/* Loads text from the file and from memory: both must fail with "NAME" + expect (NAME the path,
 * or "mem.csv"), or, when expect is NULL, both succeed with the same table. Returns the table
 * from memory (to csvt_free) when they succeed. */
static csvt load_both(const char *text, size_t len, unsigned flags, const char *expect)
{
    write_file(text, len);
    csvt f, m;
    char err[512] = "", want[512];
    int rc_file = csvt_load_ex(&f, path, flags, err, sizeof err);
    if (expect != NULL) {
        assert_int_equal(rc_file, -1);
        snprintf(want, sizeof want, "%s%s", path, expect);
        assert_string_equal(err, want);
        assert_null(f.cells); /* nothing left to free */
    } else if (rc_file != 0) {
        fail_msg("csvt_load_ex: %s", err);
    }
    int rc_mem = csvt_load_mem(&m, "mem.csv", text, len, flags, err, sizeof err);
    if (expect != NULL) {
        assert_int_equal(rc_mem, -1);
        snprintf(want, sizeof want, "mem.csv%s", expect);
        assert_string_equal(err, want);
        memset(&m, 0, sizeof m);
        return m;
    }
    if (rc_mem != 0)
        fail_msg("csvt_load_mem: %s", err);
    assert_int_equal(f.ncols, m.ncols);
    assert_int_equal(f.nrows, m.nrows);
    for (size_t r = 0; r < m.nrows; r++) {
        assert_int_equal(f.lines[r], m.lines[r]);
        for (size_t c = 0; c < m.ncols; c++)
            assert_string_equal(csvt_get(&f, r, (int)c), csvt_get(&m, r, (int)c));
    }
    csvt_free(&f);
    return m;
}

/* A text of prefix, then n bytes of c, then suffix (malloc'd; *len its length). */
static char *text_with_run(const char *prefix, char c, size_t n, const char *suffix, size_t *len)
{
    size_t a = strlen(prefix), b = strlen(suffix);
    char *text = malloc(a + n + b + 1);
    assert_non_null(text);
    memcpy(text, prefix, a);
    memset(text + a, c, n);
    memcpy(text + a + n, suffix, b + 1);
    *len = a + n + b;
    return text;
}

/* A cell of exactly CSVT_CELL_MAX_BYTES loads; one byte more is an error naming the line where
 * the cap is crossed, unquoted or quoted across lines, in the middle of the file or at its end
 * with no line break, and however large the cell (10 MB: stopped at the cap, at once). */
static void cell_cap(void **state)
{
    (void)state;
    size_t len;
    char *text = text_with_run("a,b\n1,", 'x', CSVT_CELL_MAX_BYTES, "\n2,3\n", &len);
    csvt t = load_both(text, len, 0, NULL);
    assert_int_equal(t.nrows, 2);
    assert_int_equal(strlen(csvt_get(&t, 0, 1)), CSVT_CELL_MAX_BYTES);
    csvt_free(&t);
    free(text);

    char want[256];
    snprintf(want, sizeof want,
             ":3: a cell longer than %d bytes, more than bench ever writes: the file is damaged "
             "or not a results file",
             CSVT_CELL_MAX_BYTES);
    text = text_with_run("a,b\n1,2\n3,", 'x', CSVT_CELL_MAX_BYTES + 1, "\n4,5\n", &len);
    load_both(text, len, 0, want);
    free(text);
    text = text_with_run("a,b\n1,2\n3,", 'x', CSVT_CELL_MAX_BYTES + 1, "", &len); /* at EOF */
    load_both(text, len, 0, want);
    free(text);
    text = text_with_run("a,b\n1,2\n3,", 'x', 10 * 1000 * 1000, "\n", &len); /* the bug report's */
    load_both(text, len, 0, want);
    free(text);
    /* quoted, with line breaks: the cap is crossed on line 3 + 2 */
    size_t half = CSVT_CELL_MAX_BYTES / 2;
    char *a = text_with_run("a,b\n1,2\n3,\"\n\n", 'y', half, "", &len);
    char *b = text_with_run(a, 'z', half + 1, "\"\n", &len);
    snprintf(want, sizeof want,
             ":5: a cell longer than %d bytes, more than bench ever writes: the file is damaged "
             "or not a results file",
             CSVT_CELL_MAX_BYTES);
    load_both(b, len, 0, want);
    free(a);
    free(b);
}

/* A row's cells may each be under the cap and still add up to more than CSVT_ROW_MAX_BYTES;
 * a row may not have more than CSVT_MAX_COLUMNS cells (the header included). */
static void row_and_column_caps(void **state)
{
    (void)state;
    enum { CELL = 60000 };
    size_t cells = CSVT_ROW_MAX_BYTES / (CELL + 1) + 1;
    char *header = malloc(cells * 8 + 1), *row = malloc(cells * (CELL + 1) + 1);
    assert_non_null(header);
    assert_non_null(row);
    char *h = header, *r = row;
    for (size_t i = 0; i < cells; i++) {
        h += sprintf(h, "%sc%zu", i ? "," : "", i);
        if (i)
            *r++ = ',';
        memset(r, 'x', CELL);
        r += CELL;
    }
    size_t len;
    char *text = text_with_run(header, '\n', 1, row, &len);
    char want[256];
    snprintf(want, sizeof want,
             ":2: a row longer than %d bytes, more than bench ever writes: the file is damaged or "
             "not a results file",
             CSVT_ROW_MAX_BYTES);
    load_both(text, len, 0, want);
    free(text);
    free(header);
    free(row);

    /* CSVT_MAX_COLUMNS empty cells load; one more does not */
    text = text_with_run("", ',', CSVT_MAX_COLUMNS - 1, "\n", &len);
    csvt t = load_both(text, len, 0, NULL);
    assert_int_equal(t.ncols, CSVT_MAX_COLUMNS);
    assert_int_equal(t.nrows, 0);
    csvt_free(&t);
    free(text);
    text = text_with_run("", ',', CSVT_MAX_COLUMNS, "\n", &len);
    snprintf(want, sizeof want,
             ":1: a row of more than %d cells, more than bench ever writes: the file is damaged or "
             "not a results file",
             CSVT_MAX_COLUMNS);
    load_both(text, len, 0, want);
    free(text);
}

/* Files larger than the reader's blocks and pieces, rows and quoted cells across their
 * boundaries, CRLF line ends, comments (CSVT_SKIP_COMMENTS, not inside a quoted cell), no
 * final line break, an embedded NUL: the file and the memory reader agree, line by line. */
static void pieces_and_lines(void **state)
{
    (void)state;
    size_t cap = 1 << 20, len = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    len += (size_t)sprintf(text + len, "# a note\nid,note,n\n");
    for (int i = 0; len < cap - 20000; i++) {
        if (i % 7 == 0)
            len +=
                (size_t)sprintf(text + len, "\"q%d, with\n# not a comment\nline\",x,%d\r\n", i, i);
        else if (i % 11 == 0)
            len += (size_t)sprintf(text + len, "# comment %d\n", i);
        else
            len += (size_t)sprintf(text + len, "r%d,%*d,%d\n", i, i % 5000, i, i);
    }
    len += (size_t)sprintf(text + len, "last,a");
    text[len++] = '\0';
    len += (size_t)sprintf(text + len, "b,1");
    csvt t = load_both(text, len, CSVT_SKIP_COMMENTS, NULL);
    assert_int_equal(t.ncols, 3);
    assert_string_equal(csvt_get(&t, 0, 0), "q0, with\n# not a comment\nline");
    assert_int_equal(t.lines[0], 5);
    assert_string_equal(csvt_get(&t, t.nrows - 1, 0), "last");
    assert_string_equal(csvt_get(&t, t.nrows - 1, 1), "a"); /* cut at the NUL */
    csvt_free(&t);
    /* without the flag, the first line is the header */
    t = load_both(text, len, 0, ":2: 3 cells where the header has 1");
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(write_then_read, make_path, remove_path),
        cmocka_unit_test_setup_teardown(malformed_files, make_path, remove_path),
        cmocka_unit_test_setup_teardown(cell_cap, make_path, remove_path),
        cmocka_unit_test_setup_teardown(row_and_column_caps, make_path, remove_path),
        cmocka_unit_test_setup_teardown(pieces_and_lines, make_path, remove_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
