/* fuzz_csv.c — libFuzzer target of the CSV reader (csvio.h): any bytes, as a file of the
 * results folder would hold them, through csvt_load_mem, with and without CSVT_SKIP_COMMENTS.
 *
 * Besides "no crash, no leak, no undefined behaviour" (the sanitizers), it checks what the
 * reader promises: a failure leaves an empty table and a message "NAME:…"; a success has every
 * cell within the caps, a header of 1..CSVT_MAX_COLUMNS names, rows on non-decreasing lines; the
 * number accessors accept any cell; and what loaded reads back the same once written with the
 * CSV writer (csvw), the round trip every results file makes. A broken promise aborts (a
 * crash to libFuzzer), with what broke on stderr.
 *
 *   build-fuzz/tests/fuzz/fuzz_csv -dict=tests/fuzz/csv.dict CORPUS tests/fuzz/corpus/csv
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NAME "fuzz.csv"

static void broken(const char *what, size_t a, size_t b)
{
    fprintf(stderr, "fuzz_csv: %s (%zu, %zu)\n", what, a, b);
    abort();
}

/* What a successful load promises. */
static void check_table(const csvt *t)
{
    if (t->ncols < 1 || t->ncols > CSVT_MAX_COLUMNS)
        broken("header width out of range", t->ncols, 0);
    int64_t i64;
    double f64;
    bool bad;
    for (size_t c = 0; c < t->ncols; c++) {
        if (strlen(t->header[c]) > CSVT_CELL_MAX_BYTES)
            broken("header cell over the cap", c, strlen(t->header[c]));
        int found = csvt_col(t, t->header[c]);
        if (found < 0 || (size_t)found > c)
            broken("csvt_col does not find a header name", c, (size_t)found);
    }
    for (size_t r = 0; r < t->nrows; r++) {
        size_t row_bytes = 0;
        if (r > 0 && t->lines[r] < t->lines[r - 1])
            broken("lines go backwards", r, t->lines[r]);
        for (size_t c = 0; c < t->ncols; c++) {
            const char *cell = csvt_get(t, r, (int)c);
            size_t n = strlen(cell);
            if (n > CSVT_CELL_MAX_BYTES)
                broken("cell over the cap", r, n);
            row_bytes += n + 1;
            bad = false;
            csvt_i64(t, r, (int)c, &i64, &bad);
            csvt_f64(t, r, (int)c, &f64, &bad);
        }
        if (row_bytes > CSVT_ROW_MAX_BYTES)
            broken("row over the cap", r, row_bytes);
        if (*csvt_get(t, r, -1) != '\0')
            broken("an absent column is not empty", r, 0);
    }
}

/* Writes t with csvw into memory. Returns the text (malloc'd; *len its length) or NULL when
 * the table cannot be written as it loaded: a table of one column whose cell is empty (an
 * empty line, which a reader skips; results files have several columns). */
static char *write_table(const csvt *t, size_t *len)
{
    if (t->ncols == 1) {
        if (*t->header[0] == '\0')
            return NULL;
        for (size_t r = 0; r < t->nrows; r++)
            if (*csvt_get(t, r, 0) == '\0')
                return NULL;
    }
    char *text = NULL;
    FILE *fp = open_memstream(&text, len);
    if (fp == NULL)
        broken("open_memstream failed", 0, 0);
    csvw w;
    csvw_attach(&w, fp, t->ncols);
    for (size_t c = 0; c < t->ncols; c++)
        csvw_str(&w, t->header[c]);
    if (csvw_end_row(&w) != 0)
        broken("csvw_end_row failed", 0, 0);
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols; c++)
            csvw_str(&w, csvt_get(t, r, (int)c));
        if (csvw_end_row(&w) != 0)
            broken("csvw_end_row failed", r, 0);
    }
    if (fclose(fp) != 0)
        broken("fclose failed", 0, 0);
    return text;
}

/* What loaded, written and read again, is the same table. */
static void check_round_trip(const csvt *t)
{
    size_t len;
    char *text = write_table(t, &len);
    if (text == NULL)
        return;
    csvt u;
    char err[512];
    if (csvt_load_mem(&u, NAME, text, len, 0, err, sizeof err) != 0) {
        fprintf(stderr, "fuzz_csv: the written table does not load: %s\n", err);
        abort();
    }
    if (u.ncols != t->ncols || u.nrows != t->nrows)
        broken("round trip: another shape", u.ncols, u.nrows);
    for (size_t c = 0; c < t->ncols; c++)
        if (strcmp(u.header[c], t->header[c]) != 0)
            broken("round trip: another header name", c, 0);
    for (size_t r = 0; r < t->nrows; r++)
        for (size_t c = 0; c < t->ncols; c++)
            if (strcmp(csvt_get(&u, r, (int)c), csvt_get(t, r, (int)c)) != 0)
                broken("round trip: another cell", r, c);
    csvt_free(&u);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const unsigned flags[] = {0, CSVT_SKIP_COMMENTS};
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        csvt t;
        char err[512] = "";
        if (csvt_load_mem(&t, NAME, data, size, flags[i], err, sizeof err) != 0) {
            if (strncmp(err, NAME ":", strlen(NAME ":")) != 0)
                broken("a message that does not name the file", strlen(err), 0);
            if (t.cells != NULL || t.header != NULL || t.path != NULL)
                broken("a failed load left a table", 0, 0);
            continue;
        }
        check_table(&t);
        if (flags[i] == 0)
            check_round_trip(&t);
        csvt_free(&t);
    }
    return 0;
}
